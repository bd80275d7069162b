import type { Colour, CommissionNotice, Notification } from '../api/types'
import { useEffect } from 'react'
import { apiRequest } from '../api/api-client'
import { useApi } from '../api/use-api'
import { announceUnread } from '../api/use-unread'
import { AcceptInvitation } from '../components/AcceptInvitation'
import { ErrorMessage } from '../components/ErrorMessage'
import { Link } from '../components/Link'
import { colourName } from '../components/colours'
import { useI18n } from '../i18n/LanguageProvider'
import type { MessageKey } from '../i18n/messages'

const exposureText: Readonly<Record<string, MessageKey>> = {
  'close-contact': 'feed.exposure.closeContact',
  'same-venue': 'feed.exposure.sameVenue',
  'secondary-contact': 'feed.exposure.secondaryContact',
}

const exposureAdvice: Readonly<Record<string, MessageKey>> = {
  'close-contact': 'feed.advice.closeContact',
  'same-venue': 'feed.advice.sameVenue',
  'secondary-contact': 'feed.advice.secondaryContact',
}

const isColour = (value: unknown): value is Colour =>
  value === 'green' || value === 'yellow' || value === 'red'

/** The sentence for a decision: by what was asked, whether on appeal, and the outcome. */
const decisionText: Readonly<
  Record<
    CommissionNotice['request'],
    Readonly<Record<'first' | 'appeal', Readonly<Record<CommissionNotice['decision'], MessageKey>>>>
  >
> = {
  recovery: {
    first: {
      approved: 'feed.commission.recovery.approved',
      refused: 'feed.commission.recovery.refused',
    },
    appeal: {
      approved: 'feed.commission.recovery.appealApproved',
      refused: 'feed.commission.recovery.appealRefused',
    },
  },
  antibody: {
    first: {
      approved: 'feed.commission.antibody.approved',
      refused: 'feed.commission.antibody.refused',
    },
    appeal: {
      approved: 'feed.commission.antibody.appealApproved',
      refused: 'feed.commission.antibody.appealRefused',
    },
  },
}

/** The decision a commission entry tells of, when its data has the expected shape. */
function commissionNotice(data: Readonly<Record<string, unknown>>): CommissionNotice | undefined {
  const request = data['request']
  const decision = data['decision']
  const appeal = data['appeal']
  if (request !== 'recovery' && request !== 'antibody') return undefined
  if (decision !== 'approved' && decision !== 'refused') return undefined
  if (typeof appeal !== 'boolean') return undefined
  const reason = typeof data['reason'] === 'string' ? data['reason'] : null
  return { requestId: String(data['requestId'] ?? ''), request, decision, appeal, reason }
}

/**
 * "Notifications": exposures, colour changes and the commission's decisions, newest first
 * (`GET /api/v1/me/feed`).
 */
export function Notifications() {
  const { t, formatDateTime } = useI18n()
  const feed = useApi<{ notifications: Notification[] }>('/api/v1/me/feed')
  // Where and when an exposure was, and what to do: older entries may lack the venue.
  const exposureDetails = (item: Notification): string[] => {
    if (item.kind !== 'exposure') return []
    const { venueName, address, from, until } = item.data
    const where =
      typeof venueName === 'string' &&
      venueName !== '' &&
      typeof from === 'string' &&
      typeof until === 'string'
        ? t('feed.exposure.where', {
            venue: venueName,
            address: typeof address === 'string' ? address : '',
            from: formatDateTime(from),
            until: formatDateTime(until),
          })
        : undefined
    const advice = exposureAdvice[String(item.data['kind'])]
    return [...(where ? [where] : []), ...(advice ? [t(advice)] : [])]
  }

  // Shown is read: the unread items are marked read on the server once on screen; they keep
  // their "New" mark in this view, and the badge follows.
  useEffect(() => {
    const ids = (feed.data?.notifications ?? [])
      .filter((item) => item.readAt === undefined)
      .map((item) => item.id)
      .slice(0, 100)
    if (ids.length === 0) return
    apiRequest<{ unread: number }>('POST', '/api/v1/me/feed/read', { ids }).then(
      (answer) => announceUnread(answer.unread),
      () => undefined,
    )
  }, [feed.data])
  const describe = (item: Notification): string => {
    if (item.kind === 'colour-change' && isColour(item.data['to'])) {
      return t('feed.colourChange', { colour: t(colourName[item.data['to']]) })
    }
    if (item.kind === 'exposure') {
      return t(exposureText[String(item.data['kind'])] ?? 'feed.exposure.other')
    }
    if (item.kind === 'commission') {
      const data = commissionNotice(item.data)
      if (!data) return t('feed.commission')
      return t(decisionText[data.request][data.appeal ? 'appeal' : 'first'][data.decision], {
        reason: data.reason ?? '',
      })
    }
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
          <li
            key={item.id}
            className={item.readAt === undefined ? 'unread' : 'read'}
            data-read={item.readAt === undefined ? 'false' : 'true'}
          >
            {item.readAt === undefined && <strong className="new-mark">{t('feed.new')}</strong>}{' '}
            <time dateTime={item.createdAt}>{formatDateTime(item.createdAt)}</time>
            <p>{describe(item)}</p>
            {exposureDetails(item).map((line) => (
              <p key={line} className="exposure-detail">
                {line}
              </p>
            ))}
            {item.kind === 'commission' && (
              <p>
                <RequestLink data={item.data} />
              </p>
            )}
          </li>
        ))}
      </ul>
      <AcceptInvitation />
    </section>
  )
}

/** The link of a commission entry: to its request's own view when the entry names the request. */
function RequestLink({ data }: { data: Readonly<Record<string, unknown>> }) {
  const { t } = useI18n()
  const requestId = commissionNotice(data)?.requestId
  return (
    <Link
      to="requests"
      {...(requestId ? { detail: { kind: 'requests' as const, id: requestId } } : {})}
    >
      {t('feed.commission.open')}
    </Link>
  )
}
