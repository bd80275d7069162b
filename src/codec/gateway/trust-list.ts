import { X509Certificate, createHash } from 'node:crypto'
import { isSignedBy } from '../trust/is-signed-by.js'
import {
  kidOfCertificate,
  signerFromCertificate,
  type TrustedSigner,
} from '../trust/trusted-signer.js'
import { type CmsSigner, signCms, verifyCms } from './cms.js'
import { GatewayError } from './gateway-error.js'

/** The certificate types of the Gateway's trust list (`TrustListType`). */
export const gatewayCertificateTypes = ['DSC', 'UPLOAD', 'CSCA', 'AUTHENTICATION'] as const

/** A certificate type of a Gateway trust list entry. */
export type GatewayCertificateType = (typeof gatewayCertificateTypes)[number]

/**
 * One entry of the DCC Gateway's `GET /trustList` (its `TrustListDto`):
 *
 * ```json
 * { "kid": "qroU+hDDovs=", "timestamp": "2026-12-06T09:00:00Z", "country": "RU",
 *   "certificateType": "DSC", "thumbprint": "aaba14fa…(64 hex digits)",
 *   "signature": "MIAGCSqGSIb3DQEHAqCAMIACAQEx…(base64 DER CMS, detached)",
 *   "rawData": "MIIB…(base64 DER certificate)" }
 * ```
 *
 * `signature` is a detached CMS SignedData over the DER certificate (`rawData`): for a CSCA, UPLOAD
 * or AUTHENTICATION entry made by the Gateway's trust anchor (`TrustedPartyEntity.signature`), for a
 * DSC the signature of the country's upload message, made by its UPLOAD certificate
 * (`SignerInformationEntity.signature`).
 */
export interface GatewayTrustListEntry {
  /** Base64 of the first 8 bytes of the SHA-256 of the DER certificate. */
  readonly kid: string
  /** `yyyy-MM-dd'T'HH:mm:ssXXX`. */
  readonly timestamp: string
  /** ISO 3166-1 alpha-2 (or `EU`). */
  readonly country: string
  readonly certificateType: GatewayCertificateType
  /** Lowercase hex of the SHA-256 of the DER certificate. */
  readonly thumbprint: string
  /** Base64 of the DER of a detached CMS SignedData over the DER certificate. */
  readonly signature: string
  /** Base64 of the DER certificate. */
  readonly rawData: string
}

/** A certificate to publish in a Gateway trust list. */
export interface GatewayListCertificate {
  readonly der: Uint8Array
  readonly country: string
  readonly certificateType: GatewayCertificateType
  readonly timestamp: Date
}

/** Who signs a Gateway trust list: the trust anchor, and the UPLOAD certificate for DSCs. */
export interface GatewayListSigners {
  /** Signs CSCA, UPLOAD and AUTHENTICATION entries. */
  readonly trustAnchor: CmsSigner
  /** Signs DSC entries, as the upload message of each DSC. */
  readonly upload: CmsSigner
}

/** The Gateway's timestamp form, to the second: `2026-12-06T09:00:00Z`. */
function gatewayTime(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z')
}

/**
 * Makes a trust list exactly as the DCC Gateway serves it to national backends: one entry per
 * certificate, its `signature` a detached CMS SignedData over the DER certificate made by the
 * trust anchor (CSCA, UPLOAD, AUTHENTICATION) or the UPLOAD certificate (DSC).
 *
 * @throws {TypeError} for a certificate that does not parse or a country that is not alpha-2.
 * @example
 * ```ts
 * const list = signGatewayTrustList(certificates, { trustAnchor, upload })
 * // each entry: openssl cms -verify -binary -inform DER -in sig.der -content cert.der -CAfile anchor.pem
 * ```
 */
export function signGatewayTrustList(
  certificates: readonly GatewayListCertificate[],
  signers: GatewayListSigners,
): GatewayTrustListEntry[] {
  return certificates.map((certificate, index) => {
    try {
      new X509Certificate(certificate.der)
    } catch (cause) {
      throw new TypeError(`expected certificate ${index} to be a DER X.509 certificate`, { cause })
    }
    if (!/^[A-Z]{2}$/.test(certificate.country)) {
      throw new TypeError(`expected the country of certificate ${index} to be ISO 3166-1 alpha-2`)
    }
    const signer = certificate.certificateType === 'DSC' ? signers.upload : signers.trustAnchor
    return {
      kid: Buffer.from(kidOfCertificate(certificate.der)).toString('base64'),
      timestamp: gatewayTime(certificate.timestamp),
      country: certificate.country,
      certificateType: certificate.certificateType,
      thumbprint: createHash('sha256').update(certificate.der).digest('hex'),
      signature: Buffer.from(signCms(certificate.der, signer, { detached: true })).toString(
        'base64',
      ),
      rawData: Buffer.from(certificate.der).toString('base64'),
    }
  })
}

/**
 * Signs a document signer certificate for upload to the Gateway (`POST /signerCertificate`): a CMS
 * SignedData with the DER certificate as its content, signed by the UPLOAD certificate. The trust
 * list's DSC `signature` is the same message without its content.
 */
export function signDscUpload(dsc: Uint8Array, upload: CmsSigner): Uint8Array {
  return signCms(dsc, upload)
}

/** An UPLOAD certificate read from a verified Gateway list, and its country. */
export interface GatewayUploadCertificate {
  readonly der: Uint8Array
  readonly country: string
}

/** What a verified Gateway trust list holds. */
export interface GatewayTrustListContents {
  readonly entries: GatewayTrustListEntry[]
  /** The DSCs, ready for a `TrustList`. */
  readonly signers: TrustedSigner[]
  /** The UPLOAD certificates: they sign the countries' revocation batches. */
  readonly uploadCertificates: GatewayUploadCertificate[]
}

const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:Z|[+-]\d{2}:\d{2})$/
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/

function formatError(message: string, entry: number, field: string): GatewayError {
  return new GatewayError('ERR_GATEWAY_FORMAT', `trust list entry ${entry}: ${message}`, {
    entry,
    field,
  })
}

function readEntry(raw: unknown, index: number): GatewayTrustListEntry | undefined {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw formatError('expected an object', index, '')
  }
  const entry = raw as Record<string, unknown>
  // The Gateway serves a deleted DSC without its certificate: nothing to trust.
  if (entry.rawData === null && entry.certificateType === 'DSC') return undefined
  const text = (field: string, pattern: RegExp, what: string): string => {
    const value = entry[field]
    if (typeof value !== 'string' || !pattern.test(value)) {
      throw formatError(
        `expected "${field}" to be ${what}, but found ${JSON.stringify(value)?.slice(0, 40)}`,
        index,
        field,
      )
    }
    return value
  }
  const certificateType = entry.certificateType
  if (!(gatewayCertificateTypes as readonly unknown[]).includes(certificateType)) {
    throw formatError(
      `expected "certificateType" to be DSC, UPLOAD, CSCA or AUTHENTICATION, but found ${JSON.stringify(certificateType)}`,
      index,
      'certificateType',
    )
  }
  return {
    kid: text('kid', BASE64, 'base64'),
    timestamp: text('timestamp', TIMESTAMP, "a time as yyyy-MM-dd'T'HH:mm:ssXXX"),
    country: text('country', /^[A-Z]{2}$/, 'ISO 3166-1 alpha-2'),
    certificateType: certificateType as GatewayCertificateType,
    thumbprint: text('thumbprint', /^[0-9a-fA-F]{64}$/, '64 hex digits'),
    signature: text('signature', BASE64, 'base64 of a CMS message'),
    rawData: text('rawData', BASE64, 'base64 of a DER certificate'),
  }
}

/**
 * Reads a trust list in the DCC Gateway's form, checked against the trust anchor configured for
 * its publisher: every CSCA, UPLOAD and AUTHENTICATION entry must carry a CMS signature by the
 * anchor over its certificate; every DSC a CMS signature by an UPLOAD certificate of its country
 * on the list, and a certificate signed by a CSCA of its country on the list; thumbprints and kids
 * must be the certificates'. The first problem is thrown: a list is used whole or not at all.
 *
 * @throws {GatewayError} `ERR_GATEWAY_FORMAT`, `ERR_GATEWAY_CMS`, `ERR_GATEWAY_SIGNATURE`,
 *   `ERR_GATEWAY_SIGNER`, `ERR_GATEWAY_CHAIN`, each with the entry's index.
 * @example
 * ```ts
 * const { signers } = readGatewayTrustList(JSON.parse(text), { trustAnchor: anchorDer })
 * ```
 */
export function readGatewayTrustList(
  json: unknown,
  options: { trustAnchor: Uint8Array },
): GatewayTrustListContents {
  if (!Array.isArray(json)) {
    throw new GatewayError('ERR_GATEWAY_FORMAT', 'expected the trust list as a JSON array')
  }
  const anchor = Buffer.from(options.trustAnchor)
  const read: { entry: GatewayTrustListEntry; der: Uint8Array; index: number }[] = []
  json.forEach((raw, index) => {
    const entry = readEntry(raw, index)
    if (!entry) return
    const der = new Uint8Array(Buffer.from(entry.rawData, 'base64'))
    try {
      new X509Certificate(der)
    } catch {
      throw formatError('expected "rawData" to be a DER X.509 certificate', index, 'rawData')
    }
    if (createHash('sha256').update(der).digest('hex') !== entry.thumbprint.toLowerCase()) {
      throw formatError('"thumbprint" is not the SHA-256 of the certificate', index, 'thumbprint')
    }
    if (Buffer.from(kidOfCertificate(der)).toString('base64') !== entry.kid) {
      throw formatError(
        '"kid" is not the first 8 bytes of the SHA-256 of the certificate',
        index,
        'kid',
      )
    }
    read.push({ entry, der, index })
  })
  const verifiedBy = (item: (typeof read)[number]): Buffer => {
    try {
      return Buffer.from(
        verifyCms(Buffer.from(item.entry.signature, 'base64'), item.der).signerCertificate,
      )
    } catch (error) {
      if (error instanceof GatewayError) {
        throw new GatewayError(error.code, `trust list entry ${item.index}: ${error.message}`, {
          cause: error,
          entry: item.index,
          field: 'signature',
        })
      }
      throw error
    }
  }
  const uploads: GatewayUploadCertificate[] = []
  const cscas: { der: Uint8Array; country: string }[] = []
  for (const item of read) {
    if (item.entry.certificateType === 'DSC') continue
    if (!verifiedBy(item).equals(anchor)) {
      throw new GatewayError(
        'ERR_GATEWAY_SIGNER',
        `trust list entry ${item.index}: a ${item.entry.certificateType} entry must be signed by the configured trust anchor, but another certificate signed it`,
        { entry: item.index, field: 'signature' },
      )
    }
    if (item.entry.certificateType === 'UPLOAD') {
      uploads.push({ der: item.der, country: item.entry.country })
    }
    if (item.entry.certificateType === 'CSCA')
      cscas.push({ der: item.der, country: item.entry.country })
  }
  const signers: TrustedSigner[] = []
  for (const item of read) {
    if (item.entry.certificateType !== 'DSC') continue
    const signer = verifiedBy(item)
    const country = item.entry.country
    if (!uploads.some((u) => u.country === country && signer.equals(Buffer.from(u.der)))) {
      throw new GatewayError(
        'ERR_GATEWAY_SIGNER',
        `trust list entry ${item.index}: a DSC must be signed by an UPLOAD certificate of ${country} on the list, but another certificate signed it`,
        { entry: item.index, field: 'signature' },
      )
    }
    if (!cscas.some((c) => c.country === country && isSignedBy(item.der, c.der))) {
      throw new GatewayError(
        'ERR_GATEWAY_CHAIN',
        `trust list entry ${item.index}: the DSC is not signed by a CSCA of ${country} on the list`,
        { entry: item.index, field: 'rawData' },
      )
    }
    signers.push(signerFromCertificate(item.der))
  }
  return { entries: read.map((item) => item.entry), signers, uploadCertificates: uploads }
}
