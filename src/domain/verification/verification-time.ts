import type { Actor } from '../access/actor.js'
import { hasAnyRole } from '../access/actor.js'
import { staffRoles } from '../access/roles.js'
import { DomainError } from '../errors.js'

/** The earliest time a verification may be asked about: no health code existed before. */
export const EARLIEST_VERIFICATION_TIME = '2019-12-01T00:00:00.000Z'
/** How far ahead staff may ask ("will this certificate still be valid on the trip?"). */
const LATEST_AHEAD_MS = 366 * 86_400_000

/**
 * The time a public verification judges a code at. Anyone else's `at` is ignored: a code is
 * judged now, so an expired certificate or a screenshot of an old dynamic code stays expired.
 * Signed-in staff (clinicians, the commission, the health authority, administrators) may ask
 * about another time, from 2019-12-01 to a year ahead.
 *
 * @throws {DomainError} `ERR_INVALID_FIELD` (`at`) for staff's time out of those bounds.
 * @example
 * ```ts
 * const at = verificationTime(request.actor, request.body.at, clock())
 * ```
 */
export function verificationTime(
  actor: Actor | undefined,
  at: string | undefined,
  now: Date,
): Date {
  if (at === undefined || actor === undefined || !hasAnyRole(actor, staffRoles)) return now
  const time = Date.parse(at)
  if (Number.isNaN(time) || !/^\d{4}-\d{2}-\d{2}T/.test(at)) {
    throw new DomainError(
      'ERR_INVALID_FIELD',
      `expected an ISO 8601 date-time, but found ${JSON.stringify(at)}`,
      'at',
    )
  }
  const latest = now.getTime() + LATEST_AHEAD_MS
  if (time < Date.parse(EARLIEST_VERIFICATION_TIME) || time > latest) {
    throw new DomainError(
      'ERR_INVALID_FIELD',
      `expected a time from ${EARLIEST_VERIFICATION_TIME} to ${new Date(latest).toISOString()}, but found ${at}`,
      'at',
    )
  }
  return new Date(time)
}
