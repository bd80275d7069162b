/**
 * The names the web app gives the API answers it reads, every one derived from the server's own
 * response schemas through `openapi.generated.ts` (`scripts/generate-web-api-types.ts`, checked
 * current by `npm test`): a schema says `required` for each field its route always sends, so a
 * renamed, removed or no-longer-certain field fails the web typecheck, and no answer's shape is
 * written here a second time. The one exception is `CommissionNotice`, the web app's reading of a
 * feed item's free-form `data`.
 */
// With its extension: the server's typecheck (NodeNext) reads this file too, through the tests.
import type { components, paths } from './openapi.generated.js'

type Schemas = components['schemas']

/** The JSON answer of a route for a status. */
type Answer<
  Path extends keyof paths,
  Method extends 'get' | 'post' | 'put' | 'delete',
  Status extends number,
> = paths[Path][Method] extends {
  readonly responses: {
    readonly [S in Status]: { content: { readonly 'application/json': infer T } }
  }
}
  ? T
  : never

/** An element of a list. */
type Item<List> = List extends readonly (infer Element)[] ? Element : never

/**
 * An answer with fields the server sends made required where its schema cannot say so: the
 * revocation list is typed by the codec that also reads partners' lists, where they are optional.
 */
type Sent<T, Always extends keyof T> = Omit<T, Always> & {
  readonly [Key in Always]-?: Exclude<T[Key], undefined>
}

/** A health code's colour. */
export type Colour = Answer<'/api/v1/people/{id}/health-code', 'get', 200>['colour']

/** A language the app and the server speak. */
export type Language = Schemas['Person']['language']

/** A person in the register as staff see them (`GET /api/v1/people`). */
export type StaffPerson = Schemas['Person']

/** A person's own record as the register holds it (`GET /api/v1/me`). */
export type OwnRecord = Schemas['Person']

/** A person in the register. */
export type Person = Schemas['Person']

/** The signed-in account and the person record it holds (`GET /api/v1/me`). */
export type Me = Answer<'/api/v1/me', 'get', 200>

/** A person's health code (`GET /api/v1/people/{id}/health-code`): the colour and every reason. */
export type Assessment = Answer<'/api/v1/people/{id}/health-code', 'get', 200>

/** A rule that makes a code red or yellow, with its text in every language. */
export type Reason = Item<Assessment['reasons']>

/** The dynamic QR code and the health code it carries (`GET /api/v1/people/{id}/health-code/token`). */
export type HealthCodeToken = Answer<'/api/v1/people/{id}/health-code/token', 'get', 200>

/** A certificate as its holder and staff see it, with its QR text. */
export type Certificate = Schemas['Certificate']

/** What a certificate certifies: a vaccination, a test, a recovery or antibodies. */
export type CertificateKind = Certificate['kind']

/** A venue as its operators see it (`GET /api/v1/venues`), with its poster's code. */
export type Venue = Item<Answer<'/api/v1/venues', 'get', 200>['venues']>

/** A venue of a company: the same answer (`companyId` names the company). */
export type CompanyVenue = Venue

type ServerScanAnswer = Answer<'/api/v1/venues/{id}/scan', 'post', 200>

/**
 * What a door shows after a scan: the server's answer (`POST /api/v1/venues/{id}/scan`, or an item
 * of an offline batch), or one the door scanner judged itself without the network
 * (web/src/scanner/offline-door.ts), which has no check-in and says `offline`.
 */
export type ScanAnswer = Partial<Omit<ServerScanAnswer, 'entryAllowed'>> &
  Pick<ServerScanAnswer, 'entryAllowed'> & {
    readonly offline?: boolean
  }

/** A check-in's answer (a repeated one answers 200 with the same shape). */
export type CheckinAnswer = Answer<'/api/v1/checkins', 'post', 201>

/** An item of the person's feed (`GET /api/v1/me/feed`); `readAt` is absent while unread. */
export type Notification = Item<Answer<'/api/v1/me/feed', 'get', 200>['notifications']>

/** A request to the medical commission (`GET /api/v1/commission/requests`), with its wait. */
export type CommissionRequest = Item<Answer<'/api/v1/commission/requests', 'get', 200>['requests']>

/** What a request says the person had: a test result or an antibody test. */
export type Evidence = CommissionRequest['evidence']

/** An area a region's authority declared a risk (`GET /api/v1/risk-areas`), with its level and days. */
export type RiskArea = Item<Answer<'/api/v1/risk-areas', 'get', 200>['riskAreas']>

/** A district a region's authority defined (`GET /api/v1/districts`). */
export type District = Item<Answer<'/api/v1/districts', 'get', 200>['districts']>

/** What a kind of venue admits (`GET /api/v1/entry-policies`). */
export type EntryPolicy = Answer<'/api/v1/entry-policies/{category}', 'put', 200>

/** A kind of certificate an entry policy may admit. */
export type CertificateKindAdmitted = Item<EntryPolicy['acceptCertificates']>

/** The health authority's dashboard (`GET /api/v1/dashboards/authority`). */
export type AuthorityDashboard = Answer<'/api/v1/dashboards/authority', 'get', 200>

/** A company and the signed-in person's part in it (`GET /api/v1/companies`). */
export type CompanyMembership = Item<Answer<'/api/v1/companies', 'get', 200>['companies']>

/** A company, as its members see it. */
export type Company = CompanyMembership['company']

/** A company's dashboard (`GET /api/v1/companies/{id}/dashboard`). */
export type CompanyDashboard = Answer<'/api/v1/companies/{id}/dashboard', 'get', 200>

/** A case page (`GET /api/v1/cases/{id}`). */
export type CaseDetail = Answer<'/api/v1/cases/{id}', 'get', 200>

/** A confirmed case: open, or closed with `closedAt`. */
export type TracingCase = CaseDetail['case']

/** A person on a case page: in full, or masked where the authority may not read them. */
export type TracedPerson = CaseDetail['person']

/** One line of the authority's list of cases (`GET /api/v1/cases`). */
export type CaseSummary = Item<Answer<'/api/v1/cases', 'get', 200>['cases']>

/** Where a case was in the 14 days before (`GET /api/v1/cases/{id}/whereabouts`). */
export type Whereabouts = Answer<'/api/v1/cases/{id}/whereabouts', 'get', 200>

/** How many people a case exposed, by kind. */
export type ExposureCounts = Whereabouts['exposures']

/** A published exposure site (`GET /api/v1/exposure-sites`). */
export type ExposureSite = Item<Answer<'/api/v1/exposure-sites', 'get', 200>['sites']>

/** A partner whose trust list we import (`GET /api/v1/trust-partners`). */
export type TrustPartner = Item<Answer<'/api/v1/trust-partners', 'get', 200>['partners']>

/** One of our signing keys, its public parts only (`GET /api/v1/keys`). */
export type SigningKey = Item<Answer<'/api/v1/keys', 'get', 200>['keys']>

/** A certificate as staff who revoke find it (`GET /api/v1/certificates`), with its holder. */
export type StaffCertificate = Item<Answer<'/api/v1/certificates', 'get', 200>['certificates']>

/** The published revocation list (`GET /api/v1/revocation-list`). */
export type RevocationListDocument = Omit<
  Sent<Answer<'/api/v1/revocation-list', 'get', 200>, 'issuer' | 'timestamp'>,
  'entries'
> & {
  readonly entries: readonly Sent<
    Item<Answer<'/api/v1/revocation-list', 'get', 200>['entries']>,
    'hashType'
  >[]
}

type RuleSetVersions = Answer<'/api/v1/risk-rules/versions', 'get', 200>

/** One stored version of the risk rules (`GET /api/v1/risk-rules/versions`). */
export type RiskRuleVersion = Item<RuleSetVersions['versions']>

/** How far everyone's recomputation after the last rule change has got. */
export type RecomputeProgress = NonNullable<RuleSetVersions['recompute']>

/** How a visitor may sign in (`GET /api/v1/auth/providers`). */
export type SignInProvider = Item<Answer<'/api/v1/auth/providers', 'get', 200>['providers']>

/** An issuer: the federal one or a region (`GET /api/v1/issuers`). */
export type Issuer = Schemas['Issuer']

/** A person's own commission request (`GET /api/v1/people/{id}/commission-requests`), with both decisions. */
export type OwnCommissionRequest = Item<
  Answer<'/api/v1/people/{id}/commission-requests', 'get', 200>['requests']
>

/** What the feed says of a commission decision (`kind: 'commission'`). */
export interface CommissionNotice {
  readonly requestId: string
  readonly request: 'recovery' | 'antibody'
  readonly decision: 'approved' | 'refused'
  readonly appeal: boolean
  readonly reason: string | null
}
