import { type FormEvent, useEffect, useState } from 'react'
import { ApiError, apiRequest, currentSession } from '../api/api-client'
import { ErrorMessage } from '../components/ErrorMessage'
import { Link } from '../components/Link'
import { useI18n } from '../i18n/LanguageProvider'
import type { MessageKey } from '../i18n/messages'
import { hrefOf } from '../router'
import { useSession } from '../session/SessionProvider'
import { LinkRecord } from './LinkRecord'

type Field = 'displayName' | 'login' | 'password'
const fields: readonly Field[] = ['displayName', 'login', 'password']
const inputOf: Readonly<Record<Field, string>> = {
  displayName: 'register-name',
  login: 'register-login',
  password: 'register-password',
}

/** The text for a field the API refused, by its error code. */
function serverFieldText(error: ApiError, field: Field): MessageKey {
  if (field === 'login')
    return error.code === 'ERR_CONFLICT' ? 'register.error.loginTaken' : 'register.error.login'
  if (field === 'password') return 'register.error.password'
  return 'record.error.required'
}

/**
 * A new visitor's account (`POST /api/v1/auth/register`, which signs it in), then their record:
 * the one the clinic made, linked, or a new one of their own.
 */
export function Register() {
  const { t } = useI18n()
  const [step, setStep] = useState<'account' | 'record'>('account')
  const { noteAccountCreated } = useSession()
  // The record step is a page of its own: its heading takes the focus, as a new page's does.
  useEffect(() => {
    if (step === 'record') document.getElementById('page-title')?.focus()
  }, [step])
  if (step === 'record') {
    return (
      // A full load starts the app with the session the registration opened.
      <LinkRecord
        step={t('register.step', { step: 2, steps: 2 })}
        onLinked={() => window.location.assign(hrefOf('code'))}
      />
    )
  }
  return (
    <AccountForm
      onCreated={() => {
        noteAccountCreated()
        setStep('record')
      }}
    />
  )
}

function AccountForm({ onCreated }: { onCreated: () => void }) {
  const { t, language } = useI18n()
  const [values, setValues] = useState<Record<Field, string>>({
    displayName: '',
    login: '',
    password: '',
  })
  const [errors, setErrors] = useState<Partial<Record<Field, MessageKey>>>({})
  const [failure, setFailure] = useState<unknown>(undefined)
  const [busy, setBusy] = useState(false)

  const showErrors = (found: Partial<Record<Field, MessageKey>>) => {
    setErrors(found)
    const first = fields.find((field) => found[field])
    if (first) window.setTimeout(() => document.getElementById(inputOf[first])?.focus())
  }

  const submit = async (event: FormEvent) => {
    event.preventDefault()
    setFailure(undefined)
    const missing: Partial<Record<Field, MessageKey>> = {}
    for (const field of fields) if (!values[field].trim()) missing[field] = 'record.error.required'
    if (Object.keys(missing).length > 0) {
      showErrors(missing)
      return
    }
    setErrors({})
    setBusy(true)
    try {
      await apiRequest('POST', '/api/v1/auth/register', {
        displayName: values.displayName.trim(),
        login: values.login.trim(),
        password: values.password,
        language,
      })
      // The session's CSRF token, for the record the next step writes.
      await currentSession()
      onCreated()
    } catch (error) {
      const field = error instanceof ApiError ? error.field : undefined
      if (error instanceof ApiError && field !== undefined && fields.includes(field as Field)) {
        showErrors({ [field]: serverFieldText(error, field as Field) })
      } else {
        setFailure(error)
      }
    } finally {
      setBusy(false)
    }
  }

  const input = (field: Field, props: { type: string; autoComplete: string; hint?: string }) => {
    const id = inputOf[field]
    const error = errors[field]
    const describedBy = [props.hint, error ? `${id}-error` : undefined].filter(Boolean).join(' ')
    return (
      <>
        <input
          id={id}
          name={field}
          type={props.type}
          autoComplete={props.autoComplete}
          maxLength={field === 'displayName' ? 120 : 256}
          value={values[field]}
          aria-invalid={error ? true : undefined}
          aria-describedby={describedBy || undefined}
          onChange={(event) => setValues((old) => ({ ...old, [field]: event.target.value }))}
        />
        {error && (
          <span id={`${id}-error`} className="field-error">
            {t(error)}
          </span>
        )}
      </>
    )
  }

  return (
    <section aria-labelledby="page-title" className="card narrow">
      <p className="step">{t('register.step', { step: 1, steps: 2 })}</p>
      <h1 id="page-title" tabIndex={-1}>
        {t('register.title')}
      </h1>
      <p>{t('register.intro')}</p>
      <form onSubmit={submit} className="form" noValidate>
        <label htmlFor="register-name">{t('register.displayName')}</label>
        {input('displayName', { type: 'text', autoComplete: 'name' })}
        <label htmlFor="register-login">{t('signIn.login')}</label>
        {input('login', { type: 'email', autoComplete: 'email' })}
        <label htmlFor="register-password">{t('signIn.password')}</label>
        <p id="register-password-hint" className="muted hint">
          {t('register.passwordHint')}
        </p>
        {input('password', {
          type: 'password',
          autoComplete: 'new-password',
          hint: 'register-password-hint',
        })}
        <ErrorMessage error={failure} />
        <button type="submit" className="primary" disabled={busy}>
          {t('register.submit')}
        </button>
      </form>
      <p>
        {t('register.haveAccount')} <Link to="home">{t('signIn.title')}</Link>
      </p>
    </section>
  )
}
