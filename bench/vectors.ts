import { existsSync, readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { verifyHc1, type VerifyHc1Options } from '../src/codec/hc1/index.js'
import { TrustError, TrustList, signerFromCertificate } from '../src/codec/trust/index.js'

/** An EU test vector that verifies, with its trust list and clock ready for timing. */
export interface BenchVector {
  /** The vector file, relative to the test data directory (`AT/2DCode/raw/1.json`). */
  readonly name: string
  /** The HC1 text (`PREFIX`). */
  readonly qr: string
  /** The signer certificate, base64 DER (`TESTCTX.CERTIFICATE`). */
  readonly certificate: string
  /** The validation clock as the vector writes it (`TESTCTX.VALIDATIONCLOCK`). */
  readonly at: string
  /** What `verifyHc1` needs, built once so that timing measures verification alone. */
  readonly options: VerifyHc1Options
}

/** The vectors the bench uses, and how many it looked at to find them. */
export interface VectorSelection {
  readonly examined: number
  readonly valid: readonly BenchVector[]
}

/**
 * Reads the EU DCC test vectors (`<country>/2DCode/raw/*.json`) and keeps those that verify as
 * valid ES256 codes at their own validation clock.
 */
export function selectValidEs256Vectors(testDataDirectory: string): VectorSelection {
  const files = listRawVectorFiles(testDataDirectory)
  const valid: BenchVector[] = []
  for (const name of files) {
    const vector = readVector(testDataDirectory, name)
    if (vector && verifiesAsEs256(vector)) valid.push(vector)
  }
  return { examined: files.length, valid }
}

function listRawVectorFiles(testDataDirectory: string): string[] {
  const names: string[] = []
  for (const country of readdirSync(testDataDirectory).sort()) {
    const raw = join(country, '2DCode', 'raw')
    if (!existsSync(join(testDataDirectory, raw))) continue
    for (const file of readdirSync(join(testDataDirectory, raw)).sort()) {
      if (file.endsWith('.json')) names.push(join(raw, file))
    }
  }
  return names
}

/** The fields of a raw vector the bench reads; other fields are left alone. */
interface RawVector {
  PREFIX?: unknown
  TESTCTX?: { CERTIFICATE?: unknown; VALIDATIONCLOCK?: unknown }
}

function readVector(testDataDirectory: string, name: string): BenchVector | undefined {
  // Some vectors are saved with a UTF-8 byte order mark, which JSON.parse rejects.
  const text = readFileSync(join(testDataDirectory, name), 'utf8').replace(/^\uFEFF/, '')
  const raw = JSON.parse(text) as RawVector
  const qr = raw.PREFIX
  const certificate = raw.TESTCTX?.CERTIFICATE
  const at = raw.TESTCTX?.VALIDATIONCLOCK
  if (typeof qr !== 'string' || typeof certificate !== 'string' || typeof at !== 'string') {
    return undefined
  }
  const clock = new Date(at)
  const trust = trustListOf(certificate)
  if (Number.isNaN(clock.getTime()) || trust === undefined) return undefined
  return { name, qr, certificate, at, options: { trust, at: clock } }
}

function trustListOf(certificate: string): TrustList | undefined {
  try {
    return new TrustList([signerFromCertificate(Buffer.from(certificate, 'base64'))])
  } catch (error) {
    // Negative vectors carry broken certificates on purpose; they are not for the bench.
    if (error instanceof TrustError) return undefined
    throw error
  }
}

function verifiesAsEs256(vector: BenchVector): boolean {
  const result = verifyHc1(vector.qr, vector.options)
  return result.valid && result.certificate.algorithm === 'ES256'
}
