/** The size of each pool: Node's own `Buffer.poolSize`. */
const POOL_BYTES = 8 * 1024

/** Requests above this size get an ArrayBuffer of their own, as in Node's pool. */
const LARGEST_POOLED = POOL_BYTES >>> 1

let pool = new ArrayBuffer(POOL_BYTES)
let poolOffset = 0

/**
 * A fresh, zero-filled Uint8Array of `length` bytes, carved out of a shared 8 KiB ArrayBuffer as
 * Node's `Buffer.allocUnsafe` does (this file also runs in the browser, which has no `Buffer`): an
 * array of a few hundred bytes with an ArrayBuffer of its own costs more to allocate than the
 * Base45 decoding or the Sig_structure it holds. No part of a pool is handed out twice; a used-up
 * pool is left to the arrays made from it.
 */
export function pooledBytes(length: number): Uint8Array {
  if (length > LARGEST_POOLED) return new Uint8Array(length)
  if (poolOffset + length > POOL_BYTES) {
    pool = new ArrayBuffer(POOL_BYTES)
    poolOffset = 0
  }
  const bytes = new Uint8Array(pool, poolOffset, length)
  // Eight-byte alignment, as Node's pool keeps it.
  poolOffset = (poolOffset + length + 7) & ~7
  return bytes
}
