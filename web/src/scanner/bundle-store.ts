import { apiRequest } from '../api/api-client'
import type { OfflineBundle } from './offline-bundle'

// IndexedDB rather than localStorage: a revocation list grows with every revoked certificate, well
// past the few megabytes localStorage holds, and IndexedDB stores the JSON without a string copy.
const DATABASE = 'healthcode-scanner'
const STORE = 'offline-bundles'

/** Where IndexedDB is refused (some private modes), the bundle lives as long as the page. */
const memory = new Map<string, OfflineBundle>()

function openDatabase(): Promise<IDBDatabase | undefined> {
  return new Promise((resolve) => {
    let request: IDBOpenDBRequest
    try {
      request = indexedDB.open(DATABASE, 1)
    } catch {
      resolve(undefined)
      return
    }
    request.onupgradeneeded = () => request.result.createObjectStore(STORE)
    request.onsuccess = () => resolve(request.result)
    request.onerror = () => resolve(undefined)
    request.onblocked = () => resolve(undefined)
  })
}

function settle<T>(request: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result)
    request.onerror = () => reject(request.error)
  })
}

/** The bundle this device keeps for a venue, if any. */
export async function loadBundle(venueId: string): Promise<OfflineBundle | undefined> {
  const database = await openDatabase()
  if (!database) return memory.get(venueId)
  try {
    const stored = await settle(
      database.transaction(STORE, 'readonly').objectStore(STORE).get(venueId),
    )
    return (stored as OfflineBundle | undefined) ?? memory.get(venueId)
  } catch {
    return memory.get(venueId)
  } finally {
    database.close()
  }
}

async function saveBundle(bundle: OfflineBundle): Promise<void> {
  memory.set(bundle.venueId, bundle)
  const database = await openDatabase()
  if (!database) return
  try {
    await settle(
      database.transaction(STORE, 'readwrite').objectStore(STORE).put(bundle, bundle.venueId),
    )
  } catch {
    // A full or refused store: the copy in memory serves this page.
  } finally {
    database.close()
  }
}

/**
 * Fetches a fresh bundle for a venue (`GET /api/v1/venues/{id}/offline-bundle`, over the operator's
 * session) and keeps it on the device.
 *
 * @throws {NetworkError} offline; {ApiError} when the server refuses.
 */
export async function fetchBundle(venueId: string): Promise<OfflineBundle> {
  const bundle = await apiRequest<OfflineBundle>(
    'GET',
    `/api/v1/venues/${encodeURIComponent(venueId)}/offline-bundle`,
  )
  await saveBundle(bundle)
  return bundle
}
