/**
 * A small deterministic random source for tests: the same seed gives the same sequence on every
 * machine, so a failing fuzz case can be replayed from the seed printed in the test name.
 */
export interface SeededRandom {
  /** The seed this source started from. */
  readonly seed: number
  /** A float in [0, 1). */
  next(): number
  /** An integer in [0, maxExclusive). */
  int(maxExclusive: number): number
  /** `length` random bytes. */
  bytes(length: number): Uint8Array
  /** One element of a non-empty list. */
  pick<T>(items: readonly T[]): T
}

/** A {@link SeededRandom} on mulberry32 (Tommy Ettinger's 32-bit generator). */
export function seededRandom(seed: number): SeededRandom {
  let state = seed >>> 0
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  const int = (maxExclusive: number): number => Math.floor(next() * maxExclusive)
  return {
    seed: seed >>> 0,
    next,
    int,
    bytes(length) {
      const out = new Uint8Array(length)
      for (let i = 0; i < length; i++) out[i] = int(256)
      return out
    },
    pick(items) {
      if (items.length === 0) throw new Error('cannot pick from an empty list')
      return items[int(items.length)] as (typeof items)[number]
    },
  }
}
