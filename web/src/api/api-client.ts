/**
 * The one place the web app talks HTTP: the session cookie travels by itself (same origin,
 * httpOnly), and the session's CSRF token is sent as `x-csrf-token` on every unsafe request.
 */

/** An answer other than 2xx, with the API's error code (docs/errors.md) and the field at fault. */
export class ApiError extends Error {
  override readonly name = 'ApiError'

  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field?: string,
  ) {
    super(message)
  }
}

/** The request never got an answer: the device is offline or the server is out of reach. */
export class NetworkError extends Error {
  override readonly name = 'NetworkError'
}

/** Who is signed in, as `GET /api/v1/auth/session` tells. */
export interface Session {
  readonly accountId: string
  readonly login: string
  readonly roles: readonly string[]
  /** The issuer a staff account acts for (its region's rules and data). */
  readonly issuerId?: string
  readonly personId?: string
}

let csrfToken: string | undefined

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE'])

/** Sends one request to the API and answers its JSON body (undefined for 204). */
export async function apiRequest<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' }
  if (body !== undefined) headers['content-type'] = 'application/json'
  if (UNSAFE.has(method) && csrfToken !== undefined) headers['x-csrf-token'] = csrfToken
  let answer: Response
  try {
    answer = await fetch(path, {
      method,
      headers,
      credentials: 'same-origin',
      body: body === undefined ? undefined : JSON.stringify(body),
    })
  } catch (error) {
    throw new NetworkError(error instanceof Error ? error.message : 'the request failed')
  }
  if (answer.status === 204) return undefined as T
  const text = await answer.text()
  let json: unknown
  try {
    json = text === '' ? undefined : JSON.parse(text)
  } catch {
    json = undefined
  }
  if (!answer.ok) {
    const error = (json as { error?: { code?: string; message?: string; field?: string } })?.error
    throw new ApiError(
      answer.status,
      error?.code ?? 'ERR_HTTP',
      error?.message ?? `HTTP ${answer.status}`,
      error?.field,
    )
  }
  return json as T
}

/** Signs in with a password; the server sets the session cookie. */
export async function signIn(login: string, password: string): Promise<Session> {
  const answer = await apiRequest<{ csrfToken: string }>('POST', '/api/v1/auth/sign-in', {
    login,
    password,
  })
  csrfToken = answer.csrfToken
  const session = await currentSession()
  if (!session) throw new ApiError(401, 'ERR_AUTH_REQUIRED', 'the session did not start')
  return session
}

/** The session the cookie carries, or undefined when no one is signed in. */
export async function currentSession(): Promise<Session | undefined> {
  try {
    const answer = await apiRequest<Session & { csrfToken?: string }>('GET', '/api/v1/auth/session')
    csrfToken = answer.csrfToken
    return answer
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) return undefined
    throw error
  }
}

/**
 * Makes sure the CSRF token of the current session is known before an unsafe request: after a
 * start without the network (or a session renewed meanwhile) the page has none, or an old one.
 * Asks the server (`GET /api/v1/auth/session`) when `renew` or when no token is known.
 *
 * @throws {NetworkError} offline; {ApiError} 401 when no one is signed in any more.
 */
export async function ensureCsrfToken(renew = false): Promise<void> {
  if (csrfToken !== undefined && !renew) return
  const session = await currentSession()
  if (!session) throw new ApiError(401, 'ERR_AUTH_REQUIRED', 'no one is signed in')
}

/** Ends the session (the cookie is cleared by the server). */
export async function signOut(): Promise<void> {
  try {
    await apiRequest('POST', '/api/v1/auth/sign-out')
  } finally {
    csrfToken = undefined
  }
}

/** A random id for a check-in or scan, so that sending it twice changes nothing on the server. */
export function newClientId(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID()
  // randomUUID exists only in secure contexts (https or localhost); a LAN address over http has
  // getRandomValues alone.
  const bytes = crypto.getRandomValues(new Uint8Array(16))
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x40
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80
  const hex = [...bytes].map((byte) => byte.toString(16).padStart(2, '0')).join('')
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`
}
