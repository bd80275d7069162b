import { X509Certificate } from 'node:crypto'
import { type Hc1PayloadType, type Hc1Verification, verifyHc1 } from '../../codec/hc1/index.js'
import {
  type RevocationEntry,
  RevocationList,
  type RevocationListDocument,
  signRevocationList,
} from '../../codec/revocation/index.js'
import { TrustList, type TrustedSigner, signerFromCertificate } from '../../codec/trust/index.js'
import {
  type ShcVerification,
  ShcTrustError,
  ShcTrustStore,
  verifyShc,
} from '../../codec/shc/index.js'
import {
  type TrustListEntry,
  TrustListError,
  readTrustList,
  signTrustList,
} from '../../codec/trust-list/index.js'
import type { Actor } from '../access/actor.js'
import type { Clock } from '../clock.js'
import { DomainError } from '../errors.js'
import type { SigningKey } from '../keys/signing-key.js'
import type { SigningKeyService } from '../keys/signing-key-service.js'
import { authorize, rootIssuer } from '../policy/policy.js'
import type { Store } from '../ports.js'
import type { TrustPartner } from '../trust/trust-partner.js'
import { partnerGatewayTrust } from '../trust/partner-gateway-trust.js'

/** Staff who manage trust partners: administrators. */
export { trustAdminRoles } from '../policy/role-sets.js'

/** The largest partner trust list accepted, fetched or uploaded. */
export const MAX_TRUST_LIST_BYTES = 8 * 1024 * 1024

/** What every verifier in the server works from, rebuilt when it changes or grows old. */
interface TrustSnapshot {
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

/** A code of any kind verified: an HC1 code (`dcc`, our certificates and tokens) or a SHC. */
export type AnyVerification =
  | ({ readonly kind: 'dcc' } & Hc1Verification)
  | {
      readonly kind: 'shc'
      readonly valid: boolean
      readonly stage: string
      readonly certificate: Extract<ShcVerification, { card: unknown }>['card']
      readonly error?: { readonly code: string; readonly message: string }
    }

/** Tells a SMART Health Card (numeric QR or compact JWS) from an HC1 code. */
export function isShcText(text: string): boolean {
  const trimmed = text.trim()
  return /^shc:\//i.test(trimmed) || /^[\w-]+\.[\w-]+\.[\w-]+$/.test(trimmed)
}

/**
 * The port through which the domain fetches a partner's list: the text of the document at `url`,
 * refused (`ERR_TRUST_LIST_FETCH`) once more than `maxBytes` have arrived. The edge provides it
 * (`src/outbound/fetch-document.ts`); tests replace it.
 */
export type TrustListFetcher = (url: string, maxBytes: number) => Promise<string>

/**
 * Trust between deployments: publishes our document signers as a signed trust list in the DCC
 * Gateway shape (signed by our CSCA) and our revocation list, imports partners' lists checked
 * against their signing certificates, and verifies codes against all of it. The lists are cached
 * for `cacheSeconds` and rebuilt at once when keys, partners or certificate statuses change here,
 * or when another process says they changed (see `ChangeNotices`); a process that missed the
 * notice catches up within `cacheSeconds`.
 */
export class TrustService {
  #snapshot: Promise<TrustSnapshot> | undefined

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly keys: SigningKeyService,
    private readonly cacheSeconds: number,
    private readonly fetchList: TrustListFetcher,
    /** Told when the lists changed here, after the change committed (to tell other processes). */
    private readonly onChange?: () => void,
  ) {}

  /** Drops the cached lists; the next use rebuilds them. */
  invalidate(): void {
    this.#snapshot = undefined
  }

  /** The lists changed here: drops the cached lists and tells {@link onChange}. */
  changed(): void {
    this.invalidate()
    this.onChange?.()
  }

  async #current(): Promise<TrustSnapshot> {
    const cached = this.#snapshot
    if (cached) {
      const snapshot = await cached.catch(() => undefined)
      if (snapshot && this.clock().getTime() - snapshot.loadedAt < this.cacheSeconds * 1000) {
        return snapshot
      }
      if (this.#snapshot !== cached) return this.#current()
    }
    const loading = this.#load()
    this.#snapshot = loading
    loading.catch(() => {
      if (this.#snapshot === loading) this.#snapshot = undefined
    })
    return loading
  }

  async #load(): Promise<TrustSnapshot> {
    const now = this.clock()
    const { keys, issuers, partners, hashes, shcIssuers, batches } = await this.store.transaction(
      async (tx) => ({
        keys: await tx.signingKeys.list(),
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
    const live = keys.filter(
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
    const csca = await this.keys.cscaSigner()
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
        signers.push(
          ...gateway.signers.map((signer) => ({ ...signer, payloadTypes: listScope.eu })),
        )
        partnerRevocations.push(...gateway.revocations)
        partnerSigners.set(
          partner.id,
          (partnerSigners.get(partner.id) ?? 0) + gateway.signers.length,
        )
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

  /**
   * Our EU-facing trust list: the CSCA and every EU-facing document signer not yet expired, retired
   * ones included, with the signers made before the split (which signed EU DCCs too). The domestic
   * signers are never on it, so an EU verifier that trusts it finds no signer for our own codes.
   */
  async publishedTrustList(): Promise<TrustListEntry[]> {
    return (await this.#current()).published
  }

  /**
   * Our domestic trust list, in the same signed shape but for partners of our own codes only
   * (dynamic codes, antibody certificates): the CSCA, every domestic signer not yet expired and the
   * signers made before the split. Never exported in the EU DCC Gateway's format.
   */
  async publishedDomesticTrustList(): Promise<TrustListEntry[]> {
    return (await this.#current()).publishedDomestic
  }

  /**
   * The EU-facing document signers' certificates (not yet expired, retired ones included): what an
   * export to the EU DCC Gateway publishes, and nothing else of ours. Domestic signers are never
   * among them.
   */
  async euFacingSignerCertificates(): Promise<readonly EuFacingSignerCertificate[]> {
    return (await this.#current()).euFacing
  }

  /** Our revocation list: the hashes of revoked and suspended certificates, signed by the CSCA. */
  async publishedRevocationList(): Promise<RevocationListDocument> {
    return (await this.#current()).revocationDocument
  }

  /** The certificate that signs our lists (the active CSCA), PEM; undefined before keys exist. */
  async listSigningCertificate(): Promise<string | undefined> {
    return (await this.keys.cscaSigner())?.key.certificatePem
  }

  /** Verifies a code against our signers, the partners' and our revocation list. */
  async verify(qr: string, at: Date = this.clock()): Promise<Hc1Verification> {
    const snapshot = await this.#current()
    return verifyHc1(qr, {
      trust: snapshot.trust,
      revocation: snapshot.revocation,
      at,
      payloadTypes: ['eu-dcc', 'healthcode-antibody', 'healthcode-status'],
    })
  }

  /**
   * The trust a verifier elsewhere needs to check codes as this server does (`healthcode verify
   * --database`): our (EU-facing, domestic and legacy) and our partners' document signer
   * certificates, our revocation entries, and
   * the SMART Health Card issuers. No private key is read.
   */
  async exportForVerifiers(): Promise<{
    certificates: Uint8Array[]
    revocations: { hashType: 'UCI' | 'COUNTRYCODEUCI' | 'SIGNATURE'; hash: string }[]
    shcIssuers: { iss: string; jwks: unknown; crls: unknown[] }[]
  }> {
    const now = this.clock().getTime()
    const { keys, partners, hashes, shcIssuers, batches } = await this.store.transaction(
      async (tx) => ({
        keys: await tx.signingKeys.list(),
        partners: await tx.trustPartners.list(),
        hashes: await tx.certificates.hashesInStatus(['revoked', 'suspended']),
        shcIssuers: await tx.shcIssuers.list(),
        batches: await tx.trustPartners.revocationBatches(),
      }),
    )
    const revocations = revocationEntriesOf(hashes)
    const certificates = keys
      .filter((key) => key.purpose !== 'csca' && Date.parse(key.notAfter) > now)
      .map((key) => new Uint8Array(new X509Certificate(key.certificatePem).raw))
    for (const partner of partners) {
      if (partner.trustList === undefined) continue
      try {
        for (const entry of readPartnerList(partner, partner.trustList).entries) {
          if (entry.certificateType === 'DSC') {
            certificates.push(new Uint8Array(Buffer.from(entry.rawData, 'base64')))
          }
        }
      } catch {
        continue
      }
    }
    for (const partner of partners) {
      if (partner.gatewayTrustList === undefined) continue
      try {
        const gateway = partnerGatewayTrust(
          { ...partner, gatewayTrustList: partner.gatewayTrustList },
          batches,
          new Date(now),
        )
        certificates.push(...gateway.certificates)
        revocations.push(...gateway.revocations)
      } catch {
        continue
      }
    }
    return {
      certificates,
      revocations,
      shcIssuers: shcIssuers.map(({ iss, jwks, crls }) => ({ iss, jwks, crls })),
    }
  }

  /**
   * What a verifier on a device works from (the door scanner's offline bundle), from the trust the
   * server itself verifies with: the document signers (ours and imported partners') and the
   * revocation list's entries.
   */
  async deviceTrust(): Promise<{
    signers: readonly TrustedSigner[]
    revocations: readonly RevocationEntry[]
  }> {
    const { signers, revocationEntries } = await this.#current()
    return { signers, revocations: revocationEntries }
  }

  /** Verifies an HC1 code or a SMART Health Card, whichever the text is. */
  async verifyAny(qr: string, at: Date = this.clock()): Promise<AnyVerification> {
    if (!isShcText(qr)) return { kind: 'dcc', ...(await this.verify(qr, at)) }
    const snapshot = await this.#current()
    const result = verifyShc(qr, { issuers: snapshot.shc, at })
    return result.valid
      ? { kind: 'shc', valid: true, stage: result.stage, certificate: result.card }
      : {
          kind: 'shc',
          valid: false,
          stage: result.stage,
          certificate: result.card,
          error: result.error,
        }
  }

  /** The SMART Health Card issuers we trust. */
  async shcIssuers(): Promise<{ iss: string; keys: number; importedAt: string }[]> {
    const rows = await this.store.transaction((tx) => tx.shcIssuers.list())
    return rows.map((row) => ({
      iss: row.iss,
      keys: Array.isArray((row.jwks as { keys?: unknown[] })?.keys)
        ? (row.jwks as { keys: unknown[] }).keys.length
        : 0,
      importedAt: row.importedAt,
    }))
  }

  /**
   * Trusted partners and signers are the whole deployment's (every region's doors accept what
   * they sign): only administrators of the root issuer manage them.
   *
   * @throws {DomainError} `ERR_FORBIDDEN`.
   */
  async #requireTrustAdmin(actor: Actor): Promise<void> {
    await this.store.transaction(async (tx) => {
      await authorize(tx, actor, 'manage', {
        kind: 'trust_partners',
        issuerId: await rootIssuer(tx),
      })
    })
  }

  /**
   * Trusts a SMART Health Card issuer: its JWKS (and revocation lists), checked before anything is
   * stored; a later import of the same `iss` replaces it.
   *
   * @throws {DomainError} `ERR_INVALID_FIELD` naming what cannot be trusted.
   */
  async importShcIssuer(
    actor: Actor | undefined,
    issuer: { iss: string; jwks: unknown; crls: unknown[] },
  ): Promise<{ iss: string; keys: number }> {
    // Who may comes before reading what they sent: a refusal never depends on the input.
    if (actor) await this.#requireTrustAdmin(actor)
    try {
      new ShcTrustStore([issuer])
    } catch (error) {
      if (error instanceof ShcTrustError) {
        // The same code, and the request field it is about.
        const field = { ERR_SHC_TRUST_ISSUER: 'iss', ERR_SHC_TRUST_CRL: 'crls' }[
          error.code as string
        ]
        throw new ShcTrustError(error.code, error.message, { field: field ?? 'jwks' })
      }
      throw error
    }
    const at = this.clock().toISOString()
    await this.store.transaction(async (tx) => {
      if (actor) {
        // Trusted partners and signers are the whole deployment's: every region's doors accept what
        // they sign, so only administrators of the root issuer manage them.
        await authorize(tx, actor, 'manage', {
          kind: 'trust_partners',
          issuerId: await rootIssuer(tx),
        })
      }
      await tx.shcIssuers.save({ ...issuer, at })
      await tx.audit.append(
        {
          actorAccountId: actor?.accountId,
          action: 'trust.shc-issuer.import',
          entityType: 'shc_issuer',
          entityId: issuer.iss,
          reason: undefined,
          data: { crls: issuer.crls.length },
        },
        at,
      )
    })
    this.changed()
    const keys = (issuer.jwks as { keys?: unknown[] })?.keys
    return { iss: issuer.iss, keys: Array.isArray(keys) ? keys.length : 0 }
  }

  /** Partners, with any problem their stored list has. */
  async partners(
    actor: Actor,
  ): Promise<(TrustPartner & { problem: string | undefined; signers: number | undefined })[]> {
    const partners = await this.store.transaction(async (tx) => {
      await authorize(tx, actor, 'manage', {
        kind: 'trust_partners',
        issuerId: await rootIssuer(tx),
      })
      return tx.trustPartners.list()
    })
    const { partnerProblems, partnerSigners } = await this.#current()
    return partners.map((partner) => ({
      ...partner,
      problem: partnerProblems.find((p) => p.partnerId === partner.id)?.message,
      signers: partnerSigners.get(partner.id),
    }))
  }

  /**
   * Registers a partner: its name, the certificate it signs its trust list with, and where to
   * fetch the list (optional: it may be uploaded instead).
   *
   * @throws {DomainError} `ERR_INVALID_FIELD` for a certificate that does not parse or a bad URL.
   */
  async addPartner(
    actor: Actor,
    input: {
      name: string
      signingCertificatePem: string
      sourceUrl?: string | undefined
      list?: 'eu' | 'domestic' | undefined
    },
  ): Promise<TrustPartner> {
    await this.#requireTrustAdmin(actor)
    try {
      new X509Certificate(input.signingCertificatePem)
    } catch {
      throw new DomainError(
        'ERR_INVALID_FIELD',
        'expected the partner’s list-signing certificate as PEM',
        'signingCertificate',
      )
    }
    if (input.sourceUrl !== undefined && !/^https?:\/\//.test(input.sourceUrl)) {
      throw new DomainError('ERR_INVALID_FIELD', 'expected an http(s) URL', 'sourceUrl')
    }
    const at = this.clock().toISOString()
    return this.store.transaction(async (tx) => {
      await authorize(tx, actor, 'manage', {
        kind: 'trust_partners',
        issuerId: await rootIssuer(tx),
      })
      const partner = await tx.trustPartners.create({
        name: input.name,
        signingCertificatePem: input.signingCertificatePem,
        sourceUrl: input.sourceUrl,
        list: input.list,
        createdAt: at,
      })
      await tx.audit.append(
        {
          actorAccountId: actor.accountId,
          action: 'trust.partner.create',
          entityType: 'trust_partner',
          entityId: partner.id,
          reason: undefined,
          data: {
            name: partner.name,
            sourceUrl: partner.sourceUrl ?? null,
            list: partner.list ?? null,
          },
        },
        at,
      )
      return partner
    })
  }

  /**
   * Imports a partner's trust list: the uploaded text, or else fetched from its URL. The list is
   * checked against the partner's signing certificate and replaces the previous one only whole.
   *
   * @throws {DomainError} `ERR_NOT_FOUND`, `ERR_FORBIDDEN`, `ERR_INVALID_FIELD` (no list and no
   *   URL), `ERR_TRUST_LIST_FETCH`; {@link TrustListError} for a list that fails its checks.
   */
  async importPartnerList(
    actor: Actor,
    partnerId: string,
    uploaded: string | undefined,
  ): Promise<{ partner: TrustPartner; signers: number }> {
    const partner = await this.store.transaction(async (tx) => {
      await authorize(tx, actor, 'manage', {
        kind: 'trust_partners',
        issuerId: await rootIssuer(tx),
      })
      return tx.trustPartners.find(partnerId)
    })
    if (!partner) throw new DomainError('ERR_NOT_FOUND', `no trust partner ${partnerId}`)
    let text = uploaded
    if (text === undefined) {
      if (partner.sourceUrl === undefined) {
        throw new DomainError(
          'ERR_INVALID_FIELD',
          'the partner has no source URL: upload the list',
          'trustList',
        )
      }
      text = await this.fetchList(partner.sourceUrl, MAX_TRUST_LIST_BYTES)
    }
    const { signers } = readPartnerList(partner, text)
    const at = this.clock().toISOString()
    await this.store.transaction(async (tx) => {
      await tx.trustPartners.saveImport(partnerId, text, at)
      await tx.audit.append(
        {
          actorAccountId: actor.accountId,
          action: 'trust.partner.import',
          entityType: 'trust_partner',
          entityId: partnerId,
          reason: undefined,
          data: {
            signers: signers.length,
            kids: signers.map((s) => Buffer.from(s.kid).toString('base64')),
          },
        },
        at,
      )
    })
    this.changed()
    return { partner: { ...partner, trustList: text, importedAt: at }, signers: signers.length }
  }
}

/** A certificate's three revocation hashes as revocation-list entries. */
function revocationEntriesOf(
  hashes: readonly { UCI: string; COUNTRYCODEUCI: string; SIGNATURE: string }[],
): { hashType: 'UCI' | 'COUNTRYCODEUCI' | 'SIGNATURE'; hash: string }[] {
  return hashes.flatMap((h) => [
    { hashType: 'UCI' as const, hash: h.UCI },
    { hashType: 'COUNTRYCODEUCI' as const, hash: h.COUNTRYCODEUCI },
    { hashType: 'SIGNATURE' as const, hash: h.SIGNATURE },
  ])
}

function readPartnerList(partner: TrustPartner, text: string) {
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
