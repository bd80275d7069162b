import { actorOf } from '../domain/access/account-service.js'
import { hashPassword } from '../domain/access/passwords.js'
import type { Role } from '../domain/access/roles.js'
import type { Clock } from '../domain/clock.js'
import type { KeyVault } from '../domain/keys/key-vault.js'
import { generateClaimCode, hashClaimCode } from '../domain/people/claim-code.js'
import { newPersonFrom, storeClaimCode } from '../domain/people/people-service.js'
import type { Store } from '../domain/ports.js'
import type { CommissionService } from '../domain/commission/commission-service.js'
import type { RegisterService } from '../domain/register/register-service.js'

/** One demo sign-in, printed at start. */
export interface DemoSignIn {
  readonly login: string
  readonly password: string
  readonly roles: readonly Role[]
  readonly issuerId: string | undefined
}

const staff: readonly {
  login: string
  displayName: string
  roles: Role[]
  issuerId: string | undefined
}[] = [
  {
    login: 'admin@spb.demo',
    displayName: 'Administrator, St. Petersburg',
    roles: ['administrator'],
    issuerId: 'ru-spb',
  },
  {
    login: 'clinician@spb.demo',
    displayName: 'Dr. Irina Sokolova',
    roles: ['clinician'],
    issuerId: 'ru-spb',
  },
  {
    login: 'commission@spb.demo',
    displayName: 'Dr. Pavel Orlov',
    roles: ['commission_member'],
    issuerId: 'ru-spb',
  },
  {
    login: 'commission2@spb.demo',
    displayName: 'Dr. Anna Belova',
    roles: ['commission_member'],
    issuerId: 'ru-spb',
  },
  {
    login: 'authority@spb.demo',
    displayName: 'St. Petersburg health committee',
    roles: ['health_authority'],
    issuerId: 'ru-spb',
  },
  {
    login: 'federal-admin@ru.demo',
    displayName: 'Administrator, federal register',
    roles: ['administrator'],
    issuerId: 'ru',
  },
  {
    login: 'venue@spb.demo',
    displayName: 'Mariinsky Theatre door staff',
    roles: ['venue_operator'],
    issuerId: undefined,
  },
  {
    login: 'company@spb.demo',
    displayName: 'Nevsky Works HR',
    roles: ['company_admin'],
    issuerId: undefined,
  },
  {
    login: 'citizen@spb.demo',
    displayName: 'Ivan Petrov',
    roles: ['citizen'],
    issuerId: undefined,
  },
]

/**
 * The claim code of the demo citizen's record (Ivan Petrov, national ID 4012 345678, RU, born
 * 1985-03-14), as if printed on his registration slip: fixed, so the README and the browser
 * suites can give it.
 */
export const demoClaimCode = 'GREEN-CHECK'

/** The demo password of a demo login: `demo-` and the part before the @, e.g. `demo-clinician`. */
export function demoPassword(login: string): string {
  return `demo-${login.split('@')[0]}-2026`
}

/**
 * Loads the demo data set into an empty store: the federal issuer and St. Petersburg under it,
 * staff of every role, a citizen account, and a few people (one of them the citizen's, unclaimed).
 *
 * @returns the sign-ins, or undefined when the store already holds data (nothing is changed).
 */
export async function loadDemoData(
  store: Store,
  clock: Clock,
  /** Seals the demo claim code so that the clinic can print it; without it, it is not printed. */
  vault?: KeyVault,
): Promise<DemoSignIn[] | undefined> {
  // Checked before hashing: a restart of a demo store should not pay for nine scrypt hashes.
  if ((await store.transaction((tx) => tx.issuers.list())).length > 0) return undefined
  const hashes = new Map<string, string>()
  for (const account of staff)
    hashes.set(account.login, await hashPassword(demoPassword(account.login)))
  const claimCodeHash = await hashClaimCode(demoClaimCode)
  // The other records get codes no one knows (clinic staff issue new ones to print).
  const otherCodes = await Promise.all(
    [1, 2, 3].map(async () => {
      const code = generateClaimCode()
      return { code, hash: await hashClaimCode(code) }
    }),
  )
  return store.transaction(async (tx) => {
    if ((await tx.issuers.list()).length > 0) return undefined
    const at = clock().toISOString()
    await tx.issuers.upsert({
      id: 'ru',
      name: 'Russian Federation (federal register)',
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
    await tx.audit.append(
      {
        actorAccountId: undefined,
        action: 'demo.load',
        entityType: 'issuer',
        entityId: 'ru-spb',
        reason: 'demo data set',
        data: { issuers: ['ru', 'ru-spb'] },
      },
      at,
    )
    for (const account of staff) {
      const created = await tx.accounts.create({
        login: account.login,
        displayName: account.displayName,
        passwordHash: hashes.get(account.login),
        roles: account.roles,
        issuerId: account.issuerId,
        personId: undefined,
        oidcIssuer: undefined,
        oidcSubject: undefined,
      })
      await tx.audit.append(
        {
          actorAccountId: undefined,
          action: 'account.create',
          entityType: 'account',
          entityId: created.id,
          reason: 'demo data set',
          data: { login: created.login, roles: created.roles },
        },
        at,
      )
    }
    const people = [
      {
        familyName: 'Петров',
        givenName: 'Иван',
        birthDate: '1985-03-14',
        residency: 'resident' as const,
        document: { type: 'national-id' as const, number: '4012 345678', country: 'RU' },
        language: 'ru' as const,
      },
      {
        familyName: 'Смирнова',
        givenName: 'Ольга',
        birthDate: '1962-11-02',
        residency: 'resident' as const,
        document: { type: 'national-id' as const, number: '4005 112233', country: 'RU' },
        language: 'ru' as const,
      },
      {
        familyName: 'Müller',
        givenName: 'Jürgen',
        birthDate: '1979-07-21',
        residency: 'foreigner' as const,
        document: { type: 'passport' as const, number: 'C01X00T47', country: 'DE' },
        language: 'en' as const,
      },
      {
        familyName: '王',
        givenName: '芳',
        familyNameIcao: 'WANG',
        givenNameIcao: 'FANG',
        birthDate: '1990-01-30',
        residency: 'foreigner' as const,
        document: { type: 'passport' as const, number: 'E12345678', country: 'CN' },
        language: 'zh' as const,
      },
    ]
    for (const input of people) {
      const person = await tx.people.create(newPersonFrom(input, 'ru-spb', clock()))
      const { code, hash } =
        input.familyName === 'Петров'
          ? { code: demoClaimCode, hash: claimCodeHash }
          : (otherCodes.pop() ?? { code: demoClaimCode, hash: claimCodeHash })
      await storeClaimCode(tx, person.id, code, hash, undefined, at, vault)
      await tx.audit.append(
        {
          actorAccountId: undefined,
          action: 'person.create',
          entityType: 'person',
          entityId: person.id,
          reason: 'demo data set',
          data: person,
        },
        at,
      )
    }
    return staff.map((account) => ({
      login: account.login,
      password: demoPassword(account.login),
      roles: account.roles,
      issuerId: account.issuerId,
    }))
  })
}

/**
 * Gives the demo people something to show, once the keys exist: Ivan Petrov two doses of
 * Sputnik V, Jürgen Müller a negative PCR test, Wang Fang a high antibody level (each with its
 * certificate), and Olga Smirnova a positive PCR result waiting for the commission. Runs only
 * right after `loadDemoData` filled an empty store.
 */
export async function loadDemoRecords(
  store: Store,
  clock: Clock,
  services: { register: RegisterService; commission: CommissionService },
): Promise<void> {
  const { clinician, people } = await store.transaction(async (tx) => ({
    clinician: await tx.accounts.findByLogin('clinician@spb.demo'),
    people: await tx.people.list('ru-spb', { limit: 10, offset: 0 }),
  }))
  if (!clinician) return
  const actor = actorOf(clinician, 'session')
  const byName = (familyName: string) => people.find((p) => p.familyName === familyName)
  const day = (daysAgo: number) =>
    new Date(clock().getTime() - daysAgo * 86_400_000).toISOString().slice(0, 10)
  const hoursAgo = (hours: number) => new Date(clock().getTime() - hours * 3_600_000).toISOString()
  const petrov = byName('Петров')
  if (petrov) {
    for (const [doseNumber, daysAgo] of [
      [1, 81],
      [2, 60],
    ] as const) {
      await services.register.record(actor, petrov.id, 'vaccination', {
        disease: '840539006',
        vaccine: 'J07BX03',
        product: 'Sputnik-V',
        manufacturer: 'Gamaleya-Research-Institute',
        doseNumber,
        totalDoses: 2,
        date: day(daysAgo),
        country: 'RU',
      })
    }
  }
  const muller = byName('Müller')
  if (muller) {
    await services.register.record(actor, muller.id, 'test', {
      disease: '840539006',
      testType: 'LP6464-4',
      name: 'RT-PCR SARS-CoV-2',
      sampledAt: hoursAgo(6),
      result: '260415000',
      centre: 'City polyclinic No. 37',
      country: 'RU',
    })
  }
  const wang = byName('王')
  if (wang) {
    await services.register.record(actor, wang.id, 'antibody', {
      disease: '840539006',
      assay: 'Elecsys Anti-SARS-CoV-2 S',
      value: 420,
      unit: 'U/mL',
      threshold: 100,
      date: day(3),
      country: 'RU',
    })
  }
  const smirnova = byName('Смирнова')
  if (smirnova) {
    await services.commission.submit(
      actor,
      smirnova.id,
      {
        kind: 'test',
        data: {
          disease: '840539006',
          testType: 'LP6464-4',
          name: 'RT-PCR SARS-CoV-2',
          sampledAt: hoursAgo(24 * 9),
          result: '260373001',
          centre: 'Invitro laboratory, Nevsky 12',
          country: 'RU',
        },
      },
      [],
    )
  }
}
