import type { EntryPolicy, VenueCategory } from './venue.js'

/**
 * The entry policies a deployment starts with. Places of culture and leisure follow St.
 * Petersburg: a vaccination, recovery or recent negative test certificate (or a green code);
 * workplaces, shops, transport, parks and administration service centres follow Shanghai: a green
 * code.
 */
export const defaultEntryPolicies: Readonly<Record<VenueCategory, EntryPolicy>> = (() => {
  const certificates: EntryPolicy = {
    acceptGreenCode: true,
    acceptCertificates: ['vaccination', 'recovery', 'test'],
    testMaxAgeHours: 72,
  }
  const greenCode: EntryPolicy = {
    acceptGreenCode: true,
    acceptCertificates: [],
    testMaxAgeHours: 72,
  }
  return {
    theatre: certificates,
    museum: certificates,
    restaurant: certificates,
    cinema: certificates,
    'concert-hall': certificates,
    sports: certificates,
    shop: greenCode,
    office: greenCode,
    factory: greenCode,
    school: greenCode,
    hospital: greenCode,
    transport: greenCode,
    park: greenCode,
    other: greenCode,
    'administration-service-centre': greenCode,
  }
})()

/** What the visitor showed, once verified. */
export type PresentedCode =
  | {
      readonly kind: 'health-code'
      readonly colour: 'green' | 'yellow' | 'red'
      readonly greenOn: string | undefined
    }
  | {
      readonly kind: 'certificate'
      readonly certificateKind: 'vaccination' | 'recovery' | 'test' | 'antibody'
      /** For a test certificate: when the sample was taken. */
      readonly sampledAt: string | undefined
      /** For a test certificate: whether the result is negative. */
      readonly negative: boolean | undefined
    }

/** A stable reason for a door's answer. */
export type EntryReasonCode =
  | 'GREEN_CODE'
  | 'YELLOW_CODE'
  | 'CODE_NOT_GREEN'
  | 'GREEN_CODE_NOT_ACCEPTED'
  | 'CERTIFICATE_ACCEPTED'
  | 'CERTIFICATE_KIND_NOT_ACCEPTED'
  | 'TEST_POSITIVE'
  | 'TEST_TOO_OLD'

/** Whether the door opens, and why, in words a door attendant reads at a glance. */
export interface EntryDecision {
  readonly allowed: boolean
  readonly reason: EntryReasonCode
  readonly message: string
}

/** Decides entry for a verified code under a venue's policy at `now`. */
export function decideEntry(policy: EntryPolicy, code: PresentedCode, now: Date): EntryDecision {
  if (code.kind === 'health-code') {
    if (!policy.acceptGreenCode) {
      return refuse(
        'GREEN_CODE_NOT_ACCEPTED',
        `this venue requires a ${policy.acceptCertificates.join(', ')} certificate`,
      )
    }
    if (code.colour === 'yellow' && policy.admitYellowCode === true) {
      return { allowed: true, reason: 'YELLOW_CODE', message: 'yellow health code, admitted here' }
    }
    if (code.colour !== 'green') {
      return refuse(
        'CODE_NOT_GREEN',
        `the health code is ${code.colour}${code.greenOn ? ` until ${code.greenOn}` : ''}`,
      )
    }
    return { allowed: true, reason: 'GREEN_CODE', message: 'green health code' }
  }
  if (!policy.acceptCertificates.includes(code.certificateKind)) {
    return refuse(
      'CERTIFICATE_KIND_NOT_ACCEPTED',
      `a ${code.certificateKind} certificate is not accepted here${policy.acceptGreenCode ? '; show the green health code' : ''}`,
    )
  }
  if (code.certificateKind === 'test') {
    if (code.negative !== true) return refuse('TEST_POSITIVE', 'the test result is not negative')
    const age = now.getTime() - Date.parse(code.sampledAt ?? '')
    if (!(age <= policy.testMaxAgeHours * 3_600_000)) {
      return refuse(
        'TEST_TOO_OLD',
        `the test was sampled more than ${policy.testMaxAgeHours} hours ago`,
      )
    }
  }
  return {
    allowed: true,
    reason: 'CERTIFICATE_ACCEPTED',
    message: `valid ${code.certificateKind} certificate`,
  }
}

function refuse(reason: EntryReasonCode, message: string): EntryDecision {
  return { allowed: false, reason, message }
}
