import { type FormEvent, useState } from 'react'
import { apiRequest } from '../api/api-client'
import { useI18n } from '../i18n/LanguageProvider'
import { ErrorMessage } from './ErrorMessage'

/** A citizen accepts an employer's invitation with its one-time token, and chooses to share. */
export function AcceptInvitation() {
  const { t } = useI18n()
  const [token, setToken] = useState('')
  const [consent, setConsent] = useState(false)
  const [busy, setBusy] = useState(false)
  const [done, setDone] = useState<boolean | undefined>(undefined)
  const [error, setError] = useState<unknown>(undefined)
  const submit = async (event: FormEvent) => {
    event.preventDefault()
    setBusy(true)
    setError(undefined)
    setDone(undefined)
    try {
      const answer = await apiRequest<{ companyId: string; consent: boolean }>(
        'POST',
        '/api/v1/company-invitations/accept',
        { token: token.trim(), consent },
      )
      setDone(answer.consent)
      setToken('')
    } catch (failure) {
      setError(failure)
    } finally {
      setBusy(false)
    }
  }
  return (
    <form className="form" onSubmit={submit} aria-labelledby="invitation-title">
      <h2 id="invitation-title">{t('invitation.title')}</h2>
      <p>{t('invitation.intro')}</p>
      <label htmlFor="invitation-token">{t('invitation.token')}</label>
      <input
        id="invitation-token"
        required
        maxLength={200}
        autoComplete="off"
        value={token}
        onChange={(event) => setToken(event.target.value)}
      />
      <label className="check">
        <input
          type="checkbox"
          checked={consent}
          onChange={(event) => setConsent(event.target.checked)}
        />
        {t('invitation.consent')}
      </label>
      <ErrorMessage error={error} />
      {done !== undefined && (
        <p role="status" className="notice allowed">
          {t(done ? 'invitation.acceptedSharing' : 'invitation.acceptedPrivate')}
        </p>
      )}
      <button type="submit" className="primary" disabled={busy}>
        {t('invitation.submit')}
      </button>
    </form>
  )
}
