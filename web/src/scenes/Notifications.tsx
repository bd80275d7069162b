import type { Colour, Notification } from '../api/types'
import { useApi } from '../api/use-api'
import { AcceptInvitation } from '../components/AcceptInvitation'
import { ErrorMessage } from '../components/ErrorMessage'
import { colourName } from '../components/colours'
import { useI18n } from '../i18n/LanguageProvider'
import type { MessageKey } from '../i18n/messages'

const exposureText: Readonly<Record<string, MessageKey>> = {
  'close-contact': 'feed.exposure.closeContact',
  'same-venue': 'feed.exposure.sameVenue',
  'secondary-contact': 'feed.exposure.secondaryContact',
}

const isColour = (value: unknown): value is Colour =>
  value === 'green' || value === 'yellow' || value === 'red'

/** "Notifications": exposures and colour changes, newest first (`GET /api/v1/me/feed`). */
export function Notifications() {
  const { t, formatDateTime } = useI18n()
  const feed = useApi<{ notifications: Notification[] }>('/api/v1/me/feed')
  const describe = (item: Notification): string => {
    if (item.kind === 'colour-change' && isColour(item.data['to'])) {
      return t('feed.colourChange', { colour: t(colourName[item.data['to']]) })
    }
    if (item.kind === 'exposure') {
      return t(exposureText[String(item.data['kind'])] ?? 'feed.exposure.other')
    }
    if (item.kind === 'commission') return t('feed.commission')
    return t('feed.other')
  }
  return (
    <section aria-labelledby="page-title" className="card">
      <h1 id="page-title" tabIndex={-1}>
        {t('feed.title')}
      </h1>
      <ErrorMessage error={feed.error} />
      {feed.loading && <p role="status">{t('common.loading')}</p>}
      {feed.data && feed.data.notifications.length === 0 && <p>{t('feed.none')}</p>}
      <ul className="feed">
        {feed.data?.notifications.map((item) => (
          <li key={item.id}>
            <time dateTime={item.createdAt}>{formatDateTime(item.createdAt)}</time>
            <p>{describe(item)}</p>
          </li>
        ))}
      </ul>
      <AcceptInvitation />
    </section>
  )
}
