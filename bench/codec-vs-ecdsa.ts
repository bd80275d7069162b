import { verify } from 'node:crypto'
import {
  coseSign1SignedBytes,
  decodeBase45,
  decodeCoseSign1,
  inflateZlib,
  stripHc1Prefix,
  verifyHc1,
} from '../src/codec/hc1/index.js'
import type { PeerProcess } from './dcc-sdk-peer.js'
import { measureRate, median } from './rate.js'
import type { BenchVector } from './vectors.js'

/** How long to measure: a warm-up, then rounds that alternate the codec and raw ECDSA. */
export interface RoundPlan {
  readonly warmUpMs: number
  readonly roundMs: number
  readonly rounds: number
}

/** One round: both rates measured back to back, so that they saw the same machine state. */
export interface CodecEcdsaRound {
  readonly codecPerSecond: number
  readonly ecdsaPerSecond: number
}

/** HC1 verification on one core against the ECDSA verification inside it. */
export interface CodecVersusEcdsa {
  readonly rounds: readonly CodecEcdsaRound[]
  /** Median `verifyHc1` calls per second over the valid ES256 vectors in rotation. */
  readonly codecPerSecond: number
  /**
   * Median raw `crypto.verify` ECDSA P-256 calls per second, over the same vectors' Sig_structures,
   * signatures and key objects.
   */
  readonly ecdsaPerSecond: number
  /** `codecPerSecond / ecdsaPerSecond`: the share of time that is the signature check itself. */
  readonly ratio: number
  /** The median size of the messages both verify: the vectors' COSE Sig_structures. */
  readonly messageBytes: number
}

/**
 * Measures `verifyHc1` and raw `node:crypto` ECDSA P-256 verification of the same vectors'
 * signatures in the same thread, in interleaved rounds, and compares their medians.
 *
 * @throws {Error} when a vector stops verifying, or the raw signature does not verify.
 */
export function measureCodecVersusEcdsa(
  vectors: readonly BenchVector[],
  plan: RoundPlan,
): CodecVersusEcdsa {
  const messageBytes = medianSigStructureBytes(vectors)
  const verifyNextVector = codecVerification(vectors)
  const verifyRawSignature = rawEcdsaVerification(vectors)

  measureRate(verifyNextVector, plan.warmUpMs)
  measureRate(verifyRawSignature, plan.warmUpMs)
  const rounds: CodecEcdsaRound[] = []
  for (let round = 0; round < plan.rounds; round++) {
    const codecPerSecond = measureRate(verifyNextVector, plan.roundMs)
    const ecdsaPerSecond = measureRate(verifyRawSignature, plan.roundMs)
    rounds.push({ codecPerSecond, ecdsaPerSecond })
  }

  const codecPerSecond = median(rounds.map((round) => round.codecPerSecond))
  const ecdsaPerSecond = median(rounds.map((round) => round.ecdsaPerSecond))
  return {
    rounds,
    codecPerSecond,
    ecdsaPerSecond,
    ratio: codecPerSecond / ecdsaPerSecond,
    messageBytes,
  }
}

/**
 * The median size of the bytes the vectors' signatures cover (RFC 9052 section 4.4), so that raw
 * ECDSA hashes as much as the codec does.
 */
export function medianSigStructureBytes(vectors: readonly BenchVector[]): number {
  return median(
    vectors.map((vector) => {
      const cose = decodeCoseSign1(inflateZlib(decodeBase45(stripHc1Prefix(vector.qr))))
      return coseSign1SignedBytes(cose.protectedBytes, cose.payload).length
    }),
  )
}

/** One round of `verifyHc1` against the npm peer, back to back. */
export interface CodecPeerRound {
  readonly codecPerSecond: number
  readonly peerPerSecond: number
}

/**
 * Measures `verifyHc1` and the peer's `unpackAndVerify` (in its own process, on the same vectors)
 * in interleaved rounds, each for `plan.roundMs` of CPU time.
 */
export async function measureCodecVersusPeer(
  vectors: readonly BenchVector[],
  peer: PeerProcess,
  plan: RoundPlan,
): Promise<CodecPeerRound[]> {
  const verifyNextVector = codecVerification(vectors)
  await peer.measure(plan.warmUpMs)
  const rounds: CodecPeerRound[] = []
  for (let round = 0; round < plan.rounds; round++) {
    const codecPerSecond = measureRate(verifyNextVector, plan.roundMs)
    const peerPerSecond = await peer.measure(plan.roundMs)
    rounds.push({ codecPerSecond, peerPerSecond })
  }
  return rounds
}

/** One `verifyHc1` call per run, taking the vectors in turn. */
function codecVerification(vectors: readonly BenchVector[]): () => void {
  let next = 0
  return () => {
    // In range: the index wraps at the length, and there is at least one vector.
    const vector = vectors[next] as BenchVector
    next = (next + 1) % vectors.length
    const result = verifyHc1(vector.qr, vector.options)
    if (!result.valid) {
      throw new Error(`${vector.name} stopped verifying: ${result.stage} ${result.error.code}`)
    }
  }
}

/**
 * One raw ECDSA P-256 verification per run, taking the vectors in turn as the codec does: each
 * vector's own Sig_structure, signature and trusted signer's key object (the same object the
 * codec's trust list holds), so that both sides hash the same bytes with the same keys.
 *
 * @throws {Error} when a vector's signature does not verify raw.
 */
function rawEcdsaVerification(vectors: readonly BenchVector[]): () => void {
  const checks = vectors.map((vector) => {
    const cose = decodeCoseSign1(inflateZlib(decodeBase45(stripHc1Prefix(vector.qr))))
    const kid = cose.kid
    const signer = kid ? vector.options.trust.signersFor(kid)[0] : undefined
    if (signer === undefined) throw new Error(`${vector.name}: no trusted signer for its kid`)
    const message = coseSign1SignedBytes(cose.protectedBytes, cose.payload)
    const key = { key: signer.publicKey, dsaEncoding: 'ieee-p1363' as const }
    if (!verify('sha256', message, key, cose.signature)) {
      throw new Error(`${vector.name}: expected its signature to verify raw, but it does not`)
    }
    return { message, key, signature: cose.signature }
  })
  let next = 0
  return () => {
    // In range: the index wraps at the length, and there is at least one vector.
    const check = checks[next] as (typeof checks)[number]
    next = (next + 1) % checks.length
    if (!verify('sha256', check.message, check.key, check.signature)) {
      throw new Error('expected the raw ECDSA signature to verify, but it does not')
    }
  }
}
