import type { District } from '../api/types'
import { useI18n } from '../i18n/LanguageProvider'

/**
 * A choice among the districts the authority defined (instead of an area code typed by hand):
 * answers the chosen district, whose code and name the form then uses.
 */
export function DistrictPicker({
  id,
  districts,
  value,
  onChange,
}: {
  id: string
  districts: readonly District[]
  /** The chosen district's code, or '' for none. */
  value: string
  onChange: (district: District | undefined) => void
}) {
  const { t } = useI18n()
  return (
    <>
      <label htmlFor={id}>{t('districts.pick')}</label>
      <select
        id={id}
        required
        value={value}
        onChange={(event) =>
          onChange(districts.find((district) => district.code === event.target.value))
        }
      >
        <option value="">{t('districts.choose')}</option>
        {districts.map((district) => (
          <option key={`${district.issuerId} ${district.code}`} value={district.code}>
            {`${district.name} (${district.code})`}
          </option>
        ))}
      </select>
    </>
  )
}
