export { signCms, verifyCms } from './cms.js'
export type { CmsSigner, VerifiedCms } from './cms.js'
export { GatewayError } from './gateway-error.js'
export type { GatewayErrorCode } from './gateway-error.js'
export {
  MAX_BATCH_ENTRIES,
  UNKNOWN_KID,
  pageBatchList,
  readRevocationBatch,
  signRevocationBatch,
} from './revocation-batch.js'
export type {
  GatewayBatchList,
  GatewayBatchListItem,
  GatewayRevocationBatch,
} from './revocation-batch.js'
export {
  gatewayCertificateTypes,
  readGatewayTrustList,
  signDscUpload,
  signGatewayTrustList,
} from './trust-list.js'
export type {
  GatewayCertificateType,
  GatewayListCertificate,
  GatewayListSigners,
  GatewayTrustListContents,
  GatewayTrustListEntry,
  GatewayUploadCertificate,
} from './trust-list.js'
