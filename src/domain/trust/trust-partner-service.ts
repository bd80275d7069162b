import { X509Certificate } from 'node:crypto'
import type { Actor } from '../access/actor.js'
import type { Clock } from '../clock.js'
import { DomainError } from '../errors.js'
import type { Store } from '../ports.js'
import { authorizeTrustAdmin, requireTrustAdmin } from './trust-admin.js'
import type { TrustListService } from './trust-list-service.js'
import type { TrustPartner } from './trust-partner.js'
import { readPartnerList } from './trust-snapshot.js'

/** Staff who manage trust partners: administrators. */
export { trustAdminRoles } from './trust-admin.js'

/** The largest partner trust list accepted, fetched or uploaded. */
export const MAX_TRUST_LIST_BYTES = 8 * 1024 * 1024

/**
 * The port through which the domain fetches a partner's list: the text of the document at `url`,
 * refused (`ERR_TRUST_LIST_FETCH`) once more than `maxBytes` have arrived. The edge provides it
 * (`src/outbound/fetch-document.ts`); tests replace it.
 */
export type TrustListFetcher = (url: string, maxBytes: number) => Promise<string>

/**
 * Trust partners: other deployments whose trust lists we import, uploaded or fetched from their
 * URL, each checked against the partner's list-signing certificate before it replaces the one
 * before. An import drops the trust lists' snapshot (`TrustListService`), here and elsewhere.
 */
export class TrustPartnerService {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly trustLists: TrustListService,
    private readonly fetchList: TrustListFetcher,
  ) {}

  /** Partners, with any problem their stored list has. */
  async partners(
    actor: Actor,
  ): Promise<(TrustPartner & { problem: string | undefined; signers: number | undefined })[]> {
    const partners = await this.store.transaction(async (tx) => {
      await authorizeTrustAdmin(tx, actor)
      return tx.trustPartners.list()
    })
    const { partnerProblems, partnerSigners } = await this.trustLists.snapshot()
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
    await requireTrustAdmin(this.store, actor)
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
      await authorizeTrustAdmin(tx, actor)
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
   *   URL), `ERR_TRUST_LIST_FETCH`; `TrustListError` for a list that fails its checks.
   */
  async importPartnerList(
    actor: Actor,
    partnerId: string,
    uploaded: string | undefined,
  ): Promise<{ partner: TrustPartner; signers: number }> {
    const partner = await this.store.transaction(async (tx) => {
      await authorizeTrustAdmin(tx, actor)
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
    this.trustLists.changed()
    return { partner: { ...partner, trustList: text, importedAt: at }, signers: signers.length }
  }
}
