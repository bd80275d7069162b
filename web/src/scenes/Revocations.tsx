import { type FormEvent, useState } from 'react'
import { ApiError, apiRequest } from '../api/api-client'
import type {
  Certificate,
  RevocationListDocument,
  StaffCertificate,
  StaffPerson,
} from '../api/types'
import { useApi } from '../api/use-api'
import { ErrorMessage } from '../components/ErrorMessage'
import { RadioChoice } from '../components/RadioChoice'
import { useI18n } from '../i18n/LanguageProvider'
import { kindName, statusName } from './Certificates'
import { openDetail, useDetail } from '../router'
import { personName } from '../components/person-name'

const PAGE = 20

/** Who holds a certificate, as the screens below show it. */
interface Holder {
  readonly familyName: string
  readonly givenName: string
  readonly birthDate: string
}

/** A certificate found, with its holder. */
interface Found {
  readonly certificate: Certificate & Partial<StaffCertificate>
  readonly holder: Holder | undefined
}

/**
 * Administrators and the health authority: find a certificate by its UVCI or its holder, revoke it
 * with a reason, and see what was revoked and the published revocation list.
 */
export function Revocations() {
  const { t } = useI18n()
  // Bumped after a revocation, so every list on the screen asks again.
  const [generation, setGeneration] = useState(0)
  return (
    <section aria-labelledby="page-title" className="card">
      <h1 id="page-title" tabIndex={-1}>
        {t('revocations.title')}
      </h1>
      <p>{t('revocations.intro')}</p>
      <PublishedList generation={generation} />
      <FindCertificate onRevoked={() => setGeneration((g) => g + 1)} />
      <RevokedList key={generation} />
    </section>
  )
}

function PublishedList({ generation }: { generation: number }) {
  const { t, formatDateTime, formatNumber } = useI18n()
  // The list is public and cached by HTTP for 30 s: a new query string after a revocation makes
  // the browser ask the server, which rebuilt it at once.
  const list = useApi<RevocationListDocument>(`/api/v1/revocation-list?seen=${generation}`)
  return (
    <>
      <ErrorMessage error={list.error} />
      {list.data && (
        <p className="notice" data-testid="revocation-list-facts">
          {t('revocations.published', {
            time: formatDateTime(list.data.timestamp),
            count: formatNumber(list.data.entries.length),
          })}
        </p>
      )}
    </>
  )
}

function FindCertificate({ onRevoked }: { onRevoked: () => void }) {
  const { t, formatDate } = useI18n()
  // What was looked up is in the address (`/app/revocations/certificates/{uvci}` or
  // `/app/revocations/people/{id}`): Back and reload keep the search and its results.
  const searched = useDetail('certificates')
  const setSearched = (found: string | undefined) =>
    openDetail('revocations', 'certificates', found)
  const personId = useDetail('people') ?? ''
  const setPersonId = (id: string) => openDetail('revocations', 'people', id || undefined)
  const [mode, setMode] = useState<'uvci' | 'person'>(() => (personId ? 'person' : 'uvci'))
  const [uvci, setUvci] = useState(searched ?? '')
  const [query, setQuery] = useState('')
  const [revoking, setRevoking] = useState<Found | undefined>(undefined)
  const [revoked, setRevoked] = useState<string | undefined>(undefined)
  const people = useApi<{ people: StaffPerson[] }>(
    mode === 'person' ? '/api/v1/people?limit=500' : undefined,
  )
  const byUvci = useApi<{ certificates: StaffCertificate[] }>(
    mode === 'uvci' && searched
      ? `/api/v1/certificates?uvci=${encodeURIComponent(searched)}`
      : undefined,
  )
  const byPerson = useApi<{ certificates: Certificate[] }>(
    mode === 'person' && personId
      ? `/api/v1/people/${encodeURIComponent(personId)}/certificates`
      : undefined,
  )
  const needle = query.trim().toLowerCase()
  const matching = (people.data?.people ?? []).filter(
    (person) =>
      needle === '' ||
      `${person.familyName} ${person.givenName} ${person.familyNameIcao ?? ''} ${person.givenNameIcao ?? ''} ${person.document?.number ?? ''} ${person.birthDate}`
        .toLowerCase()
        .includes(needle),
  )
  const person = people.data?.people.find((p) => p.id === personId)
  // Nothing looked up (the address names no search), nothing found, even if an answer is kept.
  const found: Found[] | undefined =
    mode === 'uvci'
      ? searched === undefined
        ? undefined
        : byUvci.data?.certificates.map((certificate) => ({
            certificate,
            holder: certificate.holder,
          }))
      : personId === ''
        ? undefined
        : byPerson.data?.certificates.map((certificate) => ({ certificate, holder: person }))
  const loading = mode === 'uvci' ? byUvci.loading : byPerson.loading
  const failure = mode === 'uvci' ? byUvci.error : (people.error ?? byPerson.error)

  const findByUvci = (event: FormEvent) => {
    event.preventDefault()
    setRevoked(undefined)
    setRevoking(undefined)
    setSearched(uvci.trim() || undefined)
  }
  return (
    <>
      <h2>{t('revocations.find')}</h2>
      <div className="form">
        <RadioChoice
          name="revocation-find"
          legend={t('revocations.findBy')}
          value={mode}
          options={[
            { value: 'uvci', label: t('revocations.byUvci') },
            { value: 'person', label: t('revocations.byPerson') },
          ]}
          onChange={setMode}
        />
      </div>
      {mode === 'uvci' ? (
        <form className="form" onSubmit={findByUvci} aria-label={t('revocations.byUvci')}>
          <label htmlFor="revocation-uvci">{t('certificates.uvci')}</label>
          <input
            id="revocation-uvci"
            required
            maxLength={100}
            autoComplete="off"
            spellCheck={false}
            placeholder="URN:UVCI:01:RU:…"
            value={uvci}
            onChange={(e) => setUvci(e.target.value)}
          />
          <button type="submit" className="primary">
            {t('revocations.findSubmit')}
          </button>
        </form>
      ) : (
        <div className="form">
          <label htmlFor="revocation-person-search">{t('tracing.search')}</label>
          <input
            id="revocation-person-search"
            type="search"
            value={query}
            onChange={(e) => setQuery(e.target.value)}
          />
          <label htmlFor="revocation-person">{t('tracing.person')}</label>
          <select
            id="revocation-person"
            value={personId}
            onChange={(e) => {
              setRevoked(undefined)
              setRevoking(undefined)
              setPersonId(e.target.value)
            }}
          >
            <option value="">{t('tracing.choosePerson')}</option>
            {matching.map((p) => (
              <option key={p.id} value={p.id}>
                {`${personName(p)} · ${formatDate(p.birthDate)}`}
              </option>
            ))}
          </select>
        </div>
      )}
      <ErrorMessage error={failure} />
      {loading && <p role="status">{t('common.loading')}</p>}
      {revoked && (
        <p role="status" className="notice allowed">
          {t('revocations.done', { uvci: revoked })}
        </p>
      )}
      {found && found.length === 0 && (
        <p>{t(mode === 'uvci' ? 'revocations.noneByUvci' : 'revocations.noneForPerson')}</p>
      )}
      {found && found.length > 0 && (
        <table className="table">
          <caption>{t('revocations.found')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('revocations.kind')}</th>
              <th scope="col">{t('certificates.uvci')}</th>
              <th scope="col">{t('revocations.holder')}</th>
              <th scope="col">{t('certificates.issued')}</th>
              <th scope="col">{t('revocations.status')}</th>
              <th scope="col">{t('trust.actions')}</th>
            </tr>
          </thead>
          <tbody>
            {found.map((item) => (
              <tr key={item.certificate.id} data-certificate-id={item.certificate.id}>
                <td data-label={t('revocations.kind')}>{t(kindName[item.certificate.kind])}</td>
                <td data-label={t('certificates.uvci')} className="mono">
                  {item.certificate.uvci}
                </td>
                <td data-label={t('revocations.holder')}>
                  <HolderName holder={item.holder} />
                </td>
                <td data-label={t('certificates.issued')}>
                  {formatDate(item.certificate.issuedAt)}
                </td>
                <td data-label={t('revocations.status')}>
                  <span className={`status-${item.certificate.status}`}>
                    {t(statusName[item.certificate.status])}
                  </span>
                  {item.certificate.statusReason && (
                    <span className="muted"> · {item.certificate.statusReason}</span>
                  )}
                </td>
                <td data-label={t('trust.actions')}>
                  {item.certificate.status !== 'revoked' && (
                    <button
                      type="button"
                      onClick={() => {
                        setRevoked(undefined)
                        setRevoking(item)
                      }}
                    >
                      {t('revocations.revoke')}
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {revoking && (
        <RevokeForm
          key={revoking.certificate.id}
          found={revoking}
          onCancel={() => setRevoking(undefined)}
          onRevoked={() => {
            setRevoked(revoking.certificate.uvci)
            setRevoking(undefined)
            if (mode === 'uvci') byUvci.reload()
            else byPerson.reload()
            onRevoked()
          }}
        />
      )}
    </>
  )
}

function HolderName({ holder }: { holder: Holder | undefined }) {
  const { formatDate } = useI18n()
  if (!holder) return <>{'—'}</>
  return (
    <>
      {personName(holder)}
      <br />
      <span className="muted">{formatDate(holder.birthDate)}</span>
    </>
  )
}

/** The reason, then a confirmation: a revocation is final. */
function RevokeForm({
  found,
  onCancel,
  onRevoked,
}: {
  found: Found
  onCancel: () => void
  onRevoked: () => void
}) {
  const { t } = useI18n()
  const [reason, setReason] = useState('')
  const [confirming, setConfirming] = useState(false)
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<unknown>(undefined)
  const tooShort = reason.trim().length < 5
  const { certificate, holder } = found
  const ask = (event: FormEvent) => {
    event.preventDefault()
    if (tooShort) return
    setError(undefined)
    setConfirming(true)
  }
  const revoke = async () => {
    setBusy(true)
    setError(undefined)
    try {
      await apiRequest(
        'POST',
        `/api/v1/certificates/${encodeURIComponent(certificate.id)}/revoke`,
        {
          reason: reason.trim(),
        },
      )
      onRevoked()
    } catch (failure) {
      setError(failure)
      setConfirming(false)
      setBusy(false)
    }
  }
  const conflict = error instanceof ApiError && error.code === 'ERR_CERTIFICATE_ALREADY_REVOKED'
  return (
    <form className="form" onSubmit={ask} aria-labelledby="revoke-title">
      <h3 id="revoke-title">{t('revocations.revokeTitle', { uvci: certificate.uvci })}</h3>
      <p>
        {t('revocations.revokeWhat', {
          kind: t(kindName[certificate.kind]),
          holder: holder ? personName(holder) : '—',
        })}
      </p>
      <label htmlFor="revocation-reason">{t('revocations.reason')}</label>
      <textarea
        id="revocation-reason"
        required
        minLength={5}
        maxLength={500}
        rows={3}
        value={reason}
        disabled={confirming}
        aria-describedby="revocation-reason-help"
        onChange={(e) => setReason(e.target.value)}
      />
      <p id="revocation-reason-help" className="muted">
        {t('revocations.reasonHelp')}
      </p>
      {conflict ? (
        <p className="error" role="alert">
          {t('revocations.alreadyRevoked')}
        </p>
      ) : (
        <ErrorMessage error={error} />
      )}
      {confirming ? (
        <div role="alertdialog" aria-labelledby="revoke-confirm" className="notice refused">
          <p id="revoke-confirm">
            <strong>{t('revocations.confirm', { uvci: certificate.uvci })}</strong>
          </p>
          <div className="actions">
            <button
              type="button"
              className="primary"
              disabled={busy}
              // The question appears below the reason: focus goes to it, so it is not missed.
              autoFocus
              onClick={() => void revoke()}
            >
              {t('revocations.confirmYes')}
            </button>
            <button type="button" disabled={busy} onClick={() => setConfirming(false)}>
              {t('revocations.confirmNo')}
            </button>
          </div>
        </div>
      ) : (
        <div className="actions">
          <button type="submit" className="primary" disabled={tooShort}>
            {t('revocations.revokeSubmit')}
          </button>
          <button type="button" onClick={onCancel}>
            {t('revocations.confirmNo')}
          </button>
        </div>
      )}
    </form>
  )
}

function RevokedList() {
  const { t, formatDateTime, formatDate } = useI18n()
  const [offset, setOffset] = useState(0)
  const list = useApi<{ certificates: StaffCertificate[] }>(
    `/api/v1/certificates?status=revoked&limit=${PAGE}&offset=${offset}`,
  )
  const rows = list.data?.certificates ?? []
  return (
    <>
      <h2 id="revoked-title">{t('revocations.revoked')}</h2>
      <ErrorMessage error={list.error} />
      {list.data && rows.length === 0 && offset === 0 && <p>{t('revocations.noneRevoked')}</p>}
      {rows.length > 0 && (
        <table className="table" aria-labelledby="revoked-title">
          <thead>
            <tr>
              <th scope="col">{t('revocations.revokedAt')}</th>
              <th scope="col">{t('revocations.kind')}</th>
              <th scope="col">{t('certificates.uvci')}</th>
              <th scope="col">{t('revocations.holder')}</th>
              <th scope="col">{t('revocations.reason')}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((certificate) => (
              <tr key={certificate.id} data-certificate-id={certificate.id}>
                <td data-label={t('revocations.revokedAt')}>
                  {certificate.statusChangedAt ? formatDateTime(certificate.statusChangedAt) : '—'}
                </td>
                <td data-label={t('revocations.kind')}>{t(kindName[certificate.kind])}</td>
                <td data-label={t('certificates.uvci')} className="mono">
                  {certificate.uvci}
                </td>
                <td data-label={t('revocations.holder')}>
                  {certificate.holder
                    ? `${personName(certificate.holder)} · ${formatDate(certificate.holder.birthDate)}`
                    : '—'}
                </td>
                <td data-label={t('revocations.reason')}>{certificate.statusReason ?? '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {(offset > 0 || rows.length === PAGE) && (
        <div className="actions">
          <button
            type="button"
            disabled={offset === 0}
            onClick={() => setOffset(Math.max(0, offset - PAGE))}
          >
            {t('revocations.newer')}
          </button>
          <button
            type="button"
            disabled={rows.length < PAGE}
            onClick={() => setOffset(offset + PAGE)}
          >
            {t('revocations.older')}
          </button>
        </div>
      )}
    </>
  )
}
