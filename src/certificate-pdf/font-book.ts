import { readFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { basename, dirname, resolve } from 'node:path'
import { CertificatePdfError } from './errors.js'
import { woffToSfnt } from './woff.js'

/** The font weights a certificate uses: regular and bold. */
export type FontWeight = 400 | 700

/** Inclusive bounds of a block of Unicode code points. */
export type CodePointRange = readonly [first: number, last: number]

/**
 * One file of a font family split by Unicode range, as Fontsource publishes it for the web: one
 * CSS `@font-face` rule per file, its `unicode-range` saying which characters the file holds.
 */
export interface FontFace {
  /** The file's name without `.woff`, unique among all faces; PDFKit registers the face by it. */
  readonly name: string
  readonly file: string
  /** Sorted by first code point, not overlapping. */
  readonly ranges: readonly CodePointRange[]
}

/** A stretch of text printed with one face. */
export interface TextRun {
  readonly face: FontFace
  readonly text: string
}

/** A piece of text the certificate prints, and in which weight. */
export interface StyledText {
  readonly text: string
  readonly weight: FontWeight
}

/**
 * The families, in the order they are tried for a character. Noto Sans covers Latin, Cyrillic
 * and Greek; Noto Sans SC covers Chinese, in about a hundred files of a few thousand glyphs each.
 */
const fontPackages = ['@fontsource/noto-sans', '@fontsource/noto-sans-sc'] as const

const require = createRequire(import.meta.url)

/** Per process: the faces of each weight, parsed once from the packages' CSS. */
const facesByWeight = new Map<FontWeight, Promise<readonly FontFace[]>>()
/** Per process: each font file unpacked to TrueType, read when a certificate first needs it. */
const fontData = new Map<string, Promise<Buffer>>()

/**
 * The fonts a certificate's text needs, loaded: which face prints each character, and the bytes
 * of every face that prints any.
 */
export class FontBook {
  private readonly faces: ReadonlyMap<FontWeight, readonly FontFace[]>
  private readonly loaded: ReadonlyMap<FontFace, Buffer>
  /** The face found for each weight and character (`700:康`). */
  private readonly faceByCharacter: Map<string, FontFace>

  private constructor(
    faces: ReadonlyMap<FontWeight, readonly FontFace[]>,
    loaded: ReadonlyMap<FontFace, Buffer>,
    faceByCharacter = new Map<string, FontFace>(),
  ) {
    this.faces = faces
    this.loaded = loaded
    this.faceByCharacter = faceByCharacter
  }

  /**
   * Finds a face for every character of the texts and loads those faces' files, each file once
   * per process.
   *
   * @throws {CertificatePdfError} `ERR_PDF_NO_FONT` when a character is in no face.
   */
  static async load(texts: Iterable<StyledText>): Promise<FontBook> {
    const weights: FontWeight[] = [400, 700]
    const faces = new Map<FontWeight, readonly FontFace[]>()
    for (const weight of weights) faces.set(weight, await facesOf(weight))
    const unloaded = new FontBook(faces, new Map())
    const needed = new Set<FontFace>()
    for (const { text, weight } of texts) {
      for (const run of unloaded.split(text, weight)) needed.add(run.face)
    }
    const loaded = new Map<FontFace, Buffer>()
    await Promise.all(
      [...needed].map(async (face) => loaded.set(face, await readFontFile(face.file))),
    )
    return new FontBook(faces, loaded, unloaded.faceByCharacter)
  }

  /** The faces this book has loaded, each with its font unpacked from WOFF to TrueType. */
  loadedFaces(): ReadonlyMap<FontFace, Buffer> {
    return this.loaded
  }

  /**
   * Cuts text into runs of one face each. The face of a character depends on the character
   * alone, never on its neighbours, so any part of a text splits into faces the book has loaded.
   *
   * @throws {CertificatePdfError} `ERR_PDF_NO_FONT` when a character is in no face, or (for text
   *   that was not given to {@link FontBook.load}) in a face that is not loaded.
   */
  runs(text: string, weight: FontWeight): TextRun[] {
    const runs = this.split(text, weight)
    for (const { face } of runs) {
      if (!this.loaded.has(face)) {
        throw new CertificatePdfError(
          'ERR_PDF_NO_FONT',
          `expected the font ${face.name} to be loaded for the text, but it was not`,
        )
      }
    }
    return runs
  }

  private split(text: string, weight: FontWeight): TextRun[] {
    const runs: { face: FontFace; text: string }[] = []
    for (const character of text) {
      const face = this.faceOf(character, weight)
      const last = runs.at(-1)
      if (last?.face === face) last.text += character
      else runs.push({ face, text: character })
    }
    return runs
  }

  private faceOf(character: string, weight: FontWeight): FontFace {
    const key = `${weight}:${character}`
    const known = this.faceByCharacter.get(key)
    if (known !== undefined) return known
    // A control character sits inside the Latin face's range (U+0000-00FF) but has no glyph.
    const codePoint = character.codePointAt(0) ?? 0
    const face = /\p{Cc}/u.test(character)
      ? undefined
      : this.faces.get(weight)?.find((candidate) => covers(candidate.ranges, codePoint))
    if (face === undefined) {
      throw new CertificatePdfError(
        'ERR_PDF_NO_FONT',
        `expected characters that Noto Sans or Noto Sans SC can print, but ${describe(codePoint)} is in neither`,
      )
    }
    this.faceByCharacter.set(key, face)
    return face
  }
}

function describe(codePoint: number): string {
  const hex = `U+${codePoint.toString(16).toUpperCase().padStart(4, '0')}`
  return codePoint < 0x20 || codePoint === 0x7f
    ? hex
    : `${hex} "${String.fromCodePoint(codePoint)}"`
}

/**
 * Every face of one weight, in the order they are tried: the families in {@link fontPackages}
 * order, within a family the last rule of its CSS first, as browsers do (CSS Fonts 4, section
 * 4.5: "the last rule defined is the first to be checked").
 */
function facesOf(weight: FontWeight): Promise<readonly FontFace[]> {
  let faces = facesByWeight.get(weight)
  if (faces === undefined) {
    faces = Promise.all(
      fontPackages.map(async (packageName) => {
        // Resolved from this module, so that it works from src/ under tsx and from dist/.
        const cssFile = require.resolve(`${packageName}/${weight}.css`)
        const rules = parseFontFaceRules(await readFile(cssFile, 'utf8'), dirname(cssFile))
        if (rules.length === 0) {
          throw new Error(
            `expected @font-face rules with a WOFF file and a unicode-range in ${cssFile}, but found none`,
          )
        }
        return rules.reverse()
      }),
    ).then((families) => families.flat())
    // A broken installation is reported once per call, not cached for good.
    faces.catch(() => facesByWeight.delete(weight))
    facesByWeight.set(weight, faces)
  }
  return faces
}

function readFontFile(file: string): Promise<Buffer> {
  let data = fontData.get(file)
  if (data === undefined) {
    data = readFile(file).then((woff) => {
      try {
        return woffToSfnt(woff)
      } catch (error) {
        throw new Error(`expected a WOFF font in ${file}`, { cause: error })
      }
    })
    data.catch(() => fontData.delete(file))
    fontData.set(file, data)
  }
  return data
}

/**
 * The `@font-face` rules of a Fontsource stylesheet that name a WOFF file and a
 * `unicode-range`, in the order they appear. WOFF rather than WOFF2: fontkit decodes WOFF2's
 * Brotli in JavaScript, and PDFKit's subsets of WOFF faces come out smaller.
 *
 * ```css
 * @font-face {
 *   src: url(./files/noto-sans-sc-4-400-normal.woff2) format('woff2'),
 *        url(./files/noto-sans-sc-4-400-normal.woff) format('woff');
 *   unicode-range: U+1f1e9-1f1f5,U+1f21a;
 * }
 * ```
 */
export function parseFontFaceRules(css: string, directory: string): FontFace[] {
  const faces: FontFace[] = []
  for (const [, body = ''] of css.matchAll(/@font-face\s*\{([^}]*)\}/g)) {
    const source = /url\(\s*['"]?([^)'"]+\.woff)['"]?\s*\)\s*format\(\s*['"]woff['"]\s*\)/.exec(
      body,
    )
    const range = /unicode-range\s*:\s*([^;}]+)/.exec(body)
    if (source?.[1] === undefined || range?.[1] === undefined) continue
    const file = resolve(directory, source[1])
    faces.push({ name: basename(file, '.woff'), file, ranges: parseUnicodeRange(range[1]) })
  }
  return faces
}

/**
 * Parses a CSS `unicode-range` value (CSS Fonts 4, section 4.5): comma-separated `U+4E00`,
 * `U+4E00-9FFF` or `U+4??` (each `?` any hex digit).
 */
export function parseUnicodeRange(value: string): CodePointRange[] {
  const ranges: [number, number][] = []
  for (const part of value.split(',')) {
    const match = /^\s*U\+([0-9a-f?]{1,6})(?:-([0-9a-f]{1,6}))?\s*$/i.exec(part)
    const start = match?.[1]
    if (start === undefined) {
      throw new Error(`expected a unicode-range item such as U+0400-045F, but found "${part}"`)
    }
    const end = match?.[2] ?? start.replaceAll('?', 'f')
    ranges.push([Number.parseInt(start.replaceAll('?', '0'), 16), Number.parseInt(end, 16)])
  }
  ranges.sort((a, b) => a[0] - b[0])
  // Overlapping items are merged, so that a binary search finds every code point.
  const merged: [number, number][] = []
  for (const range of ranges) {
    const last = merged.at(-1)
    if (last !== undefined && range[0] <= last[1] + 1) last[1] = Math.max(last[1], range[1])
    else merged.push(range)
  }
  return merged
}

/** Whether a code point lies in one of the ranges, which are sorted and do not overlap. */
function covers(ranges: readonly CodePointRange[], codePoint: number): boolean {
  let low = 0
  let high = ranges.length - 1
  while (low <= high) {
    const middle = (low + high) >> 1
    const range = ranges[middle] as CodePointRange
    if (codePoint < range[0]) high = middle - 1
    else if (codePoint > range[1]) low = middle + 1
    else return true
  }
  return false
}
