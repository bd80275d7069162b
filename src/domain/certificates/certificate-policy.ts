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
