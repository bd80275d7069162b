import type { RevocationCheck } from '../../codec/hc1/index.js'
import { RevocationList, type RevocationEntry } from '../../codec/revocation/index.js'
import { ShcTrustStore, type ShcIssuer } from '../../codec/shc/index.js'
import {
  TrustList,
  signerFromCertificate,
  type TrustStore,
} from '../../codec/trust/trusted-signer.js'

/**
 * The trust material of the command line (`--trust`, `--trust-list`, `--revocation-list`,
 * `--shc-issuer`), already checked, in a form that crosses to worker threads by structured clone:
 * each worker builds its {@link VerifyContext} from it once.
 */
export interface SharedTrust {
  /** DER certificates of trusted document signers: `--trust` files and trust lists' DSCs. */
  readonly certificates: readonly Uint8Array[]
  /** The revocation lists' entries, or undefined when no list was given. */
  readonly revocations: readonly RevocationEntry[] | undefined
  /** The SMART Health Card issuers of the `--shc-issuer` files, as JSON: keys and lists. */
  readonly shcIssuers: readonly ShcIssuer[]
}

/** No trust material: every line brings its own. */
export const noSharedTrust: SharedTrust = {
  certificates: [],
  revocations: undefined,
  shcIssuers: [],
}

/** What every code is verified with, besides the trust a `--jsonl` line brings. */
export interface VerifyContext {
  readonly trust: TrustStore
  readonly revocation: RevocationCheck | undefined
  /** The trusted SMART Health Card issuers, their keys imported once. */
  readonly shcTrust: ShcTrustStore
  /** Whether answers are compact (`--compact`): id, valid, stage and error code only. */
  readonly compact: boolean
}

/**
 * Parses the shared trust material once.
 *
 * @throws {TrustError} for a certificate that does not parse, {ShcTrustError} for an issuer
 *   that cannot be trusted (they were checked when read, so this does not happen).
 */
export function verifyContextOf(shared: SharedTrust, compact = false): VerifyContext {
  return {
    compact,
    trust: new TrustList(shared.certificates.map((der) => signerFromCertificate(der))),
    revocation:
      shared.revocations === undefined ? undefined : new RevocationList(shared.revocations),
    shcTrust: new ShcTrustStore(shared.shcIssuers),
  }
}

/** Two trust stores as one: the signers of both for a kid. */
export class CombinedTrustStore implements TrustStore {
  constructor(
    private readonly first: TrustStore,
    private readonly second: TrustStore,
  ) {}

  signersFor(kid: Uint8Array) {
    const first = this.first.signersFor(kid)
    const second = this.second.signersFor(kid)
    if (first.length === 0) return second
    if (second.length === 0) return first
    return [...first, ...second]
  }
}
