import { type FormEvent, useEffect, useState } from 'react'
import { apiRequest } from '../api/api-client'
import type { CommissionRequest, StaffPerson as Person } from '../api/types'
import { useApi } from '../api/use-api'
import { ErrorMessage } from '../components/ErrorMessage'
import { EvidenceDetails } from '../components/EvidenceDetails'
import { useI18n } from '../i18n/LanguageProvider'
import { openDetail, useDetail } from '../router'
import { useSession } from '../session/SessionProvider'
import { personName } from '../components/person-name'

/** Longest waiting first; overdue ones before the rest. */
function byWaiting(a: CommissionRequest, b: CommissionRequest): number {
  if (a.overdue !== b.overdue) return a.overdue ? -1 : 1
  return (b.waitingHours ?? 0) - (a.waitingHours ?? 0)
}

/** An appeal against this member's own decision: another member decides it (the API refuses). */
function decidedByMe(request: CommissionRequest, accountId: string | undefined): boolean {
  return (
    request.status === 'appealed' &&
    accountId !== undefined &&
    request.decision?.decidedBy === accountId
  )
}

/** The names of the people of the requests (`GET /api/v1/people/{id}`), loaded once each. */
function usePeople(ids: readonly string[]): Readonly<Record<string, Person>> {
  const [people, setPeople] = useState<Record<string, Person>>({})
  const key = [...new Set(ids)].sort().join(',')
  useEffect(() => {
    let live = true
    for (const id of key === '' ? [] : key.split(',')) {
      apiRequest<Person>('GET', `/api/v1/people/${encodeURIComponent(id)}`).then(
        (person) => {
          if (live) setPeople((known) => ({ ...known, [id]: person }))
        },
        () => undefined,
      )
    }
    return () => {
      live = false
    }
  }, [key])
  return people
}

/** The medical commission: the queue, one request with its evidence, approve or refuse. */
export function Commission() {
  const { t } = useI18n()
  const accountId = useSession().session?.accountId
  const queue = useApi<{ requests: CommissionRequest[] }>('/api/v1/commission/requests?limit=500')
  // The request open, in the address (`/app/commission/requests/{id}`): Back and reload keep it.
  const openId = useDetail('requests')
  const setOpenId = (id: string | undefined) => openDetail('commission', 'requests', id)
  const [decided, setDecided] = useState<'approved' | 'refused' | undefined>(undefined)
  const requests = [...(queue.data?.requests ?? [])].sort(byWaiting)
  const people = usePeople(requests.map((request) => request.personId))
  const nameOf = (personId: string) => {
    const person = people[personId]
    if (!person) return t('commission.unknownPerson')
    const name = personName(person)
    // The passport (ICAO) spelling too, so staff can read a name in another script.
    const latin = [person.familyNameIcao, person.givenNameIcao].filter(Boolean).join(' ')
    return latin && latin !== name.toUpperCase() ? `${name} (${latin})` : name
  }
  const open = requests.find((request) => request.id === openId)

  if (open) {
    return (
      <RequestView
        request={open}
        name={nameOf(open.personId)}
        person={people[open.personId]}
        ownDecision={decidedByMe(open, accountId)}
        onBack={() => setOpenId(undefined)}
        onDecided={(outcome) => {
          setDecided(outcome)
          setOpenId(undefined)
          queue.reload()
        }}
      />
    )
  }

  return (
    <section aria-labelledby="page-title" className="card">
      <h1 id="page-title" tabIndex={-1}>
        {t('commission.title')}
      </h1>
      {decided && (
        <p role="status" className="notice">
          {t(decided === 'approved' ? 'commission.done.approved' : 'commission.done.refused')}
        </p>
      )}
      <ErrorMessage error={queue.error} />
      {queue.loading && <p role="status">{t('common.loading')}</p>}
      {queue.data && requests.length === 0 && <p>{t('commission.empty')}</p>}
      {requests.length > 0 && (
        <table className="table queue">
          <caption className="visually-hidden">{t('commission.queue')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('commission.person')}</th>
              <th scope="col">{t('commission.kind')}</th>
              <th scope="col">{t('commission.waiting')}</th>
              <th scope="col">{t('commission.status')}</th>
            </tr>
          </thead>
          <tbody>
            {requests.map((request) => (
              <tr key={request.id} className={request.overdue ? 'overdue' : undefined}>
                <td data-label={t('commission.person')}>
                  <button type="button" className="link" onClick={() => setOpenId(request.id)}>
                    {nameOf(request.personId)}
                  </button>
                </td>
                <td data-label={t('commission.kind')}>
                  {t(
                    request.evidence.kind === 'test'
                      ? 'commission.evidence.test'
                      : 'commission.evidence.antibody',
                  )}
                </td>
                <td data-label={t('commission.waiting')}>
                  {t('commission.hours', { hours: request.waitingHours ?? 0 })}
                  {request.overdue && (
                    <strong className="badge red"> {t('commission.overdue')}</strong>
                  )}
                </td>
                <td data-label={t('commission.status')}>
                  {request.status === 'appealed' ? (
                    <>
                      <strong className="badge">{t('commission.status.appeal')}</strong>
                      {decidedByMe(request, accountId) && (
                        <span className="muted"> {t('commission.otherMember')}</span>
                      )}
                    </>
                  ) : (
                    t('commission.status.submitted')
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  )
}

function RequestView({
  request,
  name,
  person,
  ownDecision,
  onBack,
  onDecided,
}: {
  request: CommissionRequest
  name: string
  person: Person | undefined
  /** The member decided this request first: the appeal is another member's to decide. */
  ownDecision: boolean
  onBack: () => void
  onDecided: (outcome: 'approved' | 'refused') => void
}) {
  const { t, formatDate, formatDateTime } = useI18n()
  const [reason, setReason] = useState('')
  const [error, setError] = useState<unknown>(undefined)
  const [busy, setBusy] = useState(false)
  const [missingReason, setMissingReason] = useState(false)
  const decide = async (outcome: 'approved' | 'refused') => {
    if (outcome === 'refused' && reason.trim() === '') {
      setMissingReason(true)
      document.getElementById('decision-reason')?.focus()
      return
    }
    setBusy(true)
    setError(undefined)
    try {
      await apiRequest('POST', `/api/v1/commission/requests/${request.id}/decision`, {
        outcome,
        ...(reason.trim() ? { reason: reason.trim() } : {}),
      })
      onDecided(outcome)
    } catch (failure) {
      setError(failure)
    } finally {
      setBusy(false)
    }
  }
  const submit = (event: FormEvent) => {
    event.preventDefault()
  }
  const appeal = request.status === 'appealed'
  return (
    <section aria-labelledby="page-title" className="card">
      <p>
        <button type="button" className="link" onClick={onBack}>
          {t('commission.back')}
        </button>
      </p>
      <h1 id="page-title" tabIndex={-1}>
        {t(appeal ? 'commission.appealOf' : 'commission.requestOf', { name })}
      </h1>
      <dl className="facts">
        {person && (
          <>
            <dt>{t('clinic.birthDate')}</dt>
            <dd>{formatDate(person.birthDate)}</dd>
          </>
        )}
        <dt>{t('commission.submittedAt')}</dt>
        <dd>{formatDateTime(request.submittedAt)}</dd>
        <dt>{t('commission.waiting')}</dt>
        <dd>
          {t('commission.hours', { hours: request.waitingHours ?? 0 })}
          {request.overdue && <strong className="badge red"> {t('commission.overdue')}</strong>}
        </dd>
        {request.dueBy && (
          <>
            <dt>{t('commission.dueBy')}</dt>
            <dd>{formatDateTime(request.dueBy)}</dd>
          </>
        )}
      </dl>
      {appeal && request.appeal && (
        <div className="notice">
          <h2>{t('commission.appeal')}</h2>
          <p>{request.appeal.reason}</p>
          {request.decision?.reason && (
            <p>{t('commission.firstRefusal', { reason: request.decision.reason })}</p>
          )}
        </div>
      )}
      <h2>{t('commission.evidence')}</h2>
      <EvidenceDetails evidence={request.evidence} />
      <h2>{t('commission.attachments')}</h2>
      {request.attachments.length === 0 ? (
        <p>{t('commission.noAttachments')}</p>
      ) : (
        <ul>
          {request.attachments.map((file) => {
            const address = `/api/v1/commission/requests/${request.id}/attachments/${file.id}`
            return (
              <li key={file.id} className="evidence-file">
                {file.mediaType.startsWith('image/') && (
                  <img
                    className="evidence-image"
                    src={`${address}?disposition=inline`}
                    alt={t('commission.attachmentImage', { name: file.fileName })}
                  />
                )}
                {/* Images open in the browser (sandboxed); a PDF is always downloaded: it may
                    carry scripts, and PDF viewers do not open under a sandbox. */}
                {file.mediaType.startsWith('image/') ? (
                  <a href={`${address}?disposition=inline`} target="_blank" rel="noopener">
                    {file.fileName}
                  </a>
                ) : (
                  <a href={address} download={file.fileName}>
                    {file.fileName}
                  </a>
                )}{' '}
                <span className="muted">({file.mediaType})</span>{' '}
                <a href={address} download={file.fileName}>
                  {t('commission.download')}
                </a>
              </li>
            )
          })}
        </ul>
      )}
      {ownDecision ? (
        <p className="notice" role="status">
          {t('error.appealSameMember')}
        </p>
      ) : (
        <form className="form" onSubmit={submit}>
          <h2>{t('commission.decision')}</h2>
          <label htmlFor="decision-reason">{t('commission.reason')}</label>
          <textarea
            id="decision-reason"
            rows={3}
            maxLength={2000}
            value={reason}
            aria-invalid={missingReason || undefined}
            aria-describedby={missingReason ? 'decision-reason-error' : undefined}
            onChange={(event) => {
              setReason(event.target.value)
              setMissingReason(false)
            }}
          />
          {missingReason && (
            <p id="decision-reason-error" className="field-error">
              {t('commission.reasonRequired')}
            </p>
          )}
          <ErrorMessage error={error} />
          <div className="actions">
            <button
              type="button"
              className="primary"
              disabled={busy}
              onClick={() => void decide('approved')}
            >
              {t('commission.approve')}
            </button>
            <button type="button" disabled={busy} onClick={() => void decide('refused')}>
              {t('commission.refuse')}
            </button>
          </div>
        </form>
      )}
    </section>
  )
}
