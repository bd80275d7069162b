import { verifyHc1 } from '../../codec/hc1/index.js'
import type { Hc1ErrorCode } from '../../codec/hc1/index.js'
import { shcInputForm, verifyShc } from '../../codec/shc/index.js'
// Straight from trusted-signer.js, not the trust index, which also brings certificate issuing
// and its X.509 library: every worker would load it at start-up, and never use it.
import { TrustError, TrustList, signerFromCertificate } from '../../codec/trust/trusted-signer.js'
import type { TrustedSigner } from '../../codec/trust/trusted-signer.js'
import {
  CombinedTrustStore,
  noSharedTrust,
  verifyContextOf,
  type VerifyContext,
} from './shared-trust.js'

/** One input line of `healthcode verify --jsonl`. */
interface VerifyRequest {
  id?: unknown
  qr?: unknown
  image?: unknown
  trust?: unknown
  at?: unknown
}

/** Codes for lines that are not a usable request (they are about the input, not the code). */
export type JsonlInputErrorCode =
  'ERR_INPUT_JSON' | 'ERR_INPUT_FIELD' | 'ERR_INPUT_LINE_TOO_LONG' | 'ERR_INTERNAL'

/**
 * Parsed trust certificates, keyed by their base64 text, so that a certificate repeated across
 * lines is parsed once. Bounded: the oldest entries go first once it is full.
 */
export class TrustCertificateCache {
  readonly #entries = new Map<string, TrustedSigner | TrustError>()

  constructor(private readonly limit = 10_000) {}

  get(base64: string): TrustedSigner | TrustError {
    let entry = this.#entries.get(base64)
    if (entry === undefined) {
      try {
        entry = signerFromCertificate(Buffer.from(base64, 'base64'))
      } catch (error) {
        if (!(error instanceof TrustError)) throw error
        entry = error
      }
      if (this.#entries.size >= this.limit) {
        const oldest = this.#entries.keys().next()
        if (!oldest.done) this.#entries.delete(oldest.value)
      }
      this.#entries.set(base64, entry)
    }
    return entry
  }
}

const emptyContext = verifyContextOf(noSharedTrust)

/**
 * Verifies one JSON line `{"id","qr"|"image","trust":[base64 DER],"at"}` and returns the answer
 * line (without its newline): the line's `trust` adds to the context's, and the context's
 * revocation list applies. A SMART Health Card (`shc:/…` or a compact JWS) is verified against the
 * context's SHC issuers and answered with `"kind": "shc"`; an HC1 code with `"kind": "dcc"`.
 * Never throws: a bad line gets an error answer.
 */
export async function verifyJsonLine(
  line: string,
  cache: TrustCertificateCache,
  now: () => Date,
  context: VerifyContext = emptyContext,
): Promise<string> {
  try {
    return formatAnswer(await verifyRequestLine(line, cache, now, context), context.compact)
  } catch (error) {
    // A defect of ours must not cost the other lines their answers.
    return formatAnswer(
      inputErrorAnswer(
        null,
        'ERR_INTERNAL',
        `verification failed unexpectedly: ${(error as Error).message}`,
      ),
      context.compact,
    )
  }
}

async function verifyRequestLine(
  line: string,
  cache: TrustCertificateCache,
  now: () => Date,
  context: VerifyContext,
): Promise<Answer> {
  let request: VerifyRequest
  try {
    // A byte order mark opens a file some editors save, and each file of several joined.
    const parsed: unknown = JSON.parse(line.charCodeAt(0) === 0xfeff ? line.slice(1) : line)
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
      return inputErrorAnswer(null, 'ERR_INPUT_JSON', 'expected a JSON object per line')
    }
    request = parsed as VerifyRequest
  } catch (error) {
    return inputErrorAnswer(
      null,
      'ERR_INPUT_JSON',
      `expected a JSON object per line, but ${(error as Error).message}`,
    )
  }
  const id = typeof request.id === 'string' || typeof request.id === 'number' ? request.id : null

  let at = now()
  if (request.at !== undefined && request.at !== null) {
    const parsedAt = typeof request.at === 'string' ? new Date(request.at) : new Date(NaN)
    if (Number.isNaN(parsedAt.getTime())) {
      return inputErrorAnswer(
        id,
        'ERR_INPUT_FIELD',
        `expected "at" to be an ISO 8601 time, but found ${JSON.stringify(request.at)}`,
      )
    }
    at = parsedAt
  }
  if (request.trust !== undefined && !Array.isArray(request.trust)) {
    return inputErrorAnswer(
      id,
      'ERR_INPUT_FIELD',
      'expected "trust" to be an array of base64 DER certificates',
    )
  }
  const trust = new TrustList()
  const trustProblems: { code: Hc1ErrorCode; message: string }[] = []
  for (const item of (request.trust as unknown[] | undefined) ?? []) {
    if (typeof item !== 'string') {
      return inputErrorAnswer(
        id,
        'ERR_INPUT_FIELD',
        'expected "trust" to be an array of base64 DER certificates',
      )
    }
    const entry = cache.get(item)
    if (entry instanceof TrustError)
      trustProblems.push({ code: entry.code, message: entry.message })
    else trust.add(entry)
  }

  let qr: string
  if (typeof request.qr === 'string') {
    qr = request.qr
  } else if (typeof request.image === 'string') {
    // The QR reader (a WebAssembly build of ZXing) is loaded by the first line with an image.
    const { QrImageError, decodeQrImage } = await import('../../qr-image/index.js')
    try {
      qr = await decodeQrImage(Buffer.from(request.image, 'base64'))
    } catch (error) {
      if (!(error instanceof QrImageError)) throw error
      return {
        id,
        valid: false,
        stage: 'image',
        kind: 'dcc',
        error: { code: error.code, message: error.message },
      }
    }
  } else {
    return inputErrorAnswer(
      id,
      'ERR_INPUT_FIELD',
      'expected a "qr" text or an "image" (base64 PNG or JPEG)',
    )
  }

  if (shcInputForm(qr) !== undefined) {
    const card = verifyShc(qr, { issuers: context.shcTrust, at })
    return {
      id,
      valid: card.valid,
      stage: card.stage,
      kind: 'shc',
      card: card.card,
      ...(card.valid ? {} : { error: card.error }),
    }
  }

  const result = verifyHc1(qr, {
    trust: trust.size === 0 ? context.trust : new CombinedTrustStore(context.trust, trust),
    at,
    trustProblems,
    revocation: context.revocation,
  })
  return {
    id,
    valid: result.valid,
    stage: result.stage,
    kind: 'dcc',
    certificate: result.certificate,
    ...(result.valid ? {} : { error: result.error }),
  }
}

/** The answer for a line that is not a usable request. */
export function inputError(
  id: string | number | null,
  code: JsonlInputErrorCode,
  message: string,
  compact = false,
): string {
  return formatAnswer(inputErrorAnswer(id, code, message), compact)
}

function inputErrorAnswer(
  id: string | number | null,
  code: JsonlInputErrorCode,
  message: string,
): Answer {
  return { id, valid: false, stage: 'input', error: { code, message } }
}

/** An answer line before it is written: its fields in the order they are written. */
interface Answer {
  readonly id: string | number | null
  readonly valid: boolean
  readonly stage: string
  readonly error?: { readonly code: string; readonly message: string }
  readonly [field: string]: unknown
}

/**
 * The answer as one JSON line: in full, or with `--compact` only what a caller that needs the
 * verdict reads, `{"id","valid","stage"}` and, when invalid, `"error":{"code"}` (a few dozen bytes
 * instead of about 700).
 */
function formatAnswer(answer: Answer, compact: boolean): string {
  if (!compact) return JSON.stringify(answer)
  const { id, valid, stage, error } = answer
  return JSON.stringify(
    error === undefined ? { id, valid, stage } : { id, valid, stage, error: { code: error.code } },
  )
}
