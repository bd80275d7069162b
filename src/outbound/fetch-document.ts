import { DomainError } from '../domain/errors.js'

/** How long one outbound fetch may take, connecting and reading included. */
const FETCH_TIMEOUT_MS = 15_000

/**
 * Fetches a text document over HTTP(S) for the domain (a partner's trust list), counting the bytes
 * as they stream in: a body larger than `maxBytes` is abandoned at that point, whether or not the
 * server declared its length. Failures are `ERR_TRUST_LIST_FETCH`.
 *
 * @example
 * ```ts
 * const text = await fetchDocument('https://partner.example/api/v1/trust-list', 8 * 1024 * 1024)
 * ```
 */
export async function fetchDocument(url: string, maxBytes: number): Promise<string> {
  const controller = new AbortController()
  const timer = setTimeout(() => controller.abort(new Error('timed out')), FETCH_TIMEOUT_MS)
  try {
    let response: Response
    try {
      response = await fetch(url, { signal: controller.signal, redirect: 'follow' })
    } catch (error) {
      throw fetchFailed(url, `could not fetch it: ${(error as Error).message}`)
    }
    if (!response.ok) throw fetchFailed(url, `it answered HTTP ${response.status}`)
    const declared = Number(response.headers.get('content-length') ?? 0)
    if (declared > maxBytes) throw tooLarge(url, maxBytes)
    return new TextDecoder().decode(await readAtMost(response, url, maxBytes, controller))
  } finally {
    clearTimeout(timer)
  }
}

async function readAtMost(
  response: Response,
  url: string,
  maxBytes: number,
  controller: AbortController,
): Promise<Uint8Array> {
  if (!response.body) return new Uint8Array()
  const reader = response.body.getReader()
  const chunks: Uint8Array[] = []
  let length = 0
  try {
    for (;;) {
      const { done, value } = await reader.read()
      if (done) break
      length += value.byteLength
      if (length > maxBytes) {
        controller.abort(new Error('too large'))
        throw tooLarge(url, maxBytes)
      }
      chunks.push(value)
    }
  } catch (error) {
    if (error instanceof DomainError) throw error
    throw fetchFailed(url, `reading it failed: ${(error as Error).message}`)
  } finally {
    reader.releaseLock()
  }
  const bytes = new Uint8Array(length)
  let offset = 0
  for (const chunk of chunks) {
    bytes.set(chunk, offset)
    offset += chunk.byteLength
  }
  return bytes
}

function fetchFailed(url: string, reason: string): DomainError {
  return new DomainError('ERR_TRUST_LIST_FETCH', `fetching the trust list from ${url}: ${reason}`)
}

function tooLarge(url: string, maxBytes: number): DomainError {
  return new DomainError(
    'ERR_TRUST_LIST_FETCH',
    `the trust list at ${url} is larger than ${maxBytes} bytes`,
  )
}
