import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { CertificatePdfError } from './errors.js'
import { FontBook, parseFontFaceRules, parseUnicodeRange } from './font-book.js'

describe('parseUnicodeRange', () => {
  it('reads single code points, ranges and wildcards, sorted', () => {
    assert.deepEqual(parseUnicodeRange('U+4E00-9FFF, U+0400,U+4??'), [
      [0x400, 0x4ff],
      [0x4e00, 0x9fff],
    ])
  })

  it('merges overlapping and adjacent ranges, so that a binary search finds every code point', () => {
    assert.deepEqual(parseUnicodeRange('U+0300-0301,U+0301,U+0302-0304,U+0308'), [
      [0x300, 0x304],
      [0x308, 0x308],
    ])
  })

  it('rejects an item that is not a code point range', () => {
    assert.throws(() => parseUnicodeRange('U+0400,latin'), /expected a unicode-range item/)
  })
})

describe('parseFontFaceRules', () => {
  it('takes the WOFF file and the range of each rule, relative to the stylesheet', () => {
    const css = `
      /* noto-sans-sc-[4]-400-normal */
      @font-face {
        font-family: 'Noto Sans SC';
        src: url(./files/a-4.woff2) format('woff2'), url(./files/a-4.woff) format('woff');
        unicode-range: U+1f1e9-1f1f5,U+1f21a;
      }
      @font-face {
        src: url(./files/no-range.woff) format('woff');
      }`
    assert.deepEqual(parseFontFaceRules(css, '/fonts'), [
      {
        name: 'a-4',
        file: '/fonts/files/a-4.woff',
        ranges: [
          [0x1f1e9, 0x1f1f5],
          [0x1f21a, 0x1f21a],
        ],
      },
    ])
  })
})

describe('FontBook', () => {
  it('prints Latin and Cyrillic with Noto Sans and Chinese with a Noto Sans SC subset', async () => {
    const fonts = await FontBook.load([{ text: 'Фамилия / Surname 康复证明', weight: 400 }])
    const runs = fonts.runs('Фамилия / Surname 康', 400)
    assert.deepEqual(
      runs.map((run) => [run.text, run.face.name]),
      [
        ['Фамилия', 'noto-sans-cyrillic-400-normal'],
        [' / Surname ', 'noto-sans-latin-400-normal'],
        ['康', runs[2]?.face.name],
      ],
    )
    assert.match(runs[2]?.face.name ?? '', /^noto-sans-sc-\d+-400-normal$/)
  })

  it('loads only the subset files the text needs', async () => {
    const fonts = await FontBook.load([
      { text: 'Test', weight: 400 },
      { text: '康复证明', weight: 700 },
    ])
    const names = [...fonts.loadedFaces().keys()].map((face) => face.name)
    assert.ok(names.includes('noto-sans-latin-400-normal'))
    assert.ok(
      names.every((name) => name === 'noto-sans-latin-400-normal' || name.endsWith('-700-normal')),
    )
    assert.ok(names.length <= 5, `${names.length} files for five characters`)
  })

  it('refuses text it did not load the fonts for', async () => {
    const fonts = await FontBook.load([{ text: 'Test', weight: 400 }])
    assert.throws(
      () => fonts.runs('康', 400),
      (error: unknown) => error instanceof CertificatePdfError && error.code === 'ERR_PDF_NO_FONT',
    )
  })

  for (const [script, text] of [
    ['Arabic', 'محمد'],
    ['a control character', 'Tab\u0007'],
  ]) {
    it(`fails with ERR_PDF_NO_FONT for ${script}`, async () => {
      await assert.rejects(
        FontBook.load([{ text: text ?? '', weight: 400 }]),
        (error: unknown) =>
          error instanceof CertificatePdfError &&
          error.code === 'ERR_PDF_NO_FONT' &&
          /U\+[0-9A-F]{4}/.test(error.message),
      )
    })
  }
})
