import type { Hc1Claims, Hc1PayloadType } from './cwt.js'
import { Hc1Error } from './errors.js'
import {
  type DccType,
  checkAntibodyKeyUsage,
  checkKeyUsage,
  checkStatusTokenKeyUsage,
} from './key-usage.js'
import {
  checkStatusTokenLifetime,
  validateAntibodyCertificate,
  validateDcc,
  validateStatusToken,
} from './schema.js'

/** What the checks after the signature need of the signer: its validity and key usage. */
export interface SignerBounds {
  /** Validity of the signer's certificate, in milliseconds since the epoch; absent: unbounded. */
  readonly notBefore: number | undefined
  readonly notAfter: number | undefined
  /** The extended key usage OIDs of the certificate (none: all uses). */
  readonly extendedKeyUsage: readonly string[]
  /**
   * What the list that gave the signer trusts it for (an EU-facing signer: EU DCCs; a domestic
   * one: our own payloads); absent: every payload its key usage allows.
   */
  readonly payloadTypes?: readonly Hc1PayloadType[] | undefined
}

/**
 * The first check of a code whose signature verified: its payload against its schema.
 *
 * @returns the DCC type (EU DCCs only) and the payload's schema version, which a verifier reports
 *   even when a later check fails.
 * @throws {Hc1Error} at stage `schema`.
 */
export function validateSignedPayload(claims: Hc1Claims): {
  type: DccType | undefined
  schemaVersion: string
} {
  if (claims.payloadType === 'eu-dcc') return validateDcc(claims.dcc)
  if (claims.payloadType === 'healthcode-antibody') {
    return {
      type: undefined,
      schemaVersion: validateAntibodyCertificate(claims.antibody).schemaVersion,
    }
  }
  return { type: undefined, schemaVersion: validateStatusToken(claims.status).schemaVersion }
}

/**
 * The checks after the schema, in HCERT's order: the validity times against `now` (a status
 * token's lifetime first: one meant to live longer than an hour is malformed whatever the clock
 * says), then the signer's key usage for what it signed (`type`, from `validateSignedPayload`).
 * Shared by the server's `verifyHc1` and the door scanner's offline verifier.
 *
 * @throws {Hc1Error} at stage `expired`, `not_yet_valid` or `key_usage`.
 */
export function checkSignedTimesAndUsage(
  claims: Hc1Claims,
  type: DccType | undefined,
  signer: SignerBounds,
  now: number,
): void {
  if (claims.payloadType === 'healthcode-status') {
    checkStatusTokenLifetime(claims.issuedAt, claims.expiresAt)
  }
  checkValidityTimes(claims.issuedAt, claims.expiresAt, signer, now)
  if (claims.payloadType === 'eu-dcc') {
    if (type === undefined) throw new TypeError('a DCC’s key usage needs its type: validate first')
    checkKeyUsage(type, signer.extendedKeyUsage)
  } else if (claims.payloadType === 'healthcode-antibody') {
    checkAntibodyKeyUsage(signer.extendedKeyUsage)
  } else if (claims.payloadType === 'healthcode-status') {
    checkStatusTokenKeyUsage(signer.extendedKeyUsage)
  }
  checkSignerScope(claims.payloadType, signer.payloadTypes)
}

/**
 * Checks that the list that trusts the signer trusts it for this kind of code: an EU-facing
 * document signer signs EU DCCs only, a domestic one our own payloads only (docs/interoperability.md,
 * "Two signers").
 *
 * @throws {Hc1Error} `ERR_SIGNER_SCOPE` at stage `key_usage`.
 */
export function checkSignerScope(
  payloadType: Hc1PayloadType,
  scope: readonly Hc1PayloadType[] | undefined,
): void {
  if (scope === undefined || scope.includes(payloadType)) return
  throw new Hc1Error(
    'ERR_SIGNER_SCOPE',
    `expected a signer trusted for ${payloadType}, but the list that trusts this signer trusts it only for ${scope.join(', ') || 'nothing'}`,
  )
}

/** The code's `iat`/`exp` (seconds) and its signer's validity against `now` (milliseconds). */
function checkValidityTimes(
  issuedAt: number | undefined,
  expiresAt: number | undefined,
  signer: SignerBounds,
  now: number,
): void {
  const at = (): string => new Date(now).toISOString()
  if (expiresAt !== undefined && now > expiresAt * 1000) {
    throw new Hc1Error(
      'ERR_CWT_EXPIRED',
      `expected the certificate to be valid at ${at()}, but it expired at ${isoTime(expiresAt)}`,
    )
  }
  if (issuedAt !== undefined && now < issuedAt * 1000) {
    throw new Hc1Error(
      'ERR_CWT_NOT_YET_VALID',
      `expected the certificate to be issued by ${at()}, but it was issued at ${isoTime(issuedAt)}`,
    )
  }
  if (signer.notAfter !== undefined && now > signer.notAfter) {
    throw new Hc1Error(
      'ERR_SIGNER_EXPIRED',
      `expected the signer's certificate to be valid at ${at()}, but it expired at ${new Date(signer.notAfter).toISOString()}`,
    )
  }
  if (signer.notBefore !== undefined && now < signer.notBefore) {
    throw new Hc1Error(
      'ERR_SIGNER_NOT_YET_VALID',
      `expected the signer's certificate to be valid at ${at()}, but it is valid only from ${new Date(signer.notBefore).toISOString()}`,
    )
  }
}

/** A CWT time (seconds since the epoch) as an ISO 8601 instant; undefined when there is none. */
export function isoTime(seconds: number | undefined): string | undefined {
  if (seconds === undefined) return undefined
  // Every real code's times are whole seconds between 1970 and 9999: written out directly, which
  // costs a fraction of a Date and its toISOString, twice per verification.
  if (Number.isInteger(seconds) && seconds >= 0 && seconds < LAST_FOUR_DIGIT_YEAR_END) {
    return wholeSecondsIso(seconds)
  }
  const date = new Date(seconds * 1000)
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString()
}

/** 10000-01-01T00:00:00Z in seconds: where `toISOString` starts writing six-digit years. */
const LAST_FOUR_DIGIT_YEAR_END = 253_402_300_800

/**
 * Whole seconds since 1970 as `toISOString` writes them (`2021-05-06T18:00:00.000Z`); the civil
 * date from the day count as in H. Hinnant's `civil_from_days` (proleptic Gregorian calendar).
 */
function wholeSecondsIso(seconds: number): string {
  const days = Math.floor(seconds / 86_400)
  const secondOfDay = seconds - days * 86_400
  const shifted = days + 719_468 // days since 0000-03-01
  const era = Math.floor(shifted / 146_097)
  const dayOfEra = shifted - era * 146_097
  const yearOfEra = Math.floor(
    (dayOfEra -
      Math.floor(dayOfEra / 1460) +
      Math.floor(dayOfEra / 36_524) -
      Math.floor(dayOfEra / 146_096)) /
      365,
  )
  const dayOfYear =
    dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100))
  const monthFromMarch = Math.floor((5 * dayOfYear + 2) / 153)
  const day = dayOfYear - Math.floor((153 * monthFromMarch + 2) / 5) + 1
  const month = monthFromMarch < 10 ? monthFromMarch + 3 : monthFromMarch - 9
  const year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
  const hour = Math.floor(secondOfDay / 3600)
  const minute = Math.floor((secondOfDay % 3600) / 60)
  const second = secondOfDay % 60
  return (
    String(year).padStart(4, '0') +
    '-' +
    twoDigits(month) +
    '-' +
    twoDigits(day) +
    'T' +
    twoDigits(hour) +
    ':' +
    twoDigits(minute) +
    ':' +
    twoDigits(second) +
    '.000Z'
  )
}

function twoDigits(value: number): string {
  return value < 10 ? '0' + value : String(value)
}
