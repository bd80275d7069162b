import { existsSync } from 'node:fs'
import { stat } from 'node:fs/promises'
import { dirname, join, resolve, sep } from 'node:path'
import { fileURLToPath } from 'node:url'
import fastifyStatic from '@fastify/static'
import type { FastifyInstance, FastifyReply } from 'fastify'
import { pageContentSecurityPolicy } from '../../security-headers.js'

/** Where the web app is served: the API keeps /api, the server's own pages keep /. */
export const WEB_APP_PATH = '/app/'

/** Files under assets/ carry a content hash in their names: they never change. */
const IMMUTABLE = 'public, max-age=31536000, immutable'
/** Everything else (index.html, sw.js, the manifest) is revalidated on every use. */
const REVALIDATE = 'no-cache'

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
 * Serves the built web app under `/app/` through @fastify/static: hashed assets cached for good,
 * everything else revalidated (ETag, Last-Modified), the gzip or brotli file the build wrote when
 * the client takes it, and index.html for every other path below `/app/` (the app routes in the
 * browser). Without a build, `/app/` answers 404 saying so; the API is unaffected.
 */
export async function webRoutes(
  app: FastifyInstance,
  options: WebRoutesOptions = {},
): Promise<void> {
  const root = resolve(options.root ?? defaultWebRoot())
  // serve: false: only reply.sendFile; the one route below decides what each path means.
  await app.register(fastifyStatic, {
    serve: false,
    preCompressed: true,
    cacheControl: false,
    index: false,
    dotfiles: 'deny',
  })

  // RFC 9239 names text/javascript; @fastify/send's table still says application/javascript.
  app.addHook('onSend', async (_request, reply, payload) => {
    if (String(reply.getHeader('content-type')).startsWith('application/javascript')) {
      reply.header('content-type', 'text/javascript; charset=utf-8')
    }
    return payload
  })

  function notFound(reply: FastifyReply, message: string): FastifyReply {
    return reply.status(404).send({ error: { code: 'ERR_ROUTE_NOT_FOUND', message } })
  }

  async function isFile(path: string): Promise<boolean> {
    try {
      return (await stat(path)).isFile()
    } catch {
      return false
    }
  }

  // Handlers return the reply without awaiting it: a reply is thenable, and awaiting one that
  // is being sent settles only when it is done (with undefined), which is how sending twice
  // (FST_ERR_REP_ALREADY_SENT) happened here before.
  async function serveIndex(reply: FastifyReply): Promise<FastifyReply> {
    if (!(await isFile(join(root, 'index.html')))) {
      return notFound(
        reply,
        `the web app is not built (no ${join(root, 'index.html')}): run npm run build`,
      )
    }
    return reply
      .header('cache-control', REVALIDATE)
      .header('content-security-policy', pageContentSecurityPolicy())
      .header('permissions-policy', 'camera=(self), microphone=(), geolocation=()')
      .sendFile('index.html', root)
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
      if (!lastSegment.includes('.')) return serveIndex(reply)
      const path = resolve(root, wanted)
      if (wanted.includes('\0') || !path.startsWith(root + sep) || !(await isFile(path))) {
        return notFound(reply, `no file ${WEB_APP_PATH}${wanted} in the web app`)
      }
      return reply
        .header('cache-control', wanted.startsWith('assets/') ? IMMUTABLE : REVALIDATE)
        .sendFile(wanted, root)
    },
  )
}
