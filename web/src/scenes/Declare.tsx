import { type FormEvent, useRef, useState } from 'react'
import { ApiError, apiRequest } from '../api/api-client'
import type { Assessment } from '../api/types'
import { useMe } from '../api/use-me'
import { ErrorMessage } from '../components/ErrorMessage'
import { Link } from '../components/Link'
import { colourName } from '../components/colours'
import { useI18n } from '../i18n/LanguageProvider'
import type { MessageKey } from '../i18n/messages'
import {
  type DeclarationForm,
  type FieldErrors,
  declarationBody,
  normaliseField,
  symptomFields,
  symptomLabel,
  validateDeclaration,
} from './declaration-form'

const emptyForm = (): DeclarationForm => ({
  symptoms: {
    fever: false,
    cough: false,
    soreThroat: false,
    shortnessOfBreath: false,
    lossOfTasteOrSmell: false,
    fatigue: false,
  },
  temperature: '',
  visits: [],
  confirmedCaseContact: false,
})

/** "Declare": symptoms, temperature, stays elsewhere and contact with a case. */
export function Declare() {
  const { t } = useI18n()
  const me = useMe()
  const personId = me.data?.person?.id
  const [form, setForm] = useState<DeclarationForm>(emptyForm)
  const [errors, setErrors] = useState<FieldErrors>({})
  const [failure, setFailure] = useState<unknown>(undefined)
  const [result, setResult] = useState<Assessment | undefined>(undefined)
  const [busy, setBusy] = useState(false)
  const formRef = useRef<HTMLFormElement>(null)
  const today = new Date().toISOString().slice(0, 10)

  const focusFirstError = () =>
    window.setTimeout(() =>
      formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus(),
    )

  const submit = async (event: FormEvent) => {
    event.preventDefault()
    if (!personId) return
    const found = validateDeclaration(form, today)
    setErrors(found)
    setFailure(undefined)
    if (Object.keys(found).length > 0) {
      focusFirstError()
      return
    }
    setBusy(true)
    try {
      const answer = await apiRequest<{ healthCode: Assessment }>(
        'POST',
        `/api/v1/people/${encodeURIComponent(personId)}/declarations`,
        declarationBody(form),
      )
      setResult(answer.healthCode)
      setForm(emptyForm())
    } catch (error) {
      if (error instanceof ApiError && error.field) {
        setErrors({ [normaliseField(error.field)]: 'declare.error.server' })
        focusFirstError()
      } else {
        setFailure(error)
      }
    } finally {
      setBusy(false)
    }
  }

  const fieldError = (field: string) => errors[field]
  const describedBy = (field: string) => (errors[field] ? `${field}-error` : undefined)
  const errorText = (field: string) => {
    const key: MessageKey | undefined = errors[field]
    return key ? (
      <span id={`${field}-error`} className="field-error">
        {t(key)}
      </span>
    ) : null
  }
  const setVisit = (index: number, name: 'areaCode' | 'from' | 'until', value: string) =>
    setForm((old) => ({
      ...old,
      visits: old.visits.map((visit, i) => (i === index ? { ...visit, [name]: value } : visit)),
    }))

  if (me.error) return <ErrorMessage error={me.error} />
  return (
    <section aria-labelledby="page-title" className="card">
      <h1 id="page-title" tabIndex={-1}>
        {t('declare.title')}
      </h1>
      <p>{t('declare.intro')}</p>
      {me.data && !personId && (
        <p>
          <Link to="code">{t('declare.linkFirst')}</Link>
        </p>
      )}
      {result && (
        <p
          className={`notice colour-${result.colour}`}
          role="status"
          data-declared-colour={result.colour}
        >
          {t('declare.done', { colour: t(colourName[result.colour]) })}{' '}
          <Link to="code">{t('declare.showCode')}</Link>
        </p>
      )}
      <form ref={formRef} onSubmit={submit} className="form" noValidate>
        <fieldset>
          <legend>{t('declare.symptoms')}</legend>
          {symptomFields.map((name) => (
            <label key={name} className="check">
              <input
                type="checkbox"
                name={name}
                checked={form.symptoms[name]}
                onChange={(event) =>
                  setForm((old) => ({
                    ...old,
                    symptoms: { ...old.symptoms, [name]: event.target.checked },
                  }))
                }
              />
              {t(symptomLabel[name])}
            </label>
          ))}
        </fieldset>
        <label htmlFor="declare-temperature">{t('declare.temperature')}</label>
        <input
          id="declare-temperature"
          name="temperature"
          type="number"
          inputMode="decimal"
          step="0.1"
          min="34"
          max="43"
          value={form.temperature}
          aria-invalid={fieldError('symptoms.temperatureC') ? true : undefined}
          aria-describedby={describedBy('symptoms.temperatureC')}
          onChange={(event) => setForm((old) => ({ ...old, temperature: event.target.value }))}
        />
        {errorText('symptoms.temperatureC')}

        <fieldset>
          <legend>{t('declare.visits')}</legend>
          <p className="muted">{t('declare.visitsHint')}</p>
          {form.visits.map((visit, index) => {
            const field = (name: string) => `visits[${index}].${name}`
            return (
              <div
                key={index}
                className="visit"
                role="group"
                aria-label={t('declare.visit', { number: index + 1 })}
              >
                <label htmlFor={`visit-${index}-area`}>{t('declare.areaCode')}</label>
                <input
                  id={`visit-${index}-area`}
                  value={visit.areaCode}
                  placeholder="CN-SH-PD"
                  autoCapitalize="characters"
                  aria-invalid={fieldError(field('areaCode')) ? true : undefined}
                  aria-describedby={describedBy(field('areaCode'))}
                  onChange={(event) => setVisit(index, 'areaCode', event.target.value)}
                />
                {errorText(field('areaCode'))}
                <label htmlFor={`visit-${index}-from`}>{t('declare.from')}</label>
                <input
                  id={`visit-${index}-from`}
                  type="date"
                  max={today}
                  value={visit.from}
                  aria-invalid={fieldError(field('from')) ? true : undefined}
                  aria-describedby={describedBy(field('from'))}
                  onChange={(event) => setVisit(index, 'from', event.target.value)}
                />
                {errorText(field('from'))}
                <label htmlFor={`visit-${index}-until`}>{t('declare.until')}</label>
                <input
                  id={`visit-${index}-until`}
                  type="date"
                  max={today}
                  value={visit.until}
                  aria-invalid={fieldError(field('until')) ? true : undefined}
                  aria-describedby={describedBy(field('until'))}
                  onChange={(event) => setVisit(index, 'until', event.target.value)}
                />
                {errorText(field('until'))}
                <button
                  type="button"
                  onClick={() =>
                    setForm((old) => ({ ...old, visits: old.visits.filter((_, i) => i !== index) }))
                  }
                >
                  {t('declare.removeVisit')}
                </button>
              </div>
            )
          })}
          <button
            type="button"
            onClick={() =>
              setForm((old) => ({
                ...old,
                visits: [...old.visits, { areaCode: '', from: '', until: '' }],
              }))
            }
          >
            {t('declare.addVisit')}
          </button>
        </fieldset>

        <label className="check">
          <input
            type="checkbox"
            name="confirmedCaseContact"
            checked={form.confirmedCaseContact}
            onChange={(event) =>
              setForm((old) => ({ ...old, confirmedCaseContact: event.target.checked }))
            }
          />
          {t('declare.contact')}
        </label>
        <ErrorMessage error={failure} />
        {Object.keys(errors).length > 0 && (
          <p className="error" role="alert">
            {t('declare.fixErrors')}
          </p>
        )}
        <button type="submit" className="primary" disabled={busy || !personId}>
          {t('declare.submit')}
        </button>
      </form>
    </section>
  )
}
