// The wallet on the device: the citizen's record, certificates and latest health code as last
// fetched, kept in IndexedDB (through `idb`) so that "My code" and "My certificates" open without a
// network. Only what the signed-in citizen's own session fetched is kept, and signing out clears it.
import { type IDBPDatabase, openDB } from 'idb'

const DATABASE = 'healthcode-wallet'
const STORE = 'kept'

/** A copy kept on the device, with the time it was fetched from the server. */
export interface Kept<T> {
  readonly value: T
  readonly fetchedAt: string
}

function open(): Promise<IDBPDatabase> {
  return openDB(DATABASE, 1, {
    upgrade(database) {
      database.createObjectStore(STORE)
    },
  })
}

/** Keeps `value` under `key`, fetched now; a refused store (private modes) keeps nothing. */
export async function keep<T>(key: string, value: T, fetchedAt = new Date()): Promise<void> {
  try {
    const database = await open()
    try {
      await database.put(STORE, { value, fetchedAt: fetchedAt.toISOString() }, key)
    } finally {
      database.close()
    }
  } catch {
    // Storage refused or full: the wallet then needs the network, as before.
  }
}

/** The copy kept under `key`, if any. */
export async function kept<T>(key: string): Promise<Kept<T> | undefined> {
  try {
    const database = await open()
    try {
      return (await database.get(STORE, key)) as Kept<T> | undefined
    } finally {
      database.close()
    }
  } catch {
    return undefined
  }
}

/** Forgets everything kept (at sign-out: the next person on this device sees nothing of it). */
export async function clearWallet(): Promise<void> {
  try {
    const database = await open()
    try {
      await database.clear(STORE)
    } finally {
      database.close()
    }
  } catch {
    // Nothing could be kept either.
  }
}

/** The keys the wallet uses: the account's record, a person's certificates and health code. */
export const walletKey = {
  me: 'me',
  certificates: (personId: string) => `certificates:${personId}`,
  code: (personId: string) => `code:${personId}`,
} as const
