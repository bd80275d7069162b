/** A FHIR Coding (system and code), as a card carries it; `display` is usually left out. */
export interface ShcCoding {
  readonly system: string | undefined
  readonly code: string | undefined
  readonly display: string | undefined
}

/** A patient of the bundle: every name written out, and the birth date as given. */
export interface ShcPatientSummary {
  readonly names: readonly string[]
  readonly birthDate: string | undefined
}

/** An Immunization resource: what was given, when, which lot, by whom. */
export interface ShcImmunizationSummary {
  readonly vaccine: readonly ShcCoding[]
  /** `occurrenceDateTime` (or `occurrenceString`), as given. */
  readonly date: string | undefined
  readonly lotNumber: string | undefined
  /** The first performer's `actor.display` (or its reference). */
  readonly performer: string | undefined
  readonly status: string | undefined
}

/** An Observation resource, a lab result: which test, its value, when, by whom. */
export interface ShcLabResultSummary {
  readonly test: readonly ShcCoding[]
  /** The value written out: a coded result, a quantity with its unit, a string… */
  readonly value: string | undefined
  /** `effectiveDateTime` (or the start of `effectivePeriod`, or `issued`), as given. */
  readonly date: string | undefined
  readonly performer: string | undefined
  readonly status: string | undefined
}

/** What a person checking a card wants to read from its FHIR bundle. */
export interface ShcSummary {
  readonly patients: readonly ShcPatientSummary[]
  readonly immunizations: readonly ShcImmunizationSummary[]
  readonly labResults: readonly ShcLabResultSummary[]
}

const emptySummary: ShcSummary = { patients: [], immunizations: [], labResults: [] }

/**
 * Summarises a card's FHIR bundle for reading: patients (names, birth date), immunizations
 * (vaccine code and system, date, lot, performer) and lab results (test code, value, date). Missing
 * or malformed fields are left undefined and resources of other types are skipped; it never throws.
 *
 * @example
 * ```ts
 * const { patients, immunizations } = summarizeFhirBundle(card.fhirBundle)
 * console.log(patients[0]?.names[0], immunizations.map((dose) => dose.date))
 * ```
 */
export function summarizeFhirBundle(bundle: unknown): ShcSummary {
  try {
    const entries = field(bundle, 'entry')
    if (!Array.isArray(entries)) return emptySummary
    const patients: ShcPatientSummary[] = []
    const immunizations: ShcImmunizationSummary[] = []
    const labResults: ShcLabResultSummary[] = []
    for (const entry of entries) {
      const resource = field(entry, 'resource')
      switch (field(resource, 'resourceType')) {
        case 'Patient':
          patients.push(summarizePatient(resource))
          break
        case 'Immunization':
          immunizations.push(summarizeImmunization(resource))
          break
        case 'Observation':
          labResults.push(summarizeObservation(resource))
          break
      }
    }
    return { patients, immunizations, labResults }
  } catch {
    // Every access above is guarded; this keeps the promise for input nobody foresaw.
    return emptySummary
  }
}

function summarizePatient(patient: unknown): ShcPatientSummary {
  return {
    names: list(field(patient, 'name'))
      .map(formatHumanName)
      .filter((name): name is string => name !== undefined),
    birthDate: text(field(patient, 'birthDate')),
  }
}

function summarizeImmunization(immunization: unknown): ShcImmunizationSummary {
  return {
    vaccine: codings(field(immunization, 'vaccineCode')),
    date:
      text(field(immunization, 'occurrenceDateTime')) ??
      text(field(immunization, 'occurrenceString')),
    lotNumber: text(field(immunization, 'lotNumber')),
    performer: actorOf(list(field(immunization, 'performer'))[0]),
    status: text(field(immunization, 'status')),
  }
}

function summarizeObservation(observation: unknown): ShcLabResultSummary {
  return {
    test: codings(field(observation, 'code')),
    value: observationValue(observation),
    date:
      text(field(observation, 'effectiveDateTime')) ??
      text(field(field(observation, 'effectivePeriod'), 'start')) ??
      text(field(observation, 'issued')),
    performer: referenceText(list(field(observation, 'performer'))[0]),
    status: text(field(observation, 'status')),
  }
}

/** FHIR HumanName: its `text`, or prefix, given names, family name and suffix in that order. */
function formatHumanName(name: unknown): string | undefined {
  const written = text(field(name, 'text'))
  if (written) return written
  const family = field(name, 'family')
  const parts = [
    ...list(field(name, 'prefix')),
    ...list(field(name, 'given')),
    // FHIR R4 has one family name; DSTU2 had a list.
    ...(Array.isArray(family) ? family : [family]),
    ...list(field(name, 'suffix')),
  ]
    .map(text)
    .filter((part): part is string => part !== undefined && part !== '')
  return parts.length > 0 ? parts.join(' ') : undefined
}

function codings(concept: unknown): ShcCoding[] {
  const found = list(field(concept, 'coding')).map((coding) => ({
    system: text(field(coding, 'system')),
    code: text(field(coding, 'code')),
    display: text(field(coding, 'display')),
  }))
  const conceptText = text(field(concept, 'text'))
  if (found.length === 0 && conceptText) {
    return [{ system: undefined, code: undefined, display: conceptText }]
  }
  return found
}

function observationValue(observation: unknown): string | undefined {
  const concept = field(observation, 'valueCodeableConcept')
  if (concept !== undefined) {
    const written = codings(concept).map(formatCoding).filter(Boolean).join(', ')
    return written || undefined
  }
  const quantity = field(observation, 'valueQuantity')
  if (quantity !== undefined) {
    const value = text(field(quantity, 'value'))
    const comparator = text(field(quantity, 'comparator')) ?? ''
    const unit = text(field(quantity, 'unit')) ?? text(field(quantity, 'code'))
    return value === undefined ? undefined : `${comparator}${value}${unit ? ` ${unit}` : ''}`
  }
  for (const name of ['valueString', 'valueBoolean', 'valueInteger', 'valueDateTime']) {
    const value = text(field(observation, name))
    if (value !== undefined) return value
  }
  return undefined
}

/** `system code (display)`, leaving out what is missing. */
export function formatCoding(coding: ShcCoding): string {
  const base = [coding.system, coding.code].filter(Boolean).join(' ')
  if (coding.display && base) return `${base} (${coding.display})`
  return coding.display ?? base
}

function actorOf(performer: unknown): string | undefined {
  return referenceText(field(performer, 'actor'))
}

/** A FHIR Reference as text: its `display`, or else the reference itself. */
function referenceText(reference: unknown): string | undefined {
  return text(field(reference, 'display')) ?? text(field(reference, 'reference'))
}

function field(value: unknown, name: string): unknown {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)[name]
    : undefined
}

function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : []
}

function text(value: unknown): string | undefined {
  if (typeof value === 'string') return value
  if (typeof value === 'number' || typeof value === 'boolean') return String(value)
  return undefined
}
