import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { DomainError } from '../errors.js'
import { checkAttachments, sniffMediaType } from './attachment-check.js'

const pdf = Buffer.from('%PDF-1.7\n%%EOF\n')
const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13])
const jpeg = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 16])
const limits = { maxBytes: 64, maxCount: 2 }

function refusal(files: Parameters<typeof checkAttachments>[0]) {
  try {
    checkAttachments(files, limits)
  } catch (error) {
    assert.ok(error instanceof DomainError)
    return { code: error.code, field: error.field, message: error.message }
  }
  assert.fail('expected a refusal')
}

describe('evidence attachments', () => {
  it('knows PDF, PNG and JPEG by their first bytes, and nothing else', () => {
    assert.equal(sniffMediaType(pdf), 'application/pdf')
    assert.equal(sniffMediaType(png), 'image/png')
    assert.equal(sniffMediaType(jpeg), 'image/jpeg')
    assert.equal(sniffMediaType(Buffer.from('GIF89a')), undefined)
    assert.equal(sniffMediaType(new Uint8Array()), undefined)
  })

  it('accepts files whose content matches their declared type, and hashes them', () => {
    const [checked] = checkAttachments(
      [{ fileName: 'C:\\scans\\result.pdf', mediaType: 'application/pdf', content: pdf }],
      limits,
    )
    assert.equal(checked?.fileName, 'result.pdf')
    assert.equal(checked?.size, pdf.length)
    assert.match(checked?.sha256 ?? '', /^[0-9a-f]{64}$/)
  })

  it('removes bidirectional and invisible controls from the stored file name', () => {
    const [checked] = checkAttachments(
      [
        {
          fileName: 'invoice\u202efdp.exe\u200b\u2066',
          mediaType: 'application/pdf',
          content: pdf,
        },
      ],
      limits,
    )
    assert.equal(checked?.fileName, 'invoicefdp.exe')
    assert.equal(
      refusal([{ fileName: '\u202e\u200f', mediaType: 'application/pdf', content: pdf }]).code,
      'ERR_ATTACHMENT',
    )
    assert.equal(
      refusal([{ fileName: 'a\u0085.pdf', mediaType: 'application/pdf', content: pdf }]).code,
      'ERR_ATTACHMENT',
    )
  })

  it('refuses a wrong type, a mismatch, an empty or oversized file, too many files, a bad name', () => {
    assert.deepEqual(
      refusal([{ fileName: 'a.exe', mediaType: 'application/pdf', content: Buffer.from('MZ') }])
        .field,
      'attachments[0]',
    )
    assert.match(
      refusal([
        { fileName: 'ok.pdf', mediaType: 'application/pdf', content: pdf },
        { fileName: 'b.pdf', mediaType: 'application/pdf', content: png },
      ]).message,
      /declared application\/pdf but its content is image\/png/,
    )
    assert.equal(
      refusal([{ fileName: 'e.pdf', mediaType: 'application/pdf', content: new Uint8Array() }])
        .field,
      'attachments[0]',
    )
    assert.match(
      refusal([
        {
          fileName: 'big.png',
          mediaType: 'image/png',
          content: Buffer.concat([png, Buffer.alloc(64)]),
        },
      ]).message,
      /76 bytes; the limit is 64/,
    )
    assert.equal(
      refusal(
        [pdf, pdf, pdf].map((content) => ({
          fileName: 'x.pdf',
          mediaType: 'application/pdf',
          content,
        })),
      ).field,
      'attachments',
    )
    assert.equal(
      refusal([{ fileName: 'a\u0000.pdf', mediaType: 'application/pdf', content: pdf }]).code,
      'ERR_ATTACHMENT',
    )
  })
})
