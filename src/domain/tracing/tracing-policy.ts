/** How contacts are found. */
export interface TracingPolicy {
  /** How far back a case's visits count, default 14 days. */
  readonly lookbackDays: number
  /** How long a visit is assumed to last after its check-in, default 120 minutes. */
  readonly dwellMinutes: number
  /** Extra time either side of a visit that still counts as overlapping, default 30 minutes. */
  readonly marginMinutes: number
  /** The most contacts of contacts followed from one case, default 10,000. */
  readonly maxSecondary: number
  /** Exposures recorded per transaction of the background work, default 500. */
  readonly backgroundBatch: number
}

/** The defaults of {@link TracingPolicy}. */
export const defaultTracingPolicy: TracingPolicy = {
  lookbackDays: 14,
  dwellMinutes: 120,
  marginMinutes: 30,
  maxSecondary: 10_000,
  backgroundBatch: 500,
}

const MINUTE = 60_000
const DAY = 86_400_000

/** The first instant whose visits count for a case traced (or confirmed) at `at`. */
export function lookbackStart(at: Date | string, policy: TracingPolicy): string {
  const time = typeof at === 'string' ? Date.parse(at) : at.getTime()
  return new Date(time - policy.lookbackDays * DAY).toISOString()
}

/** When a visit that began at `at` is assumed to end: its check-in plus the dwell. */
export function stayUntil(at: string, policy: TracingPolicy): string {
  return new Date(Date.parse(at) + policy.dwellMinutes * MINUTE).toISOString()
}

/** How far apart two check-ins may be and still overlap: the dwell and the margin, in ms. */
export function overlapReach(policy: TracingPolicy): number {
  return (policy.dwellMinutes + policy.marginMinutes) * MINUTE
}
