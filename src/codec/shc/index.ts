export { SHC_HEALTH_CARD_TYPE, readShcCredential } from './credential.js'
export type { ShcCredential } from './credential.js'
export { ShcError, shcErrorStages, shcSpec, shcStages } from './errors.js'
export type { ShcErrorCode, ShcFailureStage } from './errors.js'
export { formatCoding, summarizeFhirBundle } from './fhir-summary.js'
export type {
  ShcCoding,
  ShcImmunizationSummary,
  ShcLabResultSummary,
  ShcPatientSummary,
  ShcSummary,
} from './fhir-summary.js'
export { SHC_INFLATE_LIMIT, inflateShcPayload } from './inflate.js'
export { SHC_MAX_FILE_LENGTH, checkJwsLength, readShcFile, shcInputForm } from './input.js'
export type { ShcInputForm } from './input.js'
export {
  checkShcHeader,
  decodeShcHeader,
  decodeShcPayload,
  readShcClaims,
  splitCompactJws,
} from './jws.js'
export type { CompactJws, ShcClaims, ShcHeader } from './jws.js'
export {
  SHC_MAX_JWS_LENGTH,
  SHC_MAX_QR_DIGITS,
  SHC_PREFIX,
  decodeShcQr,
  encodeShcQr,
} from './numeric.js'
export { publicJwkOf, signShc } from './sign-shc.js'
export { ShcTrustError, ShcTrustStore, jwkThumbprint } from './trust-store.js'
export type {
  ShcIssuer,
  ShcRevocationList,
  ShcTrustErrorCode,
  ShcTrustedKey,
} from './trust-store.js'
export { verifyShc, verifyShcCards } from './verify-shc.js'
export type {
  DecodedShc,
  ShcRevocationCheck,
  ShcVerification,
  VerifyShcOptions,
} from './verify-shc.js'
