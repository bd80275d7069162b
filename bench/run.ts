import { join } from 'node:path'
import { measureCodecVersusEcdsa, type RoundPlan } from './codec-vs-ecdsa.js'
import { buildJsonlInput, measureVerifyJsonl } from './jsonl-throughput.js'
import { describeMachine } from './machine.js'
import { findRepositoryRoot } from './paths.js'
import {
  formatCodecSection,
  formatJsonlSection,
  formatMachineSection,
  formatMarkdownTable,
} from './report.js'
import { formatSigningSection, measureSigningVersusEcdsa } from './signing-vs-ecdsa.js'
import { selectValidEs256Vectors } from './vectors.js'

// `npm run bench`: the codec against raw ECDSA on one core, then the CLI's batch throughput.
// About 30 s in all: 2 s of warm-up, 5 rounds of 2 + 2 s, then two runs of the CLI.

const CODEC_PLAN: RoundPlan = { warmUpMs: 1000, roundMs: 2000, rounds: 5 }
const JSONL_LINES = 20_000

async function main(): Promise<void> {
  const root = findRepositoryRoot()
  const machine = describeMachine()
  const selection = selectValidEs256Vectors(join(root, 'test', 'vectors', 'dgc-testdata'))
  const vectors = selection.valid
  if (vectors.length === 0) {
    throw new Error(`expected valid ES256 vectors, but none of ${selection.examined} verified`)
  }
  console.log(
    `healthcode bench: ${vectors.length} of ${selection.examined} raw EU test vectors verify as ` +
      'valid ES256 codes; the bench uses those.\n',
  )

  const codec = measureCodecVersusEcdsa(vectors, CODEC_PLAN)
  console.log(formatCodecSection(codec, CODEC_PLAN, vectors.length) + '\n')

  const cli = join(root, 'bin', 'healthcode.js')
  const input = buildJsonlInput(vectors, JSONL_LINES)
  const jsonlSingle = await measureVerifyJsonl(cli, input, JSONL_LINES, 1)
  const jsonlDefault = await measureVerifyJsonl(cli, input, JSONL_LINES, undefined)
  console.log(formatJsonlSection(jsonlSingle, jsonlDefault, codec.ecdsaPerSecond, machine) + '\n')

  console.log(
    formatSigningSection(measureSigningVersusEcdsa({ warmUpMs: 1000, roundMs: 1000, rounds: 3 })) +
      '\n',
  )

  console.log(formatMachineSection(machine) + '\n')
  console.log('Markdown, for docs/benchmarks.md:\n')
  console.log(
    formatMarkdownTable({ vectorsUsed: vectors.length, codec, jsonlSingle, jsonlDefault, machine }),
  )
}

await main()
