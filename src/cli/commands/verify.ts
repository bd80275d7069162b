import { availableParallelism } from 'node:os'
import { open, readFile, type FileHandle } from 'node:fs/promises'
import { parseArgs } from 'node:util'
import { verifyHc1, type Hc1Verification } from '../../codec/hc1/index.js'
import {
  RevocationListError,
  readRevocationList,
  type RevocationEntry,
} from '../../codec/revocation/index.js'
import {
  SHC_MAX_FILE_LENGTH,
  ShcTrustError,
  ShcTrustStore,
  shcInputForm,
  verifyShcCards,
  type ShcIssuer,
  type ShcVerification,
} from '../../codec/shc/index.js'
import { HealthcodeError } from '../../codec/healthcode-error.js'
// Straight from trusted-signer.js: the trust index also brings certificate issuing (an X.509
// library of some 250 modules) that verifying never needs, and that every start-up would load.
import { TrustError, signerFromCertificate } from '../../codec/trust/trusted-signer.js'
import { splitLines } from '../jsonl/line-splitter.js'
import { verifyContextOf, type SharedTrust } from '../jsonl/shared-trust.js'
import { inputError } from '../jsonl/verify-line.js'
import { VerifyPool } from '../jsonl/verify-pool.js'
import { formatShcVerifications, formatVerification } from '../format-verification.js'
import { readMoment } from '../../domain/input/strict-input.js'
import { UsageError, type CommandIo } from '../command-io.js'

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

/** The trust options, as parsed. */
interface TrustOptions {
  readonly trust?: string[]
  readonly 'trust-list'?: string[]
  readonly 'trust-list-signer'?: string
  readonly 'revocation-list'?: string[]
  readonly 'shc-issuer'?: string[]
  readonly database?: string
}

/**
 * A trust or revocation list, its signer's certificate or a SMART Health Card issuer file that
 * cannot be used: exit status 2.
 */
/** A trust, trust-list or revocation file given to `verify` that cannot be used (exit status 2). */
class ListFileError extends HealthcodeError<'ERR_TRUST_FILE'> {
  override readonly name = 'ListFileError'

  constructor(message: string, options?: { cause?: unknown }) {
    super('ERR_TRUST_FILE', message, options)
  }
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
    const shcIssuers = await readShcIssuerFiles(options['shc-issuer'] ?? [])
    if (options.database !== undefined) {
      // The server's trust store: its and its partners' signers, revocations, SHC issuers.
      const exported = await trustOfStore(options.database)
      certificates.push(...exported.certificates)
      revocations = [...(revocations ?? []), ...exported.revocations]
      shcIssuers.push(...exported.shcIssuers)
    }
    return { certificates, revocations, shcIssuers }
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
  // Loaded only for trust lists: checking a CSCA's signature needs the X.509 library.
  const { TrustListError, readTrustList } = await import('../../codec/trust-list/index.js')
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

/**
 * Reads `--shc-issuer` files, `{"iss", "jwks", "crls"?}` each, checking every issuer as the trust
 * store will: a file that cannot be trusted stops the command (exit status 2), named.
 */
async function readShcIssuerFiles(files: readonly string[]): Promise<ShcIssuer[]> {
  const store = new ShcTrustStore()
  const issuers: ShcIssuer[] = []
  for (const file of files) {
    const what = `SMART Health Card issuer ${file}`
    const json = parseJson(await readListFile(file, 'SMART Health Card issuer'), what)
    if (json === null || typeof json !== 'object' || Array.isArray(json)) {
      throw new ListFileError(
        `${what}: expected a JSON object {"iss", "jwks", "crls"}, but found ${Array.isArray(json) ? 'an array' : String(json)}`,
      )
    }
    const { iss, jwks, crls } = json as { iss?: unknown; jwks?: unknown; crls?: unknown }
    if (iss === undefined && 'keys' in json) {
      throw new ListFileError(
        `${what}: expected {"iss", "jwks", "crls"}, but found a bare key set: put it under "jwks", with the issuer's URL as "iss"`,
      )
    }
    const issuer = { iss, jwks, crls } as ShcIssuer
    try {
      store.add(issuer)
    } catch (error) {
      if (!(error instanceof ShcTrustError)) throw error
      throw new ListFileError(`${what}: ${error.message} (${error.code})`)
    }
    issuers.push(issuer)
  }
  return issuers
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

/** Reads the trust store of a Healthcode server's database. */
async function trustOfStore(url: string) {
  const [{ openStore }, { compose }, { systemClock }, { storeCommandConfig }] = await Promise.all([
    import('../../storage/open-store.js'),
    import('../../composition/compose.js'),
    import('../../domain/clock.js'),
    import('../command-line-actor.js'),
  ])
  const config = storeCommandConfig(url)
  const store = await openStore(config.databaseUrl)
  try {
    const { trust } = compose({ ...config, trustCacheSeconds: 0 }, store, systemClock)
    return await trust.exportForVerifiers()
  } finally {
    await store.close()
  }
}
