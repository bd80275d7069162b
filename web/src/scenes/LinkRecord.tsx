import { type FormEvent, useState } from 'react'
import { apiRequest } from '../api/api-client'
import { ErrorMessage } from '../components/ErrorMessage'
import { useI18n } from '../i18n/LanguageProvider'

/**
 * For a citizen account without a record: claim the one clinic staff made, by the same identity
 * document and birth date (`POST /api/v1/me/claim`).
 */
export function LinkRecord({ onLinked }: { onLinked: () => void }) {
  const { t } = useI18n()
  const [type, setType] = useState('national-id')
  const [number, setNumber] = useState('')
  const [country, setCountry] = useState('RU')
  const [birthDate, setBirthDate] = useState('')
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
      })
      onLinked()
    } catch (failure) {
      setError(failure)
    } finally {
      setBusy(false)
    }
  }
  return (
    <section aria-labelledby="page-title" className="card narrow">
      <h1 id="page-title" tabIndex={-1}>
        {t('link.title')}
      </h1>
      <p>{t('link.intro')}</p>
      <form onSubmit={submit} className="form">
        <label htmlFor="link-type">{t('link.documentType')}</label>
        <select id="link-type" value={type} onChange={(event) => setType(event.target.value)}>
          <option value="national-id">{t('link.documentType.nationalId')}</option>
          <option value="passport">{t('link.documentType.passport')}</option>
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
        <ErrorMessage error={error} />
        <button type="submit" className="primary" disabled={busy}>
          {t('link.submit')}
        </button>
      </form>
    </section>
  )
}
