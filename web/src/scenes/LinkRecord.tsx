import { type FormEvent, type ReactNode, useState } from 'react'
import { ApiError, apiRequest } from '../api/api-client'
import type { Issuer } from '../api/types'
import { useApi } from '../api/use-api'
import { useLatinNameProposal } from '../api/use-latin-name'
import { ErrorMessage } from '../components/ErrorMessage'
import { RadioChoice } from '../components/RadioChoice'
import { useI18n } from '../i18n/LanguageProvider'
import type { MessageKey } from '../i18n/messages'
import { regionName } from '../components/words'

type Mode = 'claim' | 'create'

/**
 * For a citizen account without a record: claim the one clinic staff made, by the same identity
 * document and birth date and the claim code the clinic printed (`POST /api/v1/me/claim`), or register themselves when no clinic has
 * (`POST /api/v1/me/person`).
 */
export function LinkRecord({ onLinked, step }: { onLinked: () => void; step?: string }) {
  const { t } = useI18n()
  const [mode, setMode] = useState<Mode>('claim')
  return (
    <section aria-labelledby="page-title" className="card narrow">
      {step && <p className="step">{step}</p>}
      <h1 id="page-title" tabIndex={-1}>
        {t('record.title')}
      </h1>
      <p>{t('record.intro')}</p>
      <div className="form">
        <RadioChoice
          name="record-mode"
          legend={t('record.choice')}
          value={mode}
          options={[
            { value: 'claim', label: t('record.choice.claim') },
            { value: 'create', label: t('record.choice.create') },
          ]}
          onChange={setMode}
        />
      </div>
      {mode === 'claim' ? (
        <ClaimForm onLinked={onLinked} />
      ) : (
        <CreateForm onCreated={onLinked} onClaimInstead={() => setMode('claim')} />
      )}
    </section>
  )
}

function ClaimForm({ onLinked }: { onLinked: () => void }) {
  const { t } = useI18n()
  const [type, setType] = useState('national-id')
  const [number, setNumber] = useState('')
  const [country, setCountry] = useState('RU')
  const [birthDate, setBirthDate] = useState('')
  const [claimCode, setClaimCode] = useState('')
  const [error, setError] = useState<unknown>(undefined)
  const [busy, setBusy] = useState(false)
  const submit = async (event: FormEvent) => {
    event.preventDefault()
    setBusy(true)
    setError(undefined)
    try {
      await apiRequest('POST', '/api/v1/me/claim', {
        document: { type, number: number.trim(), country: country.trim().toUpperCase() },
        birthDate,
        claimCode: claimCode.trim(),
      })
      onLinked()
    } catch (failure) {
      setError(failure)
    } finally {
      setBusy(false)
    }
  }
  return (
    <form onSubmit={submit} className="form" aria-labelledby="link-title">
      <h2 id="link-title">{t('link.title')}</h2>
      <p>{t('link.intro')}</p>
      <label htmlFor="link-type">{t('link.documentType')}</label>
      <select id="link-type" value={type} onChange={(event) => setType(event.target.value)}>
        <DocumentTypeOptions />
      </select>
      <label htmlFor="link-number">{t('link.documentNumber')}</label>
      <input
        id="link-number"
        required
        value={number}
        onChange={(event) => setNumber(event.target.value)}
      />
      <label htmlFor="link-country">{t('link.country')}</label>
      <input
        id="link-country"
        required
        maxLength={2}
        pattern="[A-Za-z]{2}"
        value={country}
        onChange={(event) => setCountry(event.target.value)}
      />
      <label htmlFor="link-birth-date">{t('link.birthDate')}</label>
      <input
        id="link-birth-date"
        type="date"
        required
        value={birthDate}
        onChange={(event) => setBirthDate(event.target.value)}
      />
      <label htmlFor="link-claim-code">{t('link.claimCode')}</label>
      <input
        id="link-claim-code"
        required
        autoComplete="off"
        autoCapitalize="characters"
        spellCheck={false}
        maxLength={32}
        value={claimCode}
        onChange={(event) => setClaimCode(event.target.value)}
      />
      <ErrorMessage error={error} />
      <button type="submit" className="primary" disabled={busy}>
        {t('link.submit')}
      </button>
    </form>
  )
}

function DocumentTypeOptions() {
  const { t } = useI18n()
  return (
    <>
      <option value="national-id">{t('link.documentType.nationalId')}</option>
      <option value="passport">{t('link.documentType.passport')}</option>
      <option value="residence-permit">{t('link.documentType.residencePermit')}</option>
      <option value="other">{t('link.documentType.other')}</option>
    </>
  )
}

/** What to say next to a field the API refused, by the field the answer names. */
const serverFieldText: Readonly<Record<string, MessageKey>> = {
  familyName: 'record.error.name',
  givenName: 'record.error.name',
  familyNameIcao: 'record.error.latin',
  givenNameIcao: 'record.error.latin',
  birthDate: 'record.error.birthDate',
  'document.number': 'record.error.documentNumber',
  'document.country': 'record.error.country',
  document: 'record.error.documentTaken',
  issuerId: 'record.error.region',
}

/** The form's fields, in order, as the API names them (the first with an error gets focus). */
const fieldOrder = [
  'familyName',
  'givenName',
  'familyNameIcao',
  'givenNameIcao',
  'birthDate',
  'document.number',
  'document.country',
  'document',
  'issuerId',
] as const
type FieldName = (typeof fieldOrder)[number]
const inputOf: Readonly<Record<FieldName, string>> = {
  familyName: 'record-family',
  givenName: 'record-given',
  familyNameIcao: 'record-family-latin',
  givenNameIcao: 'record-given-latin',
  birthDate: 'record-birth',
  'document.number': 'record-doc-number',
  'document.country': 'record-doc-country',
  document: 'record-doc-number',
  issuerId: 'record-region',
}

function CreateForm({
  onCreated,
  onClaimInstead,
}: {
  onCreated: () => void
  onClaimInstead: () => void
}) {
  const { t, language } = useI18n()
  const issuers = useApi<{ issuers: Issuer[] }>('/api/v1/issuers')
  const regions = (issuers.data?.issuers ?? []).filter((issuer) => issuer.level === 'region')
  const [residency, setResidency] = useState<'resident' | 'foreigner'>('resident')
  const [familyName, setFamilyName] = useState('')
  const [givenName, setGivenName] = useState('')
  const [familyNameIcao, setFamilyNameIcao] = useState('')
  const [givenNameIcao, setGivenNameIcao] = useState('')
  const [birthDate, setBirthDate] = useState('')
  const [docType, setDocType] = useState('national-id')
  const [docNumber, setDocNumber] = useState('')
  const [docCountry, setDocCountry] = useState('RU')
  const [region, setRegion] = useState('')
  const [errors, setErrors] = useState<Partial<Record<FieldName, MessageKey>>>({})
  const [failure, setFailure] = useState<unknown>(undefined)
  const [busy, setBusy] = useState(false)
  const issuerId = region || regions[0]?.id || ''
  useLatinNameProposal(
    familyName,
    givenName,
    { family: familyNameIcao, given: givenNameIcao },
    { family: setFamilyNameIcao, given: setGivenNameIcao },
  )

  const focusFirst = (found: Partial<Record<FieldName, MessageKey>>) => {
    const first = fieldOrder.find((field) => found[field])
    if (first) window.setTimeout(() => document.getElementById(inputOf[first])?.focus())
  }

  const submit = async (event: FormEvent) => {
    event.preventDefault()
    const missing: Partial<Record<FieldName, MessageKey>> = {}
    if (!familyName.trim()) missing.familyName = 'record.error.required'
    if (!givenName.trim()) missing.givenName = 'record.error.required'
    if (!birthDate) missing.birthDate = 'record.error.required'
    if (!docNumber.trim()) missing['document.number'] = 'record.error.required'
    if (!docCountry.trim()) missing['document.country'] = 'record.error.required'
    if (!issuerId) missing.issuerId = 'record.error.region'
    setErrors(missing)
    setFailure(undefined)
    if (Object.keys(missing).length > 0) {
      focusFirst(missing)
      return
    }
    setBusy(true)
    try {
      await apiRequest('POST', '/api/v1/me/person', {
        issuerId,
        residency,
        familyName: familyName.trim(),
        givenName: givenName.trim(),
        ...(familyNameIcao.trim() ? { familyNameIcao: latin(familyNameIcao) } : {}),
        ...(givenNameIcao.trim() ? { givenNameIcao: latin(givenNameIcao) } : {}),
        birthDate,
        document: {
          type: docType,
          number: docNumber.trim(),
          country: docCountry.trim().toUpperCase(),
        },
        language,
      })
      onCreated()
    } catch (error) {
      const field = error instanceof ApiError ? error.field : undefined
      const text = field === undefined ? undefined : serverFieldText[field]
      if (field !== undefined && text !== undefined) {
        const found = { [field as FieldName]: text }
        setErrors(found)
        focusFirst(found)
      } else {
        setFailure(error)
      }
    } finally {
      setBusy(false)
    }
  }

  const invalid = (field: FieldName) => (errors[field] ? true : undefined)
  const describedBy = (field: FieldName, hint?: string) =>
    [hint, errors[field] ? `${inputOf[field]}-error` : undefined].filter(Boolean).join(' ') ||
    undefined
  const fieldError = (field: FieldName): ReactNode => {
    const key = errors[field]
    if (!key) return null
    return (
      <span id={`${inputOf[field]}-error`} className="field-error">
        {t(key)}
        {field === 'document' && (
          <>
            {' '}
            <button type="button" className="link" onClick={onClaimInstead}>
              {t('record.claimInstead')}
            </button>
          </>
        )}
      </span>
    )
  }

  return (
    <form onSubmit={submit} className="form" noValidate aria-labelledby="record-create-title">
      <h2 id="record-create-title">{t('record.create.title')}</h2>
      <RadioChoice
        name="record-residency"
        legend={t('clinic.residency')}
        value={residency}
        options={[
          { value: 'resident', label: t('clinic.residency.resident') },
          { value: 'foreigner', label: t('clinic.residency.foreigner') },
        ]}
        onChange={setResidency}
      />
      <label htmlFor="record-family">{t('clinic.familyName')}</label>
      <input
        id="record-family"
        autoComplete="family-name"
        maxLength={80}
        value={familyName}
        aria-invalid={invalid('familyName')}
        aria-describedby={describedBy('familyName')}
        onChange={(event) => setFamilyName(event.target.value)}
      />
      {fieldError('familyName')}
      <label htmlFor="record-given">{t('clinic.givenName')}</label>
      <input
        id="record-given"
        autoComplete="given-name"
        maxLength={80}
        value={givenName}
        aria-invalid={invalid('givenName')}
        aria-describedby={describedBy('givenName')}
        onChange={(event) => setGivenName(event.target.value)}
      />
      {fieldError('givenName')}
      <p id="record-latin-hint" className="muted hint">
        {t('record.latinHint')}
      </p>
      <label htmlFor="record-family-latin">{t('record.familyNameLatin')}</label>
      <input
        id="record-family-latin"
        autoCapitalize="characters"
        maxLength={80}
        value={familyNameIcao}
        aria-invalid={invalid('familyNameIcao')}
        aria-describedby={describedBy('familyNameIcao', 'record-latin-hint')}
        onChange={(event) => setFamilyNameIcao(event.target.value)}
      />
      {fieldError('familyNameIcao')}
      <label htmlFor="record-given-latin">{t('record.givenNameLatin')}</label>
      <input
        id="record-given-latin"
        autoCapitalize="characters"
        maxLength={80}
        value={givenNameIcao}
        aria-invalid={invalid('givenNameIcao')}
        aria-describedby={describedBy('givenNameIcao', 'record-latin-hint')}
        onChange={(event) => setGivenNameIcao(event.target.value)}
      />
      {fieldError('givenNameIcao')}
      <label htmlFor="record-birth">{t('clinic.birthDate')}</label>
      <input
        id="record-birth"
        type="date"
        autoComplete="bday"
        max={new Date().toISOString().slice(0, 10)}
        value={birthDate}
        aria-invalid={invalid('birthDate')}
        aria-describedby={describedBy('birthDate')}
        onChange={(event) => setBirthDate(event.target.value)}
      />
      {fieldError('birthDate')}
      <label htmlFor="record-doc-type">{t('link.documentType')}</label>
      <select id="record-doc-type" value={docType} onChange={(e) => setDocType(e.target.value)}>
        <DocumentTypeOptions />
      </select>
      <label htmlFor="record-doc-number">{t('link.documentNumber')}</label>
      <input
        id="record-doc-number"
        maxLength={40}
        value={docNumber}
        aria-invalid={invalid('document.number') ?? invalid('document')}
        aria-describedby={describedBy('document.number') ?? describedBy('document')}
        onChange={(event) => setDocNumber(event.target.value)}
      />
      {fieldError('document.number')}
      {fieldError('document')}
      <label htmlFor="record-doc-country">{t('link.country')}</label>
      <input
        id="record-doc-country"
        maxLength={2}
        autoCapitalize="characters"
        value={docCountry}
        aria-invalid={invalid('document.country')}
        aria-describedby={describedBy('document.country')}
        onChange={(event) => setDocCountry(event.target.value)}
      />
      {fieldError('document.country')}
      <label htmlFor="record-region">{t('record.region')}</label>
      <select
        id="record-region"
        value={issuerId}
        aria-invalid={invalid('issuerId')}
        aria-describedby={describedBy('issuerId')}
        onChange={(event) => setRegion(event.target.value)}
      >
        {regions.map((issuer) => (
          <option key={issuer.id} value={issuer.id}>
            {(() => {
              const name = regionName(issuer.id)
              return name ? t(name) : issuer.name
            })()}
          </option>
        ))}
      </select>
      {fieldError('issuerId')}
      <ErrorMessage error={failure ?? issuers.error} />
      {Object.keys(errors).length > 0 && (
        <p className="error" role="alert">
          {t('declare.fixErrors')}
        </p>
      )}
      <button type="submit" className="primary" disabled={busy}>
        {t('record.create.submit')}
      </button>
    </form>
  )
}

/** A name as the passport's machine-readable zone writes it: A–Z, with `<` between words. */
function latin(text: string): string {
  return (
    text
      .trim()
      .toUpperCase()
      // ICAO 9303 drops apostrophes and full stops, and writes spaces and hyphens as fillers.
      .replace(/['’.]/g, '')
      .replace(/[\s-]+/g, '<')
  )
}
