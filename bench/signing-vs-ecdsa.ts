import { createHash, generateKeyPairSync, sign } from 'node:crypto'
import { deflateSync } from 'node:zlib'
import {
  HC1_PREFIX,
  coseSign1SignedBytes,
  decodeBase45,
  decodeCoseSign1,
  encodeBase45,
  inflateZlib,
  signHc1,
  stripHc1Prefix,
} from '../src/codec/hc1/index.js'
import type { RoundPlan } from './codec-vs-ecdsa.js'
import { formatSpread, measureRate, median, spreadOf } from './rate.js'

/** HC1 signing against the raw ECDSA P-256 sign rate, in interleaved rounds on one core. */
export interface SigningVersusEcdsa {
  readonly signPerSecond: number
  readonly ecdsaSignPerSecond: number
  readonly ratio: number
  /** Each round's signing/raw ratio. */
  readonly ratios: readonly number[]
  /** The size of the Sig_structure both sign. */
  readonly messageBytes: number
  /** The size of the QR text each signed certificate makes. */
  readonly qrCharacters: number
  /** The size of the same code compressed as before (zlib level 9, Node's defaults). */
  readonly qrCharactersBefore: number
}

/** A recovery certificate as the register issues one (schema 1.3.0). */
const recovery = {
  ver: '1.3.0',
  nam: { fn: 'Петров', fnt: 'PETROV', gn: 'Иван', gnt: 'IVAN' },
  dob: '1985-03-14',
  r: [
    {
      tg: '840539006',
      fr: '2026-10-20',
      co: 'RU',
      is: 'St. Petersburg health committee',
      df: '2026-10-31',
      du: '2027-04-18',
      ci: 'URN:UVCI:01:RU:SPB00000001#K',
    },
  ],
}

/**
 * Measures `signHc1` (CBOR, COSE, ECDSA sign, zlib, Base45) next to `crypto.sign` with the same
 * key over the certificate's own Sig_structure.
 */
export function measureSigningVersusEcdsa(plan: RoundPlan): SigningVersusEcdsa {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' })
  const spki = publicKey.export({ format: 'der', type: 'spki' })
  const kid = new Uint8Array(createHash('sha256').update(spki).digest().subarray(0, 8))
  const content = {
    dcc: recovery,
    issuer: 'RU',
    issuedAt: new Date('2026-11-23T09:00:00Z'),
    expiresAt: new Date('2027-04-18T00:00:00Z'),
  }
  const signOne = () => signHc1(content, { privateKey, kid })
  const qr = signOne()
  const qrCharacters = qr.length
  // The same COSE message compressed as signHc1 did before (level 9, Node's default buffers).
  const cose = inflateZlib(decodeBase45(stripHc1Prefix(qr)))
  const qrCharactersBefore = (HC1_PREFIX + encodeBase45(deflateSync(cose, { level: 9 }))).length
  // The raw signature covers what signHc1's does: this certificate's Sig_structure.
  const signed = decodeCoseSign1(cose)
  const message = coseSign1SignedBytes(signed.protectedBytes, signed.payload)
  const rawOne = () => sign('sha256', message, { key: privateKey, dsaEncoding: 'ieee-p1363' })
  measureRate(signOne, plan.warmUpMs / 2)
  measureRate(rawOne, plan.warmUpMs / 2)
  const signRates: number[] = []
  const rawRates: number[] = []
  for (let round = 0; round < plan.rounds; round++) {
    signRates.push(measureRate(signOne, plan.roundMs))
    rawRates.push(measureRate(rawOne, plan.roundMs))
  }
  const signPerSecond = median(signRates)
  const ecdsaSignPerSecond = median(rawRates)
  return {
    signPerSecond,
    ecdsaSignPerSecond,
    ratio: signPerSecond / ecdsaSignPerSecond,
    ratios: signRates.map((rate, round) => rate / (rawRates[round] as number)),
    messageBytes: message.length,
    qrCharacters,
    qrCharactersBefore,
  }
}

/** The printed section. */
export function formatSigningSection(result: SigningVersusEcdsa): string {
  const n = (value: number) => Math.round(value).toLocaleString('en-US')
  return [
    '4. Certificates signed per CPU second, one core, interleaved rounds',
    `  signHc1 (recovery certificate, ${result.qrCharacters}-character QR):   ${n(result.signPerSecond)}/s`,
    `  raw ECDSA P-256 crypto.sign, its ${result.messageBytes}-byte Sig_structure:  ${n(result.ecdsaSignPerSecond)}/s`,
    `  ratio signing/raw, median (range):                        ${formatSpread(spreadOf(result.ratios), result.ratios.length)}` +
      `  (aim >= 0.80: ${median(result.ratios) >= 0.8 ? 'met' : 'NOT MET'})`,
    `  QR text: ${result.qrCharacters} characters; compressed as before (level 9, default buffers): ` +
      `${result.qrCharactersBefore} (${result.qrCharacters <= result.qrCharactersBefore ? 'no longer' : 'LONGER'})`,
  ].join('\n')
}
