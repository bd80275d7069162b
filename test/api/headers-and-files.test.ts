import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { forEachDialect } from '../support/dialects.js'
import { type TestApp, personBody, testApp } from './test-app.js'

const pcrPositive = {
  testType: 'LP6464-4',
  name: 'RT-PCR SARS-CoV-2',
  sampledAt: '2026-11-02T08:30:00+03:00',
  result: '260373001',
  centre: 'City polyclinic No. 37',
  country: 'RU',
}
const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 1, 2, 3])
// A PDF whose opening runs a script, as an attacker's evidence would.
const scriptedPdf = Buffer.from(
  '%PDF-1.4\n1 0 obj << /Type /Catalog /OpenAction << /S /JavaScript /JS (app.alert(1)) >> >> endobj\n%%EOF\n',
)

forEachDialect((dialect) => {
  describe(`headers and files (${dialect.name})`, () => {
    let t: TestApp
    before(async () => {
      t = await testApp(dialect.url(), { env: { PUBLIC_URL: 'https://health.example' } })
    })
    after(() => t.close())

    it('sends nosniff, a CSP refusing frames, and HSTS (PUBLIC_URL is https) on pages and JSON', async () => {
      for (const url of ['/', '/api/v1/trust-list', '/api/v1/no-such-route']) {
        const answer = await t.request(undefined, 'GET', url)
        assert.equal(answer.headers['x-content-type-options'], 'nosniff', url)
        assert.equal(answer.headers['x-frame-options'], 'DENY', url)
        const policy = String(answer.headers['content-security-policy'])
        assert.match(policy, /frame-ancestors 'none'/, url)
        assert.match(policy, /script-src 'self' 'wasm-unsafe-eval'/, url)
        assert.match(policy, /object-src 'none'/, url)
        assert.match(String(answer.headers['strict-transport-security']), /max-age=31536000/, url)
      }
      // The home page's one inline style is allowed by its hash, nothing else inline.
      const home = await t.request(undefined, 'GET', '/')
      assert.match(String(home.headers['content-security-policy']), /style-src 'self' 'sha256-/)
    })

    it('sends the same opener, referrer, prefetch and cross-domain headers on every answer', async () => {
      for (const url of ['/', '/healthz', '/api/v1/trust-list', '/api/v1/no-such-route']) {
        const answer = await t.request(undefined, 'GET', url)
        assert.equal(answer.headers['cross-origin-opener-policy'], 'same-origin', url)
        assert.equal(answer.headers['origin-agent-cluster'], '?1', url)
        assert.equal(answer.headers['referrer-policy'], 'same-origin', url)
        assert.equal(answer.headers['x-dns-prefetch-control'], 'off', url)
        assert.equal(answer.headers['x-download-options'], 'noopen', url)
        assert.equal(answer.headers['x-permitted-cross-domain-policies'], 'none', url)
        assert.equal(answer.headers['x-xss-protection'], '0', url)
        // Partners' verifiers call the API from other origins.
        assert.equal(answer.headers['cross-origin-resource-policy'], undefined, url)
      }
      const json = await t.request(undefined, 'GET', '/healthz')
      assert.match(String(json.headers['content-security-policy']), /; upgrade-insecure-requests$/)
    })

    it('sends no HSTS when PUBLIC_URL is plain http', async () => {
      const plain = await testApp(dialect.url(), { env: { PUBLIC_URL: 'http://localhost:8080' } })
      try {
        const answer = await plain.request(undefined, 'GET', '/healthz')
        assert.equal(answer.headers['strict-transport-security'], undefined)
        assert.doesNotMatch(
          String(answer.headers['content-security-policy']),
          /upgrade-insecure-requests/,
        )
        assert.equal(answer.headers['x-content-type-options'], 'nosniff')
      } finally {
        await plain.close()
      }
    })

    it('marks API answers no-store, except the public lists verifiers cache', async () => {
      const people = await t.request(t.users.clinician, 'GET', '/api/v1/people')
      assert.equal(people.statusCode, 200)
      assert.equal(people.headers['cache-control'], 'no-store')
      const session = await t.request(t.users.citizen, 'GET', '/api/v1/auth/session')
      assert.equal(session.headers['cache-control'], 'no-store')
      const refused = await t.request(undefined, 'GET', '/api/v1/people')
      assert.equal(refused.statusCode, 401)
      assert.equal(refused.headers['cache-control'], 'no-store')
      const trustList = await t.request(undefined, 'GET', '/api/v1/trust-list')
      assert.equal(trustList.statusCode, 200)
      assert.equal(trustList.headers['cache-control'], 'public, max-age=60')
    })

    it('stores evidence file names without bidi controls, shows images only sandboxed and always downloads PDFs', async () => {
      const person = await t.request(
        t.users.clinician,
        'POST',
        '/api/v1/people',
        personBody({ document: { type: 'national-id', number: '4015 777001', country: 'RU' } }),
      )
      assert.equal(person.statusCode, 201, person.body)
      const filed = await t.request(
        t.users.clinician,
        'POST',
        `/api/v1/people/${person.json().id}/commission-requests`,
        {
          evidence: { kind: 'test', data: pcrPositive },
          attachments: [
            {
              fileName: 'lab\u202egnp.exe',
              mediaType: 'image/png',
              content: png.toString('base64'),
            },
            {
              fileName: 'анализ (1).pdf',
              mediaType: 'application/pdf',
              content: scriptedPdf.toString('base64'),
            },
          ],
        },
      )
      assert.equal(filed.statusCode, 201, filed.body)
      const files = filed.json().attachments as {
        id: string
        fileName: string
        mediaType: string
      }[]
      const image = files.find((file) => file.mediaType === 'image/png')
      const pdf = files.find((file) => file.mediaType === 'application/pdf')
      assert.equal(image?.fileName, 'labgnp.exe')
      const address = (id: string | undefined) =>
        `/api/v1/commission/requests/${filed.json().id}/attachments/${id}`

      const shown = await t.request(
        t.users.commission_member,
        'GET',
        `${address(image?.id)}?disposition=inline`,
      )
      assert.equal(shown.statusCode, 200)
      assert.equal(shown.headers['content-type'], 'image/png')
      assert.equal(
        shown.headers['content-disposition'],
        `inline; filename="labgnp.exe"; filename*=UTF-8''labgnp.exe`,
      )
      assert.match(String(shown.headers['content-security-policy']), /^sandbox; default-src 'none'/)
      assert.deepEqual(shown.rawPayload, png)

      const downloaded = await t.request(t.users.commission_member, 'GET', address(image?.id))
      assert.match(String(downloaded.headers['content-disposition']), /^attachment; /)

      const asked = await t.request(
        t.users.commission_member,
        'GET',
        `${address(pdf?.id)}?disposition=inline`,
      )
      assert.equal(asked.statusCode, 200)
      assert.equal(asked.headers['content-type'], 'application/pdf')
      assert.equal(
        asked.headers['content-disposition'],
        `attachment; filename="______ (1).pdf"; filename*=UTF-8''%D0%B0%D0%BD%D0%B0%D0%BB%D0%B8%D0%B7%20%281%29.pdf`,
      )
      assert.equal(asked.headers['cache-control'], 'private, no-store')
    })
  })
})
