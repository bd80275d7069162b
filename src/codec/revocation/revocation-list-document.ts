import type { KeyObject } from 'node:crypto'
import { listSigningKeyOf, signListItem, verifyListItem } from '../trust-list/list-signature.js'
import { revocationHashTypes, type RevocationHashType } from './revocation-hashes.js'
import { RevocationListError } from './revocation-list-error.js'
import { normalHash, type RevocationEntry } from './revocation-list.js'

/**
 * A revocation list as a JSON document:
 *
 * ```json
 * { "issuer": "RU", "timestamp": "2026-12-01T00:00:00Z",
 *   "entries": [ { "hashType": "UCI", "hash": "QjvQqEdjTOjepd1elADyhw==" } ],
 *   "signature": "MEUCIQ…" }
 * ```
 *
 * `issuer` (who publishes it, free text) and `timestamp` (ISO 8601 with a zone) are optional. A
 * top-level `hashType` gives the type of entries that name none, so that a DCC Gateway revocation
 * batch (`{ kid, hashType, entries: [{ hash }] }`) reads as it is. `signature`, optional, is
 * base64 of the publisher's ECDSA P-256/SHA-256 signature (DER) over the UTF-8 of the canonical
 * JSON (RFC 8785) of the document without `signature`: the same scheme as a trust list entry.
 * A bare JSON array of entries is read too, as an unsigned list.
 */
export interface RevocationListDocument {
  readonly issuer?: string
  readonly timestamp?: string
  readonly hashType?: RevocationHashType
  readonly entries: readonly { readonly hashType?: RevocationHashType; readonly hash: string }[]
  readonly signature?: string
}

/** How to read a revocation list. */
export interface ReadRevocationListOptions {
  /**
   * The publisher's list-signing certificate (DER). When given, the list must be a document whose
   * `signature` verifies against it.
   */
  readonly signingCertificate?: Uint8Array
}

/** What a revocation list holds, its entries normalised (padded base64, each with its type). */
export interface RevocationListContents {
  readonly issuer: string | undefined
  readonly timestamp: string | undefined
  readonly entries: RevocationEntry[]
}

const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:Z|[+-]\d{2}:\d{2})$/

/**
 * Reads a revocation list ({@link RevocationListDocument}, or a bare array of entries) and checks
 * its form and, with a signing certificate, its signature. Build a `RevocationList` from the
 * entries to check certificates against it.
 *
 * @throws {RevocationListError} `ERR_REVOCATION_LIST_FORMAT`, `ERR_REVOCATION_LIST_SIGNATURE` or
 *   `ERR_REVOCATION_LIST_SIGNER`, naming the entry and field at fault where there is one.
 * @example
 * ```ts
 * const { entries } = readRevocationList(JSON.parse(text), { signingCertificate: publisherDer })
 * verifyHc1(qr, { trust, at, revocation: new RevocationList(entries) })
 * ```
 */
export function readRevocationList(
  json: unknown,
  options: ReadRevocationListOptions = {},
): RevocationListContents {
  let signingKey: KeyObject | undefined
  if (options.signingCertificate !== undefined) {
    const key = listSigningKeyOf(options.signingCertificate)
    if ('problem' in key) throw new RevocationListError('ERR_REVOCATION_LIST_SIGNER', key.problem)
    signingKey = key
  }
  if (Array.isArray(json)) {
    if (signingKey !== undefined) {
      throw new RevocationListError(
        'ERR_REVOCATION_LIST_SIGNATURE',
        'expected a signed revocation list {"entries","signature",…}, but found a bare array of entries, which cannot carry a signature',
        { field: 'signature' },
      )
    }
    return { issuer: undefined, timestamp: undefined, entries: readEntries(json, undefined) }
  }
  if (json === null || typeof json !== 'object') {
    throw new RevocationListError(
      'ERR_REVOCATION_LIST_FORMAT',
      `expected a revocation list to be a JSON object with "entries" or an array of entries, but found ${describe(json)}`,
    )
  }
  const document = json as Record<string, unknown>
  const issuer = optionalText(document, 'issuer')
  const timestamp = optionalText(document, 'timestamp')
  if (
    timestamp !== undefined &&
    (!TIMESTAMP.test(timestamp) || Number.isNaN(Date.parse(timestamp)))
  ) {
    throw formatError(
      `expected "timestamp" to be an ISO 8601 time with a zone such as 2026-12-01T00:00:00Z, but found ${JSON.stringify(timestamp)}`,
      { field: 'timestamp' },
    )
  }
  const defaultType = document['hashType']
  if (defaultType !== undefined && !isHashType(defaultType)) {
    throw formatError(
      `expected "hashType" to be UCI, COUNTRYCODEUCI or SIGNATURE, but found ${describe(defaultType)}`,
      { field: 'hashType' },
    )
  }
  const signature = optionalText(document, 'signature')
  if (!Array.isArray(document['entries'])) {
    throw formatError(
      `expected "entries" to be an array of {"hashType","hash"}, but found ${describe(document['entries'])}`,
      { field: 'entries' },
    )
  }
  const entries = readEntries(document['entries'], defaultType)
  if (signingKey !== undefined) {
    if (signature === undefined) {
      throw new RevocationListError(
        'ERR_REVOCATION_LIST_SIGNATURE',
        'expected the revocation list to carry the list signer’s "signature", but it has none',
        { field: 'signature' },
      )
    }
    if (!verifyListItem(document, signature, signingKey)) {
      throw new RevocationListError(
        'ERR_REVOCATION_LIST_SIGNATURE',
        'expected "signature" to be the list signer’s ECDSA P-256 signature of the list, but it does not verify: the list was changed or signed by another key',
        { field: 'signature' },
      )
    }
  }
  return { issuer, timestamp, entries }
}

/** What to publish in a revocation list. */
export interface RevocationListContent {
  readonly issuer: string
  readonly timestamp: Date
  readonly entries: readonly RevocationEntry[]
}

/**
 * Makes a signed revocation list document ({@link RevocationListDocument}).
 *
 * @throws {TypeError} when the key is not a P-256 private key or the timestamp not a valid date.
 * @throws {RevocationListError} `ERR_REVOCATION_LIST_FORMAT` for an entry of an unknown type or
 *   whose hash is not base64 of 16 bytes.
 */
export function signRevocationList(
  content: RevocationListContent,
  signingKey: KeyObject,
): RevocationListDocument {
  if (Number.isNaN(content.timestamp.getTime())) {
    throw new TypeError('expected the timestamp to be a valid date')
  }
  const document = {
    issuer: content.issuer,
    timestamp: content.timestamp.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    entries: readEntries(content.entries, undefined),
  }
  return { ...document, signature: signListItem(document, signingKey) }
}

function readEntries(
  items: readonly unknown[],
  defaultType: RevocationHashType | undefined,
): RevocationEntry[] {
  return items.map((item, index) => {
    if (item === null || typeof item !== 'object' || Array.isArray(item)) {
      throw formatError(entryMessage(index, `expected an object, but found ${describe(item)}`), {
        entry: index,
      })
    }
    const fields = item as Record<string, unknown>
    const hashType = fields['hashType'] ?? defaultType
    if (!isHashType(hashType)) {
      throw formatError(
        entryMessage(
          index,
          `expected "hashType" to be UCI, COUNTRYCODEUCI or SIGNATURE, but found ${describe(hashType)}`,
        ),
        { entry: index, field: 'hashType' },
      )
    }
    const hash = typeof fields['hash'] === 'string' ? normalHash(fields['hash']) : undefined
    if (hash === undefined) {
      throw formatError(
        entryMessage(
          index,
          `expected "hash" to be base64 of the first 16 bytes of a SHA-256, but found ${describe(fields['hash'])}`,
        ),
        { entry: index, field: 'hash' },
      )
    }
    return { hashType, hash }
  })
}

function isHashType(value: unknown): value is RevocationHashType {
  return (revocationHashTypes as readonly unknown[]).includes(value)
}

function optionalText(document: Record<string, unknown>, field: string): string | undefined {
  const value = document[field]
  if (value === undefined) return undefined
  if (typeof value !== 'string') {
    throw formatError(`expected "${field}" to be text, but found ${describe(value)}`, { field })
  }
  return value
}

function formatError(
  message: string,
  options: { entry?: number; field?: string },
): RevocationListError {
  return new RevocationListError('ERR_REVOCATION_LIST_FORMAT', message, options)
}

function entryMessage(index: number, message: string): string {
  return `revocation list entry ${index}: ${message}`
}

function describe(value: unknown): string {
  if (value === null) return 'null'
  if (value === undefined) return 'nothing'
  if (Array.isArray(value)) return `an array of ${value.length} items`
  if (typeof value === 'object') return 'an object'
  if (typeof value === 'string') return `the text ${JSON.stringify(value.slice(0, 60))}`
  return `the ${typeof value} ${String(value)}`
}
