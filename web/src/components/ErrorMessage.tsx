import { ApiError, NetworkError } from '../api/api-client'
import { useI18n } from '../i18n/LanguageProvider'
import type { MessageKey } from '../i18n/messages'

const byCode: Readonly<Record<string, MessageKey>> = {
  ERR_AUTH_REQUIRED: 'error.authRequired',
  ERR_SIGN_IN_FAILED: 'error.signInFailed',
  ERR_FORBIDDEN: 'error.forbidden',
  ERR_NOT_FOUND: 'error.notFound',
  ERR_VALIDATION: 'error.validation',
  ERR_INVALID_FIELD: 'error.validation',
  ERR_RATE_LIMITED: 'error.rateLimited',
  ERR_CLAIM_MISMATCH: 'error.claimMismatch',
  ERR_ALREADY_CLAIMED: 'error.alreadyClaimed',
  ERR_CLAIM_LOCKED: 'error.claimLocked',
  ERR_SIGN_IN_LOCKED: 'error.signInLocked',
  ERR_QUOTA_OPEN_REQUESTS: 'error.quota',
  ERR_QUOTA_EVIDENCE_BYTES: 'error.quota',
  ERR_QUOTA_CHECKINS: 'error.quota',
  ERR_SIGNING_UNAVAILABLE: 'error.signingUnavailable',
  ERR_STORAGE_UNAVAILABLE: 'error.unavailable',
  ERR_APPEAL_SAME_MEMBER: 'error.appealSameMember',
  ERR_CONFLICT: 'error.conflict',
  ERR_ATTACHMENT: 'error.attachment',
  ERR_TRUST_LIST_FETCH: 'error.trustListFetch',
  ERR_CSRF: 'error.csrf',
  ERR_BODY_TOO_LARGE: 'error.tooLarge',
  ERR_EMPTY_RULE_SET: 'error.emptyRuleSet',
  ERR_REQUEST_DECIDED: 'error.invalidState',
  ERR_REQUEST_NOT_APPEALABLE: 'error.notAppealable',
  ERR_ANTIBODY_BELOW_THRESHOLD: 'error.noCertificate',
  ERR_RECORD_YIELDS_NO_CERTIFICATE: 'error.noCertificate',
  ERR_RECORD_EXPIRED: 'error.recordExpired',
  ERR_RECORD_HAS_CERTIFICATE: 'error.invalidState',
  ERR_CERTIFICATE_ALREADY_REVOKED: 'error.invalidState',
  ERR_RISK_AREA_SUPERSEDED: 'error.invalidState',
  ERR_CASE_OPEN: 'error.invalidState',
  ERR_CASE_CLOSED: 'error.invalidState',
  ERR_GATEWAY_NO_TRUST_LIST: 'error.gatewayNoTrustList',
  ERR_TRUST_LIST_FORMAT: 'error.trustRefused',
  ERR_TRUST_LIST_SIGNATURE: 'error.trustRefused',
  ERR_TRUST_LIST_CHAIN: 'error.trustRefused',
  ERR_TRUST_LIST_THUMBPRINT: 'error.trustRefused',
  ERR_TRUST_LIST_KID: 'error.trustRefused',
  ERR_TRUST_LIST_SIGNER: 'error.trustRefused',
  ERR_GATEWAY_CMS: 'error.trustRefused',
  ERR_GATEWAY_SIGNATURE: 'error.trustRefused',
  ERR_GATEWAY_SIGNER: 'error.trustRefused',
  ERR_GATEWAY_FORMAT: 'error.trustRefused',
  ERR_GATEWAY_CHAIN: 'error.trustRefused',
  ERR_SHC_TRUST_ISSUER: 'error.trustRefused',
  ERR_SHC_TRUST_JWKS: 'error.trustRefused',
  ERR_SHC_TRUST_KEY: 'error.trustRefused',
  ERR_SHC_TRUST_KID: 'error.trustRefused',
  ERR_SHC_TRUST_CRL: 'error.trustRefused',
  ERR_PDF_NO_FONT: 'error.pdf',
  ERR_PDF_OVERFLOW: 'error.pdf',
  ERR_PDF_QR_TEXT: 'error.pdf',
  ERR_PDF_DETAILS: 'error.pdf',
  ERR_PDF_DATE: 'error.pdf',
  ERR_RULESET: 'error.rules',
  ERR_RULE_EVALUATION: 'error.rules',
  ERR_HEALTH_INPUT: 'error.rules',
  ERR_VALIDITY_RULE: 'error.rules',
}

/**
 * What to do about a refused field, by the API's `field` (its last part, without list indexes:
 * `document.number`, `visits[0].until` → `until`), in the person's words rather than the field's id.
 */
const byField: Readonly<Record<string, MessageKey>> = {
  birthDate: 'error.field.birthDate',
  familyName: 'error.field.familyName',
  givenName: 'error.field.givenName',
  familyNameIcao: 'error.field.latinName',
  givenNameIcao: 'error.field.latinName',
  'document.number': 'error.field.documentNumber',
  'document.country': 'error.field.country',
  country: 'error.field.country',
  venueCode: 'error.field.venueCode',
  signingCertificate: 'error.field.signingCertificate',
  sourceUrl: 'error.field.sourceUrl',
  trustList: 'error.field.trustList',
  reason: 'error.field.reason',
  password: 'error.field.password',
  login: 'error.field.login',
  name: 'error.field.name',
  from: 'error.field.dates',
  until: 'error.field.dates',
  at: 'error.field.dates',
  date: 'error.field.dates',
  sampledAt: 'error.field.dates',
  'test.sampledAt': 'error.field.dates',
  'vaccination.doseNumber': 'error.field.vaccination',
  'vaccination.totalDoses': 'error.field.vaccination',
  district: 'error.field.district',
  districtCode: 'error.field.district',
  code: 'error.field.code',
}

/** The field's entry in `byField`: the whole path first, then its last part. */
function fieldKey(field: string): MessageKey | undefined {
  const path = field.replace(/\[\d+\]/g, '')
  return byField[path] ?? byField[path.split('.').pop() ?? path]
}

/** The text of a failure in the current language: the field at fault and what it needs. */
export function useErrorText(): (error: unknown) => string {
  const { t } = useI18n()
  return (error) => {
    if (error instanceof NetworkError) return t('error.network')
    if (!(error instanceof ApiError)) return t('error.generic')
    if (error.code === 'ERR_NOT_FOUND' && error.field === 'token') {
      return t('error.invitationNotFound')
    }
    if (
      error.field !== undefined &&
      (error.code === 'ERR_INVALID_FIELD' || error.code === 'ERR_VALIDATION')
    ) {
      const key = fieldKey(error.field)
      return key ? t(key) : t('error.fieldUnknown', { field: error.field })
    }
    return t(byCode[error.code] ?? 'error.generic')
  }
}

/** Shows a failure, announced to screen readers. */
export function ErrorMessage({ error }: { error: unknown }) {
  const text = useErrorText()
  if (error === undefined) return null
  return (
    <p className="error" role="alert">
      {text(error)}
    </p>
  )
}
