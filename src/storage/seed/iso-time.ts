/** The ISO form of a time in ms: `YYYY-MM-DDTHH:mm:ss.sssZ`. */
export function iso(ms: number): string {
  return new Date(ms).toISOString()
}

const twoDigits = Array.from({ length: 60 }, (_, i) => String(i).padStart(2, '0'))
const threeDigits = Array.from({ length: 1000 }, (_, i) => String(i).padStart(3, '0'))

/**
 * ISO timestamps of times that mostly share their minute with the one before (check-ins come in
 * time order): the date and minute are formatted once per minute, the rest from tables.
 */
export class IsoFormatter {
  #minute = NaN
  #prefix = ''

  /** The same text as `new Date(ms).toISOString()`, for times from 1970 to 9999. */
  format(ms: number): string {
    const minute = ms - (ms % 60_000)
    if (minute !== this.#minute) {
      this.#minute = minute
      this.#prefix = iso(minute).slice(0, 17)
    }
    const rest = ms - minute
    const seconds = Math.floor(rest / 1000)
    return `${this.#prefix}${twoDigits[seconds] as string}.${threeDigits[rest - seconds * 1000] as string}Z`
  }
}
