/**
 * The CPU time this process has used, in milliseconds (its one JavaScript thread, and the
 * garbage collector's helpers, whose work is part of the cost). Rates on one core are timed with
 * it rather than the wall clock: on a machine shared with other work, the wall clock also counts
 * the time the process waited for a core, which has nothing to do with what is measured.
 */
export function cpuMilliseconds(): number {
  const usage = process.cpuUsage()
  return (usage.user + usage.system) / 1000
}

/**
 * Runs an operation again and again for about `durationMs` of CPU time and returns
 * how many it did per CPU second. The clock is read after every 8 calls: at tens of microseconds
 * per call, the reads cost well under one per cent.
 */
export function measureRate(operation: () => void, durationMs: number): number {
  const start = cpuMilliseconds()
  let operations = 0
  let elapsed = 0
  while (elapsed < durationMs) {
    for (let i = 0; i < 8; i++) operation()
    operations += 8
    elapsed = cpuMilliseconds() - start
  }
  return (operations * 1000) / elapsed
}

/** The median, smallest and largest of some numbers: a figure and its spread. */
export interface Spread {
  readonly median: number
  readonly min: number
  readonly max: number
}

/**
 * The median and range of some numbers.
 *
 * @throws {Error} when there are no numbers.
 */
export function spreadOf(values: readonly number[]): Spread {
  return { median: median(values), min: Math.min(...values), max: Math.max(...values) }
}

/** A spread as `0.812 (0.790–0.840, n rounds)`. */
export function formatSpread(spread: Spread, count: number, digits = 3): string {
  return `${spread.median.toFixed(digits)} (${spread.min.toFixed(digits)}–${spread.max.toFixed(digits)}, ${count} rounds)`
}

/**
 * The median of some numbers (the mean of the middle two for an even count).
 *
 * @throws {Error} when there are no numbers.
 */
export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error('expected at least one value to take the median of')
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  // Both indexes are in range: the array is not empty.
  const upper = sorted[middle] as number
  return sorted.length % 2 === 1 ? upper : ((sorted[middle - 1] as number) + upper) / 2
}
