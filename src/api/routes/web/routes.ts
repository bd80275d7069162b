import { createHash } from 'node:crypto'
import { existsSync } from 'node:fs'
import { readFile, stat } from 'node:fs/promises'
import { dirname, extname, join, resolve, sep } from 'node:path'
import { fileURLToPath } from 'node:url'
import { gzipSync } from 'node:zlib'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'

/** Where the web app is served: the API keeps /api, the server's own pages keep /. */
export const WEB_APP_PATH = '/app/'

/** Content types by extension, for what `vite build` writes (web/vite.config.ts). */
const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
}
const COMPRESSIBLE = new Set([
  '.html',
  '.js',
  '.mjs',
  '.css',
  '.json',
  '.webmanifest',
  '.wasm',
  '.svg',
  '.map',
])

/** Files under assets/ carry a content hash in their names: they never change. */
const IMMUTABLE = 'public, max-age=31536000, immutable'
/** Everything else (index.html, sw.js, the manifest) is revalidated on every use. */
const REVALIDATE = 'no-cache'

// The page loads only our own code, styles, images and the ZXing WebAssembly (compiled with
// 'wasm-unsafe-eval'), and talks only to our own API; the camera stream is a blob: URL.
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "media-src 'self' blob:",
  "connect-src 'self'",
  "worker-src 'self'",
  "manifest-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'self'",
  "form-action 'self'",
].join('; ')

interface CachedFile {
  readonly mtimeMs: number
  readonly size: number
  readonly etag: string
  readonly body: Buffer
  readonly gzip: Buffer | undefined
}

/** Options of the web app's routes. */
export interface WebRoutesOptions {
  /** The folder `vite build` wrote; default `dist/web` of this package. */
  readonly root?: string
}

/**
 * The package's `dist/web`: found from this module's own place, which is `src/api/routes/web` when
 * run from source and `dist/src/api/routes/web` when built.
 */
export function defaultWebRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url))
  for (;;) {
    if (existsSync(join(dir, 'package.json'))) return join(dir, 'dist', 'web')
    const parent = dirname(dir)
    if (parent === dir) return resolve('dist', 'web')
    dir = parent
  }
}

/**
 * Serves the built web app under `/app/`: hashed assets cached for good, everything else
 * revalidated, gzip when the client takes it, and index.html for every other path below `/app/`
 * (the app routes in the browser). Without a build, `/app/` answers 404 saying so; the API is
 * unaffected.
 */
export async function webRoutes(
  app: FastifyInstance,
  options: WebRoutesOptions = {},
): Promise<void> {
  const root = resolve(options.root ?? defaultWebRoot())
  const cache = new Map<string, CachedFile>()

  async function load(path: string): Promise<CachedFile | undefined> {
    let info
    try {
      info = await stat(path)
    } catch {
      return undefined
    }
    if (!info.isFile()) return undefined
    const cached = cache.get(path)
    if (cached && cached.mtimeMs === info.mtimeMs && cached.size === info.size) return cached
    const body = await readFile(path)
    const file: CachedFile = {
      mtimeMs: info.mtimeMs,
      size: info.size,
      etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`,
      body,
      gzip: COMPRESSIBLE.has(extname(path)) && body.length > 1024 ? gzipSync(body) : undefined,
    }
    cache.set(path, file)
    return file
  }

  function notFound(reply: FastifyReply, message: string): FastifyReply {
    return reply.status(404).send({ error: { code: 'ERR_ROUTE_NOT_FOUND', message } })
  }

  async function send(
    request: FastifyRequest,
    reply: FastifyReply,
    path: string,
    cacheControl: string,
  ): Promise<FastifyReply | undefined> {
    const file = await load(path)
    if (!file) return undefined
    const extension = extname(path)
    reply
      .header('content-type', CONTENT_TYPES[extension] ?? 'application/octet-stream')
      .header('cache-control', cacheControl)
      .header('etag', file.etag)
      .header('x-content-type-options', 'nosniff')
      .header('vary', 'accept-encoding')
    if (extension === '.html') {
      reply
        .header('content-security-policy', CONTENT_SECURITY_POLICY)
        .header('referrer-policy', 'same-origin')
        .header('permissions-policy', 'camera=(self), microphone=(), geolocation=()')
    }
    if (request.headers['if-none-match'] === file.etag) return reply.status(304).send()
    const acceptsGzip = /\bgzip\b/.test(String(request.headers['accept-encoding'] ?? ''))
    if (file.gzip && acceptsGzip) {
      return reply.header('content-encoding', 'gzip').send(file.gzip)
    }
    return reply.send(file.body)
  }

  async function serveIndex(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
    const sent = await send(request, reply, join(root, 'index.html'), REVALIDATE)
    return (
      sent ??
      notFound(
        reply,
        `the web app is not built (no ${join(root, 'index.html')}): run npm run build`,
      )
    )
  }

  app.get(
    WEB_APP_PATH.slice(0, -1),
    { config: { access: 'public' }, schema: { hide: true } },
    async (_request, reply) => reply.redirect(WEB_APP_PATH, 301),
  )

  app.get<{ Params: { '*': string } }>(
    `${WEB_APP_PATH}*`,
    { config: { access: 'public' }, schema: { hide: true } },
    async (request, reply) => {
      const wanted = request.params['*'] ?? ''
      // A path with an extension names a file; anything else is a page of the app.
      const lastSegment = wanted.split('/').pop() ?? ''
      if (!lastSegment.includes('.')) return serveIndex(request, reply)
      const path = resolve(root, wanted)
      if (wanted.includes('\0') || !path.startsWith(root + sep)) {
        return notFound(reply, `no file ${WEB_APP_PATH}${wanted}`)
      }
      const cacheControl = wanted.startsWith('assets/') ? IMMUTABLE : REVALIDATE
      const sent = await send(request, reply, path, cacheControl)
      return sent ?? notFound(reply, `no file ${WEB_APP_PATH}${wanted} in the web app`)
    },
  )
}
