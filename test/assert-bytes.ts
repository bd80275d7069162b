import assert from 'node:assert/strict'

/**
 * Asserts that two byte arrays hold the same bytes, whatever their classes (`Buffer` or
 * `Uint8Array`), and says where they first differ.
 */
export function assertSameBytes(actual: Uint8Array, expected: Uint8Array, message = ''): void {
  if (Buffer.from(actual.buffer, actual.byteOffset, actual.byteLength).equals(expected)) return
  let at = 0
  while (at < actual.length && at < expected.length && actual[at] === expected[at]) at++
  const around = (bytes: Uint8Array): string =>
    Buffer.from(bytes.subarray(Math.max(0, at - 4), at + 12)).toString('hex')
  assert.fail(
    `${message ? `${message}: ` : ''}expected ${expected.length} bytes, got ${actual.length}; ` +
      `they first differ at byte ${at} (expected …${around(expected)}…, got …${around(actual)}…)`,
  )
}
