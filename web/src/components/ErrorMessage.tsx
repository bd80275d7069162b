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
  ERR_INVALID_STATE: 'error.invalidState',
  ERR_ATTACHMENT: 'error.attachment',
  ERR_TRUST_LIST_FETCH: 'error.trustListFetch',
  ERR_CSRF: 'error.csrf',
  ERR_BODY_TOO_LARGE: 'error.tooLarge',
  ERR_EMPTY_RULE_SET: 'error.emptyRuleSet',
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
