import { revocationHashTypes, type RevocationHashType } from '../revocation/revocation-hashes.js'
import { type CmsSigner, signCms, verifyCms } from './cms.js'
import { GatewayError } from './gateway-error.js'
import type { GatewayUploadCertificate } from './trust-list.js'

/** The Gateway's `kid` of a batch whose document signer is not known. */
export const UNKNOWN_KID = 'UNKNOWN_KID'

/** The most entries the Gateway takes in one batch. */
export const MAX_BATCH_ENTRIES = 1000

/**
 * A revocation batch as the DCC Gateway carries it (`RevocationBatchDto`), the content of a CMS
 * SignedData signed by the country's UPLOAD certificate:
 *
 * ```json
 * { "country": "RU", "expires": "2027-06-01T00:00:00Z", "kid": "qroU+hDDovs=",
 *   "hashType": "SIGNATURE", "entries": [ { "hash": "QjvQqEdjTOjepd1elADyhw==" } ] }
 * ```
 */
export interface GatewayRevocationBatch {
  /** ISO 3166-1 alpha-2. */
  readonly country: string
  /** When the batch may be removed: ISO 8601 with a zone. */
  readonly expires: string
  /** Base64 of the 8-byte kid of the DSC that signed the certificates, or `UNKNOWN_KID`. */
  readonly kid: string
  readonly hashType: RevocationHashType
  /** 1 to 1000 hashes: base64 of the first 16 bytes of the SHA-256 (`revocationHashes`). */
  readonly entries: readonly { readonly hash: string }[]
}

/** One item of the Gateway's batch list (`GET /revocation-list`). */
export interface GatewayBatchListItem {
  /** A UUID. */
  readonly batchId: string
  readonly country: string
  /** When the batch was published or deleted, ISO 8601. */
  readonly date: string
  /** True once the batch is withdrawn: its hashes no longer count. */
  readonly deleted: boolean
}

/** The Gateway's batch list: at most 1000 items, `more` when the page was cut. */
export interface GatewayBatchList {
  readonly more: boolean
  readonly batches: readonly GatewayBatchListItem[]
}

/**
 * Signs a revocation batch as a country uploads it to the Gateway and the Gateway serves it
 * (`GET /revocation-list/{batchId}`, `application/cms-text`): the base64 of a CMS SignedData whose
 * content is the batch's JSON (UTF-8), signed by the UPLOAD certificate.
 */
export function signRevocationBatch(batch: GatewayRevocationBatch, upload: CmsSigner): string {
  const json = JSON.stringify({
    country: batch.country,
    expires: batch.expires,
    kid: batch.kid,
    hashType: batch.hashType,
    entries: batch.entries.map((entry) => ({ hash: entry.hash })),
  })
  return Buffer.from(signCms(new TextEncoder().encode(json), upload)).toString('base64')
}

const HASH = /^[A-Za-z0-9+/]{22}==$/
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:Z|[+-]\d{2}:\d{2})$/

function batchError(message: string, field?: string): GatewayError {
  return new GatewayError(
    'ERR_GATEWAY_FORMAT',
    `revocation batch: ${message}`,
    field === undefined ? {} : { field },
  )
}

/**
 * Reads a revocation batch as the Gateway serves it (base64 of a CMS SignedData, or its DER),
 * checking that it is signed by an UPLOAD certificate of the batch's country on the publisher's
 * verified trust list, and every field of the batch (`RevocationBatchDto`'s constraints).
 *
 * @throws {GatewayError} `ERR_GATEWAY_CMS`, `ERR_GATEWAY_SIGNATURE`, `ERR_GATEWAY_SIGNER`,
 *   `ERR_GATEWAY_FORMAT`.
 * @example
 * ```ts
 * const batch = readRevocationBatch(text, { uploadCertificates: list.uploadCertificates })
 * new RevocationList(batch.entries.map(({ hash }) => ({ hashType: batch.hashType, hash })))
 * ```
 */
export function readRevocationBatch(
  signed: string | Uint8Array,
  options: { uploadCertificates: readonly GatewayUploadCertificate[] },
): GatewayRevocationBatch {
  let der: Uint8Array
  if (typeof signed === 'string') {
    const text = signed.replace(/\s+/g, '')
    if (!/^[A-Za-z0-9+/]+={0,2}$/.test(text)) {
      throw new GatewayError('ERR_GATEWAY_CMS', 'expected the batch as base64 of a CMS message')
    }
    der = new Uint8Array(Buffer.from(text, 'base64'))
  } else {
    der = signed
  }
  const { content, signerCertificate } = verifyCms(der)
  let json: unknown
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(content))
  } catch {
    throw batchError('expected the signed content to be JSON')
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw batchError('expected a JSON object')
  }
  const batch = json as Record<string, unknown>
  const country = batch.country
  if (typeof country !== 'string' || !/^[A-Z]{2}$/.test(country)) {
    throw batchError(`expected "country" to be ISO 3166-1 alpha-2`, 'country')
  }
  const signer = Buffer.from(signerCertificate)
  if (
    !options.uploadCertificates.some(
      (upload) => upload.country === country && signer.equals(Buffer.from(upload.der)),
    )
  ) {
    throw new GatewayError(
      'ERR_GATEWAY_SIGNER',
      `revocation batch: expected a signature by an UPLOAD certificate of ${country} on the trust list, but another certificate signed it`,
    )
  }
  if (typeof batch.expires !== 'string' || !TIMESTAMP.test(batch.expires)) {
    throw batchError('expected "expires" to be an ISO 8601 time with a zone', 'expires')
  }
  if (
    typeof batch.kid !== 'string' ||
    (batch.kid !== UNKNOWN_KID && Buffer.from(batch.kid, 'base64').length !== 8)
  ) {
    throw batchError('expected "kid" to be base64 of 8 bytes or UNKNOWN_KID', 'kid')
  }
  if (!(revocationHashTypes as readonly unknown[]).includes(batch.hashType)) {
    throw batchError('expected "hashType" to be SIGNATURE, UCI or COUNTRYCODEUCI', 'hashType')
  }
  const entries = batch.entries
  if (!Array.isArray(entries) || entries.length < 1 || entries.length > MAX_BATCH_ENTRIES) {
    throw batchError(`expected "entries" to hold 1 to ${MAX_BATCH_ENTRIES} hashes`, 'entries')
  }
  const hashes = entries.map((entry, index) => {
    const hash = (entry as { hash?: unknown } | null)?.hash
    if (typeof hash !== 'string' || !HASH.test(hash)) {
      throw batchError(
        `entry ${index}: expected "hash" to be base64 of 16 bytes (24 characters)`,
        'entries',
      )
    }
    return { hash }
  })
  return {
    country,
    expires: batch.expires,
    kid: batch.kid,
    hashType: batch.hashType as RevocationHashType,
    entries: hashes,
  }
}

/**
 * A page of the Gateway's batch list (`GET /revocation-list` with `If-Modified-Since`): the items
 * changed after `since`, oldest first, at most `limit` (the Gateway's 1000), `more` when more
 * remain (the client asks again with the last `date`). Undefined when nothing changed (the
 * Gateway's `204 No Content`).
 */
export function pageBatchList(
  items: readonly GatewayBatchListItem[],
  since: Date,
  limit = 1000,
): GatewayBatchList | undefined {
  const changed = items
    .filter((item) => Date.parse(item.date) > since.getTime())
    .sort((a, b) => Date.parse(a.date) - Date.parse(b.date) || a.batchId.localeCompare(b.batchId))
  if (changed.length === 0) return undefined
  return { more: changed.length > limit, batches: changed.slice(0, limit) }
}
