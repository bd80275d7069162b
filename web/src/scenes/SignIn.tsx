import { type FormEvent, useState } from 'react'
import type { SignInProvider } from '../api/types'
import { useApi } from '../api/use-api'
import { ErrorMessage } from '../components/ErrorMessage'
import { Link } from '../components/Link'
import { useI18n } from '../i18n/LanguageProvider'
import { useSession } from '../session/SessionProvider'

/**
 * Sign in with a login and password, or through the identity provider when the server has one
 * (`GET /api/v1/auth/providers`); a link to create an account.
 */
export function SignIn() {
  const { t } = useI18n()
  const { signIn } = useSession()
  const providers = useApi<{ providers: SignInProvider[] }>('/api/v1/auth/providers')
  const oidc = providers.data?.providers.find((provider) => provider.kind === 'oidc')
  const [login, setLogin] = useState('')
  const [password, setPassword] = useState('')
  const [error, setError] = useState<unknown>(undefined)
  const [busy, setBusy] = useState(false)
  const submit = async (event: FormEvent) => {
    event.preventDefault()
    setBusy(true)
    setError(undefined)
    try {
      await signIn(login.trim(), password)
    } catch (failure) {
      setError(failure)
      setBusy(false)
    }
  }
  return (
    <section aria-labelledby="page-title" className="card narrow">
      <h1 id="page-title" tabIndex={-1}>
        {t('signIn.title')}
      </h1>
      <p>{t('signIn.intro')}</p>
      <form onSubmit={submit} className="form">
        <label htmlFor="sign-in-login">{t('signIn.login')}</label>
        <input
          id="sign-in-login"
          name="login"
          type="text"
          inputMode="email"
          autoComplete="username"
          required
          value={login}
          onChange={(event) => setLogin(event.target.value)}
        />
        <label htmlFor="sign-in-password">{t('signIn.password')}</label>
        <input
          id="sign-in-password"
          name="password"
          type="password"
          autoComplete="current-password"
          required
          value={password}
          onChange={(event) => setPassword(event.target.value)}
        />
        <ErrorMessage error={error} />
        <button type="submit" className="primary" disabled={busy}>
          {busy ? t('signIn.busy') : t('signIn.submit')}
        </button>
      </form>
      {oidc?.startUrl && (
        <p>
          {/* A full page load: the provider's pages are not part of the app. */}
          <a className="button" href={oidc.startUrl}>
            {oidc.name
              ? t('signIn.withProvider', { provider: oidc.name })
              : t('signIn.withIdentityProvider')}
          </a>
        </p>
      )}
      <p>
        {t('signIn.noAccount')} <Link to="register">{t('signIn.register')}</Link>
      </p>
    </section>
  )
}
