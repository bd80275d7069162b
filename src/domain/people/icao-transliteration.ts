/**
 * Transliterates a name into the machine-readable form of ICAO Doc 9303 part 3 section 6, as the EU
 * DCC's `fnt`/`gnt` carry it: upper-case A–Z, with `<` between name parts.
 *
 * - Spaces, hyphens and commas between name parts become one `<` (9303-3 §4.6: "hyphens … filler
 *   character", a comma between components "a single filler"); the DCC schema's example is
 *   `d'Červenková Panklová` → `DCERVENKOVA<PANKLOVA`.
 * - Apostrophes and other punctuation are omitted (9303-3 §4.6): `D'Arcy` → `DARCY`,
 *   `'t Hooft` → `T<HOOFT`.
 * - Latin letters with diacritics follow table A of section 6 (Ä→AE, Å→AA, Ø→OE, ß→SS, Þ→TH, …;
 *   others lose the mark: É→E, Č→C); Cyrillic follows table B, the recommended transliteration
 *   Russian passports use since 2013 (Ж→ZH, Х→KH, Ц→TS, Щ→SHCH, Ъ→IE, Ы→Y, Ю→IU, Я→IA, Й→I,
 *   Ё→E, Ь omitted).
 *
 * Scripts without a table here (Chinese, which needs a romanisation such as Hanyu Pinyin, see
 * `hanyu-pinyin.ts`; Arabic; Greek) give `undefined`: the caller must then supply or propose it.
 *
 * @example
 * icaoTransliteration("d'Červenková Panklová") // 'DCERVENKOVA<PANKLOVA'
 * icaoTransliteration('Щукина-Юрьева') // 'SHCHUKINA<IUREVA'
 */
export function icaoTransliteration(name: string): string | undefined {
  let out = ''
  for (const char of name.normalize('NFC').toUpperCase()) {
    if (char >= 'A' && char <= 'Z') out += char
    else if (char in SPECIAL) out += SPECIAL[char]
    else if (char in CYRILLIC) out += CYRILLIC[char]
    else if (SEPARATOR.test(char)) out += '<'
    else if (PUNCTUATION.test(char)) continue
    else {
      // Strip diacritics the ICAO table maps to the bare letter (É→E, Č→C, …).
      const bare = char.normalize('NFD').replace(/\p{Mn}/gu, '')
      if (bare.length === 1 && bare >= 'A' && bare <= 'Z') out += bare
      else return undefined
    }
  }
  const icao = out.replace(/<+/g, '<').replace(/^<|<$/g, '')
  return icao === '' ? undefined : icao
}

/** What separates name parts: white space, hyphens and dashes, commas, the middle dots of CJK. */
const SEPARATOR = /[\s\p{Pd},\u00B7\u30FB\u2027\uFF0C\u3001]/u
/** Punctuation ICAO omits: apostrophes, full stops, quotation marks and the rest. */
const PUNCTUATION = /[\p{P}\p{Sk}\u02BB\u02BC]/u

/** Tells whether a text is a valid ICAO transliteration as the DCC schema wants it. */
export function isIcaoName(text: string): boolean {
  return /^[A-Z<]{1,80}$/.test(text)
}

const SPECIAL: Record<string, string> = {
  Ä: 'AE',
  Æ: 'AE',
  Å: 'AA',
  Ö: 'OE',
  Ø: 'OE',
  Œ: 'OE',
  Ü: 'UE',
  ß: 'SS',
  ẞ: 'SS',
  Ð: 'D',
  Đ: 'D',
  Þ: 'TH',
  Ł: 'L',
  Ħ: 'H',
  Ŋ: 'N',
  Ĳ: 'IJ',
  İ: 'I',
  I: 'I',
  ĸ: 'Q',
  Ŀ: 'L',
  Ŧ: 'T',
}

const CYRILLIC: Record<string, string> = {
  А: 'A',
  Б: 'B',
  В: 'V',
  Г: 'G',
  Д: 'D',
  Е: 'E',
  Ё: 'E',
  Ж: 'ZH',
  З: 'Z',
  И: 'I',
  Й: 'I',
  К: 'K',
  Л: 'L',
  М: 'M',
  Н: 'N',
  О: 'O',
  П: 'P',
  Р: 'R',
  С: 'S',
  Т: 'T',
  У: 'U',
  Ф: 'F',
  Х: 'KH',
  Ц: 'TS',
  Ч: 'CH',
  Ш: 'SH',
  Щ: 'SHCH',
  Ъ: 'IE',
  Ы: 'Y',
  Ь: '',
  Э: 'E',
  Ю: 'IU',
  Я: 'IA',
  І: 'I',
  Ї: 'I',
  Є: 'IE',
  Ґ: 'G',
  Ў: 'U',
  Ѓ: 'G',
  Ђ: 'D',
  Ѕ: 'DZ',
  Ј: 'J',
  Ќ: 'K',
  Љ: 'LJ',
  Њ: 'NJ',
  Ћ: 'C',
  Џ: 'DZ',
}
