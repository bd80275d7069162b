import { useState } from 'react'
import { apiRequest, newClientId } from '../api/api-client'
import type { CheckinAnswer } from '../api/types'
import { ErrorMessage } from '../components/ErrorMessage'
import { ManualEntry } from '../components/ManualEntry'
import { QrScanner } from '../components/QrScanner'
import { entryReasonKey } from '../components/entry-reason'
import { useI18n } from '../i18n/LanguageProvider'

/** "Check in": scan a venue's poster (or paste its code) to record the visit. */
export function CheckIn() {
  const { t, formatDateTime } = useI18n()
  const [camera, setCamera] = useState(false)
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<unknown>(undefined)
  const [result, setResult] = useState<CheckinAnswer | undefined>(undefined)
  const checkIn = async (venueCode: string) => {
    setCamera(false)
    setBusy(true)
    setError(undefined)
    setResult(undefined)
    try {
      setResult(
        await apiRequest<CheckinAnswer>('POST', '/api/v1/checkins', {
          venueCode,
          clientId: newClientId(),
        }),
      )
    } catch (failure) {
      setError(failure)
    } finally {
      setBusy(false)
    }
  }
  return (
    <section aria-labelledby="page-title" className="card">
      <h1 id="page-title" tabIndex={-1}>
        {t('checkIn.title')}
      </h1>
      <p>{t('checkIn.intro')}</p>
      {result && (
        <div
          className={`notice ${result.entryAllowed ? 'allowed' : 'refused'}`}
          role="status"
          data-entry-allowed={String(result.entryAllowed)}
        >
          <p className="big">{result.entryAllowed ? t('checkIn.welcome') : t('checkIn.refused')}</p>
          <p>{t('checkIn.at', { venue: result.venue.name, time: formatDateTime(result.at) })}</p>
          <p>{t(entryReasonKey(result.reason))}</p>
        </div>
      )}
      <ErrorMessage error={error} />
      {camera ? (
        <>
          <QrScanner onDecode={checkIn} />
          <button type="button" onClick={() => setCamera(false)}>
            {t('scanner.camera.stop')}
          </button>
        </>
      ) : (
        <button type="button" className="primary" onClick={() => setCamera(true)} disabled={busy}>
          {t('scanner.camera.start')}
        </button>
      )}
      <ManualEntry onSubmit={checkIn} busy={busy} />
    </section>
  )
}
