// One strict reading of dates, times and text, shared by the HTTP edge (Ajv keywords in
// src/api/strict-input.ts), the CLI and the domain's checks of data already stored. Pure: "now" is
// always an argument, read from the injected clock by the caller. docs/security.md ("Input")
// states these rules for operators and clients.

/** The first day of an event the platform records (the first reported cases: December 2019). */
export const EARLIEST_EVENT_DAY = '2019-12-01'
/** The first birth day a person can have. */
export const EARLIEST_BIRTH_DAY = '1900-01-01'
/** How far ahead a planned date (a risk area's end, a validity end) may lie. */
export const PLANNED_YEARS_AHEAD = 10
/**
 * How far ahead of the server's clock a device's "now" may be: a phone or a door a few minutes
 * fast is not sending a time in the future on purpose.
 */
export const CLOCK_SKEW_MS = 5 * 60_000

/**
 * What a date field holds, and so its bounds:
 * - `birth`: a birth date, `YYYY-MM-DD` or (when only that is known, as in the EU DCC) `YYYY-MM`
 *   or `YYYY`; from 1900-01-01 to today.
 * - `event`: a day something happened (a vaccination, a stay, a risk area's start); from
 *   2019-12-01 to today.
 * - `planned`: a day that may lie ahead (a risk area's or a validity's end); from 2019-12-01 to
 *   ten years from today.
 */
export type DateKind = 'birth' | 'event' | 'planned'

/**
 * What a date-time field holds:
 * - `event`: when something happened (a sample, a check-in); from 2019-12-01 to now (plus five
 *   minutes of a device's clock running fast).
 * - `any`: a moment to judge something at (a verification time); from 2019-12-01 to ten years
 *   from now.
 */
export type TimeKind = 'event' | 'any'

/**
 * What a text field holds:
 * - `line`: one line of text (a name, an address): no control characters at all.
 * - `multiline`: free text that may run over lines (a reason, a note): tab, line feed and carriage
 *   return are allowed, other control characters are not.
 * - `identifier`: an id, a code, a login: as `line`, and no bidirectional formatting characters
 *   either (they make one identifier look like another).
 */
export type TextKind = 'line' | 'multiline' | 'identifier'

const dayPattern = /^(\d{4})-(\d{2})-(\d{2})$/
const birthPattern = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$/
const timePattern =
  /^(\d{4}-\d{2}-\d{2})T([01]\d|2[0-3]):([0-5]\d)(?::([0-5]\d)(?:\.\d{1,9})?)?(Z|[+-](?:[01]\d|2[0-3]):?[0-5]\d)$/

/** The UTC day of an instant, `YYYY-MM-DD`. */
export function dayOf(instant: Date): string {
  return instant.toISOString().slice(0, 10)
}

/** Tells whether `YYYY-MM-DD` (or `YYYY-MM`, `YYYY` with `partial`) names a day of the calendar. */
export function isCalendarDate(text: string, partial = false): boolean {
  const match = (partial ? birthPattern : dayPattern).exec(text)
  if (!match) return false
  const [, year, month, day] = match
  const y = Number(year)
  const m = month === undefined ? 1 : Number(month)
  const d = day === undefined ? 1 : Number(day)
  if (m < 1 || m > 12 || d < 1) return false
  const date = new Date(Date.UTC(y, m - 1, d))
  // Date.UTC maps years 0–99 to 1900–1999; setUTCFullYear does not.
  date.setUTCFullYear(y)
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d
}

/** The bounds of a date field as of `now`, both days included. */
export function dateBounds(kind: DateKind, now: Date): { earliest: string; latest: string } {
  const today = dayOf(now)
  if (kind === 'birth') return { earliest: EARLIEST_BIRTH_DAY, latest: today }
  if (kind === 'event') return { earliest: EARLIEST_EVENT_DAY, latest: today }
  const ahead = new Date(now.getTime())
  ahead.setUTCFullYear(ahead.getUTCFullYear() + PLANNED_YEARS_AHEAD)
  return { earliest: EARLIEST_EVENT_DAY, latest: dayOf(ahead) }
}

/**
 * Checks a date field: a real calendar date within the bounds of its kind as of `now`.
 * Returns what is wrong, or `undefined` when the date is good.
 *
 * @example
 * checkDate('2024-02-30', 'event', now) // 'expected a real calendar date YYYY-MM-DD, …'
 */
export function checkDate(text: unknown, kind: DateKind, now: Date): string | undefined {
  const partial = kind === 'birth'
  const shape = partial ? 'YYYY-MM-DD (or YYYY-MM, YYYY)' : 'YYYY-MM-DD'
  if (typeof text !== 'string' || !isCalendarDate(text, partial)) {
    return `expected a real calendar date ${shape}, but found ${show(text)}`
  }
  const { earliest, latest } = dateBounds(kind, now)
  // A partial birth date is within bounds when some day of it is: 2026 is fine in 2026.
  const first = text.length === 4 ? `${text}-01-01` : text.length === 7 ? `${text}-01` : text
  const last = text.length === 4 ? `${text}-12-31` : text.length === 7 ? `${text}-31` : text
  if (last < earliest || first > latest) {
    return `expected a ${kind} date from ${earliest} to ${latest}, but found ${text}`
  }
  return undefined
}

/**
 * Reads an ISO 8601 date-time with a zone (`2026-11-23T09:00:00Z`, `…+03:00`) on a real calendar
 * day; `undefined` when it is not one.
 */
export function readTime(text: string): Date | undefined {
  const match = timePattern.exec(text)
  if (!match || !isCalendarDate(match[1] as string)) return undefined
  const time = new Date(text)
  return Number.isNaN(time.getTime()) ? undefined : time
}

/**
 * Checks a date-time field: ISO 8601 with a zone, on a real calendar day, within the bounds of
 * its kind as of `now`. Returns what is wrong, or `undefined`.
 */
export function checkTime(text: unknown, kind: TimeKind, now: Date): string | undefined {
  const time = typeof text === 'string' ? readTime(text) : undefined
  if (time === undefined) {
    return `expected an ISO 8601 date-time with a zone such as 2026-11-23T09:00:00Z, but found ${show(text)}`
  }
  const earliest = Date.parse(`${EARLIEST_EVENT_DAY}T00:00:00Z`)
  const latest =
    kind === 'event'
      ? now.getTime() + CLOCK_SKEW_MS
      : Date.parse(`${dateBounds('planned', now).latest}T23:59:59.999Z`)
  if (time.getTime() < earliest || time.getTime() > latest) {
    const until = kind === 'event' ? 'now' : new Date(latest).toISOString()
    return `expected a time from ${EARLIEST_EVENT_DAY} to ${until}, but found ${text as string}`
  }
  return undefined
}

/**
 * Reads a moment given on a command line (`--at`, `--now`): a date-time with a zone, or a day
 * (00:00 UTC), on a real calendar day within the bounds of `any` (2019-12-01 to ten years from
 * `now`). Returns the instant, or what is wrong as text.
 *
 * @example
 * readMoment('2021-06-01T12:00:00Z', new Date()) // Date
 * readMoment('2021-02-30', new Date()) // 'expected a real calendar date YYYY-MM-DD, …'
 */
export function readMoment(text: string, now: Date): Date | string {
  if (/^\d{4}-\d{2}-\d{2}$/.test(text)) {
    return checkDate(text, 'planned', now) ?? new Date(`${text}T00:00:00Z`)
  }
  return checkTime(text, 'any', now) ?? (readTime(text) as Date)
}

/** Checks that a range's start is not after its end; returns what is wrong, or `undefined`. */
export function checkOrdered(from: string, until: string): string | undefined {
  return from <= until ? undefined : `expected a day on or after ${from}, but found ${until}`
}

// C0 (U+0000–U+001F), DEL and C1 (U+0080–U+009F); tab, LF and CR are allowed in multi-line text.
// Matching control characters is the point of these two.
// eslint-disable-next-line no-control-regex
const controlInLine = /[\u0000-\u001f\u007f-\u009f]/
// eslint-disable-next-line no-control-regex
const controlInMultiline = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/
// Bidirectional formatting: ALM, LRM, RLM, the embeddings and overrides, the isolates.
const bidi = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/
// A lone surrogate becomes U+FFFD on its way to the database: the text stored is not the text
// sent.
const loneSurrogate = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/

/**
 * Checks a text field for characters that do not belong in it. Returns what is wrong (naming
 * the character by its code point), or `undefined`.
 *
 * @example
 * checkText('Ivan\u0000', 'line') // 'expected no control characters, but found U+0000 at 4'
 */
export function checkText(text: string, kind: TextKind): string | undefined {
  const control = (kind === 'multiline' ? controlInMultiline : controlInLine).exec(text)
  if (control) {
    return `expected no control characters, but found ${codePoint(control[0])} at ${control.index}`
  }
  if (kind === 'identifier') {
    const found = bidi.exec(text)
    if (found) {
      return `expected no bidirectional formatting characters, but found ${codePoint(found[0])} at ${found.index}`
    }
  }
  const surrogate = loneSurrogate.exec(text)
  if (surrogate) {
    return `expected well-formed Unicode, but found a lone surrogate ${codePoint(surrogate[0])} at ${surrogate.index}`
  }
  return undefined
}

/** How deep free-form JSON (a rule, a key set, evidence data) may nest. */
export const MAX_FREE_FORM_DEPTH = 32
const prototypeKeys = new Set(['__proto__', 'constructor', 'prototype'])

/**
 * Checks free-form JSON (objects and arrays of any shape): every key and every string is
 * multi-line text, no key is `__proto__`, `constructor` or `prototype`, and it nests at most
 * `MAX_FREE_FORM_DEPTH` levels. Returns what is wrong with the path to it (`/a/0/b`), or
 * `undefined`.
 */
export function checkFreeForm(value: unknown): { path: string; problem: string } | undefined {
  const stack: { value: unknown; path: string; depth: number }[] = [{ value, path: '', depth: 0 }]
  for (let item = stack.pop(); item !== undefined; item = stack.pop()) {
    const { value: current, path, depth } = item
    if (typeof current === 'string') {
      const problem = checkText(current, 'multiline')
      if (problem) return { path, problem }
      continue
    }
    if (typeof current !== 'object' || current === null) continue
    if (depth >= MAX_FREE_FORM_DEPTH) {
      return { path, problem: `expected at most ${MAX_FREE_FORM_DEPTH} levels of nesting` }
    }
    for (const [key, child] of Object.entries(current)) {
      const childPath = `${path}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`
      if (prototypeKeys.has(key)) {
        return { path: childPath, problem: `expected no key named ${key}` }
      }
      const problem = checkText(key, 'line')
      if (problem) return { path: childPath, problem: `a key: ${problem}` }
      stack.push({ value: child, path: childPath, depth: depth + 1 })
    }
  }
  return undefined
}

function codePoint(character: string): string {
  return `U+${(character.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`
}

function show(value: unknown): string {
  if (value === undefined) return 'nothing'
  const text = JSON.stringify(value) ?? String(value)
  return text.length > 60 ? `${text.slice(0, 57)}…` : text
}
