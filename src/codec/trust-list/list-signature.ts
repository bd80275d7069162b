import { X509Certificate, sign, verify, type KeyObject } from 'node:crypto'
import { canonicalJson } from './canonical-json.js'

/**
 * What a list signature covers: the UTF-8 of the canonical JSON (RFC 8785) of the signed object
 * with its `signature` member left out.
 */
export function listSignedBytes(item: Readonly<Record<string, unknown>>): Buffer {
  const { signature: _signature, ...signed } = item
  return Buffer.from(canonicalJson(signed), 'utf8')
}

/**
 * Signs a trust list entry or a revocation list: ECDSA P-256 with SHA-256 over
 * {@link listSignedBytes}, DER-encoded (RFC 3279 section 2.2.3), in base64.
 *
 * @throws {TypeError} when the key is not a P-256 private key.
 */
export function signListItem(
  item: Readonly<Record<string, unknown>>,
  signingKey: KeyObject,
): string {
  if (signingKey.type !== 'private' || !isP256(signingKey)) {
    throw new TypeError('expected a P-256 private key to sign the list with')
  }
  return sign('sha256', listSignedBytes(item), { key: signingKey, dsaEncoding: 'der' }).toString(
    'base64',
  )
}

/** Tells whether `signature` (base64 DER ECDSA) signs the item under the publisher's key. */
export function verifyListItem(
  item: Readonly<Record<string, unknown>>,
  signature: string,
  publicKey: KeyObject,
): boolean {
  const bytes = decodeBase64(signature)
  if (bytes === undefined || bytes.length === 0) return false
  try {
    return verify('sha256', listSignedBytes(item), { key: publicKey, dsaEncoding: 'der' }, bytes)
  } catch {
    // A signature that is not DER at all is a signature that does not verify.
    return false
  }
}

/**
 * The public key of a list publisher's certificate (DER), or why it cannot sign lists: it must be
 * an X.509 certificate with a P-256 key.
 */
export function listSigningKeyOf(der: Uint8Array): KeyObject | { readonly problem: string } {
  let certificate: X509Certificate
  try {
    certificate = new X509Certificate(der)
  } catch (cause) {
    return {
      problem: `expected the list signer to be a DER X.509 certificate, but it does not parse: ${(cause as Error).message}`,
    }
  }
  const key = certificate.publicKey
  if (!isP256(key)) {
    return {
      problem: `expected the list signer's certificate to hold a P-256 EC key, but it holds ${describeKey(key)}`,
    }
  }
  return key
}

function isP256(key: KeyObject): boolean {
  return key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1'
}

function describeKey(key: KeyObject): string {
  const curve = key.asymmetricKeyDetails?.namedCurve
  return `a ${key.asymmetricKeyType ?? 'unknown'} key${curve ? ` on ${curve}` : ''}`
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/

/** Decodes standard, padded base64 (RFC 4648 section 4), or gives `undefined` for anything else. */
export function decodeBase64(text: string): Buffer | undefined {
  return BASE64.test(text) ? Buffer.from(text, 'base64') : undefined
}
