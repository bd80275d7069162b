import { type ReactNode, createContext, useCallback, useContext, useEffect, useState } from 'react'
import { NetworkError, type Session, currentSession, signIn, signOut } from '../api/api-client'
import { clearWallet } from '../wallet/wallet-store'

/** The signed-in account (or none yet, or not known yet) and the ways to change it. */
export interface SessionState {
  readonly status: 'loading' | 'signedOut' | 'signedIn' | 'unreachable'
  readonly session: Session | undefined
  /**
   * The server could not be reached at start, and the app goes on with the account last signed
   * in on this device (the door scanner works offline); the server is asked again when online.
   */
  readonly offline: boolean
  readonly signIn: (login: string, password: string) => Promise<void>
  readonly signOut: () => Promise<void>
  /**
   * The registration page opened a session (its second step links the record, then reloads the
   * app signed in): nothing offers to sign in meanwhile.
   */
  readonly accountCreated: boolean
  readonly noteAccountCreated: () => void
}

const SessionContext = createContext<SessionState | undefined>(undefined)

/** Where the last signed-in account is kept: who it is and its roles, never a secret. */
const REMEMBERED_KEY = 'hc.session'

function remember(session: Session | undefined): void {
  try {
    if (session === undefined) localStorage.removeItem(REMEMBERED_KEY)
    else localStorage.setItem(REMEMBERED_KEY, JSON.stringify(session))
  } catch {
    // Private modes may refuse storage; an offline start then asks to sign in.
  }
}

function remembered(): Session | undefined {
  try {
    const stored = JSON.parse(localStorage.getItem(REMEMBERED_KEY) ?? 'null') as unknown
    if (
      typeof stored === 'object' &&
      stored !== null &&
      typeof (stored as Session).accountId === 'string' &&
      Array.isArray((stored as Session).roles)
    ) {
      return stored as Session
    }
  } catch {
    // Unreadable: as if nothing was kept.
  }
  return undefined
}

/** Asks the server who is signed in at start, and keeps the answer for the tree. */
export function SessionProvider({ children }: { children: ReactNode }) {
  const [status, setStatus] = useState<SessionState['status']>('loading')
  const [session, setSession] = useState<Session | undefined>(undefined)
  const [offline, setOffline] = useState(false)
  const [accountCreated, setAccountCreated] = useState(false)
  const noteAccountCreated = useCallback(() => setAccountCreated(true), [])
  useEffect(() => {
    let live = true
    const ask = () =>
      currentSession().then(
        (found) => {
          if (!live) return
          remember(found)
          setSession(found)
          setStatus(found ? 'signedIn' : 'signedOut')
          setOffline(false)
        },
        (error: unknown) => {
          if (!live) return
          const kept = error instanceof NetworkError ? remembered() : undefined
          if (kept === undefined) {
            setStatus((now) => (now === 'loading' ? 'unreachable' : now))
            return
          }
          setSession((now) => now ?? kept)
          setStatus('signedIn')
          setOffline(true)
        },
      )
    void ask()
    // Back online: the server says whether the session still holds (and renews the CSRF token).
    const reconnect = () => void ask()
    window.addEventListener('online', reconnect)
    return () => {
      live = false
      window.removeEventListener('online', reconnect)
    }
  }, [])
  const doSignIn = useCallback(async (login: string, password: string) => {
    const found = await signIn(login, password)
    remember(found)
    setSession(found)
    setStatus('signedIn')
    setOffline(false)
  }, [])
  const doSignOut = useCallback(async () => {
    try {
      await signOut()
    } finally {
      // The next person to use this device sees nothing of this account's wallet.
      await clearWallet()
      remember(undefined)
      setSession(undefined)
      setStatus('signedOut')
    }
  }, [])
  return (
    <SessionContext.Provider
      value={{
        status,
        session,
        offline,
        signIn: doSignIn,
        signOut: doSignOut,
        accountCreated,
        noteAccountCreated,
      }}
    >
      {children}
    </SessionContext.Provider>
  )
}

/** The session state of the app. */
export function useSession(): SessionState {
  const value = useContext(SessionContext)
  if (value === undefined) throw new Error('useSession is used outside SessionProvider')
  return value
}

/** Whether the account may run a venue's door scanner. */
export function isScannerRole(session: Session | undefined): boolean {
  return (
    session?.roles.some((role) =>
      ['venue_operator', 'company_admin', 'health_authority'].includes(role),
    ) ?? false
  )
}

/** Whether the account is a citizen's (my code, declarations, certificates, check-ins). */
export function isCitizen(session: Session | undefined): boolean {
  return session?.roles.includes('citizen') ?? false
}

/** Whether the account has one of `roles`. */
export function hasRole(session: Session | undefined, ...roles: readonly string[]): boolean {
  return session?.roles.some((role) => roles.includes(role)) ?? false
}
