import { KeyObject, webcrypto } from 'node:crypto'
import type * as X509 from '@peculiar/x509'
import type { DccType } from '../hc1/key-usage.js'
import { importOnFirstUse } from '../load-on-first-use.js'
import { kidOfCertificate } from './trusted-signer.js'

export { isSignedBy } from './is-signed-by.js'

// @peculiar/x509 and its ASN.1 stack are loaded with the first certificate issued: a server that
// issues none (or issued its keys before this start) never pays for them.
const peculiarX509 = importOnFirstUse('certificate issuing (@peculiar/x509)', async () => {
  const x509 = await import('@peculiar/x509')
  x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0])
  return x509
})

const ECDSA_P256 = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const

/** The extended key usage OIDs that restrict a document signer to DCC types (HCERT 5.4.1). */
const usageOid: Record<DccType, string> = {
  test: '1.3.6.1.4.1.1847.2021.1.1',
  vaccination: '1.3.6.1.4.1.1847.2021.1.2',
  recovery: '1.3.6.1.4.1.1847.2021.1.3',
}

/** A certificate we issued, with its private key. */
export interface IssuedCertificate {
  readonly der: Uint8Array
  readonly pem: string
  /** The HCERT key identifier: the first 8 bytes of the SHA-256 of the DER. */
  readonly kid: Uint8Array
  readonly privateKey: KeyObject
}

/** Who a certificate names, and when it is valid. */
export interface CertificateSubject {
  /** ISO 3166-1 alpha-2. */
  readonly country: string
  readonly commonName: string
  readonly organisation?: string
  readonly notBefore: Date
  readonly notAfter: Date
}

function distinguishedName(subject: CertificateSubject): string {
  const escape = (text: string) => text.replace(/([,+"\\<>;=])/g, '\\$1')
  return [
    `CN=${escape(subject.commonName)}`,
    ...(subject.organisation ? [`O=${escape(subject.organisation)}`] : []),
    `C=${subject.country}`,
  ].join(', ')
}

function serialNumber(): string {
  // A positive 16-byte serial (RFC 5280 section 4.1.2.2).
  const bytes = webcrypto.getRandomValues(new Uint8Array(16))
  bytes[0] = (bytes[0] as number) & 0x7f
  return Buffer.from(bytes).toString('hex')
}

async function issued(
  certificate: X509.X509Certificate,
  privateKey: webcrypto.CryptoKey,
): Promise<IssuedCertificate> {
  const der = new Uint8Array(certificate.rawData)
  return {
    der,
    pem: certificate.toString('pem'),
    kid: kidOfCertificate(der),
    privateKey: KeyObject.from(privateKey),
  }
}

/**
 * Creates a country signing CA (CSCA): a self-signed P-256 CA certificate that signs the
 * deployment's document signers (HCERT section 5, the EU DCC certificate governance).
 */
export async function createCsca(subject: CertificateSubject): Promise<IssuedCertificate> {
  const x509 = await peculiarX509()
  const keys = await webcrypto.subtle.generateKey(ECDSA_P256, true, ['sign', 'verify'])
  const certificate = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serialNumber(),
    name: distinguishedName(subject),
    notBefore: subject.notBefore,
    notAfter: subject.notAfter,
    keys,
    signingAlgorithm: ECDSA_P256,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(
        x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign,
        true,
      ),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  })
  return issued(certificate, keys.privateKey)
}

/**
 * Creates a document signer certificate (DSC) under a CSCA: a P-256 key whose certificate, signed by
 * the CSCA, restricts it to the given DCC types through extended key usage (all types: none listed).
 */
export async function createDocumentSigner(
  csca: IssuedCertificate,
  subject: CertificateSubject,
  types: readonly DccType[] | 'all',
): Promise<IssuedCertificate> {
  const x509 = await peculiarX509()
  const keys = await webcrypto.subtle.generateKey(ECDSA_P256, true, ['sign', 'verify'])
  const issuerCertificate = new x509.X509Certificate(csca.der)
  const cscaKey = await webcrypto.subtle.importKey(
    'pkcs8',
    csca.privateKey.export({ format: 'der', type: 'pkcs8' }),
    ECDSA_P256,
    false,
    ['sign'],
  )
  const extensions: X509.Extension[] = [
    new x509.BasicConstraintsExtension(false, undefined, true),
    new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
    await x509.AuthorityKeyIdentifierExtension.create(issuerCertificate, false),
    await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
  ]
  if (types !== 'all') {
    extensions.push(
      new x509.ExtendedKeyUsageExtension(
        types.map((type) => usageOid[type]),
        false,
      ),
    )
  }
  const certificate = await x509.X509CertificateGenerator.create({
    serialNumber: serialNumber(),
    subject: distinguishedName(subject),
    issuer: issuerCertificate.subject,
    notBefore: subject.notBefore,
    notAfter: subject.notAfter,
    publicKey: keys.publicKey,
    signingKey: cscaKey,
    signingAlgorithm: ECDSA_P256,
    extensions,
  })
  return issued(certificate, keys.privateKey)
}

/**
 * Creates a DCC Gateway trust anchor for a deployment: a self-signed P-256 CA certificate whose key
 * signs (CMS) the CSCA and UPLOAD entries of the Gateway-format trust list, and which issues the
 * deployment's UPLOAD certificate, so that one certificate checks everything we publish in the
 * Gateway's formats (`openssl cms -verify -CAfile anchor.pem`).
 */
export async function createTrustAnchor(subject: CertificateSubject): Promise<IssuedCertificate> {
  const x509 = await peculiarX509()
  const keys = await webcrypto.subtle.generateKey(ECDSA_P256, true, ['sign', 'verify'])
  const certificate = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serialNumber(),
    name: distinguishedName(subject),
    notBefore: subject.notBefore,
    notAfter: subject.notAfter,
    keys,
    signingAlgorithm: ECDSA_P256,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(
        x509.KeyUsageFlags.digitalSignature |
          x509.KeyUsageFlags.keyCertSign |
          x509.KeyUsageFlags.cRLSign,
        true,
      ),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  })
  return issued(certificate, keys.privateKey)
}

/**
 * Creates a DCC Gateway UPLOAD certificate under a trust anchor: the P-256 key that signs (CMS) the
 * deployment's document signer certificates and revocation batches, as a member state's upload
 * certificate signs what it uploads to the Gateway.
 */
export async function createUploadCertificate(
  anchor: IssuedCertificate,
  subject: CertificateSubject,
): Promise<IssuedCertificate> {
  const x509 = await peculiarX509()
  const keys = await webcrypto.subtle.generateKey(ECDSA_P256, true, ['sign', 'verify'])
  const anchorCertificate = new x509.X509Certificate(anchor.der)
  const anchorKey = await webcrypto.subtle.importKey(
    'pkcs8',
    anchor.privateKey.export({ format: 'der', type: 'pkcs8' }),
    ECDSA_P256,
    false,
    ['sign'],
  )
  const certificate = await x509.X509CertificateGenerator.create({
    serialNumber: serialNumber(),
    subject: distinguishedName(subject),
    issuer: anchorCertificate.subject,
    notBefore: subject.notBefore,
    notAfter: subject.notAfter,
    publicKey: keys.publicKey,
    signingKey: anchorKey,
    signingAlgorithm: ECDSA_P256,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      await x509.AuthorityKeyIdentifierExtension.create(anchorCertificate, false),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  })
  return issued(certificate, keys.privateKey)
}
