import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { after, before, describe, it } from 'node:test'
import { type Role, roles, staffRoles } from '../../src/domain/access/roles.js'
import { forEachDialect } from '../support/dialects.js'
import { type TestApp, type TestUser, personBody, testApp } from './test-app.js'

/** Real resources of St. Petersburg (`ru-spb`) that regional routes are called on. */
interface Fixtures {
  readonly personId: string
  readonly recordId: string
  readonly certificateId: string
  readonly requestId: string
  readonly attachmentId: string
  readonly venueId: string
  readonly caseId: string
  readonly tokenId: string
  readonly riskAreaId: string
}

/**
 * What a route answers, declared per route:
 * - `deployment`: the whole deployment's; only the root issuer's staff get through.
 * - `open`: not about one region's resource (public, the caller's own things, deployment-wide
 *   lists, or the caller's own region by default): a role the route admits gets through in every
 *   region; one it does not admit gets 403.
 * - `regional`: called on a resource of St. Petersburg. Staff of St. Petersburg in `reach` get
 *   through, and so do their federal colleagues (the parent) in a staff role; the same role of
 *   Moscow (a sibling) gets 403 `ERR_FORBIDDEN`, as does anyone admitted by the route but not in
 *   `reach` (a citizen who does not hold the record, an operator who does not run the venue).
 */
type Expectation =
  | { readonly kind: 'open' }
  | { readonly kind: 'deployment'; readonly body?: () => unknown }
  | {
      readonly kind: 'regional'
      readonly url: (f: Fixtures) => string
      readonly body?: (f: Fixtures) => unknown
      /** Roles of the resource's own region that get through (default: all the route admits). */
      readonly reach?: readonly Role[]
      /** Roles of the parent level that get through (default: the staff roles in `reach`). */
      readonly parent?: readonly Role[]
    }

const open: Expectation = { kind: 'open' }
/**
 * The whole deployment's (trusted partners and signers: every region's doors accept what they
 * sign): the roles the route admits get through at the root issuer only; regions get 403.
 */
const deployment: Expectation = { kind: 'deployment' }
const readers: Role[] = ['clinician', 'commission_member', 'administrator', 'health_authority']
const venueStaff: Role[] = ['venue_operator', 'health_authority']
const scanItem = () => ({ qr: 'HC1:NOT-A-CODE', clientId: randomUUID() })

/** Every route's expectation; a route missing here fails the test. */
const expectations: Record<string, Expectation> = {
  'GET /': open,
  'GET /healthz': open,
  'GET /readyz': open,
  'GET /metrics': open,
  'GET /openapi.json': open,
  'GET /app/*': open,
  'GET /app': open,
  'GET /favicon.svg': open,
  'POST /api/v1/accounts': open,
  'GET /api/v1/accounts': open,
  'POST /api/v1/api-tokens': open,
  'GET /api/v1/api-tokens': open,
  'DELETE /api/v1/api-tokens/:id': {
    kind: 'regional',
    url: (f) => `/api/v1/api-tokens/${f.tokenId}`,
    // The token is a St. Petersburg clinician's: its owner and the administrators over it.
    reach: ['clinician', 'administrator'],
    parent: ['administrator'],
  },
  'GET /api/v1/audit': open,
  'GET /api/v1/audit/verify': open,
  'POST /api/v1/auth/sign-in': open,
  'POST /api/v1/auth/sign-out': open,
  'GET /api/v1/auth/session': open,
  'GET /api/v1/auth/providers': open,
  'GET /api/v1/auth/oidc/start': open,
  'GET /api/v1/auth/oidc/callback': open,
  'POST /api/v1/auth/register': open,
  'GET /api/v1/certificates': open,
  'GET /api/v1/people/:id/certificates': {
    kind: 'regional',
    url: (f) => `/api/v1/people/${f.personId}/certificates`,
    reach: readers,
  },
  'GET /api/v1/certificates/:id': {
    kind: 'regional',
    url: (f) => `/api/v1/certificates/${f.certificateId}`,
    reach: readers,
  },
  'GET /api/v1/certificates/:id/qr.png': {
    kind: 'regional',
    url: (f) => `/api/v1/certificates/${f.certificateId}/qr.png`,
    reach: readers,
  },
  'GET /api/v1/certificates/:id/pdf': {
    kind: 'regional',
    url: (f) => `/api/v1/certificates/${f.certificateId}/pdf`,
    reach: readers,
  },
  'POST /api/v1/records/:id/certificates': {
    kind: 'regional',
    url: (f) => `/api/v1/records/${f.recordId}/certificates`,
  },
  'POST /api/v1/certificates/:id/revoke': {
    kind: 'regional',
    url: (f) => `/api/v1/certificates/${f.certificateId}/revoke`,
    body: () => ({ reason: 'issued with a wrong date of birth' }),
  },
  'POST /api/v1/people/:id/commission-requests': {
    kind: 'regional',
    url: (f) => `/api/v1/people/${f.personId}/commission-requests`,
    body: () => ({ evidence: { kind: 'test', data: pcrPositive } }),
    reach: ['clinician', 'administrator'],
  },
  'GET /api/v1/people/:id/commission-requests': {
    kind: 'regional',
    url: (f) => `/api/v1/people/${f.personId}/commission-requests`,
    reach: readers,
  },
  'GET /api/v1/commission/requests': open,
  'GET /api/v1/commission/requests/:id': {
    kind: 'regional',
    url: (f) => `/api/v1/commission/requests/${f.requestId}`,
    reach: ['clinician', 'commission_member', 'administrator'],
  },
  'GET /api/v1/commission/requests/:id/attachments/:attachmentId': {
    kind: 'regional',
    url: (f) => `/api/v1/commission/requests/${f.requestId}/attachments/${f.attachmentId}`,
    reach: ['clinician', 'commission_member', 'administrator'],
  },
  'POST /api/v1/commission/requests/:id/decision': {
    kind: 'regional',
    url: (f) => `/api/v1/commission/requests/${f.requestId}/decision`,
    body: () => ({ outcome: 'refused', reason: 'the laboratory report is not legible' }),
  },
  'POST /api/v1/commission/requests/:id/appeal': {
    kind: 'regional',
    url: (f) => `/api/v1/commission/requests/${f.requestId}/appeal`,
    body: () => ({ reason: 'the laboratory sent a legible copy' }),
    reach: ['clinician', 'administrator'],
  },
  'POST /api/v1/companies': open,
  'GET /api/v1/companies': open,
  'POST /api/v1/companies/:id/invitations': open,
  'POST /api/v1/company-invitations/accept': open,
  'PUT /api/v1/companies/:id/consent': open,
  'GET /api/v1/companies/:id/dashboard': open,
  'GET /api/v1/dashboards/authority': open,
  'POST /api/v1/people/:id/declarations': {
    kind: 'regional',
    url: (f) => `/api/v1/people/${f.personId}/declarations`,
    body: () => ({ symptoms: { cough: true } }),
    reach: readers,
  },
  'GET /api/v1/people/:id/declarations': {
    kind: 'regional',
    url: (f) => `/api/v1/people/${f.personId}/declarations`,
    reach: readers,
  },
  'GET /api/v1/people/:id/health-code': {
    kind: 'regional',
    url: (f) => `/api/v1/people/${f.personId}/health-code`,
    reach: readers,
  },
  'GET /api/v1/people/:id/health-code/token': {
    kind: 'regional',
    url: (f) => `/api/v1/people/${f.personId}/health-code/token`,
    reach: readers,
  },
  'GET /api/v1/risk-areas': open,
  'POST /api/v1/risk-areas': open,
  'DELETE /api/v1/risk-areas/:id': {
    kind: 'regional',
    url: (f) => `/api/v1/risk-areas/${f.riskAreaId}`,
  },
  'GET /api/v1/risk-rules': open,
  'GET /api/v1/risk-rules/versions': open,
  'GET /api/v1/risk-rules/versions/:version': open,
  'PUT /api/v1/risk-rules': open,
  'GET /api/v1/me/feed': open,
  'GET /api/v1/me/feed/unread': open,
  'POST /api/v1/me/feed/read': open,
  'GET /api/v1/issuers': open,
  'GET /api/v1/keys': open,
  'POST /api/v1/keys/rotate': {
    kind: 'regional',
    url: () => '/api/v1/keys/rotate',
    body: () => ({ issuerId: 'ru-spb' }),
  },
  'POST /api/v1/people': {
    kind: 'regional',
    url: () => '/api/v1/people',
    body: () =>
      personBody({
        issuerId: 'ru-spb',
        document: { type: 'passport', number: `M${randomUUID().slice(0, 8)}`, country: 'RU' },
      }),
  },
  'GET /api/v1/people': open,
  'GET /api/v1/people/:id': {
    kind: 'regional',
    url: (f) => `/api/v1/people/${f.personId}`,
    reach: readers,
  },
  'PATCH /api/v1/people/:id': {
    kind: 'regional',
    url: (f) => `/api/v1/people/${f.personId}`,
    body: () => ({ phone: '+7 812 555 0199', reason: 'the person gave a new number' }),
  },
  'GET /api/v1/me': open,
  'POST /api/v1/me/claim': open,
  'POST /api/v1/me/person': open,
  'POST /api/v1/people/:id/vaccinations': {
    kind: 'regional',
    url: (f) => `/api/v1/people/${f.personId}/vaccinations`,
    body: () => sputnikDose,
  },
  'POST /api/v1/people/:id/tests': {
    kind: 'regional',
    url: (f) => `/api/v1/people/${f.personId}/tests`,
    body: () => ({ ...pcrPositive, result: '260415000' }),
  },
  'POST /api/v1/people/:id/recoveries': {
    kind: 'regional',
    url: (f) => `/api/v1/people/${f.personId}/recoveries`,
    body: () => ({
      firstPositive: '2026-10-20',
      validFrom: '2026-10-31',
      validUntil: '2027-04-18',
      country: 'RU',
    }),
  },
  'POST /api/v1/people/:id/antibody-tests': {
    kind: 'regional',
    url: (f) => `/api/v1/people/${f.personId}/antibody-tests`,
    body: () => ({
      assay: 'Elecsys Anti-SARS-CoV-2 S',
      value: 350,
      unit: 'U/mL',
      threshold: 100,
      date: '2026-11-01',
      country: 'RU',
    }),
  },
  'GET /api/v1/people/:id/records': {
    kind: 'regional',
    url: (f) => `/api/v1/people/${f.personId}/records`,
    reach: readers,
  },
  'POST /api/v1/cases': {
    kind: 'regional',
    url: () => '/api/v1/cases',
    body: (f) => ({ personId: f.personId }),
  },
  'GET /api/v1/cases': open,
  'GET /api/v1/cases/:id': {
    kind: 'regional',
    url: (f) => `/api/v1/cases/${f.caseId}`,
  },
  'POST /api/v1/cases/:id/close': {
    kind: 'regional',
    url: (f) => `/api/v1/cases/${f.caseId}/close`,
  },
  'POST /api/v1/cases/:id/reopen': {
    kind: 'regional',
    url: (f) => `/api/v1/cases/${f.caseId}/reopen`,
  },
  'GET /api/v1/cases/:id/whereabouts': {
    kind: 'regional',
    url: (f) => `/api/v1/cases/${f.caseId}/whereabouts`,
  },
  'POST /api/v1/cases/:id/publish': {
    kind: 'regional',
    url: (f) => `/api/v1/cases/${f.caseId}/publish`,
  },
  'GET /api/v1/exposure-sites': open,
  'GET /api/v1/districts': open,
  'POST /api/v1/districts': open,
  'GET /api/v1/health-code/problems': open,
  'POST /api/v1/names/transliterate': open,
  'POST /api/v1/validity-rules/:id/test': open,
  // A new issuer under the root: only the root's administrators add to the tree.
  'POST /api/v1/issuers': {
    kind: 'deployment',
    body: () => ({
      id: `matrix-${randomUUID().slice(0, 8)}`,
      name: 'Matrix region',
      parentId: 'ru',
    }),
  },
  'POST /api/v1/people/:id/claim-code': {
    kind: 'regional',
    url: (f) => `/api/v1/people/${f.personId}/claim-code`,
  },
  'GET /api/v1/trust-list': open,
  'GET /api/v1/trust-list/signer': open,
  'GET /api/v1/trust-list/domestic': open,
  'GET /api/v1/revocation-list': open,
  'POST /api/v1/verify': open,
  'POST /api/v1/verify/image': open,
  'GET /api/v1/shc-issuers': open,
  'POST /api/v1/shc-issuers': {
    kind: 'deployment',
    body: () => ({ iss: 'https://matrix.example', jwks: { keys: [] } }),
  },
  'GET /api/v1/validity-rules': open,
  'POST /api/v1/validity-rules/:id': open,
  'GET /api/v1/trust-partners': deployment,
  'POST /api/v1/trust-partners': {
    kind: 'deployment',
    body: () => ({ name: 'Matrix partner', signingCertificate: 'not a certificate' }),
  },
  'POST /api/v1/trust-partners/:id/import': deployment,
  'GET /api/v1/gateway/trust-list': open,
  'GET /api/v1/gateway/trust-anchor': open,
  'GET /api/v1/gateway/revocation-list': open,
  'GET /api/v1/gateway/revocation-list/:batchId': open,
  'POST /api/v1/trust-partners/:id/gateway-trust-list': {
    kind: 'deployment',
    body: () => ({ trustList: [] }),
  },
  'POST /api/v1/trust-partners/:id/gateway-revocation-batches': {
    kind: 'deployment',
    body: () => ({
      batches: [{ batchId: '00000000-0000-4000-8000-000000000000', deleted: true }],
    }),
  },
  'POST /api/v1/venues': open,
  'GET /api/v1/venues': open,
  'GET /api/v1/venues/:id': {
    kind: 'regional',
    url: (f) => `/api/v1/venues/${f.venueId}`,
    reach: venueStaff,
  },
  'GET /api/v1/venues/:id/poster.png': {
    kind: 'regional',
    url: (f) => `/api/v1/venues/${f.venueId}/poster.png`,
    reach: venueStaff,
  },
  'POST /api/v1/venues/:id/poster/rotate': {
    kind: 'regional',
    url: (f) => `/api/v1/venues/${f.venueId}/poster/rotate`,
    reach: ['venue_operator'],
  },
  'GET /api/v1/entry-policies': open,
  'PUT /api/v1/entry-policies/:category': open,
  'POST /api/v1/checkins': open,
  'POST /api/v1/venues/:id/scan': {
    kind: 'regional',
    url: (f) => `/api/v1/venues/${f.venueId}/scan`,
    body: scanItem,
    reach: venueStaff,
  },
  'GET /api/v1/venues/:id/offline-bundle': {
    kind: 'regional',
    url: (f) => `/api/v1/venues/${f.venueId}/offline-bundle`,
    reach: venueStaff,
  },
  'POST /api/v1/venues/:id/scans': {
    kind: 'regional',
    url: (f) => `/api/v1/venues/${f.venueId}/scans`,
    body: () => ({ items: [scanItem()] }),
    reach: venueStaff,
  },
}

const pcrPositive = {
  testType: 'LP6464-4',
  name: 'RT-PCR SARS-CoV-2',
  sampledAt: '2026-11-02T08:30:00+03:00',
  result: '260373001',
  centre: 'City polyclinic No. 37',
  country: 'RU',
}

const sputnikDose = {
  vaccine: 'J07BX03',
  product: 'Sputnik-V',
  manufacturer: 'Gamaleya-Research-Institute',
  doseNumber: 2,
  totalDoses: 2,
  date: '2026-06-01',
  country: 'RU',
}

/**
 * Walks every route of `/openapi.json` with every role, each in the resource's own region
 * (St. Petersburg), another region (Moscow), the parent (federal) level, and with no one signed
 * in, and checks each answer against the route's declared expectation and its declared access.
 * A route without an expectation fails the walk.
 */
forEachDialect((dialect) => {
  describe(`every route × every role × every region (${dialect.name})`, () => {
    let t: TestApp
    let f: Fixtures
    before(async () => {
      t = await testApp(dialect.url())
      f = await fixtures(t)
    })
    after(() => t.close())

    it('declares an expectation for every route of the OpenAPI document', async () => {
      const openapi = (await t.request(undefined, 'GET', '/openapi.json')).json() as {
        paths: Record<string, Record<string, unknown>>
      }
      const catalogue = new Set(t.app.routeCatalogue.map((route) => `${route.method} ${route.url}`))
      const missing: string[] = []
      for (const [path, methods] of Object.entries(openapi.paths)) {
        for (const method of Object.keys(methods)) {
          const key = `${method.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`
          assert.ok(catalogue.has(key), `${key} is not in the access catalogue`)
          if (!(key in expectations)) missing.push(key)
        }
      }
      for (const route of t.app.routeCatalogue) {
        const key = `${route.method} ${route.url}`
        if (!(key in expectations)) missing.push(key)
      }
      assert.deepEqual([...new Set(missing)], [], 'routes without a declared expectation')
      assert.ok(t.app.routeCatalogue.length >= 20)
    })

    it('answers each route as declared, for each role in each region', async () => {
      const problems: string[] = []
      const expect = (ok: boolean, what: string) => {
        if (!ok) problems.push(what)
      }
      for (const route of t.app.routeCatalogue) {
        const name = `${route.method} ${route.url}`
        const expectation = expectations[name]
        if (!expectation) continue // reported by the test above
        const admits = (role: Role) =>
          route.access === 'public' || route.access === 'signedIn' || route.access.includes(role)
        const regional = expectation.kind === 'regional'
        const url = regional
          ? expectation.url(f)
          : route.url.replace(/\*$/, 'x').replace(/:(\w+)/g, 'no-such-$1')
        const bodyOf = () =>
          (regional || expectation.kind === 'deployment') && expectation.body
            ? expectation.body(f)
            : ['POST', 'PATCH', 'PUT'].includes(route.method)
              ? {}
              : undefined
        const anonymous = await t.request(undefined, route.method, url, bodyOf())
        if (route.access === 'public') {
          expect(![401, 403].includes(anonymous.statusCode), `${name} anonymous: public`)
        } else {
          expect(anonymous.statusCode === 401, `${name} anonymous: ${anonymous.statusCode}`)
        }
        for (const role of roles) {
          const reach = regional ? (expectation.reach ?? roles.filter(admits)) : roles
          const parent = regional
            ? (expectation.parent ?? reach.filter((r) => staffRoles.includes(r)))
            : roles
          const wide = expectation.kind === 'deployment'
          const cases: [string, TestUser, boolean][] = [
            ['own region', t.users[role], admits(role) && !wide && reach.includes(role)],
            ['other region', t.moscow[role], admits(role) && !wide && !regional],
            ['parent', t.federal[role], admits(role) && parent.includes(role)],
          ]
          for (const [where, user, through] of cases) {
            const answer = await t.request(user, route.method, url, bodyOf())
            const refused = [401, 403].includes(answer.statusCode)
            if (through) {
              expect(
                !refused,
                `${name} ${role} (${where}) answered ${answer.statusCode} ${answer.body}`,
              )
            } else {
              expect(
                answer.statusCode === 403 && answer.json().error.code === 'ERR_FORBIDDEN',
                `${name} ${role} (${where}) expected 403, answered ${answer.statusCode} ${answer.body.slice(0, 200)}`,
              )
            }
          }
        }
      }
      assert.deepEqual(problems, [])
    })
  })
})

/** Makes one of each regional resource in St. Petersburg. */
async function fixtures(t: TestApp): Promise<Fixtures> {
  const ok = (answer: { statusCode: number; body: string }, status: number) => {
    assert.equal(answer.statusCode, status, answer.body)
    return JSON.parse(answer.body)
  }
  const person = ok(
    await t.request(
      t.users.clinician,
      'POST',
      '/api/v1/people',
      personBody({ document: { type: 'passport', number: 'MATRIX001', country: 'RU' } }),
    ),
    201,
  )
  const dose = ok(
    await t.request(
      t.users.clinician,
      'POST',
      `/api/v1/people/${person.id}/vaccinations`,
      sputnikDose,
    ),
    201,
  )
  const request = ok(
    await t.request(t.users.clinician, 'POST', `/api/v1/people/${person.id}/commission-requests`, {
      evidence: { kind: 'test', data: pcrPositive },
      attachments: [
        {
          fileName: 'pcr-result.pdf',
          mediaType: 'application/pdf',
          content: Buffer.from('%PDF-1.4\n%%EOF\n').toString('base64'),
        },
      ],
    }),
    201,
  )
  const venue = ok(
    await t.request(t.users.venue_operator, 'POST', '/api/v1/venues', {
      name: 'Mariinsky Theatre',
      category: 'theatre',
      address: 'Theatre Square 1',
      district: 'RU-SPB-ADM',
    }),
    201,
  )
  const confirmed = ok(
    await t.request(t.users.health_authority, 'POST', '/api/v1/cases', { personId: person.id }),
    201,
  )
  const token = ok(
    await t.request(t.users.clinician, 'POST', '/api/v1/api-tokens', { name: 'ward tablet' }),
    201,
  )
  const area = ok(
    await t.request(t.users.health_authority, 'POST', '/api/v1/risk-areas', {
      areaCode: 'RU-SPB-ADM',
      name: 'Admiralteysky',
      level: 'high',
      from: '2026-11-15',
    }),
    201,
  )
  return {
    personId: person.id,
    recordId: dose.id,
    certificateId: dose.certificate.id,
    requestId: request.id,
    attachmentId: request.attachments[0].id,
    venueId: venue.id,
    caseId: confirmed.case.id,
    tokenId: token.token.id,
    riskAreaId: area.riskArea.id,
  }
}
