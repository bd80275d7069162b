import type { JsonValue } from './cbor.js'
import { Hc1Error } from './errors.js'
import type { DccType } from './key-usage.js'
import { antibodySchemaValidators, dccSchemaValidators } from './schemas/validators.generated.js'

/** A schema validator compiled ahead of time by Ajv (`scripts/generate-schema-validators.js`). */
interface CompiledValidator {
  (data: unknown): boolean
  errors?: { instancePath: string; message?: string; params: Record<string, unknown> }[] | null
}

/**
 * Every released EU DCC schema (ehn-dcc-development/eu-dcc-schema, in `schemas/`), compiled, by
 * version.
 */
const validators = dccSchemaValidators as ReadonlyMap<string, CompiledValidator>

/** Schema versions, newest first, for choosing the one a payload's `ver` falls under. */
const versionsNewestFirst = newestFirst(validators)

/**
 * Every Healthcode antibody certificate schema (`schemas/healthcode-antibody-<version>.json`; not
 * an EU DCC, see `docs/antibody-certificate.md`), compiled, by version.
 */
const antibodyValidators = antibodySchemaValidators as ReadonlyMap<string, CompiledValidator>
const antibodyVersionsNewestFirst = newestFirst(antibodyValidators)

/** What the schema step learns of a valid payload. */
export interface DccFacts {
  /** The schema version the payload was checked against. */
  readonly schemaVersion: string
  readonly type: DccType
}

const entryTypes: ReadonlyArray<readonly [key: 'v' | 't' | 'r', type: DccType]> = [
  ['v', 'vaccination'],
  ['t', 'test'],
  ['r', 'recovery'],
]

/**
 * Validates an EU DCC payload against the JSON schema of its `ver` (1.0.x to 1.3.x) and checks that
 * it holds exactly one entry: one of `v`, `t`, `r`, with one item (HCERT section 2.6.3).
 *
 * A `ver` with no released schema of its own is checked against the newest released schema of the
 * same minor version that is not newer than it (schemas change fields only between minor versions).
 * Formats (`date`, `date-time`) are annotations in JSON Schema 2020-12 and are not asserted.
 *
 * @throws {Hc1Error} `ERR_DCC_VERSION` for a missing or unsupported `ver`, `ERR_DCC_SCHEMA` when
 *   the payload does not follow the schema, `ERR_DCC_ENTRIES` when it holds other than one entry.
 */
export function validateDcc(dcc: JsonValue): DccFacts {
  if (dcc === null || typeof dcc !== 'object' || Array.isArray(dcc)) {
    throw new Hc1Error('ERR_DCC_SCHEMA', 'expected the DCC to be an object')
  }
  const version = dcc['ver']
  if (typeof version !== 'string') {
    throw new Hc1Error(
      'ERR_DCC_VERSION',
      `expected the DCC to name its schema version in "ver", but found ${version === undefined ? 'none' : JSON.stringify(version)}`,
    )
  }
  const schemaVersion = schemaVersionFor(version)
  if (schemaVersion === undefined) {
    throw new Hc1Error(
      'ERR_DCC_VERSION',
      `expected a DCC schema version from 1.0.0 to 1.3.x, but "ver" is ${JSON.stringify(version)}`,
    )
  }
  // More than one entry is checked first, so that every version reports it alike (1.3.x schemas
  // forbid it themselves, older ones allow it); a missing entry is left to the schema, which
  // names the missing fields.
  const present = entryTypes.filter(([key]) => dcc[key] !== undefined)
  const listLength = (key: string): number => {
    const list = dcc[key]
    return Array.isArray(list) ? list.length : 1
  }
  if (present.length > 1 || present.some(([key]) => listLength(key) > 1)) {
    throw entriesError(present.map(([key]) => `"${key}" with ${listLength(key)} entries`))
  }
  const validate = validators.get(schemaVersion) as CompiledValidator
  if (!validate(dcc)) {
    throw new Hc1Error(
      'ERR_DCC_SCHEMA',
      `expected the DCC to follow schema ${schemaVersion}, but ${firstProblem(validate)}`,
    )
  }
  const [only] = present
  if (!only || listLength(only[0]) !== 1) throw entriesError([])
  return { schemaVersion, type: only[1] }
}

function entriesError(found: string[]): Hc1Error {
  return new Hc1Error(
    'ERR_DCC_ENTRIES',
    `expected exactly one of "v", "t", "r" with one entry (HCERT section 2.6.3), but found ${found.length > 0 ? found.join(' and ') : 'none'}`,
  )
}

/** What the schema step learns of a valid antibody certificate. */
export interface AntibodyFacts {
  /** The antibody certificate schema version the payload was checked against. */
  readonly schemaVersion: string
}

/**
 * Validates a Healthcode antibody certificate payload (not an EU DCC; `docs/antibody-certificate.md`)
 * against the schema of its `ver` (`schemas/healthcode-antibody-<version>.json`), which admits
 * exactly one `ab` entry and no field it does not name, then checks that the entry's level `va` is
 * at or above its threshold `th`, as the certificate attests. A `ver` without a schema of its own
 * falls under the newest schema of the same minor version not newer than it, as for the DCC.
 *
 * @throws {Hc1Error} `ERR_ANTIBODY_VERSION` for a missing or unsupported `ver`, `ERR_ANTIBODY_SCHEMA`
 *   when the payload does not follow the schema, `ERR_ANTIBODY_LEVEL` when `va` is below `th`.
 */
export function validateAntibodyCertificate(payload: JsonValue): AntibodyFacts {
  if (payload === null || typeof payload !== 'object' || Array.isArray(payload)) {
    throw new Hc1Error('ERR_ANTIBODY_SCHEMA', 'expected the antibody certificate to be an object')
  }
  const version = payload['ver']
  if (typeof version !== 'string') {
    throw new Hc1Error(
      'ERR_ANTIBODY_VERSION',
      `expected the antibody certificate to name its schema version in "ver", but found ${version === undefined ? 'none' : JSON.stringify(version)}`,
    )
  }
  const schemaVersion = matchingVersion(version, antibodyValidators, antibodyVersionsNewestFirst)
  if (schemaVersion === undefined) {
    throw new Hc1Error(
      'ERR_ANTIBODY_VERSION',
      `expected an antibody certificate schema version of ${[...antibodyValidators.keys()].join(', ')}, but "ver" is ${JSON.stringify(version)}`,
    )
  }
  const validate = antibodyValidators.get(schemaVersion) as CompiledValidator
  if (!validate(payload)) {
    throw new Hc1Error(
      'ERR_ANTIBODY_SCHEMA',
      `expected the antibody certificate to follow schema healthcode-antibody-${schemaVersion} (docs/antibody-certificate.md), but ${firstProblem(validate)}`,
    )
  }
  // The schema has made `ab` one entry with numeric `va` and `th`; JSON Schema cannot compare them.
  const [entry] = payload['ab'] as { va: number; th: number }[]
  if (entry && entry.va < entry.th) {
    throw new Hc1Error(
      'ERR_ANTIBODY_LEVEL',
      `expected the antibody level at or above the threshold the certificate attests, but /ab/0/va is ${entry.va} and /ab/0/th is ${entry.th}`,
    )
  }
  return { schemaVersion }
}

/** The first error of a failed validation, as "<where> <what>". */
function firstProblem(validate: CompiledValidator): string {
  const first = validate.errors?.[0]
  const where = first?.instancePath ? first.instancePath : 'the payload'
  const params = first?.params
  const detail =
    params && 'allowedValues' in params
      ? ` (${JSON.stringify(params['allowedValues'])})`
      : params && 'additionalProperty' in params
        ? ` (${JSON.stringify(params['additionalProperty'])})`
        : ''
  return `${where} ${first?.message ?? 'does not'}${detail}`
}

/** The schema version a payload's `ver` is checked against, if any. */
export function schemaVersionFor(version: string): string | undefined {
  return matchingVersion(version, validators, versionsNewestFirst)
}

/** The schema a `ver` falls under: its own, or the newest of its minor version not newer than it. */
function matchingVersion(
  version: string,
  available: ReadonlyMap<string, CompiledValidator>,
  newestFirstVersions: readonly string[],
): string | undefined {
  if (!/^\d+\.\d+\.\d+$/.test(version)) return undefined
  if (available.has(version)) return version
  const [major, minor] = version.split('.')
  return newestFirstVersions.find((candidate) => {
    const [cMajor, cMinor] = candidate.split('.')
    return cMajor === major && cMinor === minor && compareVersions(candidate, version) <= 0
  })
}

function newestFirst(available: ReadonlyMap<string, CompiledValidator>): string[] {
  return [...available.keys()].sort(compareVersions).reverse()
}

function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number)
  const pb = b.split('.').map(Number)
  for (let i = 0; i < 3; i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0)
    if (d !== 0) return d
  }
  return 0
}
