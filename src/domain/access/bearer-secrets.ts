import { hash, timingSafeEqual } from 'node:crypto'

/** The SHA-256 of a bearer secret, as stored: a stolen database yields no usable token. */
export function secretHash(secret: string): string {
  return hash('sha256', secret, 'hex')
}

/** Compares two texts in constant time. */
export function sameSecret(a: string, b: string): boolean {
  const left = Buffer.from(a)
  const right = Buffer.from(b)
  return left.length === right.length && timingSafeEqual(left, right)
}
