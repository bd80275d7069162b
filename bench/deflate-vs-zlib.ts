import { existsSync, readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { deflateSync } from 'node:zlib'
import { decodeBase45, inflateZlib, stripHc1Prefix } from '../src/codec/hc1/index.js'
import { deflateSmall } from '../src/codec/hc1/deflate-raw.js'
import { DEFLATE_CHUNK_BYTES } from '../src/codec/hc1/inflate.js'
import type { RoundPlan } from './codec-vs-ecdsa.js'
import { cpuMilliseconds, formatSpread, median, spreadOf } from './rate.js'

/** Our compressor against Node's zlib on the same messages, in interleaved rounds on one core. */
export interface DeflateVersusZlib {
  readonly messages: number
  readonly inputBytes: number
  /** Each round's CPU microseconds per message, ours and zlib's. */
  readonly oursMicroseconds: readonly number[]
  readonly zlibMicroseconds: readonly number[]
  readonly oursBytes: number
  readonly zlibBytes: number
  /** Messages ours compresses to more bytes than zlib's level 9 (the aim: none). */
  readonly longer: number
}

/**
 * The COSE messages of the EU test vectors (`<country>/2DCode/raw/*.json`) whose QR text decodes
 * to one, each once: what a signer compresses.
 */
export function readVectorCoseMessages(testDataDirectory: string): Uint8Array[] {
  const seen = new Set<string>()
  const messages: Uint8Array[] = []
  for (const country of readdirSync(testDataDirectory).sort()) {
    const raw = join(testDataDirectory, country, '2DCode', 'raw')
    if (!existsSync(raw)) continue
    for (const file of readdirSync(raw).sort()) {
      if (!file.endsWith('.json')) continue
      // Some vectors are saved with a UTF-8 byte order mark, which JSON.parse rejects.
      const text = readFileSync(join(raw, file), 'utf8').replace(/^\uFEFF/, '')
      const qr = (JSON.parse(text) as { PREFIX?: unknown }).PREFIX
      if (typeof qr !== 'string') continue
      let cose: Uint8Array
      try {
        cose = inflateZlib(decodeBase45(stripHc1Prefix(qr)))
      } catch {
        continue // Negative vectors break the prefix, the Base45 or the compression on purpose.
      }
      const key = Buffer.from(cose).toString('hex')
      if (!seen.has(key)) {
        seen.add(key)
        messages.push(cose)
      }
    }
  }
  return messages
}

/**
 * Times `deflateSmall` (what `deflateZlib` runs for them) and `deflateSync` at level 9 with the
 * output buffers `deflateZlib` gave it, over all the messages in turn, round after round.
 */
export function measureDeflateVersusZlib(
  messages: readonly Uint8Array[],
  plan: RoundPlan,
): DeflateVersusZlib {
  const ours = () => {
    for (const message of messages) deflateSmall(message)
  }
  const zlib = () => {
    for (const message of messages) {
      deflateSync(message, { level: 9, chunkSize: DEFLATE_CHUNK_BYTES })
    }
  }
  const microsecondsPerMessage = (pass: () => void, durationMs: number): number => {
    const start = cpuMilliseconds()
    let passes = 0
    let elapsed = 0
    while (elapsed < durationMs) {
      pass()
      passes++
      elapsed = cpuMilliseconds() - start
    }
    return (elapsed * 1000) / (passes * messages.length)
  }
  microsecondsPerMessage(ours, plan.warmUpMs / 2)
  microsecondsPerMessage(zlib, plan.warmUpMs / 2)
  const oursMicroseconds: number[] = []
  const zlibMicroseconds: number[] = []
  for (let round = 0; round < plan.rounds; round++) {
    oursMicroseconds.push(microsecondsPerMessage(ours, plan.roundMs))
    zlibMicroseconds.push(microsecondsPerMessage(zlib, plan.roundMs))
  }
  let oursBytes = 0
  let zlibBytes = 0
  let longer = 0
  for (const message of messages) {
    const ourLength = deflateSmall(message).length
    const zlibLength = deflateSync(message, { level: 9 }).length
    oursBytes += ourLength
    zlibBytes += zlibLength
    if (ourLength > zlibLength) longer++
  }
  return {
    messages: messages.length,
    inputBytes: messages.reduce((sum, message) => sum + message.length, 0),
    oursMicroseconds,
    zlibMicroseconds,
    oursBytes,
    zlibBytes,
    longer,
  }
}

/** The printed section. */
export function formatDeflateSection(result: DeflateVersusZlib): string {
  const speedUps = result.zlibMicroseconds.map(
    (zlib, round) => zlib / (result.oursMicroseconds[round] as number),
  )
  const us = (values: readonly number[]) => median(values).toFixed(1)
  return [
    `5. deflateSmall against zlib's deflateSync (level 9), the EU vectors' ${result.messages} COSE messages (${result.inputBytes.toLocaleString('en-US')} bytes) in turn, CPU µs per message`,
    `  deflateSmall:              ${us(result.oursMicroseconds)} µs`,
    `  deflateSync, level 9:      ${us(result.zlibMicroseconds)} µs`,
    `  zlib/ours, median (range): ${formatSpread(spreadOf(speedUps), speedUps.length, 2)}` +
      `  (aim >= 3: ${median(speedUps) >= 3 ? 'met' : 'NOT MET'})`,
    `  bytes: ours ${result.oursBytes.toLocaleString('en-US')}, zlib ${result.zlibBytes.toLocaleString('en-US')}; ` +
      `messages longer than zlib's: ${result.longer} (aim: none)`,
  ].join('\n')
}
