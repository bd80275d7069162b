import { shcAsDcc } from '../verification/shc-as-dcc.js'
import type { AnyVerification } from '../verification/verification-service.js'
import type { CertificateForRules } from '../verification/validity-judge.js'
import { type DoorHolder, readShcHolder } from './door-reading.js'
import type { PresentedCode } from './entry-decision.js'

/** What a scanned code comes to at the door: what the policy judges, who it is, what rules read. */
export interface DoorPresentation {
  readonly presented: PresentedCode
  /** The person this server knows the code to be of, if any. */
  readonly personId: string | undefined
  /** The code's subject: a dynamic code's token subject, a certificate's UVCI, a card's id. */
  readonly subject: string | undefined
  readonly holder: DoorHolder | undefined
  /** The certificate as the validity rules read it; undefined for a dynamic code. */
  readonly forRules: CertificateForRules | undefined
}

/** A SMART Health Card at the door: its immunizations count as a vaccination certificate. */
export function presentedCard(
  verification: Extract<AnyVerification, { kind: 'shc' }>,
): DoorPresentation {
  const card = verification.certificate
  const summary = card?.summary
  const dcc = summary ? shcAsDcc(summary, card?.issuer ?? '') : undefined
  return {
    presented: dcc
      ? {
          kind: 'certificate',
          certificateKind: 'vaccination',
          sampledAt: undefined,
          negative: undefined,
        }
      : {
          kind: 'certificate',
          certificateKind: 'test',
          sampledAt: undefined,
          negative: undefined,
        },
    personId: undefined,
    subject: card?.revocationId,
    holder: readShcHolder(card?.fhirBundle),
    forRules: dcc
      ? {
          payloadType: 'eu-dcc',
          payload: dcc,
          issuedAt: card?.issuedAt,
          expiresAt: card?.expiresAt,
          issuer: undefined,
          kid: card?.kid,
        }
      : undefined,
  }
}
