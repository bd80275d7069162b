import { readFile } from 'node:fs/promises'
import {
  RevocationListError,
  readRevocationList,
  type RevocationEntry,
} from '../../codec/revocation/index.js'
import { ShcTrustError, ShcTrustStore, type ShcIssuer } from '../../codec/shc/index.js'
import { HealthcodeError } from '../../codec/healthcode-error.js'
// Straight from trusted-signer.js: the trust index also brings certificate issuing (an X.509
// library of some 250 modules) that verifying never needs, and that every start-up would load.
import { TrustError, signerFromCertificate } from '../../codec/trust/trusted-signer.js'
import type { SharedTrust } from '../jsonl/shared-trust.js'
import { UsageError, type CommandIo } from '../command-io.js'

/**
 * The trust files of `healthcode verify` (`--trust`, `--trust-list`, `--trust-list-signer`,
 * `--revocation-list`, `--shc-issuer`) and a server's store (`--database`), read and checked once.
 */

/** The trust options, as parsed. */
export interface TrustOptions {
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
export async function readSharedTrust(
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
    const { trustLists } = compose({ ...config, trustCacheSeconds: 0 }, store, systemClock)
    return await trustLists.exportForVerifiers()
  } finally {
    await store.close()
  }
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ')
}
