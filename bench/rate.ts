/**
 * Runs an operation again and again for about `durationMs` and returns how many it did per second.
 * The clock is read after every call: at tens of microseconds per verification, the read costs
 * well under one per cent.
 */
export function measureRate(operation: () => void, durationMs: number): number {
  const start = performance.now()
  let operations = 0
  let elapsed = 0
  while (elapsed < durationMs) {
    operation()
    operations++
    elapsed = performance.now() - start
  }
  return (operations * 1000) / elapsed
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
