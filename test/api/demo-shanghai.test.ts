import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { type RunningServer, startServer } from '../../src/api/server.js'
import { loadConfig } from '../../src/config/config.js'
import { demoCaller } from '../../src/demo/demo-client.js'
import { demoPassword, demoShanghaiClaimCode } from '../../src/demo/demo-data.js'

interface Person {
  id: string
  familyName: string
  residency: string
  district?: string
}

describe('the demo’s Shanghai side', () => {
  let server: RunningServer
  let url: string
  before(async () => {
    const database = join(mkdtempSync(join(tmpdir(), 'healthcode-demo-sh-')), 'store.sqlite')
    server = await startServer(
      loadConfig({
        PORT: '0',
        HOST: '127.0.0.1',
        DATABASE_URL: database,
        DEMO: 'true',
        LOG_LEVEL: 'silent',
        SIGN_IN_RATE_LIMIT: '100',
        KEY_ENCRYPTION_KEY: '5a'.repeat(32),
      }),
      { handleSignals: false },
    )
    url = server.url.replace('localhost', '127.0.0.1')
  })
  after(() => server.close())

  it('signs in every Shanghai account with its demo-<role>-2026 password and prints it', async () => {
    const logins = (server.demoSignIns ?? []).filter((s) => s.login.endsWith('@sh.demo'))
    assert.deepEqual(logins.map((s) => s.login).sort(), [
      'admin@sh.demo',
      'authority@sh.demo',
      'citizen@sh.demo',
      'clinician@sh.demo',
      'commission2@sh.demo',
      'commission@sh.demo',
      'company2@sh.demo',
      'company@sh.demo',
      'venue@sh.demo',
    ])
    for (const signIn of logins) {
      assert.match(signIn.password, /^demo-[a-z0-9]+-2026$/)
      assert.equal(signIn.password, demoPassword(signIn.login))
      const caller = await demoCaller(url, signIn.login)
      const session = await caller<{ login: string; issuerId?: string }>(
        'GET',
        '/api/v1/auth/session',
      )
      assert.equal(session.login, signIn.login)
      if (!signIn.roles.includes('citizen')) assert.equal(session.issuerId, 'cn-sh')
    }
  })

  it('has a cn-sh region with districts and risk areas', async () => {
    const { issuers } = (await (await fetch(`${url}/api/v1/issuers`)).json()) as {
      issuers: { id: string; parentId?: string; country: string }[]
    }
    const shanghai = issuers.find((issuer) => issuer.id === 'cn-sh')
    assert.equal(shanghai?.country, 'CN')
    const { districts } = (await (
      await fetch(`${url}/api/v1/districts?issuerId=cn-sh`)
    ).json()) as { districts: { code: string }[] }
    assert.deepEqual(
      districts.map((d) => d.code),
      ['CN-SH-HP', 'CN-SH-JA', 'CN-SH-JD', 'CN-SH-MH', 'CN-SH-PD', 'CN-SH-XH'],
    )
    const authority = await demoCaller(url, 'authority@sh.demo')
    const { riskAreas } = await authority<{
      riskAreas: { areaCode: string; level: string; issuerId: string }[]
    }>('GET', '/api/v1/risk-areas')
    assert.ok(riskAreas.every((area) => area.issuerId === 'cn-sh'))
    assert.deepEqual(
      riskAreas.map((area) => [area.areaCode, area.level]),
      [
        ['CN-SH-JD', 'medium'],
        ['CN-SH-MH', 'high'],
      ],
    )
    for (const area of riskAreas) {
      assert.ok(
        districts.some((d) => d.code === area.areaCode),
        'risk areas are districts',
      )
    }
    // Shanghai's risk areas are not on St. Petersburg's list.
    const spb = await demoCaller(url, 'authority@spb.demo')
    const listed = await spb<{ riskAreas: { areaCode: string }[] }>('GET', '/api/v1/risk-areas')
    assert.deepEqual(
      listed.riskAreas.filter((area) => area.areaCode.startsWith('CN-SH')),
      [],
    )
  })

  it('has residents, foreign ones among them, with certificates, seen by Shanghai only', async () => {
    const clinician = await demoCaller(url, 'clinician@sh.demo')
    const { people } = await clinician<{ people: Person[] }>('GET', '/api/v1/people')
    assert.equal(people.length, 5)
    assert.deepEqual(
      people
        .filter((p) => p.residency === 'foreigner')
        .map((p) => p.familyName)
        .sort(),
      ['Schmidt', 'Tanaka', 'Новикова'],
    )
    const kinds: Record<string, string[]> = {}
    for (const person of people) {
      const { certificates } = await clinician<{ certificates: { kind: string }[] }>(
        'GET',
        `/api/v1/people/${person.id}/certificates`,
      )
      kinds[person.familyName] = certificates.map((c) => c.kind)
    }
    assert.deepEqual(kinds, {
      Schmidt: ['test'],
      Tanaka: ['antibody'],
      Новикова: [],
      李: ['test'],
      张: [],
    })
    const spb = await demoCaller(url, 'clinician@spb.demo')
    const spbPeople = await spb<{ people: Person[] }>('GET', '/api/v1/people')
    assert.ok(!spbPeople.people.some((p) => p.familyName === 'Schmidt'))

    // The Shanghai citizen links Anna Schmidt's record with the printed claim code.
    const citizen = await demoCaller(url, 'citizen@sh.demo')
    const claimed = await citizen<{ id: string; familyName: string }>('POST', '/api/v1/me/claim', {
      document: { type: 'passport', number: 'C4J8K2L9M', country: 'DE' },
      birthDate: '1988-04-12',
      claimCode: demoShanghaiClaimCode,
    })
    assert.equal(claimed.familyName, 'Schmidt')
  })

  it('has companies with offices and factories, and a theatre, a park and a service centre', async () => {
    const venuesOf = async (login: string) =>
      (
        await (
          await demoCaller(url, login)
        )<{
          venues: { name: string; category: string; district: string }[]
        }>('GET', '/api/v1/venues')
      ).venues
        .map((v) => `${v.category} ${v.district}`)
        .sort()
    assert.deepEqual(await venuesOf('company@sh.demo'), ['factory CN-SH-JD', 'office CN-SH-PD'])
    assert.deepEqual(await venuesOf('company2@sh.demo'), ['factory CN-SH-MH', 'office CN-SH-HP'])
    assert.deepEqual(await venuesOf('venue@sh.demo'), [
      'administration-service-centre CN-SH-PD',
      'park CN-SH-PD',
      'theatre CN-SH-HP',
    ])
    const company = await demoCaller(url, 'company@sh.demo')
    const { companies } = await company<{ companies: { company: { id: string; name: string } }[] }>(
      'GET',
      '/api/v1/companies',
    )
    assert.equal(companies[0]?.company.name, 'Pudong Precision Parts')
    const dashboard = await company<{ employees: { total: number; consenting: number } }>(
      'GET',
      `/api/v1/companies/${companies[0]?.company.id}/dashboard`,
    )
    assert.deepEqual(
      [dashboard.employees.total, dashboard.employees.consenting],
      [2, 2],
      'two employees who share their colour',
    )
  })

  it('admits an antibody certificate at the theatre once the authority allows it', async () => {
    const operator = await demoCaller(url, 'venue@sh.demo')
    const { venues } = await operator<{ venues: { id: string; category: string }[] }>(
      'GET',
      '/api/v1/venues',
    )
    const theatre = venues.find((v) => v.category === 'theatre')
    assert.ok(theatre)
    const clinician = await demoCaller(url, 'clinician@sh.demo')
    const { people } = await clinician<{ people: Person[] }>('GET', '/api/v1/people')
    const tanaka = people.find((p) => p.familyName === 'Tanaka')
    assert.ok(tanaka)
    const { certificates } = await clinician<{ certificates: { qr: string }[] }>(
      'GET',
      `/api/v1/people/${tanaka.id}/certificates`,
    )
    const scan = () =>
      operator<{ entryAllowed: boolean; reason: string }>(
        'POST',
        `/api/v1/venues/${theatre.id}/scan`,
        {
          qr: certificates[0]?.qr,
          clientId: randomUUID(),
        },
      )
    assert.deepEqual(
      [(await scan()).entryAllowed, (await scan()).reason],
      [false, 'CERTIFICATE_KIND_NOT_ACCEPTED'],
    )
    const authority = await demoCaller(url, 'authority@sh.demo')
    await authority('PUT', '/api/v1/entry-policies/theatre?issuerId=cn-sh', {
      acceptGreenCode: true,
      acceptCertificates: ['vaccination', 'recovery', 'test', 'antibody'],
      testMaxAgeHours: 72,
    })
    assert.deepEqual(
      [(await scan()).entryAllowed, (await scan()).reason],
      [true, 'CERTIFICATE_ACCEPTED'],
    )
    // The colours a category admits: green, or green and yellow (never yellow alone).
    await assert.rejects(
      authority('PUT', '/api/v1/entry-policies/park?issuerId=cn-sh', {
        acceptGreenCode: false,
        admitYellowCode: true,
        acceptCertificates: ['test'],
        testMaxAgeHours: 72,
      }),
      /: 400 .*"field":"admitYellowCode"/,
    )
    await authority('PUT', '/api/v1/entry-policies/park?issuerId=cn-sh', {
      acceptGreenCode: true,
      admitYellowCode: true,
      acceptCertificates: [],
      testMaxAgeHours: 72,
    })
    const parks = (await (await fetch(`${url}/api/v1/entry-policies?issuerId=cn-sh`)).json()) as {
      park: { admitYellowCode?: boolean }
    }
    assert.equal(parks.park.admitYellowCode, true)
    // St. Petersburg's theatres keep their own policy.
    const spb = (await (await fetch(`${url}/api/v1/entry-policies?issuerId=ru-spb`)).json()) as {
      theatre: { acceptCertificates: string[] }
    }
    assert.ok(!spb.theatre.acceptCertificates.includes('antibody'))
  })

  it('trusts the Yangtze River Delta partner Jiangsu already: its certificate verifies and opens a door', async () => {
    const qr = server.demoPartnerCertificate
    assert.ok(qr?.startsWith('HC1:'), 'the demo start answers the partner certificate')
    const admin = await demoCaller(url, 'federal-admin@ru.demo')
    const { partners } = await admin<{
      partners: { name: string; importedAt?: string; signers?: number }[]
    }>('GET', '/api/v1/trust-partners')
    const jiangsu = partners.find((p) => p.name.startsWith('Jiangsu (cn-js)'))
    assert.ok(jiangsu?.importedAt, JSON.stringify(partners))
    assert.equal(jiangsu.signers, 1, 'the document signer of cn-js')
    const verified = (await (
      await fetch(`${url}/api/v1/verify`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ qr }),
      })
    ).json()) as { valid: boolean }
    assert.equal(verified.valid, true, JSON.stringify(verified))
    const operator = await demoCaller(url, 'venue@sh.demo')
    const { venues } = await operator<{ venues: { id: string; category: string }[] }>(
      'GET',
      '/api/v1/venues',
    )
    const theatre = venues.find((v) => v.category === 'theatre')
    assert.ok(theatre)
    const scan = await operator<{ entryAllowed: boolean; reason: string }>(
      'POST',
      `/api/v1/venues/${theatre.id}/scan`,
      { qr, clientId: randomUUID() },
    )
    assert.deepEqual([scan.entryAllowed, scan.reason], [true, 'CERTIFICATE_ACCEPTED'])
  })
})
