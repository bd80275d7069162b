import { createHash } from 'node:crypto'
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
 * The headers every answer carries, as helmet's defaults would set them, but computed once: the CSP
 * above (with `upgrade-insecure-requests` where the server is reached over https), HSTS only over
 * https (over plain http it would be ignored at best, and pin a name to https at worst), no framing,
 * no MIME sniffing, a same-origin referrer and opener policy. The API is called from other origins
 * (partners' verifiers) with CORS, so no Cross-Origin-Resource-Policy.
 */
export function everyAnswerHeaders(options: {
  readonly publicUrl: string
}): Readonly<Record<string, string>> {
  const https = options.publicUrl.startsWith('https:')
  return {
    'content-security-policy': https
      ? `${pageContentSecurityPolicy()}; upgrade-insecure-requests`
      : pageContentSecurityPolicy(),
    'cross-origin-opener-policy': 'same-origin',
    'origin-agent-cluster': '?1',
    'referrer-policy': 'same-origin',
    ...(https ? { 'strict-transport-security': 'max-age=31536000' } : {}),
    'x-content-type-options': 'nosniff',
    'x-dns-prefetch-control': 'off',
    'x-download-options': 'noopen',
    'x-frame-options': 'DENY',
    'x-permitted-cross-domain-policies': 'none',
    // The browsers' old XSS auditor did more harm than good; 0 turns it off where it remains.
    'x-xss-protection': '0',
  }
}

/**
 * Security headers on every answer ({@link everyAnswerHeaders}), and `Cache-Control: no-store` on
 * API answers (see {@link CACHEABLE_API_ANSWERS}) unless the route sets its own. One synchronous
 * hook with headers built at start: this runs on every request, check-ins included.
 */
export function securityHeaders(
  app: FastifyInstance,
  options: { readonly publicUrl: string },
): void {
  const headers = Object.entries(everyAnswerHeaders(options))
  app.addHook('onRequest', (request, reply, done) => {
    for (const [name, value] of headers) reply.header(name, value)
    const url = request.url
    const query = url.indexOf('?')
    const path = query === -1 ? url : url.slice(0, query)
    // Set before the route runs: a route that sets its own Cache-Control replaces it.
    if (path.startsWith('/api/v1/') && !CACHEABLE_API_ANSWERS.has(path)) {
      reply.header('cache-control', 'no-store')
    }
    done()
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
