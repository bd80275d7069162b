import { randomBytes, randomUUID } from 'node:crypto'
import { actorOf } from '../domain/access/actor.js'
import { hashPassword } from '../domain/access/passwords.js'
import type { Role } from '../domain/access/roles.js'
import type { Clock } from '../domain/clock.js'
import type { KeyVault } from '../domain/keys/key-vault.js'
import { generateClaimCode, hashClaimCode } from '../domain/people/claim-code.js'
import { newPersonFrom } from '../domain/people/person-input.js'
import { storeClaimCode } from '../domain/people/stored-claim-code.js'
import type { Store, StoreTransaction } from '../domain/ports.js'
import type { CommissionRequestService } from '../domain/commission/commission-request-service.js'
import type { RegisterService } from '../domain/register/register-service.js'
import type { VenueCategory } from '../domain/venues/venue.js'

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
    issuerId: 'ru-spb',
  },
  {
    login: 'company@spb.demo',
    displayName: 'Nevsky Works HR',
    roles: ['company_admin'],
    issuerId: 'ru-spb',
  },
  {
    login: 'citizen@spb.demo',
    displayName: 'Ivan Petrov',
    roles: ['citizen'],
    issuerId: undefined,
  },
]

/**
 * The staff of a second region, Moscow (`ru-mow`), one account per role: with them, that a region
 * sees only its own people, requests and accounts can be tried by hand.
 */
const moscowStaff: typeof staff = [
  {
    login: 'admin@mow.demo',
    displayName: 'Administrator, Moscow',
    roles: ['administrator'],
    issuerId: 'ru-mow',
  },
  {
    login: 'clinician@mow.demo',
    displayName: 'Dr. Sergei Volkov',
    roles: ['clinician'],
    issuerId: 'ru-mow',
  },
  {
    login: 'commission@mow.demo',
    displayName: 'Dr. Elena Morozova',
    roles: ['commission_member'],
    issuerId: 'ru-mow',
  },
  {
    login: 'commission2@mow.demo',
    displayName: 'Dr. Dmitry Lebedev',
    roles: ['commission_member'],
    issuerId: 'ru-mow',
  },
  {
    login: 'authority@mow.demo',
    displayName: 'Moscow health department',
    roles: ['health_authority'],
    issuerId: 'ru-mow',
  },
  {
    login: 'venue@mow.demo',
    displayName: 'Bolshoi Theatre door staff',
    roles: ['venue_operator'],
    issuerId: 'ru-mow',
  },
  {
    login: 'company@mow.demo',
    displayName: 'Tverskaya Textiles HR',
    roles: ['company_admin'],
    issuerId: 'ru-mow',
  },
  {
    login: 'citizen@mow.demo',
    displayName: 'Alexei Kuznetsov',
    roles: ['citizen'],
    issuerId: undefined,
  },
]

/**
 * The staff of Shanghai (`cn-sh`), one account per role and a second company's admin: the
 * Shanghai deployment's view of the demo (districts, risk areas, companies with offices and
 * factories, foreign residents).
 */
const shanghaiStaff: typeof staff = [
  {
    login: 'admin@sh.demo',
    displayName: 'Administrator, Shanghai',
    roles: ['administrator'],
    issuerId: 'cn-sh',
  },
  {
    login: 'clinician@sh.demo',
    displayName: 'Dr. Li Na (李娜)',
    roles: ['clinician'],
    issuerId: 'cn-sh',
  },
  {
    login: 'commission@sh.demo',
    displayName: 'Dr. Chen Jie (陈杰)',
    roles: ['commission_member'],
    issuerId: 'cn-sh',
  },
  {
    login: 'commission2@sh.demo',
    displayName: 'Dr. Zhou Min (周敏)',
    roles: ['commission_member'],
    issuerId: 'cn-sh',
  },
  {
    login: 'authority@sh.demo',
    displayName: 'Shanghai Municipal Health Commission',
    roles: ['health_authority'],
    issuerId: 'cn-sh',
  },
  {
    login: 'venue@sh.demo',
    displayName: 'Shanghai Grand Theatre door staff',
    roles: ['venue_operator'],
    issuerId: 'cn-sh',
  },
  {
    login: 'company@sh.demo',
    displayName: 'Pudong Precision Parts HR',
    roles: ['company_admin'],
    issuerId: 'cn-sh',
  },
  {
    login: 'company2@sh.demo',
    displayName: 'Yangtze Textiles HR',
    roles: ['company_admin'],
    issuerId: 'cn-sh',
  },
  {
    login: 'citizen@sh.demo',
    displayName: 'Anna Schmidt',
    roles: ['citizen'],
    issuerId: undefined,
  },
]

/** Every demo account: St. Petersburg's (and the federal administrator), Moscow's, Shanghai's. */
const demoAccounts = [...staff, ...moscowStaff, ...shanghaiStaff]

/**
 * The claim code of the demo citizen's record (Ivan Petrov, national ID 4012 345678, RU, born
 * 1985-03-14), as if printed on his registration slip: fixed, so the README and the browser
 * suites can give it.
 */
export const demoClaimCode = 'GREEN-CHECK'

/**
 * The claim code of the Shanghai demo citizen's record (Anna Schmidt, a German resident of
 * Shanghai, passport C4J8K2L9M, DE, born 1988-04-12): `citizen@sh.demo` links it.
 */
export const demoShanghaiClaimCode = 'JADE-GARDEN'

/** The districts of Shanghai the demo's authority has defined: code and name. */
export const shanghaiDistricts: readonly { code: string; name: string }[] = [
  { code: 'CN-SH-PD', name: 'Pudong New Area (浦东新区)' },
  { code: 'CN-SH-HP', name: 'Huangpu (黄浦区)' },
  { code: 'CN-SH-JA', name: 'Jing’an (静安区)' },
  { code: 'CN-SH-XH', name: 'Xuhui (徐汇区)' },
  { code: 'CN-SH-MH', name: 'Minhang (闵行区)' },
  { code: 'CN-SH-JD', name: 'Jiading (嘉定区)' },
]

/** The demo password of a demo login: `demo-` and the part before the @, e.g. `demo-clinician`. */
export function demoPassword(login: string): string {
  return `demo-${login.split('@')[0]}-2026`
}

/**
 * Loads the demo data set into an empty store: the federal issuer and St. Petersburg under it,
 * staff of every role, a citizen account, and a few people (one of them the citizen's, unclaimed);
 * and the same for Moscow, with a venue.
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
  // One hash per distinct password: the two regions' staff share them (`demo-clinician-2026`), so
  // the second region costs no scrypt time at start-up.
  const hashes = new Map<string, string>()
  for (const account of demoAccounts) {
    const password = demoPassword(account.login)
    if (!hashes.has(password)) hashes.set(password, await hashPassword(password))
  }
  const claimCodeHash = await hashClaimCode(demoClaimCode)
  const shanghaiClaimCodeHash = await hashClaimCode(demoShanghaiClaimCode)
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
    await tx.issuers.upsert({
      id: 'ru-mow',
      name: 'Moscow',
      level: 'region',
      country: 'RU',
      parentId: 'ru',
    })
    // Shanghai hangs from the deployment's one root, like every region: the demo walks both seed
    // stories in one store (a deployment of its own would make `cn-sh` a region of its own root).
    await tx.issuers.upsert({
      id: 'cn-sh',
      name: 'Shanghai',
      level: 'region',
      country: 'CN',
      parentId: 'ru',
    })
    await tx.audit.append(
      {
        actorAccountId: undefined,
        action: 'demo.load',
        entityType: 'issuer',
        entityId: 'ru-spb',
        reason: 'demo data set',
        data: { issuers: ['ru', 'ru-spb', 'ru-mow', 'cn-sh'] },
      },
      at,
    )
    const accountIds = new Map<string, string>()
    for (const account of demoAccounts) {
      const created = await tx.accounts.create({
        login: account.login,
        displayName: account.displayName,
        passwordHash: hashes.get(demoPassword(account.login)),
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
      accountIds.set(account.login, created.id)
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
    await loadMoscow(tx, clock, accountIds.get('venue@mow.demo'))
    await loadShanghai(tx, clock, accountIds, shanghaiClaimCodeHash, vault)
    return demoAccounts.map((account) => ({
      login: account.login,
      password: demoPassword(account.login),
      roles: account.roles,
      issuerId: account.issuerId,
    }))
  })
}

/** Moscow's people (Alexei Kuznetsov is `citizen@mow.demo`'s, unclaimed) and a venue. */
async function loadMoscow(
  tx: StoreTransaction,
  clock: Clock,
  venueOperatorId: string | undefined,
): Promise<void> {
  const at = clock().toISOString()
  const people = [
    {
      familyName: 'Кузнецов',
      givenName: 'Алексей',
      birthDate: '1978-05-09',
      residency: 'resident' as const,
      document: { type: 'national-id' as const, number: '4510 987654', country: 'RU' },
      language: 'ru' as const,
    },
    {
      familyName: 'Иванова',
      givenName: 'Мария',
      birthDate: '1991-08-23',
      residency: 'resident' as const,
      document: { type: 'national-id' as const, number: '4520 445566', country: 'RU' },
      language: 'ru' as const,
    },
  ]
  for (const input of people) {
    const person = await tx.people.create(newPersonFrom(input, 'ru-mow', clock()))
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
  if (venueOperatorId === undefined) return
  const venue = await tx.venues.create({
    id: randomUUID(),
    name: 'Bolshoi Theatre',
    category: 'theatre',
    address: 'Teatralnaya Square 1, Moscow',
    district: 'RU-MOW-CEN',
    issuerId: 'ru-mow',
    companyId: undefined,
    operatorAccountId: venueOperatorId,
    posterSecret: randomBytes(16).toString('base64url'),
    createdAt: at,
  })
  await tx.audit.append(
    {
      actorAccountId: undefined,
      action: 'venue.create',
      entityType: 'venue',
      entityId: venue.id,
      reason: 'demo data set',
      data: { name: venue.name, category: venue.category, district: venue.district },
    },
    at,
  )
}

/**
 * Shanghai (`cn-sh`): its districts and two risk areas, residents (foreign ones among them; Anna
 * Schmidt is `citizen@sh.demo`'s, unclaimed), two companies with offices and factories whose
 * consenting employees are listed, and venues of the kinds the Shanghai story walks through: a
 * theatre, a park and an administration service centre.
 */
async function loadShanghai(
  tx: StoreTransaction,
  clock: Clock,
  accountIds: ReadonlyMap<string, string>,
  claimCodeHash: string,
  vault: KeyVault | undefined,
): Promise<void> {
  const now = clock()
  const at = now.toISOString()
  const day = (days: number) =>
    new Date(now.getTime() + days * 86_400_000).toISOString().slice(0, 10)
  const authority = accountIds.get('authority@sh.demo')
  for (const district of shanghaiDistricts) {
    await tx.health.saveDistrict({
      issuerId: 'cn-sh',
      ...district,
      createdBy: authority,
      createdAt: at,
    })
  }
  for (const area of [
    { areaCode: 'CN-SH-JD', name: 'Jiading (嘉定区)', level: 'medium' as const, from: day(-3) },
    { areaCode: 'CN-SH-MH', name: 'Minhang (闵行区)', level: 'high' as const, from: day(-1) },
  ]) {
    await tx.health.addRiskArea({
      ...area,
      issuerId: 'cn-sh',
      until: day(11),
      createdBy: authority ?? 'demo',
      createdAt: at,
    })
  }
  const people = [
    {
      familyName: 'Schmidt',
      givenName: 'Anna',
      birthDate: '1988-04-12',
      residency: 'foreigner' as const,
      document: { type: 'passport' as const, number: 'C4J8K2L9M', country: 'DE' },
      language: 'en' as const,
      district: 'CN-SH-PD',
    },
    {
      familyName: 'Tanaka',
      givenName: 'Yuki',
      birthDate: '1992-09-03',
      residency: 'foreigner' as const,
      document: { type: 'passport' as const, number: 'TK5839201', country: 'JP' },
      language: 'en' as const,
      district: 'CN-SH-JA',
    },
    {
      familyName: 'Новикова',
      givenName: 'Екатерина',
      birthDate: '1985-12-19',
      residency: 'foreigner' as const,
      document: { type: 'passport' as const, number: '751234567', country: 'RU' },
      language: 'ru' as const,
      district: 'CN-SH-XH',
    },
    {
      familyName: '李',
      givenName: '伟',
      familyNameIcao: 'LI',
      givenNameIcao: 'WEI',
      birthDate: '1980-06-15',
      residency: 'resident' as const,
      document: { type: 'national-id' as const, number: '310115198006150000', country: 'CN' },
      language: 'zh' as const,
      district: 'CN-SH-PD',
    },
    {
      familyName: '张',
      givenName: '敏',
      familyNameIcao: 'ZHANG',
      givenNameIcao: 'MIN',
      birthDate: '1995-02-28',
      residency: 'resident' as const,
      document: { type: 'national-id' as const, number: '310114199502280000', country: 'CN' },
      language: 'zh' as const,
      district: 'CN-SH-JD',
    },
  ]
  const ids = new Map<string, string>()
  for (const input of people) {
    const person = await tx.people.create(newPersonFrom(input, 'cn-sh', clock()))
    ids.set(input.familyName, person.id)
    if (input.familyName === 'Schmidt') {
      await storeClaimCode(
        tx,
        person.id,
        demoShanghaiClaimCode,
        claimCodeHash,
        undefined,
        at,
        vault,
      )
    }
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
  const companies = [
    {
      name: 'Pudong Precision Parts',
      admin: 'company@sh.demo',
      employees: ['Schmidt', '李'],
      sites: [
        {
          name: 'Pudong Precision Parts, head office',
          category: 'office' as const,
          address: '88 Century Avenue, Pudong',
          district: 'CN-SH-PD',
        },
        {
          name: 'Pudong Precision Parts, Jiading factory',
          category: 'factory' as const,
          address: '1500 Moyu Road, Jiading',
          district: 'CN-SH-JD',
        },
      ],
    },
    {
      name: 'Yangtze Textiles',
      admin: 'company2@sh.demo',
      employees: ['Tanaka', '张'],
      sites: [
        {
          name: 'Yangtze Textiles, Huangpu office',
          category: 'office' as const,
          address: '200 Middle Huaihai Road, Huangpu',
          district: 'CN-SH-HP',
        },
        {
          name: 'Yangtze Textiles, Minhang factory',
          category: 'factory' as const,
          address: '3000 Jianchuan Road, Minhang',
          district: 'CN-SH-MH',
        },
      ],
    },
  ]
  for (const company of companies) {
    const admin = accountIds.get(company.admin)
    if (admin === undefined) continue
    const created = await tx.companies.create({
      name: company.name,
      createdBy: admin,
      createdAt: at,
    })
    await tx.companies.addMember({
      companyId: created.id,
      role: 'admin',
      accountId: admin,
      personId: undefined,
      status: 'active',
      consent: false,
      invitedAt: at,
      acceptedAt: at,
      inviteHash: undefined,
    })
    for (const familyName of company.employees) {
      await tx.companies.addMember({
        companyId: created.id,
        role: 'employee',
        accountId: undefined,
        personId: ids.get(familyName),
        status: 'active',
        consent: true,
        invitedAt: at,
        acceptedAt: at,
        inviteHash: undefined,
      })
    }
    for (const site of company.sites) {
      await createDemoVenue(tx, { ...site, companyId: created.id, operatorAccountId: admin }, at)
    }
  }
  const operator = accountIds.get('venue@sh.demo')
  if (operator === undefined) return
  for (const venue of [
    {
      name: 'Shanghai Grand Theatre',
      category: 'theatre' as const,
      address: '300 People’s Avenue, Huangpu',
      district: 'CN-SH-HP',
    },
    {
      name: 'Century Park',
      category: 'park' as const,
      address: '1001 Jinxiu Road, Pudong',
      district: 'CN-SH-PD',
    },
    {
      name: 'Pudong Administration Service Centre',
      category: 'administration-service-centre' as const,
      address: '1500 Hehuan Road, Pudong',
      district: 'CN-SH-PD',
    },
  ]) {
    await createDemoVenue(tx, { ...venue, companyId: undefined, operatorAccountId: operator }, at)
  }
}

/** A demo venue of Shanghai, with a poster secret of its own, and its audit entry. */
async function createDemoVenue(
  tx: StoreTransaction,
  venue: {
    name: string
    category: VenueCategory
    address: string
    district: string
    companyId: string | undefined
    operatorAccountId: string
  },
  at: string,
): Promise<void> {
  const created = await tx.venues.create({
    id: randomUUID(),
    ...venue,
    issuerId: 'cn-sh',
    posterSecret: randomBytes(16).toString('base64url'),
    createdAt: at,
  })
  await tx.audit.append(
    {
      actorAccountId: undefined,
      action: 'venue.create',
      entityType: 'venue',
      entityId: created.id,
      reason: 'demo data set',
      data: { name: created.name, category: created.category, district: created.district },
    },
    at,
  )
}

/**
 * Gives the demo people something to show, once the keys exist: Ivan Petrov two doses of
 * Sputnik V, Jürgen Müller a negative PCR test, Wang Fang a high antibody level (each with its
 * certificate), and Olga Smirnova a positive PCR result waiting for the commission; in Moscow,
 * Alexei Kuznetsov a dose of Sputnik Light and Maria Ivanova a negative PCR test. Runs only right
 * after `loadDemoData` filled an empty store.
 */
export async function loadDemoRecords(
  store: Store,
  clock: Clock,
  services: { register: RegisterService; commissionRequests: CommissionRequestService },
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
    await services.commissionRequests.submit(
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
  await loadMoscowRecords(store, clock, services.register)
  await loadShanghaiRecords(store, clock, services.register)
}

/**
 * Shanghai's records, made by Shanghai's clinician: Anna Schmidt a negative PCR test, Yuki Tanaka
 * a high antibody level (a certificate a theatre admits once the authority allows it), Li Wei a
 * negative PCR test.
 */
async function loadShanghaiRecords(
  store: Store,
  clock: Clock,
  register: RegisterService,
): Promise<void> {
  const { clinician, people } = await store.transaction(async (tx) => ({
    clinician: await tx.accounts.findByLogin('clinician@sh.demo'),
    people: await tx.people.list('cn-sh', { limit: 10, offset: 0 }),
  }))
  if (!clinician) return
  const actor = actorOf(clinician, 'session')
  const hoursAgo = (hours: number) => new Date(clock().getTime() - hours * 3_600_000).toISOString()
  for (const [familyName, hours] of [
    ['Schmidt', 5],
    ['李', 20],
  ] as const) {
    const person = people.find((p) => p.familyName === familyName)
    if (!person) continue
    await register.record(actor, person.id, 'test', {
      disease: '840539006',
      testType: 'LP6464-4',
      name: 'RT-PCR SARS-CoV-2',
      sampledAt: hoursAgo(hours),
      result: '260415000',
      centre: 'Pudong testing site',
      country: 'CN',
    })
  }
  const tanaka = people.find((p) => p.familyName === 'Tanaka')
  if (tanaka) {
    await register.record(actor, tanaka.id, 'antibody', {
      disease: '840539006',
      assay: 'Elecsys Anti-SARS-CoV-2 S',
      value: 380,
      unit: 'U/mL',
      threshold: 100,
      date: hoursAgo(48).slice(0, 10),
      country: 'CN',
    })
  }
}

/** Moscow's records, made by Moscow's clinician (so each region's certificates are its own). */
async function loadMoscowRecords(
  store: Store,
  clock: Clock,
  register: RegisterService,
): Promise<void> {
  const { clinician, people } = await store.transaction(async (tx) => ({
    clinician: await tx.accounts.findByLogin('clinician@mow.demo'),
    people: await tx.people.list('ru-mow', { limit: 10, offset: 0 }),
  }))
  if (!clinician) return
  const actor = actorOf(clinician, 'session')
  const kuznetsov = people.find((p) => p.familyName === 'Кузнецов')
  if (kuznetsov) {
    await register.record(actor, kuznetsov.id, 'vaccination', {
      disease: '840539006',
      vaccine: 'J07BX03',
      product: 'Sputnik-Light',
      manufacturer: 'Gamaleya-Research-Institute',
      doseNumber: 1,
      totalDoses: 1,
      date: new Date(clock().getTime() - 45 * 86_400_000).toISOString().slice(0, 10),
      country: 'RU',
    })
  }
  const ivanova = people.find((p) => p.familyName === 'Иванова')
  if (ivanova) {
    await register.record(actor, ivanova.id, 'test', {
      disease: '840539006',
      testType: 'LP6464-4',
      name: 'RT-PCR SARS-CoV-2',
      sampledAt: new Date(clock().getTime() - 4 * 3_600_000).toISOString(),
      result: '260415000',
      centre: 'Moscow city polyclinic No. 2',
      country: 'RU',
    })
  }
}
