import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify'
import type { CertificatePdfErrorCode } from '../certificate-pdf/index.js'
import type { GatewayErrorCode } from '../codec/gateway/index.js'
import { HealthcodeError } from '../codec/healthcode-error.js'
import type { ShcTrustErrorCode } from '../codec/shc/index.js'
import type { TrustListErrorCode } from '../codec/trust-list/index.js'
import type { DomainErrorCode } from '../domain/errors.js'
import type { HealthCodeErrorCode } from '../domain/health-code/index.js'
import { LimitReachedError } from '../domain/limits/limit-reached-error.js'
import type { ValidityRuleErrorCode } from '../domain/validity-rules/index.js'
import { StorageError } from '../storage/errors.js'
import type { OidcErrorCode } from './auth/oidc/index.js'

/** Codes the HTTP layer itself reports (see docs/errors.md). */
export type ApiErrorCode =
  | 'ERR_VALIDATION'
  | 'ERR_UNSUPPORTED_MEDIA_TYPE'
  | 'ERR_BODY_TOO_LARGE'
  | 'ERR_ROUTE_NOT_FOUND'
  | 'ERR_AUTH_REQUIRED'
  | 'ERR_CSRF'
  | 'ERR_RATE_LIMITED'
  | 'ERR_STORAGE_UNAVAILABLE'
  | 'ERR_OIDC_NOT_CONFIGURED'
  | 'ERR_OIDC_LOGIN'
  | 'ERR_OIDC_UNREACHABLE'
  | 'ERR_INTERNAL'

/** Every code an HTTP answer can carry. */
export type HttpErrorCode =
  | ApiErrorCode
  | DomainErrorCode
  | TrustListErrorCode
  | CertificatePdfErrorCode
  | HealthCodeErrorCode
  | ValidityRuleErrorCode
  | OidcErrorCode
  | ShcTrustErrorCode
  | GatewayErrorCode

/**
 * The HTTP status of every code an answer can carry: the one place statuses are decided (errors
 * themselves carry none). Exhaustive: a new code does not compile unmapped; docs/errors.md lists
 * each with this status (test/error-catalogue.test.ts).
 */
export const httpStatus: Record<HttpErrorCode, number> = {
  // The HTTP layer
  ERR_VALIDATION: 400,
  ERR_UNSUPPORTED_MEDIA_TYPE: 415,
  ERR_BODY_TOO_LARGE: 413,
  ERR_ROUTE_NOT_FOUND: 404,
  ERR_AUTH_REQUIRED: 401,
  ERR_CSRF: 403,
  ERR_RATE_LIMITED: 429,
  ERR_STORAGE_UNAVAILABLE: 503,
  ERR_OIDC_NOT_CONFIGURED: 501,
  ERR_OIDC_LOGIN: 400,
  ERR_OIDC_UNREACHABLE: 502,
  ERR_INTERNAL: 500,
  // Signing in through the identity provider
  ERR_OIDC_DISCOVERY: 502,
  ERR_OIDC_STATE: 400,
  ERR_OIDC_EXPIRED: 400,
  ERR_OIDC_DENIED: 403,
  ERR_OIDC_TOKEN: 400,
  // The domain
  ERR_NOT_FOUND: 404,
  ERR_FORBIDDEN: 403,
  ERR_CONFLICT: 409,
  ERR_INVALID_FIELD: 400,
  ERR_SIGN_IN_FAILED: 401,
  ERR_CLAIM_MISMATCH: 422,
  ERR_ALREADY_CLAIMED: 409,
  ERR_SIGNING_UNAVAILABLE: 503,
  ERR_APPEAL_SAME_MEMBER: 403,
  ERR_REQUEST_DECIDED: 409,
  ERR_REQUEST_NOT_APPEALABLE: 409,
  ERR_ANTIBODY_BELOW_THRESHOLD: 422,
  ERR_RECORD_EXPIRED: 409,
  ERR_RECORD_YIELDS_NO_CERTIFICATE: 422,
  ERR_RECORD_HAS_CERTIFICATE: 409,
  ERR_CERTIFICATE_ALREADY_REVOKED: 409,
  ERR_RISK_AREA_SUPERSEDED: 409,
  ERR_ISSUER_TREE_BROKEN: 500,
  ERR_ATTACHMENT: 400,
  ERR_TRUST_LIST_FETCH: 502,
  ERR_SCAN_TIME_NOT_QUEUED: 400,
  ERR_SCAN_TIME_TOO_OLD: 400,
  ERR_UVCI_CHECK: 400,
  ERR_CLAIM_LOCKED: 429,
  ERR_SIGN_IN_LOCKED: 429,
  ERR_QUOTA_OPEN_REQUESTS: 429,
  ERR_QUOTA_EVIDENCE_BYTES: 429,
  ERR_QUOTA_CHECKINS: 429,
  ERR_EMPTY_RULE_SET: 422,
  ERR_GATEWAY_BATCH_GONE: 410,
  ERR_GATEWAY_NO_TRUST_LIST: 409,
  ERR_CASE_OPEN: 409,
  ERR_CASE_CLOSED: 409,
  // Imported trust lists
  ERR_TRUST_LIST_FORMAT: 400,
  ERR_TRUST_LIST_SIGNATURE: 400,
  ERR_TRUST_LIST_CHAIN: 400,
  ERR_TRUST_LIST_THUMBPRINT: 400,
  ERR_TRUST_LIST_KID: 400,
  ERR_TRUST_LIST_SIGNER: 400,
  // Partner lists in the DCC Gateway's formats
  ERR_GATEWAY_CMS: 400,
  ERR_GATEWAY_SIGNATURE: 400,
  ERR_GATEWAY_SIGNER: 400,
  ERR_GATEWAY_FORMAT: 400,
  ERR_GATEWAY_CHAIN: 400,
  // Trusted SMART Health Card issuers
  ERR_SHC_TRUST_ISSUER: 400,
  ERR_SHC_TRUST_JWKS: 400,
  ERR_SHC_TRUST_KEY: 400,
  ERR_SHC_TRUST_KID: 400,
  ERR_SHC_TRUST_CRL: 400,
  // The printable certificate
  ERR_PDF_NO_FONT: 422,
  ERR_PDF_OVERFLOW: 422,
  ERR_PDF_QR_TEXT: 422,
  ERR_PDF_DETAILS: 422,
  ERR_PDF_DATE: 422,
  // Stored rules that do not run
  ERR_RULESET: 422,
  ERR_RULE_EVALUATION: 422,
  ERR_HEALTH_INPUT: 422,
  ERR_VALIDITY_RULE: 422,
}

function isHttpErrorCode(code: string): code is HttpErrorCode {
  return Object.hasOwn(httpStatus, code)
}

/** A failure the HTTP layer itself reports; its status comes from {@link httpStatus}. */
export class ApiError extends HealthcodeError<ApiErrorCode> {
  override readonly name = 'ApiError'
}

/** Error codes of drivers and sockets that mean the database cannot be reached right now. */
const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EHOSTUNREACH',
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now
  '08000',
  '08001',
  '08003',
  '08004',
  '08006',
  '57014', // query_canceled: statement_timeout
  '25P03', // idle_in_transaction_session_timeout
  'SQLITE_BUSY',
  'SQLITE_CANTOPEN',
  'SQLITE_IOERR',
  'ERR_STORAGE_UNAVAILABLE',
])

/** Tells whether an error means the store is out of reach (the request may succeed later). */
export function isStorageUnavailable(error: unknown): boolean {
  for (let e: unknown = error; e instanceof Error; e = e.cause) {
    const code = (e as { code?: unknown }).code
    if (typeof code === 'string' && UNAVAILABLE_CODES.has(code)) return true
    if (
      /Connection terminated|connect ECONNREFUSED|timeout exceeded when trying to connect|Query read timeout/.test(
        e.message,
      )
    )
      return true
  }
  return false
}

/** The body of every error answer. */
export interface ErrorBody {
  error: { code: string; message: string; field?: string }
}

/**
 * A JSON pointer as the domain names fields (`/visits/0/until` → `visits[0].until`), so that a
 * field reads the same whether the schema or the domain refused it.
 */
function fieldOfPointer(pointer: string): string {
  return pointer
    .slice(1)
    .split('/')
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((part, index) => (/^\d+$/.test(part) ? `[${part}]` : index === 0 ? part : `.${part}`))
    .join('')
}

/** Maps any error to a status and a machine-readable body; logs what is not the client's fault. */
export function handleError(
  error: unknown,
  request: FastifyRequest,
  reply: FastifyReply,
): FastifyReply {
  const send = (status: number, code: string, message: string, field?: string): FastifyReply =>
    reply
      .status(status)
      .send({ error: { code, message, ...(field ? { field } : {}) } } satisfies ErrorBody)
  // A limit reached says when to try again.
  if (error instanceof LimitReachedError && error.retryAfterSeconds !== undefined) {
    reply.header('retry-after', String(error.retryAfterSeconds))
  }
  if (error instanceof HealthcodeError && isHttpErrorCode(error.code)) {
    return send(httpStatus[error.code], error.code, error.message, error.field || undefined)
  }
  // A uniqueness race the domain's own check could not see (two writers at once) is a conflict.
  if (
    error instanceof StorageError &&
    (error.code === 'ERR_STORAGE_UNIQUE' || error.code === 'ERR_STORAGE_FOREIGN_KEY')
  ) {
    return send(409, 'ERR_CONFLICT', error.message)
  }
  const fastifyError = error as FastifyError
  if (fastifyError.validation) {
    const first = fastifyError.validation[0]
    const field = first?.instancePath
      ? fieldOfPointer(first.instancePath)
      : (first?.params as { missingProperty?: string } | undefined)?.missingProperty
    return send(
      400,
      'ERR_VALIDATION',
      `${fastifyError.validationContext ?? 'request'} ${first?.instancePath ?? ''} ${first?.message ?? 'is invalid'}`
        .replace(/\s+/g, ' ')
        .trim(),
      field,
    )
  }
  if (fastifyError.code === 'FST_ERR_CTP_BODY_TOO_LARGE' || fastifyError.statusCode === 413)
    return send(413, 'ERR_BODY_TOO_LARGE', fastifyError.message)
  if (fastifyError.statusCode === 429) return send(429, 'ERR_RATE_LIMITED', fastifyError.message)
  if (fastifyError.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE' || fastifyError.statusCode === 415)
    return send(415, 'ERR_UNSUPPORTED_MEDIA_TYPE', fastifyError.message)
  // Anything else Fastify refuses before the route runs (a body that is not JSON, an empty JSON
  // body, a malformed header) is a request that does not match the route: 400, as documented.
  if (
    fastifyError.code?.startsWith('FST_ERR_CTP_') ||
    (typeof fastifyError.statusCode === 'number' &&
      fastifyError.statusCode >= 400 &&
      fastifyError.statusCode < 500)
  ) {
    return send(400, 'ERR_VALIDATION', fastifyError.message)
  }
  if (isStorageUnavailable(error)) {
    request.log.warn({ err: error }, 'storage unavailable')
    return send(
      503,
      'ERR_STORAGE_UNAVAILABLE',
      'the store cannot be reached right now; try again shortly',
    )
  }
  request.log.error({ err: error }, 'request failed')
  return send(500, 'ERR_INTERNAL', 'the request failed unexpectedly')
}
