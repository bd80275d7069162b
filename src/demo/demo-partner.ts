import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { actorOf } from '../domain/access/actor.js'
import type { CertificatePolicy } from '../domain/certificates/certificate-policy.js'
import { CertificateIssuingService } from '../domain/certificates/certificate-issuing-service.js'
import type { Clock } from '../domain/clock.js'
import type { KeyVault } from '../domain/keys/key-vault.js'
import { SigningKeyService } from '../domain/keys/signing-key-service.js'
import { newPersonFrom } from '../domain/people/person-input.js'
import type { Store } from '../domain/ports.js'
import { RegisterService } from '../domain/register/register-service.js'
import { fetchDocument } from '../outbound/fetch-document.js'
import { TrustListService } from '../domain/trust/trust-list-service.js'
import { TrustPartnerService } from '../domain/trust/trust-partner-service.js'
import { openStore } from '../storage/open-store.js'

/** The name the demo's Yangtze River Delta partner is listed under. */
export const demoPartnerName = 'Jiangsu (cn-js), Yangtze River Delta partner'

/**
 * The Shanghai side's partner region, Jiangsu (`cn-js`): a deployment of its own (a store, a CSCA
 * and a document signer, made here in a temporary SQLite file and thrown away), whose signed trust
 * list the deployment's administrator has already imported. Wang Lei, who commutes from Suzhou,
 * holds Jiangsu's negative test certificate: its QR text is returned, to try at a door or with
 * `POST /api/v1/verify`.
 *
 * @returns the partner certificate's QR text, or undefined when the store has no federal
 * administrator to import the list.
 */
export async function loadDemoPartner(
  store: Store,
  clock: Clock,
  vault: KeyVault,
  certificates: CertificatePolicy,
): Promise<string | undefined> {
  const admin = await store.transaction((tx) => tx.accounts.findByLogin('federal-admin@ru.demo'))
  if (!admin) return undefined
  const dir = mkdtempSync(join(tmpdir(), 'healthcode-demo-partner-'))
  let partnerList: string
  let partnerSigner: string | undefined
  let qr: string | undefined
  try {
    const partner = await openStore(join(dir, 'jiangsu.sqlite'))
    try {
      const { clinician, personId } = await partner.transaction(async (tx) => {
        await tx.issuers.upsert({
          id: 'cn-js',
          name: 'Jiangsu',
          level: 'region',
          country: 'CN',
          parentId: undefined,
        })
        const clinician = await tx.accounts.create({
          login: 'clinician@js.demo',
          displayName: 'Suzhou testing site',
          passwordHash: undefined,
          roles: ['clinician'],
          issuerId: 'cn-js',
          personId: undefined,
          oidcIssuer: undefined,
          oidcSubject: undefined,
        })
        const person = await tx.people.create(
          newPersonFrom(
            {
              familyName: '王',
              givenName: '磊',
              familyNameIcao: 'WANG',
              givenNameIcao: 'LEI',
              birthDate: '1987-10-08',
              residency: 'resident',
              document: { type: 'national-id', number: '320503198710080000', country: 'CN' },
              language: 'zh',
            },
            'cn-js',
            clock(),
          ),
        )
        return { clinician, personId: person.id }
      })
      const keys = new SigningKeyService(partner, clock, vault)
      await keys.ensureKeys(undefined, ['cn-js'])
      const register = new RegisterService(
        partner,
        clock,
        new CertificateIssuingService(partner, clock, keys, certificates),
      )
      const { effects } = await register.record(actorOf(clinician, 'session'), personId, 'test', {
        disease: '840539006',
        testType: 'LP6464-4',
        name: 'RT-PCR SARS-CoV-2',
        sampledAt: new Date(clock().getTime() - 8 * 3_600_000).toISOString(),
        result: '260415000',
        centre: 'Suzhou testing site',
        country: 'CN',
      })
      qr = effects.issued?.qrText
      const trustLists = new TrustListService(partner, clock, keys, 0)
      partnerList = JSON.stringify(await trustLists.publishedTrustList())
      partnerSigner = await trustLists.listSigningCertificate()
    } finally {
      await partner.close()
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
  if (partnerSigner === undefined) return undefined
  const trustPartners = new TrustPartnerService(
    store,
    clock,
    new TrustListService(store, clock, new SigningKeyService(store, clock, vault), 0),
    fetchDocument,
  )
  const actor = actorOf(admin, 'session')
  const added = await trustPartners.addPartner(actor, {
    name: demoPartnerName,
    signingCertificatePem: partnerSigner,
  })
  await trustPartners.importPartnerList(actor, added.id, partnerList)
  return qr
}
