import type { FontBook, FontWeight } from './font-book.js'

/** How a piece of text looks: size and line height in points, weight, colour. */
export interface TextStyle {
  readonly size: number
  readonly lineHeight: number
  readonly weight: FontWeight
  readonly color: string
}

/** Chinese characters, kana and full-width forms (UAX #14 classes ID and CL, roughly). */
const ideographs =
  '\\u2e80-\\u2fff\\u3000-\\u9fff\\uf900-\\ufaff\\uff00-\\uffef\\u{20000}-\\u{3ffff}'
/** Closing punctuation, which must not start a line: it stays with the character before it. */
const closing =
  '\\u3001\\u3002\\u3009\\u300b\\u300d\\u300f\\u3011\\uff01\\uff09\\uff0c\\uff0e\\uff1a\\uff1b\\uff1f'
/**
 * The units a line breaks between: one ideograph with its closing punctuation, a word, or a
 * stretch of spaces; each takes the spaces after it.
 */
const tokenPattern = new RegExp(
  `[${ideographs}][${closing}]*\\s*|[^\\s${ideographs}]+\\s*|\\s+`,
  'gu',
)

/**
 * Sets text on a PDFKit page in fonts chosen per character by a {@link FontBook}: PDFKit's own
 * text layout knows one font per call, and no single face holds Latin, Cyrillic and Chinese.
 */
export class Typesetter {
  private readonly doc: PDFKit.PDFDocument
  private readonly fonts: FontBook

  constructor(doc: PDFKit.PDFDocument, fonts: FontBook) {
    this.doc = doc
    this.fonts = fonts
    for (const [face, bytes] of fonts.loadedFaces()) doc.registerFont(face.name, bytes)
  }

  /** The width of one line of text, in points. */
  widthOf(text: string, style: TextStyle): number {
    let width = 0
    for (const run of this.fonts.runs(text, style.weight)) {
      width += this.doc.font(run.face.name, style.size).widthOfString(run.text)
    }
    return width
  }

  /**
   * Breaks text into lines no wider than `width`: between words, between Chinese characters,
   * and inside a word (an identifier such as a UVCI) only when the word alone is too wide.
   */
  wrap(text: string, style: TextStyle, width: number): string[] {
    if (this.widthOf(text, style) <= width) return [text]
    const lines: string[] = []
    let line = ''
    // Widths add up token by token: PDFKit kerns only within a word, and a token ends at spaces or
    // is a Chinese character, which is not kerned.
    let lineWidth = 0
    const endLine = (): void => {
      if (line.trim() !== '') lines.push(line.trimEnd())
      line = ''
      lineWidth = 0
    }
    for (const token of text.match(tokenPattern) ?? []) {
      if (lineWidth + this.widthOf(token.trimEnd(), style) <= width) {
        line += token
        lineWidth += this.widthOf(token, style)
        continue
      }
      endLine()
      const word = token.trimStart()
      if (this.widthOf(word.trimEnd(), style) <= width) {
        line = word
        lineWidth = this.widthOf(word, style)
        continue
      }
      for (const character of word) {
        const characterWidth = this.widthOf(character, style)
        const printed = character.trim() === '' ? 0 : characterWidth
        if (line !== '' && lineWidth + printed > width) endLine()
        line += character
        lineWidth += characterWidth
      }
    }
    endLine()
    return lines
  }

  /**
   * Draws text wrapped to `width` with its first line's top at `top`, and returns the top of the
   * line that would follow.
   */
  paragraph(
    text: string,
    x: number,
    top: number,
    width: number,
    style: TextStyle,
    align: 'left' | 'center' = 'left',
  ): number {
    let y = top
    for (const line of this.wrap(text, style, width)) {
      const indent = align === 'center' ? (width - this.widthOf(line, style)) / 2 : 0
      this.line(line, x + indent, y, style)
      y += style.lineHeight
    }
    return y
  }

  /** Draws one line, its runs side by side on a common baseline. */
  private line(text: string, x: number, top: number, style: TextStyle): void {
    // The baseline is placed from the style, not from a font's ascender: Noto Sans and Noto Sans
    // SC have different ascenders, and the runs of one line must share one baseline.
    const baseline = top + (style.lineHeight - style.size) / 2 + style.size * 0.88
    this.doc.fillColor(style.color)
    let left = x
    for (const run of this.fonts.runs(text, style.weight)) {
      this.doc
        .font(run.face.name, style.size)
        .text(run.text, left, baseline, { lineBreak: false, baseline: 'alphabetic' })
      left += this.doc.widthOfString(run.text)
    }
  }
}
