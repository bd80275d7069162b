import { availableParallelism } from 'node:os'
import { open, readFile, type FileHandle } from 'node:fs/promises'
import { parseArgs } from 'node:util'
import { verifyHc1, type Hc1Verification } from '../../codec/hc1/index.js'
import {
  SHC_MAX_FILE_LENGTH,
  shcInputForm,
  verifyShcCards,
  type ShcVerification,
} from '../../codec/shc/index.js'
import { splitLines } from '../jsonl/line-splitter.js'
import { verifyContextOf, type SharedTrust } from '../jsonl/shared-trust.js'
import { inputError } from '../jsonl/verify-line.js'
import { VerifyPool } from '../jsonl/verify-pool.js'
import { formatShcVerifications, formatVerification } from '../format-verification.js'
import { readMoment } from '../../domain/input/strict-input.js'
import { UsageError, type CommandIo } from '../command-io.js'
import { readSharedTrust } from './verify-trust-files.js'

export const verifyUsage = `Usage:
  healthcode verify [TRUST...] [--at ISO-8601] [--json] QR
  healthcode verify [TRUST...] [--at ISO-8601] [--json] -          (the QR text on stdin)
  healthcode verify [TRUST...] [--at ISO-8601] [--json] --image FILE   (a PNG or JPEG photo)
  healthcode verify [TRUST...] [--at ISO-8601] [--json] --file FILE    (a .smart-health-card file)
  healthcode verify --jsonl [TRUST...] [--workers N] [--compact]   (JSON lines on stdin, one answer line each on stdout)

QR is an EU DCC (HC1:...) or a SMART Health Card: its numeric QR text (shc:/...) or compact JWS.

Trust (TRUST above; each repeatable but --trust-list-signer):
  --trust FILE              a document signer certificate (PEM, possibly several, or DER) to trust
  --trust-list FILE         a trust list in the DCC Gateway's JSON shape: an array of
                            {kid, timestamp, country, certificateType (DSC or CSCA), thumbprint,
                            signature, rawData}; its DSCs are trusted
  --trust-list-signer CERT  the lists' publisher certificate (PEM or DER): every trust list entry
                            and every revocation list must carry its signature, and every DSC must
                            be issued by a CSCA of the list or by this certificate
  --revocation-list FILE    a revocation list: {"entries":[{"hashType","hash"}],"signature"?} or an
                            array of entries; hash types UCI, COUNTRYCODEUCI, SIGNATURE (base64 of the
                            first 16 bytes of the SHA-256); a listed code stops at stage "revoked"
  --shc-issuer FILE         a SMART Health Card issuer to trust, a JSON file
                            {"iss": "https://...", "jwks": {"keys": [...]}, "crls": [...]}: iss as
                            cards carry it, jwks the JSON of iss + /.well-known/jwks.json, crls the
                            JSON of each iss + /.well-known/crl/<kid>.json (required for every key
                            with a crlVersion; optional otherwise)
  --database URL            a Healthcode server's store: trust what the server trusts (its and its
                            partners' document signers, its revocation list, the SMART Health Card
                            issuers imported with \`healthcode trust import-jwks\`)

Options:
  --at TIME      the validation clock (default: now)
  --json         print the result as JSON
  --image FILE   read the code from a PNG or JPEG image
  --file FILE    read the code from a file: a .smart-health-card file {"verifiableCredential":
                 [JWS, ...]}, every card verified (valid only if all are), or a file with a QR text
  --jsonl        batch mode: lines {"id","qr"|"image","trust":[base64 DER],"at"}; a line's "trust"
                 adds to the TRUST options, which apply to every line; answers carry "kind": "dcc"
                 for an HC1 code and "shc" for a SMART Health Card (shc:/... or a JWS)
  --workers N    threads for --jsonl (default: the number of cores)
  --compact      with --jsonl: answers carry only "id", "valid", "stage" and, when invalid,
                 "error": {"code"}

Exit status: 0 valid, 1 invalid, 2 usage error or an unusable trust list, revocation list or SMART
Health Card issuer file.`

/** The longest --jsonl line kept (a base64 photo of a code fits easily). */
const MAX_JSONL_LINE_BYTES = 32 * 1024 * 1024

/** `healthcode verify`: checks one code, or a stream of them with `--jsonl`. */
export async function verifyCommand(args: string[], io: CommandIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      trust: { type: 'string', multiple: true },
      'trust-list': { type: 'string', multiple: true },
      'trust-list-signer': { type: 'string' },
      'revocation-list': { type: 'string', multiple: true },
      'shc-issuer': { type: 'string', multiple: true },
      database: { type: 'string' },
      at: { type: 'string' },
      json: { type: 'boolean' },
      jsonl: { type: 'boolean' },
      image: { type: 'string' },
      file: { type: 'string' },
      workers: { type: 'string' },
      compact: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  })
  if (values.help) {
    io.stdout.write(verifyUsage + '\n')
    return 0
  }
  if (
    values['trust-list-signer'] !== undefined &&
    values['trust-list'] === undefined &&
    values['revocation-list'] === undefined
  ) {
    throw new UsageError('--trust-list-signer checks lists: give --trust-list or --revocation-list')
  }
  if (values.compact && !values.jsonl) {
    throw new UsageError('--compact shapes the answers of --jsonl: give --jsonl too')
  }
  if (values.jsonl) {
    if (positionals.length > 0 || values.image || values.file || values.at || values.json) {
      throw new UsageError(
        '--jsonl reads the codes from stdin and takes only --workers, --compact and the trust options',
      )
    }
    const workers = values.workers === undefined ? availableParallelism() : Number(values.workers)
    if (!Number.isInteger(workers) || workers < 1 || workers > 64) {
      throw new UsageError(
        `--workers takes a whole number from 1 to 64, not ${JSON.stringify(values.workers)}`,
      )
    }
    const shared = await readSharedTrust(values, io)
    if (shared === undefined) return 2
    return verifyJsonl(io, workers, shared, values.compact === true)
  }

  const at = values.at === undefined ? new Date() : parseTime(values.at)
  const shared = await readSharedTrust(values, io)
  if (shared === undefined) return 2
  const { trust, revocation, shcTrust } = verifyContextOf(shared)
  if (positionals.length > 1) throw new UsageError('give one QR text (or - for stdin)')
  const [source] = positionals
  if ([source, values.image, values.file].filter((given) => given !== undefined).length > 1) {
    throw new UsageError('give one of a QR text, --image FILE or --file FILE')
  }

  let text: string
  if (values.image !== undefined) {
    let bytes: Buffer
    try {
      bytes = await readFile(values.image)
    } catch (error) {
      throw new UsageError(`cannot read ${values.image}: ${(error as Error).message}`)
    }
    // The QR reader (a WebAssembly build of ZXing) is loaded only for images.
    const { QrImageError, decodeQrImage } = await import('../../qr-image/index.js')
    try {
      text = await decodeQrImage(bytes)
    } catch (error) {
      if (!(error instanceof QrImageError)) throw error
      return report(
        {
          valid: false,
          stage: 'image',
          certificate: undefined,
          error: { code: error.code, message: error.message },
        },
        values.json === true,
        io,
      )
    }
  } else if (values.file !== undefined) {
    // A byte order mark is not part of any code, but some editors write one.
    text = (await readCodeFile(values.file)).replace(/^\uFEFF/, '').trim()
  } else if (source === '-' || (source === undefined && !io.stdinIsTty)) {
    text = (await readAll(io.stdin)).trim()
  } else if (source !== undefined) {
    text = source.trim()
  } else {
    throw new UsageError('give a QR text, - for stdin, --image FILE or --file FILE')
  }
  const shcForm = shcInputForm(text)
  if (shcForm !== undefined) {
    const results = verifyShcCards(text, { issuers: shcTrust, at })
    return reportShc(results, shcForm === 'file', values.json === true, io)
  }
  // One code at a time may be our antibody certificate too; it is reported as what it is.
  const result = verifyHc1(text, {
    trust,
    at,
    revocation,
    payloadTypes: ['eu-dcc', 'healthcode-antibody', 'healthcode-status'],
  })
  return report(result, values.json === true, io)
}

function report(result: Hc1Verification, json: boolean, io: CommandIo): number {
  if (json) {
    io.stdout.write(
      JSON.stringify(
        {
          valid: result.valid,
          stage: result.stage,
          kind:
            result.certificate === undefined || result.certificate.payloadType === 'eu-dcc'
              ? 'dcc'
              : result.certificate.payloadType,
          certificate: result.certificate,
          ...(result.valid ? {} : { error: result.error }),
        },
        null,
        2,
      ) + '\n',
    )
  } else {
    io.stdout.write(formatVerification(result))
  }
  return result.valid ? 0 : 1
}

/**
 * Reports the cards of one SMART Health Card input. A file's JSON answer lists its cards under
 * `cards`; a QR text's or JWS's is one card's, shaped like an HC1 answer with `card`.
 */
function reportShc(
  results: readonly ShcVerification[],
  fromFile: boolean,
  json: boolean,
  io: CommandIo,
): number {
  const valid = results.every((result) => result.valid)
  if (json) {
    const answers = results.map((result) => ({
      valid: result.valid,
      stage: result.stage,
      kind: 'shc',
      card: result.card,
      ...(result.valid ? {} : { error: result.error }),
    }))
    const answer = fromFile ? { valid, kind: 'shc', cards: answers } : answers[0]
    io.stdout.write(JSON.stringify(answer, null, 2) + '\n')
  } else {
    io.stdout.write(formatShcVerifications(results))
  }
  return valid ? 0 : 1
}

/**
 * The most bytes of a `--file` read: enough for the largest .smart-health-card file the verifier
 * takes in any UTF-8 (4 bytes a character at most); a longer file is refused as too long.
 */
const MAX_CODE_FILE_BYTES = 4 * SHC_MAX_FILE_LENGTH + 1

/** Reads a `--file` as UTF-8 text, never more than {@link MAX_CODE_FILE_BYTES} of it. */
async function readCodeFile(file: string): Promise<string> {
  let handle: FileHandle
  try {
    handle = await open(file, 'r')
  } catch (error) {
    throw new UsageError(`cannot read ${file}: ${(error as Error).message}`)
  }
  try {
    const buffer = Buffer.alloc(MAX_CODE_FILE_BYTES)
    let length = 0
    while (length < buffer.length) {
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, length)
      if (bytesRead === 0) break
      length += bytesRead
    }
    return buffer.subarray(0, length).toString('utf8')
  } catch (error) {
    throw new UsageError(`cannot read ${file}: ${(error as Error).message}`)
  } finally {
    await handle.close()
  }
}

async function verifyJsonl(
  io: CommandIo,
  workers: number,
  shared: SharedTrust,
  compact: boolean,
): Promise<number> {
  const pool = new VerifyPool(workers, (answers) => io.stdout.write(answers), shared, compact)
  let lineNumber = 0
  for await (const item of splitLines(io.stdin, MAX_JSONL_LINE_BYTES)) {
    lineNumber++
    if ('bytes' in item) {
      await pool.push(item.bytes)
    } else {
      await pool.pushAnswer(
        inputError(
          null,
          'ERR_INPUT_LINE_TOO_LONG',
          `expected a line of at most ${MAX_JSONL_LINE_BYTES} bytes, but line ${lineNumber} has ${item.tooLong}`,
          compact,
        ),
      )
    }
  }
  await pool.finish()
  return 0
}

function parseTime(text: string): Date {
  // The one strict reading of times (src/domain/input/strict-input.ts), as the API reads `at`.
  const at = readMoment(text, new Date())
  if (typeof at === 'string') {
    throw new UsageError(`--at takes an ISO 8601 time such as 2021-06-01T12:00:00Z: ${at}`)
  }
  return at
}

async function readAll(stream: AsyncIterable<Uint8Array>): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of stream) chunks.push(Buffer.from(chunk))
  return Buffer.concat(chunks).toString('utf8')
}
