/** What the splitter yields: a complete line's bytes, or the fact that a line was too long to keep. */
export type SplitLine = { readonly bytes: Uint8Array } | { readonly tooLong: number }

/**
 * Splits a byte stream into lines without ever holding more than `maxLineBytes` of one line: a
 * longer line is skipped and reported by its length, so one huge line cannot exhaust memory. Blank
 * lines are skipped; a final `\r` is kept (JSON parsing ignores it).
 */
export async function* splitLines(
  input: AsyncIterable<Uint8Array>,
  maxLineBytes: number,
): AsyncGenerator<SplitLine> {
  let parts: Uint8Array[] = []
  let partsLength = 0
  let dropping = false
  let droppedLength = 0
  for await (const chunk of input) {
    let start = 0
    const buffer = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength)
    while (start < buffer.length) {
      const newline = buffer.indexOf(10, start)
      const end = newline === -1 ? buffer.length : newline
      const piece = buffer.subarray(start, end)
      if (dropping) {
        droppedLength += piece.length
      } else if (partsLength + piece.length > maxLineBytes) {
        dropping = true
        droppedLength = partsLength + piece.length
        parts = []
        partsLength = 0
      } else if (piece.length > 0) {
        parts.push(piece)
        partsLength += piece.length
      }
      if (newline === -1) {
        // The line goes on in the next chunk: keep a copy, as the stream may reuse its buffer.
        if (parts.length > 0 && parts[parts.length - 1] === piece)
          parts[parts.length - 1] = Buffer.from(piece)
        break
      }
      if (dropping) {
        yield { tooLong: droppedLength }
        dropping = false
        droppedLength = 0
      } else if (partsLength > 0) {
        const bytes =
          parts.length === 1 ? (parts[0] as Uint8Array) : Buffer.concat(parts, partsLength)
        parts = []
        partsLength = 0
        if (!isBlank(bytes)) yield { bytes }
      }
      start = newline + 1
    }
  }
  if (dropping) yield { tooLong: droppedLength }
  else if (partsLength > 0) {
    const bytes = Buffer.concat(parts, partsLength)
    if (!isBlank(bytes)) yield { bytes }
  }
}

function isBlank(bytes: Uint8Array): boolean {
  for (const byte of bytes) {
    if (byte !== 0x20 && byte !== 0x09 && byte !== 0x0d) return false
  }
  return true
}
