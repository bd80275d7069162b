import { type ReactNode, createContext, useCallback, useContext, useEffect, useState } from 'react'
import { type Session, currentSession, signIn, signOut } from '../api/api-client'

/** The signed-in account (or none yet, or not known yet) and the ways to change it. */
export interface SessionState {
  readonly status: 'loading' | 'signedOut' | 'signedIn' | 'unreachable'
  readonly session: Session | undefined
  readonly signIn: (login: string, password: string) => Promise<void>
  readonly signOut: () => Promise<void>
}

const SessionContext = createContext<SessionState | undefined>(undefined)

/** Asks the server who is signed in at start, and keeps the answer for the tree. */
export function SessionProvider({ children }: { children: ReactNode }) {
  const [status, setStatus] = useState<SessionState['status']>('loading')
  const [session, setSession] = useState<Session | undefined>(undefined)
  useEffect(() => {
    let live = true
    currentSession().then(
      (found) => {
        if (!live) return
        setSession(found)
        setStatus(found ? 'signedIn' : 'signedOut')
      },
      () => {
        if (live) setStatus('unreachable')
      },
    )
    return () => {
      live = false
    }
  }, [])
  const doSignIn = useCallback(async (login: string, password: string) => {
    const found = await signIn(login, password)
    setSession(found)
    setStatus('signedIn')
  }, [])
  const doSignOut = useCallback(async () => {
    try {
      await signOut()
    } finally {
      setSession(undefined)
      setStatus('signedOut')
    }
  }, [])
  return (
    <SessionContext.Provider value={{ status, session, signIn: doSignIn, signOut: doSignOut }}>
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
