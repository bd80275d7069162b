import { type FormEvent, useCallback, useEffect, useState } from 'react'
import { NetworkError, apiRequest, newClientId } from '../api/api-client'
import type { ScanAnswer, Venue } from '../api/types'
import { useApi } from '../api/use-api'
import { ErrorMessage } from '../components/ErrorMessage'
import { ManualEntry } from '../components/ManualEntry'
import { QrScanner } from '../components/QrScanner'
import { type DoorResult, ScanResult } from '../components/ScanResult'
import { useI18n } from '../i18n/LanguageProvider'
import type { MessageKey } from '../i18n/messages'
import { queueScan, queuedScans, sendQueuedScans } from '../scanner/scan-queue'

const VENUE_KEY = 'hc.scanner.venue'
/** How often a queue left by a failed send is tried again while online, in milliseconds. */
const RESEND_MS = 30_000

/** The door scanner of a venue operator. */
export function Scanner() {
  const { t } = useI18n()
  const venues = useApi<{ venues: Venue[] }>('/api/v1/venues')
  const [venueId, setVenueId] = useState<string>(() => localStorage.getItem(VENUE_KEY) ?? '')
  const list = venues.data?.venues ?? []
  const venue =
    list.find((item) => item.id === venueId) ?? (list.length === 1 ? list[0] : undefined)
  const choose = (id: string) => {
    setVenueId(id)
    localStorage.setItem(VENUE_KEY, id)
  }
  return (
    <section aria-labelledby="page-title" className="card">
      <h1 id="page-title" tabIndex={-1}>
        {t('scanner.title')}
      </h1>
      <ErrorMessage error={venues.error} />
      {venues.loading && <p role="status">{t('common.loading')}</p>}
      {venues.data && list.length === 0 && (
        <NewVenue onCreated={(id) => (choose(id), venues.reload())} />
      )}
      {list.length > 1 && (
        <div className="form">
          <label htmlFor="scanner-venue">{t('scanner.venue')}</label>
          <select
            id="scanner-venue"
            value={venue?.id ?? ''}
            onChange={(event) => choose(event.target.value)}
          >
            <option value="">{t('scanner.chooseVenue')}</option>
            {list.map((item) => (
              <option key={item.id} value={item.id}>
                {item.name}
              </option>
            ))}
          </select>
        </div>
      )}
      {venue && <Door venue={venue} key={venue.id} />}
    </section>
  )
}

function Door({ venue }: { venue: Venue }) {
  const { t } = useI18n()
  const [camera, setCamera] = useState(false)
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<unknown>(undefined)
  const [result, setResult] = useState<DoorResult | undefined>(undefined)
  const [queued, setQueued] = useState(() => queuedScans(venue.id).length)
  // After a result the camera comes back by itself, ready for the next visitor.
  const [resumeCamera, setResumeCamera] = useState(false)

  const flush = useCallback(async () => {
    if (queuedScans(venue.id).length === 0) return
    try {
      await sendQueuedScans(venue.id)
    } catch {
      // Still offline, or the server is away: the queue stays for the next try.
    }
    setQueued(queuedScans(venue.id).length)
  }, [venue.id])

  useEffect(() => {
    void flush()
    window.addEventListener('online', flush)
    const timer = window.setInterval(() => {
      if (navigator.onLine) void flush()
    }, RESEND_MS)
    return () => {
      window.removeEventListener('online', flush)
      window.clearInterval(timer)
    }
  }, [flush])

  const scan = async (qr: string) => {
    setResumeCamera(camera)
    setCamera(false)
    setBusy(true)
    setError(undefined)
    const item = { clientId: newClientId(), qr, at: new Date().toISOString() }
    try {
      const answer = await apiRequest<ScanAnswer>(
        'POST',
        `/api/v1/venues/${encodeURIComponent(venue.id)}/scan`,
        { qr: item.qr, clientId: item.clientId },
      )
      setResult({ kind: 'answer', answer })
    } catch (failure) {
      if (failure instanceof NetworkError) {
        queueScan(venue.id, item)
        setQueued(queuedScans(venue.id).length)
        setResult({ kind: 'queued' })
      } else {
        setError(failure)
      }
    } finally {
      setBusy(false)
    }
  }

  const next = () => {
    setResult(undefined)
    if (resumeCamera) setCamera(true)
  }

  return (
    <div className="door">
      <p className="venue-name">{t('scanner.at', { venue: venue.name })}</p>
      {queued > 0 && (
        <p className="notice queued" role="status" data-queued={queued}>
          {t('scanner.queued', { count: queued })}
        </p>
      )}
      <ErrorMessage error={error} />
      {camera ? (
        <>
          <QrScanner onDecode={scan} />
          <button type="button" onClick={() => setCamera(false)}>
            {t('scanner.camera.stop')}
          </button>
        </>
      ) : (
        <button type="button" className="primary" onClick={() => setCamera(true)} disabled={busy}>
          {t('scanner.camera.start')}
        </button>
      )}
      <ManualEntry onSubmit={scan} busy={busy} />
      {result && <ScanResult result={result} onNext={next} />}
    </div>
  )
}

/** The categories offered here; each has its entry policy on the server. */
const categoryName: Readonly<Record<string, MessageKey>> = {
  theatre: 'venue.category.theatre',
  museum: 'venue.category.museum',
  restaurant: 'venue.category.restaurant',
  cinema: 'venue.category.cinema',
  shop: 'venue.category.shop',
  office: 'venue.category.office',
  other: 'venue.category.other',
}

function NewVenue({ onCreated }: { onCreated: (id: string) => void }) {
  const { t } = useI18n()
  const [name, setName] = useState('')
  const [category, setCategory] = useState<string>('theatre')
  const [address, setAddress] = useState('')
  const [district, setDistrict] = useState('')
  const [error, setError] = useState<unknown>(undefined)
  const submit = async (event: FormEvent) => {
    event.preventDefault()
    setError(undefined)
    try {
      const venue = await apiRequest<Venue>('POST', '/api/v1/venues', {
        name: name.trim(),
        category,
        address: address.trim(),
        district: district.trim().toUpperCase(),
      })
      onCreated(venue.id)
    } catch (failure) {
      setError(failure)
    }
  }
  return (
    <form onSubmit={submit} className="form">
      <h2>{t('venue.new')}</h2>
      <p>{t('venue.none')}</p>
      <label htmlFor="venue-name">{t('venue.name')}</label>
      <input
        id="venue-name"
        required
        value={name}
        onChange={(event) => setName(event.target.value)}
      />
      <label htmlFor="venue-category">{t('venue.category')}</label>
      <select
        id="venue-category"
        value={category}
        onChange={(event) => setCategory(event.target.value)}
      >
        {Object.entries(categoryName).map(([item, key]) => (
          <option key={item} value={item}>
            {t(key)}
          </option>
        ))}
      </select>
      <label htmlFor="venue-address">{t('venue.address')}</label>
      <input
        id="venue-address"
        required
        value={address}
        onChange={(event) => setAddress(event.target.value)}
      />
      <label htmlFor="venue-district">{t('venue.district')}</label>
      <input
        id="venue-district"
        required
        placeholder="RU-SPE-ADM"
        pattern="[A-Za-z0-9-]{2,40}"
        value={district}
        onChange={(event) => setDistrict(event.target.value)}
      />
      <ErrorMessage error={error} />
      <button type="submit" className="primary">
        {t('venue.create')}
      </button>
    </form>
  )
}
