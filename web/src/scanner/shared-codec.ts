/* eslint-disable no-restricted-imports -- the offline door scanner judges codes without the
   network with the very code the server runs: the pure HC1 codec steps, the door's reading of a
   code, the entry policy and the validity rules. None of them imports Node; the Node-only steps
   (inflate, signature, SHA-256) have browser versions in browser-crypto.ts, built on the shared
   zlib header check and revocation hash bytes below. This file is the one place the web app
   reaches into src/. */
export { decodeBase45 } from '../../../src/codec/hc1/base45.js'
export {
  coseAlgorithmOf,
  coseSign1SignedBytes,
  decodeCoseSign1,
} from '../../../src/codec/hc1/cose.js'
export type { CoseAlgorithm } from '../../../src/codec/hc1/cose.js'
export { decodeHc1Claims } from '../../../src/codec/hc1/cwt.js'
export type { JsonValue } from '../../../src/codec/hc1/cbor.js'
export { Hc1Error } from '../../../src/codec/hc1/errors.js'
export type { Hc1ErrorCode, Hc1FailureStage } from '../../../src/codec/hc1/errors.js'
export {
  checkAntibodyKeyUsage,
  checkKeyUsage,
  checkStatusTokenKeyUsage,
} from '../../../src/codec/hc1/key-usage.js'
export type { DccType } from '../../../src/codec/hc1/key-usage.js'
export { stripHc1Prefix } from '../../../src/codec/hc1/prefix.js'
export { INFLATE_LIMIT, checkZlibHeader } from '../../../src/codec/hc1/zlib-header.js'
export {
  checkSignedTimesAndUsage,
  isoTime,
  validateSignedPayload,
} from '../../../src/codec/hc1/signed-claims.js'
export type { SignerBounds } from '../../../src/codec/hc1/signed-claims.js'
export { revocationIdentifiersOf } from '../../../src/codec/revocation/revocation-identifiers.js'
export {
  countryCodeUciHashBytes,
  encodeBase64,
  normalHash,
  revocationHashText,
  signatureHashBytes,
  uciHashBytes,
} from '../../../src/codec/revocation/revocation-hash-bytes.js'
export {
  checkStatusTokenLifetime,
  validateAntibodyCertificate,
  validateDcc,
  validateStatusToken,
} from '../../../src/codec/hc1/schema.js'
export { maskWrittenName } from '../../../src/domain/people/masked-name.js'
export { decideEntry } from '../../../src/domain/venues/entry-decision.js'
export type { EntryPolicy } from '../../../src/domain/venues/venue.js'
export { readAtDoor } from '../../../src/domain/venues/door-reading.js'
export type { DoorCode } from '../../../src/domain/venues/door-reading.js'
export { evaluateRules } from '../../../src/domain/validity-rules/evaluate-rules.js'
export { describeFailures } from '../../../src/domain/validity-rules/describe-failures.js'
export type { RuleSet } from '../../../src/domain/validity-rules/validity-rule.js'
