import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { describe, it } from 'node:test'
import { woffToSfnt } from './woff.js'

const woff = readFileSync(
  createRequire(import.meta.url).resolve(
    '@fontsource/noto-sans/files/noto-sans-cyrillic-400-normal.woff',
  ),
)

/** The sfnt table records (OpenType "Table directory") as tag → [offset, length]. */
function tableRecords(sfnt: Buffer): Map<string, [number, number]> {
  const records = new Map<string, [number, number]>()
  for (let index = 0; index < sfnt.readUInt16BE(4); index++) {
    const record = 12 + index * 16
    records.set(sfnt.toString('latin1', record, record + 4), [
      sfnt.readUInt32BE(record + 8),
      sfnt.readUInt32BE(record + 12),
    ])
  }
  return records
}

describe('woffToSfnt', () => {
  it('unpacks a WOFF font into the TrueType font of the size its header declares', () => {
    const sfnt = woffToSfnt(woff)
    assert.equal(sfnt.readUInt32BE(0), woff.readUInt32BE(4), 'the flavor')
    assert.equal(sfnt.readUInt16BE(4), woff.readUInt16BE(12), 'the number of tables')
    assert.equal(sfnt.byteLength, woff.readUInt32BE(16), 'totalSfntSize')
    const head = tableRecords(sfnt).get('head')
    assert.ok(head !== undefined)
    assert.equal(sfnt.readUInt32BE(head[0] + 12), 0x5f0f3cf5, "the head table's magic number")
  })

  it('rejects bytes that are not WOFF', () => {
    assert.throws(() => woffToSfnt(new Uint8Array(64)), /expected a WOFF file/)
  })

  it('rejects a table that inflates to another length than declared', () => {
    const broken = Buffer.from(woff)
    // Find a compressed table and declare one byte more than it holds.
    for (let index = 0; index < broken.readUInt16BE(12); index++) {
      const entry = 44 + index * 20
      if (broken.readUInt32BE(entry + 8) < broken.readUInt32BE(entry + 12)) {
        broken.writeUInt32BE(broken.readUInt32BE(entry + 12) + 1, entry + 12)
        break
      }
    }
    assert.throws(() => woffToSfnt(broken), /to inflate to \d+ bytes/)
  })
})
