import { type FormEvent, useState } from 'react'
import { apiRequest } from '../api/api-client'
import type {
  AuthorityDashboard,
  ExposureCounts,
  RiskArea,
  StaffPerson,
  TracingCase,
  Whereabouts,
} from '../api/types'
import { useApi } from '../api/use-api'
import { BarChart } from '../components/BarChart'
import { ErrorMessage } from '../components/ErrorMessage'
import { useI18n } from '../i18n/LanguageProvider'
import type { MessageKey } from '../i18n/messages'

const dailySeries: readonly {
  key: MessageKey
  pick: (f: AuthorityDashboard['days'][number]) => number
}[] = [
  { key: 'authority.declarations', pick: (f) => f.declarations },
  { key: 'authority.scans', pick: (f) => f.scans },
  { key: 'authority.checkins', pick: (f) => f.checkins },
  { key: 'authority.cases', pick: (f) => f.cases },
]

/** The health authority: the city dashboard, risk areas and the risk rules in force. */
export function Authority() {
  const { t, formatDate } = useI18n()
  const dashboard = useApi<AuthorityDashboard>('/api/v1/dashboards/authority')
  const days = dashboard.data?.days ?? []
  const last = days[days.length - 1]
  return (
    <section aria-labelledby="page-title" className="card">
      <h1 id="page-title" tabIndex={-1}>
        {t('authority.title')}
      </h1>
      <ErrorMessage error={dashboard.error} />
      {dashboard.loading && <p role="status">{t('common.loading')}</p>}
      {dashboard.data && (
        <>
          <p className="muted">
            {t('authority.period', {
              from: formatDate(dashboard.data.from),
              until: formatDate(dashboard.data.until),
            })}
          </p>
          {last && (
            <BarChart
              title={t('authority.codesToday')}
              bars={[
                { label: t('colour.green'), value: last.codes.green },
                { label: t('colour.yellow'), value: last.codes.yellow },
                { label: t('colour.red'), value: last.codes.red },
              ]}
            />
          )}
          {dailySeries.map((series) => (
            <BarChart
              key={series.key}
              title={t(series.key)}
              bars={days.map((day) => ({
                label: formatDate(day.day),
                value: series.pick(day),
              }))}
            />
          ))}
          {dashboard.data.districts.length > 0 && (
            <BarChart
              title={t('authority.casesByDistrict')}
              bars={dashboard.data.districts.map((district) => ({
                label: district.district,
                value: district.cases,
              }))}
            />
          )}
        </>
      )}
      <CaseTracing />
      <RiskAreas />
      <RiskRules />
    </section>
  )
}

function RiskAreas() {
  const { t, formatDate } = useI18n()
  const areas = useApi<{ riskAreas: RiskArea[] }>('/api/v1/risk-areas')
  const [areaCode, setAreaCode] = useState('')
  const [name, setName] = useState('')
  const [level, setLevel] = useState<'high' | 'medium'>('high')
  const [from, setFrom] = useState(() => new Date().toISOString().slice(0, 10))
  const [until, setUntil] = useState('')
  const [error, setError] = useState<unknown>(undefined)
  const [busy, setBusy] = useState(false)
  const [done, setDone] = useState(false)
  const submit = async (event: FormEvent) => {
    event.preventDefault()
    setBusy(true)
    setError(undefined)
    setDone(false)
    try {
      await apiRequest('POST', '/api/v1/risk-areas', {
        areaCode: areaCode.trim().toUpperCase(),
        name: name.trim(),
        level,
        from,
        ...(until ? { until } : {}),
      })
      setDone(true)
      setAreaCode('')
      setName('')
      areas.reload()
    } catch (failure) {
      setError(failure)
    } finally {
      setBusy(false)
    }
  }
  return (
    <>
      <h2>{t('authority.riskAreas')}</h2>
      <ErrorMessage error={areas.error} />
      {areas.data && areas.data.riskAreas.length === 0 && <p>{t('authority.noRiskAreas')}</p>}
      {areas.data && areas.data.riskAreas.length > 0 && (
        <table className="table">
          <thead>
            <tr>
              <th scope="col">{t('authority.areaCode')}</th>
              <th scope="col">{t('authority.areaName')}</th>
              <th scope="col">{t('authority.level')}</th>
              <th scope="col">{t('authority.from')}</th>
              <th scope="col">{t('authority.until')}</th>
            </tr>
          </thead>
          <tbody>
            {areas.data.riskAreas.map((area) => (
              <tr key={area.id}>
                <td className="mono">{area.areaCode}</td>
                <td>{area.name}</td>
                <td>
                  {t(area.level === 'high' ? 'authority.level.high' : 'authority.level.medium')}
                </td>
                <td>{formatDate(area.from)}</td>
                <td>{area.until ? formatDate(area.until) : '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <form className="form" onSubmit={submit} aria-labelledby="risk-area-title">
        <h3 id="risk-area-title">{t('authority.addRiskArea')}</h3>
        <label htmlFor="area-code">{t('authority.areaCode')}</label>
        <input
          id="area-code"
          required
          pattern="[A-Za-z0-9-]{2,40}"
          value={areaCode}
          onChange={(e) => setAreaCode(e.target.value)}
        />
        <label htmlFor="area-name">{t('authority.areaName')}</label>
        <input
          id="area-name"
          required
          maxLength={200}
          value={name}
          onChange={(e) => setName(e.target.value)}
        />
        <label htmlFor="area-level">{t('authority.level')}</label>
        <select
          id="area-level"
          value={level}
          onChange={(e) => setLevel(e.target.value === 'medium' ? 'medium' : 'high')}
        >
          <option value="high">{t('authority.level.high')}</option>
          <option value="medium">{t('authority.level.medium')}</option>
        </select>
        <label htmlFor="area-from">{t('authority.from')}</label>
        <input
          id="area-from"
          type="date"
          required
          value={from}
          onChange={(e) => setFrom(e.target.value)}
        />
        <label htmlFor="area-until">{t('authority.until')}</label>
        <input
          id="area-until"
          type="date"
          value={until}
          onChange={(e) => setUntil(e.target.value)}
        />
        <ErrorMessage error={error} />
        {done && (
          <p role="status" className="notice allowed">
            {t('authority.riskAreaAdded')}
          </p>
        )}
        <button type="submit" className="primary" disabled={busy}>
          {t('authority.addRiskAreaSubmit')}
        </button>
      </form>
    </>
  )
}

interface RiskRule {
  readonly id: string
  readonly colour?: string
  readonly periodDays?: number
  readonly text?: Readonly<Record<string, string>>
}

function RiskRules() {
  const { t, language } = useI18n()
  const rules = useApi<{ version: number; rules: RiskRule[] }>('/api/v1/risk-rules')
  return (
    <>
      <h2>{t('authority.riskRules')}</h2>
      <ErrorMessage error={rules.error} />
      {rules.data && (
        <>
          <p>{t('authority.rulesVersion', { version: rules.data.version })}</p>
          <ul className="feed">
            {rules.data.rules.map((rule) => (
              <li key={rule.id}>
                <p>
                  <strong className="mono">{rule.id}</strong>
                  {rule.periodDays !== undefined &&
                    ` · ${t('authority.periodDays', { days: rule.periodDays })}`}
                </p>
                <p>{rule.text?.[language] ?? rule.text?.['en']}</p>
              </li>
            ))}
          </ul>
        </>
      )}
    </>
  )
}

/** Confirms a case by decision, then shows where the person was and how many were exposed. */
function CaseTracing() {
  const { t, formatDate } = useI18n()
  const people = useApi<{ people: StaffPerson[] }>('/api/v1/people?limit=500')
  const [query, setQuery] = useState('')
  const [personId, setPersonId] = useState('')
  const [caseId, setCaseId] = useState<string | undefined>(undefined)
  const [created, setCreated] = useState<boolean | undefined>(undefined)
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<unknown>(undefined)
  const needle = query.trim().toLowerCase()
  const found = (people.data?.people ?? []).filter(
    (person) =>
      needle === '' ||
      `${person.familyName} ${person.givenName} ${person.familyNameIcao ?? ''} ${person.givenNameIcao ?? ''} ${person.document?.number ?? ''}`
        .toLowerCase()
        .includes(needle),
  )
  const confirm = async (event: FormEvent) => {
    event.preventDefault()
    if (!personId) return
    setBusy(true)
    setError(undefined)
    try {
      const answer = await apiRequest<{
        case: TracingCase
        created: boolean
        exposures: ExposureCounts
      }>('POST', '/api/v1/cases', { personId })
      setCaseId(answer.case.id)
      setCreated(answer.created)
    } catch (failure) {
      setError(failure)
    } finally {
      setBusy(false)
    }
  }
  return (
    <>
      <h2 id="case-title">{t('tracing.title')}</h2>
      <p>{t('tracing.intro')}</p>
      <ErrorMessage error={people.error} />
      <form className="form" onSubmit={confirm} aria-labelledby="case-title">
        <label htmlFor="case-search">{t('tracing.search')}</label>
        <input
          id="case-search"
          type="search"
          value={query}
          onChange={(event) => setQuery(event.target.value)}
        />
        <label htmlFor="case-person">{t('tracing.person')}</label>
        <select
          id="case-person"
          required
          value={personId}
          onChange={(event) => setPersonId(event.target.value)}
        >
          <option value="">{t('tracing.choosePerson')}</option>
          {found.map((person) => (
            <option key={person.id} value={person.id}>
              {`${person.familyName} ${person.givenName} · ${formatDate(person.birthDate)}`}
            </option>
          ))}
        </select>
        <ErrorMessage error={error} />
        <button type="submit" className="primary" disabled={busy || !personId}>
          {t('tracing.confirm')}
        </button>
      </form>
      {caseId && (
        <>
          <p role="status" className="notice allowed">
            {t(created === false ? 'tracing.alreadyCase' : 'tracing.confirmed')}
          </p>
          <CaseWhereabouts caseId={caseId} />
        </>
      )}
    </>
  )
}

function CaseWhereabouts({ caseId }: { caseId: string }) {
  const { t, formatDateTime, formatNumber } = useI18n()
  const trace = useApi<Whereabouts>(`/api/v1/cases/${encodeURIComponent(caseId)}/whereabouts`)
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<unknown>(undefined)
  const publish = async () => {
    setBusy(true)
    setError(undefined)
    try {
      await apiRequest('POST', `/api/v1/cases/${encodeURIComponent(caseId)}/publish`)
      trace.reload()
    } catch (failure) {
      setError(failure)
    } finally {
      setBusy(false)
    }
  }
  const data = trace.data
  return (
    <>
      <h3>{t('tracing.whereabouts')}</h3>
      <ErrorMessage error={trace.error} />
      {trace.loading && <p role="status">{t('common.loading')}</p>}
      {data && (
        <>
          <dl className="facts">
            <dt>{t('tracing.confirmedAt')}</dt>
            <dd>{formatDateTime(data.case.confirmedAt)}</dd>
            <dt>{t('tracing.closeContacts')}</dt>
            <dd>{formatNumber(data.exposures.closeContacts)}</dd>
            <dt>{t('tracing.sameVenue')}</dt>
            <dd>{formatNumber(data.exposures.sameVenue)}</dd>
            <dt>{t('tracing.secondary')}</dt>
            <dd>{formatNumber(data.exposures.secondary)}</dd>
          </dl>
          {data.visits.length === 0 ? (
            <p>{t('tracing.noVisits')}</p>
          ) : (
            <table className="table">
              <caption>{t('tracing.visits')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('tracing.venue')}</th>
                  <th scope="col">{t('tracing.district')}</th>
                  <th scope="col">{t('authority.from')}</th>
                  <th scope="col">{t('authority.until')}</th>
                </tr>
              </thead>
              <tbody>
                {data.visits.map((visit) => (
                  <tr key={`${visit.venueId} ${visit.from}`}>
                    <td>{visit.venueName}</td>
                    <td className="mono">{visit.district}</td>
                    <td>{formatDateTime(visit.from)}</td>
                    <td>{formatDateTime(visit.until)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          <ErrorMessage error={error} />
          {data.case.publishedAt ? (
            <p role="status" className="notice allowed">
              {t('tracing.published', { time: formatDateTime(data.case.publishedAt) })}
            </p>
          ) : (
            <button type="button" disabled={busy} onClick={() => void publish()}>
              {t('tracing.publish')}
            </button>
          )}
        </>
      )}
    </>
  )
}
