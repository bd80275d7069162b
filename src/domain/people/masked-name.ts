// The name a door shows. Pure (no I/O, no Node import): the server's door and the browser's offline
// scanner (web/src/scanner) mask every kind of code with it, so a door never learns a full name.
import type { Person } from './person.js'

/**
 * Whether a name is written family name first, as Chinese, Japanese and Korean names are: a
 * name in Han, Hangul or Kana. Its ICAO letters (`WANG`, `FANG`) cannot tell, so callers pass
 * the name as written in its own script beside them.
 */
export function writtenFamilyFirst(...names: readonly string[]): boolean {
  return names.some((name) =>
    /[\p{Script=Han}\p{Script=Hangul}\p{Script=Hiragana}\p{Script=Katakana}]/u.test(name),
  )
}

/** Which name comes first where a person's culture writes it: `王芳` is Wang (family), Fang. */
export type NameOrder = 'given-first' | 'family-first'

/**
 * The masked name of a given name and a family name: the first given name and the family name's
 * first letter, in capitals, in the order the holder's culture writes names: `IVAN P.`, and for
 * a Chinese holder family first, `W. FANG` (as `WANG FANG` reads in the passport). Names may be
 * in ICAO letters, where `<` separates parts (`CHARLES<EDWARD`, `SMITH<JONES`), or written with
 * spaces. A missing part is left out.
 *
 * @example
 * ```ts
 * maskName('CHARLES<EDWARD', 'SMITH<JONES') // 'CHARLES S.'
 * maskName('FANG', 'WANG', 'family-first') // 'W. FANG'
 * ```
 */
export function maskName(given: string, family: string, order: NameOrder = 'given-first'): string {
  const first = given.split(/[<\s]+/u).find((part) => part !== '') ?? ''
  // The first code point, not the first UTF-16 unit: a name may start outside the BMP.
  const initial = Array.from(family.replace(/^[<\s]+/u, ''))[0] ?? ''
  const parts = [first.toUpperCase(), initial === '' ? '' : `${initial.toUpperCase()}.`]
  return (order === 'family-first' ? parts.reverse() : parts)
    .filter((part) => part !== '')
    .join(' ')
}

/**
 * The masked form of a name written in one piece (`Ivan Petrov`, or a name already masked as
 * `IVAN P.` or, family first, `W. FANG`): its first word as the given name, its last word as the
 * family name. Masking a masked name changes nothing.
 */
export function maskWrittenName(name: string): string {
  const words = name.split(/[<\s]+/u).filter((word) => word !== '')
  if (words.length === 2 && /^\p{L}\.$/u.test(words[0] ?? '')) {
    return maskName(words[1] ?? '', words[0] ?? '', 'family-first')
  }
  if (words.length < 2) return maskName(words[0] ?? '', '')
  return maskName(words[0] ?? '', words.at(-1) ?? '')
}

/**
 * The name a door sees of a person: the given name and the family name's initial, in ICAO
 * letters, in the order of the script the person's name is written in.
 */
export function maskedName(
  person: Pick<Person, 'givenNameIcao' | 'familyNameIcao'> &
    Partial<Pick<Person, 'givenName' | 'familyName'>>,
): string {
  const order = writtenFamilyFirst(person.familyName ?? '', person.givenName ?? '')
    ? 'family-first'
    : 'given-first'
  return maskName(person.givenNameIcao, person.familyNameIcao, order)
}
