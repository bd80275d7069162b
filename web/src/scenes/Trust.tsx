import { type FormEvent, useState } from 'react'
import { ApiError, apiRequest } from '../api/api-client'
import { useAction } from '../api/use-action'
import type { SigningKey, TrustPartner } from '../api/types'
import { useApi } from '../api/use-api'
import { ConfirmDialog } from '../components/ConfirmDialog'
import { ErrorMessage } from '../components/ErrorMessage'
import { useI18n } from '../i18n/LanguageProvider'
import type { MessageKey } from '../i18n/messages'

/** Why an import was refused, by the API's code (docs/errors.md); the API's message adds where. */
const importProblem: Readonly<Record<string, MessageKey>> = {
  ERR_TRUST_LIST_FORMAT: 'trust.error.format',
  ERR_TRUST_LIST_SIGNATURE: 'trust.error.signature',
  ERR_TRUST_LIST_CHAIN: 'trust.error.chain',
  ERR_TRUST_LIST_THUMBPRINT: 'trust.error.thumbprint',
  ERR_TRUST_LIST_KID: 'trust.error.kid',
  ERR_TRUST_LIST_SIGNER: 'trust.error.signer',
  ERR_TRUST_LIST_FETCH: 'trust.error.fetch',
}

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
  const [lastImport, setLastImport] = useState<{ name: string; signers: number } | undefined>(
    undefined,
  )
  if (partners.error instanceof ApiError && partners.error.code === 'ERR_FORBIDDEN') {
    return (
      <>
        <h2>{t('trust.partners')}</h2>
        <p>{t('trust.partnersRootOnly')}</p>
      </>
    )
  }
  return (
    <>
      <h2>{t('trust.partners')}</h2>
      <ErrorMessage error={partners.error} />
      {partners.data && partners.data.partners.length === 0 && <p>{t('trust.noPartners')}</p>}
      {lastImport && (
        <p role="status" className="notice allowed">
          {t('trust.imported', {
            name: lastImport.name,
            count: formatNumber(lastImport.signers),
          })}
        </p>
      )}
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
                <td data-label={t('trust.partnerName')}>
                  {partner.name}
                  {partner.sourceUrl && (
                    <>
                      <br />
                      <span className="muted mono">{partner.sourceUrl}</span>
                    </>
                  )}
                  {partner.problem && (
                    <p className="field-error">
                      {t('trust.storedListProblem', { problem: partner.problem })}
                    </p>
                  )}
                </td>
                <td data-label={t('trust.importedAt')}>
                  {partner.importedAt
                    ? formatDateTime(partner.importedAt)
                    : t('trust.neverImported')}
                </td>
                <td data-label={t('trust.signers')}>
                  {partner.signers !== undefined ? formatNumber(partner.signers) : '—'}
                </td>
                <td data-label={t('trust.actions')}>
                  <button
                    type="button"
                    className="link"
                    aria-label={t('trust.importOf', { name: partner.name })}
                    onClick={() => {
                      setLastImport(undefined)
                      setImporting(partner.id)
                    }}
                  >
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
          key={importing}
          partner={partners.data?.partners.find((p) => p.id === importing)}
          onCancel={() => setImporting(undefined)}
          onDone={(partner, signers) => {
            setImporting(undefined)
            setLastImport({ name: partner.name, signers })
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
  onCancel,
  onDone,
}: {
  partner: TrustPartner | undefined
  onCancel: () => void
  onDone: (partner: TrustPartner, signers: number) => void
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
      const answer = await apiRequest<TrustPartner>(
        'POST',
        `/api/v1/trust-partners/${encodeURIComponent(partner.id)}/import`,
        body,
      )
      onDone(partner, answer.signers ?? 0)
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
      <ImportError error={error} />
      <div className="actions">
        <button type="submit" className="primary" disabled={busy}>
          {t('trust.importSubmit')}
        </button>
        <button type="button" onClick={onCancel}>
          {t('trust.importCancel')}
        </button>
      </div>
    </form>
  )
}

/** A refused import: what is wrong in the user's language, and the API's detail (entry, field). */
function ImportError({ error }: { error: unknown }) {
  const { t } = useI18n()
  const problem = error instanceof ApiError ? importProblem[error.code] : undefined
  if (!problem || !(error instanceof ApiError)) return <ErrorMessage error={error} />
  return (
    <div className="error" role="alert">
      <p>{t(problem)}</p>
      <p className="mono" data-testid="trust-import-detail">
        {error.message}
      </p>
    </div>
  )
}

function NewPartner({ onCreated }: { onCreated: () => void }) {
  const { t } = useI18n()
  const [name, setName] = useState('')
  const [certificate, setCertificate] = useState('')
  const [sourceUrl, setSourceUrl] = useState('')
  const { busy, error, run } = useAction()
  const submit = async (event: FormEvent) => {
    event.preventDefault()
    await run(async () => {
      await apiRequest('POST', '/api/v1/trust-partners', {
        name: name.trim(),
        signingCertificate: certificate.trim(),
        ...(sourceUrl.trim() ? { sourceUrl: sourceUrl.trim() } : {}),
      })
      setName('')
      setCertificate('')
      setSourceUrl('')
      onCreated()
    })
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

/** The label of each kind of key: the CSCA, and the list each signer is on. */
const purposeLabels = {
  csca: 'trust.purpose.csca',
  'document-signer': 'trust.purpose.dsc',
  'domestic-signer': 'trust.purpose.domestic',
  'legacy-signer': 'trust.purpose.legacy',
  'gateway-trust-anchor': 'trust.purpose.gatewayAnchor',
  'gateway-upload': 'trust.purpose.gatewayUpload',
} as const

function Keys() {
  const { t, formatDate } = useI18n()
  const keys = useApi<{ keys: SigningKey[] }>('/api/v1/keys')
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<unknown>(undefined)
  const [rotated, setRotated] = useState<string | undefined>(undefined)
  // Rotating retires the signer in use: asked first, never done on one click.
  const [confirming, setConfirming] = useState<
    { issuerId: string; list: 'eu' | 'domestic' } | undefined
  >(undefined)
  const rotate = async (issuerId: string, list: 'eu' | 'domestic') => {
    setConfirming(undefined)
    setBusy(true)
    setError(undefined)
    setRotated(undefined)
    try {
      await apiRequest('POST', '/api/v1/keys/rotate', { issuerId, list })
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
                <td data-label={t('trust.purpose')}>{t(purposeLabels[key.purpose])}</td>
                <td data-label={t('trust.issuer')} className="mono">
                  {key.issuerId ?? '—'}
                </td>
                <td data-label={t('trust.kid')} className="mono">
                  {key.kid ?? '—'}
                </td>
                <td data-label={t('trust.status')}>
                  {t(key.status === 'active' ? 'trust.status.active' : 'trust.status.retired')}
                </td>
                <td data-label={t('trust.validUntil')}>{formatDate(key.notAfter)}</td>
                <td data-label={t('trust.actions')}>
                  {(key.purpose === 'document-signer' || key.purpose === 'domestic-signer') &&
                    key.status === 'active' &&
                    key.issuerId && (
                      <button
                        type="button"
                        disabled={busy}
                        onClick={() => {
                          setRotated(undefined)
                          setConfirming({
                            issuerId: key.issuerId ?? '',
                            list: key.purpose === 'domestic-signer' ? 'domestic' : 'eu',
                          })
                        }}
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
      {confirming && (
        <ConfirmDialog
          id="rotate-confirm"
          question={t('trust.rotateConfirm', { issuer: confirming.issuerId })}
          yes={t('trust.rotateYes')}
          busy={busy}
          onYes={() => void rotate(confirming.issuerId, confirming.list)}
          onNo={() => setConfirming(undefined)}
        />
      )}
    </>
  )
}
