import type { CounterIncrement } from './checkin-writer.js'
import type { Venue } from './venue.js'

/**
 * What a check-in or a scan at a venue adds to the day's counters: its district's `metric`, and
 * its company's own when it belongs to one.
 */
export function venueCounters(venue: Venue, at: string, metric: string): CounterIncrement[] {
  const day = at.slice(0, 10)
  return [
    { day, district: venue.district, metric, by: 1 },
    // A company's own counters have their own metric, so that city-wide queries never read them.
    ...(venue.companyId === undefined
      ? []
      : [{ day, district: `company:${venue.companyId}`, metric: `company.${metric}`, by: 1 }]),
  ]
}
