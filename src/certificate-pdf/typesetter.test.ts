import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import PDFDocument from 'pdfkit'
import { FontBook } from './font-book.js'
import { Typesetter } from './typesetter.js'
import type { TextStyle } from './typesetter.js'

const style: TextStyle = { size: 10, lineHeight: 13, weight: 400, color: '#000000' }

async function typesetter(...texts: string[]): Promise<Typesetter> {
  const fonts = await FontBook.load(texts.map((text) => ({ text, weight: 400 })))
  return new Typesetter(new PDFDocument({ size: 'A4' }), fonts)
}

describe('Typesetter.wrap', () => {
  it('breaks between words and keeps each line within the width', async () => {
    const text = 'Manufacturer or marketing authorisation holder / Производитель'
    const type = await typesetter(text)
    const lines = type.wrap(text, style, 120)
    assert.ok(lines.length > 1)
    assert.equal(lines.join(' '), text)
    for (const line of lines) assert.ok(type.widthOf(line, style) <= 120 + 1e-9, line)
  })

  it('breaks inside a word only when the word alone is wider than the line', async () => {
    const uvci = 'URN:UVCI:01:RU:8F3K2J9Q4W1E6R7T5Y8U9I0O#X'
    const type = await typesetter(uvci)
    const lines = type.wrap(uvci, style, 100)
    assert.ok(lines.length > 1)
    assert.equal(lines.join(''), uvci)
    for (const line of lines) assert.ok(type.widthOf(line, style) <= 100 + 1e-9, line)
  })

  it('breaks between Chinese characters, never before closing punctuation', async () => {
    const text = '扫描二维码以核验本证明。扫描二维码以核验本证明。'
    const type = await typesetter(text)
    // Room for eleven characters: breaking after the eleventh would start the next line with "。".
    const width = type.widthOf('扫描二维码以核验本证明', style) + 0.01
    const lines = type.wrap(text, style, width)
    assert.equal(lines.join(''), text)
    assert.equal(lines[0], '扫描二维码以核验本证')
    for (const line of lines) assert.doesNotMatch(line, /^。/)
  })
})
