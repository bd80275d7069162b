import type { HealthAssessment } from '../health-code/index.js'

/** A person's current code as stored. */
export interface StoredHealthCode {
  readonly personId: string
  readonly assessment: HealthAssessment
  readonly district: string | undefined
  /** The opaque id the dynamic code carries. */
  readonly subject: string
}
