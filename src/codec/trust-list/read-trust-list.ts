import { X509Certificate, createHash, type KeyObject } from 'node:crypto'
import { isSignedBy } from '../trust/is-signed-by.js'
import {
  TrustError,
  kidOfCertificate,
  signerFromCertificate,
  type TrustedSigner,
} from '../trust/trusted-signer.js'
import { decodeBase64, listSigningKeyOf, verifyListItem } from './list-signature.js'
import type { TrustListCertificateType, TrustListEntry } from './trust-list-entry.js'
import { TrustListError } from './trust-list-error.js'

/** How to read a trust list. */
export interface ReadTrustListOptions {
  /**
   * The publisher's list-signing certificate (DER). When given, every entry's `signature` must
   * verify against it, and every DSC must be signed by a CSCA of its country in the list or by
   * this certificate itself. Without it, the list is read as the bare Gateway form: signatures
   * are not checked and may be any text.
   */
  readonly signingCertificate?: Uint8Array
}

/** What a trust list holds: its entries as read, and the document signers among them. */
export interface TrustListContents {
  /** The DSC entries, ready for a `TrustList`; CSCAs only vouch for them. */
  readonly signers: TrustedSigner[]
  readonly entries: TrustListEntry[]
}

/** ISO 8601 date and time with a zone, as the Gateway writes it (`yyyy-MM-dd'T'HH:mm:ssXXX`). */
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:Z|[+-]\d{2}:\d{2})$/

/**
 * Reads a trust list in the DCC Gateway's JSON shape (an array of `{ kid, timestamp, country,
 * certificateType, thumbprint, signature, rawData }`): checks every entry's form, that its
 * thumbprint is the SHA-256 of its certificate and, for a DSC, that its kid is the certificate's
 * (HCERT section 3.3.2); with a signing certificate, also every entry's signature and every DSC's
 * chain to a CSCA. The first problem found is thrown; a list is used whole or not at all.
 *
 * @throws {TrustListError} with a code naming the problem and, where there is one, the entry's
 *   index and field: `ERR_TRUST_LIST_FORMAT`, `ERR_TRUST_LIST_SIGNATURE`, `ERR_TRUST_LIST_CHAIN`,
 *   `ERR_TRUST_LIST_THUMBPRINT`, `ERR_TRUST_LIST_KID`, `ERR_TRUST_LIST_SIGNER`.
 * @example
 * ```ts
 * const { signers } = readTrustList(JSON.parse(text), { signingCertificate: publisherDer })
 * const result = verifyHc1(qr, { trust: new TrustList(signers), at: new Date() })
 * ```
 */
export function readTrustList(
  json: unknown,
  options: ReadTrustListOptions = {},
): TrustListContents {
  let signingKey: KeyObject | undefined
  if (options.signingCertificate !== undefined) {
    const key = listSigningKeyOf(options.signingCertificate)
    if ('problem' in key) throw new TrustListError('ERR_TRUST_LIST_SIGNER', key.problem)
    signingKey = key
  }
  if (!Array.isArray(json)) {
    throw new TrustListError(
      'ERR_TRUST_LIST_FORMAT',
      `expected a trust list to be a JSON array of entries (DCC Gateway GET /trustList), but found ${describe(json)}`,
    )
  }
  const read = json.map((item: unknown, index) => readEntry(item, index, signingKey))
  if (options.signingCertificate !== undefined) {
    checkChains(read, options.signingCertificate)
  }
  const signers = read
    .filter((entry) => entry.entry.certificateType === 'DSC')
    .map(({ der, kid, index }) => {
      try {
        return signerFromCertificate(der, kid)
      } catch (cause) {
        // readEntry has parsed the certificate already; this is a defect if it ever happens.
        if (!(cause instanceof TrustError)) throw cause
        throw new TrustListError('ERR_TRUST_LIST_FORMAT', entryMessage(index, cause.message), {
          cause,
          entry: index,
          field: 'rawData',
        })
      }
    })
  return { signers, entries: read.map((entry) => entry.entry) }
}

interface ReadEntry {
  readonly index: number
  readonly entry: TrustListEntry
  readonly der: Uint8Array
  readonly kid: Uint8Array
}

function readEntry(item: unknown, index: number, signingKey: KeyObject | undefined): ReadEntry {
  if (item === null || typeof item !== 'object' || Array.isArray(item)) {
    throw new TrustListError(
      'ERR_TRUST_LIST_FORMAT',
      entryMessage(index, `expected an object, but found ${describe(item)}`),
      { entry: index },
    )
  }
  const fields = item as Record<string, unknown>
  const text = (field: string): string => {
    const value = fields[field]
    if (typeof value !== 'string') {
      throw formatError(
        index,
        field,
        `expected "${field}" to be text, but found ${describe(value)}`,
      )
    }
    return value
  }
  const kidText = text('kid')
  const kid = decodeBase64(kidText)
  if (kid === undefined || kid.length === 0) {
    throw formatError(index, 'kid', `expected "kid" to be base64, but found ${quote(kidText)}`)
  }
  const timestamp = text('timestamp')
  if (!TIMESTAMP.test(timestamp) || Number.isNaN(Date.parse(timestamp))) {
    throw formatError(
      index,
      'timestamp',
      `expected "timestamp" to be an ISO 8601 time with a zone such as 2026-11-23T09:00:00Z, but found ${quote(timestamp)}`,
    )
  }
  const country = text('country')
  if (!/^[A-Z]{2}$/.test(country)) {
    throw formatError(
      index,
      'country',
      `expected "country" to be ISO 3166-1 alpha-2 (two capital letters), but found ${quote(country)}`,
    )
  }
  const certificateType = text('certificateType')
  if (certificateType !== 'DSC' && certificateType !== 'CSCA') {
    throw formatError(
      index,
      'certificateType',
      `expected "certificateType" to be DSC or CSCA, but found ${quote(certificateType)} (take a Gateway list from GET /trustList/DSC and /trustList/CSCA)`,
    )
  }
  const thumbprint = text('thumbprint')
  if (!/^[0-9a-fA-F]{64}$/.test(thumbprint)) {
    throw formatError(
      index,
      'thumbprint',
      `expected "thumbprint" to be the SHA-256 of the certificate in hex (64 digits), but found ${quote(thumbprint)}`,
    )
  }
  const signature = text('signature')
  const rawData = text('rawData')
  const der = decodeBase64(rawData)
  if (der === undefined || der.length === 0) {
    throw formatError(
      index,
      'rawData',
      `expected "rawData" to be a base64 DER certificate, but found ${quote(rawData)}`,
    )
  }
  try {
    new X509Certificate(der)
  } catch (cause) {
    throw new TrustListError(
      'ERR_TRUST_LIST_FORMAT',
      entryMessage(
        index,
        `expected "rawData" to be a DER X.509 certificate, but it does not parse: ${(cause as Error).message}`,
      ),
      { cause, entry: index, field: 'rawData' },
    )
  }
  const entry: TrustListEntry = {
    kid: kidText,
    timestamp,
    country,
    certificateType: certificateType satisfies TrustListCertificateType,
    thumbprint,
    signature,
    rawData,
  }

  if (signingKey !== undefined && !verifyListItem(fields, signature, signingKey)) {
    throw new TrustListError(
      'ERR_TRUST_LIST_SIGNATURE',
      entryMessage(
        index,
        'expected "signature" to be the list signer’s ECDSA P-256 signature of the entry’s other fields, but it does not verify: the entry was changed or signed by another key',
      ),
      { entry: index, field: 'signature' },
    )
  }
  const actualThumbprint = createHash('sha256').update(der).digest('hex')
  if (thumbprint.toLowerCase() !== actualThumbprint) {
    throw new TrustListError(
      'ERR_TRUST_LIST_THUMBPRINT',
      entryMessage(
        index,
        `expected "thumbprint" to be the SHA-256 of "rawData", ${actualThumbprint}, but found ${thumbprint}`,
      ),
      { entry: index, field: 'thumbprint' },
    )
  }
  const actualKid = kidOfCertificate(der)
  if (certificateType === 'DSC' && !Buffer.from(actualKid).equals(kid)) {
    throw new TrustListError(
      'ERR_TRUST_LIST_KID',
      entryMessage(
        index,
        `expected "kid" to be the first 8 bytes of the SHA-256 of "rawData" (HCERT section 3.3.2), ${Buffer.from(actualKid).toString('base64')}, but found ${kidText}`,
      ),
      { entry: index, field: 'kid' },
    )
  }
  return { index, entry, der, kid: actualKid }
}

/** Every DSC must be signed by a CSCA of its country in the list, or by the list signer. */
function checkChains(read: readonly ReadEntry[], signingCertificate: Uint8Array): void {
  const cscas = read.filter((entry) => entry.entry.certificateType === 'CSCA')
  for (const { index, entry, der } of read) {
    if (entry.certificateType !== 'DSC') continue
    const issuers = [
      ...cscas.filter((csca) => csca.entry.country === entry.country).map((csca) => csca.der),
      signingCertificate,
    ]
    if (!issuers.some((issuer) => signedBy(der, issuer))) {
      throw new TrustListError(
        'ERR_TRUST_LIST_CHAIN',
        entryMessage(
          index,
          `expected the DSC to be signed by a CSCA of ${entry.country} in the list or by the list signer, but none of the ${issuers.length} candidates signed it`,
        ),
        { entry: index, field: 'rawData' },
      )
    }
  }
}

function signedBy(certificate: Uint8Array, issuer: Uint8Array): boolean {
  try {
    return isSignedBy(certificate, issuer)
  } catch {
    // A key the certificate's signature algorithm cannot use has not signed it.
    return false
  }
}

function formatError(index: number, field: string, message: string): TrustListError {
  return new TrustListError('ERR_TRUST_LIST_FORMAT', entryMessage(index, message), {
    entry: index,
    field,
  })
}

function entryMessage(index: number, message: string): string {
  return `trust list entry ${index}: ${message}`
}

function quote(text: string): string {
  return JSON.stringify(text.length > 60 ? `${text.slice(0, 60)}…` : text)
}

function describe(value: unknown): string {
  if (value === null) return 'null'
  if (value === undefined) return 'nothing'
  if (Array.isArray(value)) return `an array of ${value.length} items`
  if (typeof value === 'object') return 'an object'
  if (typeof value === 'string') return `the text ${quote(value)}`
  return `the ${typeof value} ${String(value)}`
}
