import { versionSevenUuid } from '../time-ordered-uuid.js'

/**
 * A small deterministic random source: mulberry32 (Tommy Ettinger's 32-bit generator), the same
 * sequence for the same seed on every machine. Not for secrets: the seeded city is test data.
 */
export class SeededRandom {
  #state: number

  constructor(seed: number) {
    this.#state = seed >>> 0
  }

  /** An unsigned 32-bit integer. */
  uint32(): number {
    this.#state = (this.#state + 0x6d2b79f5) >>> 0
    let t = this.#state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return (t ^ (t >>> 14)) >>> 0
  }

  /** A float in [0, 1). */
  next(): number {
    return this.uint32() / 4294967296
  }

  /** An integer in [0, maxExclusive). */
  int(maxExclusive: number): number {
    return Math.floor(this.next() * maxExclusive)
  }

  /** True with probability `p`. */
  chance(p: number): boolean {
    return this.next() < p
  }

  /** One element of a non-empty list. */
  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError('cannot pick from an empty list')
    // The index is below the length, so the element exists.
    return items[this.int(items.length)] as T
  }

  /** 16 random bytes as base64url: 22 characters, the shape of subjects and poster secrets. */
  token16(): string {
    const bytes = Buffer.allocUnsafe(16)
    bytes.writeUInt32LE(this.uint32(), 0)
    bytes.writeUInt32LE(this.uint32(), 4)
    bytes.writeUInt32LE(this.uint32(), 8)
    bytes.writeUInt32LE(this.uint32(), 12)
    return bytes.toString('base64url')
  }

  /**
   * A UUID in the version 7 layout (RFC 9562, section 5.7): 48 bits of `ms` since the epoch, then
   * random bits from this source. Ids of rows written in time order are then in key order too, so
   * the primary-key index grows at its end instead of splitting pages all over.
   */
  uuidAt(ms: number): string {
    return versionSevenUuid(ms, this.uint32(), this.uint32(), this.uint32())
  }
}

/**
 * The seed of one stream of a seeded run: FNV-1a over the run's seed, the stream's label and a
 * number (the first index of an appended batch), so that streams do not repeat each other and an
 * appended batch draws other numbers (and ids) than the first.
 */
export function streamSeed(seed: number, label: string, offset: number): number {
  let hash = 0x811c9dc5
  const mix = (byte: number) => {
    hash = Math.imul(hash ^ (byte & 0xff), 0x01000193) >>> 0
  }
  for (const part of [seed >>> 0, Math.floor(offset / 4294967296), offset >>> 0]) {
    for (let shift = 0; shift < 32; shift += 8) mix(part >>> shift)
  }
  for (let i = 0; i < label.length; i++) mix(label.charCodeAt(i))
  return hash
}
