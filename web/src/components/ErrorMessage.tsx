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
}

/** The text of a failure in the current language. */
export function useErrorText(): (error: unknown) => string {
  const { t } = useI18n()
  return (error) => {
    if (error instanceof NetworkError) return t('error.network')
    if (error instanceof ApiError) return t(byCode[error.code] ?? 'error.generic')
    return t('error.generic')
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
