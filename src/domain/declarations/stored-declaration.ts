import type { Declaration } from '../health-code/index.js'

/** A declaration as stored: who made it, for whom. */
export interface StoredDeclaration extends Declaration {
  readonly id: string
  readonly personId: string
  readonly declaredBy: string
}
