import { X509Certificate, createHash, sign, verify, type KeyObject } from 'node:crypto'
import type * as Asn1Cms from '@peculiar/asn1-cms'
import type * as Asn1Schema from '@peculiar/asn1-schema'
import type * as Asn1X509 from '@peculiar/asn1-x509'
import type { Attribute, SignedData, SignerInfo } from '@peculiar/asn1-cms'
import type { AsnArray } from '@peculiar/asn1-schema'
import type { Certificate } from '@peculiar/asn1-x509'
import { asn1Schema, asn1X509 } from '../asn1-on-first-use.js'
import { requireOnFirstUse } from '../load-on-first-use.js'
import { GatewayError } from './gateway-error.js'

/** SHA-256 (NIST), the digest every message we sign uses. */
const id_sha256 = '2.16.840.1.101.3.4.2.1'
/** ecdsa-with-SHA256 (RFC 5758). */
const id_ecdsaWithSha256 = '1.2.840.10045.4.3.2'

/** Digests a verifier may meet in a partner's CMS, by OID, with their node:crypto names. */
const digestNames: Record<string, string> = {
  [id_sha256]: 'sha256',
  '2.16.840.1.101.3.4.2.2': 'sha384',
  '2.16.840.1.101.3.4.2.3': 'sha512',
}

/**
 * Signature algorithms a verifier may meet (the Gateway's members sign with ECDSA or RSA): the
 * digest comes from the signer info's `digestAlgorithm`, the key type from the certificate.
 */
const signatureAlgorithms = new Set([
  '1.2.840.10045.2.1', // id-ecPublicKey, as some signers write it
  id_ecdsaWithSha256,
  '1.2.840.10045.4.3.3',
  '1.2.840.10045.4.3.4',
  '1.2.840.113549.1.1.1', // rsaEncryption (PKCS #1 v1.5)
  '1.2.840.113549.1.1.11',
  '1.2.840.113549.1.1.12',
  '1.2.840.113549.1.1.13',
])

// @peculiar/asn1-cms is loaded with the first Gateway message signed or read, not at start-up,
// like the rest of the ASN.1 stack (../asn1-on-first-use.ts), and for the same reasons.
const asn1 = requireOnFirstUse<typeof Asn1Cms>(
  'the DCC Gateway CMS signatures (@peculiar/asn1-cms)',
  '@peculiar/asn1-cms',
  import.meta.url,
)

/** The packages, and the signed attributes in the form they are signed (RFC 5652 §5.4). */
interface Loaded {
  readonly packages: typeof Asn1Cms
  readonly schema: typeof Asn1Schema
  readonly x509: typeof Asn1X509
  /** A DER `SET OF Attribute`, as the signature covers the signed attributes. */
  readonly SignedAttributesSet: new (items?: Attribute[]) => AsnArray<Attribute>
}
let loaded: Loaded | undefined

function cms(): Loaded {
  if (loaded === undefined) {
    const schema = asn1Schema()
    const packages = asn1()
    class SignedAttributesSet extends schema.AsnArray<Attribute> {
      constructor(items?: Attribute[]) {
        super(items)
        Object.setPrototypeOf(this, SignedAttributesSet.prototype)
      }
    }
    schema.AsnType({ type: schema.AsnTypeTypes.Set, itemType: packages.Attribute })(
      SignedAttributesSet,
    )
    loaded = { packages, schema, x509: asn1X509(), SignedAttributesSet }
  }
  return loaded
}

/** Who signs a CMS message: a certificate (DER) and its private key (P-256). */
export interface CmsSigner {
  readonly certificate: Uint8Array
  readonly privateKey: KeyObject
}

/** What a verified CMS message says: its content and who signed it. */
export interface VerifiedCms {
  /** The signed content: the encapsulated one, or the detached one given to verify it with. */
  readonly content: Uint8Array
  /** The signer's certificate (DER), as the message carries it. */
  readonly signerCertificate: Uint8Array
}

/**
 * Signs `content` as a CMS SignedData (RFC 5652) the way the DCC Gateway's messages are made: one
 * signer identified by issuer and serial number, SHA-256 and ECDSA, the signed attributes
 * `contentType` (id-data) and `messageDigest`, and the signer's certificate in `certificates`.
 * With `detached`, the content is left out (the Gateway's trust-list `signature` form).
 *
 * Returns the DER of the `ContentInfo`.
 *
 * @example
 * ```ts
 * const cms = signCms(dscDer, { certificate: upload.der, privateKey: upload.privateKey })
 * // openssl cms -verify -binary -inform DER -in cms.der -CAfile anchor.pem
 * ```
 */
export function signCms(
  content: Uint8Array,
  signer: CmsSigner,
  options: { detached?: boolean } = {},
): Uint8Array {
  const {
    packages: {
      Attribute,
      CertificateChoices,
      CertificateSet,
      ContentInfo,
      DigestAlgorithmIdentifiers,
      EncapsulatedContent,
      EncapsulatedContentInfo,
      IssuerAndSerialNumber,
      SignedData,
      SignerIdentifier,
      SignerInfo,
      SignerInfos,
      id_contentType,
      id_data,
      id_messageDigest,
      id_signedData,
    },
    schema: { AsnConvert, AsnObjectIdentifierConverter, OctetString },
    x509: { AlgorithmIdentifier, Certificate },
    SignedAttributesSet,
  } = cms()
  const certificate = AsnConvert.parse(signer.certificate, Certificate)
  const digest = createHash('sha256').update(content).digest()
  // Written in DER order (RFC 5652 §5.4: a SET OF sorted by encoding); contentType's encoding is
  // the shorter, so it sorts first.
  const signedAttrs = [
    new Attribute({
      attrType: id_contentType,
      attrValues: [AsnObjectIdentifierConverter.toASN(id_data).toBER(false)],
    }),
    new Attribute({
      attrType: id_messageDigest,
      attrValues: [AsnConvert.serialize(new OctetString(digest))],
    }),
  ]
  const toSign = Buffer.from(AsnConvert.serialize(new SignedAttributesSet(signedAttrs)))
  const signature = sign('sha256', toSign, signer.privateKey)
  const sha256 = new AlgorithmIdentifier({ algorithm: id_sha256 })
  const signedData = new SignedData({
    version: 1,
    digestAlgorithms: new DigestAlgorithmIdentifiers([sha256]),
    encapContentInfo: new EncapsulatedContentInfo({
      eContentType: id_data,
      ...(options.detached
        ? {}
        : { eContent: new EncapsulatedContent({ single: new OctetString(content) }) }),
    }),
    certificates: new CertificateSet([new CertificateChoices({ certificate })]),
    signerInfos: new SignerInfos([
      new SignerInfo({
        version: 1,
        sid: new SignerIdentifier({
          issuerAndSerialNumber: new IssuerAndSerialNumber({
            issuer: certificate.tbsCertificate.issuer,
            serialNumber: certificate.tbsCertificate.serialNumber,
          }),
        }),
        digestAlgorithm: sha256,
        signedAttrs,
        signatureAlgorithm: new AlgorithmIdentifier({ algorithm: id_ecdsaWithSha256 }),
        signature: new OctetString(signature),
      }),
    ]),
  })
  return new Uint8Array(
    AsnConvert.serialize(
      new ContentInfo({ contentType: id_signedData, content: AsnConvert.serialize(signedData) }),
    ),
  )
}

function cmsError(message: string, cause?: unknown): GatewayError {
  return new GatewayError('ERR_GATEWAY_CMS', message, cause === undefined ? {} : { cause })
}

/**
 * Verifies a CMS SignedData made as the Gateway makes them (one signer, its certificate in the
 * message): the digest of the content (the encapsulated one, or `detachedContent`) must equal the
 * signed `messageDigest`, and the signature over the signed attributes must verify with the
 * signer certificate's key. Who the signer is, is for the caller to judge.
 *
 * @throws {GatewayError} `ERR_GATEWAY_CMS` for a message of another form, `ERR_GATEWAY_SIGNATURE`
 *   when the signature or digest does not match the content.
 */
export function verifyCms(der: Uint8Array, detachedContent?: Uint8Array): VerifiedCms {
  const {
    packages: { ContentInfo, SignedData, id_messageDigest, id_signedData },
    schema: { AsnConvert, OctetString },
    SignedAttributesSet,
  } = cms()
  let signedData: SignedData
  try {
    const info = AsnConvert.parse(der, ContentInfo)
    if (info.contentType !== id_signedData) {
      throw cmsError(`expected a CMS SignedData, but the content type is ${info.contentType}`)
    }
    signedData = AsnConvert.parse(info.content, SignedData)
  } catch (error) {
    if (error instanceof GatewayError) throw error
    throw cmsError('expected DER of a CMS ContentInfo with SignedData (RFC 5652)', error)
  }
  if (signedData.signerInfos.length !== 1) {
    throw cmsError(
      `expected exactly one signer (as the Gateway requires), but found ${signedData.signerInfos.length}`,
    )
  }
  const signerInfo = signedData.signerInfos[0] as SignerInfo
  const encapsulated = signedData.encapContentInfo.eContent?.single?.buffer
  const content =
    detachedContent ?? (encapsulated === undefined ? undefined : new Uint8Array(encapsulated))
  if (content === undefined) {
    throw cmsError('the message carries no content and none was given to check it against')
  }
  if (detachedContent !== undefined && encapsulated !== undefined) {
    if (!Buffer.from(encapsulated).equals(Buffer.from(detachedContent))) {
      throw new GatewayError(
        'ERR_GATEWAY_SIGNATURE',
        'the content carried by the message is not the content it should sign',
      )
    }
  }
  const certificates = (signedData.certificates ?? [])
    .map((choice) => choice.certificate)
    .filter((certificate): certificate is Certificate => certificate !== undefined)
  const signerCertificate = certificates.find((certificate) => identifies(signerInfo, certificate))
  if (!signerCertificate) {
    throw cmsError('the message does not carry the certificate of its signer')
  }
  const digestName = digestNames[signerInfo.digestAlgorithm.algorithm]
  if (!digestName || !signatureAlgorithms.has(signerInfo.signatureAlgorithm.algorithm)) {
    throw cmsError(
      `expected SHA-2 with ECDSA or RSA, but found digest ${signerInfo.digestAlgorithm.algorithm} and signature ${signerInfo.signatureAlgorithm.algorithm}`,
    )
  }
  const certificateDer = new Uint8Array(AsnConvert.serialize(signerCertificate))
  const publicKey = new X509Certificate(certificateDer).publicKey
  const signature = Buffer.from(signerInfo.signature.buffer)
  const contentDigest = createHash(digestName).update(content).digest()
  let signed: Buffer
  if (signerInfo.signedAttrs) {
    const digestAttribute = signerInfo.signedAttrs.find((a) => a.attrType === id_messageDigest)
    const value = digestAttribute?.attrValues[0]
    const signedDigest =
      value === undefined ? undefined : Buffer.from(AsnConvert.parse(value, OctetString).buffer)
    if (!signedDigest || !signedDigest.equals(contentDigest)) {
      throw new GatewayError(
        'ERR_GATEWAY_SIGNATURE',
        'the signed message digest is not the digest of the content: the content was changed',
      )
    }
    // Signed as a DER SET OF (RFC 5652 §5.4), not under the [0] IMPLICIT tag the message carries:
    // the attributes as read, values byte for byte, in the order the (DER) message has them.
    signed = Buffer.from(AsnConvert.serialize(new SignedAttributesSet([...signerInfo.signedAttrs])))
  } else {
    signed = Buffer.from(content)
  }
  if (!verify(digestName, signed, publicKey, signature)) {
    throw new GatewayError(
      'ERR_GATEWAY_SIGNATURE',
      'the CMS signature does not verify with its signer certificate: the message was changed',
    )
  }
  return { content, signerCertificate: certificateDer }
}

/** Tells whether a signer info's `sid` names a certificate. */
function identifies(signerInfo: SignerInfo, certificate: Certificate): boolean {
  const {
    schema: { AsnConvert, OctetString },
  } = cms()
  const byIssuer = signerInfo.sid.issuerAndSerialNumber
  if (byIssuer) {
    return (
      Buffer.from(AsnConvert.serialize(byIssuer.issuer)).equals(
        Buffer.from(AsnConvert.serialize(certificate.tbsCertificate.issuer)),
      ) &&
      Buffer.from(byIssuer.serialNumber).equals(
        Buffer.from(certificate.tbsCertificate.serialNumber),
      )
    )
  }
  const keyId = signerInfo.sid.subjectKeyIdentifier
  if (!keyId) return false
  const extension = certificate.tbsCertificate.extensions?.find((e) => e.extnID === '2.5.29.14')
  if (!extension) return false
  const value = AsnConvert.parse(extension.extnValue.buffer, OctetString)
  return Buffer.from(value.buffer).equals(Buffer.from(keyId.buffer))
}
