import { type FormEvent, useState } from 'react'
import { ErrorMessage } from '../components/ErrorMessage'
import { useI18n } from '../i18n/LanguageProvider'
import { useSession } from '../session/SessionProvider'

/** Sign in with a login and password. */
export function SignIn() {
  const { t } = useI18n()
  const { signIn } = useSession()
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
    </section>
  )
}
