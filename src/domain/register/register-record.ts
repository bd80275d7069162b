/** The kinds of record in the medical register. */
export const recordKinds = ['vaccination', 'test', 'recovery', 'antibody'] as const
export type RecordKind = (typeof recordKinds)[number]

/** A dose of a vaccine (EU DCC `v` entry fields). */
export interface VaccinationData {
  /** Disease targeted (value set disease-agent-targeted; COVID-19 is 840539006). */
  readonly disease: string
  /** Vaccine or prophylaxis (`vp`). */
  readonly vaccine: string
  /** Medicinal product (`mp`). */
  readonly product: string
  /** Marketing authorisation holder or manufacturer (`ma`). */
  readonly manufacturer: string
  readonly doseNumber: number
  readonly totalDoses: number
  /** `YYYY-MM-DD`. */
  readonly date: string
  /** ISO 3166-1 alpha-2 of where it was given. */
  readonly country: string
}

/** A PCR/NAAT or rapid antigen test (EU DCC `t` entry fields). */
export interface TestData {
  readonly disease: string
  /** Test type (`tt`): LP6464-4 NAAT, LP217198-3 rapid antigen. */
  readonly testType: string
  /** NAAT test name (`nm`), free text. */
  readonly name?: string
  /** Rapid antigen test device (`ma`). */
  readonly device?: string
  /** ISO 8601 date-time of the sample. */
  readonly sampledAt: string
  /** Result (`tr`): 260415000 not detected, 260373001 detected. */
  readonly result: string
  readonly centre: string
  readonly country: string
}

/** A recovery (EU DCC `r` entry fields). */
export interface RecoveryData {
  readonly disease: string
  readonly firstPositive: string
  readonly validFrom: string
  readonly validUntil: string
  readonly country: string
}

/** An antibody test, for certificates of a high antibody level (our own payload, not an EU DCC). */
export interface AntibodyData {
  readonly disease: string
  readonly assay: string
  readonly value: number
  readonly unit: string
  /** The level the assay's maker gives as protective (same unit). */
  readonly threshold: number
  readonly date: string
  readonly country: string
}

export interface RecordDataByKind {
  vaccination: VaccinationData
  test: TestData
  recovery: RecoveryData
  antibody: AntibodyData
}

/** One record of the register. */
export type RegisterRecord = {
  [K in RecordKind]: {
    readonly id: string
    readonly personId: string
    readonly issuerId: string
    readonly kind: K
    readonly data: RecordDataByKind[K]
    readonly recordedBy: string
    readonly recordedAt: string
  }
}[RecordKind]

export type NewRegisterRecord = Omit<RegisterRecord, 'id'>
