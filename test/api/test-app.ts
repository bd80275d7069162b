import type { FastifyInstance, LightMyRequestResponse } from 'fastify'
import { build } from '../../src/api/app.js'
import type { OidcLogin } from '../../src/api/auth/oidc/index.js'
import { loadConfig, type Config } from '../../src/config/config.js'
import { actorOf } from '../../src/domain/access/actor.js'
import { ApiTokenService } from '../../src/domain/access/api-token-service.js'
import type { Actor } from '../../src/domain/access/actor.js'
import { hashPassword } from '../../src/domain/access/passwords.js'
import { type Role, roles } from '../../src/domain/access/roles.js'
import { KeyVault } from '../../src/domain/keys/key-vault.js'
import { SigningKeyService } from '../../src/domain/keys/signing-key-service.js'
import type { Account } from '../../src/domain/people/person.js'
import type { Store } from '../../src/domain/ports.js'
import { openStore } from '../../src/storage/open-store.js'
import { TEST_KEK, type TestClock, testClock } from '../support/domain-factories.js'
import { ReadReplica } from '../../src/storage/read-replica.js'

/**
 * The URL of a PostgreSQL test store (a schema of TEST_DATABASE_URL's database) on the read
 * replica of TEST_DATABASE_READ_URL: the same database and schema, the replica's host and port.
 * Undefined when the variable is unset or the store is not PostgreSQL.
 */
export function readReplicaUrl(primaryUrl: string): string | undefined {
  const replica = process.env['TEST_DATABASE_READ_URL']
  if (!replica || !/^postgres(ql)?:\/\//.test(primaryUrl)) return undefined
  const url = new URL(primaryUrl)
  const on = new URL(replica)
  url.hostname = on.hostname
  url.port = on.port
  return url.toString()
}

/** A clock the test moves by hand, and the key-encryption key of test apps. */
export { TEST_KEK, type TestClock, testClock }

/** The password every test account has. */
export const TEST_PASSWORD = 'correct horse battery'

/** One signed-in test account, with a bearer token ready to use. */
export interface TestUser {
  readonly account: Account
  readonly actor: Actor
  readonly token: string
}

export interface TestApp {
  readonly app: FastifyInstance
  readonly store: Store
  readonly clock: TestClock
  readonly config: Config
  /** A user per role, staff of `ru-spb` (the federal-level administrator is `federalAdmin`). */
  readonly users: Record<Role, TestUser>
  /** A clinician of another region (`ru-mow`), for issuer scoping. */
  readonly otherRegionClinician: TestUser
  readonly federalAdmin: TestUser
  /** A user per staff role in `ru-mow` (another region) and in `ru` (the federal level). */
  readonly moscow: Record<Role, TestUser>
  readonly federal: Record<Role, TestUser>
  /** A second commission member of `ru-spb`, who decides appeals. */
  readonly secondCommissionMember: TestUser
  /** The read replica dashboards and lists read through, when the app was built with one. */
  readonly readReplica: ReadReplica | undefined
  /** Sends a request with a user's bearer token (or none). */
  request(
    user: TestUser | undefined,
    method: string,
    url: string,
    body?: unknown,
  ): Promise<LightMyRequestResponse>
  close(): Promise<void>
}

const staffIssuer: Partial<Record<Role, string>> = {
  clinician: 'ru-spb',
  commission_member: 'ru-spb',
  health_authority: 'ru-spb',
  administrator: 'ru-spb',
  venue_operator: 'ru-spb',
  company_admin: 'ru-spb',
}

/**
 * Builds the app on a real store at `url` with issuers `ru` (federal), `ru-spb` and `ru-mow`, and
 * one account per role, each with an API token.
 */
export async function testApp(
  url: string,
  options: {
    env?: Record<string, string>
    oidc?: () => Promise<OidcLogin>
    /** Make the CSCA and a document signer per issuer (default true). */
    keys?: boolean
    /**
     * Read dashboards and public lists through the read replica of TEST_DATABASE_READ_URL, when
     * it is set and the store is PostgreSQL (see {@link readReplicaUrl}). Each write request then
     * waits until the replica has replayed it, so that other callers' reads see it.
     */
    readReplica?: boolean
  } = {},
): Promise<TestApp> {
  const clock = testClock()
  const config = loadConfig({
    LOG_LEVEL: 'silent',
    SIGN_IN_RATE_LIMIT: '1000',
    KEY_ENCRYPTION_KEY: TEST_KEK,
    ...options.env,
  })
  const store = await openStore(url)
  const apiTokens = new ApiTokenService(store, clock)
  const passwordHash = await hashPassword(TEST_PASSWORD)
  await store.transaction(async (tx) => {
    await tx.issuers.upsert({
      id: 'ru',
      name: 'Russian Federation',
      level: 'federal',
      country: 'RU',
      parentId: undefined,
    })
    await tx.issuers.upsert({
      id: 'ru-spb',
      name: 'St. Petersburg',
      level: 'region',
      country: 'RU',
      parentId: 'ru',
    })
    await tx.issuers.upsert({
      id: 'ru-mow',
      name: 'Moscow',
      level: 'region',
      country: 'RU',
      parentId: 'ru',
    })
  })
  const makeUser = async (
    login: string,
    role: Role,
    issuerId: string | undefined,
  ): Promise<TestUser> => {
    const account = await store.transaction((tx) =>
      tx.accounts.create({
        login,
        displayName: login,
        passwordHash,
        roles: [role],
        issuerId,
        personId: undefined,
        oidcIssuer: undefined,
        oidcSubject: undefined,
      }),
    )
    const actor = actorOf(account, 'token')
    const { secret } = await apiTokens.create(actor, `${role} test token`)
    return { account, actor, token: secret }
  }
  const users = {} as Record<Role, TestUser>
  for (const role of roles) users[role] = await makeUser(`${role}@test`, role, staffIssuer[role])
  const otherRegionClinician = await makeUser('clinician@mow.test', 'clinician', 'ru-mow')
  const federalAdmin = await makeUser('admin@ru.test', 'administrator', 'ru')
  const secondCommissionMember = await makeUser('commission2@test', 'commission_member', 'ru-spb')
  const moscow = {} as Record<Role, TestUser>
  const federal = {} as Record<Role, TestUser>
  for (const role of roles) {
    const staff = staffIssuer[role] !== undefined
    moscow[role] =
      role === 'clinician'
        ? otherRegionClinician
        : await makeUser(`${role}@mow.test`, role, staff ? 'ru-mow' : undefined)
    federal[role] =
      role === 'administrator'
        ? federalAdmin
        : await makeUser(`${role}@ru.test`, role, staff ? 'ru' : undefined)
  }
  if (options.keys !== false && config.keyEncryptionKey !== undefined) {
    const keys = new SigningKeyService(store, clock, KeyVault.fromText(config.keyEncryptionKey))
    await keys.ensureKeys(undefined, ['ru', 'ru-spb', 'ru-mow'])
  }
  const replicaUrl = options.readReplica ? readReplicaUrl(url) : undefined
  const readReplica =
    replicaUrl === undefined
      ? undefined
      : await ReadReplica.open(store, url, replicaUrl, {
          clock: () => new Date(),
          maxLagBytes: config.readReplicaMaxLagBytes,
          checkMs: 200,
        })
  if (readReplica && !(await readReplica.caughtUp(10_000))) {
    throw new Error('the read replica did not catch up with the test store in 10 s')
  }
  const app = await build({
    config,
    store,
    clock,
    logger: false,
    oidc: options.oidc,
    ...(readReplica ? { readReplica } : {}),
  })
  return {
    app,
    store,
    clock,
    config,
    users,
    otherRegionClinician,
    federalAdmin,
    secondCommissionMember,
    moscow,
    federal,
    readReplica,
    request: async (user, method, requestUrl, body) => {
      const answer = await app.inject({
        method: method as 'GET',
        url: requestUrl,
        headers: user ? { authorization: `Bearer ${user.token}` } : {},
        ...(body === undefined ? {} : { payload: body as Record<string, unknown> }),
      })
      if (readReplica && method !== 'GET') await readReplica.caughtUp(10_000)
      return answer
    },
    close: async () => {
      await app.close()
      await readReplica?.close()
      await store.close()
    },
  }
}

/** A valid person as staff register one. */
export function personBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    familyName: 'Петров',
    givenName: 'Иван',
    birthDate: '1985-03-14',
    residency: 'resident',
    document: { type: 'national-id', number: '4012 345678', country: 'RU' },
    language: 'ru',
    ...overrides,
  }
}
