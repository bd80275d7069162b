import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { HealthcodeError } from '../../src/codec/healthcode-error.js'
import { actorOf } from '../../src/domain/access/actor.js'
import type { Actor } from '../../src/domain/access/actor.js'
import type { Role } from '../../src/domain/access/roles.js'
import type { Clock } from '../../src/domain/clock.js'
import type { AuditEntry } from '../../src/domain/audit/audit-entry.js'
import { type PersonInput, newPersonFrom } from '../../src/domain/people/person-input.js'
import type { Person } from '../../src/domain/people/person.js'
import type { Store } from '../../src/domain/ports.js'
import type { Checkin, Venue } from '../../src/domain/venues/venue.js'
import type {
  RecoveryData,
  TestData,
  VaccinationData,
} from '../../src/domain/register/register-record.js'

/**
 * Factories for the domain services' unit tests: a clock the test moves, the issuer tree
 * (federal `ru` with the regions `ru-spb` and `ru-msk`), accounts as actors, and people.
 * Everything is written through the store's own repositories, as the services would find it.
 */

/** A clock fixed at `start` that only the test moves (never the wall clock). */
export interface TestClock {
  (): Date
  /** Sets the time. */
  set(iso: string): void
  /** Moves the time on by `ms`. */
  advance(ms: number): void
}

export const MINUTE = 60_000
export const DAY = 86_400_000

/** The key-encryption key of test stores and apps (tests only). */
export const TEST_KEK = '8f'.repeat(32)

export function testClock(start = '2026-11-23T09:00:00.000Z'): TestClock {
  let now = Date.parse(start)
  const clock = (() => new Date(now)) as TestClock
  clock.set = (iso) => (now = Date.parse(iso))
  clock.advance = (ms) => (now += ms)
  return clock
}

/** The federal issuer `ru` and its regions `ru-spb` and `ru-msk`. */
export async function makeIssuers(store: Store): Promise<void> {
  await store.transaction(async (tx) => {
    await tx.issuers.upsert({
      id: 'ru',
      name: 'Russian Federation',
      level: 'federal',
      country: 'RU',
      parentId: undefined,
    })
    for (const [id, name] of [
      ['ru-spb', 'St. Petersburg'],
      ['ru-msk', 'Moscow'],
    ] as const) {
      await tx.issuers.upsert({ id, name, level: 'region', country: 'RU', parentId: 'ru' })
    }
  })
}

let accounts = 0

/** A new account with the roles (staff of `issuerId`), as the actor it signs in as. */
export async function makeActor(
  store: Store,
  roles: readonly Role[],
  issuerId?: string,
  login = `${roles.join('+') || 'nobody'}-${++accounts}@test`,
): Promise<Actor> {
  const account = await store.transaction((tx) =>
    tx.accounts.create({
      login,
      displayName: login,
      passwordHash: undefined,
      roles: [...roles],
      issuerId,
      personId: undefined,
      oidcIssuer: undefined,
      oidcSubject: undefined,
    }),
  )
  return actorOf(account, 'token')
}

/** A poster check-in of `person-1` at `venue-1`, green, at `at` (ms) and recorded then. */
export function posterCheckin(id: string, at: number): Checkin {
  return {
    id,
    venueId: 'venue-1',
    personId: 'person-1',
    subject: undefined,
    method: 'poster',
    at: new Date(at).toISOString(),
    colour: 'green',
    entryAllowed: true,
    recordedAt: new Date(at).toISOString(),
  }
}

let documents = 0

/** A person's details as a registrar enters them; a new document number each call. */
export function personInput(overrides: Partial<PersonInput> = {}): PersonInput {
  documents++
  return {
    familyName: 'Кузнецова',
    givenName: 'Мария',
    birthDate: '1990-02-01',
    residency: 'resident',
    document: {
      type: 'national-id',
      number: `4099${String(100000 + documents)}`,
      country: 'RU',
    },
    ...overrides,
  }
}

/** A person registered by `issuerId` (no account). */
export async function makePerson(
  store: Store,
  issuerId: string,
  clock: Clock,
  overrides: Partial<PersonInput> = {},
): Promise<Person> {
  return store.transaction((tx) =>
    tx.people.create(newPersonFrom(personInput(overrides), issuerId, clock())),
  )
}

/** A person with a citizen account that holds their record; returns both. */
export async function makeCitizen(
  store: Store,
  issuerId: string,
  clock: Clock,
  overrides: Partial<PersonInput> = {},
): Promise<{ person: Person; actor: Actor }> {
  const person = await makePerson(store, issuerId, clock, overrides)
  const holder = await makeActor(store, ['citizen'])
  await store.transaction(async (tx) => {
    await tx.people.setAccount(person.id, holder.accountId)
    await tx.accounts.setPerson(holder.accountId, person.id)
  })
  return { person, actor: { ...holder, personId: person.id } }
}

/** The audit entries with this action, oldest first. */
export async function auditEntries(store: Store, action: string): Promise<AuditEntry[]> {
  const entries = await store.transaction((tx) => tx.audit.list({ limit: 100_000 }))
  return entries.filter((entry) => entry.action === action)
}

/** Asserts that `work` fails with a domain error of `code` (and `field`, when given). */
export async function rejectsWith(
  work: Promise<unknown>,
  code: string,
  field?: string,
): Promise<void> {
  await assert.rejects(work, (error: unknown) => {
    assert.ok(error instanceof HealthcodeError, `expected a HealthcodeError, got ${String(error)}`)
    assert.equal(error.code, code, error.message)
    if (field !== undefined) assert.equal(error.field, field, error.message)
    return true
  })
}

const COVID = '840539006'

/** A second dose of Sputnik V on 2026-06-01. */
export const vaccinationData: VaccinationData = {
  disease: COVID,
  vaccine: 'J07BX03',
  product: 'Sputnik-V',
  manufacturer: 'Gamaleya-Research-Institute',
  doseNumber: 2,
  totalDoses: 2,
  date: '2026-06-01',
  country: 'RU',
}

/** A negative PCR test sampled at `sampledAt`. */
export function negativeTestData(sampledAt: string): TestData {
  return {
    disease: COVID,
    testType: 'LP6464-4',
    name: 'RT-PCR SARS-CoV-2',
    sampledAt,
    result: '260415000',
    centre: 'City polyclinic No. 37',
    country: 'RU',
  }
}

/** A positive PCR test sampled at `sampledAt`. */
export function positiveTestData(sampledAt: string): TestData {
  return { ...negativeTestData(sampledAt), result: '260373001' }
}

/** A recovery after a first positive test on `firstPositive` (a day). */
export function recoveryData(firstPositive: string): RecoveryData {
  const day = Date.parse(`${firstPositive}T00:00:00Z`)
  return {
    disease: COVID,
    firstPositive,
    validFrom: new Date(day + 11 * DAY).toISOString().slice(0, 10),
    validUntil: new Date(day + 180 * DAY).toISOString().slice(0, 10),
    country: 'RU',
  }
}

/** A venue of `ru-spb` run by `operator`, stored as registering it would (an office by default). */
export async function makeVenue(
  store: Store,
  operator: Actor,
  createdAt: string,
  input: { name: string; district?: string; address?: string },
): Promise<Venue> {
  return store.transaction((tx) =>
    tx.venues.create({
      id: randomUUID(),
      name: input.name,
      category: 'office',
      address: input.address ?? `${input.name}, 1 Nevsky Prospect`,
      district: input.district ?? 'RU-SPE-ADM',
      companyId: undefined,
      issuerId: 'ru-spb',
      operatorAccountId: operator.accountId,
      posterSecret: 'secret',
      createdAt,
    }),
  )
}

/** A green visitor's poster check-in at `venue`, recorded at the time of the visit. */
export async function recordVisit(
  store: Store,
  personId: string,
  venue: Venue,
  when: string,
): Promise<void> {
  await store.transaction((tx) =>
    tx.checkins.insertNew([
      {
        id: randomUUID(),
        venueId: venue.id,
        personId,
        subject: undefined,
        method: 'poster',
        at: when,
        colour: 'green',
        entryAllowed: true,
        recordedAt: when,
      },
    ]),
  )
}
