import assert from 'node:assert/strict'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { after, before, describe, it } from 'node:test'
import { DomainError } from '../domain/errors.js'
import { fetchDocument } from './fetch-document.js'

const CHUNK = Buffer.alloc(64 * 1024, 0x61)
/** What the endless route would send in all, were it read to the end. */
const ENDLESS_BYTES = 64 * 1024 * 1024

describe('fetching a document over HTTP', () => {
  let server: Server
  let base: string
  let endlessBytesWritten = 0
  let endlessClosed: Promise<void> = Promise.resolve()

  before(async () => {
    server = createServer((request, response) => {
      if (request.url === '/list') {
        response.setHeader('content-type', 'application/json')
        response.end('{"ok":true}')
      } else if (request.url === '/declared-large') {
        response.setHeader('content-length', String(10_000))
        response.end(Buffer.alloc(10_000))
      } else if (request.url === '/endless') {
        // No Content-Length: chunked, and it would go on for 64 MiB.
        endlessClosed = new Promise((resolve) => response.on('close', () => resolve()))
        const write = (): void => {
          while (endlessBytesWritten < ENDLESS_BYTES && !response.destroyed) {
            endlessBytesWritten += CHUNK.length
            if (!response.write(CHUNK)) {
              response.once('drain', write)
              return
            }
          }
          if (!response.destroyed) response.end()
        }
        write()
      } else {
        response.statusCode = 404
        response.end('no')
      }
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  })
  after(() => new Promise<void>((resolve) => server.close(() => resolve())))

  it('returns the text of a document within the limit', async () => {
    assert.equal(await fetchDocument(`${base}/list`, 1024), '{"ok":true}')
  })

  it('refuses a document whose declared length is over the limit', async () => {
    await assert.rejects(fetchDocument(`${base}/declared-large`, 1024), isFetchError(/larger/))
  })

  it('stops reading an undeclared body as soon as it passes the limit', async () => {
    await assert.rejects(fetchDocument(`${base}/endless`, 256 * 1024), isFetchError(/larger/))
    await endlessClosed
    assert.ok(
      endlessBytesWritten < ENDLESS_BYTES,
      `the server wrote ${endlessBytesWritten} of ${ENDLESS_BYTES} bytes before the client hung up`,
    )
  })

  it('refuses an HTTP error answer with its status', async () => {
    await assert.rejects(fetchDocument(`${base}/missing`, 1024), isFetchError(/HTTP 404/))
  })

  it('refuses an address nothing answers at', async () => {
    const closed = createServer()
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve))
    const port = (closed.address() as AddressInfo).port
    await new Promise<void>((resolve) => closed.close(() => resolve()))
    await assert.rejects(fetchDocument(`http://127.0.0.1:${port}/`, 1024), isFetchError(/fetch/))
  })
})

function isFetchError(message: RegExp) {
  return (error: unknown): boolean => {
    assert.ok(error instanceof DomainError)
    assert.equal(error.code, 'ERR_TRUST_LIST_FETCH')
    assert.match(error.message, message)
    return true
  }
}
