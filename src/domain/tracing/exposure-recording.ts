import type { StoreTransaction } from '../ports.js'
import type { Exposure } from './tracing.js'

/** What an exposed person's notification names: the venue and the time window. */
export interface ExposureWindow {
  readonly venueName: string
  readonly address: string
  readonly from: string
  readonly until: string
}

/**
 * What tracing found for a case: exposures to record, and their notifications' windows keyed by
 * `${personId} ${kind}`.
 */
export interface FoundExposures {
  readonly exposures: Map<string, Omit<Exposure, 'id'>>
  readonly windows: Map<string, ExposureWindow>
}

/**
 * Records exposures (skipping any the person has already for the case and kind) and counts the new
 * ones in the day's counters; returns the new ones. Telling the people is {@link tellExposed}'s.
 */
export async function recordExposures(
  tx: StoreTransaction,
  exposures: readonly Omit<Exposure, 'id'>[],
  at: string,
): Promise<Exposure[]> {
  const added = await tx.tracing.addExposures(exposures)
  await tx.counters.add(
    added.map((exposure) => ({
      day: at.slice(0, 10),
      district: exposure.district ?? 'unknown',
      metric: `exposures.${exposure.kind}`,
      by: 1,
    })),
  )
  return added
}

/**
 * Tells each exposed person in their feed: the kind of exposure, its time, and the venue and time
 * window that `windows` (keyed by `${personId} ${kind}`) holds for them.
 */
export async function tellExposed(
  tx: StoreTransaction,
  exposures: readonly Omit<Exposure, 'id'>[],
  windows: ReadonlyMap<string, ExposureWindow>,
  at: string,
): Promise<void> {
  await tx.tracing.notifyMany(
    exposures.map((exposure) => ({
      personId: exposure.personId,
      kind: 'exposure' as const,
      data: {
        kind: exposure.kind,
        at: exposure.at,
        venueId: exposure.venueId ?? null,
        ...windows.get(`${exposure.personId} ${exposure.kind}`),
      },
      createdAt: at,
    })),
  )
}
