// The door's answer without the network: what `DoorScanService.scan` decides on the server, from
// the offline bundle instead of the server's live state.
import type { ScanAnswer } from '../api/types.js'
import { type OfflineBundle, bundleUsable } from './offline-bundle.js'
import { decideEntry, describeFailures, evaluateRules, readAtDoor } from './shared-codec.js'
import { type OfflineTrust, verifyHc1Offline } from './verify-offline.js'

/** Why a scan could not be judged offline; it is saved and judged by the server later. */
export type UncheckedReason =
  /** No bundle was ever fetched on this device for this venue. */
  | 'no-bundle'
  /** The bundle is older than `MAX_BUNDLE_AGE_MS`. */
  | 'stale-bundle'
  /** SMART Health Cards are checked by the server only. */
  | 'smart-health-card'
  /** The venue's validity rule set is unknown to the server: certificates cannot be judged. */
  | 'no-rule-set'

/** The offline answer: a verdict like the server's, or why there is none. */
export type OfflineJudgement =
  | { readonly kind: 'answer'; readonly answer: ScanAnswer }
  | { readonly kind: 'unchecked'; readonly why: UncheckedReason }

/** Tells a SMART Health Card (numeric QR or compact JWS) from an HC1 code, as the server does. */
export function isShcText(text: string): boolean {
  const trimmed = text.trim()
  return /^shc:\//i.test(trimmed) || /^[\w-]+\.[\w-]+\.[\w-]+$/.test(trimmed)
}

/**
 * Judges a scanned code at `at` (the device clock) with the venue's offline bundle, as the
 * server's scan would: the code verified against the bundle's signers and revocation list, the
 * entry policy applied, and a certificate's validity rules evaluated (failures described in
 * `language`). One difference is unavoidable: a health-code token is judged by the colour it
 * carries, where the server looks up the person's live colour; the answer says it was judged
 * offline (`offline: true`).
 *
 * @example
 * ```ts
 * const judged = await judgeOffline(qr, bundle, new OfflineTrust(bundle.signers, bundle.revocations), new Date(), 'en')
 * if (judged.kind === 'answer') show(judged.answer.entryAllowed)
 * ```
 */
export async function judgeOffline(
  qr: string,
  bundle: OfflineBundle | undefined,
  trust: OfflineTrust | undefined,
  at: Date,
  language: string,
): Promise<OfflineJudgement> {
  if (!bundle || !trust) return { kind: 'unchecked', why: 'no-bundle' }
  if (!bundleUsable(bundle, at)) return { kind: 'unchecked', why: 'stale-bundle' }
  if (isShcText(qr)) return { kind: 'unchecked', why: 'smart-health-card' }
  const verification = await verifyHc1Offline(qr, trust, at)
  if (!verification.valid) {
    return {
      kind: 'answer',
      answer: {
        offline: true,
        entryAllowed: false,
        reason: 'CODE_INVALID',
        message: `the code is not valid: ${verification.error.message}`,
        verification: { stage: verification.stage, code: verification.error.code },
      },
    }
  }
  const reading = readAtDoor(verification.certificate)
  let decision: { allowed: boolean; reason: string; message: string } = decideEntry(
    bundle.policy,
    reading.presented,
    at,
  )
  let rules: ScanAnswer['rules']
  if (reading.forRules && bundle.rules) {
    const ruleSet = bundle.rules.ruleSet
    if (!ruleSet) return { kind: 'unchecked', why: 'no-rule-set' }
    const certificate = reading.forRules
    const verdict = evaluateRules(ruleSet, {
      payloadType: certificate.payloadType,
      payload: certificate.payload,
      issuedAt: certificate.issuedAt,
      expiresAt: certificate.expiresAt,
      issuerCountry: certificate.issuer,
      kid: certificate.kid,
      at,
      countryCode: bundle.rules.countryCode,
      region: bundle.rules.region ?? undefined,
      valueSets: bundle.rules.valueSets,
    })
    const failed = describeFailures(verdict, language).map(({ identifier, text }) => ({
      identifier,
      text,
    }))
    rules = { ruleSet: verdict.ruleSet, allowed: verdict.allowed, failed }
    if (decision.allowed && !verdict.allowed) {
      decision = {
        allowed: false,
        reason: 'RULES_NOT_MET',
        message:
          failed.map((failure) => failure.text).join('; ') ||
          `not accepted under rule set ${verdict.ruleSet.id}`,
      }
    }
  }
  const presented = reading.presented
  return {
    kind: 'answer',
    answer: {
      offline: true,
      entryAllowed: decision.allowed,
      reason: decision.reason,
      message: decision.message,
      holder: reading.holder,
      colour: presented.kind === 'health-code' ? presented.colour : undefined,
      certificateKind: presented.kind === 'certificate' ? presented.certificateKind : undefined,
      verification: { stage: 'ok' },
      ...(rules ? { rules } : {}),
    },
  }
}
