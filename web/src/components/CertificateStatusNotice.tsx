import type { Certificate } from '../api/types'
import { useI18n } from '../i18n/LanguageProvider'

/**
 * What a revoked or suspended certificate means, with the reason and the day it changed; nothing
 * for a valid one. Beside the QR code and in the clinic's list alike, so that no one shows or
 * prints it as if it were valid.
 */
export function CertificateStatusNotice({ certificate }: { certificate: Certificate }) {
  const { t, formatDate } = useI18n()
  if (certificate.status === 'valid') return null
  return (
    <div className="notice refused certificate-status" role="note">
      <p>
        <strong>
          {t(
            certificate.status === 'revoked'
              ? 'certificates.revokedNotice'
              : 'certificates.suspendedNotice',
          )}
        </strong>
      </p>
      {certificate.statusReason && (
        <p>{t('certificates.statusReason', { reason: certificate.statusReason })}</p>
      )}
      {certificate.statusChangedAt && (
        <p className="muted">
          {t('certificates.statusSince', { date: formatDate(certificate.statusChangedAt) })}
        </p>
      )}
    </div>
  )
}
