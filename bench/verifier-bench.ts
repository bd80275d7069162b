import { join } from 'node:path'
import {
  measureCodecVersusEcdsa,
  measureCodecVersusPeer,
  type CodecVersusEcdsa,
  type RoundPlan,
} from './codec-vs-ecdsa.js'
import { PEER_PACKAGE, PeerProcess, preparePeer } from './dcc-sdk-peer.js'
import {
  buildJsonlInput,
  measureJsonlStartUp,
  measureJsonlVersusReference,
} from './jsonl-throughput.js'
import { formatSpread, spreadOf } from './rate.js'
import { formatSigningSection, measureSigningVersusEcdsa } from './signing-vs-ecdsa.js'
import type { BenchVector } from './vectors.js'

// The verifier's and signer's figures, each next to its limit or peer, measured in interleaved
// rounds (A B A B …) with the median and range of the per-round ratios: `BENCH_ONLY=verifier`.
// One-core rates count CPU time (see rate.ts); the batch counts wall time from spawn to exit.

const PLAN: RoundPlan = { warmUpMs: 1000, roundMs: 1000, rounds: 7 }
const JSONL_LINES = 20_000
const JSONL_PAIRS = 5

const wholeNumber = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 })
const verdict = (met: boolean) => (met ? 'met' : 'NOT MET')

/** Runs and prints every figure of the verifier and the signer. */
export async function runVerifierBench(
  root: string,
  vectors: readonly BenchVector[],
): Promise<CodecVersusEcdsa> {
  const codec = measureCodecVersusEcdsa(vectors, PLAN)
  const ecdsaRatios = codec.rounds.map((round) => round.codecPerSecond / round.ecdsaPerSecond)
  console.log(
    [
      `1. verifyHc1 against raw ECDSA P-256 crypto.verify of the same vectors' Sig_structures (median ${codec.messageBytes} bytes), signatures and key objects, per CPU second`,
      `  verifyHc1, ${vectors.length} ES256 vectors in rotation:   ${wholeNumber.format(codec.codecPerSecond)}/s`,
      `  raw crypto.verify:                                ${wholeNumber.format(codec.ecdsaPerSecond)}/s`,
      `  ratio, median (range):                            ${formatSpread(spreadOf(ecdsaRatios), ecdsaRatios.length)}` +
        `  (aim >= 0.90: ${verdict(spreadOf(ecdsaRatios).median >= 0.9)})`,
    ].join('\n'),
  )

  const prepared = preparePeer()
  if ('problem' in prepared) {
    console.log(`  peer ${PEER_PACKAGE}: not measured, ${prepared.problem}\n`)
  } else {
    const started = await PeerProcess.start(prepared.folder, vectors).catch((error: Error) => error)
    if (started instanceof Error) {
      console.log(`  peer ${PEER_PACKAGE}: not measured, ${started.message}\n`)
    } else {
      const { peer, verified } = started
      try {
        const rounds = await measureCodecVersusPeer(vectors, peer, PLAN)
        const ratios = rounds.map((round) => round.codecPerSecond / round.peerPerSecond)
        const peerRates = spreadOf(rounds.map((round) => round.peerPerSecond))
        console.log(
          [
            `  peer ${PEER_PACKAGE} unpackAndVerify (${verified} of ${vectors.length} vectors verify with it; scratch folder ${prepared.folder}):`,
            `    ${wholeNumber.format(peerRates.median)}/s; verifyHc1/peer, median (range): ${formatSpread(spreadOf(ratios), ratios.length, 1)}` +
              `  (aim >= 10: ${verdict(spreadOf(ratios).median >= 10)})`,
            // What the signature check alone allows: no verifier that checks it with node:crypto
            // can be more times the peer than this, whatever else it does.
            `    raw crypto.verify (section 1's median) / peer median: ${(codec.ecdsaPerSecond / peerRates.median).toFixed(1)}×, the most any verifier checking signatures with node:crypto could reach here`,
            '',
          ].join('\n'),
        )
      } finally {
        peer.stop()
      }
    }
  }

  const cli = join(root, 'bin', 'healthcode.js')
  const reference = join(root, 'dist', 'bench', 'reference-pipeline.js')
  const input = buildJsonlInput(vectors, JSONL_LINES)
  const pairs = await measureJsonlVersusReference(cli, reference, input, JSONL_LINES, JSONL_PAIRS)
  const fullRatios = pairs.map((pair) => pair.fullPerSecond / pair.referencePerSecond)
  const compactRatios = pairs.map((pair) => pair.compactPerSecond / pair.referencePerSecond)
  const first = pairs[0]
  const startUp = await measureJsonlStartUp(cli, reference, JSONL_PAIRS)
  const startUpCli = spreadOf(startUp.map((pair) => pair.cliSeconds))
  const startUpReference = spreadOf(startUp.map((pair) => pair.referenceSeconds))
  console.log(
    [
      `2. verify --jsonl, ${wholeNumber.format(JSONL_LINES)} lines, default workers, spawn to exit, against the single-thread reference pipeline (bench/reference-pipeline.ts)`,
      `  lines/s, median: full answers ${wholeNumber.format(spreadOf(pairs.map((p) => p.fullPerSecond)).median)},` +
        ` --compact ${wholeNumber.format(spreadOf(pairs.map((p) => p.compactPerSecond)).median)},` +
        ` reference ${wholeNumber.format(spreadOf(pairs.map((p) => p.referencePerSecond)).median)}`,
      `  full/reference, median (range):     ${formatSpread(spreadOf(fullRatios), fullRatios.length)}  (aim >= 1.0: ${verdict(spreadOf(fullRatios).median >= 1)})`,
      `  compact/reference, median (range):  ${formatSpread(spreadOf(compactRatios), compactRatios.length)}`,
      `  answer bytes: full ${wholeNumber.format(first?.fullBytes ?? 0)}, compact ${wholeNumber.format(first?.compactBytes ?? 0)}, reference ${wholeNumber.format(first?.referenceBytes ?? 0)}`,
      `  start-up and exit on no input, median (range): verify --jsonl ${formatSpread(startUpCli, startUp.length, 2)} s,` +
        ` reference ${formatSpread(startUpReference, startUp.length, 2)} s`,
      '',
    ].join('\n'),
  )

  console.log(formatSigningSection(measureSigningVersusEcdsa(PLAN)) + '\n')
  return codec
}
