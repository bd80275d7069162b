/** An area a region's authority defined: risk areas and venues name it by its code. */
export interface District {
  readonly issuerId: string
  /** The area code, as risk areas and venues name it (`CN-SH-PD`). */
  readonly code: string
  readonly name: string
}
