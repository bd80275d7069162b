import { useState } from 'react'
import { apiRequest } from '../api/api-client'
import type { CaseDetail, CaseSummary, Colour, TracedPerson } from '../api/types'
import { useAction } from '../api/use-action'
import { useApi } from '../api/use-api'
import { DistrictName } from '../components/DistrictName'
import { ErrorMessage } from '../components/ErrorMessage'
import { colourName } from '../components/colours'
import { useI18n } from '../i18n/LanguageProvider'
import type { MessageKey } from '../i18n/messages'

type Status = 'open' | 'closed' | 'all'

const statusLabel: Readonly<Record<Status, MessageKey>> = {
  open: 'cases.status.open',
  closed: 'cases.status.closed',
  all: 'cases.status.all',
}

const kindLabel: Readonly<Record<CaseDetail['contacts'][number]['kind'], MessageKey>> = {
  'close-contact': 'cases.kind.closeContact',
  'same-venue': 'cases.kind.sameVenue',
  'secondary-contact': 'cases.kind.secondaryContact',
}

/**
 * "Cases": the authority's list of its region's cases, open and closed; choosing one opens its
 * page (`CasePage`).
 */
export function Cases() {
  const { t } = useI18n()
  const [status, setStatus] = useState<Status>('open')
  const [caseId, setCaseId] = useState<string | undefined>(undefined)
  const list = useApi<{ cases: CaseSummary[] }>(`/api/v1/cases?status=${status}&limit=500`)
  if (caseId) {
    return (
      <CasePage
        caseId={caseId}
        onBack={() => {
          setCaseId(undefined)
          list.reload()
        }}
      />
    )
  }
  return (
    <section aria-labelledby="page-title" className="card">
      <h1 id="page-title" tabIndex={-1}>
        {t('cases.title')}
      </h1>
      <fieldset>
        <legend>{t('cases.filter')}</legend>
        {(['open', 'closed', 'all'] as const).map((value) => (
          <label key={value}>
            <input
              type="radio"
              name="case-status"
              value={value}
              checked={status === value}
              onChange={() => setStatus(value)}
            />{' '}
            {t(statusLabel[value])}
          </label>
        ))}
      </fieldset>
      <ErrorMessage error={list.error} />
      {list.loading && <p role="status">{t('common.loading')}</p>}
      {list.data && list.data.cases.length === 0 && <p>{t('cases.none')}</p>}
      {list.data && list.data.cases.length > 0 && (
        <ul className="feed case-list">
          {list.data.cases.map((item) => (
            <CaseLine key={item.case.id} item={item} onOpen={() => setCaseId(item.case.id)} />
          ))}
        </ul>
      )}
    </section>
  )
}

function CaseLine({ item, onOpen }: { item: CaseSummary; onOpen: () => void }) {
  const { t, formatDateTime } = useI18n()
  return (
    <li data-case-id={item.case.id}>
      <p>
        <strong>
          <PersonName person={item.person} />
        </strong>{' '}
        <ColourBadge colour={item.person.colour} />
      </p>
      <p className="muted">
        {t('tracing.confirmedAt')}: {formatDateTime(item.case.confirmedAt)} ·{' '}
        {item.case.closedAt
          ? t('cases.stateClosed', { time: formatDateTime(item.case.closedAt) })
          : t('cases.stateOpen')}
      </p>
      <button type="button" className="link" onClick={onOpen}>
        {t('cases.view')}
        <span className="visually-hidden"> {item.person.name}</span>
      </button>
    </li>
  )
}

function PersonName({ person }: { person: TracedPerson }) {
  const { t } = useI18n()
  return (
    <>
      {person.name}
      {person.masked && <span className="muted"> ({t('cases.masked')})</span>}
    </>
  )
}

function ColourBadge({ colour }: { colour: Colour | undefined }) {
  const { t } = useI18n()
  if (!colour) return <span className="badge">{t('cases.noColour')}</span>
  return (
    <span className={`badge colour-badge colour-${colour}`} data-colour={colour}>
      {t(colourName[colour])}
    </span>
  )
}

/**
 * A case page: the person and their colour now, where they were, and everyone exposed with the
 * venue, the time and their colour now; the authority publishes, closes or reopens it here.
 */
export function CasePage({ caseId, onBack }: { caseId: string; onBack: () => void }) {
  const { t, formatDateTime, formatDate, formatNumber } = useI18n()
  const page = useApi<CaseDetail>(`/api/v1/cases/${encodeURIComponent(caseId)}`)
  const { busy, error, run } = useAction()
  const act = (path: 'close' | 'reopen' | 'publish') =>
    void run(async () => {
      await apiRequest('POST', `/api/v1/cases/${encodeURIComponent(caseId)}/${path}`)
      page.reload()
    })
  const data = page.data
  return (
    <section aria-labelledby="page-title" className="card">
      <p>
        <button type="button" className="link" onClick={onBack}>
          {t('cases.back')}
        </button>
      </p>
      <h1 id="page-title" tabIndex={-1}>
        {data ? t('cases.pageTitle', { name: data.person.name }) : t('cases.title')}
      </h1>
      <ErrorMessage error={page.error} />
      {page.loading && !data && <p role="status">{t('common.loading')}</p>}
      {data && (
        <>
          <dl className="facts">
            <dt>{t('cases.person')}</dt>
            <dd>
              <PersonName person={data.person} />
              {data.person.birthDate && ` · ${formatDate(data.person.birthDate)}`}
            </dd>
            <dt>{t('cases.colourNow')}</dt>
            <dd>
              <ColourBadge colour={data.person.colour} />
            </dd>
            <dt>{t('tracing.confirmedAt')}</dt>
            <dd>{formatDateTime(data.case.confirmedAt)}</dd>
            <dt>{t('cases.source')}</dt>
            <dd>
              {t(data.case.source === 'test' ? 'cases.source.test' : 'cases.source.authority')}
            </dd>
            <dt>{t('cases.state')}</dt>
            <dd data-testid="case-state">
              {data.case.closedAt
                ? t('cases.stateClosed', { time: formatDateTime(data.case.closedAt) })
                : t('cases.stateOpen')}
            </dd>
            <dt>{t('tracing.closeContacts')}</dt>
            <dd>{formatNumber(data.exposures.closeContacts)}</dd>
            <dt>{t('tracing.sameVenue')}</dt>
            <dd>{formatNumber(data.exposures.sameVenue)}</dd>
            <dt>{t('tracing.secondary')}</dt>
            <dd>{formatNumber(data.exposures.secondary)}</dd>
          </dl>
          <h2>{t('tracing.whereabouts')}</h2>
          {data.visits.length === 0 ? (
            <p>{t('tracing.noVisits')}</p>
          ) : (
            <ul className="feed" aria-label={t('tracing.visits')}>
              {data.visits.map((visit) => (
                <li key={`${visit.venueId} ${visit.from}`}>
                  <p>
                    <strong>{visit.venueName}</strong> <DistrictName code={visit.district} />
                  </p>
                  <p>
                    {t('sites.when', {
                      from: formatDateTime(visit.from),
                      until: formatDateTime(visit.until),
                    })}
                  </p>
                </li>
              ))}
            </ul>
          )}
          <h2>{t('cases.contacts')}</h2>
          {data.contacts.length === 0 ? (
            <p>{t('cases.noContacts')}</p>
          ) : (
            <ul className="feed contact-list">
              {data.contacts.map((contact) => (
                <li key={`${contact.personId} ${contact.kind}`} data-person-id={contact.personId}>
                  <p>
                    <strong>
                      <PersonName person={contact} />
                    </strong>{' '}
                    <ColourBadge colour={contact.colour} />
                  </p>
                  <p className="muted">
                    {t(kindLabel[contact.kind])} · {contact.venueName} ·{' '}
                    {formatDateTime(contact.at)}
                  </p>
                </li>
              ))}
            </ul>
          )}
          <ErrorMessage error={error} />
          <div className="actions">
            {data.case.publishedAt ? (
              <p role="status" className="notice allowed">
                {t('tracing.published', { time: formatDateTime(data.case.publishedAt) })}
              </p>
            ) : (
              <button type="button" disabled={busy} onClick={() => act('publish')}>
                {t('tracing.publish')}
              </button>
            )}
            {data.case.closedAt ? (
              <button type="button" disabled={busy} onClick={() => act('reopen')}>
                {t('cases.reopen')}
              </button>
            ) : (
              <button type="button" disabled={busy} onClick={() => act('close')}>
                {t('cases.close')}
              </button>
            )}
          </div>
        </>
      )}
    </section>
  )
}
