// The unique vaccination certificate/assertion identifier (UVCI) of the eHealth Network's
// "Guidelines on verifiable vaccination certificates — basic interoperability elements", Annex 2
// (release 2), as the DCC carries it in `ci`:
//
//   URN:UVCI: 01 : RU : RUSPB / 7W3K…(20) # Q
//   └prefix─┘ └v┘  └CC┘ └issuer┘ └opaque──┘  └check: Luhn mod N over everything before '#'
//
// Annex 2 allows three shapes after the country: issuing entity, vaccine and opaque string; issuing
// entity and opaque string; or an opaque string alone. Ours is the second. The check character is
// the Luhn mod N algorithm over the whole identifier, `URN:UVCI:` prefix included, with the
// alphabet A–Z 0–9 / : (N = 38) in that order; the guidelines' example is
// `URN:UVCI:01:NL:187/37512422923#Z`, and the reference implementations (the DCC schema's FAQ,
// DIGG's dgc-java) use the same alphabet.
import { randomBytes } from 'node:crypto'

/** The Luhn mod N alphabet of the UVCI guidelines: a character's code point is its position. */
const LUHN_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/:'
/** What opaque strings and issuer blocks are made of. */
const OPAQUE_ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ'
/** Before 2026-12, our check character: Luhn mod 36 over the letters and digits only. */
const LEGACY_ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ'

/** How a UVCI's check character reads: which algorithm it satisfies, or that it is wrong. */
export type UvciCheck =
  /** The guidelines' Luhn mod 38 over the whole identifier: every UVCI issued from now on. */
  | 'luhn-mod-38'
  /** Our earlier Luhn mod 36 over letters and digits: UVCIs issued before, still honoured. */
  | 'legacy-luhn-mod-36'
  /** No `#`: Annex 2 makes the check character optional. */
  | 'none'
  /** A `#` followed by anything that satisfies neither algorithm. */
  | 'wrong'

/**
 * The check character of a UVCI: Luhn mod N (N = 38) over every character of `body`, the UVCI
 * without `#` and its check character, prefix included.
 *
 * @throws {RangeError} when `body` holds a character outside A–Z 0–9 / :.
 * @example
 * uvciCheckCharacter('URN:UVCI:01:NL:187/37512422923') // 'Z'
 */
export function uvciCheckCharacter(body: string): string {
  return LUHN_ALPHABET[luhnCheck(codePoints(body, LUHN_ALPHABET, true), LUHN_ALPHABET.length)] ?? ''
}

/**
 * Which check a UVCI's character after `#` satisfies: the guidelines' Luhn mod 38 over the whole
 * identifier, our earlier Luhn mod 36 over its letters and digits (certificates issued before keep
 * being found), none without `#`, or `wrong`. Give the UVCI as stored (`normaliseUvci`).
 */
export function uvciCheck(uvci: string): UvciCheck {
  const hash = uvci.lastIndexOf('#')
  if (hash < 0) return 'none'
  const body = uvci.slice(0, hash)
  const check = uvci.slice(hash + 1)
  if (check.length !== 1) return 'wrong'
  if ([...body].every((char) => LUHN_ALPHABET.includes(char))) {
    if (uvciCheckCharacter(body) === check) return 'luhn-mod-38'
  }
  if (legacyUvciCheckCharacter(body) === check) return 'legacy-luhn-mod-36'
  return 'wrong'
}

/** Tells whether a UVCI has no check character or one that either algorithm accepts. */
export function hasValidUvciCheck(uvci: string): boolean {
  return uvciCheck(uvci) !== 'wrong'
}

/**
 * Our check character before the guidelines' one: Luhn mod 36 over the letters and digits of the
 * text, other characters (`:`, `/`) skipped. Only for reading UVCIs issued before; never issued.
 */
export function legacyUvciCheckCharacter(body: string): string {
  return (
    LEGACY_ALPHABET[luhnCheck(codePoints(body, LEGACY_ALPHABET, false), LEGACY_ALPHABET.length)] ??
    ''
  )
}

/**
 * A new UVCI in Annex 2's second shape (issuing entity and opaque string):
 * `URN:UVCI:01:<country>:<ISSUER>/<20 random characters>#<Luhn mod 38 check>`. 20 characters of
 * 36 carry 103 bits, so two certificates never share one.
 */
export function newUvci(country: string, issuerId: string, random = randomBytes(20)): string {
  const opaque = [...random].map((byte) => OPAQUE_ALPHABET[byte % 36]).join('')
  const issuer = issuerId.toUpperCase().replace(/[^0-9A-Z]/g, '')
  const body = `URN:UVCI:01:${country.toUpperCase()}:${issuer}/${opaque}`
  return `${body}#${uvciCheckCharacter(body)}`
}

/**
 * A UVCI as stored, from what staff type or copy from a printed certificate: trimmed, upper case,
 * and with the `URN:UVCI:` prefix, which the guidelines (Annex 2) let a printed UVCI leave out.
 *
 * @example
 * normaliseUvci(' 01:nl:187/37512422923#z ') // 'URN:UVCI:01:NL:187/37512422923#Z'
 */
export function normaliseUvci(text: string): string {
  const upper = text.trim().toUpperCase()
  return upper.startsWith('URN:UVCI:') ? upper : `URN:UVCI:${upper}`
}

function codePoints(text: string, alphabet: string, strict: boolean): number[] {
  const codes: number[] = []
  for (const char of text) {
    const code = alphabet.indexOf(char)
    if (code >= 0) codes.push(code)
    else if (strict) {
      throw new RangeError(
        `expected a UVCI of A-Z, 0-9, "/" and ":" (UVCI guidelines, Annex 2), but found ${JSON.stringify(char)}`,
      )
    }
  }
  return codes
}

/** Luhn mod N: from the right, every second code point doubled and its base-N digits summed. */
function luhnCheck(codes: readonly number[], n: number): number {
  let factor = 2
  let sum = 0
  for (let i = codes.length - 1; i >= 0; i--) {
    const addend = factor * (codes[i] ?? 0)
    factor = factor === 2 ? 1 : 2
    sum += Math.floor(addend / n) + (addend % n)
  }
  return (n - (sum % n)) % n
}
