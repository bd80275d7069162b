import { createHash } from 'node:crypto'
import helmet from '@fastify/helmet'
import type { FastifyInstance } from 'fastify'
import { displaySafeFileName } from '../domain/commission/attachment-check.js'

/**
 * What pages may load: only our own scripts, styles, fonts and images, the ZXing WebAssembly
 * (compiled with 'wasm-unsafe-eval'), the camera stream and QR codes as blob:/data: URLs, and calls
 * to our own API. No page may be framed (clickjacking), and no plugin content runs.
 */
const PAGE_DIRECTIVES: Readonly<Record<string, readonly string[]>> = {
  'default-src': ["'self'"],
  'script-src': ["'self'", "'wasm-unsafe-eval'"],
  'style-src': ["'self'"],
  'img-src': ["'self'", 'data:', 'blob:'],
  'media-src': ["'self'", 'blob:'],
  'font-src': ["'self'"],
  'connect-src': ["'self'"],
  'worker-src': ["'self'"],
  'manifest-src': ["'self'"],
  'object-src': ["'none'"],
  'frame-ancestors': ["'none'"],
  'base-uri': ["'self'"],
  'form-action': ["'self'"],
}

/**
 * The Content-Security-Policy of our pages, with the SHA-256 of inline `<style>` blocks a page
 * carries (the server's own home page has one).
 */
export function pageContentSecurityPolicy(inlineStyles: readonly string[] = []): string {
  const hashes = inlineStyles.map(
    (style) => `'sha256-${createHash('sha256').update(style).digest('base64')}'`,
  )
  return Object.entries(PAGE_DIRECTIVES)
    .map(([name, sources]) => [name, ...sources, ...(name === 'style-src' ? hashes : [])].join(' '))
    .join('; ')
}

/**
 * The policy of a user's file shown in the browser (evidence images): a sandbox, so that nothing
 * in it runs as our origin, and nothing loaded but the file itself.
 */
export const SANDBOXED_FILE_POLICY =
  "sandbox; default-src 'none'; img-src 'self'; style-src 'unsafe-inline'"

/**
 * Answers under `/api/v1/` that are public lists meant to be cached by verifiers and partners;
 * every other API answer may carry personal data and is sent `Cache-Control: no-store` unless the
 * route sets its own.
 */
const CACHEABLE_API_ANSWERS = new Set([
  '/api/v1/trust-list',
  '/api/v1/trust-list/signer',
  '/api/v1/revocation-list',
])

/**
 * Security headers on every answer: the CSP above, HSTS when the server is reached over https,
 * `X-Content-Type-Options: nosniff`, `X-Frame-Options: DENY`, a same-origin referrer policy; and
 * `Cache-Control: no-store` on API answers (see {@link CACHEABLE_API_ANSWERS}).
 */
export async function securityHeaders(
  app: FastifyInstance,
  options: { readonly publicUrl: string },
): Promise<void> {
  const https = options.publicUrl.startsWith('https:')
  await app.register(helmet, {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        ...Object.fromEntries(
          Object.entries(PAGE_DIRECTIVES).map(([name, sources]) => [name, [...sources]]),
        ),
        // Only where the page itself came over https: on plain http it would break every request.
        ...(https ? { 'upgrade-insecure-requests': [] } : {}),
      },
    },
    // HSTS over plain http would be ignored at best, and would pin a name to https at worst.
    strictTransportSecurity: https ? { maxAge: 31_536_000, includeSubDomains: false } : false,
    xFrameOptions: { action: 'deny' },
    referrerPolicy: { policy: 'same-origin' },
    // The API is called from other origins (partners' verifiers) with CORS; resources need not
    // be same-origin only.
    crossOriginResourcePolicy: false,
  })
  app.addHook('onSend', async (request, reply, payload) => {
    const path = request.url.split('?')[0] ?? ''
    if (
      path.startsWith('/api/v1/') &&
      !CACHEABLE_API_ANSWERS.has(path) &&
      reply.getHeader('cache-control') === undefined
    ) {
      reply.header('cache-control', 'no-store')
    }
    return payload
  })
}

/**
 * A `Content-Disposition` value (RFC 6266): an ASCII `filename` for old clients and the exact name
 * as `filename*` (RFC 8187), with bidirectional and other invisible controls removed.
 */
export function contentDisposition(type: 'attachment' | 'inline', fileName: string): string {
  const name = displaySafeFileName(fileName)
  const ascii = name.replace(/[^\x20-\x7e]|["\\%]/g, '_')
  // encodeURIComponent leaves ' ( ) * as they are, which RFC 8187's attr-char does not allow.
  const encoded = encodeURIComponent(name).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  )
  return `${type}; filename="${ascii}"; filename*=UTF-8''${encoded}`
}
