/** Scripts whose names are written family name first and without a space: Chinese, Japanese. */
const CLOSED_UP = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]/u

/**
 * A person's name as staff lists show it, family name first, written the way its script writes
 * it: `王芳` (no space between Chinese names), `Петров Иван`, `Müller Jürgen`.
 */
export function personName(person: {
  readonly familyName: string
  readonly givenName: string
}): string {
  const { familyName, givenName } = person
  if (CLOSED_UP.test(familyName) && (givenName === '' || CLOSED_UP.test(givenName))) {
    return `${familyName}${givenName}`
  }
  return [familyName, givenName].filter((part) => part !== '').join(' ')
}

/**
 * A holder's name the way the holder writes it: a Chinese or Japanese name family name first and
 * closed up (`王芳`), any other given name first (`Ivan Petrov`, `Anna Schmidt`). Names only in
 * ICAO letters (`FANG`, `WANG`) cannot tell their order, and are given first as a DCC writes them.
 */
export function holderName(person: {
  readonly familyName: string
  readonly givenName: string
}): string {
  const { familyName, givenName } = person
  if (CLOSED_UP.test(familyName) && (givenName === '' || CLOSED_UP.test(givenName))) {
    return `${familyName}${givenName}`
  }
  return [givenName, familyName].filter((part) => part !== '').join(' ')
}
