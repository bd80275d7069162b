import { useState } from 'react'
import { apiRequest } from '../api/api-client'
import type { CompanyMembership, Issuer, OwnRecord } from '../api/types'
import { useApi } from '../api/use-api'
import { useMe } from '../api/use-me'
import { ErrorMessage } from '../components/ErrorMessage'
import { Link } from '../components/Link'
import { useI18n } from '../i18n/LanguageProvider'
import type { MessageKey } from '../i18n/messages'
import { useSession } from '../session/SessionProvider'
import { personName } from '../components/person-name'
import { regionName } from '../components/words'

const documentTypeName: Readonly<Record<string, MessageKey>> = {
  'national-id': 'link.documentType.nationalId',
  passport: 'link.documentType.passport',
  'residence-permit': 'link.documentType.residencePermit',
  other: 'link.documentType.other',
}

/** A name as the ICAO transliteration writes it (`<` between words), for reading. */
const latinName = (...parts: (string | undefined)[]) =>
  parts
    .filter(Boolean)
    .map((part) => part?.replace(/</g, ' '))
    .join(' ')

/**
 * "My details": the person's record as the register holds it, and the companies they belong to,
 * each with the consent to share their colour and name (`PUT /api/v1/companies/{id}/consent`).
 */
export function Profile() {
  const { t, formatDate } = useI18n()
  const { session } = useSession()
  const me = useMe()
  const issuers = useApi<{ issuers: Issuer[] }>('/api/v1/issuers')
  const person = me.data?.person as OwnRecord | undefined
  const region = issuers.data?.issuers.find((issuer) => issuer.id === person?.issuerId)
  return (
    <section aria-labelledby="page-title" className="card">
      <h1 id="page-title" tabIndex={-1}>
        {t('profile.title')}
      </h1>
      <ErrorMessage error={me.error} />
      {me.loading && !me.data && <p role="status">{t('common.loading')}</p>}
      <h2>{t('profile.account')}</h2>
      <dl className="facts">
        {me.data?.account && (
          <>
            <dt>{t('register.displayName')}</dt>
            <dd>{me.data.account.displayName}</dd>
          </>
        )}
        {session && (
          <>
            <dt>{t('signIn.login')}</dt>
            <dd>{session.login}</dd>
          </>
        )}
      </dl>
      <h2>{t('profile.record')}</h2>
      {me.data && !person && (
        <p>
          <Link to="code">{t('declare.linkFirst')}</Link>
        </p>
      )}
      {person && (
        <>
          <p className="muted">{t('profile.recordHint')}</p>
          <dl className="facts" data-testid="own-record">
            <dt>{t('profile.name')}</dt>
            <dd>{personName(person)}</dd>
            <dt>{t('profile.nameLatin')}</dt>
            <dd>{latinName(person.familyNameIcao, person.givenNameIcao)}</dd>
            <dt>{t('clinic.birthDate')}</dt>
            <dd>{formatDate(person.birthDate)}</dd>
            {person.document && (
              <>
                <dt>{t('link.documentType')}</dt>
                <dd>
                  {t('profile.document', {
                    type: documentTypeName[person.document.type]
                      ? t(documentTypeName[person.document.type] as MessageKey)
                      : person.document.type,
                    number: person.document.number,
                    country: person.document.country,
                  })}
                </dd>
              </>
            )}
            <dt>{t('profile.category')}</dt>
            <dd>
              {t(
                person.residency === 'foreigner'
                  ? 'clinic.residency.foreigner'
                  : 'clinic.residency.resident',
              )}
            </dd>
            <dt>{t('record.region')}</dt>
            <dd>
              {(() => {
                const name = regionName(person.issuerId)
                return name ? t(name) : (region?.name ?? person.issuerId)
              })()}
            </dd>
          </dl>
        </>
      )}
      <Companies />
    </section>
  )
}

/** The companies the person belongs to, each with a switch for sharing their colour and name. */
function Companies() {
  const { t } = useI18n()
  const companies = useApi<{ companies: CompanyMembership[] }>('/api/v1/companies')
  const [confirmation, setConfirmation] = useState<string | undefined>(undefined)
  const [error, setError] = useState<unknown>(undefined)
  const [busy, setBusy] = useState<string | undefined>(undefined)
  // The switch moves at once; it moves back if the server refuses the change.
  const [chosen, setChosen] = useState<Readonly<Record<string, boolean>>>({})
  const employments = (companies.data?.companies ?? []).filter((entry) => entry.role === 'employee')

  const setConsent = async (entry: CompanyMembership, consent: boolean) => {
    const id = entry.company.id
    setChosen((old) => ({ ...old, [id]: consent }))
    setBusy(id)
    setError(undefined)
    setConfirmation(undefined)
    try {
      const answer = await apiRequest<{ consent: boolean }>(
        'PUT',
        `/api/v1/companies/${encodeURIComponent(entry.company.id)}/consent`,
        { consent },
      )
      setConfirmation(
        t(answer.consent ? 'profile.consentGiven' : 'profile.consentWithdrawn', {
          company: entry.company.name,
        }),
      )
      companies.reload()
    } catch (failure) {
      setChosen((old) => {
        const { [id]: _refused, ...rest } = old
        return rest
      })
      setError(failure)
    } finally {
      setBusy(undefined)
    }
  }

  return (
    <>
      <h2>{t('profile.companies')}</h2>
      <ErrorMessage error={companies.error ?? error} />
      {companies.loading && !companies.data && <p role="status">{t('common.loading')}</p>}
      {companies.data && employments.length === 0 && (
        <p>
          {t('profile.noCompanies')} <Link to="notifications">{t('profile.acceptInvitation')}</Link>
        </p>
      )}
      {employments.length > 0 && (
        <ul className="companies">
          {employments.map((entry) => {
            const id = `consent-${entry.company.id}`
            return (
              <li key={entry.company.id}>
                <h3>{entry.company.name}</h3>
                <label className="check" htmlFor={id}>
                  <input
                    id={id}
                    type="checkbox"
                    role="switch"
                    checked={chosen[entry.company.id] ?? entry.consent}
                    disabled={busy === entry.company.id}
                    aria-describedby={`${id}-state`}
                    onChange={(event) => void setConsent(entry, event.target.checked)}
                  />
                  {t('profile.consent', { company: entry.company.name })}
                </label>
                <p id={`${id}-state`} className="muted">
                  {t(
                    (chosen[entry.company.id] ?? entry.consent)
                      ? 'profile.consentOn'
                      : 'profile.consentOff',
                  )}
                </p>
              </li>
            )
          })}
        </ul>
      )}
      {confirmation && (
        <p role="status" className="notice allowed">
          {confirmation}
        </p>
      )}
    </>
  )
}
