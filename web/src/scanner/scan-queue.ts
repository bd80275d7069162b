import { ApiError, apiRequest, ensureCsrfToken } from '../api/api-client'
import type { ScanAnswer } from '../api/types'

/**
 * A door scan that could not be sent: kept with its own id and time, sent later as a batch. It
 * carries no credential: the queue is sent over the session of the day, with a CSRF token fetched
 * fresh before sending, so a scan queued before a restart is accepted after it.
 */
export interface QueuedScan {
  readonly clientId: string
  readonly qr: string
  readonly at: string
}

const PREFIX = 'hc.scan-queue.'
/** The batch route takes up to 1,000 items (docs/health-code.md). */
const BATCH_SIZE = 500

/** The scans waiting to be sent for a venue. */
export function queuedScans(venueId: string): QueuedScan[] {
  try {
    const stored = JSON.parse(localStorage.getItem(PREFIX + venueId) ?? '[]') as unknown
    return Array.isArray(stored) ? (stored as QueuedScan[]) : []
  } catch {
    return []
  }
}

function store(venueId: string, scans: readonly QueuedScan[]): void {
  if (scans.length === 0) localStorage.removeItem(PREFIX + venueId)
  else localStorage.setItem(PREFIX + venueId, JSON.stringify(scans))
}

/** Keeps a scan to send when the network is back. */
export function queueScan(venueId: string, scan: QueuedScan): void {
  const scans = queuedScans(venueId)
  if (!scans.some((queued) => queued.clientId === scan.clientId)) store(venueId, [...scans, scan])
}

/**
 * Sends the queued scans of a venue in batches (`POST /api/v1/venues/{id}/scans`). Every item the
 * server answered is dropped from the queue, accepted or not: its id makes a re-send harmless, but
 * a refused code stays refused. A network failure leaves the rest queued. The session's CSRF token
 * is fetched first when the page has none (a start without the network), and once more when the
 * server refuses the one it has (`ERR_CSRF`: the session was renewed meanwhile).
 *
 * @returns how many were answered.
 */
export async function sendQueuedScans(venueId: string): Promise<number> {
  let sent = 0
  if (queuedScans(venueId).length === 0) return sent
  await ensureCsrfToken()
  for (;;) {
    const batch = queuedScans(venueId).slice(0, BATCH_SIZE)
    if (batch.length === 0) return sent
    const send = () =>
      apiRequest<{ results: (ScanAnswer & { clientId: string })[] }>(
        'POST',
        `/api/v1/venues/${encodeURIComponent(venueId)}/scans`,
        { items: batch },
      )
    let answer: Awaited<ReturnType<typeof send>>
    try {
      answer = await send()
    } catch (error) {
      if (!(error instanceof ApiError && error.code === 'ERR_CSRF')) throw error
      await ensureCsrfToken(true)
      answer = await send()
    }
    const answered = new Set(answer.results.map((result) => result.clientId))
    // Items sent but not answered are dropped too, so that a malformed item cannot block the queue.
    const done = new Set([...answered, ...batch.map((scan) => scan.clientId)])
    store(
      venueId,
      queuedScans(venueId).filter((scan) => !done.has(scan.clientId)),
    )
    sent += batch.length
  }
}
