import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { build } from '../../src/api/app.js'
import { loadConfig } from '../../src/config/config.js'
import { forEachDialect } from '../support/dialects.js'
import { type TestApp, personBody, testApp } from './test-app.js'

const negativePcr = {
  testType: 'LP6464-4',
  name: 'RT-PCR SARS-CoV-2',
  sampledAt: '2026-11-23T07:00:00Z',
  result: '260415000',
  centre: 'City polyclinic No. 37',
  country: 'RU',
}
const positivePcr = { ...negativePcr, sampledAt: '2026-11-20T07:00:00Z', result: '260373001' }
const sputnikDose = {
  vaccine: 'J07BX03',
  product: 'Sputnik-V',
  manufacturer: 'Gamaleya-Research-Institute',
  doseNumber: 2,
  totalDoses: 2,
  date: '2026-06-01',
  country: 'RU',
}
const antibodies = {
  assay: 'Elecsys Anti-SARS-CoV-2 S',
  value: 350,
  unit: 'U/mL',
  threshold: 100,
  date: '2026-11-20',
  country: 'RU',
}
const png = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
)

forEachDialect((dialect) => {
  describe(`certificates (${dialect.name})`, () => {
    let t: TestApp
    before(async () => {
      t = await testApp(dialect.url(), { env: { ATTACHMENT_MAX_BYTES: '4096' } })
    })
    after(() => t.close())

    let documentNumber = 0
    /** Claim codes of the people made here, by person id (from the registration slip). */
    const claimCodes = new Map<string, string>()

    async function person(overrides: Record<string, unknown> = {}): Promise<string> {
      const answer = await t.request(
        t.users.clinician,
        'POST',
        '/api/v1/people',
        personBody({
          document: { type: 'passport', number: `CRT${++documentNumber}`, country: 'RU' },
          ...overrides,
        }),
      )
      assert.equal(answer.statusCode, 201, answer.body)
      claimCodes.set(answer.json().id, answer.json().claimCode)
      return answer.json().id
    }

    const enter = (personId: string, path: string, body: unknown) =>
      t.request(t.users.clinician, 'POST', `/api/v1/people/${personId}/${path}`, body)

    it('issues an EU DCC for a vaccination and a negative test, none for a positive test', async () => {
      const id = await person()
      const dose = await enter(id, 'vaccinations', sputnikDose)
      assert.equal(dose.statusCode, 201, dose.body)
      assert.equal(dose.json().certificate.kind, 'vaccination')
      assert.equal(dose.json().certificate.payloadType, 'eu-dcc')
      const verified = await t.request(undefined, 'POST', '/api/v1/verify', {
        qr: dose.json().certificate.qr,
      })
      assert.equal(verified.json().valid, true, verified.body)
      assert.equal(verified.json().certificate.dcc.v[0].mp, 'Sputnik-V')
      assert.equal(verified.json().certificate.dcc.v[0].ci, dose.json().certificate.uvci)

      const negative = await enter(id, 'tests', negativePcr)
      assert.equal(negative.json().certificate.kind, 'test')
      // 72 hours after the sample, by default.
      assert.equal(negative.json().certificate.expiresAt, '2026-11-26T07:00:00.000Z')
    })

    it('suspends the holder’s certificates on a positive test and reinstates them on recovery', async () => {
      const id = await person()
      const dose = (await enter(id, 'vaccinations', sputnikDose)).json().certificate
      const positive = await enter(id, 'tests', positivePcr)
      assert.equal(positive.statusCode, 201, positive.body)
      assert.equal(positive.json().certificate, null)
      assert.deepEqual(positive.json().suspendedCertificates, [dose.id])
      const suspended = await t.request(t.users.clinician, 'GET', `/api/v1/certificates/${dose.id}`)
      assert.equal(suspended.json().status, 'suspended')
      const atDoor = await t.request(undefined, 'POST', '/api/v1/verify', { qr: dose.qr })
      assert.equal(atDoor.json().stage, 'revoked', 'a suspended code is on the revocation list')

      const recovery = await enter(id, 'recoveries', {
        firstPositive: '2026-11-20',
        validFrom: '2026-12-01',
        validUntil: '2027-05-19',
        country: 'RU',
      })
      assert.deepEqual(recovery.json().reinstatedCertificates, [dose.id])
      const back = await t.request(undefined, 'POST', '/api/v1/verify', { qr: dose.qr })
      assert.equal(back.json().valid, true, back.body)
    })

    it('issues an antibody certificate in our own payload, verified by the same pipeline', async () => {
      const id = await person()
      const high = await enter(id, 'antibody-tests', antibodies)
      const certificate = high.json().certificate
      assert.equal(certificate.payloadType, 'healthcode-antibody')
      const verified = await t.request(undefined, 'POST', '/api/v1/verify', { qr: certificate.qr })
      assert.equal(verified.json().valid, true, verified.body)
      assert.equal(verified.json().certificate.payloadType, 'healthcode-antibody')
      const low = await enter(id, 'antibody-tests', { ...antibodies, value: 20 })
      assert.equal(low.json().certificate, null, 'below the threshold: no certificate')
    })

    it('keeps verifying codes of a rotated key, and signs new ones with the new key', async () => {
      const id = await person()
      const before = (await enter(id, 'vaccinations', sputnikDose)).json().certificate
      const rotated = await t.request(t.users.administrator, 'POST', '/api/v1/keys/rotate', {
        issuerId: 'ru-spb',
      })
      assert.equal(rotated.statusCode, 201, rotated.body)
      assert.equal(rotated.json().sealedPrivateKey, undefined)
      const afterRotation = (await enter(id, 'tests', negativePcr)).json().certificate
      for (const qr of [before.qr, afterRotation.qr]) {
        const verified = await t.request(undefined, 'POST', '/api/v1/verify', { qr })
        assert.equal(verified.json().valid, true, verified.body)
      }
      const kids = new Set([before.qr, afterRotation.qr].map((qr: string) => qr.slice(0, 4)))
      assert.ok(kids.size >= 1)
      const keys = await t.request(t.users.administrator, 'GET', '/api/v1/keys')
      // The EU-facing document signer, which signs EU DCCs, was rotated.
      const spb = keys
        .json()
        .keys.filter(
          (k: { issuerId?: string; purpose: string }) =>
            k.issuerId === 'ru-spb' && k.purpose === 'document-signer',
        )
      assert.deepEqual(spb.map((k: { status: string }) => k.status).sort(), ['active', 'retired'])
      assert.ok(!JSON.stringify(keys.json()).includes('hckv1'), 'no sealed key leaves the server')
      const list = (await t.request(undefined, 'GET', '/api/v1/trust-list')).json()
      for (const key of spb) {
        assert.ok(list.some((entry: { kid: string }) => entry.kid === key.kid))
      }
      const otherRegion = await t.request(t.users.administrator, 'POST', '/api/v1/keys/rotate', {
        issuerId: 'ru-mow',
      })
      assert.equal(otherRegion.statusCode, 403)
    })

    it('lets only the holder and staff of the issuer see a certificate, and authorised staff revoke', async () => {
      const id = await person()
      const certificate = (await enter(id, 'vaccinations', sputnikDose)).json().certificate
      const foreign = await t.request(
        t.otherRegionClinician,
        'GET',
        `/api/v1/certificates/${certificate.id}/pdf`,
      )
      assert.equal(foreign.statusCode, 403)
      const byClinician = await t.request(
        t.users.clinician,
        'POST',
        `/api/v1/certificates/${certificate.id}/revoke`,
        { reason: 'clinicians do not revoke' },
      )
      assert.equal(byClinician.statusCode, 403)
      const byHand = await t.request(
        t.users.clinician,
        'POST',
        `/api/v1/records/${certificate.recordId}/certificates`,
      )
      assert.equal(byHand.statusCode, 409, 'the record already has a valid certificate')
    })

    it('refuses bad evidence with a code naming the field, and stores nothing', async () => {
      const id = await person()
      const cases: [unknown, number, string, string][] = [
        [
          { evidence: { kind: 'test', data: negativePcr } },
          400,
          'ERR_INVALID_FIELD',
          'evidence.data.result',
        ],
        [
          {
            evidence: { kind: 'test', data: { ...positivePcr, sampledAt: '2026-12-01T00:00:00Z' } },
          },
          400,
          'ERR_VALIDATION',
          'evidence.data.sampledAt',
        ],
        [
          { evidence: { kind: 'test', data: { ...positivePcr, testType: 'LP0000-0' } } },
          400,
          'ERR_INVALID_FIELD',
          'evidence.data.testType',
        ],
        [
          {
            evidence: { kind: 'test', data: positivePcr },
            attachments: [
              {
                fileName: 'x.pdf',
                mediaType: 'application/pdf',
                content: Buffer.from('hello').toString('base64'),
              },
            ],
          },
          400,
          'ERR_ATTACHMENT',
          'attachments[0]',
        ],
        [
          {
            evidence: { kind: 'test', data: positivePcr },
            attachments: [
              {
                fileName: 'scan.pdf',
                mediaType: 'application/pdf',
                content: png.toString('base64'),
              },
            ],
          },
          400,
          'ERR_ATTACHMENT',
          'attachments[0]',
        ],
        [
          {
            evidence: { kind: 'test', data: positivePcr },
            attachments: [
              {
                fileName: 'big.png',
                mediaType: 'image/png',
                content: Buffer.concat([png, Buffer.alloc(6000)]).toString('base64'),
              },
            ],
          },
          400,
          'ERR_ATTACHMENT',
          'attachments[0]',
        ],
      ]
      for (const [body, status, code, field] of cases) {
        const answer = await t.request(
          t.users.clinician,
          'POST',
          `/api/v1/people/${id}/commission-requests`,
          body,
        )
        assert.equal(answer.statusCode, status, answer.body)
        assert.equal(answer.json().error.code, code, answer.body)
        assert.equal(answer.json().error.field, field, answer.body)
      }
      const stored = await t.request(
        t.users.clinician,
        'GET',
        `/api/v1/people/${id}/commission-requests`,
      )
      assert.deepEqual(stored.json().requests, [])
    })

    it('leaves neither record nor certificate behind when an approval fails to sign', async () => {
      const id = await person()
      const filed = await t.request(
        t.users.clinician,
        'POST',
        `/api/v1/people/${id}/commission-requests`,
        {
          evidence: { kind: 'test', data: positivePcr },
        },
      )
      assert.equal(filed.statusCode, 201, filed.body)
      // A second server over the same store whose KEK does not open the signing keys.
      const wrongKek = await build({
        config: loadConfig({ LOG_LEVEL: 'silent', KEY_ENCRYPTION_KEY: '17'.repeat(32) }),
        store: t.store,
        clock: t.clock,
        logger: false,
      })
      try {
        const failed = await wrongKek.inject({
          method: 'POST',
          url: `/api/v1/commission/requests/${filed.json().id}/decision`,
          headers: { authorization: `Bearer ${t.users.commission_member.token}` },
          payload: { outcome: 'approved' },
        })
        assert.equal(failed.statusCode, 503, failed.body)
        assert.equal(failed.json().error.code, 'ERR_SIGNING_UNAVAILABLE')
      } finally {
        await wrongKek.close()
      }
      const records = await t.request(t.users.clinician, 'GET', `/api/v1/people/${id}/records`)
      assert.deepEqual(records.json().records, [])
      const certificates = await t.request(
        t.users.clinician,
        'GET',
        `/api/v1/people/${id}/certificates`,
      )
      assert.deepEqual(certificates.json().certificates, [])
      const request = await t.request(
        t.users.clinician,
        'GET',
        `/api/v1/commission/requests/${filed.json().id}`,
      )
      assert.equal(request.json().status, 'submitted')
      const retried = await t.request(
        t.users.commission_member,
        'POST',
        `/api/v1/commission/requests/${filed.json().id}/decision`,
        { outcome: 'approved' },
      )
      assert.equal(retried.statusCode, 200, retried.body)
    })

    it('lets a citizen with an account submit their own evidence and appeal, but not decide', async () => {
      const id = await person({
        document: { type: 'national-id', number: '4099 111222', country: 'RU' },
      })
      const claim = await t.request(t.users.citizen, 'POST', '/api/v1/me/claim', {
        document: { type: 'national-id', number: '4099 111222', country: 'RU' },
        birthDate: '1985-03-14',
        claimCode: claimCodes.get(id),
      })
      assert.equal(claim.statusCode, 200, claim.body)
      const filed = await t.request(
        t.users.citizen,
        'POST',
        `/api/v1/people/${id}/commission-requests`,
        {
          evidence: { kind: 'antibody', data: antibodies },
          attachments: [
            { fileName: 'result.png', mediaType: 'image/png', content: png.toString('base64') },
          ],
        },
      )
      assert.equal(filed.statusCode, 201, filed.body)
      const decide = await t.request(
        t.users.citizen,
        'POST',
        `/api/v1/commission/requests/${filed.json().id}/decision`,
        { outcome: 'approved' },
      )
      assert.equal(decide.statusCode, 403)
      const other = await person()
      const notTheirs = await t.request(
        t.users.citizen,
        'POST',
        `/api/v1/people/${other}/commission-requests`,
        {
          evidence: { kind: 'antibody', data: antibodies },
        },
      )
      assert.equal(notTheirs.statusCode, 403)
      const approved = await t.request(
        t.users.commission_member,
        'POST',
        `/api/v1/commission/requests/${filed.json().id}/decision`,
        { outcome: 'approved' },
      )
      assert.equal(approved.json().certificate.kind, 'antibody')
      const mine = await t.request(t.users.citizen, 'GET', `/api/v1/people/${id}/certificates`)
      assert.equal(mine.json().certificates.length, 1)
    })

    it('lets exactly one of two simultaneous decisions, or revocations, succeed', async () => {
      const id = await person()
      const filed = await t.request(
        t.users.clinician,
        'POST',
        `/api/v1/people/${id}/commission-requests`,
        {
          evidence: { kind: 'test', data: positivePcr },
        },
      )
      const url = `/api/v1/commission/requests/${filed.json().id}/decision`
      const answers = await Promise.all([
        t.request(t.users.commission_member, 'POST', url, { outcome: 'approved' }),
        t.request(t.secondCommissionMember, 'POST', url, { outcome: 'approved' }),
      ])
      assert.deepEqual(
        answers.map((a) => a.statusCode).sort(),
        [200, 409],
        answers.map((a) => a.body).join('\n'),
      )
      const records = await t.request(t.users.clinician, 'GET', `/api/v1/people/${id}/records`)
      assert.equal(records.json().records.length, 1, 'one recovery, not two')
      const certificates = (
        await t.request(t.users.clinician, 'GET', `/api/v1/people/${id}/certificates`)
      ).json().certificates
      assert.equal(certificates.length, 1)
      const revocations = await Promise.all(
        [t.users.administrator, t.users.health_authority].map((user) =>
          t.request(user, 'POST', `/api/v1/certificates/${certificates[0].id}/revoke`, {
            reason: 'duplicate entry',
          }),
        ),
      )
      assert.deepEqual(revocations.map((a) => a.statusCode).sort(), [200, 409])
      const audit = await t.request(t.users.administrator, 'GET', '/api/v1/audit/verify')
      assert.equal(audit.json().intact, true, audit.body)
    })
  })
})
