import { X509Certificate, verify, type KeyObject } from 'node:crypto'
import { inflateSync } from 'node:zlib'
import { Decoder, Tag } from 'cbor-x'

// The reference `verify --jsonl` is measured against: the least a verifier of HC1 codes must do,
// on one thread. Each line {"id","qr","trust":[base64 DER],"at"} gets {"id","valid"}: prefix,
// Base45, zlib, COSE_Sign1, ES256 over the Sig_structure with the line's first certificate's key.
// No schema, no CWT claims, no times, no key usage, no revocation, no error messages: the
// floor, not a verifier. Run as `node dist/bench/reference-pipeline.js < lines > answers`.

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:'
const VALUES = new Uint8Array(128).fill(255)
for (let i = 0; i < ALPHABET.length; i++) VALUES[ALPHABET.charCodeAt(i)] = i

function base45(text: string): Uint8Array | undefined {
  const out = new Uint8Array(Math.floor(text.length / 3) * 2 + (text.length % 3 === 2 ? 1 : 0))
  let o = 0
  for (let i = 0; i < text.length; i += 3) {
    const c = VALUES[text.charCodeAt(i) & 127] as number
    const d = VALUES[text.charCodeAt(i + 1) & 127] as number
    if (i + 2 >= text.length) {
      const value = c + d * 45
      if ((c | d) === 255 || value > 0xff) return undefined
      out[o++] = value
      break
    }
    const e = VALUES[text.charCodeAt(i + 2) & 127] as number
    const value = c + d * 45 + e * 2025
    if ((c | d | e) === 255 || value > 0xffff) return undefined
    out[o++] = value >> 8
    out[o++] = value & 0xff
  }
  return out
}

const decoder = new Decoder({ mapsAsObjects: false, useRecords: false })
const keys = new Map<string, KeyObject>()

function head(length: number): number[] {
  return length < 24
    ? [0x40 | length]
    : length < 256
      ? [0x58, length]
      : [0x59, length >> 8, length & 0xff]
}

function verifyLine(line: string): string {
  const request = JSON.parse(line) as { id?: unknown; qr?: unknown; trust?: unknown }
  const id = JSON.stringify(request.id ?? null)
  const certificate = Array.isArray(request.trust) ? (request.trust[0] as unknown) : undefined
  let valid = false
  try {
    if (
      typeof request.qr === 'string' &&
      request.qr.startsWith('HC1:') &&
      typeof certificate === 'string'
    ) {
      const compressed = base45(request.qr.slice(4))
      if (compressed) {
        let item = decoder.decode(inflateSync(compressed, { maxOutputLength: 65536 })) as unknown
        while (item instanceof Tag) item = item.value
        const [protectedBytes, , payload, signature] = item as Uint8Array[]
        let key = keys.get(certificate)
        if (key === undefined) {
          key = new X509Certificate(Buffer.from(certificate, 'base64')).publicKey
          keys.set(certificate, key)
        }
        if (protectedBytes && payload && signature) {
          const signed = Buffer.concat([
            Buffer.from([0x84, 0x6a, ...Buffer.from('Signature1'), ...head(protectedBytes.length)]),
            protectedBytes,
            Buffer.from([0x40, ...head(payload.length)]),
            payload,
          ])
          valid = verify('sha256', signed, { key, dsaEncoding: 'ieee-p1363' }, signature)
        }
      }
    }
  } catch {
    valid = false
  }
  return `{"id":${id},"valid":${valid}}\n`
}

let rest = ''
process.stdin.setEncoding('utf8')
process.stdin.on('data', (chunk: string) => {
  const lines = (rest + chunk).split('\n')
  rest = lines.pop() ?? ''
  let answers = ''
  for (const line of lines) if (line.trim() !== '') answers += verifyLine(line)
  process.stdout.write(answers)
})
process.stdin.on('end', () => {
  if (rest.trim() !== '') process.stdout.write(verifyLine(rest))
})
