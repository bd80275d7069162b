import { randomBytes } from 'node:crypto'
import type { Person } from '../people/person.js'
import type { RecoveryData, RegisterRecord, TestData } from '../register/register-record.js'

/** How long certificates last, and what a positive test does. Set from the configuration. */
export interface CertificatePolicy {
  /** A vaccination certificate's `exp` after issuing, default 365 days. */
  readonly vaccinationValidityDays: number
  /** A negative test certificate's `exp` after the sample, default 72 hours. */
  readonly testValidityHours: number
  /** An antibody certificate's `exp` after the test, default 180 days. */
  readonly antibodyValidityDays: number
  /** A recovery approved by the commission: valid from this many days after the first positive (11). */
  readonly recoveryValidFromDays: number
  /** … until this many days after it (180). */
  readonly recoveryValidityDays: number
  /** Whether a positive test suspends the holder's valid certificates until a recovery (true). */
  readonly suspendOnPositiveTest: boolean
}

export const defaultCertificatePolicy: CertificatePolicy = {
  vaccinationValidityDays: 365,
  testValidityHours: 72,
  antibodyValidityDays: 180,
  recoveryValidFromDays: 11,
  recoveryValidityDays: 180,
  suspendOnPositiveTest: true,
}

/** EU value set test-result: SARS-CoV-2 detected / not detected. */
export const TEST_DETECTED = '260373001'
export const TEST_NOT_DETECTED = '260415000'

const DAY = 86_400_000

/** Tells whether a record yields a certificate: every vaccination and recovery, a negative test, an antibody level at or above its threshold. */
export function yieldsCertificate(record: RegisterRecord): boolean {
  switch (record.kind) {
    case 'vaccination':
    case 'recovery':
      return true
    case 'test':
      return record.data.result === TEST_NOT_DETECTED
    case 'antibody':
      return record.data.value >= record.data.threshold
  }
}

/** Tells whether a record is a positive test. */
export function isPositiveTest(record: RegisterRecord): boolean {
  return record.kind === 'test' && record.data.result === TEST_DETECTED
}

/** The recovery a positive test proves, under the policy's validity window. */
export function recoveryFromTest(test: TestData, policy: CertificatePolicy): RecoveryData {
  const firstPositive = test.sampledAt.slice(0, 10)
  const start = Date.parse(`${firstPositive}T00:00:00Z`)
  const day = (offset: number) => new Date(start + offset * DAY).toISOString().slice(0, 10)
  return {
    disease: test.disease,
    firstPositive,
    validFrom: day(policy.recoveryValidFromDays),
    validUntil: day(policy.recoveryValidityDays),
    country: test.country,
  }
}

/** When a certificate for the record expires (CWT `exp`), issued at `issuedAt`. */
export function certificateExpiry(
  record: RegisterRecord,
  issuedAt: Date,
  policy: CertificatePolicy,
): Date {
  switch (record.kind) {
    case 'vaccination':
      return new Date(issuedAt.getTime() + policy.vaccinationValidityDays * DAY)
    case 'test':
      return new Date(Date.parse(record.data.sampledAt) + policy.testValidityHours * 3_600_000)
    case 'recovery':
      return new Date(Date.parse(`${record.data.validUntil}T23:59:59Z`))
    case 'antibody':
      return new Date(
        Date.parse(`${record.data.date}T00:00:00Z`) + policy.antibodyValidityDays * DAY,
      )
  }
}

const UVCI_ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ'

/**
 * The Luhn mod N check character (N = 36) of a text over 0-9A-Z, as the EU UVCI guidelines
 * suggest for the optional checksum after `#`; other characters (`:`, `/`) are skipped.
 */
export function luhnMod36(text: string): string {
  const n = UVCI_ALPHABET.length
  let factor = 2
  let sum = 0
  const codes = [...text].map((c) => UVCI_ALPHABET.indexOf(c)).filter((code) => code >= 0)
  for (let i = codes.length - 1; i >= 0; i--) {
    let addend = factor * (codes[i] as number)
    factor = factor === 2 ? 1 : 2
    addend = Math.floor(addend / n) + (addend % n)
    sum += addend
  }
  return UVCI_ALPHABET[(n - (sum % n)) % n] as string
}

/**
 * Tells whether a UVCI's check character (after `#`) is right: the Luhn mod 36 sum over the
 * characters and the check character is 0. A UVCI without `#` has no check to fail.
 */
export function hasValidUvciCheck(uvci: string): boolean {
  const hash = uvci.lastIndexOf('#')
  if (hash < 0) return true
  const check = uvci.slice(hash + 1)
  if (check.length !== 1 || !UVCI_ALPHABET.includes(check)) return false
  const n = UVCI_ALPHABET.length
  const codes = [...(uvci.slice(0, hash) + check)]
    .map((c) => UVCI_ALPHABET.indexOf(c))
    .filter((code) => code >= 0)
  let factor = 1
  let sum = 0
  for (let i = codes.length - 1; i >= 0; i--) {
    const addend = factor * (codes[i] as number)
    factor = factor === 2 ? 1 : 2
    sum += Math.floor(addend / n) + (addend % n)
  }
  return sum % n === 0
}

/**
 * A new UVCI (EU eHealth Network UVCI guidelines, version 1 opaque form):
 * `URN:UVCI:01:<country>:<ISSUER>/<20 random characters>#<Luhn mod 36 check>`.
 */
export function newUvci(country: string, issuerId: string, random = randomBytes(20)): string {
  const opaque = [...random].map((byte) => UVCI_ALPHABET[byte % 36]).join('')
  const issuer = issuerId.toUpperCase().replace(/[^0-9A-Z]/g, '')
  const body = `URN:UVCI:01:${country}:${issuer}/${opaque}`
  return `${body}#${luhnMod36(body)}`
}

/**
 * A UVCI as stored, from what staff type or copy from a printed certificate: trimmed, upper case,
 * and with the `URN:UVCI:` prefix, which the eHealth Network UVCI guidelines (section 3) let a
 * printed UVCI leave out.
 *
 * @example
 * normaliseUvci(' 01:ru:rusPB/ABC#7 ') // 'URN:UVCI:01:RU:RUSPB/ABC#7'
 */
export function normaliseUvci(text: string): string {
  const upper = text.trim().toUpperCase()
  return upper.startsWith('URN:UVCI:') ? upper : `URN:UVCI:${upper}`
}

/** The DCC name block (`nam`) of a person. */
function nameOf(person: Person) {
  return {
    fn: person.familyName,
    gn: person.givenName,
    fnt: person.familyNameIcao,
    gnt: person.givenNameIcao,
  }
}

/**
 * The payload of a record's certificate: an EU DCC 1.3.0 (one `v`, `t` or `r` entry) for
 * vaccinations, tests and recoveries; our own antibody payload for antibody tests.
 */
export function certificatePayload(
  record: RegisterRecord,
  person: Person,
  uvci: string,
  issuerName: string,
): { payloadType: 'eu-dcc' | 'healthcode-antibody'; payload: Record<string, unknown> } {
  const common = { nam: nameOf(person), dob: person.birthDate }
  switch (record.kind) {
    case 'vaccination': {
      const d = record.data
      return {
        payloadType: 'eu-dcc',
        payload: {
          ver: '1.3.0',
          ...common,
          v: [
            {
              tg: d.disease,
              vp: d.vaccine,
              mp: d.product,
              ma: d.manufacturer,
              dn: d.doseNumber,
              sd: d.totalDoses,
              dt: d.date,
              co: d.country,
              is: issuerName,
              ci: uvci,
            },
          ],
        },
      }
    }
    case 'test': {
      const d = record.data
      return {
        payloadType: 'eu-dcc',
        payload: {
          ver: '1.3.0',
          ...common,
          t: [
            {
              tg: d.disease,
              tt: d.testType,
              ...(d.name === undefined ? {} : { nm: d.name }),
              ...(d.device === undefined ? {} : { ma: d.device }),
              sc: new Date(d.sampledAt).toISOString().replace('.000Z', 'Z'),
              tr: d.result,
              tc: d.centre,
              co: d.country,
              is: issuerName,
              ci: uvci,
            },
          ],
        },
      }
    }
    case 'recovery': {
      const d = record.data
      return {
        payloadType: 'eu-dcc',
        payload: {
          ver: '1.3.0',
          ...common,
          r: [
            {
              tg: d.disease,
              fr: d.firstPositive,
              co: d.country,
              is: issuerName,
              df: d.validFrom,
              du: d.validUntil,
              ci: uvci,
            },
          ],
        },
      }
    }
    case 'antibody': {
      const d = record.data
      return {
        payloadType: 'healthcode-antibody',
        payload: {
          ver: '1.0.0',
          ...common,
          ab: [
            {
              tg: d.disease,
              ma: d.assay,
              va: d.value,
              un: d.unit,
              th: d.threshold,
              dt: d.date,
              co: d.country,
              is: issuerName,
              ci: uvci,
            },
          ],
        },
      }
    }
  }
}
