import { readdirSync, readFileSync } from 'node:fs'
import { TrustList, signerFromCertificate } from '../src/codec/trust/index.js'

/**
 * The EU DCC test vectors (eu-digital-green-certificates/dgc-testdata) copied at
 * `test/vectors/dgc-testdata/`: one `<country>/2DCode/raw/<name>.json` file per vector.
 */
const vectorsRoot = new URL('./vectors/dgc-testdata/', import.meta.url)

/** The `EXPECTED*` flags of a vector that name a stage of verification, in pipeline order. */
export const expectedFlags = [
  'EXPECTEDPICTUREDECODE',
  'EXPECTEDUNPREFIX',
  'EXPECTEDB45DECODE',
  'EXPECTEDCOMPRESSION',
  'EXPECTEDDECODE',
  'EXPECTEDVERIFY',
  'EXPECTEDSCHEMAVALIDATION',
  'EXPECTEDEXPIRATIONCHECK',
  'EXPECTEDKEYUSAGE',
] as const

/** A stage flag of a vector's `EXPECTEDRESULTS`. */
export type ExpectedFlag = (typeof expectedFlags)[number]

/** One test vector, read from its JSON file. */
export interface DgcVector {
  /** `<country>/<file name without .json>`, e.g. `common/CO1`. */
  readonly id: string
  readonly country: string
  readonly name: string
  /** The QR code's text (`PREFIX`), `HC1:` and all. */
  readonly text: string | undefined
  /** The signer's certificate (`TESTCTX.CERTIFICATE`), DER. */
  readonly certificate: Uint8Array | undefined
  /** The clock to verify at (`TESTCTX.VALIDATIONCLOCK`). */
  readonly clock: Date | undefined
  /** The COSE_Sign1 bytes the QR code inflates to (`COSE`), where the vector gives them. */
  readonly cose: Uint8Array | undefined
  /** The DCC payload as JSON (`JSON`), where the vector gives it. */
  readonly json: unknown
  /** The stage flags of `EXPECTEDRESULTS` that the vector sets. */
  readonly expected: Readonly<Partial<Record<ExpectedFlag, boolean>>>
}

interface RawVector {
  PREFIX?: unknown
  COSE?: unknown
  JSON?: unknown
  TESTCTX?: { CERTIFICATE?: unknown; VALIDATIONCLOCK?: unknown }
  EXPECTEDRESULTS?: Record<string, unknown>
}

let cache: readonly DgcVector[] | undefined

/** Every vector, sorted by country then file name. */
export function loadDgcVectors(): readonly DgcVector[] {
  if (cache) return cache
  const vectors: DgcVector[] = []
  const countries = readdirSync(vectorsRoot, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort()
  for (const country of countries) {
    const raw = new URL(`${country}/2DCode/raw/`, vectorsRoot)
    const files = readdirSync(raw)
      .filter((file) => file.endsWith('.json'))
      .sort()
    for (const file of files) {
      // Some upstream files start with a byte-order mark, which JSON.parse refuses.
      const text = readFileSync(new URL(file, raw), 'utf8').replace(/^\uFEFF/, '')
      vectors.push(toVector(country, file.slice(0, -'.json'.length), JSON.parse(text) as RawVector))
    }
  }
  cache = vectors
  return vectors
}

/** The vector with this id (`common/CO1`); throws when there is none. */
export function getDgcVector(id: string): DgcVector {
  const vector = loadDgcVectors().find((candidate) => candidate.id === id)
  if (!vector) throw new Error(`no test vector ${id}`)
  return vector
}

/** A trust list holding the vector's signer certificate, as a verifier of that vector would. */
export function trustListFor(vector: DgcVector): TrustList {
  return new TrustList(vector.certificate ? [signerFromCertificate(vector.certificate)] : [])
}

/**
 * Reads a `VALIDATIONCLOCK`. Upstream writes ISO 8601 with or without a zone (`+0000`, `+03:00`,
 * `Z`, or none at all in the IS vectors); a time without a zone is taken as UTC, so that the tests
 * do not depend on the machine's time zone.
 */
export function parseValidationClock(text: string): Date {
  let normalised = text.replace(/([+-]\d\d)(\d\d)$/, '$1:$2')
  if (!/(?:Z|[+-]\d\d:\d\d)$/i.test(normalised)) normalised += 'Z'
  const date = new Date(normalised)
  if (Number.isNaN(date.getTime())) throw new Error(`unreadable VALIDATIONCLOCK ${text}`)
  return date
}

/**
 * The flags a vector sets that are known to be wrong, by `<country>/<test set>` (the test set is
 * the file name) or `<country>/` for a whole country: upstream's `known_issues.csv` and our
 * `scorer_exclusions.csv`, read as `/work/shared/tools/dcc-conformance` reads them.
 */
export function loadUnreliableFlags(): ReadonlyMap<string, ReadonlySet<ExpectedFlag>> {
  const upstreamTestFlag: Record<string, ExpectedFlag> = {
    test_cose_schema: 'EXPECTEDSCHEMAVALIDATION',
    test_verification_check: 'EXPECTEDVERIFY',
    test_expiration_check: 'EXPECTEDEXPIRATIONCHECK',
    test_expected_key_usage: 'EXPECTEDKEYUSAGE',
  }
  const unreliable = new Map<string, Set<ExpectedFlag>>()
  const add = (country: string, testSet: string, flag: ExpectedFlag): void => {
    const key = `${country}/${testSet}`
    const flags = unreliable.get(key) ?? new Set<ExpectedFlag>()
    flags.add(flag)
    unreliable.set(key, flags)
  }
  for (const row of readCsv(new URL('known_issues.csv', vectorsRoot))) {
    const flag = upstreamTestFlag[row['test_name'] ?? '']
    if (flag) add(row['country'] ?? '', row['test_set'] ?? '', flag)
  }
  for (const row of readCsv(new URL('scorer_exclusions.csv', vectorsRoot))) {
    const flag = expectedFlags.find((candidate) => candidate === row['flag'])
    if (flag) add(row['country'] ?? '', row['test_set'] ?? '', flag)
  }
  return unreliable
}

function toVector(country: string, name: string, raw: RawVector): DgcVector {
  const expected: Partial<Record<ExpectedFlag, boolean>> = {}
  for (const flag of expectedFlags) {
    const value = raw.EXPECTEDRESULTS?.[flag]
    if (typeof value === 'boolean') expected[flag] = value
  }
  const certificate = raw.TESTCTX?.CERTIFICATE
  const clock = raw.TESTCTX?.VALIDATIONCLOCK
  return {
    id: `${country}/${name}`,
    country,
    name,
    text: typeof raw.PREFIX === 'string' ? raw.PREFIX : undefined,
    certificate:
      typeof certificate === 'string' && certificate.length > 0
        ? new Uint8Array(Buffer.from(certificate, 'base64'))
        : undefined,
    clock: typeof clock === 'string' ? parseValidationClock(clock) : undefined,
    cose: typeof raw.COSE === 'string' ? new Uint8Array(Buffer.from(raw.COSE, 'hex')) : undefined,
    json: raw.JSON,
    expected,
  }
}

/** A CSV file with a header row, as upstream writes it: commas, and double quotes around commas. */
function readCsv(url: URL): Record<string, string>[] {
  const lines = readFileSync(url, 'utf8')
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/)
    .filter((line) => line.trim() !== '')
  const [header, ...rows] = lines.map(splitCsvLine)
  if (!header) return []
  return rows.map((fields) => Object.fromEntries(header.map((key, i) => [key, fields[i] ?? ''])))
}

function splitCsvLine(line: string): string[] {
  const fields: string[] = []
  let field = ''
  let quoted = false
  for (let i = 0; i < line.length; i++) {
    const char = line[i]
    if (quoted) {
      if (char === '"' && line[i + 1] === '"') {
        field += '"'
        i++
      } else if (char === '"') {
        quoted = false
      } else {
        field += char
      }
    } else if (char === '"') {
      quoted = true
    } else if (char === ',') {
      fields.push(field)
      field = ''
    } else {
      field += char
    }
  }
  fields.push(field)
  return fields
}
