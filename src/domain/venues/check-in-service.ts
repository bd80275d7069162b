import type { Actor } from '../access/actor.js'
import type { Clock } from '../clock.js'
import { DomainError } from '../errors.js'
import { LimitReachedError, secondsUntil } from '../limits/limit-reached-error.js'
import type { SharedRateCounter } from '../limits/shared-rate-counter.js'
import type { Store } from '../ports.js'
import { checkinTime } from './check-in-time.js'
import type { CheckinWriter } from './checkin-writer.js'
import { type EntryDecision, decideEntry } from './entry-decision.js'
import type { EntryPolicyService } from './entry-policy-service.js'
import type { Checkin, Venue } from './venue.js'
import { venueCounters } from './venue-counters.js'
import type { VenueRegistryService } from './venue-registry-service.js'

/** The person's current colour, for check-ins by poster and for entry decisions. */
export interface ColourSource {
  colourOf(
    personId: string,
  ): Promise<{ colour: 'green' | 'yellow' | 'red'; greenOn: string | undefined }>
  /** The person a token's subject names, when the token lives at `at` and is ours. */
  personOfSubject(subject: string, at: Date): Promise<string | undefined>
}

/**
 * Check-ins by poster, and their retention: a visitor scans the venue's poster and is recorded
 * with their current colour, answered with whether the venue's entry policy admits them. Check-ins
 * are keyed by the client's id and written by group commit; they are kept `retentionDays`.
 */
export class CheckInService {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly venues: VenueRegistryService,
    private readonly entryPolicies: EntryPolicyService,
    private readonly colours: ColourSource,
    private readonly writer: CheckinWriter,
    private readonly retentionDays: number,
    /** Check-ins per person per minute by poster (`QUOTA_CHECKINS_PER_MINUTE`); unset, no limit. */
    private readonly checkinQuota?: SharedRateCounter,
  ) {}

  /**
   * A visitor checks in by scanning the venue's poster: recorded with their current colour, and
   * answered with whether the venue's policy admits them.
   *
   * @throws {DomainError} `ERR_INVALID_FIELD` (`venueCode`, `at`), `ERR_NOT_FOUND`,
   *   `ERR_FORBIDDEN` (no claimed person record).
   * @throws {LimitReachedError} `ERR_QUOTA_CHECKINS`.
   */
  async checkInByPoster(
    actor: Actor,
    input: { venueCode: string; clientId: string; at?: string | undefined },
  ): Promise<{ checkin: Checkin; duplicate: boolean; decision: EntryDecision; venue: Venue }> {
    const venue = await this.venues.venueOfPoster(input.venueCode)
    if (actor.personId === undefined) {
      throw new DomainError(
        'ERR_FORBIDDEN',
        'claim your person record first (POST /api/v1/me/claim)',
      )
    }
    const now = this.clock()
    const at = checkinTime(input.at, now, this.retentionDays, 'at')
    // Counted in memory and shared behind the answer: no extra round trip on this hot path.
    const quota = this.checkinQuota?.take(actor.personId)
    if (quota && !quota.allowed) {
      throw new LimitReachedError(
        'ERR_QUOTA_CHECKINS',
        `expected at most ${this.checkinQuota?.options.max} check-ins per person per minute`,
        secondsUntil(quota.resetsAt, now),
      )
    }
    const { colour, greenOn } = await this.colours.colourOf(actor.personId)
    const decision = decideEntry(
      await this.entryPolicies.forVenue(venue),
      { kind: 'health-code', colour, greenOn },
      now,
    )
    const checkin: Checkin = {
      id: input.clientId,
      venueId: venue.id,
      personId: actor.personId,
      subject: undefined,
      method: 'poster',
      at,
      colour,
      entryAllowed: decision.allowed,
      recordedAt: now.toISOString(),
    }
    const inserted = await this.writer.write(checkin, venueCounters(venue, at, 'checkins'))
    return { checkin, duplicate: !inserted, decision, venue }
  }

  /**
   * Removes check-ins older than the retention period; returns how many. Where the store partitions
   * check-ins by day (PostgreSQL), the days wholly past it go as whole partitions; the rest (the
   * day the limit falls in, or every row on SQLite) is deleted in bounded batches.
   */
  async prune(batchSize = 10_000): Promise<number> {
    const before = new Date(this.clock().getTime() - this.retentionDays * 86_400_000).toISOString()
    let total = await this.store.transaction((tx) => tx.checkins.dropPartitionsBefore(before))
    for (;;) {
      const deleted = await this.store.transaction((tx) =>
        tx.checkins.deleteBefore(before, batchSize),
      )
      total += deleted
      if (deleted < batchSize) return total
    }
  }
}
