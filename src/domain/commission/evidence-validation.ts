import { TEST_DETECTED } from '../certificates/certificate-policy.js'
import { DomainError } from '../errors.js'
import type { Person } from '../people/person.js'
import { validateRecord } from '../register/register-validation.js'
import type { Evidence } from './commission-request.js'

/**
 * Checks evidence like a register record (codes, dates), and that a test is positive: a
 * negative result is no evidence of an illness. A field in error is named under `evidence.data`.
 *
 * @throws {DomainError} `ERR_INVALID_FIELD` and the register's other field codes.
 */
export function validateEvidence(evidence: Evidence, person: Person, now: Date): void {
  try {
    validateEvidenceData(evidence, person, now)
  } catch (error) {
    if (
      error instanceof DomainError &&
      error.field !== undefined &&
      !error.field.startsWith('evidence.')
    ) {
      throw new DomainError(
        error.code,
        error.message,
        `evidence.data.${error.field.replace(/^(test|antibody)\./, '')}`,
      )
    }
    throw error
  }
}

function validateEvidenceData(evidence: Evidence, person: Person, now: Date): void {
  if (evidence.kind === 'test') {
    validateRecord('test', evidence.data, person.birthDate, now)
    if (evidence.data.result !== TEST_DETECTED) {
      throw new DomainError(
        'ERR_INVALID_FIELD',
        `a test submitted as evidence of an illness must be positive (result ${TEST_DETECTED})`,
        'evidence.data.result',
      )
    }
  } else {
    validateRecord('antibody', evidence.data, person.birthDate, now)
  }
}
