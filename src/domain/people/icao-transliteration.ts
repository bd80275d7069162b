/**
 * Transliterates a name into the machine-readable form of ICAO Doc 9303 part 3 section 6, as the EU
 * DCC's `fnt`/`gnt` carry it: upper-case A–Z, with `<` between name parts.
 *
 * Latin letters with diacritics follow the ICAO table (Ä→AE, Ø→OE, ß→SS, …), Cyrillic follows the
 * ICAO recommended transliteration (as Russian passports since 2013 use it). Scripts without a
 * table here (Chinese, for example, needs the holder's own romanisation) give `undefined`: the
 * caller must then supply the transliteration.
 */
export function icaoTransliteration(name: string): string | undefined {
  let out = ''
  for (const char of name.normalize('NFC').toUpperCase()) {
    if (char >= 'A' && char <= 'Z') out += char
    else if (char in SPECIAL) out += SPECIAL[char]
    else if (char in CYRILLIC) out += CYRILLIC[char]
    else if (/[\s\-'’.,]/.test(char)) out += '<'
    else {
      // Strip diacritics the ICAO table maps to the bare letter (É→E, Č→C, …).
      const bare = char.normalize('NFD').replace(/\p{Mn}/gu, '')
      if (bare.length === 1 && bare >= 'A' && bare <= 'Z') out += bare
      else return undefined
    }
  }
  return out.replace(/<+/g, '<').replace(/^<|<$/g, '')
}

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
}
