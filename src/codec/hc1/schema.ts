import type { JsonValue } from './cbor.js'
import { HEALTHCODE_STATUS_MAX_LIFETIME } from './cwt.js'
import { Hc1Error } from './errors.js'
import type { DccType } from './key-usage.js'
import {
  antibodySchemaValidators,
  dccSchemaValidators,
  statusSchemaValidators,
} from './schemas/validators.generated.js'

/** A schema validator compiled ahead of time by Ajv (`scripts/generate-schema-validators.js`). */
interface CompiledValidator {
  (data: unknown): boolean
  errors?:
    | {
        instancePath: string
        schemaPath?: string
        message?: string
        params: Record<string, unknown>
      }[]
    | null
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

/**
 * Every Healthcode health-code token schema (`schemas/healthcode-status-<version>.json`; not an EU
 * DCC, see `docs/health-code-token.md`), compiled, by version.
 */
const statusValidators = statusSchemaValidators as ReadonlyMap<string, CompiledValidator>
const statusVersionsNewestFirst = newestFirst(statusValidators)

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

/** What the schema step learns of a valid health-code token. */
export interface StatusTokenFacts {
  /** The health-code token schema version the payload was checked against. */
  readonly schemaVersion: string
}

/**
 * Validates a Healthcode health-code token payload (not an EU DCC; `docs/health-code-token.md`)
 * against the schema of its `ver` (`schemas/healthcode-status-<version>.json`): an opaque `sub`, a
 * colour `col` of green, yellow or red, a masked name, a birth date, the ruleset version `rsv`, and
 * `gon` only on a code that is not green; no field it does not name. A `ver` without a schema of
 * its own falls under the newest schema of the same minor version not newer than it, as for the
 * DCC. The token's lifetime is a matter of its CWT claims: see {@link checkStatusTokenLifetime}.
 *
 * @throws {Hc1Error} `ERR_STATUS_VERSION` for a missing or unsupported `ver`, `ERR_STATUS_SCHEMA`
 *   when the payload does not follow the schema.
 */
export function validateStatusToken(payload: JsonValue): StatusTokenFacts {
  if (payload === null || typeof payload !== 'object' || Array.isArray(payload)) {
    throw new Hc1Error('ERR_STATUS_SCHEMA', 'expected the health-code token to be an object')
  }
  const version = payload['ver']
  if (typeof version !== 'string') {
    throw new Hc1Error(
      'ERR_STATUS_VERSION',
      `expected the health-code token to name its schema version in "ver", but found ${version === undefined ? 'none' : JSON.stringify(version)}`,
    )
  }
  const schemaVersion = matchingVersion(version, statusValidators, statusVersionsNewestFirst)
  if (schemaVersion === undefined) {
    throw new Hc1Error(
      'ERR_STATUS_VERSION',
      `expected a health-code token schema version of ${[...statusValidators.keys()].join(', ')}, but "ver" is ${JSON.stringify(version)}`,
    )
  }
  const validate = statusValidators.get(schemaVersion) as CompiledValidator
  if (!validate(payload)) {
    // The schema ties `gon` to a colour that is not green; say so, rather than only that /col
    // must be yellow or red.
    const problem = validate.errors?.[0]?.schemaPath?.startsWith('#/dependentSchemas/gon/')
      ? `"gon" (the date to turn green) is only for a yellow or red code, and "col" is ${JSON.stringify(payload['col'])}`
      : firstProblem(validate)
    throw new Hc1Error(
      'ERR_STATUS_SCHEMA',
      `expected the health-code token to follow schema healthcode-status-${schemaVersion} (docs/health-code-token.md), but ${problem}`,
    )
  }
  return { schemaVersion }
}

/**
 * Checks that a health-code token is short-lived (`docs/health-code-token.md`): its CWT carries
 * both `iat` (6) and `exp` (4), and `exp` is after `iat` by at most
 * {@link HEALTHCODE_STATUS_MAX_LIFETIME} seconds. Whether it has expired is the validity check's
 * business, against the verifier's clock.
 *
 * @param issuedAt - the CWT `iat`, in seconds since the epoch
 * @param expiresAt - the CWT `exp`, in seconds since the epoch
 * @throws {Hc1Error} `ERR_STATUS_LIFETIME` when either claim is missing, or the lifetime is not
 *   positive or longer than allowed.
 */
export function checkStatusTokenLifetime(
  issuedAt: number | undefined,
  expiresAt: number | undefined,
): void {
  if (issuedAt === undefined || expiresAt === undefined) {
    const missing = [issuedAt === undefined && 'iat (6)', expiresAt === undefined && 'exp (4)']
      .filter(Boolean)
      .join(' and ')
    throw new Hc1Error(
      'ERR_STATUS_LIFETIME',
      `expected a health-code token to carry the CWT claims iat (6) and exp (4) (docs/health-code-token.md), but it has no ${missing}`,
    )
  }
  const lifetime = expiresAt - issuedAt
  if (!(lifetime > 0) || lifetime > HEALTHCODE_STATUS_MAX_LIFETIME) {
    throw new Hc1Error(
      'ERR_STATUS_LIFETIME',
      `expected a health-code token to expire after it was issued, within ${HEALTHCODE_STATUS_MAX_LIFETIME} seconds (docs/health-code-token.md), but exp - iat is ${lifetime} seconds`,
    )
  }
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
