import { X509Certificate } from 'node:crypto'
import type { Hc1PayloadType } from '../../codec/hc1/index.js'
import {
  type RevocationEntry,
  RevocationList,
  type RevocationListDocument,
  signRevocationList,
} from '../../codec/revocation/index.js'
import { ShcTrustStore } from '../../codec/shc/index.js'
import { TrustList, type TrustedSigner, signerFromCertificate } from '../../codec/trust/index.js'
import {
  type TrustListEntry,
  TrustListError,
  readTrustList,
  signTrustList,
} from '../../codec/trust-list/index.js'
import type { Clock } from '../clock.js'
import type { SigningKey } from '../keys/signing-key.js'
import type { SigningKeyService } from '../keys/signing-key-service.js'
import type { Store } from '../ports.js'
import { partnerGatewayTrust } from './partner-gateway-trust.js'
import type { TrustPartner } from './trust-partner.js'

/** What every verifier in the server works from, rebuilt when it changes or grows old. */
export interface TrustSnapshot {
  readonly loadedAt: number
  readonly trust: TrustList
  /** The document signers `trust` holds: ours not yet expired, and imported partners'. */
  readonly signers: readonly TrustedSigner[]
  readonly revocation: RevocationList
  /** The entries `revocation` holds. */
  readonly revocationEntries: readonly RevocationEntry[]
  /** The EU-facing list: the CSCA, the EU-facing document signers and the legacy ones. */
  readonly published: TrustListEntry[]
  /** The domestic list: the CSCA, the domestic signers and the legacy ones. */
  readonly publishedDomestic: TrustListEntry[]
  /** The certificates of the EU-facing list's document signers (the Gateway's DSCs). */
  readonly euFacing: readonly EuFacingSignerCertificate[]
  readonly revocationDocument: RevocationListDocument
  /** Why a stored partner list could not be used (it stays out of the trust). */
  readonly partnerProblems: readonly { partnerId: string; message: string }[]
  /** How many signers each partner's imported list gives, by partner id. */
  readonly partnerSigners: ReadonlyMap<string, number>
  /** The SMART Health Card issuers we trust. */
  readonly shc: ShcTrustStore
}

/** An EU-facing document signer's certificate, as the EU DCC Gateway would take it. */
export interface EuFacingSignerCertificate {
  /** The X.509 certificate, DER. */
  readonly der: Uint8Array
  /** The HCERT kid, base64. */
  readonly kid: string
  /** The issuing country (ISO 3166-1 alpha-2). */
  readonly country: string
  readonly issuerId: string | undefined
  /**
   * A signer made before the EU-facing and domestic signers were split: it may have signed our
   * own payloads too, and stays published until its certificate expires so that the EU DCCs it
   * signed keep verifying.
   */
  readonly legacy: boolean
  readonly createdAt: string
  readonly notAfter: string
}

/** What the list a signer of ours is published on trusts it for. */
const scopeOf: Record<SigningKey['purpose'], readonly Hc1PayloadType[] | undefined> = {
  csca: undefined,
  'document-signer': ['eu-dcc'],
  'domestic-signer': ['healthcode-antibody', 'healthcode-status'],
  'legacy-signer': undefined,
  // The DCC Gateway's trust anchor and UPLOAD certificate sign lists, never a code.
  'gateway-trust-anchor': [],
  'gateway-upload': [],
}

/** What a signer on a partner's EU-facing or domestic list is trusted for. */
const listScope: Record<'eu' | 'domestic', readonly Hc1PayloadType[]> = {
  eu: ['eu-dcc'],
  domestic: ['healthcode-antibody', 'healthcode-status'],
}

/**
 * Builds what every verifier works from, in one read of the store: our signers (each trusted for
 * what its list is for) and our lists signed by the CSCA, the partners' imported lists (a list
 * that no longer reads stays out, with its problem), their Gateway-format imports and revocation
 * batches, the revocation list and the SMART Health Card issuers.
 */
export async function loadTrustSnapshot(
  store: Store,
  clock: Clock,
  keys: SigningKeyService,
): Promise<TrustSnapshot> {
  const now = clock()
  const { signingKeys, issuers, partners, hashes, shcIssuers, batches } = await store.transaction(
    async (tx) => ({
      signingKeys: await tx.signingKeys.list(),
      issuers: await tx.issuers.list(),
      partners: await tx.trustPartners.list(),
      hashes: await tx.certificates.hashesInStatus(['revoked', 'suspended']),
      shcIssuers: await tx.shcIssuers.list(),
      batches: await tx.trustPartners.revocationBatches(),
    }),
  )
  const shc = new ShcTrustStore()
  for (const issuer of shcIssuers) {
    // Checked when imported; an issuer this code can no longer read stays out of the trust.
    try {
      shc.add(issuer)
    } catch {
      continue
    }
  }
  const countryOf = new Map(issuers.map((issuer) => [issuer.id, issuer.country]))
  const federal = issuers.find((issuer) => issuer.level === 'federal')?.country ?? 'XX'
  // The Gateway trust anchor and UPLOAD keys sign lists, never codes: they are no signers.
  const live = signingKeys.filter(
    (key) =>
      key.purpose !== 'gateway-trust-anchor' &&
      key.purpose !== 'gateway-upload' &&
      Date.parse(key.notAfter) > now.getTime(),
  )
  const signers: TrustedSigner[] = []
  const certificates = live.map((key) => {
    const der = new Uint8Array(new X509Certificate(key.certificatePem).raw)
    return {
      key,
      der,
      country: key.issuerId === undefined ? federal : (countryOf.get(key.issuerId) ?? federal),
      certificateType: key.purpose === 'csca' ? ('CSCA' as const) : ('DSC' as const),
      timestamp: new Date(key.createdAt),
    }
  })
  const onEuList = certificates.filter((c) => c.key.purpose !== 'domestic-signer')
  const onDomesticList = certificates.filter((c) => c.key.purpose !== 'document-signer')
  const csca = await keys.cscaSigner()
  const published = csca ? signTrustList(onEuList, csca.privateKey) : []
  const publishedDomestic = csca ? signTrustList(onDomesticList, csca.privateKey) : []
  // Our own signers come straight from the keys (no private key needed to trust them), each
  // trusted for what its list is for; the published lists are for others.
  for (const certificate of certificates) {
    if (certificate.certificateType !== 'DSC') continue
    const payloadTypes = scopeOf[certificate.key.purpose]
    signers.push({ ...signerFromCertificate(certificate.der), payloadTypes })
  }
  const euFacing = onEuList
    .filter((c) => c.certificateType === 'DSC')
    .map((c) => ({
      der: c.der,
      kid: c.key.kid,
      country: c.country,
      issuerId: c.key.issuerId,
      legacy: c.key.purpose === 'legacy-signer',
      createdAt: c.key.createdAt,
      notAfter: c.key.notAfter,
    }))
  const partnerProblems: { partnerId: string; message: string }[] = []
  const partnerSigners = new Map<string, number>()
  for (const partner of partners) {
    if (partner.trustList === undefined) continue
    try {
      const scope = partner.list === undefined ? undefined : listScope[partner.list]
      const read = readPartnerList(partner, partner.trustList).signers.map((signer) => ({
        ...signer,
        payloadTypes: scope,
      }))
      signers.push(...read)
      partnerSigners.set(partner.id, read.length)
    } catch (error) {
      partnerProblems.push({ partnerId: partner.id, message: (error as Error).message })
    }
  }
  // Partners' Gateway-format imports: their signers, and the hashes their batches revoke.
  const partnerRevocations: RevocationEntry[] = []
  for (const partner of partners) {
    if (partner.gatewayTrustList === undefined) continue
    try {
      const gateway = partnerGatewayTrust(
        { ...partner, gatewayTrustList: partner.gatewayTrustList },
        batches,
        now,
      )
      // What the Gateway carries is EU-facing: trusted for EU DCCs only.
      signers.push(...gateway.signers.map((signer) => ({ ...signer, payloadTypes: listScope.eu })))
      partnerRevocations.push(...gateway.revocations)
      partnerSigners.set(partner.id, (partnerSigners.get(partner.id) ?? 0) + gateway.signers.length)
      for (const problem of gateway.problems) {
        partnerProblems.push({
          partnerId: partner.id,
          message: `revocation batch ${problem.batchId}: ${problem.message}`,
        })
      }
    } catch (error) {
      partnerProblems.push({
        partnerId: partner.id,
        message: `Gateway trust list: ${(error as Error).message}`,
      })
    }
  }
  const entries = revocationEntriesOf(hashes)
  const revocationDocument = csca
    ? signRevocationList({ issuer: federal, timestamp: now, entries }, csca.privateKey)
    : { issuer: federal, timestamp: now.toISOString(), entries }
  return {
    loadedAt: now.getTime(),
    trust: new TrustList(signers),
    signers,
    revocation: new RevocationList([...entries, ...partnerRevocations]),
    revocationEntries: [...entries, ...partnerRevocations],
    published,
    publishedDomestic,
    euFacing,
    revocationDocument,
    partnerProblems,
    partnerSigners,
    shc,
  }
}

/** A certificate's three revocation hashes as revocation-list entries. */
export function revocationEntriesOf(
  hashes: readonly { UCI: string; COUNTRYCODEUCI: string; SIGNATURE: string }[],
): { hashType: 'UCI' | 'COUNTRYCODEUCI' | 'SIGNATURE'; hash: string }[] {
  return hashes.flatMap((h) => [
    { hashType: 'UCI' as const, hash: h.UCI },
    { hashType: 'COUNTRYCODEUCI' as const, hash: h.COUNTRYCODEUCI },
    { hashType: 'SIGNATURE' as const, hash: h.SIGNATURE },
  ])
}

/**
 * Reads a partner's trust list, checked against the partner's list-signing certificate.
 *
 * @throws {TrustListError} for a list that fails its checks.
 */
export function readPartnerList(partner: TrustPartner, text: string) {
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch {
    throw new TrustListError('ERR_TRUST_LIST_FORMAT', 'the trust list is not JSON')
  }
  return readTrustList(json, {
    signingCertificate: new Uint8Array(new X509Certificate(partner.signingCertificatePem).raw),
  })
}
