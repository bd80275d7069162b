/** The shapes of the API answers the web app reads (see /openapi.json). */

export type Colour = 'green' | 'yellow' | 'red'
export type Language = 'en' | 'ru' | 'zh'

export interface Person {
  readonly id: string
  readonly familyName: string
  readonly givenName: string
  readonly birthDate: string
}

export interface Me {
  readonly account?: { readonly id: string; readonly displayName: string; readonly roles: string[] }
  readonly person?: Person
}

export interface Reason {
  readonly ruleId: string
  readonly colour: Colour
  readonly text: Readonly<Record<Language, string>>
  readonly since?: string
  readonly greenOn?: string
}

export interface Assessment {
  readonly colour: Colour
  readonly reasons: readonly Reason[]
  readonly greenOn?: string
  readonly evaluatedAt?: string
}

export interface HealthCodeToken {
  readonly qr: string
  readonly expiresAt: string
  readonly healthCode: Assessment
}

export type CertificateKind = 'vaccination' | 'test' | 'recovery' | 'antibody'

export interface Certificate {
  readonly id: string
  readonly uvci: string
  readonly kind: CertificateKind
  readonly qr: string
  readonly status: 'valid' | 'suspended' | 'revoked'
  readonly statusReason?: string
  readonly statusChangedAt?: string
  readonly issuedAt: string
  readonly expiresAt?: string
}

export interface Venue {
  readonly id: string
  readonly name: string
  readonly category: string
  readonly address: string
  readonly district: string
}

export interface ScanAnswer {
  readonly checkinId?: string
  readonly entryAllowed: boolean
  readonly reason?: string
  readonly message?: string
  readonly duplicate?: boolean
  readonly holder?: { readonly name?: string; readonly birthDate?: string }
  readonly verification?: { readonly stage?: string; readonly code?: string }
  readonly colour?: Colour
  readonly certificateKind?: string
  /** For a certificate: the validity rule set it was judged by, and the rules it failed. */
  readonly rules?: {
    readonly ruleSet?: { readonly id: string; readonly version: number }
    readonly allowed?: boolean
    readonly failed?: readonly { readonly identifier: string; readonly text: string }[]
  }
  /** Judged by the door scanner itself, without the network (web/src/scanner/offline-door.ts). */
  readonly offline?: boolean
}

export interface CheckinAnswer {
  readonly checkinId: string
  readonly venue: { readonly id: string; readonly name: string }
  readonly at: string
  readonly duplicate: boolean
  readonly colour?: Colour
  readonly entryAllowed: boolean
  readonly reason?: string
  readonly message?: string
}

export interface Notification {
  readonly id: string
  readonly kind: 'exposure' | 'colour-change' | 'commission'
  readonly data: Readonly<Record<string, unknown>>
  readonly createdAt: string
  /** When the person read it; absent while unread. */
  readonly readAt?: string
}

export interface Evidence {
  readonly kind: 'test' | 'antibody'
  readonly data: Readonly<Record<string, unknown>>
}

export interface CommissionRequest {
  readonly id: string
  readonly personId: string
  readonly evidence: Evidence
  readonly status:
    'submitted' | 'approved' | 'refused' | 'appealed' | 'appeal_approved' | 'appeal_refused'
  readonly submittedAt: string
  readonly decision?: {
    readonly outcome: string
    readonly reason?: string
    /** The account of the member who decided: an appeal goes to another member. */
    readonly decidedBy?: string
  }
  readonly appeal?: { readonly reason?: string; readonly appealedAt?: string }
  readonly attachments: readonly {
    readonly id: string
    readonly fileName: string
    readonly mediaType: string
    readonly size: number
  }[]
  readonly waitingHours?: number
  readonly dueBy?: string
  readonly overdue?: boolean
}

export interface StaffPerson extends Person {
  readonly familyNameIcao?: string
  readonly givenNameIcao?: string
  readonly document?: { readonly type: string; readonly number: string; readonly country: string }
  readonly hasAccount?: boolean
}

export interface RiskArea {
  readonly id: string
  /** The region whose authority declared the area. */
  readonly issuerId?: string
  readonly areaCode: string
  readonly name: string
  readonly level: 'high' | 'medium'
  readonly from: string
  readonly until?: string
}

/** A district a region's authority defined (`GET /api/v1/districts`). */
export interface District {
  readonly issuerId: string
  readonly code: string
  readonly name: string
}

/** What a kind of venue admits (`GET /api/v1/entry-policies`). */
export interface EntryPolicy {
  readonly acceptGreenCode: boolean
  readonly admitYellowCode?: boolean
  readonly acceptCertificates: readonly CertificateKindAdmitted[]
  readonly testMaxAgeHours: number
  readonly ruleSet?: string
  readonly region?: string
}

export type CertificateKindAdmitted = 'vaccination' | 'recovery' | 'test' | 'antibody'

export interface Figures {
  readonly codes: { readonly green: number; readonly yellow: number; readonly red: number }
  readonly declarations: number
  readonly scans: number
  readonly checkins: number
  readonly cases: number
  readonly exposures: {
    readonly closeContact: number
    readonly sameVenue: number
    readonly secondaryContact: number
  }
}

/** The people registered now and their codes, counted in the store (`notComputed`: no code yet). */
export interface CurrentCodes {
  readonly registered: number
  readonly codes: {
    readonly green: number
    readonly yellow: number
    readonly red: number
    readonly notComputed: number
  }
}

export interface AuthorityDashboard {
  readonly from: string
  readonly until: string
  readonly current: CurrentCodes
  readonly days: readonly (Figures & { readonly day: string })[]
  readonly districts: readonly (Omit<Figures, 'codes'> &
    CurrentCodes & { readonly district: string })[]
}

export interface Company {
  readonly id: string
  readonly name: string
  readonly createdAt: string
}

export interface CompanyMembership {
  readonly company: Company
  readonly role: string
  readonly consent: boolean
}

export interface CompanyVenue extends Venue {
  readonly companyId?: string
  readonly posterCode?: string
}

export interface CompanyDashboard {
  readonly company: Company
  readonly employees: {
    readonly total: number
    readonly consenting: number
    readonly byColour: {
      readonly green: number
      readonly yellow: number
      readonly red: number
      readonly unknown: number
    }
  }
  readonly declarationsToday: number
  readonly visitorsByDay: readonly { readonly day: string; readonly checkins: number }[]
  readonly notGreen: readonly {
    readonly personId: string
    readonly familyName: string
    readonly givenName: string
    readonly colour: string
  }[]
}

export interface TracingCase {
  readonly id: string
  readonly personId: string
  readonly confirmedAt: string
  readonly source: 'test' | 'authority'
  readonly publishedAt?: string
  readonly district?: string
  readonly closedAt?: string
}

/** A person on a case page: in full, or masked where the authority may not read them. */
export interface TracedPerson {
  readonly personId: string
  readonly name: string
  readonly masked: boolean
  readonly birthDate?: string
  readonly district?: string
  readonly colour?: Colour
}

/** One line of the authority's list of cases (`GET /api/v1/cases`). */
export interface CaseSummary {
  readonly case: TracingCase
  readonly person: TracedPerson
}

/** A case page (`GET /api/v1/cases/{id}`). */
export interface CaseDetail extends Whereabouts {
  readonly person: TracedPerson
  readonly contacts: readonly (TracedPerson & {
    readonly kind: 'close-contact' | 'same-venue' | 'secondary-contact'
    readonly venueName: string
    readonly at: string
  })[]
}

/** A published exposure site (`GET /api/v1/exposure-sites`). */
export interface ExposureSite {
  readonly venueName: string
  readonly address: string
  readonly district: string
  readonly from: string
  readonly until: string
}

export interface ExposureCounts {
  readonly closeContacts: number
  readonly sameVenue: number
  readonly secondary: number
}

export interface Whereabouts {
  readonly case: TracingCase
  readonly visits: readonly {
    readonly venueId: string
    readonly venueName: string
    readonly district: string
    readonly from: string
    readonly until: string
  }[]
  readonly exposures: ExposureCounts
}

export interface TrustPartner {
  readonly id: string
  readonly name: string
  readonly signingCertificate: string
  readonly sourceUrl?: string
  readonly importedAt?: string
  readonly signers?: number
  readonly problem?: string
  readonly createdAt: string
}

export interface SigningKey {
  readonly id: string
  readonly purpose:
    | 'csca'
    | 'document-signer'
    | 'domestic-signer'
    | 'legacy-signer'
    | 'gateway-trust-anchor'
    | 'gateway-upload'
  readonly issuerId?: string
  readonly kid?: string
  readonly status: 'active' | 'retired'
  readonly notBefore: string
  readonly notAfter: string
  readonly retiredAt?: string
}

/** A certificate as staff who revoke find it (`GET /api/v1/certificates`), with its holder. */
export interface StaffCertificate extends Certificate {
  readonly personId: string
  readonly statusReason?: string
  readonly statusChangedAt?: string
  readonly holder?: {
    readonly personId: string
    readonly familyName: string
    readonly givenName: string
    readonly birthDate: string
  }
}

/** The published revocation list (`GET /api/v1/revocation-list`). */
export interface RevocationListDocument {
  readonly issuer: string
  readonly timestamp: string
  readonly entries: readonly { readonly hashType: string; readonly hash: string }[]
}

/** One stored version of the risk rules (`GET /api/v1/risk-rules/versions`). */
export interface RiskRuleVersion {
  readonly version: number
  readonly note?: string
  readonly createdBy?: string
  readonly createdAt?: string
}

/** How far everyone's recomputation after the last rule change has got. */
export interface RecomputeProgress {
  readonly rulesetVersion: number
  readonly done: number
  readonly failed: number
  readonly startedAt: string
  readonly finishedAt?: string
}

/** How a visitor may sign in (`GET /api/v1/auth/providers`). */
export interface SignInProvider {
  readonly kind: 'password' | 'oidc'
  readonly name?: string
  readonly startUrl?: string
}

export interface Issuer {
  readonly id: string
  readonly name: string
  readonly level: 'federal' | 'region'
  readonly country: string
}

/** A person's own record as the register holds it (`GET /api/v1/me`). */
export interface OwnRecord extends StaffPerson {
  readonly issuerId: string
  readonly residency: 'resident' | 'foreigner'
  readonly district?: string
}

export interface CommissionDecisionInfo {
  readonly outcome: 'approved' | 'refused'
  readonly reason?: string
  readonly decidedAt: string
}

/** A citizen's own commission request, with both decisions and their days. */
export interface OwnCommissionRequest extends CommissionRequest {
  readonly decision?: CommissionDecisionInfo
  readonly appealDecision?: CommissionDecisionInfo
  readonly updatedAt: string
}

/** What the feed says of a commission decision (`kind: 'commission'`). */
export interface CommissionNotice {
  readonly requestId: string
  readonly request: 'recovery' | 'antibody'
  readonly decision: 'approved' | 'refused'
  readonly appeal: boolean
  readonly reason: string | null
}
