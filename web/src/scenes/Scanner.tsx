import { useCallback, useEffect, useMemo, useState } from 'react'
import { NetworkError, apiRequest, newClientId } from '../api/api-client'
import type { ScanAnswer, Venue } from '../api/types'
import { useApi } from '../api/use-api'
import { ErrorMessage } from '../components/ErrorMessage'
import { VenueForm } from '../components/VenueForm'
import { ManualEntry } from '../components/ManualEntry'
import { QrScanner } from '../components/QrScanner'
import { type DoorResult, ScanResult } from '../components/ScanResult'
import { useI18n } from '../i18n/LanguageProvider'
import type { MessageKey } from '../i18n/messages'
import { fetchBundle, loadBundle } from '../scanner/bundle-store'
import { preloadFrameReader } from '../scanner/frame-decoder'
import { BUNDLE_REFRESH_MS, type OfflineBundle, bundleUsable } from '../scanner/offline-bundle'
import { bundleAgeText } from '../scanner/bundle-age'
import { judgeOffline } from '../scanner/offline-door'
import { queueScan, queuedScans, sendQueuedScans } from '../scanner/scan-queue'
import { OfflineTrust } from '../scanner/verify-offline'

const VENUE_KEY = 'hc.scanner.venue'
/** The operator's venues as last fetched, so that the door opens without a network. */
const VENUES_KEY = 'hc.scanner.venues'

/**
 * The venues kept on this device, or undefined when there are none: an empty list kept (the
 * operator had no venue yet) opens no door, and the page then says that the network is missing
 * rather than showing nothing at all.
 */
function keptVenues(): Venue[] | undefined {
  try {
    const stored = JSON.parse(localStorage.getItem(VENUES_KEY) ?? 'null') as unknown
    return Array.isArray(stored) && stored.length > 0 ? (stored as Venue[]) : undefined
  } catch {
    return undefined
  }
}

function keepVenues(venues: readonly Venue[]): void {
  try {
    localStorage.setItem(VENUES_KEY, JSON.stringify(venues))
  } catch {
    // Storage refused: the door then needs the network to open.
  }
}
/** How often a queue left by a failed send is tried again while online, in milliseconds. */
const RESEND_MS = 30_000
/**
 * How long the venue list may take before the door says the server does not answer and offers to
 * try again, in milliseconds: a request can hang without ever failing (a proxy holding it).
 */
const VENUES_PATIENCE_MS = 20_000

/** The door scanner of a venue operator. */
export function Scanner() {
  const { t } = useI18n()
  const venues = useApi<{ venues: Venue[] }>('/api/v1/venues')
  const [venueId, setVenueId] = useState<string>(() => localStorage.getItem(VENUE_KEY) ?? '')
  useEffect(() => {
    if (venues.data) keepVenues(venues.data.venues)
  }, [venues.data])
  // Without a network, the venues last fetched on this device.
  const kept = useMemo(
    () => (venues.error instanceof NetworkError ? keptVenues() : undefined),
    [venues.error],
  )
  // The camera's reader (ZXing's WebAssembly on most phones) loads while the door gets ready, not
  // when the first visitor holds up a code.
  useEffect(() => {
    preloadFrameReader().catch(() => undefined)
  }, [])
  // A load that outlasts VENUES_PATIENCE_MS is shown as a failure, with a way to try again.
  const [attempt, setAttempt] = useState(0)
  const [waitedOut, setWaitedOut] = useState(false)
  useEffect(() => {
    setWaitedOut(false)
    if (!venues.loading) return
    const timer = window.setTimeout(() => setWaitedOut(true), VENUES_PATIENCE_MS)
    return () => window.clearTimeout(timer)
  }, [venues.loading, attempt])
  const stuck = venues.loading && waitedOut
  const retry = () => {
    setAttempt((count) => count + 1)
    venues.reload()
  }
  const list = venues.data?.venues ?? kept ?? []
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
      {!kept && <ErrorMessage error={venues.error} />}
      {stuck && <ErrorMessage error={new NetworkError('the venue list did not come')} />}
      {venues.loading && !stuck && <p role="status">{t('common.loading')}</p>}
      {(stuck || (!kept && venues.error !== undefined)) && (
        <button type="button" className="retry" onClick={retry}>
          {t('common.retry')}
        </button>
      )}
      {venues.data && list.length === 0 && (
        <VenueForm
          idPrefix="venue"
          categories={categoryName}
          labelledBy="venue-new-title"
          onCreated={(id) => (choose(id), venues.reload())}
        >
          <h2 id="venue-new-title">{t('venue.new')}</h2>
          <p>{t('venue.none')}</p>
        </VenueForm>
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
  const { t, language } = useI18n()
  const [camera, setCamera] = useState(false)
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<unknown>(undefined)
  const [result, setResult] = useState<DoorResult | undefined>(undefined)
  const [queued, setQueued] = useState(() => queuedScans(venue.id).length)
  const { bundle, trust } = useOfflineBundle(venue.id)
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

  const judgeHere = async (item: { clientId: string; qr: string }): Promise<DoorResult> => {
    try {
      const judged = await judgeOffline(item.qr, bundle ?? undefined, trust, new Date(), language)
      const bundleAt = bundle?.generatedAt
      return judged.kind === 'answer'
        ? { kind: 'answer', answer: { ...judged.answer, checkinId: item.clientId }, bundleAt }
        : { kind: 'queued', why: judged.why, bundleAt }
    } catch {
      // Anything the offline checks did not foresee leaves the scan to the server.
      return { kind: 'queued', why: undefined, bundleAt: bundle?.generatedAt }
    }
  }

  const scan = async (qr: string) => {
    setResumeCamera(camera)
    setCamera(false)
    setBusy(true)
    setError(undefined)
    const item = { clientId: newClientId(), qr, at: new Date().toISOString() }
    const start = performance.now()
    try {
      // A device that knows it is offline does not wait for a request to fail.
      if (!navigator.onLine) throw new NetworkError('offline')
      const answer = await apiRequest<ScanAnswer>(
        'POST',
        `/api/v1/venues/${encodeURIComponent(venue.id)}/scan`,
        { qr: item.qr, clientId: item.clientId },
      )
      measureScan(start)
      setResult({ kind: 'answer', answer })
    } catch (failure) {
      if (failure instanceof NetworkError) {
        // Judged here from the offline bundle, and sent when the network is back: the server
        // records the check-in by the same id, so a re-send changes nothing.
        queueScan(venue.id, item)
        setQueued(queuedScans(venue.id).length)
        const judged = await judgeHere(item)
        measureScan(start)
        setResult(judged)
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
      <OfflineReadiness bundle={bundle} />
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

/**
 * The venue's offline bundle: the copy kept on the device at once, then a fresh one from the
 * server at start, every BUNDLE_REFRESH_MS and whenever the network comes back. `undefined` while
 * the device's copy is being read, `null` when there is none.
 */
function useOfflineBundle(venueId: string): {
  bundle: OfflineBundle | null | undefined
  trust: OfflineTrust | undefined
} {
  const [bundle, setBundle] = useState<OfflineBundle | null | undefined>(undefined)
  useEffect(() => {
    let live = true
    const keep = (next: OfflineBundle | undefined) => {
      if (live && next)
        setBundle((current) => (current?.generatedAt === next.generatedAt ? current : next))
    }
    const refresh = () => {
      if (navigator.onLine) fetchBundle(venueId).then(keep, () => undefined)
    }
    loadBundle(venueId).then(
      (stored) => {
        // A fresher bundle may have arrived while the stored one was read.
        if (live) setBundle((current) => current ?? stored ?? null)
      },
      () => live && setBundle((current) => current ?? null),
    )
    refresh()
    window.addEventListener('online', refresh)
    const timer = window.setInterval(refresh, BUNDLE_REFRESH_MS)
    return () => {
      live = false
      window.removeEventListener('online', refresh)
      window.clearInterval(timer)
    }
  }, [venueId])
  const trust = useMemo(
    () => (bundle ? new OfflineTrust(bundle.signers, bundle.revocations) : undefined),
    [bundle],
  )
  return { bundle, trust }
}

/** The User Timing name of judging a scanned code, by the server or offline; the web bench reads it. */
const SCAN_MEASURE = 'healthcode:scanner-judge'

function measureScan(start: number): void {
  try {
    performance.measure(SCAN_MEASURE, { start })
  } catch {
    // User Timing is a measurement aid only.
  }
}

/** How old the offline data is, and whether scans without the network can be judged with it. */
function OfflineReadiness({ bundle }: { bundle: OfflineBundle | null | undefined }) {
  const { t, formatDateTime, language } = useI18n()
  // Re-rendered every minute, so that the age shown keeps up and a bundle turns stale on time.
  const [now, setNow] = useState(() => Date.now())
  useEffect(() => {
    const timer = window.setInterval(() => setNow(Date.now()), 60_000)
    return () => window.clearInterval(timer)
  }, [])
  if (bundle === undefined) return null
  if (bundle === null) {
    return (
      <p className="notice offline-data missing" data-offline-data="missing">
        {t('scanner.offline.missing')}
      </p>
    )
  }
  const age = bundleAgeText(bundle.generatedAt, now, language)
  const values = { time: formatDateTime(bundle.generatedAt), age }
  return bundleUsable(bundle, new Date(now)) ? (
    <p className="notice offline-data ready" data-offline-data="ready">
      {t('scanner.offline.ready', values)}
    </p>
  ) : (
    <p className="notice offline-data stale" data-offline-data="stale">
      {t('scanner.offline.stale', values)}
    </p>
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
  park: 'venue.category.park',
  'administration-service-centre': 'venue.category.administrationServiceCentre',
  other: 'venue.category.other',
}
