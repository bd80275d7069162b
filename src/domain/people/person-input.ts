import { DomainError } from '../errors.js'
import { proposeLatinName } from './hanyu-pinyin.js'
import { isIcaoName } from './icao-transliteration.js'
import type {
  IdentityDocument,
  IdentityDocumentType,
  Language,
  NewPerson,
  Residency,
} from './person.js'

/** What staff give to register a person (also one without an account). */
export interface PersonInput {
  readonly issuerId?: string
  readonly familyName: string
  readonly givenName: string
  readonly familyNameIcao?: string
  readonly givenNameIcao?: string
  readonly birthDate: string
  readonly residency: Residency
  readonly document: { type: IdentityDocumentType; number: string; country: string }
  readonly phone?: string
  readonly email?: string
  readonly language?: Language
  readonly district?: string
}

/** Normalises a document number as printed: upper case, no spaces or dashes. */
export function normaliseDocument(document: PersonInput['document']): IdentityDocument {
  return {
    type: document.type,
    number: document.number.toUpperCase().replace(/[\s-]/g, ''),
    country: document.country.toUpperCase(),
  }
}

/**
 * Checks a birth date as the DCC allows it (`YYYY`, `YYYY-MM` or `YYYY-MM-DD`), real and not in
 * the future.
 */
export function checkBirthDate(text: string, now: Date): void {
  const match = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$/.exec(text)
  if (!match) {
    throw new DomainError(
      'ERR_INVALID_FIELD',
      `expected YYYY-MM-DD (or YYYY-MM, YYYY), but found ${JSON.stringify(text)}`,
      'birthDate',
    )
  }
  const [, year, month, day] = match
  const date = new Date(Date.UTC(Number(year), Number(month ?? 1) - 1, Number(day ?? 1)))
  if (
    date.getUTCFullYear() !== Number(year) ||
    date.getUTCMonth() !== Number(month ?? 1) - 1 ||
    date.getUTCDate() !== Number(day ?? 1) ||
    Number(year) < 1900
  ) {
    throw new DomainError(
      'ERR_INVALID_FIELD',
      `expected a real date from 1900 on, but found ${text}`,
      'birthDate',
    )
  }
  if (date.getTime() > now.getTime()) {
    throw new DomainError(
      'ERR_INVALID_FIELD',
      `expected a birth date in the past, but found ${text}`,
      'birthDate',
    )
  }
}

/**
 * The ICAO form of a name part: as given, else proposed (the ICAO tables for Latin and Cyrillic,
 * Hanyu Pinyin for Chinese), so that a Chinese name needs no hand-typed Latin form.
 */
function icaoName(
  native: string,
  given: string | undefined,
  field: string,
  part: 'family' | 'given',
): string {
  const icao = given ?? proposeLatinName(native, part)?.icao
  if (icao === undefined) {
    throw new DomainError(
      'ERR_INVALID_FIELD',
      `"${native}" has no ICAO transliteration table here: give ${field} (A-Z and <) as the travel document shows it`,
      field,
    )
  }
  if (!isIcaoName(icao)) {
    throw new DomainError(
      'ERR_INVALID_FIELD',
      `expected A-Z and < only (ICAO 9303), but found ${JSON.stringify(icao)}`,
      field,
    )
  }
  return icao
}

/** Turns input into a new person record, checking every field. */
export function newPersonFrom(input: PersonInput, issuerId: string, now: Date): NewPerson {
  checkBirthDate(input.birthDate, now)
  if (!/^[A-Z]{2}$/i.test(input.document.country)) {
    throw new DomainError(
      'ERR_INVALID_FIELD',
      `expected an ISO 3166-1 alpha-2 country, but found ${JSON.stringify(input.document.country)}`,
      'document.country',
    )
  }
  const document = normaliseDocument(input.document)
  if (!/^[A-Z0-9]{3,20}$/.test(document.number)) {
    throw new DomainError(
      'ERR_INVALID_FIELD',
      `expected 3 to 20 letters and digits, but found ${JSON.stringify(input.document.number)}`,
      'document.number',
    )
  }
  return {
    issuerId,
    familyName: input.familyName.trim(),
    givenName: input.givenName.trim(),
    familyNameIcao: icaoName(input.familyName, input.familyNameIcao, 'familyNameIcao', 'family'),
    givenNameIcao: icaoName(input.givenName, input.givenNameIcao, 'givenNameIcao', 'given'),
    birthDate: input.birthDate,
    residency: input.residency,
    document,
    phone: input.phone,
    email: input.email?.toLowerCase(),
    language: input.language ?? 'ru',
    district: input.district,
  }
}
