// What the engine is told about one person. The engine reads these as they were recorded; the
// rules see them through `RiskFacts` (risk-facts.ts).

/** What a person declared feeling. */
export interface Symptoms {
  readonly fever: boolean
  /** Measured body temperature in °C, when they took it. */
  readonly temperatureC?: number
  readonly cough: boolean
  readonly soreThroat: boolean
  readonly shortnessOfBreath: boolean
  readonly lossOfTasteOrSmell: boolean
  readonly fatigue: boolean
}

/** A stay in an area, both days included. */
export interface Visit {
  readonly areaCode: string
  /** `YYYY-MM-DD`, the first day there. */
  readonly from: string
  /** `YYYY-MM-DD`, the day they left (and arrived here). */
  readonly until: string
}

/** A health declaration. */
export interface Declaration {
  /** ISO 8601 date-time. */
  readonly declaredAt: string
  readonly symptoms: Symptoms
  /** Stays elsewhere the declaration reports (repeating earlier ones is harmless). */
  readonly visits: readonly Visit[]
  /** They say they were in contact with a confirmed case. */
  readonly confirmedCaseContact: boolean
}

/** A period in which the authority classed an area as a risk area, both days included. */
export interface RiskArea {
  readonly areaCode: string
  readonly level: 'high' | 'medium'
  /** `YYYY-MM-DD`, the first day at this level. */
  readonly from: string
  /** `YYYY-MM-DD`, the last day at this level; `undefined` while it still is. */
  readonly until: string | undefined
}

/** A test from the register. */
export interface TestResult {
  /** ISO 8601 date-time of the sample. */
  readonly sampledAt: string
  readonly result: 'positive' | 'negative'
  readonly method: 'pcr' | 'antigen'
}

/** A contact-tracing finding (the fields of `tracing.Exposure` the engine needs). */
export interface Exposure {
  readonly kind: 'close-contact' | 'same-venue' | 'secondary-contact'
  /** ISO 8601 date-time of the contact. */
  readonly at: string
}

/** A recovery from the register. */
export interface Recovery {
  /** ISO 8601 date of the first positive test. */
  readonly firstPositive: string
  /** ISO 8601 date the recovery stops being valid. */
  readonly validUntil: string
}

/** Everything the engine knows about one person. */
export interface HealthInputs {
  readonly declarations: readonly Declaration[]
  /** The authority's risk areas (all periods, past and present). */
  readonly riskAreas: readonly RiskArea[]
  readonly tests: readonly TestResult[]
  readonly recoveries: readonly Recovery[]
  readonly exposures: readonly Exposure[]
  /** When the authority decided the person is a confirmed case (ISO 8601), if it did. */
  readonly confirmedCaseAt: string | undefined
}
