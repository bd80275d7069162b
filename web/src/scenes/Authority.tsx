import { type FormEvent, useEffect, useState } from 'react'
import { ApiError, apiRequest } from '../api/api-client'
import { useAction } from '../api/use-action'
import type {
  AuthorityDashboard,
  District,
  ExposureCounts,
  RecomputeProgress,
  RiskArea,
  RiskRuleVersion,
  StaffPerson,
  TracingCase,
  Whereabouts,
} from '../api/types'
import { useApi } from '../api/use-api'
import { useMe } from '../api/use-me'
import { BarChart } from '../components/BarChart'
import { DistrictName } from '../components/DistrictName'
import { DistrictPicker } from '../components/DistrictPicker'
import { byWeekWhenLong } from '../components/by-week'
import { ConfirmDialog } from '../components/ConfirmDialog'
import { ErrorMessage } from '../components/ErrorMessage'
import { Link } from '../components/Link'
import { useI18n } from '../i18n/LanguageProvider'
import type { MessageKey } from '../i18n/messages'
import { useSession } from '../session/SessionProvider'
import { Districts } from './Districts'
import { EntryPolicies } from './EntryPolicies'
import { openDetail, useDetail } from '../router'
import { personName } from '../components/person-name'
import { districtName, regionName, ruleName } from '../components/words'

const dailySeries: readonly {
  key: MessageKey
  pick: (f: AuthorityDashboard['days'][number]) => number
}[] = [
  { key: 'authority.declarations', pick: (f) => f.declarations },
  { key: 'authority.scans', pick: (f) => f.scans },
  { key: 'authority.checkins', pick: (f) => f.checkins },
  { key: 'authority.cases', pick: (f) => f.cases },
]

/** The day `days` days before today, `YYYY-MM-DD` (UTC, as the dashboard counts days). */
function daysBefore(days: number): string {
  return new Date(Date.now() - days * 86_400_000).toISOString().slice(0, 10)
}

/** The health authority: the city dashboard, case tracing, risk areas and the risk rules. */
export function Authority() {
  const { t, formatDate, formatNumber } = useI18n()
  const [period, setPeriod] = useState(14)
  const dashboard = useApi<AuthorityDashboard>(
    `/api/v1/dashboards/authority?from=${daysBefore(period - 1)}`,
  )
  const days = dashboard.data?.days ?? []
  return (
    <section aria-labelledby="page-title" className="card">
      <h1 id="page-title" tabIndex={-1}>
        {t('authority.title')}
      </h1>
      <ErrorMessage error={dashboard.error} />
      {dashboard.loading && <p role="status">{t('common.loading')}</p>}
      {dashboard.data && (
        <>
          <div className="form">
            <label htmlFor="dashboard-period">{t('authority.periodChoice')}</label>
            <select
              id="dashboard-period"
              value={period}
              onChange={(event) => setPeriod(Number(event.target.value))}
            >
              {[14, 30, 90].map((length) => (
                <option key={length} value={length}>
                  {t('authority.lastDays', { days: length })}
                </option>
              ))}
            </select>
          </div>
          <p className="muted">
            {t('authority.period', {
              from: formatDate(dashboard.data.from),
              until: formatDate(dashboard.data.until),
            })}
          </p>
          {/* Now, counted in the store: the colours and the codes not computed yet add up to the
              people registered. */}
          <p>
            {t('authority.registered', {
              count: formatNumber(dashboard.data.current.registered),
            })}
          </p>
          <BarChart
            title={t('authority.codesNow')}
            bars={[
              { label: t('colour.green'), value: dashboard.data.current.codes.green },
              { label: t('colour.yellow'), value: dashboard.data.current.codes.yellow },
              { label: t('colour.red'), value: dashboard.data.current.codes.red },
              {
                label: t('authority.notComputed'),
                value: dashboard.data.current.codes.notComputed,
              },
            ]}
          />
          <p className="muted">{t('authority.notComputedHint')}</p>
          {dailySeries.map((series) => (
            <BarChart
              key={series.key}
              title={t(series.key)}
              // Past 30 days, one bar a week: 90 daily bars would be a page of bars.
              bars={byWeekWhenLong(
                days.map((day) => ({ day: day.day, value: series.pick(day) })),
              ).map((bar) => ({
                label:
                  bar.from === bar.until
                    ? formatDate(bar.from)
                    : t('authority.week', {
                        from: formatDate(bar.from),
                        until: formatDate(bar.until),
                      }),
                value: bar.value,
              }))}
            />
          ))}
          {dashboard.data.districts.length > 0 && (
            <BarChart
              title={t('authority.casesByDistrict')}
              bars={dashboard.data.districts.map((district) => ({
                label: (() => {
                  const name = districtName(district.district)
                  return name ? t(name) : district.district
                })(),
                value: district.cases,
              }))}
            />
          )}
        </>
      )}
      <CaseTracing />
      <RiskAreas />
      <EntryPolicies />
      <RiskRules />
    </section>
  )
}

function RiskAreas() {
  const { t, formatDate } = useI18n()
  const { session } = useSession()
  const areas = useApi<{ riskAreas: RiskArea[] }>('/api/v1/risk-areas')
  // The districts of the authority's region: risk areas are picked from them.
  const districts = useApi<{ districts: District[] }>(
    session?.issuerId
      ? `/api/v1/districts?issuerId=${encodeURIComponent(session.issuerId)}`
      : '/api/v1/districts',
  )
  const [areaCode, setAreaCode] = useState('')
  const [name, setName] = useState('')
  const [level, setLevel] = useState<'high' | 'medium'>('high')
  const [from, setFrom] = useState(() => new Date().toISOString().slice(0, 10))
  const [until, setUntil] = useState('')
  const [error, setError] = useState<unknown>(undefined)
  const [busy, setBusy] = useState(false)
  const [done, setDone] = useState(false)
  // The area whose withdrawal waits for a Yes, and the last one withdrawn.
  const [withdrawing, setWithdrawing] = useState<RiskArea | undefined>(undefined)
  const [withdrawn, setWithdrawn] = useState<RiskArea | undefined>(undefined)
  const [withdrawError, setWithdrawError] = useState<unknown>(undefined)
  const withdraw = async (area: RiskArea) => {
    setBusy(true)
    setWithdrawError(undefined)
    try {
      await apiRequest('DELETE', `/api/v1/risk-areas/${encodeURIComponent(area.id)}`)
      setWithdrawn(area)
      setWithdrawing(undefined)
      areas.reload()
    } catch (failure) {
      setWithdrawError(failure)
    } finally {
      setBusy(false)
    }
  }
  const regionLabel = (issuerId: string | undefined) => {
    if (issuerId === undefined) return '—'
    const key = regionName(issuerId)
    return key ? t(key) : issuerId
  }
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
              <th scope="col">{t('authority.areaRegion')}</th>
              <th scope="col">
                <span className="visually-hidden">{t('authority.areaActions')}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {areas.data.riskAreas.map((area) => (
              <tr key={area.id} data-area-id={area.id}>
                <td data-label={t('authority.areaCode')} className="mono">
                  {area.areaCode}
                </td>
                <td data-label={t('authority.areaName')}>{area.name}</td>
                <td data-label={t('authority.level')}>
                  {t(area.level === 'high' ? 'authority.level.high' : 'authority.level.medium')}
                </td>
                <td data-label={t('authority.from')}>{formatDate(area.from)}</td>
                <td data-label={t('authority.until')}>
                  {area.until ? formatDate(area.until) : '—'}
                </td>
                <td data-label={t('authority.areaRegion')}>{regionLabel(area.issuerId)}</td>
                <td>
                  <button
                    type="button"
                    disabled={busy || withdrawing !== undefined}
                    aria-label={t('authority.withdrawAreaNamed', { name: area.name })}
                    onClick={() => {
                      setWithdrawn(undefined)
                      setWithdrawError(undefined)
                      setWithdrawing(area)
                    }}
                  >
                    {t('authority.withdrawArea')}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {withdrawing && (
        <ConfirmDialog
          id="withdraw-area-confirm"
          question={t('authority.withdrawAreaConfirm', {
            name: withdrawing.name,
            code: withdrawing.areaCode,
          })}
          yes={t('authority.withdrawAreaYes')}
          busy={busy}
          onYes={() => void withdraw(withdrawing)}
          onNo={() => setWithdrawing(undefined)}
        />
      )}
      <ErrorMessage error={withdrawError} />
      {withdrawn && (
        <p role="status" className="notice allowed">
          {t('authority.areaWithdrawn', { name: withdrawn.name })}
        </p>
      )}
      <Districts districts={districts.data?.districts} onChanged={districts.reload} />
      <form className="form" onSubmit={submit} aria-labelledby="risk-area-title">
        <h3 id="risk-area-title">{t('authority.addRiskArea')}</h3>
        <DistrictPicker
          id="area-code"
          districts={districts.data?.districts ?? []}
          value={areaCode}
          onChange={(district) => {
            setAreaCode(district?.code ?? '')
            if (district) setName(district.name)
          }}
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

interface RuleSetAnswer {
  readonly version: number
  readonly rules: RiskRule[]
}

/** The rules in force, every stored version, and the editor that publishes the next one. */
function RiskRules() {
  const { t, language } = useI18n()
  const { session } = useSession()
  // The rules in force in the authority's own region: its version, else the nearest ancestor's.
  const rules = useApi<RuleSetAnswer>(
    session?.issuerId
      ? `/api/v1/risk-rules?issuerId=${encodeURIComponent(session.issuerId)}`
      : '/api/v1/risk-rules',
  )
  const versions = useApi<{ versions: RiskRuleVersion[]; recompute?: RecomputeProgress }>(
    '/api/v1/risk-rules/versions',
  )
  const [viewing, setViewing] = useState<number | undefined>(undefined)
  const [draft, setDraft] = useState<{ text: string; from: number; serial: number } | undefined>(
    undefined,
  )
  const [published, setPublished] = useState<number | undefined>(undefined)
  const reloadVersions = versions.reload
  const running = versions.data?.recompute !== undefined && !versions.data.recompute.finishedAt
  // While everyone is recomputed, ask again now and then, so the progress moves on the screen.
  useEffect(() => {
    if (!running) return
    const timer = window.setTimeout(reloadVersions, 2000)
    return () => window.clearTimeout(timer)
  }, [running, versions.data, reloadVersions])
  const edit = (ruleSet: RuleSetAnswer) => {
    setPublished(undefined)
    setDraft((old) => ({
      text: JSON.stringify(ruleSet.rules, null, 2),
      from: ruleSet.version,
      serial: (old?.serial ?? 0) + 1,
    }))
  }
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
                  {(() => {
                    const name = ruleName(rule.id)
                    return name ? (
                      <strong data-rule-id={rule.id}>{t(name)}</strong>
                    ) : (
                      <strong className="mono">{rule.id}</strong>
                    )
                  })()}
                  {rule.periodDays !== undefined &&
                    ` · ${t('authority.periodDays', { days: rule.periodDays })}`}
                </p>
                <p>{rule.text?.[language] ?? rule.text?.['en']}</p>
              </li>
            ))}
          </ul>
        </>
      )}
      {published !== undefined && (
        <p role="status" className="notice allowed">
          {t('authority.rulesPublished', { version: published })}
        </p>
      )}
      <RecomputeStatus progress={versions.data?.recompute} />
      <RuleVersions
        versions={versions.data?.versions}
        error={versions.error}
        inForce={rules.data?.version}
        onView={setViewing}
      />
      {viewing !== undefined && (
        <RuleVersion
          version={viewing}
          onClose={() => setViewing(undefined)}
          onEdit={(ruleSet) => {
            setViewing(undefined)
            edit(ruleSet)
          }}
        />
      )}
      {rules.data && !draft && (
        <button type="button" onClick={() => rules.data && edit(rules.data)}>
          {t('authority.rulesEdit')}
        </button>
      )}
      {draft && rules.data && (
        <RuleEditor
          key={draft.serial}
          initial={draft.text}
          from={draft.from}
          next={rules.data.version + 1}
          onCancel={() => setDraft(undefined)}
          onPublished={(version) => {
            setDraft(undefined)
            setPublished(version)
            rules.reload()
            versions.reload()
          }}
        />
      )}
    </>
  )
}

function RecomputeStatus({ progress }: { progress: RecomputeProgress | undefined }) {
  const { t, formatDateTime, formatNumber } = useI18n()
  if (!progress) return null
  return (
    <p role="status" className={progress.finishedAt ? 'notice allowed' : 'notice queued'}>
      {progress.finishedAt
        ? t('authority.recomputeDone', {
            version: progress.rulesetVersion,
            count: formatNumber(progress.done),
            time: formatDateTime(progress.finishedAt),
          })
        : t('authority.recomputeRunning', {
            version: progress.rulesetVersion,
            count: formatNumber(progress.done),
            time: formatDateTime(progress.startedAt),
          })}
      {progress.failed > 0 &&
        ` ${t('authority.recomputeFailed', { count: formatNumber(progress.failed) })}`}
    </p>
  )
}

function RuleVersions({
  versions,
  error,
  inForce,
  onView,
}: {
  versions: readonly RiskRuleVersion[] | undefined
  error: unknown
  inForce: number | undefined
  onView: (version: number) => void
}) {
  const { t, formatDateTime } = useI18n()
  const me = useMe()
  if (error !== undefined) return <ErrorMessage error={error} />
  if (!versions) return null
  // Version 1 is the built-in rule set: in force until the authority stores one, never stored
  // (so it has no time, author or note).
  const rows: readonly (Pick<RiskRuleVersion, 'version'> & Partial<RiskRuleVersion>)[] =
    versions.some((v) => v.version === 1) ? versions : [...versions, { version: 1 }]
  return (
    <table className="table">
      <caption>{t('authority.rulesVersions')}</caption>
      <thead>
        <tr>
          <th scope="col">{t('authority.ruleVersion')}</th>
          <th scope="col">{t('authority.ruleStoredAt')}</th>
          <th scope="col">{t('authority.ruleStoredBy')}</th>
          <th scope="col">{t('authority.ruleNote')}</th>
          <th scope="col">{t('trust.actions')}</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => (
          <tr key={row.version} data-version={row.version}>
            <td data-label={t('authority.ruleVersion')}>
              {row.version}
              {row.version === inForce && (
                <>
                  {' '}
                  <span className="badge">{t('authority.ruleInForce')}</span>
                </>
              )}
            </td>
            <td data-label={t('authority.ruleStoredAt')}>
              {row.createdAt ? formatDateTime(row.createdAt) : t('authority.ruleBuiltIn')}
            </td>
            <td
              data-label={t('authority.ruleStoredBy')}
              className={row.createdBy === me.data?.account?.id ? undefined : 'mono'}
            >
              {row.createdBy === undefined
                ? '—'
                : row.createdBy === me.data?.account?.id
                  ? t('authority.ruleByYou')
                  : row.createdBy}
            </td>
            <td data-label={t('authority.ruleNote')}>{row.note ?? '—'}</td>
            <td data-label={t('trust.actions')}>
              <button type="button" className="link" onClick={() => onView(row.version)}>
                {t('authority.ruleView', { version: row.version })}
              </button>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  )
}

function RuleVersion({
  version,
  onClose,
  onEdit,
}: {
  version: number
  onClose: () => void
  onEdit: (ruleSet: RuleSetAnswer) => void
}) {
  const { t } = useI18n()
  const shown = useApi<RuleSetAnswer>(`/api/v1/risk-rules/versions/${version}`)
  return (
    <section aria-labelledby="rule-version-title">
      <h3 id="rule-version-title">{t('authority.ruleVersionTitle', { version })}</h3>
      <ErrorMessage error={shown.error} />
      {shown.loading && <p role="status">{t('common.loading')}</p>}
      {shown.data && (
        <pre className="rule-json" tabIndex={0} data-testid="rule-version-json">
          {JSON.stringify(shown.data.rules, null, 2)}
        </pre>
      )}
      <div className="actions">
        {shown.data && (
          <button type="button" onClick={() => shown.data && onEdit(shown.data)}>
            {t('authority.ruleEditFrom', { version })}
          </button>
        )}
        <button type="button" onClick={onClose}>
          {t('authority.ruleClose')}
        </button>
      </div>
    </section>
  )
}

/** What is wrong with the editor's text before it is sent, or the rules to send. */
function readDraft(text: string): { rules: unknown[] } | { problem: MessageKey } {
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch {
    return { problem: 'authority.rulesNotJson' }
  }
  // The whole rule set (as GET /api/v1/risk-rules answers) is accepted too: its rules are sent.
  if (json !== null && typeof json === 'object' && !Array.isArray(json) && 'rules' in json) {
    json = (json as { rules: unknown }).rules
  }
  if (!Array.isArray(json)) return { problem: 'authority.rulesNotArray' }
  if (json.length === 0 || json.length > 200) return { problem: 'authority.rulesCount' }
  if (json.some((rule) => rule === null || typeof rule !== 'object' || Array.isArray(rule))) {
    return { problem: 'authority.rulesNotObjects' }
  }
  return { rules: json }
}

function RuleEditor({
  initial,
  from,
  next,
  onCancel,
  onPublished,
}: {
  initial: string
  from: number
  next: number
  onCancel: () => void
  onPublished: (version: number) => void
}) {
  const { t } = useI18n()
  const [text, setText] = useState(initial)
  const [note, setNote] = useState('')
  const [problem, setProblem] = useState<MessageKey | undefined>(undefined)
  const [error, setError] = useState<unknown>(undefined)
  const [busy, setBusy] = useState(false)
  // Publishing puts the rules in force for everyone at once: asked first, once the draft reads.
  const [confirming, setConfirming] = useState(false)
  const submit = (event: FormEvent) => {
    event.preventDefault()
    setError(undefined)
    const draft = readDraft(text)
    if ('problem' in draft) {
      setProblem(draft.problem)
      return
    }
    setProblem(undefined)
    setConfirming(true)
  }
  const publish = async () => {
    const draft = readDraft(text)
    setConfirming(false)
    if ('problem' in draft) return
    setBusy(true)
    try {
      const answer = await apiRequest<{ version: number }>('PUT', '/api/v1/risk-rules', {
        rules: draft.rules,
        ...(note.trim() ? { note: note.trim() } : {}),
      })
      setBusy(false)
      onPublished(answer.version)
    } catch (failure) {
      setError(failure)
      setBusy(false)
    }
  }
  const refused = error instanceof ApiError && error.status === 400 ? error : undefined
  return (
    <form className="form" onSubmit={submit} aria-labelledby="rules-editor-title" noValidate>
      <h3 id="rules-editor-title">{t('authority.rulesEditorTitle', { version: next })}</h3>
      <p className="muted">{t('authority.rulesEditorHelp', { version: from })}</p>
      <label htmlFor="rules-json">{t('authority.rulesJson')}</label>
      <textarea
        id="rules-json"
        className="json-editor"
        rows={18}
        spellCheck={false}
        value={text}
        aria-invalid={problem !== undefined || refused !== undefined}
        aria-describedby={problem || refused ? 'rules-json-error' : undefined}
        onChange={(e) => setText(e.target.value)}
      />
      <label htmlFor="rules-note">{t('authority.rulesNote')}</label>
      <input
        id="rules-note"
        maxLength={500}
        value={note}
        onChange={(e) => setNote(e.target.value)}
      />
      {problem && (
        <p id="rules-json-error" className="error" role="alert">
          {t(problem)}
        </p>
      )}
      {refused ? (
        <div id="rules-json-error" className="error" role="alert">
          <p>{t('authority.rulesRefused')}</p>
          <p className="mono" data-testid="rules-refusal">
            {refused.message}
          </p>
        </div>
      ) : (
        <ErrorMessage error={error} />
      )}
      {confirming ? (
        <ConfirmDialog
          id="rules-confirm"
          question={t('authority.rulesConfirm', { version: next })}
          yes={t('authority.rulesConfirmYes', { version: next })}
          busy={busy}
          onYes={() => void publish()}
          onNo={() => setConfirming(false)}
        />
      ) : (
        <div className="actions">
          <button type="submit" className="primary" disabled={busy}>
            {t('authority.rulesPublish', { version: next })}
          </button>
          <button type="button" onClick={onCancel}>
            {t('authority.rulesCancel')}
          </button>
        </div>
      )}
    </form>
  )
}

/** Confirms a case by decision, then shows where the person was and how many were exposed. */
function CaseTracing() {
  const { t, formatDate } = useI18n()
  const people = useApi<{ people: StaffPerson[] }>('/api/v1/people?limit=500')
  const [query, setQuery] = useState('')
  const [personId, setPersonId] = useState('')
  // The case shown, in the address (`/app/authority/cases/{id}`): Back and reload keep it.
  const caseId = useDetail('cases')
  const setCaseId = (id: string | undefined) => openDetail('authority', 'cases', id)
  const [created, setCreated] = useState<boolean | undefined>(undefined)
  const [reopened, setReopened] = useState(false)
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
        reopened?: boolean
        exposures: ExposureCounts
      }>('POST', '/api/v1/cases', { personId })
      setCaseId(answer.case.id)
      setCreated(answer.created)
      setReopened(answer.reopened === true)
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
      <p>
        <Link to="cases">{t('tracing.allCases')}</Link>
      </p>
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
              {`${personName(person)} · ${formatDate(person.birthDate)}`}
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
            {t(
              reopened
                ? 'tracing.reopened'
                : created === false
                  ? 'tracing.alreadyCase'
                  : 'tracing.confirmed',
            )}
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
  const { busy, error, run } = useAction()
  // Publishing tells the public where a case was: asked first.
  const [confirming, setConfirming] = useState(false)
  const publish = async () => {
    setConfirming(false)
    await run(async () => {
      await apiRequest('POST', `/api/v1/cases/${encodeURIComponent(caseId)}/publish`)
      trace.reload()
    })
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
                    <td data-label={t('tracing.venue')}>{visit.venueName}</td>
                    <td data-label={t('tracing.district')}>
                      <DistrictName code={visit.district} />
                    </td>
                    <td data-label={t('authority.from')}>{formatDateTime(visit.from)}</td>
                    <td data-label={t('authority.until')}>{formatDateTime(visit.until)}</td>
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
          ) : confirming ? (
            <ConfirmDialog
              id="publish-confirm"
              question={t('tracing.publishConfirm')}
              yes={t('tracing.publishYes')}
              busy={busy}
              onYes={() => void publish()}
              onNo={() => setConfirming(false)}
            />
          ) : (
            <button type="button" disabled={busy} onClick={() => setConfirming(true)}>
              {t('tracing.publish')}
            </button>
          )}
        </>
      )}
    </>
  )
}
