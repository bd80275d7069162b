// Proposes the Latin form of a Chinese name in Hanyu Pinyin, as PRC passports print it: family
// name and given name each as one word of syllables without tone marks (王芳 → WANG FANG, 欧阳娜娜
// → OUYANG NANA), ü as YU in the machine-readable zone (吕 → LYU), the pinyin apostrophe kept in
// the readable form and dropped by ICAO (西安 → Xi'an, XIAN). Readings come from pinyin-pro, a
// maintained dictionary with the family-name readings of polyphonic characters (单 → Shan as a
// family name, 曾 → Zeng). A proposal: the clerk or the person confirms or corrects it.
import type * as PinyinPro from 'pinyin-pro'
import { requireOnFirstUse } from '../../codec/load-on-first-use.js'
import { icaoTransliteration } from './icao-transliteration.js'

// pinyin-pro's dictionary is large (some 15 MiB resident): loaded with the first Chinese name read.
const pinyinPro = requireOnFirstUse<typeof PinyinPro>(
  'Hanyu Pinyin (pinyin-pro)',
  'pinyin-pro',
  import.meta.url,
)

/** Han ideographs, and the middle dots that separate the parts of transcribed foreign names. */
const HAN = /\p{Script=Han}/u
const CHINESE_NAME = /^[\p{Script=Han}\u00B7\u30FB\u2027\s]+$/u

/** A name in Latin letters as proposed: to read (`latin`) and for the DCC (`icao`). */
export interface LatinNameProposal {
  /** The readable Latin form: `Wang`, `Ouyang`, `Xiaoming`; the name itself when it is Latin. */
  readonly latin: string
  /** The ICAO 9303 form (`fnt`/`gnt`): `WANG`, `OUYANG`. */
  readonly icao: string
}

/** Tells whether a name is written in Chinese characters (with middle dots or spaces between parts). */
export function isChineseName(name: string): boolean {
  return HAN.test(name) && CHINESE_NAME.test(name.trim())
}

/**
 * Proposes the Latin and ICAO forms of a name: Hanyu Pinyin for a Chinese name (the family name's
 * readings as a family name), the ICAO transliteration for scripts with a table (Latin, Cyrillic),
 * `undefined` for others.
 *
 * @example
 * proposeLatinName('欧阳', 'family') // { latin: 'Ouyang', icao: 'OUYANG' }
 * proposeLatinName('小明', 'given') // { latin: 'Xiaoming', icao: 'XIAOMING' }
 */
export function proposeLatinName(
  name: string,
  part: 'family' | 'given',
): LatinNameProposal | undefined {
  const trimmed = name.trim()
  if (trimmed === '') return undefined
  if (isChineseName(trimmed)) return chineseName(trimmed, part)
  const icao = icaoTransliteration(trimmed)
  if (icao === undefined) return undefined
  // A Latin-script name is its own readable form; another script's is the ICAO form.
  return { latin: /^[\p{Script=Latin}\p{M}\s\p{P}]+$/u.test(trimmed) ? trimmed : title(icao), icao }
}

function chineseName(name: string, part: 'family' | 'given'): LatinNameProposal {
  // Parts of a transcribed foreign name (阿不都·热合曼) stay apart; a Chinese name is one word.
  const parts = name.split(/[\u00B7\u30FB\u2027\s]+/u).filter((piece) => piece !== '')
  const { pinyin } = pinyinPro()
  const syllables = parts.map((piece, index) =>
    pinyin(piece, {
      // Only a family name's first part reads as a family name (单 Shan, not Dan).
      mode: part === 'family' && index === 0 ? 'surname' : 'normal',
      toneType: 'none',
      type: 'array',
      v: false,
    }),
  )
  const latin = syllables.map((word) => title(joinSyllables(word))).join(' ')
  const icao = syllables
    .map((word) =>
      word
        .join('')
        .toUpperCase()
        .replace(/Ü/g, 'YU')
        .replace(/[^A-Z]/g, ''),
    )
    .join('<')
  return { latin, icao }
}

/** Joins syllables into one word, with the pinyin apostrophe before a, o, e that begin a syllable. */
function joinSyllables(syllables: readonly string[]): string {
  return syllables
    .map((syllable, index) => (index > 0 && /^[aoe]/.test(syllable) ? `'${syllable}` : syllable))
    .join('')
}

function title(word: string): string {
  return word
    .toLowerCase()
    .split(/([\s<-])/)
    .map((piece) => (piece === '<' ? ' ' : piece.charAt(0).toUpperCase() + piece.slice(1)))
    .join('')
}
