/**
 * Picks indexes in proportion to their weights: a cumulative table and a binary search, so a pick
 * costs log2(n) steps however skewed the weights are.
 */
export class WeightedPicker {
  readonly #cumulative: Float64Array
  readonly #total: number

  constructor(weights: ArrayLike<number>) {
    if (weights.length === 0) throw new RangeError('expected at least one weight, but found none')
    this.#cumulative = new Float64Array(weights.length)
    let total = 0
    for (let i = 0; i < weights.length; i++) {
      const weight = weights[i] ?? 0
      if (!(weight >= 0)) throw new RangeError(`expected weights ≥ 0, but found ${weight}`)
      total += weight
      this.#cumulative[i] = total
    }
    if (!(total > 0)) throw new RangeError('expected a positive total weight, but found 0')
    this.#total = total
  }

  /** The index whose share of the total covers `u`, a float in [0, 1). */
  pick(u: number): number {
    const target = u * this.#total
    const cumulative = this.#cumulative
    let low = 0
    let high = cumulative.length - 1
    while (low < high) {
      const middle = (low + high) >>> 1
      // middle < length: the element exists.
      if ((cumulative[middle] as number) > target) high = middle
      else low = middle + 1
    }
    return low
  }
}
