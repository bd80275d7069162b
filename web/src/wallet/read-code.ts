// What a code says about its holder, read on the device without verifying it: the wallet shows the
// citizen's own certificates and code, which the server issued and sent over its session, so there
// is nothing to trust or refuse here (the door verifies; see web/src/scanner/verify-offline.ts).
import { inflateInBrowser } from '../scanner/browser-crypto'
import { holderName } from '../components/person-name'
import {
  decodeBase45,
  decodeCoseSign1,
  decodeHc1Claims,
  maskWrittenName,
  stripHc1Prefix,
} from '../scanner/shared-codec'

/** The facts a certificate card shows; any may be missing from a code. */
export interface CertificateFacts {
  /**
   * The holder's name as written on the certificate, in the holder's order: a Chinese name family
   * first (`王芳`), others given name first; the ICAO letters when nothing else is written.
   */
  readonly holder: string | undefined
  readonly birthDate: string | undefined
  /** A vaccine's medicinal product, a test's type or name, as the code has it (value-set code). */
  readonly product: string | undefined
  /** For a test: its type and its result (value-set codes `tt`, `tr`). */
  readonly test:
    { readonly type: string | undefined; readonly result: string | undefined } | undefined
  /** For a vaccination: the dose number and the doses of the series (`dn`/`sd`). */
  readonly dose: { readonly number: number; readonly of: number } | undefined
  /** The day of the vaccination, the test's sample, the first positive result or the antibody test. */
  readonly date: string | undefined
}

interface DccPayload {
  readonly nam?: { fn?: string; gn?: string; fnt?: string; gnt?: string }
  readonly dob?: string
  readonly v?: readonly { mp?: string; dn?: number; sd?: number; dt?: string }[]
  readonly t?: readonly { tt?: string; nm?: string; ma?: string; sc?: string; tr?: string }[]
  readonly r?: readonly { fr?: string }[]
  readonly ab?: readonly { tt?: string; sc?: string; dt?: string }[]
}

async function claimsOf(qr: string) {
  return decodeHc1Claims(
    decodeCoseSign1(await inflateInBrowser(decodeBase45(stripHc1Prefix(qr)))).payload,
  )
}

/** Reads a certificate's holder, product, dose and date from its `HC1:` text; undefined if unreadable. */
export async function readCertificate(qr: string): Promise<CertificateFacts | undefined> {
  try {
    const claims = await claimsOf(qr)
    const payload = (
      claims.payloadType === 'eu-dcc'
        ? claims.dcc
        : claims.payloadType === 'healthcode-antibody'
          ? claims.antibody
          : undefined
    ) as DccPayload | undefined
    if (!payload) return undefined
    const written = holderName({
      familyName: payload.nam?.fn ?? '',
      givenName: payload.nam?.gn ?? '',
    })
    const icao = holderName({
      familyName: payload.nam?.fnt ?? '',
      givenName: payload.nam?.gnt ?? '',
    })
    const holder = written || icao || undefined
    const vaccination = payload.v?.[0]
    const test = payload.t?.[0]
    const recovery = payload.r?.[0]
    const antibody = payload.ab?.[0]
    return {
      holder,
      birthDate: payload.dob,
      product: vaccination?.mp ?? test?.nm ?? test?.ma ?? test?.tt ?? antibody?.tt,
      test: test ? { type: test.tt, result: test.tr } : undefined,
      dose:
        vaccination?.dn !== undefined && vaccination.sd !== undefined
          ? { number: vaccination.dn, of: vaccination.sd }
          : undefined,
      date: (vaccination?.dt ?? test?.sc ?? recovery?.fr ?? antibody?.sc ?? antibody?.dt)?.slice(
        0,
        10,
      ),
    }
  } catch {
    return undefined
  }
}

/** The holder's masked name a health-code token carries (`IVAN P.`), as the door shows it. */
export async function readCodeHolder(qr: string): Promise<string | undefined> {
  try {
    const claims = await claimsOf(qr)
    if (claims.payloadType !== 'healthcode-status') return undefined
    const name = (claims.status as { nam?: unknown }).nam
    return typeof name === 'string' ? maskWrittenName(name) : undefined
  } catch {
    return undefined
  }
}
