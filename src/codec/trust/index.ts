export {
  TrustError,
  TrustList,
  kidOfCertificate,
  signerFromCertificate,
  signerFromPublicKey,
} from './trusted-signer.js'
export type { SignerKeyType, TrustErrorCode, TrustStore, TrustedSigner } from './trusted-signer.js'
export {
  createCsca,
  createDocumentSigner,
  createTrustAnchor,
  createUploadCertificate,
  isSignedBy,
} from './issue-certificates.js'
export type { CertificateSubject, IssuedCertificate } from './issue-certificates.js'
