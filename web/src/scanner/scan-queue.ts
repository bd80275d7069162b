import { apiRequest } from '../api/api-client'
import type { ScanAnswer } from '../api/types'

/** A door scan that could not be sent: kept with its own id and time, sent later as a batch. */
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
 * a refused code stays refused. A network failure leaves the rest queued.
 *
 * @returns how many were answered.
 */
export async function sendQueuedScans(venueId: string): Promise<number> {
  let sent = 0
  for (;;) {
    const batch = queuedScans(venueId).slice(0, BATCH_SIZE)
    if (batch.length === 0) return sent
    const answer = await apiRequest<{ results: (ScanAnswer & { clientId: string })[] }>(
      'POST',
      `/api/v1/venues/${encodeURIComponent(venueId)}/scans`,
      { items: batch },
    )
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
