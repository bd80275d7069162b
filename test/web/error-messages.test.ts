import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { describe, it } from 'node:test'
import { httpStatus } from '../../src/api/errors.js'

const source = readFileSync(
  new URL('../../web/src/components/ErrorMessage.tsx', import.meta.url),
  'utf8',
)

/**
 * Codes a person never meets through the web app's forms: the server's own failure (the generic
 * text is the honest one), routes the app does not call, and the offline scanner's upload, which
 * says what happened to each scan itself.
 */
const notShownByForms = new Set([
  'ERR_INTERNAL',
  'ERR_ROUTE_NOT_FOUND',
  'ERR_OIDC_NOT_CONFIGURED',
  'ERR_OIDC_LOGIN',
  'ERR_OIDC_UNREACHABLE',
  // The identity provider's callback is a redirect the browser follows, not a form.
  'ERR_OIDC_DISCOVERY',
  'ERR_OIDC_STATE',
  'ERR_OIDC_EXPIRED',
  'ERR_OIDC_DENIED',
  'ERR_OIDC_TOKEN',
  // The app always sends JSON; a damaged store is the server's failure; the Gateway's batch
  // downloads are for other backends.
  'ERR_UNSUPPORTED_MEDIA_TYPE',
  'ERR_ISSUER_TREE_BROKEN',
  'ERR_GATEWAY_BATCH_GONE',
  'ERR_SCAN_TIME_NOT_QUEUED',
  'ERR_SCAN_TIME_TOO_OLD',
  'ERR_UVCI_CHECK',
])

describe('the web app’s error messages (web/src/components/ErrorMessage.tsx)', () => {
  it('translates every error code of the API a form can meet, rather than “Something went wrong”', () => {
    const codes = Object.keys(httpStatus)
    const untranslated = codes.filter(
      (code) => !notShownByForms.has(code) && !source.includes(`${code}: 'error.`),
    )
    assert.deepEqual(untranslated, [])
  })
})
