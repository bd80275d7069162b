import { type FormEvent, type ReactNode, useState } from 'react'
import { apiRequest } from '../api/api-client'
import type { Certificate, StaffPerson } from '../api/types'
import { useApi } from '../api/use-api'
import { useLatinNameProposal } from '../api/use-latin-name'
import { ErrorMessage } from '../components/ErrorMessage'
import { useI18n } from '../i18n/LanguageProvider'
import type { MessageKey } from '../i18n/messages'
import { CertificateStatusNotice } from '../components/CertificateStatusNotice'
import { kindName, statusName } from './Certificates'
import { openDetail, useDetail } from '../router'
import { personName } from '../components/person-name'
import { vaccineManufacturerName, vaccineProductName } from '../components/value-set-names'

const today = () => new Date().toISOString().slice(0, 10)

/** A Latin name as the DCC carries it (ICAO 9303): upper case, punctuation dropped, `<` between parts. */
const icaoForm = (text: string) =>
  text
    .trim()
    .toUpperCase()
    .replace(/['’.]/g, '')
    .replace(/[\s,-]+/g, '<')

/** Runs a form's request: busy, error and a done message. */
function useSubmit() {
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<unknown>(undefined)
  const [done, setDone] = useState<MessageKey | undefined>(undefined)
  const run = async (work: () => Promise<void>, doneKey: MessageKey) => {
    setBusy(true)
    setError(undefined)
    setDone(undefined)
    try {
      await work()
      setDone(doneKey)
    } catch (failure) {
      setError(failure)
    } finally {
      setBusy(false)
    }
  }
  return { busy, error, done, run }
}

function Field({ id, label, children }: { id: string; label: MessageKey; children: ReactNode }) {
  const { t } = useI18n()
  return (
    <>
      <label htmlFor={id}>{t(label)}</label>
      {children}
    </>
  )
}

function Outcome({ error, done }: { error: unknown; done: MessageKey | undefined }) {
  const { t } = useI18n()
  return (
    <>
      <ErrorMessage error={error} />
      {done && (
        <p role="status" className="notice allowed">
          {t(done)}
        </p>
      )}
    </>
  )
}

/** The clinic: find or register people, enter records, file commission requests, print. */
export function Clinic() {
  const { t, formatDate } = useI18n()
  const people = useApi<{ people: StaffPerson[] }>('/api/v1/people?limit=500')
  const [query, setQuery] = useState('')
  // The person open, in the address (`/app/clinic/people/{id}`): Back and reload keep it.
  const selectedId = useDetail('people')
  const setSelectedId = (id: string | undefined) => openDetail('clinic', 'people', id)
  const [registering, setRegistering] = useState(false)
  // The registration slip's claim code: the API shows it once, right after registering.
  const [slip, setSlip] = useState<{ personId: string; claimCode: string } | undefined>(undefined)
  const needle = query.trim().toLowerCase()
  const found = (people.data?.people ?? []).filter(
    (person) =>
      needle === '' ||
      `${person.familyName} ${person.givenName} ${person.document?.number ?? ''} ${person.birthDate}`
        .toLowerCase()
        .includes(needle),
  )
  const selected = people.data?.people.find((person) => person.id === selectedId)

  if (selected) {
    return (
      <PersonPanel
        person={selected}
        slipCode={slip?.personId === selected.id ? slip.claimCode : undefined}
        onBack={() => setSelectedId(undefined)}
        onChanged={people.reload}
      />
    )
  }
  return (
    <section aria-labelledby="page-title" className="card">
      <h1 id="page-title" tabIndex={-1}>
        {t('clinic.title')}
      </h1>
      <div className="form">
        <label htmlFor="clinic-search">{t('clinic.search')}</label>
        <input
          id="clinic-search"
          type="search"
          value={query}
          onChange={(event) => setQuery(event.target.value)}
        />
      </div>
      <ErrorMessage error={people.error} />
      {people.loading && <p role="status">{t('common.loading')}</p>}
      {people.data && found.length === 0 && <p>{t('clinic.noPeople')}</p>}
      <ul className="people">
        {found.map((person) => (
          <li key={person.id}>
            <button type="button" className="link" onClick={() => setSelectedId(person.id)}>
              {personName(person)}
            </button>{' '}
            <span className="muted">
              {formatDate(person.birthDate)}
              {person.document ? ` · ${person.document.number}` : ''}
            </span>
          </li>
        ))}
      </ul>
      {registering ? (
        <RegisterForm
          onRegistered={(person) => {
            setRegistering(false)
            if (person.claimCode) setSlip({ personId: person.id, claimCode: person.claimCode })
            people.reload()
            setSelectedId(person.id)
          }}
        />
      ) : (
        <button type="button" onClick={() => setRegistering(true)}>
          {t('clinic.register')}
        </button>
      )}
    </section>
  )
}

function RegisterForm({
  onRegistered,
}: {
  onRegistered: (person: StaffPerson & { claimCode?: string }) => void
}) {
  const { t } = useI18n()
  const [familyName, setFamilyName] = useState('')
  const [givenName, setGivenName] = useState('')
  const [familyLatin, setFamilyLatin] = useState('')
  const [givenLatin, setGivenLatin] = useState('')
  const [birthDate, setBirthDate] = useState('')
  const [residency, setResidency] = useState('resident')
  const [docType, setDocType] = useState('national-id')
  const [docNumber, setDocNumber] = useState('')
  const [country, setCountry] = useState('RU')
  const { busy, error, done, run } = useSubmit()
  useLatinNameProposal(
    familyName,
    givenName,
    { family: familyLatin, given: givenLatin },
    { family: setFamilyLatin, given: setGivenLatin },
  )
  const submit = (event: FormEvent) => {
    event.preventDefault()
    void run(async () => {
      const person = await apiRequest<StaffPerson & { claimCode?: string }>(
        'POST',
        '/api/v1/people',
        {
          familyName: familyName.trim(),
          givenName: givenName.trim(),
          ...(familyLatin.trim() ? { familyNameIcao: icaoForm(familyLatin) } : {}),
          ...(givenLatin.trim() ? { givenNameIcao: icaoForm(givenLatin) } : {}),
          birthDate,
          residency,
          document: { type: docType, number: docNumber.trim(), country: country.toUpperCase() },
        },
      )
      onRegistered(person)
    }, 'clinic.registered')
  }
  return (
    <form className="form" onSubmit={submit} aria-labelledby="register-title">
      <h2 id="register-title">{t('clinic.register')}</h2>
      <Field id="reg-family" label="clinic.familyName">
        <input
          id="reg-family"
          required
          value={familyName}
          onChange={(e) => setFamilyName(e.target.value)}
        />
      </Field>
      <Field id="reg-given" label="clinic.givenName">
        <input
          id="reg-given"
          required
          value={givenName}
          onChange={(e) => setGivenName(e.target.value)}
        />
      </Field>
      <p id="reg-latin-hint" className="muted hint">
        {t('clinic.latinHint')}
      </p>
      <Field id="reg-family-latin" label="record.familyNameLatin">
        <input
          id="reg-family-latin"
          autoCapitalize="characters"
          maxLength={80}
          aria-describedby="reg-latin-hint"
          value={familyLatin}
          onChange={(e) => setFamilyLatin(e.target.value)}
        />
      </Field>
      <Field id="reg-given-latin" label="record.givenNameLatin">
        <input
          id="reg-given-latin"
          autoCapitalize="characters"
          maxLength={80}
          aria-describedby="reg-latin-hint"
          value={givenLatin}
          onChange={(e) => setGivenLatin(e.target.value)}
        />
      </Field>
      <Field id="reg-birth" label="clinic.birthDate">
        <input
          id="reg-birth"
          type="date"
          required
          value={birthDate}
          onChange={(e) => setBirthDate(e.target.value)}
        />
      </Field>
      <Field id="reg-residency" label="clinic.residency">
        <select id="reg-residency" value={residency} onChange={(e) => setResidency(e.target.value)}>
          <option value="resident">{t('clinic.residency.resident')}</option>
          <option value="foreigner">{t('clinic.residency.foreigner')}</option>
        </select>
      </Field>
      <Field id="reg-doc-type" label="link.documentType">
        <select id="reg-doc-type" value={docType} onChange={(e) => setDocType(e.target.value)}>
          <option value="national-id">{t('link.documentType.nationalId')}</option>
          <option value="passport">{t('link.documentType.passport')}</option>
        </select>
      </Field>
      <Field id="reg-doc-number" label="link.documentNumber">
        <input
          id="reg-doc-number"
          required
          maxLength={40}
          value={docNumber}
          onChange={(e) => setDocNumber(e.target.value)}
        />
      </Field>
      <Field id="reg-country" label="link.country">
        <input
          id="reg-country"
          required
          maxLength={2}
          pattern="[A-Za-z]{2}"
          value={country}
          onChange={(e) => setCountry(e.target.value)}
        />
      </Field>
      <Outcome error={error} done={done} />
      <button type="submit" className="primary" disabled={busy}>
        {t('clinic.registerSubmit')}
      </button>
    </form>
  )
}

/**
 * The claim code of a record no account holds yet: the registration slip's, right after
 * registering, and a button to issue a new one (the old one stops working).
 */
function ClaimCodePanel({ personId, slipCode }: { personId: string; slipCode?: string }) {
  const { t } = useI18n()
  const [issued, setIssued] = useState<string | undefined>(undefined)
  const { busy, error, done, run } = useSubmit()
  const code = issued ?? slipCode
  const issue = () =>
    void run(async () => {
      const answer = await apiRequest<{ claimCode: string }>(
        'POST',
        `/api/v1/people/${personId}/claim-code`,
      )
      setIssued(answer.claimCode)
    }, 'clinic.claimCode.issued')
  return (
    <div className="form">
      <h2 id="claim-code-title">{t('clinic.claimCode')}</h2>
      {code && (
        <>
          <p className="claim-code">
            <strong>{code}</strong>
          </p>
          <p className="muted">{t('clinic.claimCode.hint')}</p>
        </>
      )}
      <ErrorMessage error={error} />
      {done && <p role="status">{t(done)}</p>}
      <button type="button" onClick={issue} disabled={busy}>
        {t('clinic.claimCode.issue')}
      </button>
    </div>
  )
}

function PersonPanel({
  person,
  slipCode,
  onBack,
  onChanged,
}: {
  person: StaffPerson
  slipCode?: string | undefined
  onBack: () => void
  onChanged: () => void
}) {
  const { t, formatDate } = useI18n()
  const certificates = useApi<{ certificates: Certificate[] }>(
    `/api/v1/people/${person.id}/certificates`,
  )
  return (
    <section aria-labelledby="page-title" className="card">
      <p>
        <button type="button" className="link" onClick={onBack}>
          {t('clinic.back')}
        </button>
      </p>
      <h1 id="page-title" tabIndex={-1}>
        {personName(person)}
      </h1>
      <p className="muted">
        {formatDate(person.birthDate)}
        {person.document ? ` · ${person.document.number} (${person.document.country})` : ''}
      </p>
      <EditPerson person={person} onChanged={onChanged} />
      {person.hasAccount === false && <ClaimCodePanel personId={person.id} slipCode={slipCode} />}
      <VaccinationForm personId={person.id} onRecorded={certificates.reload} />
      <TestForm personId={person.id} onRecorded={certificates.reload} />
      <CommissionForm personId={person.id} />
      <h2>{t('clinic.certificates')}</h2>
      <ErrorMessage error={certificates.error} />
      {certificates.data && certificates.data.certificates.length === 0 && (
        <p>{t('certificates.none')}</p>
      )}
      <ul className="people">
        {certificates.data?.certificates.map((certificate) => (
          <li key={certificate.id} className={`certificate-${certificate.status}`}>
            {t(kindName[certificate.kind])} ·{' '}
            <span className={certificate.status === 'valid' ? undefined : 'badge red'}>
              {t(statusName[certificate.status])}
            </span>{' '}
            · {formatDate(certificate.issuedAt)}{' '}
            <a href={`/api/v1/certificates/${certificate.id}/pdf`} target="_blank" rel="noreferrer">
              {t('clinic.print')}
            </a>
            <CertificateStatusNotice certificate={certificate} />
          </li>
        ))}
      </ul>
    </section>
  )
}

function VaccinationForm({ personId, onRecorded }: { personId: string; onRecorded: () => void }) {
  const { t } = useI18n()
  const [product, setProduct] = useState('EU/1/20/1528')
  const [doseNumber, setDoseNumber] = useState('1')
  const [totalDoses, setTotalDoses] = useState('2')
  const [date, setDate] = useState(today)
  const { busy, error, done, run } = useSubmit()
  const products: Readonly<Record<string, { vaccine: string; manufacturer: string }>> = {
    'EU/1/20/1528': { vaccine: '1119349007', manufacturer: 'ORG-100030215' },
    'EU/1/20/1507': { vaccine: '1119349007', manufacturer: 'ORG-100031184' },
    'Sputnik-V': { vaccine: '1119305005', manufacturer: 'ORG-100007893' },
  }
  const submit = (event: FormEvent) => {
    event.preventDefault()
    const chosen = products[product] ?? { vaccine: '1119349007', manufacturer: 'ORG-100030215' }
    void run(async () => {
      await apiRequest('POST', `/api/v1/people/${personId}/vaccinations`, {
        vaccine: chosen.vaccine,
        product,
        manufacturer: chosen.manufacturer,
        doseNumber: Number(doseNumber),
        totalDoses: Number(totalDoses),
        date,
        country: 'RU',
      })
      onRecorded()
    }, 'clinic.recorded')
  }
  return (
    <form className="form" onSubmit={submit} aria-labelledby="vaccination-title">
      <h2 id="vaccination-title">{t('clinic.vaccination')}</h2>
      <Field id="vac-product" label="clinic.product">
        <select id="vac-product" value={product} onChange={(e) => setProduct(e.target.value)}>
          {Object.keys(products).map((code) => (
            <option key={code} value={code}>
              {`${vaccineProductName(code)} · ${vaccineManufacturerName(products[code]?.manufacturer ?? '')}`}
            </option>
          ))}
        </select>
      </Field>
      <Field id="vac-dose" label="clinic.doseNumber">
        <input
          id="vac-dose"
          type="number"
          min={1}
          max={9}
          required
          value={doseNumber}
          onChange={(e) => setDoseNumber(e.target.value)}
        />
      </Field>
      <Field id="vac-total" label="clinic.totalDoses">
        <input
          id="vac-total"
          type="number"
          min={1}
          max={9}
          required
          value={totalDoses}
          onChange={(e) => setTotalDoses(e.target.value)}
        />
      </Field>
      <Field id="vac-date" label="clinic.date">
        <input
          id="vac-date"
          type="date"
          required
          value={date}
          onChange={(e) => setDate(e.target.value)}
        />
      </Field>
      <Outcome error={error} done={done} />
      <button type="submit" className="primary" disabled={busy}>
        {t('clinic.recordVaccination')}
      </button>
    </form>
  )
}

/** Test fields shared by a test record and a commission request's evidence. */
function useTestFields(initialResult: string) {
  const { t } = useI18n()
  const [testType, setTestType] = useState('LP6464-4')
  const [result, setResult] = useState(initialResult)
  const [sampledAt, setSampledAt] = useState(() => new Date().toISOString().slice(0, 16))
  const [centre, setCentre] = useState('')
  const data = () => ({
    testType,
    sampledAt: new Date(sampledAt).toISOString(),
    result,
    centre: centre.trim(),
    country: 'RU',
  })
  const fields = (prefix: string) => (
    <>
      <Field id={`${prefix}-type`} label="clinic.testType">
        <select
          id={`${prefix}-type`}
          value={testType}
          onChange={(e) => setTestType(e.target.value)}
        >
          <option value="LP6464-4">{t('clinic.testType.pcr')}</option>
          <option value="LP217198-3">{t('clinic.testType.antigen')}</option>
        </select>
      </Field>
      <Field id={`${prefix}-sampled`} label="clinic.sampledAt">
        <input
          id={`${prefix}-sampled`}
          type="datetime-local"
          required
          value={sampledAt}
          onChange={(e) => setSampledAt(e.target.value)}
        />
      </Field>
      <Field id={`${prefix}-result`} label="clinic.result">
        <select id={`${prefix}-result`} value={result} onChange={(e) => setResult(e.target.value)}>
          <option value="260415000">{t('clinic.result.negative')}</option>
          <option value="260373001">{t('clinic.result.positive')}</option>
        </select>
      </Field>
      <Field id={`${prefix}-centre`} label="clinic.centre">
        <input
          id={`${prefix}-centre`}
          required
          maxLength={80}
          value={centre}
          onChange={(e) => setCentre(e.target.value)}
        />
      </Field>
    </>
  )
  return { data, fields }
}

function TestForm({ personId, onRecorded }: { personId: string; onRecorded: () => void }) {
  const { t } = useI18n()
  const test = useTestFields('260415000')
  const { busy, error, done, run } = useSubmit()
  const submit = (event: FormEvent) => {
    event.preventDefault()
    void run(async () => {
      await apiRequest('POST', `/api/v1/people/${personId}/tests`, test.data())
      onRecorded()
    }, 'clinic.recorded')
  }
  return (
    <form className="form" onSubmit={submit} aria-labelledby="test-title">
      <h2 id="test-title">{t('clinic.test')}</h2>
      {test.fields('test')}
      <Outcome error={error} done={done} />
      <button type="submit" className="primary" disabled={busy}>
        {t('clinic.recordTest')}
      </button>
    </form>
  )
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

function CommissionForm({ personId }: { personId: string }) {
  const { t } = useI18n()
  const test = useTestFields('260373001')
  const [files, setFiles] = useState<File[]>([])
  const { busy, error, done, run } = useSubmit()
  const submit = (event: FormEvent) => {
    event.preventDefault()
    void run(async () => {
      const attachments = await Promise.all(
        files.map(async (file) => ({
          fileName: file.name,
          mediaType: file.type || 'application/octet-stream',
          content: await readBase64(file),
        })),
      )
      await apiRequest('POST', `/api/v1/people/${personId}/commission-requests`, {
        evidence: { kind: 'test', data: test.data() },
        attachments,
      })
    }, 'clinic.requestFiled')
  }
  return (
    <form className="form" onSubmit={submit} aria-labelledby="request-title">
      <h2 id="request-title">{t('clinic.recoveryRequest')}</h2>
      <p className="muted">{t('clinic.recoveryRequestHint')}</p>
      {test.fields('evidence')}
      <Field id="evidence-files" label="clinic.attachments">
        <input
          id="evidence-files"
          type="file"
          multiple
          accept="application/pdf,image/png,image/jpeg"
          onChange={(e) => setFiles([...(e.target.files ?? [])])}
        />
      </Field>
      <Outcome error={error} done={done} />
      <button type="submit" className="primary" disabled={busy}>
        {t('clinic.fileRequest')}
      </button>
    </form>
  )
}

/** Corrects a person's name or birth date (`PATCH /api/v1/people/{id}`), with the reason for the audit log. */
function EditPerson({ person, onChanged }: { person: StaffPerson; onChanged: () => void }) {
  const { t } = useI18n()
  const [open, setOpen] = useState(false)
  const [familyName, setFamilyName] = useState(person.familyName)
  const [givenName, setGivenName] = useState(person.givenName)
  const [familyNameIcao, setFamilyNameIcao] = useState(person.familyNameIcao ?? '')
  const [givenNameIcao, setGivenNameIcao] = useState(person.givenNameIcao ?? '')
  const [birthDate, setBirthDate] = useState(person.birthDate)
  const [reason, setReason] = useState('')
  const { busy, error, done, run } = useSubmit()
  if (!open) {
    return (
      <>
        {done && (
          <p role="status" className="notice allowed">
            {t(done)}
          </p>
        )}
        <p>
          <button type="button" onClick={() => setOpen(true)}>
            {t('clinic.edit')}
          </button>
        </p>
      </>
    )
  }
  const submit = (event: FormEvent) => {
    event.preventDefault()
    const changes: Record<string, string> = {}
    const changed = (name: string, value: string, before: string | undefined) => {
      if (value.trim() !== (before ?? '')) changes[name] = value.trim()
    }
    changed('familyName', familyName, person.familyName)
    changed('givenName', givenName, person.givenName)
    changed('familyNameIcao', icaoForm(familyNameIcao), person.familyNameIcao)
    changed('givenNameIcao', icaoForm(givenNameIcao), person.givenNameIcao)
    changed('birthDate', birthDate, person.birthDate)
    if (Object.keys(changes).length === 0) {
      setOpen(false)
      return
    }
    void run(async () => {
      await apiRequest('PATCH', `/api/v1/people/${encodeURIComponent(person.id)}`, {
        ...changes,
        reason: reason.trim(),
      })
      setOpen(false)
      onChanged()
    }, 'clinic.edited')
  }
  return (
    <form className="form" onSubmit={submit} aria-labelledby="edit-person-title">
      <h2 id="edit-person-title">{t('clinic.edit')}</h2>
      <Field id="edit-family" label="clinic.familyName">
        <input
          id="edit-family"
          required
          maxLength={80}
          value={familyName}
          onChange={(e) => setFamilyName(e.target.value)}
        />
      </Field>
      <Field id="edit-given" label="clinic.givenName">
        <input
          id="edit-given"
          required
          maxLength={80}
          value={givenName}
          onChange={(e) => setGivenName(e.target.value)}
        />
      </Field>
      <Field id="edit-family-latin" label="record.familyNameLatin">
        <input
          id="edit-family-latin"
          maxLength={80}
          value={familyNameIcao}
          onChange={(e) => setFamilyNameIcao(e.target.value)}
        />
      </Field>
      <Field id="edit-given-latin" label="record.givenNameLatin">
        <input
          id="edit-given-latin"
          maxLength={80}
          value={givenNameIcao}
          onChange={(e) => setGivenNameIcao(e.target.value)}
        />
      </Field>
      <Field id="edit-birth" label="clinic.birthDate">
        <input
          id="edit-birth"
          type="date"
          required
          value={birthDate}
          onChange={(e) => setBirthDate(e.target.value)}
        />
      </Field>
      <Field id="edit-reason" label="clinic.editReason">
        <input
          id="edit-reason"
          required
          minLength={3}
          maxLength={500}
          value={reason}
          onChange={(e) => setReason(e.target.value)}
        />
      </Field>
      <Outcome error={error} done={undefined} />
      <div className="actions">
        <button type="submit" className="primary" disabled={busy}>
          {t('clinic.editSave')}
        </button>
        <button type="button" onClick={() => setOpen(false)}>
          {t('common.cancel')}
        </button>
      </div>
    </form>
  )
}
