import { X509Certificate } from 'node:crypto'
import {
  type GatewayTrustListContents,
  readGatewayTrustList,
  readRevocationBatch,
} from '../../codec/gateway/index.js'
import type { RevocationEntry } from '../../codec/revocation/index.js'
import type { TrustedSigner } from '../../codec/trust/index.js'
import { GatewayError } from '../../codec/gateway/index.js'
import type { PartnerRevocationBatch, TrustPartner } from './trust-partner.js'

/** What a partner's Gateway-format imports add to our trust. */
export interface PartnerGatewayTrust {
  /** Its document signers. */
  readonly signers: TrustedSigner[]
  /** Their certificates (DER), for verifiers elsewhere. */
  readonly certificates: Uint8Array<ArrayBuffer>[]
  /** The hashes of its batches not yet expired. */
  readonly revocations: RevocationEntry[]
  /** Stored batches that no longer read (they stay out of the trust), by batch id. */
  readonly problems: { batchId: string; message: string }[]
}

/**
 * Reads a partner's Gateway trust list, checked against the trust anchor configured for it.
 *
 * @throws {GatewayError} for a list that fails its checks.
 */
export function readPartnerGatewayList(
  partner: TrustPartner,
  text: string,
): GatewayTrustListContents {
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch {
    throw new GatewayError('ERR_GATEWAY_FORMAT', 'the Gateway trust list is not JSON')
  }
  return readGatewayTrustList(json, {
    trustAnchor: new Uint8Array(new X509Certificate(partner.signingCertificatePem).raw),
  })
}

/**
 * The trust a partner's stored Gateway imports give: its list's document signers and, from each
 * of its revocation batches (checked again against the list's UPLOAD certificates), the hashes
 * of the certificates it revoked, until the batch expires.
 *
 * @throws {GatewayError} when the stored list no longer reads (the partner's whole Gateway trust
 *   stays out).
 */
export function partnerGatewayTrust(
  partner: TrustPartner & { gatewayTrustList: string },
  batches: readonly PartnerRevocationBatch[],
  now: Date,
): PartnerGatewayTrust {
  const list = readPartnerGatewayList(partner, partner.gatewayTrustList)
  const revocations: RevocationEntry[] = []
  const problems: { batchId: string; message: string }[] = []
  for (const stored of batches) {
    if (stored.partnerId !== partner.id) continue
    try {
      const batch = readRevocationBatch(stored.signedBatch, {
        uploadCertificates: list.uploadCertificates,
      })
      if (Date.parse(batch.expires) <= now.getTime()) continue
      for (const { hash } of batch.entries) revocations.push({ hashType: batch.hashType, hash })
    } catch (error) {
      if (!(error instanceof GatewayError)) throw error
      problems.push({ batchId: stored.batchId, message: error.message })
    }
  }
  return {
    signers: list.signers,
    certificates: list.entries
      .filter((entry) => entry.certificateType === 'DSC')
      .map((entry) => new Uint8Array(Buffer.from(entry.rawData, 'base64'))),
    revocations,
    problems,
  }
}
