import { useI18n } from '../i18n/LanguageProvider'

/** What this is, and the links the server's home page has: the API document, health, metrics. */
export function About() {
  const { t } = useI18n()
  return (
    <section aria-labelledby="page-title" className="card">
      <h1 id="page-title" tabIndex={-1}>
        {t('about.title')}
      </h1>
      <p>{t('about.intro')}</p>
      <h2>{t('about.forDevelopers')}</h2>
      <ul>
        <li>
          <a href="/openapi.json">{t('about.openapi')}</a>
        </li>
        <li>
          <a href="/healthz">{t('about.healthz')}</a>
        </li>
        <li>
          <a href="/readyz">{t('about.readyz')}</a>
        </li>
        <li>
          <a href="/metrics">{t('about.metrics')}</a>
        </li>
      </ul>
    </section>
  )
}
