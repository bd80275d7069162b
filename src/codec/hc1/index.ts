export { decodeBase45, encodeBase45 } from './base45.js'
export { cborToJson, TaggedDateTime } from './cbor.js'
export type { JsonValue } from './cbor.js'
export { coseAlgorithms, coseSign1SignedBytes, decodeCoseSign1 } from './cose.js'
export type { CoseAlgorithm, CoseSign1 } from './cose.js'
export {
  HEALTHCODE_ANTIBODY_CLAIM,
  HEALTHCODE_STATUS_CLAIM,
  HEALTHCODE_STATUS_MAX_LIFETIME,
  decodeHc1Claims,
} from './cwt.js'
export type {
  Hc1AntibodyClaims,
  Hc1Claims,
  Hc1DccClaims,
  Hc1PayloadType,
  Hc1StatusClaims,
} from './cwt.js'
export { Hc1Error, hc1ErrorStages, hc1Stages } from './errors.js'
export type { Hc1ErrorCode, Hc1FailureStage } from './errors.js'
export { INFLATE_LIMIT, deflateZlib, inflateZlib } from './inflate.js'
export { checkAntibodyKeyUsage, checkKeyUsage, checkStatusTokenKeyUsage } from './key-usage.js'
export type { DccType } from './key-usage.js'
export { HC1_MAX_TEXT_LENGTH, HC1_PREFIX, stripHc1Prefix } from './prefix.js'
export {
  checkStatusTokenLifetime,
  schemaVersionFor,
  validateAntibodyCertificate,
  validateDcc,
  validateStatusToken,
} from './schema.js'
export type { AntibodyFacts, DccFacts, StatusTokenFacts } from './schema.js'
export { verifyHc1 } from './verify-hc1.js'
export type {
  DecodedAntibodyCertificate,
  DecodedDcc,
  DecodedHc1,
  DecodedStatusToken,
  Hc1Verification,
  RevocationCheck,
  VerifyHc1Options,
} from './verify-hc1.js'
export { signHc1 } from './sign-hc1.js'
export type { Hc1Content, Hc1Signer } from './sign-hc1.js'
