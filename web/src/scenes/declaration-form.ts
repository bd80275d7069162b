import type { MessageKey } from '../i18n/messages'

/** The symptoms a declaration asks about, as the API names them. */
export const symptomFields = [
  'fever',
  'cough',
  'soreThroat',
  'shortnessOfBreath',
  'lossOfTasteOrSmell',
  'fatigue',
] as const
export type SymptomField = (typeof symptomFields)[number]

export const symptomLabel: Readonly<Record<SymptomField, MessageKey>> = {
  fever: 'declare.symptom.fever',
  cough: 'declare.symptom.cough',
  soreThroat: 'declare.symptom.soreThroat',
  shortnessOfBreath: 'declare.symptom.shortnessOfBreath',
  lossOfTasteOrSmell: 'declare.symptom.lossOfTasteOrSmell',
  fatigue: 'declare.symptom.fatigue',
}

export interface VisitInput {
  areaCode: string
  from: string
  until: string
}

export interface DeclarationForm {
  symptoms: Record<SymptomField, boolean>
  temperature: string
  visits: VisitInput[]
  confirmedCaseContact: boolean
}

/** Field errors by the API's field names (`symptoms.temperatureC`, `visits[0].until`). */
export type FieldErrors = Record<string, MessageKey>

/** The API's field name in one spelling: `visits.0.until` (schema) becomes `visits[0].until`. */
export function normaliseField(field: string): string {
  return field.replace(/\.(\d+)(?=\.|$)/g, '[$1]')
}

const DAY = /^\d{4}-\d{2}-\d{2}$/

/** Checks what the browser can before sending; the server checks everything again. */
export function validateDeclaration(form: DeclarationForm, today: string): FieldErrors {
  const errors: FieldErrors = {}
  if (form.temperature.trim() !== '') {
    const value = Number(form.temperature.replace(',', '.'))
    if (!Number.isFinite(value) || value < 34 || value > 43) {
      errors['symptoms.temperatureC'] = 'declare.error.temperature'
    }
  }
  form.visits.forEach((visit, index) => {
    if (!/^[A-Za-z0-9-]{2,40}$/.test(visit.areaCode.trim())) {
      errors[`visits[${index}].areaCode`] = 'declare.error.areaCode'
    }
    if (!DAY.test(visit.from) || visit.from > today) {
      errors[`visits[${index}].from`] = 'declare.error.date'
    }
    if (!DAY.test(visit.until) || visit.until > today) {
      errors[`visits[${index}].until`] = 'declare.error.date'
    } else if (DAY.test(visit.from) && visit.until < visit.from) {
      errors[`visits[${index}].until`] = 'declare.error.untilBeforeFrom'
    }
  })
  return errors
}

/** The body of `POST /api/v1/people/{id}/declarations`. */
export function declarationBody(form: DeclarationForm) {
  const temperature = form.temperature.trim()
  return {
    symptoms: {
      ...form.symptoms,
      ...(temperature === '' ? {} : { temperatureC: Number(temperature.replace(',', '.')) }),
    },
    visits: form.visits.map((visit) => ({
      areaCode: visit.areaCode.trim().toUpperCase(),
      from: visit.from,
      until: visit.until,
    })),
    confirmedCaseContact: form.confirmedCaseContact,
  }
}
