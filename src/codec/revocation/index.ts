export { revocationHashTypes, revocationHashes } from './revocation-hashes.js'
export type {
  RevocationHashInput,
  RevocationHashType,
  RevocationHashes,
} from './revocation-hashes.js'
export { RevocationList } from './revocation-list.js'
export type { RevocationEntry } from './revocation-list.js'
export { readRevocationList, signRevocationList } from './revocation-list-document.js'
export type {
  ReadRevocationListOptions,
  RevocationListContent,
  RevocationListContents,
  RevocationListDocument,
} from './revocation-list-document.js'
export { RevocationListError } from './revocation-list-error.js'
export type { RevocationListErrorCode } from './revocation-list-error.js'
