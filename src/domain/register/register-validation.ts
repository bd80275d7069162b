import { DomainError } from '../errors.js'
import type {
  AntibodyData,
  RecordDataByKind,
  RecordKind,
  RecoveryData,
  TestData,
  VaccinationData,
} from './register-record.js'
import { type ValueSetName, inValueSet } from './value-sets.js'

const DAY = 86_400_000

function field(kind: string, name: string): string {
  return `${kind}.${name}`
}

function code(kind: string, name: string, valueSet: ValueSetName, value: string): void {
  if (!inValueSet(valueSet, value)) {
    throw new DomainError(
      'ERR_INVALID_FIELD',
      `expected a code of the EU value set ${valueSet}, but found ${JSON.stringify(value)}`,
      field(kind, name),
    )
  }
}

function day(kind: string, name: string, value: string): number {
  const time = Date.parse(`${value}T00:00:00Z`)
  if (
    !/^\d{4}-\d{2}-\d{2}$/.test(value) ||
    Number.isNaN(time) ||
    new Date(time).toISOString().slice(0, 10) !== value
  ) {
    throw new DomainError(
      'ERR_INVALID_FIELD',
      `expected a date YYYY-MM-DD, but found ${JSON.stringify(value)}`,
      field(kind, name),
    )
  }
  return time
}

/** The earliest instant a person can have been born on, from a DCC birth date (YYYY, YYYY-MM, YYYY-MM-DD). */
function birthStart(birthDate: string): number {
  const [year, month, dayOfMonth] = birthDate.split('-')
  return Date.UTC(Number(year), Number(month ?? 1) - 1, Number(dayOfMonth ?? 1))
}

/** Checks a date is not before birth and not in the future. */
function lived(
  kind: string,
  name: string,
  time: number,
  birthDate: string,
  now: Date,
  wholeDay = true,
): void {
  if (time + (wholeDay ? DAY - 1 : 0) < birthStart(birthDate)) {
    throw new DomainError(
      'ERR_INVALID_FIELD',
      `expected a time after the birth date ${birthDate}`,
      field(kind, name),
    )
  }
  if (time > now.getTime()) {
    throw new DomainError(
      'ERR_INVALID_FIELD',
      `expected a time not in the future (now is ${now.toISOString()})`,
      field(kind, name),
    )
  }
}

function text(kind: string, name: string, value: string | undefined, max: number): void {
  if (value !== undefined && (value.trim().length === 0 || value.length > max)) {
    throw new DomainError('ERR_INVALID_FIELD', `expected 1 to ${max} characters`, field(kind, name))
  }
}

const validators: {
  [K in RecordKind]: (data: RecordDataByKind[K], birthDate: string, now: Date) => void
} = {
  vaccination(data: VaccinationData, birthDate, now) {
    code('vaccination', 'disease', 'disease', data.disease)
    code('vaccination', 'vaccine', 'vaccineProphylaxis', data.vaccine)
    code('vaccination', 'product', 'vaccineProduct', data.product)
    code('vaccination', 'manufacturer', 'vaccineManufacturer', data.manufacturer)
    code('vaccination', 'country', 'country', data.country)
    if (!Number.isInteger(data.totalDoses) || data.totalDoses < 1 || data.totalDoses > 9) {
      throw new DomainError(
        'ERR_INVALID_FIELD',
        'expected a whole number of doses from 1 to 9',
        'vaccination.totalDoses',
      )
    }
    if (
      !Number.isInteger(data.doseNumber) ||
      data.doseNumber < 1 ||
      data.doseNumber > data.totalDoses
    ) {
      throw new DomainError(
        'ERR_INVALID_FIELD',
        `expected a dose number from 1 to the series of ${data.totalDoses}, but found ${data.doseNumber}`,
        'vaccination.doseNumber',
      )
    }
    lived('vaccination', 'date', day('vaccination', 'date', data.date), birthDate, now)
  },
  test(data: TestData, birthDate, now) {
    code('test', 'disease', 'disease', data.disease)
    code('test', 'testType', 'testType', data.testType)
    code('test', 'result', 'testResult', data.result)
    code('test', 'country', 'country', data.country)
    if (data.device !== undefined) code('test', 'device', 'testDevice', data.device)
    text('test', 'name', data.name, 80)
    text('test', 'centre', data.centre, 80)
    const sampled = Date.parse(data.sampledAt)
    if (
      !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(data.sampledAt) ||
      Number.isNaN(sampled)
    ) {
      throw new DomainError(
        'ERR_INVALID_FIELD',
        `expected an ISO 8601 date-time with a zone, but found ${JSON.stringify(data.sampledAt)}`,
        'test.sampledAt',
      )
    }
    lived('test', 'sampledAt', sampled, birthDate, now, false)
  },
  recovery(data: RecoveryData, birthDate, now) {
    code('recovery', 'disease', 'disease', data.disease)
    code('recovery', 'country', 'country', data.country)
    const first = day('recovery', 'firstPositive', data.firstPositive)
    lived('recovery', 'firstPositive', first, birthDate, now)
    const from = day('recovery', 'validFrom', data.validFrom)
    const until = day('recovery', 'validUntil', data.validUntil)
    if (from < first)
      throw new DomainError(
        'ERR_INVALID_FIELD',
        'expected validity to start on or after the first positive test',
        'recovery.validFrom',
      )
    if (until <= from)
      throw new DomainError(
        'ERR_INVALID_FIELD',
        'expected validity to end after it starts',
        'recovery.validUntil',
      )
  },
  antibody(data: AntibodyData, birthDate, now) {
    code('antibody', 'disease', 'disease', data.disease)
    code('antibody', 'country', 'country', data.country)
    text('antibody', 'assay', data.assay, 80)
    text('antibody', 'unit', data.unit, 20)
    if (!Number.isFinite(data.value) || data.value < 0)
      throw new DomainError('ERR_INVALID_FIELD', 'expected a non-negative value', 'antibody.value')
    if (!Number.isFinite(data.threshold) || data.threshold <= 0)
      throw new DomainError(
        'ERR_INVALID_FIELD',
        'expected a positive threshold',
        'antibody.threshold',
      )
    lived('antibody', 'date', day('antibody', 'date', data.date), birthDate, now)
  },
}

/**
 * Checks a record's data: codes against the EU value sets, dates real, not before the person's
 * birth and not in the future, a dose number within its series, a recovery's validity in order.
 *
 * @throws {DomainError} `ERR_INVALID_FIELD` naming the field, such as `vaccination.doseNumber`.
 */
export function validateRecord<K extends RecordKind>(
  kind: K,
  data: RecordDataByKind[K],
  birthDate: string,
  now: Date,
): void {
  ;(validators[kind] as (data: RecordDataByKind[K], birthDate: string, now: Date) => void)(
    data,
    birthDate,
    now,
  )
}
