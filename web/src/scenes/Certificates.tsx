import { useEffect, useState } from 'react'
import { productName, testResultName, testTypeName } from '../components/value-set-names'
import type { Certificate, CertificateKind, Me } from '../api/types'
import { useApi } from '../api/use-api'
import { useMe } from '../api/use-me'
import { CertificateStatusNotice } from '../components/CertificateStatusNotice'
import { ErrorMessage } from '../components/ErrorMessage'
import { Link } from '../components/Link'
import { QrCanvas } from '../components/QrCanvas'
import { SaveQrImage } from '../components/SaveQrImage'
import { useI18n } from '../i18n/LanguageProvider'
import type { MessageKey } from '../i18n/messages'
import { type CertificateFacts, readCertificate } from '../wallet/read-code'
import { hrefOf, openDetail, useDetail } from '../router'
import { useKept } from '../wallet/use-kept'
import { walletKey } from '../wallet/wallet-store'

export const kindName: Readonly<Record<CertificateKind, MessageKey>> = {
  vaccination: 'certificates.kind.vaccination',
  test: 'certificates.kind.test',
  recovery: 'certificates.kind.recovery',
  antibody: 'certificates.kind.antibody',
}
export const statusName: Readonly<Record<Certificate['status'], MessageKey>> = {
  valid: 'certificates.status.valid',
  suspended: 'certificates.status.suspended',
  revoked: 'certificates.status.revoked',
}

/**
 * "My certificates": each QR large, with its holder, product, dose, date, kind, status and the
 * printable PDF. Kept on the device: without a network the copy last fetched shows, with its time.
 */
export function Certificates() {
  const { t, formatDate, formatDateTime } = useI18n()
  const me = useKept<Me>(walletKey.me, useMe())
  const personId = me.data?.person?.id
  const list = useKept(
    personId ? walletKey.certificates(personId) : undefined,
    useApi<{ certificates: Certificate[] }>(
      personId ? `/api/v1/people/${encodeURIComponent(personId)}/certificates` : undefined,
    ),
  )
  const size = Math.min(360, window.innerWidth - 48)
  // One certificate open, in the address (`/app/certificates/certificates/{id}`): shown alone, to
  // hold up at a door; Back and reload keep it.
  const openId = useDetail('certificates')
  const all = list.data?.certificates ?? []
  const opened = all.find((certificate) => certificate.id === openId)
  const shown = opened ? [opened] : all
  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title" tabIndex={-1}>
        {t('certificates.title')}
      </h1>
      <ErrorMessage error={me.error ?? list.error} />
      {list.fetchedAt && (
        <p className="notice kept" role="status" data-kept-at={list.fetchedAt}>
          {t('wallet.keptAt', { time: formatDateTime(list.fetchedAt) })}
        </p>
      )}
      {me.data && !personId && (
        <p>
          <Link to="code">{t('declare.linkFirst')}</Link>
        </p>
      )}
      {(me.loading || list.loading) && <p role="status">{t('common.loading')}</p>}
      {list.data && list.data.certificates.length === 0 && <p>{t('certificates.none')}</p>}
      {opened && (
        <p>
          <button
            type="button"
            className="link"
            onClick={() => openDetail('certificates', 'certificates', undefined)}
          >
            {t('certificates.all')}
          </button>
        </p>
      )}
      <ul className="certificates">
        {shown.map((certificate) => (
          <li
            key={certificate.id}
            className={`card certificate certificate-${certificate.status}`}
            data-certificate-kind={certificate.kind}
          >
            <h2>
              {opened ? (
                t(kindName[certificate.kind])
              ) : (
                <a
                  href={hrefOf('certificates', { kind: 'certificates', id: certificate.id })}
                  onClick={(event) => {
                    if (event.metaKey || event.ctrlKey || event.shiftKey || event.button !== 0)
                      return
                    event.preventDefault()
                    openDetail('certificates', 'certificates', certificate.id)
                  }}
                >
                  {t(kindName[certificate.kind])}
                </a>
              )}
            </h2>
            <p className={`status status-${certificate.status}`}>
              {t(statusName[certificate.status])}
            </p>
            <CertificateStatusNotice certificate={certificate} />
            <QrCanvas
              text={certificate.qr}
              size={size}
              label={t('certificates.qrLabel', { kind: t(kindName[certificate.kind]) })}
            />
            <SaveQrImage
              text={certificate.qr}
              fileName={`certificate-${certificate.uvci.slice(-8)}`}
            />
            <dl>
              <CertificateFactsRows qr={certificate.qr} />
              <dt>{t('certificates.issued')}</dt>
              <dd>{formatDate(certificate.issuedAt)}</dd>
              {certificate.expiresAt && (
                <>
                  <dt>{t('certificates.expires')}</dt>
                  <dd>{formatDate(certificate.expiresAt)}</dd>
                </>
              )}
              <dt>{t('certificates.uvci')}</dt>
              <dd className="mono">{certificate.uvci}</dd>
            </dl>
            <a
              className="button"
              href={`/api/v1/certificates/${encodeURIComponent(certificate.id)}/pdf`}
              target="_blank"
              rel="noopener"
            >
              {t('certificates.pdf')}
            </a>
          </li>
        ))}
      </ul>
    </section>
  )
}

/** The holder, product, dose and date a certificate's code carries, read on the device. */
/** The test results of the value set (SNOMED CT), by their names in the page's language. */
const testResultKeys: Readonly<Record<string, MessageKey>> = {
  '260415000': 'certificates.result.notDetected',
  '260373001': 'certificates.result.detected',
}

function CertificateFactsRows({ qr }: { qr: string }) {
  const { t, formatDate } = useI18n()
  const [facts, setFacts] = useState<CertificateFacts | undefined>(undefined)
  useEffect(() => {
    let live = true
    readCertificate(qr).then((read) => live && setFacts(read))
    return () => {
      live = false
    }
  }, [qr])
  if (!facts) return null
  return (
    <>
      {facts.holder && (
        <>
          <dt>{t('certificates.holder')}</dt>
          <dd className="certificate-holder">{facts.holder}</dd>
        </>
      )}
      {facts.product && (
        <>
          <dt>{t('certificates.product')}</dt>
          <dd className="certificate-product">{productName(facts.product)}</dd>
        </>
      )}
      {facts.test?.type && facts.test.type !== facts.product && (
        <>
          <dt>{t('certificates.testType')}</dt>
          <dd className="certificate-test-type">{testTypeName(facts.test.type)}</dd>
        </>
      )}
      {facts.test?.result && (
        <>
          <dt>{t('certificates.testResult')}</dt>
          <dd className="certificate-test-result">
            {(() => {
              // The two SNOMED results in the page's language; any other by its value-set name.
              const key = testResultKeys[facts.test.result]
              return key ? t(key) : testResultName(facts.test.result)
            })()}
          </dd>
        </>
      )}
      {facts.dose && (
        <>
          <dt>{t('certificates.dose')}</dt>
          <dd className="certificate-dose">
            {t('certificates.doseOf', { number: facts.dose.number, of: facts.dose.of })}
          </dd>
        </>
      )}
      {facts.date && (
        <>
          <dt>{t('certificates.date')}</dt>
          <dd className="certificate-date">{formatDate(facts.date)}</dd>
        </>
      )}
    </>
  )
}
