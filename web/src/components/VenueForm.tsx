import { type FormEvent, type ReactNode, useState } from 'react'
import { apiRequest } from '../api/api-client'
import type { Venue } from '../api/types'
import { useAction } from '../api/use-action'
import { useI18n } from '../i18n/LanguageProvider'
import type { MessageKey } from '../i18n/messages'
import { ErrorMessage } from './ErrorMessage'

/**
 * Registers a venue (`POST /api/v1/venues`): name, category, address and district. The scanner's
 * first start and the company screen both use it, each with its own categories (the first is
 * preselected), field ids (`idPrefix`) and heading (`children`).
 */
export function VenueForm({
  idPrefix,
  categories,
  companyId,
  className,
  labelledBy,
  onCreated,
  children,
}: {
  idPrefix: string
  /** The categories offered, by the message naming each; each has its entry policy on the server. */
  categories: Readonly<Record<string, MessageKey>>
  /** The company the venue belongs to, if any. */
  companyId?: string
  className?: string
  labelledBy?: string
  onCreated: (id: string) => void
  children: ReactNode
}) {
  const { t } = useI18n()
  const [name, setName] = useState('')
  const [category, setCategory] = useState(() => Object.keys(categories)[0] ?? 'other')
  const [address, setAddress] = useState('')
  const [district, setDistrict] = useState('')
  const { busy, error, run } = useAction()
  const submit = async (event: FormEvent) => {
    event.preventDefault()
    await run(async () => {
      const venue = await apiRequest<Venue>('POST', '/api/v1/venues', {
        name: name.trim(),
        category,
        address: address.trim(),
        district: district.trim().toUpperCase(),
        ...(companyId === undefined ? {} : { companyId }),
      })
      setName('')
      setAddress('')
      onCreated(venue.id)
    })
  }
  return (
    <form
      className={`form ${className ?? ''}`.trim()}
      onSubmit={submit}
      aria-labelledby={labelledBy}
    >
      {children}
      <label htmlFor={`${idPrefix}-name`}>{t('venue.name')}</label>
      <input
        id={`${idPrefix}-name`}
        required
        maxLength={200}
        value={name}
        onChange={(event) => setName(event.target.value)}
      />
      <label htmlFor={`${idPrefix}-category`}>{t('venue.category')}</label>
      <select
        id={`${idPrefix}-category`}
        value={category}
        onChange={(event) => setCategory(event.target.value)}
      >
        {Object.entries(categories).map(([item, key]) => (
          <option key={item} value={item}>
            {t(key)}
          </option>
        ))}
      </select>
      <label htmlFor={`${idPrefix}-address`}>{t('venue.address')}</label>
      <input
        id={`${idPrefix}-address`}
        required
        maxLength={300}
        value={address}
        onChange={(event) => setAddress(event.target.value)}
      />
      <label htmlFor={`${idPrefix}-district`}>{t('venue.district')}</label>
      <input
        id={`${idPrefix}-district`}
        required
        placeholder="RU-SPE-ADM"
        pattern="[A-Za-z0-9\-]{2,40}"
        value={district}
        onChange={(event) => setDistrict(event.target.value)}
      />
      <ErrorMessage error={error} />
      <button type="submit" className="primary" disabled={busy}>
        {t('venue.create')}
      </button>
    </form>
  )
}
