// Calendar arithmetic for the engine. A day is a UTC calendar day written `YYYY-MM-DD`, so
// days compare as strings; a rule's period starts and ends at 00:00 UTC.
import { HealthInputError } from './health-code-errors.js'

const dayPattern = /^\d{4}-\d{2}-\d{2}$/
// The forms CertLogic's `plusTime` reads (specification section "plusTime"); a date-time
// without an offset is UTC there, so it is here too.
const dateTimePattern =
  /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)(Z|[+-]\d{2}:?\d{2})?$/

/** The UTC day of an instant. */
export function utcDay(instant: Date): string {
  return instant.toISOString().slice(0, 10)
}

/** The day `days` after `day` (before, when negative). */
export function addDays(day: string, days: number): string {
  const date = new Date(`${day}T00:00:00.000Z`)
  date.setUTCDate(date.getUTCDate() + days)
  return utcDay(date)
}

/** 00:00 UTC of a day, as an ISO date-time. */
export function startOfDay(day: string): string {
  return `${day}T00:00:00.000Z`
}

/**
 * Reads a `YYYY-MM-DD` day, refusing impossible ones (`2026-02-30`).
 * @throws {HealthInputError} naming `path`.
 */
export function readDay(text: unknown, path: string): string {
  if (typeof text === 'string' && dayPattern.test(text)) {
    const date = new Date(startOfDay(text))
    if (!Number.isNaN(date.getTime()) && utcDay(date) === text) return text
  }
  throw new HealthInputError(path, `${path}: expected a day YYYY-MM-DD, found ${show(text)}`)
}

/**
 * Reads an ISO 8601 date or date-time as an instant (a bare date is 00:00 UTC).
 * @throws {HealthInputError} naming `path`.
 */
export function readInstant(text: unknown, path: string): Date {
  if (typeof text === 'string') {
    if (dayPattern.test(text)) return new Date(startOfDay(readDay(text, path)))
    const match = dateTimePattern.exec(text)
    if (match) {
      const [, day, time, offset] = match
      const date = new Date(`${readDay(day, path)}T${time}${offset ?? 'Z'}`)
      if (!Number.isNaN(date.getTime())) return date
    }
  }
  throw new HealthInputError(
    path,
    `${path}: expected an ISO 8601 date or date-time, found ${show(text)}`,
  )
}

function show(value: unknown): string {
  return value === undefined ? 'nothing' : JSON.stringify(value)
}
