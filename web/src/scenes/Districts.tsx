import { type FormEvent, useState } from 'react'
import { apiRequest } from '../api/api-client'
import type { District } from '../api/types'
import { useAction } from '../api/use-action'
import { ErrorMessage } from '../components/ErrorMessage'
import { useI18n } from '../i18n/LanguageProvider'

/** The authority's districts: the list, and a form that defines one (`POST /api/v1/districts`). */
export function Districts({
  districts,
  onChanged,
}: {
  districts: readonly District[] | undefined
  onChanged: () => void
}) {
  const { t } = useI18n()
  const [code, setCode] = useState('')
  const [name, setName] = useState('')
  const [done, setDone] = useState(false)
  const { busy, error, run } = useAction()
  const submit = async (event: FormEvent) => {
    event.preventDefault()
    setDone(false)
    const ok = await run(async () => {
      await apiRequest('POST', '/api/v1/districts', {
        code: code.trim().toUpperCase(),
        name: name.trim(),
      })
    })
    if (ok) {
      setDone(true)
      setCode('')
      setName('')
      onChanged()
    }
  }
  return (
    <>
      <h2 id="districts-title">{t('districts.title')}</h2>
      <p>{t('districts.intro')}</p>
      {districts && districts.length === 0 && <p>{t('districts.none')}</p>}
      {districts && districts.length > 0 && (
        <ul className="district-list">
          {districts.map((district) => (
            <li key={`${district.issuerId} ${district.code}`}>
              {district.name} <span className="mono">{district.code}</span>
            </li>
          ))}
        </ul>
      )}
      <form className="form" onSubmit={submit} aria-labelledby="districts-title">
        <label htmlFor="district-code">{t('districts.code')}</label>
        <input
          id="district-code"
          required
          maxLength={40}
          pattern="[A-Za-z0-9\-]{2,40}"
          title={t('districts.code')}
          autoCapitalize="characters"
          value={code}
          onChange={(event) => setCode(event.target.value)}
        />
        <label htmlFor="district-name">{t('districts.name')}</label>
        <input
          id="district-name"
          required
          maxLength={200}
          value={name}
          onChange={(event) => setName(event.target.value)}
        />
        <ErrorMessage error={error} />
        {done && (
          <p role="status" className="notice allowed">
            {t('districts.added')}
          </p>
        )}
        <button type="submit" disabled={busy}>
          {t('districts.add')}
        </button>
      </form>
    </>
  )
}
