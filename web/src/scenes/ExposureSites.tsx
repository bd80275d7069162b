import type { ExposureSite } from '../api/types'
import { useApi } from '../api/use-api'
import { DistrictName } from '../components/DistrictName'
import { ErrorMessage } from '../components/ErrorMessage'
import { useI18n } from '../i18n/LanguageProvider'

/**
 * "Exposure sites": the venues and times the health authority published from its cases over the
 * last 14 days (`GET /api/v1/exposure-sites`), with nothing that names a person.
 */
export function ExposureSites() {
  const { t, formatDateTime } = useI18n()
  const sites = useApi<{ sites: ExposureSite[] }>('/api/v1/exposure-sites')
  return (
    <section aria-labelledby="page-title" className="card">
      <h1 id="page-title" tabIndex={-1}>
        {t('sites.title')}
      </h1>
      <p>{t('sites.intro')}</p>
      <ErrorMessage error={sites.error} />
      {sites.loading && !sites.data && <p role="status">{t('common.loading')}</p>}
      {sites.data && sites.data.sites.length === 0 && <p>{t('sites.none')}</p>}
      {sites.data && sites.data.sites.length > 0 && (
        <ul className="feed exposure-sites">
          {sites.data.sites.map((site) => (
            <li key={`${site.venueName} ${site.address} ${site.from}`}>
              <p>
                <strong>{site.venueName}</strong>
              </p>
              <p>
                {site.address} · <DistrictName code={site.district} />
              </p>
              <p>
                <time dateTime={site.from}>
                  {t('sites.when', {
                    from: formatDateTime(site.from),
                    until: formatDateTime(site.until),
                  })}
                </time>
              </p>
            </li>
          ))}
        </ul>
      )}
    </section>
  )
}
