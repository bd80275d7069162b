import { DomainError } from '../errors.js'

/** How far ahead of the server's clock a device's clock may run. */
const MAX_CLOCK_SKEW_MS = 5 * 60_000

/** How far back a queued offline scan may say it was shown, by default (`OFFLINE_SCAN_MAX_AGE`). */
export const DEFAULT_OFFLINE_SCAN_MAX_AGE_MINUTES = 12 * 60

/**
 * The time of a check-in as ISO 8601: the one a client sent (default now), an ISO 8601
 * date-time, not in the future beyond the clock skew and not older than the retention period.
 *
 * @throws {DomainError} `ERR_INVALID_FIELD` (`field`).
 */
export function checkinTime(
  text: string | undefined,
  now: Date,
  retentionDays: number,
  field: string,
): string {
  if (text === undefined) return now.toISOString()
  const time = Date.parse(text)
  if (Number.isNaN(time) || !/^\d{4}-\d{2}-\d{2}T/.test(text)) {
    throw new DomainError('ERR_INVALID_FIELD', 'expected an ISO 8601 date-time', field)
  }
  if (time > now.getTime() + MAX_CLOCK_SKEW_MS) {
    throw new DomainError('ERR_INVALID_FIELD', 'a check-in cannot be in the future', field)
  }
  if (time < now.getTime() - retentionDays * 86_400_000) {
    throw new DomainError(
      'ERR_INVALID_FIELD',
      `a check-in older than the retention period (${retentionDays} days) is not kept`,
      field,
    )
  }
  return new Date(time).toISOString()
}

/**
 * When a queued offline scan was shown: its `at` (default now), not in the future beyond the
 * clock skew and at most `OFFLINE_SCAN_MAX_AGE` back.
 *
 * @throws {DomainError} `ERR_SCAN_TIME_TOO_OLD`, `ERR_INVALID_FIELD` (`at`).
 */
export function queuedScanTime(
  text: string | undefined,
  now: Date,
  limits: { retentionDays: number; offlineScanMaxAgeMinutes: number },
): string {
  const time = text === undefined ? now.getTime() : Date.parse(text)
  const maxAgeMinutes = limits.offlineScanMaxAgeMinutes
  if (time < now.getTime() - maxAgeMinutes * 60_000) {
    throw new DomainError(
      'ERR_SCAN_TIME_TOO_OLD',
      `expected a queued scan from the last ${describeMinutes(maxAgeMinutes)} (OFFLINE_SCAN_MAX_AGE), but it was shown at ${new Date(time).toISOString()}`,
      'at',
    )
  }
  // The form, the clock skew and the retention period, as for any check-in.
  return checkinTime(text, now, limits.retentionDays, 'at')
}

/** Minutes as people say them: `12 h`, `90 min`. */
function describeMinutes(minutes: number): string {
  return minutes % 60 === 0 ? `${minutes / 60} h` : `${minutes} min`
}
