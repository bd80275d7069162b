import { type FormEvent, useState } from 'react'
import { apiRequest } from '../api/api-client'
import type { SigningKey, TrustPartner } from '../api/types'
import { useApi } from '../api/use-api'
import { ErrorMessage } from '../components/ErrorMessage'
import { useI18n } from '../i18n/LanguageProvider'

/** An administrator: trust partners and their lists, and our signing keys. */
export function Trust() {
  const { t } = useI18n()
  return (
    <section aria-labelledby="page-title" className="card">
      <h1 id="page-title" tabIndex={-1}>
        {t('trust.title')}
      </h1>
      <Partners />
      <Keys />
    </section>
  )
}

function Partners() {
  const { t, formatDateTime, formatNumber } = useI18n()
  const partners = useApi<{ partners: TrustPartner[] }>('/api/v1/trust-partners')
  const [importing, setImporting] = useState<string | undefined>(undefined)
  return (
    <>
      <h2>{t('trust.partners')}</h2>
      <ErrorMessage error={partners.error} />
      {partners.data && partners.data.partners.length === 0 && <p>{t('trust.noPartners')}</p>}
      {partners.data && partners.data.partners.length > 0 && (
        <table className="table">
          <thead>
            <tr>
              <th scope="col">{t('trust.partnerName')}</th>
              <th scope="col">{t('trust.importedAt')}</th>
              <th scope="col">{t('trust.signers')}</th>
              <th scope="col">{t('trust.actions')}</th>
            </tr>
          </thead>
          <tbody>
            {partners.data.partners.map((partner) => (
              <tr key={partner.id}>
                <td>
                  {partner.name}
                  {partner.problem && <span className="badge red">{partner.problem}</span>}
                </td>
                <td>{partner.importedAt ? formatDateTime(partner.importedAt) : '—'}</td>
                <td>{partner.signers === undefined ? '—' : formatNumber(partner.signers)}</td>
                <td>
                  <button type="button" className="link" onClick={() => setImporting(partner.id)}>
                    {t('trust.import')}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {importing && (
        <ImportList
          partner={partners.data?.partners.find((p) => p.id === importing)}
          onDone={() => {
            setImporting(undefined)
            partners.reload()
          }}
        />
      )}
      <NewPartner onCreated={partners.reload} />
    </>
  )
}

function ImportList({
  partner,
  onDone,
}: {
  partner: TrustPartner | undefined
  onDone: () => void
}) {
  const { t } = useI18n()
  const [text, setText] = useState('')
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<unknown>(undefined)
  const [invalid, setInvalid] = useState(false)
  if (!partner) return null
  const submit = async (event: FormEvent) => {
    event.preventDefault()
    setError(undefined)
    setInvalid(false)
    let body: { trustList?: unknown } = {}
    if (text.trim() !== '') {
      try {
        body = { trustList: JSON.parse(text) as unknown }
      } catch {
        setInvalid(true)
        return
      }
    }
    setBusy(true)
    try {
      await apiRequest(
        'POST',
        `/api/v1/trust-partners/${encodeURIComponent(partner.id)}/import`,
        body,
      )
      onDone()
    } catch (failure) {
      setError(failure)
    } finally {
      setBusy(false)
    }
  }
  return (
    <form className="form" onSubmit={submit} aria-labelledby="trust-import-title">
      <h3 id="trust-import-title">{t('trust.importOf', { name: partner.name })}</h3>
      <label htmlFor="trust-list">{t('trust.listJson')}</label>
      <textarea id="trust-list" rows={6} value={text} onChange={(e) => setText(e.target.value)} />
      {invalid && (
        <p className="error" role="alert">
          {t('trust.notJson')}
        </p>
      )}
      <ErrorMessage error={error} />
      <button type="submit" className="primary" disabled={busy}>
        {t('trust.importSubmit')}
      </button>
    </form>
  )
}

function NewPartner({ onCreated }: { onCreated: () => void }) {
  const { t } = useI18n()
  const [name, setName] = useState('')
  const [certificate, setCertificate] = useState('')
  const [sourceUrl, setSourceUrl] = useState('')
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<unknown>(undefined)
  const submit = async (event: FormEvent) => {
    event.preventDefault()
    setBusy(true)
    setError(undefined)
    try {
      await apiRequest('POST', '/api/v1/trust-partners', {
        name: name.trim(),
        signingCertificate: certificate.trim(),
        ...(sourceUrl.trim() ? { sourceUrl: sourceUrl.trim() } : {}),
      })
      setName('')
      setCertificate('')
      setSourceUrl('')
      onCreated()
    } catch (failure) {
      setError(failure)
    } finally {
      setBusy(false)
    }
  }
  return (
    <form className="form" onSubmit={submit} aria-labelledby="trust-new-title">
      <h3 id="trust-new-title">{t('trust.addPartner')}</h3>
      <label htmlFor="partner-name">{t('trust.partnerName')}</label>
      <input
        id="partner-name"
        required
        maxLength={200}
        value={name}
        onChange={(e) => setName(e.target.value)}
      />
      <label htmlFor="partner-certificate">{t('trust.certificate')}</label>
      <textarea
        id="partner-certificate"
        required
        rows={6}
        placeholder="-----BEGIN CERTIFICATE-----"
        value={certificate}
        onChange={(e) => setCertificate(e.target.value)}
      />
      <label htmlFor="partner-url">{t('trust.sourceUrl')}</label>
      <input
        id="partner-url"
        type="url"
        value={sourceUrl}
        onChange={(e) => setSourceUrl(e.target.value)}
      />
      <ErrorMessage error={error} />
      <button type="submit" className="primary" disabled={busy}>
        {t('trust.addPartnerSubmit')}
      </button>
    </form>
  )
}

function Keys() {
  const { t, formatDate } = useI18n()
  const keys = useApi<{ keys: SigningKey[] }>('/api/v1/keys')
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<unknown>(undefined)
  const [rotated, setRotated] = useState<string | undefined>(undefined)
  const rotate = async (issuerId: string) => {
    setBusy(true)
    setError(undefined)
    setRotated(undefined)
    try {
      await apiRequest('POST', '/api/v1/keys/rotate', { issuerId })
      setRotated(issuerId)
      keys.reload()
    } catch (failure) {
      setError(failure)
    } finally {
      setBusy(false)
    }
  }
  return (
    <>
      <h2>{t('trust.keys')}</h2>
      <ErrorMessage error={keys.error} />
      <ErrorMessage error={error} />
      {rotated && (
        <p role="status" className="notice allowed">
          {t('trust.rotated', { issuer: rotated })}
        </p>
      )}
      {keys.data && (
        <table className="table">
          <thead>
            <tr>
              <th scope="col">{t('trust.purpose')}</th>
              <th scope="col">{t('trust.issuer')}</th>
              <th scope="col">{t('trust.kid')}</th>
              <th scope="col">{t('trust.status')}</th>
              <th scope="col">{t('trust.validUntil')}</th>
              <th scope="col">{t('trust.actions')}</th>
            </tr>
          </thead>
          <tbody>
            {keys.data.keys.map((key) => (
              <tr key={key.id}>
                <td>{t(key.purpose === 'csca' ? 'trust.purpose.csca' : 'trust.purpose.dsc')}</td>
                <td className="mono">{key.issuerId ?? '—'}</td>
                <td className="mono">{key.kid ?? '—'}</td>
                <td>
                  {t(key.status === 'active' ? 'trust.status.active' : 'trust.status.retired')}
                </td>
                <td>{formatDate(key.notAfter)}</td>
                <td>
                  {key.purpose === 'document-signer' && key.status === 'active' && key.issuerId && (
                    <button
                      type="button"
                      disabled={busy}
                      onClick={() => void rotate(key.issuerId ?? '')}
                    >
                      {t('trust.rotate')}
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  )
}
