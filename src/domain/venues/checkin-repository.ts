import type { Checkin } from './venue.js'

/** Check-ins, keyed by the client's id. */
export interface CheckinRepository {
  /** Inserts the check-ins whose id is new; returns the ids inserted (re-sent ones are not). */
  insertNew(checkins: readonly Checkin[]): Promise<Set<string>>
  find(id: string): Promise<Checkin | undefined>
  listForPerson(personId: string, since: string): Promise<Checkin[]>
  atVenue(venueId: string, from: string, until: string): Promise<Checkin[]>
  /**
   * Drops, where the store partitions check-ins by time, the partitions that hold only check-ins
   * older than `before`; returns how many check-ins went (0 where nothing is partitioned). What is
   * left older than `before` is for {@link deleteBefore}.
   */
  dropPartitionsBefore(before: string): Promise<number>
  /** Deletes up to `limit` check-ins older than `before`; returns how many. */
  deleteBefore(before: string, limit: number): Promise<number>
}
