import { type FormEvent, useEffect, useRef, useState } from 'react'
import { apiRequest } from '../api/api-client'
import { useI18n } from '../i18n/LanguageProvider'
import { ErrorMessage } from './ErrorMessage'

const LINK_KEY = 'invitation'

/**
 * The link an employer hands over (or shows as a QR code) for an invitation: the app's
 * Notifications page with the one-time token in the fragment (`#invitation=…`), which browsers
 * never send to a server, so the token stays out of access logs and `Referer` headers.
 */
export function invitationLink(pageUrl: string, token: string): string {
  return `${pageUrl}#${LINK_KEY}=${encodeURIComponent(token)}`
}

/**
 * The token of an invitation link the page was opened with, taken out of the address (so that
 * neither the history nor a shared screenshot keeps it); undefined without one.
 */
function takeLinkToken(): string | undefined {
  const match = new RegExp(`^#${LINK_KEY}=([^&]+)$`).exec(window.location.hash)
  if (match?.[1]) {
    window.history.replaceState(window.history.state, '', window.location.pathname)
    try {
      linkToken = decodeURIComponent(match[1])
    } catch {
      linkToken = undefined
    }
  }
  return linkToken
}
// Kept once taken from the address, until it is accepted: the form may mount more than once.
let linkToken: string | undefined

/**
 * A citizen accepts an employer's invitation, opened by its link or QR code (the token filled
 * in) or with the token typed, and chooses whether to share.
 */
export function AcceptInvitation() {
  const { t } = useI18n()
  const [fromLink] = useState(takeLinkToken)
  const [token, setToken] = useState(fromLink ?? '')
  const form = useRef<HTMLFormElement>(null)
  // Opened by a link, the form is what the person came for: brought into view, below the feed.
  useEffect(() => {
    if (fromLink) form.current?.scrollIntoView({ block: 'center' })
  }, [fromLink])
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
      linkToken = undefined
    } catch (failure) {
      setError(failure)
    } finally {
      setBusy(false)
    }
  }
  return (
    <form ref={form} className="form" onSubmit={submit} aria-labelledby="invitation-title">
      <h2 id="invitation-title">{t('invitation.title')}</h2>
      {fromLink ? (
        <p role="status" className="notice queued" data-testid="invitation-from-link">
          {t('invitation.fromLink')}
        </p>
      ) : (
        <p>{t('invitation.intro')}</p>
      )}
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
