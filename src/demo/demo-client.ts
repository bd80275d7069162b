import { demoPassword } from './demo-data.js'

/** A caller of the API in a signed-in session: sends its cookie and CSRF token, answers JSON. */
export type DemoCaller = <T>(method: string, path: string, body?: unknown) => Promise<T>

/**
 * Signs a demo account in at a server with the demo data (`DEMO=true`) and answers a caller in
 * its session. For the browser journeys, the benchmarks and the screenshots script, which set up
 * their scenes through the API.
 *
 * @throws {Error} when the sign-in or a call is refused, with the status and the answer.
 */
export async function demoCaller(url: string, login: string): Promise<DemoCaller> {
  const answer = await fetch(`${url}/api/v1/auth/sign-in`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ login, password: demoPassword(login) }),
  })
  if (!answer.ok) throw new Error(`sign-in of ${login}: expected 200, got ${answer.status}`)
  return sessionCaller(url, answer)
}

/**
 * A caller in the session that `started` opened (the answer of a sign-in or a registration at
 * `url`): its cookies and its CSRF token go with every call.
 */
export async function sessionCaller(url: string, started: Response): Promise<DemoCaller> {
  const { csrfToken } = (await started.json()) as { csrfToken: string }
  const cookie = started.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ')
  return async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const reply = await fetch(`${url}${path}`, {
      method,
      headers: {
        cookie,
        'x-csrf-token': csrfToken,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    })
    if (!reply.ok) throw new Error(`${method} ${path}: ${reply.status} ${await reply.text()}`)
    return (await reply.json()) as T
  }
}

/** A fresh dynamic health code of a demo person, by family name, fetched by the demo clinician. */
export async function demoDynamicCode(url: string, familyName: string): Promise<string> {
  const clinician = await demoCaller(url, 'clinician@spb.demo')
  const { people } = await clinician<{ people: { id: string; familyName: string }[] }>(
    'GET',
    '/api/v1/people',
  )
  const person = people.find((p) => p.familyName === familyName)
  if (!person) throw new Error(`expected a demo person ${familyName}, found none`)
  const token = await clinician<{ qr: string }>(
    'GET',
    `/api/v1/people/${person.id}/health-code/token`,
  )
  return token.qr
}
