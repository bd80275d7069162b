import { inflateSync } from 'node:zlib'

const WOFF_SIGNATURE = 0x774f4646 // 'wOFF'
const WOFF_HEADER_SIZE = 44
const WOFF_ENTRY_SIZE = 20
const SFNT_HEADER_SIZE = 12
const SFNT_ENTRY_SIZE = 16
/** No font of ours comes near this; a larger declared size means a corrupt file. */
const MAX_SFNT_SIZE = 64 * 1024 * 1024

/**
 * Unpacks a WOFF 1.0 file into the TrueType/OpenType font it wraps (W3C WOFF 1.0, sections 4–6).
 *
 * fontkit reads WOFF itself, but inflates every table it touches with a JavaScript inflater, for
 * every PDF; unpacked once with Node's zlib, the font is read in place.
 *
 * ```
 * WOFF header (44 bytes)               sfnt offset table (12 bytes)
 *  0 signature 'wOFF'  4 flavor         0 flavor  4 numTables  6 searchRange
 *  8 length           12 numTables      8 entrySelector  10 rangeShift
 * 16 totalSfntSize    ...
 * WOFF table entry (20 bytes)          sfnt table record (16 bytes)
 *  0 tag  4 offset  8 compLength        0 tag  4 checkSum  8 offset  12 length
 * 12 origLength  16 origChecksum
 * ```
 *
 * @throws {Error} when the bytes are not a well-formed WOFF file, or a table inflates to another
 *   length than its entry declares.
 */
export function woffToSfnt(woff: Uint8Array): Buffer {
  const input = Buffer.from(woff.buffer, woff.byteOffset, woff.byteLength)
  if (input.byteLength < WOFF_HEADER_SIZE || input.readUInt32BE(0) !== WOFF_SIGNATURE) {
    throw new Error('expected a WOFF file starting with "wOFF", but the signature differs')
  }
  const flavor = input.readUInt32BE(4)
  const numTables = input.readUInt16BE(12)
  const totalSfntSize = input.readUInt32BE(16)
  const directoryEnd = WOFF_HEADER_SIZE + numTables * WOFF_ENTRY_SIZE
  if (numTables === 0 || directoryEnd > input.byteLength || totalSfntSize > MAX_SFNT_SIZE) {
    throw new Error(
      `expected a WOFF table directory within the file, but it declares ${numTables} tables`,
    )
  }

  const tables: { tag: number; checksum: number; data: Buffer }[] = []
  for (let index = 0; index < numTables; index++) {
    const entry = WOFF_HEADER_SIZE + index * WOFF_ENTRY_SIZE
    const tag = input.readUInt32BE(entry)
    const offset = input.readUInt32BE(entry + 4)
    const compLength = input.readUInt32BE(entry + 8)
    const origLength = input.readUInt32BE(entry + 12)
    const checksum = input.readUInt32BE(entry + 16)
    if (offset + compLength > input.byteLength || compLength > origLength) {
      throw new Error(`expected WOFF table ${index} within the file, but it runs past the end`)
    }
    const stored = input.subarray(offset, offset + compLength)
    // Section 5: a table is zlib-compressed exactly when that made it shorter.
    const data =
      compLength < origLength ? inflateSync(stored, { maxOutputLength: origLength }) : stored
    if (data.byteLength !== origLength) {
      throw new Error(
        `expected WOFF table ${index} to inflate to ${origLength} bytes, but it gave ${data.byteLength}`,
      )
    }
    tables.push({ tag, checksum, data })
  }

  const padded = (length: number): number => (length + 3) & ~3
  let size = SFNT_HEADER_SIZE + numTables * SFNT_ENTRY_SIZE
  for (const table of tables) size += padded(table.data.byteLength)
  const sfnt = Buffer.alloc(size)
  // The binary-search fields of the offset table (OpenType, "Table directory").
  const entrySelector = Math.floor(Math.log2(numTables))
  const searchRange = 2 ** entrySelector * SFNT_ENTRY_SIZE
  sfnt.writeUInt32BE(flavor, 0)
  sfnt.writeUInt16BE(numTables, 4)
  sfnt.writeUInt16BE(searchRange, 6)
  sfnt.writeUInt16BE(entrySelector, 8)
  sfnt.writeUInt16BE(numTables * SFNT_ENTRY_SIZE - searchRange, 10)
  let offset = SFNT_HEADER_SIZE + numTables * SFNT_ENTRY_SIZE
  tables.forEach((table, index) => {
    const record = SFNT_HEADER_SIZE + index * SFNT_ENTRY_SIZE
    sfnt.writeUInt32BE(table.tag, record)
    sfnt.writeUInt32BE(table.checksum, record + 4)
    sfnt.writeUInt32BE(offset, record + 8)
    sfnt.writeUInt32BE(table.data.byteLength, record + 12)
    table.data.copy(sfnt, offset)
    offset += padded(table.data.byteLength)
  })
  return sfnt
}
