// The name a door shows. Pure (no I/O, no Node import): the server's door and the browser's offline
// scanner (web/src/scanner) mask every kind of code with it, so a door never learns a full name.
import type { Person } from './person.js'

/**
 * The masked name of a given name and a family name: the first given name and the family name's
 * first letter, in capitals (`IVAN P.`). Names may be in ICAO letters, where `<` separates parts
 * (`CHARLES<EDWARD`, `SMITH<JONES`), or written with spaces. A missing part is left out.
 *
 * @example
 * ```ts
 * maskName('CHARLES<EDWARD', 'SMITH<JONES') // 'CHARLES S.'
 * ```
 */
export function maskName(given: string, family: string): string {
  const first = given.split(/[<\s]+/u).find((part) => part !== '') ?? ''
  // The first code point, not the first UTF-16 unit: a name may start outside the BMP.
  const initial = Array.from(family.replace(/^[<\s]+/u, ''))[0] ?? ''
  return [first.toUpperCase(), initial === '' ? '' : `${initial.toUpperCase()}.`]
    .filter((part) => part !== '')
    .join(' ')
}

/**
 * The masked form of a name written in one piece (`Ivan Petrov`, or a name already masked as
 * `IVAN P.`): its first word as the given name, its last word as the family name. Masking a masked
 * name changes nothing.
 */
export function maskWrittenName(name: string): string {
  const words = name.split(/[<\s]+/u).filter((word) => word !== '')
  if (words.length < 2) return maskName(words[0] ?? '', '')
  return maskName(words[0] ?? '', words.at(-1) ?? '')
}

/** The name a door sees of a person: the given name and the family name's initial, in ICAO letters. */
export function maskedName(person: Pick<Person, 'givenNameIcao' | 'familyNameIcao'>): string {
  return maskName(person.givenNameIcao, person.familyNameIcao)
}
