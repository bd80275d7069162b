import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { createPublicKey, verify as verifySignature, X509Certificate } from 'node:crypto'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { fileURLToPath } from 'node:url'
import { inflateSync } from 'node:zlib'
import { Decoder, Encoder } from 'cbor-x'
import { forEachDialect } from '../support/dialects.js'
import { type TestApp, personBody, testApp } from './test-app.js'

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..')
const cli = join(root, 'bin', 'healthcode.js')

/** Runs the built CLI (npm test builds it first). */
function run(args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, ...args], { cwd: root })
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk))
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
    child.on('error', reject)
    child.on('close', (status) => resolve({ status, stdout, stderr }))
    child.stdin.end()
  })
}

function tempFile(name: string, content: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'healthcode-story-')), name)
  writeFileSync(file, content)
  return file
}

const BASE45 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:'

/** Base45 decoding written out here, so that the check below shares no code with the product. */
function base45(text: string): Buffer {
  const out: number[] = []
  for (let i = 0; i < text.length; i += 3) {
    const [a, b, c] = [...text.slice(i, i + 3)].map((ch) => BASE45.indexOf(ch))
    const n = (a as number) + (b as number) * 45 + (c === undefined ? 0 : c * 45 * 45)
    if (c === undefined) out.push(n)
    else out.push(n >> 8, n & 0xff)
  }
  return Buffer.from(out)
}

/**
 * Checks an HC1 code's COSE_Sign1 signature independently of Healthcode's verifier: Base45,
 * zlib, CBOR by cbor-x, the Sig_structure of RFC 9052 built here, ECDSA P-256 by node:crypto with
 * the certificate from the published trust list whose kid the code names.
 */
function independentlyVerified(qr: string, trustList: { kid: string; rawData: string }[]) {
  const cose = new Decoder({ mapsAsObjects: false }).decode(inflateSync(base45(qr.slice(4))))
  const [protectedBytes, , payload, signature] = (cose.value ?? cose) as [
    Uint8Array,
    unknown,
    Uint8Array,
    Uint8Array,
  ]
  const header = new Decoder({ mapsAsObjects: false }).decode(protectedBytes) as Map<
    number,
    unknown
  >
  assert.equal(header.get(1), -7, 'ES256')
  const kid = Buffer.from(header.get(4) as Uint8Array).toString('base64')
  const entry = trustList.find((item) => item.kid === kid)
  assert.ok(entry, `the published trust list holds kid ${kid}`)
  const certificate = new X509Certificate(Buffer.from(entry.rawData, 'base64'))
  const sigStructure = new Encoder({ tagUint8Array: false }).encode([
    'Signature1',
    protectedBytes,
    new Uint8Array(0),
    payload,
  ])
  const ok = verifySignature(
    'sha256',
    sigStructure,
    {
      key: createPublicKey(certificate.publicKey.export({ format: 'pem', type: 'spki' })),
      dsaEncoding: 'ieee-p1363',
    },
    signature,
  )
  const claims = new Decoder({ mapsAsObjects: false }).decode(payload) as Map<number, unknown>
  return { ok, claims }
}

const pcrPositive = {
  testType: 'LP6464-4',
  name: 'RT-PCR SARS-CoV-2',
  sampledAt: '2026-11-02T08:30:00+03:00',
  result: '260373001',
  centre: 'City polyclinic No. 37',
  country: 'RU',
}
const labReport = Buffer.from('%PDF-1.4\n% laboratory report\n1 0 obj <<>> endobj\n%%EOF\n')

forEachDialect((dialect) => {
  describe(`the St. Petersburg story over HTTP (${dialect.name})`, () => {
    let t: TestApp
    before(async () => {
      t = await testApp(dialect.url())
    })
    after(() => t.close())

    async function registerWithoutAccount(number: string): Promise<string> {
      const answer = await t.request(
        t.users.clinician,
        'POST',
        '/api/v1/people',
        personBody({ document: { type: 'national-id', number, country: 'RU' } }),
      )
      assert.equal(answer.statusCode, 201, answer.body)
      assert.equal(answer.json().hasAccount, false)
      return answer.json().id
    }

    async function fileEvidence(personId: string) {
      const answer = await t.request(
        t.users.clinician,
        'POST',
        `/api/v1/people/${personId}/commission-requests`,
        {
          evidence: { kind: 'test', data: pcrPositive },
          attachments: [
            {
              fileName: 'pcr-result.pdf',
              mediaType: 'application/pdf',
              content: labReport.toString('base64'),
            },
          ],
        },
      )
      assert.equal(answer.statusCode, 201, answer.body)
      return answer.json()
    }

    async function published() {
      const list = await t.request(undefined, 'GET', '/api/v1/trust-list')
      assert.equal(list.statusCode, 200, list.body)
      const signer = await t.request(undefined, 'GET', '/api/v1/trust-list/signer')
      assert.equal(signer.statusCode, 200, signer.body)
      return { list: list.json(), signerPem: signer.body }
    }

    it('registers, files a PCR result, approves, issues, prints, verifies, revokes', async () => {
      const personId = await registerWithoutAccount('4015 000001')
      const filed = await fileEvidence(personId)
      assert.equal(filed.status, 'submitted')
      assert.equal(filed.attachments.length, 1)
      assert.equal(filed.attachments[0].mediaType, 'application/pdf')

      // The commission sees it waiting; a day and a half later the wait shows.
      t.clock.advance(36 * 3_600_000)
      const queue = await t.request(t.users.commission_member, 'GET', '/api/v1/commission/requests')
      assert.equal(queue.statusCode, 200, queue.body)
      const waiting = queue.json().requests.find((r: { id: string }) => r.id === filed.id)
      assert.equal(waiting.waitingHours, 36)
      assert.equal(waiting.overdue, false)
      const file = await t.request(
        t.users.commission_member,
        'GET',
        `/api/v1/commission/requests/${filed.id}/attachments/${filed.attachments[0].id}`,
      )
      assert.equal(file.statusCode, 200)
      assert.equal(file.headers['content-type'], 'application/pdf')
      assert.equal(
        file.headers['content-disposition'],
        `attachment; filename="pcr-result.pdf"; filename*=UTF-8''pcr-result.pdf`,
      )
      assert.deepEqual(file.rawPayload, labReport)
      // A PDF may carry scripts: asked for inline, it is still downloaded, never shown as our
      // origin. A disposition the route does not know is refused.
      const fileAddress = `/api/v1/commission/requests/${filed.id}/attachments/${filed.attachments[0].id}`
      const shown = await t.request(
        t.users.commission_member,
        'GET',
        `${fileAddress}?disposition=inline`,
      )
      assert.match(String(shown.headers['content-disposition']), /^attachment; /)
      assert.deepEqual(shown.rawPayload, labReport)
      const odd = await t.request(t.users.commission_member, 'GET', `${fileAddress}?disposition=x`)
      assert.equal(odd.statusCode, 400)
      assert.equal(odd.json().error.code, 'ERR_VALIDATION')

      const decided = await t.request(
        t.users.commission_member,
        'POST',
        `/api/v1/commission/requests/${filed.id}/decision`,
        { outcome: 'approved' },
      )
      assert.equal(decided.statusCode, 200, decided.body)
      const { request, certificate } = decided.json()
      assert.equal(request.status, 'approved')
      assert.ok(request.recordId)
      assert.equal(certificate.kind, 'recovery')
      assert.equal(certificate.status, 'valid')
      assert.match(certificate.uvci, /^URN:UVCI:01:RU:RUSPB\/[0-9A-Z]{20}#[0-9A-Z/:]$/)
      assert.match(certificate.qr, /^HC1:/)

      const records = await t.request(
        t.users.clinician,
        'GET',
        `/api/v1/people/${personId}/records`,
      )
      const recovery = records.json().records.find((r: { id: string }) => r.id === request.recordId)
      assert.deepEqual(
        [
          recovery.kind,
          recovery.data.firstPositive,
          recovery.data.validFrom,
          recovery.data.validUntil,
        ],
        ['recovery', '2026-11-02', '2026-11-13', '2027-05-01'],
      )

      const pdf = await t.request(
        t.users.clinician,
        'GET',
        `/api/v1/certificates/${certificate.id}/pdf`,
      )
      assert.equal(pdf.statusCode, 200, pdf.body)
      assert.equal(pdf.headers['content-type'], 'application/pdf')
      assert.equal(pdf.rawPayload.subarray(0, 5).toString(), '%PDF-')
      const png = await t.request(
        t.users.clinician,
        'GET',
        `/api/v1/certificates/${certificate.id}/qr.png`,
      )
      assert.equal(png.headers['content-type'], 'image/png')

      // Verified by the CLI against the published, signed trust list …
      const { list, signerPem } = await published()
      const listFile = tempFile('trust-list.json', JSON.stringify(list))
      const signerFile = tempFile('signer.pem', signerPem)
      const at = t.clock().toISOString()
      const cliValid = await run([
        'verify',
        '--trust-list',
        listFile,
        '--trust-list-signer',
        signerFile,
        '--at',
        at,
        '--json',
        certificate.qr,
      ])
      assert.equal(cliValid.status, 0, cliValid.stdout + cliValid.stderr)
      assert.equal(JSON.parse(cliValid.stdout).valid, true)
      // … and by an independent check of the COSE signature.
      const independent = independentlyVerified(certificate.qr, list)
      assert.equal(independent.ok, true)
      const dcc = (independent.claims.get(-260) as Map<number, Map<string, unknown>>).get(1)
      const entry = (dcc?.get('r') as Map<string, unknown>[])[0]
      assert.equal(entry?.get('ci'), certificate.uvci)
      assert.equal(entry?.get('fr'), '2026-11-02')

      const viaApi = await t.request(undefined, 'POST', '/api/v1/verify', { qr: certificate.qr })
      assert.equal(viaApi.json().valid, true, viaApi.body)

      // Revoked: the API verifier and the CLI with the published revocation list say `revoked`.
      const revoked = await t.request(
        t.users.health_authority,
        'POST',
        `/api/v1/certificates/${certificate.id}/revoke`,
        { reason: 'issued on a forged laboratory report' },
      )
      assert.equal(revoked.statusCode, 200, revoked.body)
      assert.equal(revoked.json().status, 'revoked')
      const afterRevoke = await t.request(undefined, 'POST', '/api/v1/verify', {
        qr: certificate.qr,
      })
      assert.deepEqual(
        [afterRevoke.json().valid, afterRevoke.json().stage, afterRevoke.json().error.code],
        [false, 'revoked', 'ERR_REVOKED'],
      )
      const revocationList = await t.request(undefined, 'GET', '/api/v1/revocation-list')
      const revocationFile = tempFile('revocation.json', revocationList.body)
      const cliRevoked = await run([
        'verify',
        '--trust-list',
        listFile,
        '--revocation-list',
        revocationFile,
        '--at',
        at,
        '--json',
        certificate.qr,
      ])
      assert.equal(cliRevoked.status, 1, cliRevoked.stdout + cliRevoked.stderr)
      assert.equal(JSON.parse(cliRevoked.stdout).stage, 'revoked')
      const again = await t.request(
        t.users.health_authority,
        'POST',
        `/api/v1/certificates/${certificate.id}/revoke`,
        { reason: 'twice' },
      )
      assert.equal(again.statusCode, 409)
      assert.equal(again.json().error.code, 'ERR_CERTIFICATE_ALREADY_REVOKED')
    })

    it('refuses with a reason, takes one appeal, and a different member approves it', async () => {
      const personId = await registerWithoutAccount('4015 000002')
      const filed = await fileEvidence(personId)
      const noReason = await t.request(
        t.users.commission_member,
        'POST',
        `/api/v1/commission/requests/${filed.id}/decision`,
        { outcome: 'refused' },
      )
      assert.equal(noReason.statusCode, 400)
      assert.equal(noReason.json().error.field, 'reason')
      const refused = await t.request(
        t.users.commission_member,
        'POST',
        `/api/v1/commission/requests/${filed.id}/decision`,
        { outcome: 'refused', reason: 'The laboratory report carries no stamp of the laboratory.' },
      )
      assert.equal(refused.statusCode, 200, refused.body)
      assert.equal(refused.json().certificate, null)
      const seen = await t.request(
        t.users.clinician,
        'GET',
        `/api/v1/people/${personId}/commission-requests`,
      )
      const [mine] = seen.json().requests
      assert.equal(mine.status, 'refused')
      assert.equal(
        mine.decision.reason,
        'The laboratory report carries no stamp of the laboratory.',
      )
      const recordsBefore = await t.request(
        t.users.clinician,
        'GET',
        `/api/v1/people/${personId}/records`,
      )
      assert.equal(recordsBefore.json().records.length, 0)

      const appealed = await t.request(
        t.users.clinician,
        'POST',
        `/api/v1/commission/requests/${filed.id}/appeal`,
        { reason: 'The stamped original is attached to the paper file at the polyclinic.' },
      )
      assert.equal(appealed.statusCode, 200, appealed.body)
      assert.equal(appealed.json().status, 'appealed')
      assert.ok(appealed.json().waitingSince)
      const secondAppeal = await t.request(
        t.users.clinician,
        'POST',
        `/api/v1/commission/requests/${filed.id}/appeal`,
        { reason: 'Appealing once more, which is not allowed.' },
      )
      assert.equal(secondAppeal.statusCode, 409)

      const sameMember = await t.request(
        t.users.commission_member,
        'POST',
        `/api/v1/commission/requests/${filed.id}/decision`,
        { outcome: 'approved' },
      )
      assert.equal(sameMember.statusCode, 403)
      assert.equal(sameMember.json().error.code, 'ERR_APPEAL_SAME_MEMBER')

      const approved = await t.request(
        t.secondCommissionMember,
        'POST',
        `/api/v1/commission/requests/${filed.id}/decision`,
        { outcome: 'approved', reason: 'Original seen at the polyclinic.' },
      )
      assert.equal(approved.statusCode, 200, approved.body)
      assert.equal(approved.json().request.status, 'appeal_approved')
      const certificate = approved.json().certificate
      assert.equal(certificate.kind, 'recovery')
      const { list } = await published()
      assert.equal(independentlyVerified(certificate.qr, list).ok, true)
      const cli = await run([
        'verify',
        '--trust-list',
        tempFile('trust-list.json', JSON.stringify(list)),
        '--at',
        t.clock().toISOString(),
        certificate.qr,
      ])
      assert.equal(cli.status, 0, cli.stdout + cli.stderr)

      const revoked = await t.request(
        t.users.administrator,
        'POST',
        `/api/v1/certificates/${certificate.id}/revoke`,
        { reason: 'entered for the wrong person' },
      )
      assert.equal(revoked.statusCode, 200, revoked.body)
      const verified = await t.request(undefined, 'POST', '/api/v1/verify', { qr: certificate.qr })
      assert.equal(verified.json().stage, 'revoked')
    })
  })
})
