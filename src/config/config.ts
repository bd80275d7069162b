import { isAbsolute, resolve } from 'node:path'
import {
  type CertificatePolicy,
  defaultCertificatePolicy,
} from '../domain/certificates/certificate-policy.js'
import {
  type AttachmentLimits,
  defaultAttachmentLimits,
} from '../domain/commission/attachment-check.js'
import { KeyVault } from '../domain/keys/key-vault.js'
import {
  type PostgresTimeouts,
  defaultPostgresTimeouts,
} from '../storage/dialects/postgres-timeouts.js'
import { type AbuseLimits, defaultAbuseLimits } from '../domain/limits/abuse-limits.js'
import { HealthcodeError } from '../codec/healthcode-error.js'

/** The configuration of a Healthcode server, from environment variables with validated defaults. */
export interface Config {
  /** `PORT`, default 8080. */
  readonly port: number
  /** `HOST`, default 0.0.0.0. */
  readonly host: string
  /** `DATABASE_URL`: `postgres://…` or a SQLite file; default `./data/healthcode.sqlite`. */
  readonly databaseUrl: string
  /**
   * `DATABASE_READ_URL`: a PostgreSQL read replica of `DATABASE_URL` for dashboards, public lists
   * and exports; unset, everything reads from the primary.
   */
  readonly databaseReadUrl: string | undefined
  /**
   * `READ_REPLICA_MAX_LAG_BYTES`: how far behind the primary (bytes of WAL) the replica may replay
   * and still be read (16 MiB); past it, or when it does not answer, reads go to the primary.
   */
  readonly readReplicaMaxLagBytes: number
  /**
   * `READ_PRIMARY_AFTER_WRITE_SECONDS`: after a caller writes, their reads go to the primary for
   * this long (10), so that they read what they just wrote.
   */
  readonly readPrimaryAfterWriteSeconds: number
  /**
   * `REDIS_URL`: when set, the limit counters live in Redis and change notices travel by Redis
   * pub/sub; unset, both go through the database.
   */
  readonly redisUrl: string | undefined
  /**
   * How often the periodic jobs run, in seconds: `JOB_RETENTION_SECONDS` (3600, check-ins past
   * retention), `JOB_REASSESS_SECONDS` (60, colours due to change by time) and
   * `JOB_LIMIT_CLEANUP_SECONDS` (600, expired limit counters). Each runs once per period across
   * every server process on the store.
   */
  readonly jobs: {
    readonly retentionSeconds: number
    readonly reassessSeconds: number
    readonly limitCleanupSeconds: number
  }
  /** `PUBLIC_URL`: where people reach the server; default `http://localhost:PORT`. */
  readonly publicUrl: string
  /** `WEB_ROOT`: the folder of the built web app; default the package's `dist/web`. */
  readonly webRoot: string | undefined
  /** `LOG_LEVEL`: fatal, error, warn, info, debug, trace or silent; default info. */
  readonly logLevel: string
  /** `SESSION_TTL_HOURS`, default 12. */
  readonly sessionTtlHours: number
  /** `BODY_LIMIT_BYTES`: the largest request body, default 1 MiB. */
  readonly bodyLimit: number
  /** `SIGN_IN_RATE_LIMIT`: sign-in attempts per minute per client address, default 10. */
  readonly signInRateLimit: number
  /** `COOKIE_SECRET`: signs the OIDC login cookie; default: derived per process (logins in flight do not survive a restart). */
  readonly cookieSecret: string | undefined
  /** `OIDC_ISSUER`, `OIDC_CLIENT_ID`, `OIDC_CLIENT_SECRET`: the identity provider, if any. */
  readonly oidc:
    | { readonly issuerUrl: string; readonly clientId: string; readonly clientSecret: string }
    | undefined
  /** `DEMO`: load the demo data set into an empty store (`true`/`false`), default false. */
  readonly demo: boolean
  /**
   * `KEY_ENCRYPTION_KEY`: 64 hex digits or base64 of 32 bytes; seals the signing keys at rest.
   * Without it the server verifies but cannot sign (with `DEMO`, a demo key is kept under `./data`).
   */
  readonly keyEncryptionKey: string | undefined
  /** Certificate lifetimes and the positive-test rule (`CERT_*`, `SUSPEND_ON_POSITIVE_TEST`). */
  readonly certificates: CertificatePolicy
  /** `COMMISSION_DECISION_DAYS`: days a request may wait for a decision before it is overdue (5). */
  readonly commissionDecisionDays: number
  /** `ATTACHMENT_MAX_BYTES` (5 MiB) and `ATTACHMENT_MAX_COUNT` (5): evidence files per request. */
  readonly attachments: AttachmentLimits
  /** `VERIFY_RATE_LIMIT`: `POST /api/v1/verify` calls per minute per client address (600). */
  readonly verifyRateLimit: number
  /** `HEALTH_CODE_TOKEN_MINUTES`: how long a dynamic health code stays valid (5; at most 60). */
  readonly healthCodeTokenMinutes: number
  /** `CHECKIN_RETENTION_DAYS`: check-ins older than this are deleted (28). */
  readonly checkinRetentionDays: number
  /** `TRACING_DWELL_MINUTES` (120) and `TRACING_MARGIN_MINUTES` (30): how visits overlap. */
  readonly tracing: { readonly dwellMinutes: number; readonly marginMinutes: number }
  /** `VALIDITY_RULESET`: the validity rule set doors and `POST /api/v1/verify` use (`ru-default`). */
  readonly validityRuleSet: string
  /**
   * `ISSUER_COUNTRY`: the deployment's country, ISO 3166-1 alpha-2 (`RU`): the country validity
   * rules judge arrivals for when a rule set does not name one.
   */
  readonly issuerCountry: string
  /** `TRUST_CACHE_SECONDS`: how long verifiers keep the trust and revocation lists (30). */
  readonly trustCacheSeconds: number
  /**
   * `OFFLINE_SCAN_MAX_AGE`: how far back a door scan queued offline may say it was shown, in
   * minutes (`12h`: 720). Written `12h`, `90m` or a number of minutes.
   */
  readonly offlineScanMaxAgeMinutes: number
  /**
   * PostgreSQL limits in milliseconds, 0 for none: `DATABASE_STATEMENT_TIMEOUT_MS` (4000; the
   * client gives up a second later), `DATABASE_CONNECT_TIMEOUT_MS` (3000) and
   * `DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS` (10000).
   */
  readonly databaseTimeouts: PostgresTimeouts
  /** Sign-in lockout, claim lockout and per-person quotas (`SIGN_IN_ACCOUNT_LIMIT`, `QUOTA_*`…). */
  readonly limits: AbuseLimits
  /**
   * `TRUST_PROXY`: whether `X-Forwarded-For` names the client (for the per-address limits): false
   * (default), true (any proxy), a hop count, or a comma-separated list of proxy addresses/CIDRs;
   * given to Fastify's `trustProxy`.
   */
  readonly trustProxy: boolean | number | string[]
}

/** A configuration value that is missing or malformed. */
export class ConfigError extends HealthcodeError<'ERR_CONFIG'> {
  override readonly name = 'ConfigError'

  constructor(message: string, options?: { cause?: unknown }) {
    super('ERR_CONFIG', message, options)
  }
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']

/**
 * Reads the configuration from an environment.
 *
 * @throws {ConfigError} naming the variable, what it expects and what it found.
 */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const port = integer(env, 'PORT', 8080, 0, 65535)
  const oidcIssuer = env['OIDC_ISSUER']
  let oidc: Config['oidc']
  if (oidcIssuer) {
    const clientId = env['OIDC_CLIENT_ID']
    const clientSecret = env['OIDC_CLIENT_SECRET']
    if (!clientId || !clientSecret) {
      throw new ConfigError(
        'OIDC_ISSUER is set: expected OIDC_CLIENT_ID and OIDC_CLIENT_SECRET too',
      )
    }
    url('OIDC_ISSUER', oidcIssuer)
    oidc = { issuerUrl: oidcIssuer, clientId, clientSecret }
  }
  const logLevel = env['LOG_LEVEL'] ?? 'info'
  if (!LOG_LEVELS.includes(logLevel)) {
    throw new ConfigError(
      `LOG_LEVEL: expected one of ${LOG_LEVELS.join(', ')}, but found ${JSON.stringify(logLevel)}`,
    )
  }
  const keyEncryptionKey = env['KEY_ENCRYPTION_KEY'] || undefined
  if (keyEncryptionKey !== undefined) {
    try {
      KeyVault.fromText(keyEncryptionKey)
    } catch (error) {
      throw new ConfigError(`KEY_ENCRYPTION_KEY: ${(error as Error).message}`)
    }
  }
  const publicUrl = env['PUBLIC_URL'] ?? `http://localhost:${port}`
  url('PUBLIC_URL', publicUrl)
  return {
    port,
    host: env['HOST'] ?? '0.0.0.0',
    databaseUrl: databaseUrl(env['DATABASE_URL']),
    publicUrl: publicUrl.replace(/\/$/, ''),
    webRoot: env['WEB_ROOT'] || undefined,
    logLevel,
    sessionTtlHours: integer(env, 'SESSION_TTL_HOURS', 12, 1, 24 * 30),
    bodyLimit: integer(env, 'BODY_LIMIT_BYTES', 1024 * 1024, 1024, 64 * 1024 * 1024),
    signInRateLimit: integer(env, 'SIGN_IN_RATE_LIMIT', 10, 1, 10_000),
    cookieSecret: env['COOKIE_SECRET'],
    oidc,
    demo: boolean(env, 'DEMO', false),
    keyEncryptionKey,
    certificates: {
      vaccinationValidityDays: integer(
        env,
        'CERT_VACCINATION_DAYS',
        defaultCertificatePolicy.vaccinationValidityDays,
        1,
        3650,
      ),
      testValidityHours: integer(
        env,
        'CERT_TEST_HOURS',
        defaultCertificatePolicy.testValidityHours,
        1,
        24 * 30,
      ),
      antibodyValidityDays: integer(
        env,
        'CERT_ANTIBODY_DAYS',
        defaultCertificatePolicy.antibodyValidityDays,
        1,
        3650,
      ),
      recoveryValidFromDays: integer(
        env,
        'CERT_RECOVERY_FROM_DAYS',
        defaultCertificatePolicy.recoveryValidFromDays,
        0,
        365,
      ),
      recoveryValidityDays: integer(
        env,
        'CERT_RECOVERY_DAYS',
        defaultCertificatePolicy.recoveryValidityDays,
        1,
        3650,
      ),
      suspendOnPositiveTest: boolean(
        env,
        'SUSPEND_ON_POSITIVE_TEST',
        defaultCertificatePolicy.suspendOnPositiveTest,
      ),
    },
    commissionDecisionDays: integer(env, 'COMMISSION_DECISION_DAYS', 5, 1, 365),
    attachments: {
      maxBytes: integer(
        env,
        'ATTACHMENT_MAX_BYTES',
        defaultAttachmentLimits.maxBytes,
        1024,
        32 * 1024 * 1024,
      ),
      maxCount: integer(env, 'ATTACHMENT_MAX_COUNT', defaultAttachmentLimits.maxCount, 1, 20),
    },
    verifyRateLimit: integer(env, 'VERIFY_RATE_LIMIT', 600, 1, 1_000_000),
    healthCodeTokenMinutes: integer(env, 'HEALTH_CODE_TOKEN_MINUTES', 5, 1, 60),
    checkinRetentionDays: integer(env, 'CHECKIN_RETENTION_DAYS', 28, 1, 3650),
    tracing: {
      dwellMinutes: integer(env, 'TRACING_DWELL_MINUTES', 120, 1, 24 * 60),
      marginMinutes: integer(env, 'TRACING_MARGIN_MINUTES', 30, 0, 24 * 60),
    },
    validityRuleSet: env['VALIDITY_RULESET'] || 'ru-default',
    issuerCountry: countryCode(env['ISSUER_COUNTRY']),
    trustCacheSeconds: integer(env, 'TRUST_CACHE_SECONDS', 30, 0, 86_400),
    databaseReadUrl: readReplicaUrl(env['DATABASE_READ_URL']),
    readReplicaMaxLagBytes: integer(
      env,
      'READ_REPLICA_MAX_LAG_BYTES',
      16 * 1024 * 1024,
      0,
      2 ** 40,
    ),
    readPrimaryAfterWriteSeconds: integer(env, 'READ_PRIMARY_AFTER_WRITE_SECONDS', 10, 0, 3600),
    redisUrl: redisUrl(env['REDIS_URL']),
    jobs: {
      retentionSeconds: integer(env, 'JOB_RETENTION_SECONDS', 3600, 1, 86_400),
      reassessSeconds: integer(env, 'JOB_REASSESS_SECONDS', 60, 1, 86_400),
      limitCleanupSeconds: integer(env, 'JOB_LIMIT_CLEANUP_SECONDS', 600, 1, 86_400),
    },
    offlineScanMaxAgeMinutes: minutes(env, 'OFFLINE_SCAN_MAX_AGE', 12 * 60, 1, 7 * 24 * 60),
    databaseTimeouts: {
      statementMs: integer(
        env,
        'DATABASE_STATEMENT_TIMEOUT_MS',
        defaultPostgresTimeouts.statementMs,
        0,
        3_600_000,
      ),
      connectMs: integer(
        env,
        'DATABASE_CONNECT_TIMEOUT_MS',
        defaultPostgresTimeouts.connectMs,
        0,
        600_000,
      ),
      idleInTransactionMs: integer(
        env,
        'DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS',
        defaultPostgresTimeouts.idleInTransactionMs,
        0,
        3_600_000,
      ),
    },
    limits: abuseLimits(env),
    trustProxy: trustProxy(env['TRUST_PROXY']),
  }
}

/** A duration in whole minutes, written `12h`, `90m` or `90` (minutes). */
function minutes(
  env: Record<string, string | undefined>,
  name: string,
  fallback: number,
  min: number,
  max: number,
): number {
  const text = env[name]
  if (text === undefined || text === '') return fallback
  const match = /^(\d{1,6})(h|m)?$/.exec(text.trim())
  const value = match ? Number(match[1]) * (match[2] === 'h' ? 60 : 1) : Number.NaN
  if (!(value >= min && value <= max)) {
    throw new ConfigError(
      `${name}: expected a duration such as 12h or 90m (minutes when no unit is given) from ${min} minute to ${max / 60} hours, but found ${JSON.stringify(text)}`,
    )
  }
  return value
}

function abuseLimits(env: Record<string, string | undefined>): AbuseLimits {
  const d = defaultAbuseLimits
  return {
    signInAccountFailures: integer(env, 'SIGN_IN_ACCOUNT_LIMIT', d.signInAccountFailures, 1, 1000),
    signInLockMinutes: integer(env, 'SIGN_IN_LOCK_MINUTES', d.signInLockMinutes, 1, 24 * 60),
    claimFailures: integer(env, 'CLAIM_ATTEMPT_LIMIT', d.claimFailures, 1, 100),
    claimLockMinutes: integer(env, 'CLAIM_LOCK_MINUTES', d.claimLockMinutes, 1, 24 * 60),
    openRequests: integer(env, 'QUOTA_OPEN_REQUESTS', d.openRequests, 1, 1000),
    evidenceBytesPerDay: integer(
      env,
      'QUOTA_EVIDENCE_BYTES_PER_DAY',
      d.evidenceBytesPerDay,
      1024,
      1024 ** 4,
    ),
    checkinsPerMinute: integer(env, 'QUOTA_CHECKINS_PER_MINUTE', d.checkinsPerMinute, 1, 100_000),
  }
}

function trustProxy(text: string | undefined): boolean | number | string[] {
  if (text === undefined || text.trim() === '') return false
  const value = text.trim()
  if (['0', 'false', 'no'].includes(value.toLowerCase())) return false
  if (['true', 'yes'].includes(value.toLowerCase())) return true
  if (/^\d+$/.test(value)) {
    const hops = Number(value)
    if (hops > 0 && hops <= 100) return hops
  }
  const addresses = value.split(',').map((part) => part.trim())
  if (
    addresses.every((address) => /^[0-9A-Fa-f:.]+(\/\d{1,3})?$/.test(address) && address.length > 1)
  ) {
    return addresses
  }
  throw new ConfigError(
    `TRUST_PROXY: expected true, false, a hop count from 1 to 100, or a comma-separated list of proxy addresses, but found ${JSON.stringify(text)}`,
  )
}

function countryCode(text: string | undefined): string {
  if (text === undefined || text === '') return 'RU'
  if (!/^[A-Z]{2}$/.test(text)) {
    throw new ConfigError(
      `ISSUER_COUNTRY: expected an ISO 3166-1 alpha-2 country code such as RU or CN, but got ${JSON.stringify(text)}`,
    )
  }
  return text
}

function integer(
  env: Record<string, string | undefined>,
  name: string,
  fallback: number,
  min: number,
  max: number,
): number {
  const text = env[name]
  if (text === undefined || text === '') return fallback
  const value = Number(text)
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(
      `${name}: expected a whole number from ${min} to ${max}, but found ${JSON.stringify(text)}`,
    )
  }
  return value
}

function boolean(
  env: Record<string, string | undefined>,
  name: string,
  fallback: boolean,
): boolean {
  const text = env[name]
  if (text === undefined || text === '') return fallback
  if (['1', 'true', 'yes'].includes(text.toLowerCase())) return true
  if (['0', 'false', 'no'].includes(text.toLowerCase())) return false
  throw new ConfigError(`${name}: expected true or false, but found ${JSON.stringify(text)}`)
}

function url(name: string, text: string): void {
  try {
    const parsed = new URL(text)
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new Error()
  } catch {
    throw new ConfigError(`${name}: expected an http(s) URL, but found ${JSON.stringify(text)}`)
  }
}

function readReplicaUrl(text: string | undefined): string | undefined {
  if (text === undefined || text === '') return undefined
  if (!/^postgres(ql)?:\/\//.test(text)) {
    throw new ConfigError(
      `DATABASE_READ_URL: expected a postgres:// URL of a read replica, but found ${JSON.stringify(text.split('://')[0])}`,
    )
  }
  return text
}

function redisUrl(text: string | undefined): string | undefined {
  if (text === undefined || text === '') return undefined
  if (!/^rediss?:\/\//.test(text)) {
    throw new ConfigError(
      `REDIS_URL: expected a redis:// or rediss:// URL, but found ${JSON.stringify(text.split('://')[0])}`,
    )
  }
  return text
}

function databaseUrl(text: string | undefined): string {
  if (text === undefined || text === '') return resolve('data', 'healthcode.sqlite')
  if (/^postgres(ql)?:\/\//.test(text)) return text
  const path = text.replace(/^(sqlite|file):/, '')
  return isAbsolute(path) ? path : resolve(path)
}
