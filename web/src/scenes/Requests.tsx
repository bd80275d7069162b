import { type FormEvent, type ReactNode, useRef, useState } from 'react'
import { ApiError, apiRequest } from '../api/api-client'
import type { OwnCommissionRequest } from '../api/types'
import { useApi } from '../api/use-api'
import { useMe } from '../api/use-me'
import { ErrorMessage } from '../components/ErrorMessage'
import { RadioChoice } from '../components/RadioChoice'
import { Link } from '../components/Link'
import { useI18n } from '../i18n/LanguageProvider'
import type { MessageKey } from '../i18n/messages'
import { hrefOf, openDetail, useDetail } from '../router'

type Status = OwnCommissionRequest['status']
type Kind = 'recovery' | 'antibody'

const statusName: Readonly<Record<Status, MessageKey>> = {
  submitted: 'requests.status.submitted',
  approved: 'requests.status.approved',
  refused: 'requests.status.refused',
  appealed: 'requests.status.appealed',
  appeal_approved: 'requests.status.appealApproved',
  appeal_refused: 'requests.status.appealRefused',
}
const statusClass: Readonly<Record<Status, string>> = {
  submitted: 'queued',
  approved: 'allowed',
  refused: 'refused',
  appealed: 'queued',
  appeal_approved: 'allowed',
  appeal_refused: 'refused',
}
const kindName: Readonly<Record<Kind, MessageKey>> = {
  recovery: 'requests.kind.recovery',
  antibody: 'requests.kind.antibody',
}
const kindOf = (request: OwnCommissionRequest): Kind =>
  request.evidence.kind === 'test' ? 'recovery' : 'antibody'

/** Evidence files the API takes (docs: `POST /api/v1/people/{id}/commission-requests`). */
const MAX_FILES = 5
const MAX_FILE_BYTES = 5 * 1024 * 1024
const FILE_TYPES: Readonly<Record<string, string>> = {
  pdf: 'application/pdf',
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
}
const POSITIVE = '260373001'

/** A file's type as the browser says it, else by its name's extension. */
function mediaTypeOf(file: File): string | undefined {
  const declared = file.type.toLowerCase()
  if (Object.values(FILE_TYPES).includes(declared)) return declared
  if (declared !== '' && declared !== 'application/octet-stream') return undefined
  return FILE_TYPES[file.name.split('.').pop()?.toLowerCase() ?? '']
}

/** A file as base64, without the `data:` prefix. */
function readBase64(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader()
    reader.onload = () => resolve(String(reader.result).replace(/^data:[^,]*,/, ''))
    reader.onerror = () => reject(reader.error ?? new Error('read failed'))
    reader.readAsDataURL(file)
  })
}

/** The local time of day as a `datetime-local` input holds it. */
function localDateTime(date: Date): string {
  const shifted = new Date(date.getTime() - date.getTimezoneOffset() * 60_000)
  return shifted.toISOString().slice(0, 16)
}

/** "Requests": the person's requests to the medical commission, a new one, and appeals. */
export function Requests() {
  const { t } = useI18n()
  const me = useMe()
  const personId = me.data?.person?.id
  const list = useApi<{ requests: OwnCommissionRequest[] }>(
    personId ? `/api/v1/people/${encodeURIComponent(personId)}/commission-requests` : undefined,
  )
  const [done, setDone] = useState<MessageKey | undefined>(undefined)
  const changed = (message: MessageKey) => {
    setDone(message)
    list.reload()
  }
  const requests = list.data?.requests ?? []
  // One request open, in the address (`/app/requests/requests/{id}`): shown alone with all it
  // says; Back and reload keep it, and a notification of a decision links to it.
  const openId = useDetail('requests')
  const opened = requests.find((request) => request.id === openId)
  const shown = opened ? [opened] : requests
  const missing = openId !== undefined && list.data !== undefined && opened === undefined
  return (
    <section aria-labelledby="page-title" className="card">
      <h1 id="page-title" tabIndex={-1}>
        {t('requests.title')}
      </h1>
      <p>{t('requests.intro')}</p>
      <ErrorMessage error={me.error ?? list.error} />
      {me.data && !personId && (
        <p>
          <Link to="code">{t('declare.linkFirst')}</Link>
        </p>
      )}
      {done && (
        <p role="status" className="notice allowed">
          {t(done)}
        </p>
      )}
      {(me.loading || list.loading) && <p role="status">{t('common.loading')}</p>}
      {openId === undefined ? (
        <h2>{t('requests.mine')}</h2>
      ) : (
        <p>
          <button
            type="button"
            className="link"
            onClick={() => openDetail('requests', 'requests', undefined)}
          >
            {t('requests.all')}
          </button>
        </p>
      )}
      {missing && (
        <p role="alert" className="notice refused">
          {t('requests.notFound')}
        </p>
      )}
      {list.data && requests.length === 0 && !missing && <p>{t('requests.none')}</p>}
      <ul className="requests">
        {shown.map((request) => (
          <RequestItem
            key={request.id}
            request={request}
            opened={opened !== undefined}
            onAppealed={() => changed('requests.appealed')}
          />
        ))}
      </ul>
      {personId && openId === undefined && (
        <NewRequestForm personId={personId} onFiled={() => changed('requests.filed')} />
      )}
    </section>
  )
}

function RequestItem({
  request,
  opened,
  onAppealed,
}: {
  request: OwnCommissionRequest
  /** Shown alone, at its own address (else one of the list, its title a link there). */
  opened: boolean
  onAppealed: () => void
}) {
  const { t, formatDateTime } = useI18n()
  const waiting = request.status === 'submitted' || request.status === 'appealed'
  const refusal = request.decision?.outcome === 'refused' ? request.decision.reason : undefined
  const appealStatus: MessageKey | undefined = request.appealDecision
    ? request.appealDecision.outcome === 'approved'
      ? 'requests.appeal.approved'
      : 'requests.appeal.refused'
    : request.appeal
      ? 'requests.appeal.waiting'
      : undefined
  const titleId = `request-${request.id}`
  return (
    <li
      className="request"
      aria-labelledby={titleId}
      data-request-id={request.id}
      data-request-status={request.status}
    >
      <h3 id={titleId}>
        {opened ? (
          t(kindName[kindOf(request)])
        ) : (
          <a
            href={hrefOf('requests', { kind: 'requests', id: request.id })}
            onClick={(event) => {
              if (event.metaKey || event.ctrlKey || event.shiftKey || event.button !== 0) return
              event.preventDefault()
              openDetail('requests', 'requests', request.id)
            }}
          >
            {t(kindName[kindOf(request)])}
          </a>
        )}
      </h3>
      <p className={`notice ${statusClass[request.status]}`}>
        <strong>{t(statusName[request.status])}</strong>
      </p>
      <dl className="facts">
        <dt>{t('commission.submittedAt')}</dt>
        <dd>{formatDateTime(request.submittedAt)}</dd>
        {waiting && (
          <>
            <dt>{t('commission.waiting')}</dt>
            <dd>
              {t('commission.hours', { hours: request.waitingHours ?? 0 })}
              {request.overdue && <strong className="badge red"> {t('commission.overdue')}</strong>}
            </dd>
          </>
        )}
        {waiting && request.dueBy && (
          <>
            <dt>{t('commission.dueBy')}</dt>
            <dd>{formatDateTime(request.dueBy)}</dd>
          </>
        )}
        {request.decision && (
          <>
            <dt>{t('requests.decidedAt')}</dt>
            <dd>{formatDateTime(request.decision.decidedAt)}</dd>
          </>
        )}
        {refusal && (
          <>
            <dt>{t('requests.refusalReason')}</dt>
            <dd className="reason">{refusal}</dd>
          </>
        )}
        {appealStatus && (
          <>
            <dt>{t('requests.appeal')}</dt>
            <dd>{t(appealStatus)}</dd>
          </>
        )}
        {request.appeal?.reason && (
          <>
            <dt>{t('requests.appealGrounds')}</dt>
            <dd>{request.appeal.reason}</dd>
          </>
        )}
        {request.appealDecision && (
          <>
            <dt>{t('requests.appealDecidedAt')}</dt>
            <dd>{formatDateTime(request.appealDecision.decidedAt)}</dd>
          </>
        )}
        {request.appealDecision?.outcome === 'refused' && request.appealDecision.reason && (
          <>
            <dt>{t('requests.appealRefusalReason')}</dt>
            <dd className="reason">{request.appealDecision.reason}</dd>
          </>
        )}
        {request.attachments.length > 0 && (
          <>
            <dt>{t('commission.attachments')}</dt>
            <dd>
              <ul>
                {request.attachments.map((file) => (
                  <li key={file.id}>
                    <a
                      href={`/api/v1/commission/requests/${request.id}/attachments/${file.id}`}
                      download={file.fileName}
                    >
                      {file.fileName}
                    </a>
                  </li>
                ))}
              </ul>
            </dd>
          </>
        )}
      </dl>
      {request.status === 'refused' && !request.appeal && (
        <AppealForm requestId={request.id} onAppealed={onAppealed} />
      )}
      {request.status === 'appeal_refused' && <p className="muted">{t('requests.appealedOnce')}</p>}
    </li>
  )
}

/** A refused request is appealed once, with the person's written grounds. */
function AppealForm({ requestId, onAppealed }: { requestId: string; onAppealed: () => void }) {
  const { t } = useI18n()
  const [open, setOpen] = useState(false)
  const [reason, setReason] = useState('')
  const [invalid, setInvalid] = useState(false)
  const [error, setError] = useState<unknown>(undefined)
  const [busy, setBusy] = useState(false)
  const id = `appeal-${requestId}`
  if (!open) {
    return (
      <button type="button" onClick={() => setOpen(true)}>
        {t('requests.appealAction')}
      </button>
    )
  }
  const submit = async (event: FormEvent) => {
    event.preventDefault()
    setError(undefined)
    if (reason.trim().length < 10) {
      setInvalid(true)
      document.getElementById(id)?.focus()
      return
    }
    setBusy(true)
    try {
      await apiRequest(
        'POST',
        `/api/v1/commission/requests/${encodeURIComponent(requestId)}/appeal`,
        {
          reason: reason.trim(),
        },
      )
      onAppealed()
    } catch (failure) {
      if (failure instanceof ApiError && failure.field === 'reason') setInvalid(true)
      else setError(failure)
    } finally {
      setBusy(false)
    }
  }
  return (
    <form className="form" onSubmit={submit} noValidate>
      <label htmlFor={id}>{t('requests.appealReason')}</label>
      <textarea
        id={id}
        rows={4}
        maxLength={2000}
        value={reason}
        aria-invalid={invalid || undefined}
        aria-describedby={invalid ? `${id}-error` : undefined}
        onChange={(event) => {
          setReason(event.target.value)
          setInvalid(false)
        }}
      />
      {invalid && (
        <span id={`${id}-error`} className="field-error">
          {t('requests.error.appealReason')}
        </span>
      )}
      <ErrorMessage error={error} />
      <div className="actions">
        <button type="submit" className="primary" disabled={busy}>
          {t('requests.appealSubmit')}
        </button>
        <button type="button" onClick={() => setOpen(false)}>
          {t('requests.appealCancel')}
        </button>
      </div>
    </form>
  )
}

type EvidenceField =
  'sampledAt' | 'centre' | 'assay' | 'value' | 'unit' | 'threshold' | 'date' | 'country' | 'files'

const inputOf: Readonly<Record<EvidenceField, string>> = {
  sampledAt: 'request-sampled',
  centre: 'request-centre',
  assay: 'request-assay',
  value: 'request-value',
  unit: 'request-unit',
  threshold: 'request-threshold',
  date: 'request-date',
  country: 'request-country',
  files: 'request-files',
}

/** A field error: the text's key and the values it names. */
interface FieldProblem {
  readonly key: MessageKey
  readonly values?: Readonly<Record<string, string | number>>
}

/** What is wrong with the chosen files, if anything. */
function fileProblem(files: readonly File[]): FieldProblem | undefined {
  if (files.length > MAX_FILES)
    return { key: 'requests.error.tooManyFiles', values: { max: MAX_FILES } }
  for (const file of files) {
    if (!mediaTypeOf(file)) return { key: 'requests.error.fileType', values: { name: file.name } }
    if (file.size === 0) return { key: 'requests.error.fileEmpty', values: { name: file.name } }
    if (file.size > MAX_FILE_BYTES) {
      return { key: 'requests.error.fileSize', values: { name: file.name, max: 5 } }
    }
  }
  return undefined
}

function NewRequestForm({ personId, onFiled }: { personId: string; onFiled: () => void }) {
  const { t, formatNumber } = useI18n()
  const [kind, setKind] = useState<Kind>('recovery')
  const [testType, setTestType] = useState('LP6464-4')
  const [sampledAt, setSampledAt] = useState('')
  const [centre, setCentre] = useState('')
  const [assay, setAssay] = useState('')
  const [value, setValue] = useState('')
  const [unit, setUnit] = useState('U/mL')
  const [threshold, setThreshold] = useState('')
  const [date, setDate] = useState('')
  const [country, setCountry] = useState('RU')
  const [files, setFiles] = useState<File[]>([])
  const [errors, setErrors] = useState<Partial<Record<EvidenceField, FieldProblem>>>({})
  const [failure, setFailure] = useState<unknown>(undefined)
  const [busy, setBusy] = useState(false)
  const fileInput = useRef<HTMLInputElement>(null)
  const now = new Date()

  const show = (found: Partial<Record<EvidenceField, FieldProblem>>) => {
    setErrors(found)
    const first = (Object.keys(inputOf) as EvidenceField[]).find((field) => found[field])
    if (first) window.setTimeout(() => document.getElementById(inputOf[first])?.focus())
  }

  const chooseFiles = (chosen: File[]) => {
    setFiles(chosen)
    const problem = fileProblem(chosen)
    setErrors((old) => {
      const { files: _previous, ...rest } = old
      return problem ? { ...rest, files: problem } : rest
    })
  }

  const evidence = () =>
    kind === 'recovery'
      ? {
          kind: 'test',
          data: {
            testType,
            sampledAt: new Date(sampledAt).toISOString(),
            result: POSITIVE,
            centre: centre.trim(),
            country: country.trim().toUpperCase(),
          },
        }
      : {
          kind: 'antibody',
          data: {
            assay: assay.trim(),
            value: Number(value),
            unit: unit.trim(),
            threshold: Number(threshold),
            date,
            country: country.trim().toUpperCase(),
          },
        }

  const submit = async (event: FormEvent) => {
    event.preventDefault()
    setFailure(undefined)
    const found: Partial<Record<EvidenceField, FieldProblem>> = {}
    const required: FieldProblem = { key: 'record.error.required' }
    if (kind === 'recovery') {
      if (!sampledAt || Number.isNaN(Date.parse(sampledAt))) found.sampledAt = required
      if (!centre.trim()) found.centre = required
    } else {
      if (!assay.trim()) found.assay = required
      if (value.trim() === '' || !(Number(value) >= 0)) found.value = required
      if (!unit.trim()) found.unit = required
      if (threshold.trim() === '' || !(Number(threshold) > 0)) found.threshold = required
      if (!date) found.date = required
    }
    if (!/^[A-Za-z]{2}$/.test(country.trim())) found.country = { key: 'record.error.country' }
    const problem = fileProblem(files)
    if (problem) found.files = problem
    if (Object.keys(found).length > 0) {
      show(found)
      return
    }
    setErrors({})
    setBusy(true)
    try {
      const attachments = await Promise.all(
        files.map(async (file) => ({
          fileName: file.name,
          mediaType: mediaTypeOf(file) as string,
          content: await readBase64(file),
        })),
      )
      await apiRequest(
        'POST',
        `/api/v1/people/${encodeURIComponent(personId)}/commission-requests`,
        {
          evidence: evidence(),
          attachments,
        },
      )
      setSampledAt('')
      setCentre('')
      setAssay('')
      setValue('')
      setThreshold('')
      setDate('')
      setFiles([])
      if (fileInput.current) fileInput.current.value = ''
      onFiled()
    } catch (error) {
      const serverProblem = error instanceof ApiError ? fieldOfServerError(error, files) : undefined
      if (serverProblem) show({ [serverProblem.field]: serverProblem.problem })
      else setFailure(error)
    } finally {
      setBusy(false)
    }
  }

  const field = (name: EvidenceField, label: MessageKey, control: ReactNode, hint?: ReactNode) => (
    <>
      <label htmlFor={inputOf[name]}>{t(label)}</label>
      {hint}
      {control}
      {errors[name] && (
        <span id={`${inputOf[name]}-error`} className="field-error">
          {t(errors[name].key, errors[name].values)}
        </span>
      )}
    </>
  )
  const aria = (name: EvidenceField, hint?: string) => ({
    'aria-invalid': errors[name] ? true : undefined,
    'aria-describedby':
      [hint, errors[name] ? `${inputOf[name]}-error` : undefined].filter(Boolean).join(' ') ||
      undefined,
  })

  return (
    <form className="form" onSubmit={submit} noValidate aria-labelledby="new-request-title">
      <h2 id="new-request-title">{t('requests.new')}</h2>
      <p className="muted">{t('requests.newHint')}</p>
      <RadioChoice
        name="request-kind"
        legend={t('requests.kind')}
        value={kind}
        options={[
          { value: 'recovery', label: t('requests.kind.recoveryChoice') },
          { value: 'antibody', label: t('requests.kind.antibodyChoice') },
        ]}
        onChange={(option) => {
          setKind(option)
          setErrors({})
        }}
      />
      {kind === 'recovery' ? (
        <>
          <label htmlFor="request-test-type">{t('clinic.testType')}</label>
          <select
            id="request-test-type"
            value={testType}
            onChange={(event) => setTestType(event.target.value)}
          >
            <option value="LP6464-4">{t('clinic.testType.pcr')}</option>
            <option value="LP217198-3">{t('clinic.testType.antigen')}</option>
          </select>
          {field(
            'sampledAt',
            'clinic.sampledAt',
            <input
              id="request-sampled"
              type="datetime-local"
              max={localDateTime(now)}
              value={sampledAt}
              {...aria('sampledAt')}
              onChange={(event) => setSampledAt(event.target.value)}
            />,
          )}
          {field(
            'centre',
            'clinic.centre',
            <input
              id="request-centre"
              maxLength={80}
              value={centre}
              {...aria('centre')}
              onChange={(event) => setCentre(event.target.value)}
            />,
          )}
        </>
      ) : (
        <>
          {field(
            'assay',
            'commission.assay',
            <input
              id="request-assay"
              maxLength={80}
              value={assay}
              {...aria('assay')}
              onChange={(event) => setAssay(event.target.value)}
            />,
          )}
          {field(
            'value',
            'requests.antibodyValue',
            <input
              id="request-value"
              type="number"
              inputMode="decimal"
              min={0}
              step="any"
              value={value}
              {...aria('value')}
              onChange={(event) => setValue(event.target.value)}
            />,
          )}
          {field(
            'unit',
            'requests.antibodyUnit',
            <input
              id="request-unit"
              maxLength={20}
              value={unit}
              {...aria('unit')}
              onChange={(event) => setUnit(event.target.value)}
            />,
          )}
          {field(
            'threshold',
            'requests.antibodyThreshold',
            <input
              id="request-threshold"
              type="number"
              inputMode="decimal"
              min={0}
              step="any"
              value={threshold}
              {...aria('threshold')}
              onChange={(event) => setThreshold(event.target.value)}
            />,
          )}
          {field(
            'date',
            'clinic.date',
            <input
              id="request-date"
              type="date"
              max={now.toISOString().slice(0, 10)}
              value={date}
              {...aria('date')}
              onChange={(event) => setDate(event.target.value)}
            />,
          )}
        </>
      )}
      {field(
        'country',
        'requests.country',
        <input
          id="request-country"
          maxLength={2}
          autoCapitalize="characters"
          value={country}
          {...aria('country')}
          onChange={(event) => setCountry(event.target.value)}
        />,
      )}
      {field(
        'files',
        'clinic.attachments',
        <input
          id="request-files"
          ref={fileInput}
          type="file"
          multiple
          accept="application/pdf,image/png,image/jpeg,.pdf,.png,.jpg,.jpeg"
          {...aria('files', 'request-files-hint')}
          onChange={(event) => chooseFiles([...(event.target.files ?? [])])}
        />,
        <p id="request-files-hint" className="muted hint">
          {t('requests.filesHint', { max: MAX_FILES, size: 5 })}
        </p>,
      )}
      {files.length > 0 && (
        <ul className="files">
          {files.map((file) => (
            <li key={`${file.name}-${file.size}`}>
              {t('requests.file', {
                name: file.name,
                size: formatNumber(Math.ceil(file.size / 1024)),
              })}
            </li>
          ))}
        </ul>
      )}
      <ErrorMessage error={failure} />
      {Object.keys(errors).length > 0 && (
        <p className="error" role="alert">
          {t('declare.fixErrors')}
        </p>
      )}
      <button type="submit" className="primary" disabled={busy}>
        {t('requests.submit')}
      </button>
    </form>
  )
}

/** The form field a refused filing names, and what to say there. */
function fieldOfServerError(
  error: ApiError,
  files: readonly File[],
): { field: EvidenceField; problem: FieldProblem } | undefined {
  if (error.code === 'ERR_BODY_TOO_LARGE') {
    return { field: 'files', problem: { key: 'requests.error.filesTooLarge' } }
  }
  const name = error.field ?? ''
  const attachment = /^attachments(?:\[(\d+)\])?/.exec(name)
  if (attachment) {
    const file = attachment[1] === undefined ? undefined : files[Number(attachment[1])]
    return {
      field: 'files',
      problem: file
        ? { key: 'requests.error.fileRefused', values: { name: file.name, size: 5 } }
        : { key: 'requests.error.tooManyFiles', values: { max: MAX_FILES } },
    }
  }
  const evidenceField = name.replace(/^evidence\.data\.?/, '')
  if (evidenceField === 'result' || evidenceField === 'sampledAt') {
    return { field: 'sampledAt', problem: { key: 'declare.error.server' } }
  }
  if (evidenceField in inputOf && evidenceField !== 'files') {
    return { field: evidenceField as EvidenceField, problem: { key: 'declare.error.server' } }
  }
  return undefined
}
