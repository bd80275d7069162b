import type { RevocationEntry } from '../../codec/revocation/index.js'
import { type Hc1Verification, verifyHc1 } from '../../codec/hc1/index.js'
import { type ShcVerification, verifyShc } from '../../codec/shc/index.js'
import type { TrustedSigner } from '../../codec/trust/index.js'
import type { Clock } from '../clock.js'
import type { TrustListService } from '../trust/trust-list-service.js'

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
 * Verifies codes as this server trusts them: HC1 codes (EU DCCs, our certificates and dynamic
 * codes) against our signers, the partners' and the revocation lists, and SMART Health Cards
 * against the issuers we trust, all from the trust lists' snapshot (`TrustListService`).
 */
export class VerificationService {
  constructor(
    private readonly clock: Clock,
    private readonly trustLists: TrustListService,
  ) {}

  /** Verifies a code against our signers, the partners' and our revocation list. */
  async verify(qr: string, at: Date = this.clock()): Promise<Hc1Verification> {
    const snapshot = await this.trustLists.snapshot()
    return verifyHc1(qr, {
      trust: snapshot.trust,
      revocation: snapshot.revocation,
      at,
      payloadTypes: ['eu-dcc', 'healthcode-antibody', 'healthcode-status'],
    })
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
    const { signers, revocationEntries } = await this.trustLists.snapshot()
    return { signers, revocations: revocationEntries }
  }

  /** Verifies an HC1 code or a SMART Health Card, whichever the text is. */
  async verifyAny(qr: string, at: Date = this.clock()): Promise<AnyVerification> {
    if (!isShcText(qr)) return { kind: 'dcc', ...(await this.verify(qr, at)) }
    const snapshot = await this.trustLists.snapshot()
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
}
