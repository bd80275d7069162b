import { X509Certificate, createHash, type KeyObject } from 'node:crypto'
import { kidOfCertificate } from '../trust/trusted-signer.js'
import { signListItem } from './list-signature.js'
import type { TrustListCertificateType, TrustListEntry } from './trust-list-entry.js'

/** A certificate to publish in a trust list. */
export interface TrustListCertificate {
  /** The DER X.509 certificate. */
  readonly der: Uint8Array
  /** ISO 3166-1 alpha-2 of the country it signs for. */
  readonly country: string
  readonly certificateType: TrustListCertificateType
  /** When it is published; written to the second. */
  readonly timestamp: Date
}

/**
 * Makes a signed trust list in the DCC Gateway's JSON shape: one entry per certificate, each
 * signed by the publisher's key over the canonical JSON (RFC 8785) of its other fields, so that a
 * receiver holding the publisher's certificate can tell every entry came from them unchanged
 * (see {@link readTrustList}).
 *
 * @throws {TypeError} when the key is not a P-256 private key, a certificate does not parse, a
 *   country is not two capital letters or a timestamp is not a valid date.
 * @example
 * ```ts
 * const list = signTrustList(
 *   [{ der: dsc.der, country: 'RU', certificateType: 'DSC', timestamp: new Date() }],
 *   publisher.privateKey,
 * )
 * writeFileSync('trust-list.json', JSON.stringify(list))
 * ```
 */
export function signTrustList(
  certificates: readonly TrustListCertificate[],
  signingKey: KeyObject,
): TrustListEntry[] {
  return certificates.map((certificate, index) => {
    try {
      new X509Certificate(certificate.der)
    } catch (cause) {
      throw new TypeError(`expected certificate ${index} to be a DER X.509 certificate`, { cause })
    }
    if (!/^[A-Z]{2}$/.test(certificate.country)) {
      throw new TypeError(
        `expected the country of certificate ${index} to be ISO 3166-1 alpha-2, but found ${JSON.stringify(certificate.country)}`,
      )
    }
    if (certificate.certificateType !== 'DSC' && certificate.certificateType !== 'CSCA') {
      throw new TypeError(`expected certificate ${index} to be a DSC or a CSCA`)
    }
    if (Number.isNaN(certificate.timestamp.getTime())) {
      throw new TypeError(`expected the timestamp of certificate ${index} to be a valid date`)
    }
    const entry = {
      kid: Buffer.from(kidOfCertificate(certificate.der)).toString('base64'),
      // The Gateway's form, to the second: 2026-11-23T09:00:00Z.
      timestamp: certificate.timestamp.toISOString().replace(/\.\d{3}Z$/, 'Z'),
      country: certificate.country,
      certificateType: certificate.certificateType,
      thumbprint: createHash('sha256').update(certificate.der).digest('hex'),
      rawData: Buffer.from(certificate.der).toString('base64'),
    }
    const signature = signListItem(entry, signingKey)
    // The Gateway's member order, for people reading the file; the signature does not depend on it.
    return {
      kid: entry.kid,
      timestamp: entry.timestamp,
      country: entry.country,
      certificateType: entry.certificateType,
      thumbprint: entry.thumbprint,
      signature,
      rawData: entry.rawData,
    }
  })
}
