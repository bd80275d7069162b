import type { Certificate, CertificateKind } from '../api/types'
import { useApi } from '../api/use-api'
import { useMe } from '../api/use-me'
import { CertificateStatusNotice } from '../components/CertificateStatusNotice'
import { ErrorMessage } from '../components/ErrorMessage'
import { Link } from '../components/Link'
import { QrCanvas } from '../components/QrCanvas'
import { useI18n } from '../i18n/LanguageProvider'
import type { MessageKey } from '../i18n/messages'

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

/** "My certificates": each QR large, with its kind, status, dates and the printable PDF. */
export function Certificates() {
  const { t, formatDate } = useI18n()
  const me = useMe()
  const personId = me.data?.person?.id
  const list = useApi<{ certificates: Certificate[] }>(
    personId ? `/api/v1/people/${encodeURIComponent(personId)}/certificates` : undefined,
  )
  const size = Math.min(360, window.innerWidth - 48)
  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title" tabIndex={-1}>
        {t('certificates.title')}
      </h1>
      <ErrorMessage error={me.error ?? list.error} />
      {me.data && !personId && (
        <p>
          <Link to="code">{t('declare.linkFirst')}</Link>
        </p>
      )}
      {(me.loading || list.loading) && <p role="status">{t('common.loading')}</p>}
      {list.data && list.data.certificates.length === 0 && <p>{t('certificates.none')}</p>}
      <ul className="certificates">
        {list.data?.certificates.map((certificate) => (
          <li
            key={certificate.id}
            className={`card certificate certificate-${certificate.status}`}
            data-certificate-kind={certificate.kind}
          >
            <h2>{t(kindName[certificate.kind])}</h2>
            <p className={`status status-${certificate.status}`}>
              {t(statusName[certificate.status])}
            </p>
            <CertificateStatusNotice certificate={certificate} />
            <QrCanvas
              text={certificate.qr}
              size={size}
              label={t('certificates.qrLabel', { kind: t(kindName[certificate.kind]) })}
            />
            <dl>
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
