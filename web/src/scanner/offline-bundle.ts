// The offline bundle as `GET /api/v1/venues/{id}/offline-bundle` answers it, and how old a scanner
// lets it grow. Pure: the Node tests import it too.
import type { EntryPolicy, RuleSet } from './shared-codec.js'

/** The bundle format this scanner reads (`OFFLINE_BUNDLE_FORMAT` on the server). */
export const OFFLINE_BUNDLE_FORMAT = 1

/**
 * How old a bundle may be and still judge codes: 12 hours, the server's default
 * `OFFLINE_SCAN_MAX_AGE`. Past it a revocation, a new signer or a new policy may be missing, and a
 * door offline that long produces scans the server no longer takes as offline ones anyway; the
 * scanner only saves scans from then on (docs/health-code.md).
 */
export const MAX_BUNDLE_AGE_MS = 12 * 3_600_000

/**
 * From what age a bundle is flagged on the result screen, with its age: an hour, six missed
 * refreshes (`BUNDLE_REFRESH_MS`); a revocation since then is unknown to the door.
 */
export const BUNDLE_FLAG_AGE_MS = 3_600_000

/** How often a scanner that is online fetches a fresh bundle. */
export const BUNDLE_REFRESH_MS = 10 * 60_000

/** A public key as a JSON Web Key, P-256 or RSA. */
export type PublicJwk =
  | { readonly kty: 'EC'; readonly crv: 'P-256'; readonly x: string; readonly y: string }
  | { readonly kty: 'RSA'; readonly n: string; readonly e: string }

/** A trusted document signer: its kid, public key, validity and key usage. */
export interface OfflineSigner {
  /** The HCERT kid, base64. */
  readonly kid: string
  readonly keyType: 'ec-p256' | 'rsa'
  readonly publicKey: PublicJwk
  readonly notBefore: string | null
  readonly notAfter: string | null
  readonly extendedKeyUsage: readonly string[]
  readonly subject: string | null
  /** What the list that gave the signer trusts it for; null (or absent, an older bundle): all. */
  readonly payloadTypes?: readonly ('eu-dcc' | 'healthcode-antibody' | 'healthcode-status')[] | null
}

/** A revocation list entry: a DCC revocation hash (base64 of 16 bytes). */
export interface OfflineRevocation {
  readonly hashType: string
  readonly hash: string
}

/** The validity rules certificates are judged by. */
export interface OfflineRules {
  readonly ruleSetId: string
  /** null when the server knows no set of that id: certificates cannot be judged offline. */
  readonly ruleSet: RuleSet | null
  readonly countryCode: string
  readonly region: string | null
  readonly valueSets: Readonly<Record<string, readonly string[]>>
}

/** What a door scanner needs to judge codes without the network. */
export interface OfflineBundle {
  readonly format: number
  readonly venueId: string
  readonly category: string
  readonly generatedAt: string
  readonly signers: readonly OfflineSigner[]
  readonly revocations: readonly OfflineRevocation[]
  readonly policy: EntryPolicy
  /** null when the deployment judges no validity rules at the door. */
  readonly rules: OfflineRules | null
}

/** Whether a bundle can judge codes at `now`: the right format, and not older than `MAX_BUNDLE_AGE_MS`. */
export function bundleUsable(bundle: OfflineBundle | undefined, now: Date): boolean {
  if (!bundle || bundle.format !== OFFLINE_BUNDLE_FORMAT) return false
  const age = now.getTime() - Date.parse(bundle.generatedAt)
  // A bundle from the future (a device clock set back) is as untrustworthy as an old one.
  return age >= -5 * 60_000 && age <= MAX_BUNDLE_AGE_MS
}
