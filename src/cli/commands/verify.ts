import { availableParallelism } from 'node:os'
import { readFile } from 'node:fs/promises'
import { parseArgs } from 'node:util'
import { verifyHc1, type Hc1Verification } from '../../codec/hc1/index.js'
import { TrustError, TrustList, signerFromCertificate } from '../../codec/trust/index.js'
import { QrImageError, decodeQrImage } from '../../qr-image/index.js'
import { splitLines } from '../jsonl/line-splitter.js'
import { inputError } from '../jsonl/verify-line.js'
import { VerifyPool } from '../jsonl/verify-pool.js'
import { formatVerification } from '../format-verification.js'
import { UsageError, type CommandIo } from '../command-io.js'

export const verifyUsage = `Usage:
  healthcode verify [--trust FILE]... [--at ISO-8601] [--json] QR
  healthcode verify [--trust FILE]... [--at ISO-8601] [--json] -          (the QR text on stdin)
  healthcode verify [--trust FILE]... [--at ISO-8601] [--json] --image FILE   (a PNG or JPEG photo)
  healthcode verify --jsonl [--workers N]      (JSON lines on stdin, one answer line each on stdout)

Options:
  --trust FILE   a document signer certificate (PEM, possibly several, or DER) to trust; repeatable
  --at TIME      the validation clock (default: now)
  --json         print the result as JSON
  --image FILE   read the code from a PNG or JPEG image
  --jsonl        batch mode: lines {"id","qr"|"image","trust":[base64 DER],"at"}
  --workers N    threads for --jsonl (default: the number of cores)

Exit status: 0 valid, 1 invalid, 2 usage error.`

/** The longest --jsonl line kept (a base64 photo of a code fits easily). */
const MAX_JSONL_LINE_BYTES = 32 * 1024 * 1024

/** `healthcode verify`: checks one code, or a stream of them with `--jsonl`. */
export async function verifyCommand(args: string[], io: CommandIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      trust: { type: 'string', multiple: true },
      at: { type: 'string' },
      json: { type: 'boolean' },
      jsonl: { type: 'boolean' },
      image: { type: 'string' },
      workers: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  })
  if (values.help) {
    io.stdout.write(verifyUsage + '\n')
    return 0
  }
  if (values.jsonl) {
    if (positionals.length > 0 || values.image || values.trust || values.at || values.json) {
      throw new UsageError('--jsonl reads everything from stdin and takes only --workers')
    }
    const workers = values.workers === undefined ? availableParallelism() : Number(values.workers)
    if (!Number.isInteger(workers) || workers < 1 || workers > 64) {
      throw new UsageError(
        `--workers takes a whole number from 1 to 64, not ${JSON.stringify(values.workers)}`,
      )
    }
    return verifyJsonl(io, workers)
  }

  const at = values.at === undefined ? new Date() : parseTime(values.at)
  const trust = await readTrust(values.trust ?? [])
  if (positionals.length > 1) throw new UsageError('give one QR text (or - for stdin)')
  const [source] = positionals
  if (values.image !== undefined && source !== undefined) {
    throw new UsageError('give either a QR text or --image, not both')
  }

  let text: string
  if (values.image !== undefined) {
    let bytes: Buffer
    try {
      bytes = await readFile(values.image)
    } catch (error) {
      throw new UsageError(`cannot read ${values.image}: ${(error as Error).message}`)
    }
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
  } else if (source === '-' || (source === undefined && !io.stdinIsTty)) {
    text = (await readAll(io.stdin)).trim()
  } else if (source !== undefined) {
    text = source.trim()
  } else {
    throw new UsageError('give a QR text, - for stdin, or --image FILE')
  }
  const result = verifyHc1(text, { trust, at })
  return report(result, values.json === true, io)
}

function report(result: Hc1Verification, json: boolean, io: CommandIo): number {
  if (json) {
    io.stdout.write(
      JSON.stringify(
        {
          valid: result.valid,
          stage: result.stage,
          kind: 'dcc',
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

async function verifyJsonl(io: CommandIo, workers: number): Promise<number> {
  const pool = new VerifyPool(workers, (answers) => io.stdout.write(answers))
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
        ),
      )
    }
  }
  await pool.finish()
  return 0
}

function parseTime(text: string): Date {
  const at = new Date(text)
  if (!/^\d{4}-\d{2}-\d{2}/.test(text) || Number.isNaN(at.getTime())) {
    throw new UsageError(
      `--at takes an ISO 8601 time such as 2021-06-01T12:00:00Z, not ${JSON.stringify(text)}`,
    )
  }
  return at
}

/**
 * Reads trusted signer certificates: PEM files (any number of certificates) or one DER
 * certificate per file.
 */
async function readTrust(files: readonly string[]): Promise<TrustList> {
  const trust = new TrustList()
  for (const file of files) {
    let bytes: Buffer
    try {
      bytes = await readFile(file)
    } catch (error) {
      throw new UsageError(`cannot read trust file ${file}: ${(error as Error).message}`)
    }
    const text = bytes.toString('latin1')
    const pems = [
      ...text.matchAll(/-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/g),
    ]
    const ders = pems.length > 0 ? pems.map((m) => Buffer.from(m[1] ?? '', 'base64')) : [bytes]
    for (const der of ders) {
      try {
        trust.add(signerFromCertificate(der))
      } catch (error) {
        if (!(error instanceof TrustError)) throw error
        throw new UsageError(`trust file ${file}: ${error.message}`)
      }
    }
  }
  return trust
}

async function readAll(stream: AsyncIterable<Uint8Array>): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of stream) chunks.push(Buffer.from(chunk))
  return Buffer.concat(chunks).toString('utf8')
}
