// Two signers per issuer (docs/interoperability.md, "Two signers"): an EU-facing document signer for
// EU DCCs on the EU-facing list, a domestic signer for dynamic codes and antibody certificates on
// the domestic list; an EU verifier that trusts our EU-facing list finds no valid signature on a
// domestic code, and a store from before the split migrates without breaking what it issued.
import assert from 'node:assert/strict'
import { X509Certificate } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { after, before, describe, it } from 'node:test'
import type { Kysely } from 'kysely'
import {
  type JsonValue,
  decodeBase45,
  decodeCoseSign1,
  decodeHc1Claims,
  inflateZlib,
  signHc1,
  stripHc1Prefix,
  verifyHc1,
} from '../../src/codec/hc1/index.js'
import { TrustList, createCsca, createDocumentSigner } from '../../src/codec/trust/index.js'
import { readTrustList } from '../../src/codec/trust-list/index.js'
import { KeyVault } from '../../src/domain/keys/key-vault.js'
import { SigningKeyService } from '../../src/domain/keys/signing-key-service.js'
import { TrustListService } from '../../src/domain/trust/trust-list-service.js'
import { migrateToLatest, openDatabase } from '../../src/storage/open-store.js'
import { forEachDialect } from '../support/dialects.js'
import { migrateUpTo } from '../support/migrations.js'
import { TEST_KEK, type TestApp, personBody, testApp } from './test-app.js'

const MINUTE = 60_000
const DCC_TYPE_OIDS = [
  '1.3.6.1.4.1.1847.2021.1.1',
  '1.3.6.1.4.1.1847.2021.1.2',
  '1.3.6.1.4.1.1847.2021.1.3',
]
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
const fixture = (name: string) =>
  JSON.parse(
    readFileSync(
      new URL(`../../src/codec/hc1/test-fixtures/${name}.json`, import.meta.url),
      'utf8',
    ),
  ) as JsonValue

interface ListedKey {
  purpose: string
  issuerId?: string
  kid: string
  status: string
  certificatePem: string
}

/** What an EU verifier trusts when it takes one of our lists: its DSCs, checked against our CSCA. */
async function trustFromList(t: TestApp, path: string): Promise<TrustList> {
  const list = (await t.request(undefined, 'GET', path)).json()
  const signer = (await t.request(undefined, 'GET', '/api/v1/trust-list/signer')).body
  return new TrustList(
    readTrustList(list, { signingCertificate: new Uint8Array(new X509Certificate(signer).raw) })
      .signers,
  )
}

/** The kids of the DSCs a list of ours publishes. */
async function kidsOnList(t: TestApp, path: string): Promise<string[]> {
  const list = (await t.request(undefined, 'GET', path)).json() as {
    kid: string
    certificateType: string
  }[]
  return list.filter((entry) => entry.certificateType === 'DSC').map((entry) => entry.kid)
}

const anyPayload = ['eu-dcc', 'healthcode-antibody', 'healthcode-status'] as const

forEachDialect((dialect) => {
  describe(`two signers per issuer (${dialect.name})`, () => {
    let t: TestApp
    let personId: string
    let dcc: string
    let antibody: string
    let token: string
    before(async () => {
      t = await testApp(dialect.url())
      const person = await t.request(t.users.clinician, 'POST', '/api/v1/people', personBody())
      personId = person.json().id
      const dose = await t.request(
        t.users.clinician,
        'POST',
        `/api/v1/people/${personId}/vaccinations`,
        sputnikDose,
      )
      dcc = dose.json().certificate.qr
      const measured = await t.request(
        t.users.clinician,
        'POST',
        `/api/v1/people/${personId}/antibody-tests`,
        antibodies,
      )
      assert.equal(measured.statusCode, 201, measured.body)
      antibody = measured.json().certificate.qr
      token = (
        await t.request(t.users.clinician, 'GET', `/api/v1/people/${personId}/health-code/token`)
      ).json().qr
    })
    after(() => t.close())

    const keys = async () =>
      (await t.request(t.federalAdmin, 'GET', '/api/v1/keys')).json().keys as ListedKey[]
    const kidOf = (qr: string) =>
      Buffer.from(
        decodeCoseSign1(inflateZlib(decodeBase45(stripHc1Prefix(qr)))).kid as Uint8Array,
      ).toString('base64')

    it('gives each issuer an EU-facing signer whose certificate names the DCC types, and a domestic one that names none', async () => {
      const all = await keys()
      for (const issuerId of ['ru', 'ru-spb', 'ru-mow']) {
        const eu = all.filter((k) => k.issuerId === issuerId && k.purpose === 'document-signer')
        const domestic = all.filter(
          (k) => k.issuerId === issuerId && k.purpose === 'domestic-signer',
        )
        assert.equal(eu.length, 1, issuerId)
        assert.equal(domestic.length, 1, issuerId)
        const usage = (pem: string) => new X509Certificate(pem).keyUsage ?? []
        assert.deepEqual([...usage((eu[0] as ListedKey).certificatePem)].sort(), DCC_TYPE_OIDS)
        assert.deepEqual(usage((domestic[0] as ListedKey).certificatePem), [])
      }
      // Each kind of code is signed by the signer of its list.
      const spb = all.filter((k) => k.issuerId === 'ru-spb')
      const kidFor = (purpose: string) => spb.find((k) => k.purpose === purpose)?.kid
      assert.equal(kidOf(dcc), kidFor('document-signer'))
      assert.equal(kidOf(antibody), kidFor('domestic-signer'))
      assert.equal(kidOf(token), kidFor('domestic-signer'))
    })

    it('publishes the EU-facing signers on the EU-facing list and the domestic ones on the domestic list only', async () => {
      const all = await keys()
      const eu = await kidsOnList(t, '/api/v1/trust-list')
      const domestic = await kidsOnList(t, '/api/v1/trust-list/domestic')
      const kids = (purpose: string) =>
        all
          .filter((k) => k.purpose === purpose)
          .map((k) => k.kid)
          .sort()
      assert.deepEqual([...eu].sort(), kids('document-signer'))
      assert.deepEqual([...domestic].sort(), kids('domestic-signer'))
      // What a Gateway export takes: the EU-facing signers' certificates, and no domestic one.
      const trustLists = new TrustListService(
        t.store,
        t.clock,
        new SigningKeyService(t.store, t.clock, KeyVault.fromText(TEST_KEK)),
        0,
      )
      const euFacing = await trustLists.euFacingSignerCertificates()
      assert.deepEqual(euFacing.map((c) => c.kid).sort(), kids('document-signer'))
      assert.ok(euFacing.every((c) => !c.legacy && c.country === 'RU'))
    })

    it('lets an EU verifier that trusts only our EU-facing list verify our EU DCCs and find no signer for our own codes', async () => {
      const eu = await trustFromList(t, '/api/v1/trust-list')
      const at = t.clock()
      const judged = (qr: string) => verifyHc1(qr, { trust: eu, at, payloadTypes: [...anyPayload] })
      assert.equal(judged(dcc).valid, true, JSON.stringify(judged(dcc)))
      for (const qr of [token, antibody]) {
        const result = judged(qr)
        assert.equal(result.valid, false)
        assert.equal(result.stage, 'signature')
        assert.equal(result.valid ? undefined : result.error.code, 'ERR_KEY_NOT_IN_TRUST_LIST')
      }
      // The domestic list is the other way round.
      const domestic = await trustFromList(t, '/api/v1/trust-list/domestic')
      const atHome = (qr: string) =>
        verifyHc1(qr, { trust: domestic, at, payloadTypes: [...anyPayload] })
      assert.equal(atHome(token).valid, true)
      assert.equal(atHome(antibody).valid, true)
      const refused = atHome(dcc)
      assert.equal(refused.valid ? undefined : refused.error.code, 'ERR_KEY_NOT_IN_TRUST_LIST')
    })

    it('refuses, through another deployment that imported our EU-facing list, our dynamic code and antibody certificate and accepts our EU DCC', async () => {
      const partner = await testApp(dialect.url())
      try {
        const signer = (await t.request(undefined, 'GET', '/api/v1/trust-list/signer')).body
        const added = await partner.request(
          partner.federalAdmin,
          'POST',
          '/api/v1/trust-partners',
          {
            name: 'St. Petersburg (EU-facing)',
            signingCertificate: signer,
          },
        )
        assert.equal(added.statusCode, 201, added.body)
        const imported = await partner.request(
          partner.federalAdmin,
          'POST',
          `/api/v1/trust-partners/${added.json().id}/import`,
          { trustList: (await t.request(undefined, 'GET', '/api/v1/trust-list')).json() },
        )
        assert.equal(imported.statusCode, 200, imported.body)
        const verify = async (qr: string) =>
          (await partner.request(undefined, 'POST', '/api/v1/verify', { qr })).json()
        assert.equal((await verify(dcc)).valid, true)
        for (const qr of [token, antibody]) {
          const answer = await verify(qr)
          assert.equal(answer.valid, false)
          assert.equal(answer.error.code, 'ERR_KEY_NOT_IN_TRUST_LIST')
        }
      } finally {
        await partner.close()
      }
    })

    it('accepts every kind at our own verifier, each from the signer of its list only (ERR_SIGNER_SCOPE)', async () => {
      const verify = async (qr: string) =>
        (await t.request(t.users.clinician, 'POST', '/api/v1/verify', { qr })).json()
      for (const qr of [dcc, antibody, token]) assert.equal((await verify(qr)).valid, true)
      // A code signed by the other list's signer: a domestic signer's EU DCC, an EU signer's token.
      const service = new SigningKeyService(t.store, t.clock, KeyVault.fromText(TEST_KEK))
      const now = new Date(Math.floor(t.clock().getTime() / 1000) * 1000)
      const resign = async (qr: string, list: 'eu' | 'domestic') => {
        const claims = decodeHc1Claims(
          decodeCoseSign1(inflateZlib(decodeBase45(stripHc1Prefix(qr)))).payload,
        )
        const signer = await t.store.transaction((tx) => service.signerFor(tx, 'ru-spb', list))
        return signHc1(
          {
            dcc: (claims.payloadType === 'healthcode-status'
              ? claims.status
              : claims.dcc) as JsonValue,
            payloadType: claims.payloadType,
            issuer: 'RU',
            issuedAt: now,
            expiresAt: new Date(now.getTime() + 5 * MINUTE),
          },
          { privateKey: signer.privateKey, kid: signer.kid },
        )
      }
      for (const [qr, list] of [
        [dcc, 'domestic'],
        [token, 'eu'],
      ] as const) {
        const answer = await verify(await resign(qr, list))
        assert.equal(answer.valid, false, JSON.stringify(answer))
        assert.equal(answer.stage, 'key_usage')
        assert.equal(answer.error.code, 'ERR_SIGNER_SCOPE')
      }
    })

    it('rotates the domestic signer: the new one signs, the old one stays on the domestic list until it expires', async () => {
      const before = await keys()
      const old = before.find((k) => k.issuerId === 'ru-spb' && k.purpose === 'domestic-signer')
      const rotated = await t.request(t.users.administrator, 'POST', '/api/v1/keys/rotate', {
        issuerId: 'ru-spb',
        list: 'domestic',
      })
      assert.equal(rotated.statusCode, 201, rotated.body)
      assert.equal(rotated.json().purpose, 'domestic-signer')
      const fresh = (
        await t.request(t.users.clinician, 'GET', `/api/v1/people/${personId}/health-code/token`)
      ).json().qr
      assert.equal(kidOf(fresh), rotated.json().kid)
      const domestic = await kidsOnList(t, '/api/v1/trust-list/domestic')
      assert.ok(domestic.includes(rotated.json().kid))
      assert.ok(domestic.includes(old?.kid as string), 'the retired signer stays listed')
      assert.ok(!(await kidsOnList(t, '/api/v1/trust-list')).includes(rotated.json().kid))
      const verify = async (qr: string) =>
        (await t.request(t.users.clinician, 'POST', '/api/v1/verify', { qr })).json()
      assert.equal((await verify(token)).valid, true, 'a token of the retired signer verifies')
      assert.equal((await verify(fresh)).valid, true)
      const unknownList = await t.request(t.users.administrator, 'POST', '/api/v1/keys/rotate', {
        issuerId: 'ru-spb',
        list: 'gateway',
      })
      assert.equal(unknownList.statusCode, 400)
    })
  })

  describe(`a store from before the two signers (${dialect.name})`, () => {
    let url: string
    let t: TestApp
    let oldDcc: string
    let oldToken: string
    let legacyKid: string
    before(async () => {
      url = dialect.url()
      const { db, dialect: storage } = await openDatabase(url)
      const vault = KeyVault.fromText(TEST_KEK)
      const at = new Date('2026-11-23T09:00:00.000Z')
      try {
        await migrateUpTo(db, storage, '20261206110000-limits-and-claim-codes')
        // Keys as they were made before: one CSCA, one document signer per issuer for every kind.
        const year = 365 * 86_400_000
        const csca = await createCsca({
          country: 'RU',
          commonName: 'Healthcode CSCA',
          notBefore: new Date(at.getTime() - year),
          notAfter: new Date(at.getTime() + 9 * year),
        })
        const signer = await createDocumentSigner(
          csca,
          {
            country: 'RU',
            commonName: 'St. Petersburg document signer',
            notBefore: new Date(at.getTime() - year),
            notAfter: new Date(at.getTime() + year),
          },
          'all',
        )
        legacyKid = Buffer.from(signer.kid).toString('base64')
        const insert = db as unknown as Kysely<Record<string, Record<string, unknown>>>
        await insert
          .insertInto('issuers')
          .values([
            {
              id: 'ru',
              name: 'Russian Federation',
              level: 'federal',
              country: 'RU',
              parent_id: null,
            },
            {
              id: 'ru-spb',
              name: 'St. Petersburg',
              level: 'region',
              country: 'RU',
              parent_id: 'ru',
            },
            { id: 'ru-mow', name: 'Moscow', level: 'region', country: 'RU', parent_id: 'ru' },
          ])
          .execute()
        for (const [id, purpose, issuerId, issued] of [
          ['00000000-0000-4000-8000-000000000001', 'csca', null, csca],
          ['00000000-0000-4000-8000-000000000002', 'document-signer', 'ru-spb', signer],
        ] as const) {
          const certificate = new X509Certificate(issued.der)
          await insert
            .insertInto('signing_keys')
            .values({
              id,
              purpose,
              issuer_id: issuerId,
              kid: Buffer.from(issued.kid).toString('base64'),
              certificate: issued.pem,
              sealed_private_key: vault.seal(issued.privateKey, id),
              status: 'active',
              not_before: new Date(certificate.validFrom).toISOString(),
              not_after: new Date(certificate.validTo).toISOString(),
              created_at: at.toISOString(),
              retired_at: null,
            })
            .execute()
        }
        const sign = (
          payload: JsonValue,
          payloadType: 'eu-dcc' | 'healthcode-status',
          minutes: number,
        ) =>
          signHc1(
            {
              dcc: payload,
              payloadType,
              issuer: 'RU',
              issuedAt: at,
              expiresAt: new Date(at.getTime() + minutes * MINUTE),
            },
            { privateKey: signer.privateKey, kid: signer.kid },
          )
        oldDcc = sign(fixture('dcc-vaccination'), 'eu-dcc', 365 * 24 * 60)
        oldToken = sign(fixture('healthcode-status'), 'healthcode-status', 30)
        await migrateToLatest(db, storage)
      } finally {
        await db.destroy()
      }
      t = await testApp(url, { keys: false })
    })
    after(() => t.close())

    const verify = async (qr: string) =>
      (await t.request(t.users.clinician, 'POST', '/api/v1/verify', { qr })).json()

    it('keeps every code the old signer issued verifying, at our verifier and against the list it was published on', async () => {
      const listed = (await t.request(t.federalAdmin, 'GET', '/api/v1/keys')).json()
        .keys as ListedKey[]
      assert.deepEqual(listed.map((k) => `${k.purpose} ${k.status}`).sort(), [
        'csca active',
        'legacy-signer active',
      ])
      assert.equal((await verify(oldDcc)).valid, true)
      assert.equal((await verify(oldToken)).valid, true)
      const eu = await trustFromList(t, '/api/v1/trust-list')
      assert.equal(verifyHc1(oldDcc, { trust: eu, at: t.clock() }).valid, true)
      assert.ok((await kidsOnList(t, '/api/v1/trust-list/domestic')).includes(legacyKid))
    })

    it('goes on issuing with the old signer until the keys are made, then signs each kind with its own and retires the old one, still listed', async () => {
      const person = await t.request(t.users.clinician, 'POST', '/api/v1/people', personBody())
      const tokenUrl = `/api/v1/people/${person.json().id}/health-code/token`
      const before = await t.request(t.users.clinician, 'GET', tokenUrl)
      assert.equal(before.statusCode, 200, before.body)
      assert.equal((await verify(before.json().qr)).valid, true)

      // `healthcode keys init`
      const made = await new SigningKeyService(
        t.store,
        t.clock,
        KeyVault.fromText(TEST_KEK),
      ).ensureKeys(undefined, ['ru', 'ru-spb', 'ru-mow'])
      assert.equal(made.length, 6)
      await t.request(t.users.administrator, 'POST', '/api/v1/keys/rotate', {
        issuerId: 'ru-spb',
        list: 'eu',
      })
      const listed = (await t.request(t.federalAdmin, 'GET', '/api/v1/keys')).json()
        .keys as ListedKey[]
      assert.equal(listed.find((k) => k.kid === legacyKid)?.status, 'retired')

      const after = (await t.request(t.users.clinician, 'GET', tokenUrl)).json().qr
      assert.equal((await verify(after)).valid, true)
      const eu = await trustFromList(t, '/api/v1/trust-list')
      const onEuList = verifyHc1(after, { trust: eu, at: t.clock(), payloadTypes: [...anyPayload] })
      assert.equal(onEuList.valid ? undefined : onEuList.error.code, 'ERR_KEY_NOT_IN_TRUST_LIST')
      for (const qr of [oldDcc, oldToken]) assert.equal((await verify(qr)).valid, true)
      assert.equal(verifyHc1(oldDcc, { trust: eu, at: t.clock() }).valid, true)
      assert.ok((await kidsOnList(t, '/api/v1/trust-list')).includes(legacyKid))
      assert.ok((await kidsOnList(t, '/api/v1/trust-list/domestic')).includes(legacyKid))
    })
  })
})
