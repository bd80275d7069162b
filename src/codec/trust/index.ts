export {
  TrustError,
  TrustList,
  kidOfCertificate,
  signerFromCertificate,
  signerFromPublicKey,
} from './trusted-signer.js'
export type { SignerKeyType, TrustErrorCode, TrustStore, TrustedSigner } from './trusted-signer.js'
