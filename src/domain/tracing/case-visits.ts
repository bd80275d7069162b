import type { StoreTransaction } from '../ports.js'
import type { Checkin, Venue } from '../venues/venue.js'

/** A person's check-ins since an instant, with the venues they were at, by id. */
export async function visitsWithVenues(
  tx: StoreTransaction,
  personId: string,
  since: string,
): Promise<{ visits: Checkin[]; venues: Map<string, Venue> }> {
  const visits = await tx.checkins.listForPerson(personId, since)
  const found = await tx.venues.findMany([...new Set(visits.map((visit) => visit.venueId))])
  return { visits, venues: new Map(found.map((venue) => [venue.id, venue])) }
}
