import { availableParallelism } from 'node:os'
import { readFile } from 'node:fs/promises'
import { parseArgs } from 'node:util'
import { verifyHc1, type Hc1Verification } from '../../codec/hc1/index.js'
import {
  RevocationListError,
  readRevocationList,
  type RevocationEntry,
} from '../../codec/revocation/index.js'
import { TrustError, signerFromCertificate } from '../../codec/trust/index.js'
import { TrustListError, readTrustList } from '../../codec/trust-list/index.js'
import { QrImageError, decodeQrImage } from '../../qr-image/index.js'
import { splitLines } from '../jsonl/line-splitter.js'
import { verifyContextOf, type SharedTrust } from '../jsonl/shared-trust.js'
import { inputError } from '../jsonl/verify-line.js'
import { VerifyPool } from '../jsonl/verify-pool.js'
import { formatVerification } from '../format-verification.js'
import { UsageError, type CommandIo } from '../command-io.js'

export const verifyUsage = `Usage:
  healthcode verify [TRUST...] [--at ISO-8601] [--json] QR
  healthcode verify [TRUST...] [--at ISO-8601] [--json] -          (the QR text on stdin)
  healthcode verify [TRUST...] [--at ISO-8601] [--json] --image FILE   (a PNG or JPEG photo)
  healthcode verify --jsonl [TRUST...] [--workers N]   (JSON lines on stdin, one answer line each on stdout)

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

Options:
  --at TIME      the validation clock (default: now)
  --json         print the result as JSON
  --image FILE   read the code from a PNG or JPEG image
  --jsonl        batch mode: lines {"id","qr"|"image","trust":[base64 DER],"at"}; a line's "trust"
                 adds to the TRUST options, which apply to every line
  --workers N    threads for --jsonl (default: the number of cores)

Exit status: 0 valid, 1 invalid, 2 usage error or an unusable trust or revocation list.`

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
  if (
    values['trust-list-signer'] !== undefined &&
    values['trust-list'] === undefined &&
    values['revocation-list'] === undefined
  ) {
    throw new UsageError('--trust-list-signer checks lists: give --trust-list or --revocation-list')
  }
  if (values.jsonl) {
    if (positionals.length > 0 || values.image || values.at || values.json) {
      throw new UsageError(
        '--jsonl reads the codes from stdin and takes only --workers and the trust options',
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
    return verifyJsonl(io, workers, shared)
  }

  const at = values.at === undefined ? new Date() : parseTime(values.at)
  const shared = await readSharedTrust(values, io)
  if (shared === undefined) return 2
  const { trust, revocation } = verifyContextOf(shared)
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

async function verifyJsonl(io: CommandIo, workers: number, shared: SharedTrust): Promise<number> {
  const pool = new VerifyPool(workers, (answers) => io.stdout.write(answers), shared)
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

/** The trust options, as parsed. */
interface TrustOptions {
  readonly trust?: string[]
  readonly 'trust-list'?: string[]
  readonly 'trust-list-signer'?: string
  readonly 'revocation-list'?: string[]
}

/** A trust or revocation list (or its signer's certificate) that cannot be used: exit status 2. */
class ListFileError extends Error {
  override readonly name = 'ListFileError'
}

/**
 * Reads and checks the trust options' files once, for this thread and every worker. A bad list
 * is reported on one line naming the file and the problem, and gives `undefined` (exit status 2).
 */
async function readSharedTrust(
  options: TrustOptions,
  io: CommandIo,
): Promise<SharedTrust | undefined> {
  try {
    const certificates = await readTrust(options.trust ?? [])
    const signerFile = options['trust-list-signer']
    const signingCertificate =
      signerFile === undefined ? undefined : await readSigningCertificate(signerFile)
    for (const file of options['trust-list'] ?? []) {
      certificates.push(...(await readTrustListFile(file, signingCertificate)))
    }
    const revocationFiles = options['revocation-list']
    let revocations: RevocationEntry[] | undefined
    if (revocationFiles !== undefined) {
      revocations = []
      for (const file of revocationFiles) {
        revocations.push(...(await readRevocationListFile(file, signingCertificate)))
      }
    }
    return { certificates, revocations }
  } catch (error) {
    if (!(error instanceof ListFileError)) throw error
    io.stderr.write(`healthcode verify: ${oneLine(error.message)}\n`)
    return undefined
  }
}

/**
 * Reads trusted signer certificates: PEM files (any number of certificates) or one DER
 * certificate per file. Gives their DER, each checked to parse.
 */
async function readTrust(files: readonly string[]): Promise<Uint8Array[]> {
  const certificates: Uint8Array[] = []
  for (const file of files) {
    let bytes: Buffer
    try {
      bytes = await readFile(file)
    } catch (error) {
      throw new UsageError(`cannot read trust file ${file}: ${(error as Error).message}`)
    }
    for (const der of certificatesIn(bytes)) {
      try {
        signerFromCertificate(der)
      } catch (error) {
        if (!(error instanceof TrustError)) throw error
        throw new UsageError(`trust file ${file}: ${error.message}`)
      }
      certificates.push(der)
    }
  }
  return certificates
}

/** The certificates of a PEM file, or the file itself taken as one DER certificate. */
function certificatesIn(bytes: Buffer): Uint8Array[] {
  const pems = [
    ...bytes
      .toString('latin1')
      .matchAll(/-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/g),
  ]
  return pems.length > 0
    ? pems.map((m) => new Uint8Array(Buffer.from(m[1] ?? '', 'base64')))
    : [bytes]
}

async function readSigningCertificate(file: string): Promise<Uint8Array> {
  const certificates = certificatesIn(await readListFile(file, 'trust list signer'))
  if (certificates.length !== 1) {
    throw new ListFileError(
      `trust list signer ${file}: expected one certificate, but found ${certificates.length}`,
    )
  }
  const der = certificates[0] as Uint8Array
  let keyType: string
  try {
    keyType = signerFromCertificate(der).keyType
  } catch (error) {
    if (!(error instanceof TrustError)) throw error
    throw new ListFileError(`trust list signer ${file}: ${error.message}`)
  }
  if (keyType !== 'ec-p256') {
    throw new ListFileError(
      `trust list signer ${file}: expected a certificate with a P-256 key, as lists are signed with ECDSA P-256, but its key is ${keyType}`,
    )
  }
  return der
}

/** Reads a trust list file; gives the DER of its DSCs. */
async function readTrustListFile(
  file: string,
  signingCertificate: Uint8Array | undefined,
): Promise<Uint8Array[]> {
  const json = parseJson(await readListFile(file, 'trust list'), `trust list ${file}`)
  try {
    const { entries } = readTrustList(json, { signingCertificate })
    return entries
      .filter((entry) => entry.certificateType === 'DSC')
      .map((entry) => new Uint8Array(Buffer.from(entry.rawData, 'base64')))
  } catch (error) {
    if (!(error instanceof TrustListError)) throw error
    throw new ListFileError(`trust list ${file}: ${error.message} (${error.code})`)
  }
}

async function readRevocationListFile(
  file: string,
  signingCertificate: Uint8Array | undefined,
): Promise<RevocationEntry[]> {
  const json = parseJson(await readListFile(file, 'revocation list'), `revocation list ${file}`)
  try {
    return readRevocationList(json, { signingCertificate }).entries
  } catch (error) {
    if (!(error instanceof RevocationListError)) throw error
    throw new ListFileError(`revocation list ${file}: ${error.message} (${error.code})`)
  }
}

async function readListFile(file: string, what: string): Promise<Buffer> {
  try {
    return await readFile(file)
  } catch (error) {
    throw new ListFileError(`cannot read ${what} ${file}: ${(error as Error).message}`)
  }
}

function parseJson(bytes: Buffer, what: string): unknown {
  try {
    // A byte order mark is not JSON, but some editors write one.
    return JSON.parse(bytes.toString('utf8').replace(/^\uFEFF/, '')) as unknown
  } catch (error) {
    throw new ListFileError(`${what}: expected JSON, but ${(error as Error).message}`)
  }
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ')
}

async function readAll(stream: AsyncIterable<Uint8Array>): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of stream) chunks.push(Buffer.from(chunk))
  return Buffer.concat(chunks).toString('utf8')
}
