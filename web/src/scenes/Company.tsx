import { type FormEvent, useState } from 'react'
import { apiRequest } from '../api/api-client'
import { useAction } from '../api/use-action'
import type {
  Company as CompanyRecord,
  CompanyDashboard,
  CompanyMembership,
  CompanyVenue,
} from '../api/types'
import { useApi } from '../api/use-api'
import { BarChart } from '../components/BarChart'
import { ErrorMessage } from '../components/ErrorMessage'
import { VenueForm } from '../components/VenueForm'
import { colourName } from '../components/colours'
import { useI18n } from '../i18n/LanguageProvider'
import type { MessageKey } from '../i18n/messages'
import { hrefOf, openDetail, useDetail } from '../router'
import { QrCanvas } from '../components/QrCanvas'
import { invitationLink } from '../components/AcceptInvitation'
import { personName } from '../components/person-name'

/** The kinds of venue a company registers; each has its entry policy on the server. */
const categoryName: Readonly<Record<string, MessageKey>> = {
  office: 'venue.category.office',
  shop: 'venue.category.shop',
  restaurant: 'venue.category.restaurant',
  factory: 'company.category.factory',
  other: 'venue.category.other',
}

const isColour = (value: string): value is keyof typeof colourName =>
  value === 'green' || value === 'yellow' || value === 'red'

/** A company admin: the company, its invitations, venues with posters, and the dashboard. */
export function Company() {
  const { t } = useI18n()
  const mine = useApi<{ companies: CompanyMembership[] }>('/api/v1/companies')
  const admin = mine.data?.companies.find((entry) => entry.role === 'admin')
  return (
    <section aria-labelledby="page-title" className="card">
      <h1 id="page-title" tabIndex={-1}>
        {admin ? t('company.titleOf', { name: admin.company.name }) : t('company.title')}
      </h1>
      <ErrorMessage error={mine.error} />
      {mine.loading && <p role="status">{t('common.loading')}</p>}
      {mine.data && !admin && <NewCompany onCreated={mine.reload} />}
      {admin && <CompanyPanel company={admin.company} />}
    </section>
  )
}

function NewCompany({ onCreated }: { onCreated: () => void }) {
  const { t } = useI18n()
  const [name, setName] = useState('')
  const { busy, error, run } = useAction()
  const submit = async (event: FormEvent) => {
    event.preventDefault()
    await run(async () => {
      await apiRequest('POST', '/api/v1/companies', { name: name.trim() })
      onCreated()
    })
  }
  return (
    <form className="form" onSubmit={submit} aria-labelledby="company-new-title">
      <h2 id="company-new-title">{t('company.create')}</h2>
      <p>{t('company.none')}</p>
      <label htmlFor="company-name">{t('company.name')}</label>
      <input
        id="company-name"
        required
        maxLength={200}
        value={name}
        onChange={(event) => setName(event.target.value)}
      />
      <ErrorMessage error={error} />
      <button type="submit" className="primary" disabled={busy}>
        {t('company.createSubmit')}
      </button>
    </form>
  )
}

function CompanyPanel({ company }: { company: CompanyRecord }) {
  const dashboard = useApi<CompanyDashboard>(`/api/v1/companies/${company.id}/dashboard`)
  return (
    <>
      <Dashboard state={dashboard} />
      <Invite companyId={company.id} />
      <Venues companyId={company.id} />
    </>
  )
}

function Dashboard({ state }: { state: ReturnType<typeof useApi<CompanyDashboard>> }) {
  const { t, formatDate, formatNumber } = useI18n()
  const data = state.data
  return (
    <>
      <div className="actions no-print">
        <h2>{t('company.dashboard')}</h2>
        <button type="button" onClick={state.reload}>
          {t('company.refresh')}
        </button>
      </div>
      <ErrorMessage error={state.error} />
      {data && (
        <div className="no-print">
          <p>
            {t('company.employeesCount', {
              total: formatNumber(data.employees.total),
              consenting: formatNumber(data.employees.consenting),
            })}
          </p>
          <BarChart
            title={t('company.byColour')}
            bars={[
              { label: t('colour.green'), value: data.employees.byColour.green, tone: 'green' },
              { label: t('colour.yellow'), value: data.employees.byColour.yellow, tone: 'yellow' },
              { label: t('colour.red'), value: data.employees.byColour.red, tone: 'red' },
              { label: t('company.colourUnknown'), value: data.employees.byColour.unknown },
            ]}
          />
          <BarChart
            title={t('company.declarationsToday')}
            bars={[{ label: t('company.today'), value: data.declarationsToday }]}
          />
          <BarChart
            title={t('company.visitorsByDay')}
            bars={data.visitorsByDay.map((day) => ({
              label: formatDate(day.day),
              value: day.checkins,
            }))}
          />
          <h3>{t('company.notGreen')}</h3>
          {data.notGreen.length === 0 ? (
            <p>
              {/* "Every consenting employee is green" only when someone consents and all are. */}
              {data.employees.consenting === 0
                ? t('company.noneConsenting')
                : data.employees.byColour.green === data.employees.consenting
                  ? t('company.allGreen')
                  : t('company.noneNotGreen')}
            </p>
          ) : (
            <ul className="people">
              {data.notGreen.map((person) => (
                <li key={person.personId}>
                  {`${personName(person)} — `}
                  <span className={`badge ${person.colour === 'red' ? 'red' : ''}`}>
                    {isColour(person.colour)
                      ? t(colourName[person.colour])
                      : t('company.colourUnknown')}
                  </span>
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
    </>
  )
}

function Invite({ companyId }: { companyId: string }) {
  const { t } = useI18n()
  const [token, setToken] = useState<string | undefined>(undefined)
  const [copied, setCopied] = useState(false)
  const { busy, error, run } = useAction()
  const link =
    token === undefined
      ? undefined
      : invitationLink(window.location.origin + hrefOf('notifications'), token)
  const copy = async () => {
    if (link === undefined) return
    try {
      await navigator.clipboard.writeText(link)
      setCopied(true)
    } catch {
      // No clipboard (an insecure origin, or refused): the link stays selectable on the screen.
      document.getElementById('invitation-link')?.focus()
    }
  }
  const invite = async () => {
    await run(async () => {
      const answer = await apiRequest<{ invitationId: string; token: string }>(
        'POST',
        `/api/v1/companies/${companyId}/invitations`,
      )
      setToken(answer.token)
      setCopied(false)
    })
  }
  return (
    <div className="no-print">
      <h2>{t('company.invite')}</h2>
      <p>{t('company.inviteIntro')}</p>
      <button
        id="invitation-make"
        type="button"
        className="primary"
        disabled={busy}
        onClick={() => void invite()}
      >
        {t('company.inviteSubmit')}
      </button>
      <ErrorMessage error={error} />
      {token && link && (
        <div role="status" className="notice allowed invitation">
          <p>{t('company.inviteLinkIntro')}</p>
          <label htmlFor="invitation-link">{t('company.inviteLink')}</label>
          <input
            id="invitation-link"
            readOnly
            value={link}
            onFocus={(event) => event.target.select()}
          />
          <div className="actions">
            <button type="button" onClick={() => void copy()}>
              {t('company.inviteCopy')}
            </button>
            {copied && <span>{t('company.inviteCopied')}</span>}
          </div>
          <QrCanvas
            text={link}
            size={Math.min(240, window.innerWidth - 96)}
            label={t('company.inviteQrLabel')}
          />
          <p className="muted">
            {t('company.inviteToken')}{' '}
            <span className="mono" data-testid="invitation-token">
              {token}
            </span>
          </p>
        </div>
      )}
    </div>
  )
}

function Venues({ companyId }: { companyId: string }) {
  const { t } = useI18n()
  const venues = useApi<{ venues: CompanyVenue[] }>('/api/v1/venues')
  // The venue whose poster shows, in the address (`/app/company/venues/{id}`).
  const shownId = useDetail('venues')
  const setShownId = (id: string | undefined) => openDetail('company', 'venues', id)
  const ours = (venues.data?.venues ?? []).filter((venue) => venue.companyId === companyId)
  const shown = ours.find((venue) => venue.id === shownId)
  return (
    <>
      <h2 className="no-print">{t('company.venues')}</h2>
      <ErrorMessage error={venues.error} />
      {venues.data && ours.length === 0 && <p className="no-print">{t('company.noVenues')}</p>}
      {ours.length > 0 && (
        <ul className="people no-print">
          {ours.map((venue) => (
            <li key={venue.id}>
              <button type="button" className="link" onClick={() => setShownId(venue.id)}>
                {venue.name}
              </button>
              {` · ${venue.address}`}
            </li>
          ))}
        </ul>
      )}
      {shown && <Poster venue={shown} />}
      <VenueForm
        idPrefix="company-venue"
        categories={categoryName}
        companyId={companyId}
        className="no-print"
        labelledBy="company-venue-title"
        onCreated={(id) => {
          setShownId(id)
          venues.reload()
        }}
      >
        <h3 id="company-venue-title">{t('company.newVenue')}</h3>
      </VenueForm>
    </>
  )
}

function Poster({ venue }: { venue: CompanyVenue }) {
  const { t } = useI18n()
  return (
    <figure className="poster" aria-labelledby="poster-title">
      <h3 id="poster-title">{t('company.posterOf', { venue: venue.name })}</h3>
      <img
        src={`/api/v1/venues/${encodeURIComponent(venue.id)}/poster.png`}
        alt={t('company.posterAlt', { venue: venue.name })}
        width={300}
        height={300}
      />
      <figcaption>
        <p>{venue.address}</p>
        <p>{t('company.posterHint')}</p>
      </figcaption>
      <button type="button" className="no-print" onClick={() => window.print()}>
        {t('company.print')}
      </button>
    </figure>
  )
}
