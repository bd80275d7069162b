// What a door reads of a verified HC1 code. Pure (no I/O, no Node import): the server's scan and
// the browser's offline scanner (web/src/scanner) share it, so both read a code the same way.
import type { JsonValue } from '../../codec/hc1/cbor.js'
import { maskName, maskWrittenName, writtenFamilyFirst } from '../people/masked-name.js'
import type { PresentedCode } from './entry-decision.js'

/** A verified HC1 code as the door needs it (a `DecodedHc1` fits). Times are ISO 8601. */
export interface DoorCode {
  readonly payloadType: 'eu-dcc' | 'healthcode-antibody' | 'healthcode-status'
  readonly dcc?: JsonValue | undefined
  readonly antibody?: JsonValue | undefined
  readonly status?: JsonValue | undefined
  readonly issuedAt: string | undefined
  readonly expiresAt: string | undefined
  /** The issuing country (CWT `iss`). */
  readonly issuer: string | undefined
  /** The signer's `kid` in base64. */
  readonly kid: string | undefined
}

/** What validity rules read of a certificate (the shape `ValidityJudge.judgeCertificate` takes). */
export interface DoorCertificateFacts {
  readonly payloadType: 'eu-dcc' | 'healthcode-antibody'
  readonly payload: JsonValue
  readonly issuedAt: string | undefined
  readonly expiresAt: string | undefined
  readonly issuer: string | undefined
  readonly kid: string | undefined
}

/**
 * Who a door sees, for every kind of code (dynamic code, EU DCC, antibody certificate, SMART Health
 * Card): a masked name (`IVAN P.`, see `maskName`) and the birth date, to match against an ID.
 */
export interface DoorHolder {
  readonly name: string
  readonly birthDate: string
}

/** What the door learnt: the code to judge, who to match against an ID, and what to record. */
export interface DoorReading {
  /** For a health-code token: the colour it carries, which the server replaces by the live one. */
  readonly presented: PresentedCode
  /** The token's opaque subject, or the certificate's UVCI. */
  readonly subject: string | undefined
  /** The masked name and birth date to match against the visitor's ID. */
  readonly holder: DoorHolder
  /** For a certificate: what its validity rules read. */
  readonly forRules: DoorCertificateFacts | undefined
}

/** The DCC result code of a negative test (SNOMED CT 260415000, EU value set `covid-19-lab-result`). */
const NEGATIVE_TEST = '260415000'

/**
 * Reads a verified code at the door: a health-code token's colour, masked name and birth date; a
 * certificate's kind (vaccination, test, recovery, or our antibody certificate), its test facts,
 * the holder's masked name and birth date, and its UVCI. The name is masked for every kind, as the
 * issuer masks a token's (a token's `nam` is masked again: a partner's token cannot show more).
 *
 * @example
 * ```ts
 * const reading = readAtDoor(verification.certificate)
 * const decision = decideEntry(policy, reading.presented, now)
 * ```
 */
export function readAtDoor(code: DoorCode): DoorReading {
  if (code.payloadType === 'healthcode-status') {
    // The schema step has checked these fields (schemas/healthcode-status-1.0.0.json).
    const status = code.status as {
      sub: string
      col: string
      nam: string
      dob: string
      gon?: string
    }
    return {
      presented: {
        kind: 'health-code',
        colour: status.col as 'green' | 'yellow' | 'red',
        greenOn: status.gon,
      },
      subject: status.sub,
      holder: { name: maskWrittenName(status.nam), birthDate: status.dob },
      forRules: undefined,
    }
  }
  const payload = (code.payloadType === 'healthcode-antibody' ? code.antibody : code.dcc) as {
    nam?: { fn?: string; gn?: string; fnt?: string; gnt?: string }
    dob?: string
    v?: { ci: string }[]
    t?: { ci: string; sc: string; tr: string }[]
    r?: { ci: string }[]
    ab?: { ci: string }[]
  }
  const entry = payload.v?.[0] ?? payload.t?.[0] ?? payload.r?.[0] ?? payload.ab?.[0]
  const kind = payload.v ? 'vaccination' : payload.t ? 'test' : payload.r ? 'recovery' : 'antibody'
  const test = payload.t?.[0]
  // The ICAO forms first (`fnt` is required; `gnt` is not): the ID's machine-readable zone has them.
  // Family first for a holder whose name is written so (`fn` in Chinese characters).
  const name = maskName(
    payload.nam?.gnt || payload.nam?.gn || '',
    payload.nam?.fnt || payload.nam?.fn || '',
    writtenFamilyFirst(payload.nam?.fn ?? '', payload.nam?.gn ?? '')
      ? 'family-first'
      : 'given-first',
  )
  return {
    presented: {
      kind: 'certificate',
      certificateKind: kind,
      sampledAt: test?.sc,
      negative: test ? test.tr === NEGATIVE_TEST : undefined,
    },
    subject: entry?.ci,
    holder: { name, birthDate: payload.dob ?? '' },
    forRules: {
      payloadType: code.payloadType === 'healthcode-antibody' ? 'healthcode-antibody' : 'eu-dcc',
      payload: payload as JsonValue,
      issuedAt: code.issuedAt,
      expiresAt: code.expiresAt,
      issuer: code.issuer,
      kid: code.kid,
    },
  }
}

/**
 * The holder of a SMART Health Card as a door sees them: the first Patient's first name, masked
 * (FHIR HumanName: the first `given` and the `family`, or else its `text`), and the birth date.
 */
export function readShcHolder(fhirBundle: JsonValue | undefined): DoorHolder {
  const entries = field(fhirBundle, 'entry')
  const patient = (Array.isArray(entries) ? entries : [])
    .map((entry) => field(entry, 'resource'))
    .find((resource) => field(resource, 'resourceType') === 'Patient')
  const names = field(patient, 'name')
  const name = Array.isArray(names) ? names[0] : undefined
  const given = field(name, 'given')
  const family = field(name, 'family')
  const firstGiven = Array.isArray(given) ? given[0] : undefined
  // FHIR R4 has one family name; DSTU2 had a list.
  const familyName = Array.isArray(family) ? family[0] : family
  const text = field(name, 'text')
  const masked =
    typeof firstGiven === 'string' || typeof familyName === 'string'
      ? maskName(
          typeof firstGiven === 'string' ? firstGiven : '',
          typeof familyName === 'string' ? familyName : '',
          writtenFamilyFirst(
            typeof familyName === 'string' ? familyName : '',
            typeof firstGiven === 'string' ? firstGiven : '',
          )
            ? 'family-first'
            : 'given-first',
        )
      : typeof text === 'string'
        ? maskWrittenName(text)
        : ''
  const birthDate = field(patient, 'birthDate')
  return { name: masked, birthDate: typeof birthDate === 'string' ? birthDate : '' }
}

function field(value: JsonValue | undefined, key: string): JsonValue | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
    ? value[key]
    : undefined
}
