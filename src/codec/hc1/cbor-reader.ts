import { MAX_JSON_DEPTH, type JsonValue } from './cbor.js'

/** What {@link CborReader.readMapHead} returns for a map of indefinite length. */
export const INDEFINITE_LENGTH = -1

/**
 * Reads the CBOR (RFC 8949) of an HC1 code in one pass over the bytes: a COSE_Sign1 message and its
 * headers (`readCoseSign1Directly`), and the CWT claims straight into JSON, the data model of the
 * payloads' schemas (HCERT section 3.3.3; `readHc1ClaimsDirectly`): no `Map`s, no tagged objects,
 * nothing to convert afterwards.
 *
 * It reads a part of what cbor-x reads (through `cborDecoder` and `cborToJson`, the codec's reading
 * before this one), and makes of that part exactly what they made of it: byte strings as views of
 * the bytes read (`subarray`); COSE headers with integer, text and byte string labels and values;
 * and for JSON, maps with text keys (the last of a repeated key wins, in the place of the first,
 * and `__proto__` stays data), arrays, text, integers whose argument fits in 4 bytes, half, single
 * and double floats, `false`, `true`, `null`, tag 0 around text (kept as the text) and tag 1 around
 * a number (an ISO 8601 string), definite or indefinite lengths, containers nested at most
 * `MAX_JSON_DEPTH` deep. For anything else, whether cbor-x accepted it or not, a read *declines*:
 * it returns `undefined` (JSON has no `undefined`) or `false`, the reader is left in no defined
 * state, and the caller reads the bytes through cbor-x instead, which accepts or refuses them with
 * its own message, as it always has. Declined, among others: 8-byte integers (cbor-x made them
 * `bigint`s), byte strings in JSON, CBOR `undefined`, simple values in two bytes, other tags,
 * malformed UTF-8 (cbor-x replaced it with U+FFFD) and a text starting with a byte order mark
 * (which cbor-x kept on Node but dropped, for texts longer than 64 bytes, in the browser).
 */
export class CborReader {
  readonly #bytes: Uint8Array
  readonly #end: number
  #pos = 0

  constructor(bytes: Uint8Array) {
    this.#bytes = bytes
    this.#end = bytes.length
  }

  /** Whether every byte has been read: cbor-x refused bytes after the one item. */
  atEnd(): boolean {
    return this.#pos === this.#end
  }

  /**
   * Reads the head of a map.
   *
   * @returns its number of entries, or {@link INDEFINITE_LENGTH}; `undefined` when the next item
   *   is not a map (declined).
   */
  readMapHead(): number | undefined {
    const pos = this.#pos
    if (pos >= this.#end) return undefined
    const initial = this.#bytes[pos] as number
    if (initial >> 5 !== 5) return undefined
    this.#pos = pos + 1
    if (initial === 0xbf) return INDEFINITE_LENGTH
    return this.#readArgument(initial & 31)
  }

  /** Reads the break that ends an indefinite-length map or array, when it comes next. */
  readBreak(): boolean {
    const pos = this.#pos
    if (pos < this.#end && this.#bytes[pos] === 0xff) {
      this.#pos = pos + 1
      return true
    }
    return false
  }

  /**
   * Reads a map key as CWT and COSE maps use them.
   *
   * @returns an integer, `null` for any text (read past, not decoded: it can never equal an
   *   integer key), `undefined` for any other item (declined).
   */
  readKey(): number | null | undefined {
    const pos = this.#pos
    if (pos >= this.#end) return undefined
    const initial = this.#bytes[pos] as number
    const major = initial >> 5
    if (major === 3) return this.skip() ? null : undefined
    if (major > 1) return undefined
    this.#pos = pos + 1
    const argument = this.#readArgument(initial & 31)
    if (argument === undefined) return undefined
    return major === 0 ? argument : -1 - argument
  }

  /**
   * Reads the head of tag `tag`, when that tag comes next; nothing otherwise.
   *
   * @returns whether it did.
   */
  readTagHead(tag: number): boolean {
    const pos = this.#pos
    if (pos >= this.#end) return false
    const initial = this.#bytes[pos] as number
    if (initial >> 5 !== 6) return false
    this.#pos = pos + 1
    if (this.#readArgument(initial & 31) === tag) return true
    this.#pos = pos
    return false
  }

  /** Reads the head of an array of definite length: its length; `undefined` for anything else. */
  readArrayHead(): number | undefined {
    const pos = this.#pos
    if (pos >= this.#end) return undefined
    const initial = this.#bytes[pos] as number
    if (initial >> 5 !== 4) return undefined
    this.#pos = pos + 1
    return this.#readArgument(initial & 31)
  }

  /**
   * Reads a byte string of definite length as cbor-x did: a view into the bytes read, of their own
   * type (`subarray`), never a copy.
   *
   * @returns the bytes; `undefined` for any other item (declined).
   */
  readBytes(): Uint8Array | undefined {
    const pos = this.#pos
    if (pos >= this.#end) return undefined
    const initial = this.#bytes[pos] as number
    if (initial >> 5 !== 2 || initial === 0x5f) return undefined
    this.#pos = pos + 1
    const length = this.#readArgument(initial & 31)
    if (length === undefined || length > this.#end - this.#pos) return undefined
    const start = this.#pos
    this.#pos = start + length
    return this.#bytes.subarray(start, start + length)
  }

  /**
   * Reads an integer (argument of at most 4 bytes), a text or a byte string: the labels and most
   * values of COSE headers.
   *
   * @returns the value; `undefined` for any other item (declined).
   */
  readScalar(): number | string | Uint8Array | undefined {
    const pos = this.#pos
    if (pos >= this.#end) return undefined
    const major = (this.#bytes[pos] as number) >> 5
    if (major === 2) return this.readBytes()
    if (major === 3) return this.readText()
    return major > 1 ? undefined : this.#readNumber()
  }

  /** Reads text; `undefined` for any other item (declined). */
  readText(): string | undefined {
    const pos = this.#pos
    if (pos >= this.#end) return undefined
    const initial = this.#bytes[pos] as number
    if (initial >> 5 !== 3 || initial === 0x7f) return undefined
    this.#pos = pos + 1
    const length = this.#readArgument(initial & 31)
    return length === undefined ? undefined : this.#readTextBytes(length)
  }

  /**
   * Reads a NumericDate (RFC 8392 section 2): a finite number, or tag 1 around a number, which
   * cbor-x read as a `Date` of `Math.round(seconds * 1000)` milliseconds.
   *
   * @returns seconds since the epoch; `undefined` for anything else (declined).
   */
  readNumericDate(): number | undefined {
    const pos = this.#pos
    if (pos >= this.#end) return undefined
    const initial = this.#bytes[pos] as number
    if (initial >> 5 === 6) {
      this.#pos = pos + 1
      if (this.#readArgument(initial & 31) !== 1) return undefined
      const milliseconds = this.#readEpochMilliseconds()
      // `+ 0` turns -0 into 0, as the Date's time value does.
      return milliseconds === undefined ? undefined : (milliseconds + 0) / 1000
    }
    const seconds = this.#readNumber()
    return seconds !== undefined && Number.isFinite(seconds) ? seconds : undefined
  }

  /** Reads a map as a JSON object; `undefined` for any other item, or one JSON cannot hold. */
  readJsonMap(): { [key: string]: JsonValue } | undefined {
    const entries = this.readMapHead()
    return entries === undefined ? undefined : this.#readObject(entries, 0)
  }

  /**
   * Reads past one item that cbor-x would have decoded without complaint: anything
   * {@link readJsonMap} reads, and also byte strings, 8-byte integers, CBOR `undefined`, tag 0
   * around anything, and maps with keys of any of these kinds.
   *
   * @returns false when declined.
   */
  skip(depth = 0): boolean {
    const bytes = this.#bytes
    const pos = this.#pos
    if (pos >= this.#end) return false
    const initial = bytes[pos] as number
    const info = initial & 31
    this.#pos = pos + 1
    switch (initial >> 5) {
      case 0:
      case 1:
        if (info === 27) return this.#advance(8)
        return this.#readArgument(info) !== undefined
      case 2:
      case 3: {
        const length = info === 31 ? undefined : this.#readArgument(info)
        return length !== undefined && this.#advance(length)
      }
      case 4:
      case 5: {
        if (depth >= MAX_JSON_DEPTH) return false
        const perEntry = initial >> 5 === 5 ? 2 : 1
        if (info === 31) {
          while (!this.readBreak()) if (!this.skip(depth + 1)) return false
          return true
        }
        const length = this.#readArgument(info)
        if (length === undefined) return false
        for (let i = length * perEntry; i > 0; i--) if (!this.skip(depth + 1)) return false
        return true
      }
      case 6: {
        if (depth >= MAX_JSON_DEPTH) return false
        const tag = this.#readArgument(info)
        // cbor-x kept tag 0 around any item; tag 1 multiplied its content by 1000, which throws
        // for a bigint (an 8-byte integer): only a number is read here.
        if (tag === 0) return this.skip(depth + 1)
        return tag === 1 && this.#readNumber() !== undefined
      }
      default:
        if (initial >= 0xf4 && initial <= 0xf7) return true
        return this.#readFloat(initial) !== undefined
    }
  }

  /** One JSON value; `undefined` when declined. */
  #readJson(depth: number): JsonValue | undefined {
    const pos = this.#pos
    if (pos >= this.#end) return undefined
    const initial = this.#bytes[pos] as number
    const info = initial & 31
    this.#pos = pos + 1
    switch (initial >> 5) {
      case 0:
        return this.#readArgument(info)
      case 1: {
        const argument = this.#readArgument(info)
        return argument === undefined ? undefined : -1 - argument
      }
      case 3: {
        if (info === 31) return undefined
        const length = this.#readArgument(info)
        return length === undefined ? undefined : this.#readTextBytes(length)
      }
      case 4: {
        if (depth >= MAX_JSON_DEPTH) return undefined
        if (info === 31) {
          const items: JsonValue[] = []
          while (!this.readBreak()) {
            const item = this.#readJson(depth + 1)
            if (item === undefined) return undefined
            items.push(item)
          }
          return items
        }
        const length = this.#readArgument(info)
        // Every item takes at least a byte: a longer count is a truncated array.
        if (length === undefined || length > this.#end - this.#pos) return undefined
        const items: JsonValue[] = new Array(length)
        for (let i = 0; i < length; i++) {
          const item = this.#readJson(depth + 1)
          if (item === undefined) return undefined
          items[i] = item
        }
        return items
      }
      case 5: {
        const entries = info === 31 ? INDEFINITE_LENGTH : this.#readArgument(info)
        return entries === undefined ? undefined : this.#readObject(entries, depth)
      }
      case 6: {
        // cborToJson refused a tagged value (an object) as deep as a container.
        if (depth >= MAX_JSON_DEPTH) return undefined
        const tag = this.#readArgument(info)
        if (tag === 0) return this.readText()
        if (tag !== 1) return undefined
        const milliseconds = this.#readEpochMilliseconds()
        return milliseconds === undefined ? undefined : new Date(milliseconds).toISOString()
      }
      case 7: {
        if (initial === 0xf4) return false
        if (initial === 0xf5) return true
        if (initial === 0xf6) return null
        const value = this.#readFloat(initial)
        return value !== undefined && Number.isFinite(value) ? value : undefined
      }
      default:
        return undefined
    }
  }

  /** The entries of a map whose head is read, as a JSON object; `undefined` when declined. */
  #readObject(entries: number, depth: number): { [key: string]: JsonValue } | undefined {
    if (depth >= MAX_JSON_DEPTH) return undefined
    const object: { [key: string]: JsonValue } = {}
    for (let i = 0; entries === INDEFINITE_LENGTH ? !this.readBreak() : i < entries; i++) {
      const key = this.#readKeyText()
      if (key === undefined) return undefined
      const value = this.#readJson(depth + 1)
      if (value === undefined) return undefined
      // A key named "__proto__" must stay data, never change the object's prototype.
      if (key === '__proto__') {
        Object.defineProperty(object, key, {
          value,
          enumerable: true,
          writable: true,
          configurable: true,
        })
      } else {
        object[key] = value
      }
    }
    return object
  }

  /**
   * A text map key. Keys of one to three ASCII characters, every key of the payloads' schemas,
   * come from {@link shortKeys}: the same string for the same key in every code.
   */
  #readKeyText(): string | undefined {
    const bytes = this.#bytes
    const pos = this.#pos
    if (pos >= this.#end) return undefined
    const initial = bytes[pos] as number
    if (initial < 0x61 || initial > 0x63 || pos + (initial - 0x5f) > this.#end) {
      return this.readText()
    }
    const length = initial - 0x60
    let packed = length << 24
    for (let i = 1; i <= length; i++) packed |= (bytes[pos + i] as number) << ((3 - i) * 8)
    // Bit 7 of any character is set in packed only by a byte outside ASCII.
    if ((packed & 0x808080) !== 0) return this.readText()
    this.#pos = pos + 1 + length
    const slot = (packed ^ (packed >>> 11) ^ (packed >>> 19)) & (SHORT_KEY_SLOTS - 1)
    if (shortKeyCodes[slot] === packed) return shortKeys[slot] as string
    const key = stringOf(bytes, pos + 1, length)
    shortKeyCodes[slot] = packed
    shortKeys[slot] = key
    return key
  }

  /**
   * The argument of a head whose initial byte is read (RFC 8949 section 3): the value itself, or 1,
   * 2 or 4 bytes after it; `undefined` for 8 bytes, the reserved values and indefinite length.
   */
  #readArgument(info: number): number | undefined {
    if (info < 24) return info
    const bytes = this.#bytes
    const pos = this.#pos
    if (info === 24) {
      if (pos >= this.#end) return undefined
      this.#pos = pos + 1
      return bytes[pos] as number
    }
    if (info === 25) {
      if (pos + 2 > this.#end) return undefined
      this.#pos = pos + 2
      return ((bytes[pos] as number) << 8) | (bytes[pos + 1] as number)
    }
    if (info === 26) {
      if (pos + 4 > this.#end) return undefined
      this.#pos = pos + 4
      return (
        (bytes[pos] as number) * 0x1000000 +
        (((bytes[pos + 1] as number) << 16) |
          ((bytes[pos + 2] as number) << 8) |
          (bytes[pos + 3] as number))
      )
    }
    return undefined
  }

  /** Moves past `count` bytes, if there are that many. */
  #advance(count: number): boolean {
    if (count > this.#end - this.#pos) return false
    this.#pos += count
    return true
  }

  /** An integer (argument of at most 4 bytes) or a float, finite or not; `undefined` otherwise. */
  #readNumber(): number | undefined {
    const pos = this.#pos
    if (pos >= this.#end) return undefined
    const initial = this.#bytes[pos] as number
    const major = initial >> 5
    if (major === 7) {
      this.#pos = pos + 1
      return this.#readFloat(initial)
    }
    if (major > 1) return undefined
    this.#pos = pos + 1
    const argument = this.#readArgument(initial & 31)
    if (argument === undefined) return undefined
    return major === 0 ? argument : -1 - argument
  }

  /**
   * Tag 1's content as cbor-x turned it into a `Date`: `Math.round(seconds * 1000)` milliseconds,
   * when that is a valid time; `undefined` otherwise.
   */
  #readEpochMilliseconds(): number | undefined {
    const seconds = this.#readNumber()
    if (seconds === undefined) return undefined
    const milliseconds = Math.round(seconds * 1000)
    // The range of a Date (ECMA-262 section 21.4.1.31, TimeClip); NaN fails it too.
    return Math.abs(milliseconds) <= 8.64e15 ? milliseconds : undefined
  }

  /** The float of a head whose initial byte is read (0xf9, 0xfa, 0xfb); `undefined` otherwise. */
  #readFloat(initial: number): number | undefined {
    const bytes = this.#bytes
    const pos = this.#pos
    if (initial === 0xf9) {
      if (pos + 2 > this.#end) return undefined
      this.#pos = pos + 2
      return halfToNumber(((bytes[pos] as number) << 8) | (bytes[pos + 1] as number))
    }
    const size = initial === 0xfa ? 4 : initial === 0xfb ? 8 : 0
    if (size === 0 || pos + size > this.#end) return undefined
    this.#pos = pos + size
    for (let i = 0; i < size; i++) floatBytes[i] = bytes[pos + i] as number
    return size === 4 ? floatView.getFloat32(0) : floatView.getFloat64(0)
  }

  /** `length` bytes of UTF-8 as a string; `undefined` when declined (see the class). */
  #readTextBytes(length: number): string | undefined {
    const start = this.#pos
    if (length > this.#end - start) return undefined
    const end = start + length
    this.#pos = end
    const bytes = this.#bytes
    for (let i = start; i < end; i++) {
      if ((bytes[i] as number) >= 0x80) return decodeUtf8(bytes, start, end)
    }
    return stringOf(bytes, start, length)
  }
}

/**
 * Short ASCII map keys already made, in a table indexed by a hash of their bytes: `shortKeyCodes`
 * holds each one's length and bytes packed in 32 bits, `shortKeys` its string. A key whose slot
 * holds another is made afresh and takes the slot; the table never grows.
 */
const SHORT_KEY_SLOTS = 512
const shortKeyCodes = new Int32Array(SHORT_KEY_SLOTS)
const shortKeys: string[] = new Array<string>(SHORT_KEY_SLOTS).fill('')

/** Big-endian float bytes are assembled here, whatever the machine's byte order. */
const floatBytes = new Uint8Array(8)
const floatView = new DataView(floatBytes.buffer)

/** An IEEE 754 half-precision float (RFC 8949 appendix D). */
function halfToNumber(half: number): number {
  const exponent = (half >> 10) & 31
  const mantissa = half & 1023
  const magnitude =
    exponent === 0
      ? mantissa * 2 ** -24
      : exponent === 31
        ? mantissa === 0
          ? Infinity
          : NaN
        : (mantissa + 1024) * 2 ** (exponent - 25)
  return half & 0x8000 ? -magnitude : magnitude
}

/** The UTF-16 code units of the text being decoded. */
let codeUnits = new Uint16Array(256)

/**
 * Decodes well-formed UTF-8 (RFC 3629: no overlong forms, no surrogates, nothing past U+10FFFF);
 * `undefined` for anything else, and for a text that starts with a byte order mark.
 */
function decodeUtf8(bytes: Uint8Array, start: number, end: number): string | undefined {
  // Never more code units than bytes.
  if (codeUnits.length < end - start) codeUnits = new Uint16Array(end - start)
  const units = codeUnits
  let n = 0
  let i = start
  while (i < end) {
    const lead = bytes[i++] as number
    if (lead < 0x80) {
      units[n++] = lead
      continue
    }
    if (lead < 0xc2 || lead > 0xf4) return undefined
    // The second byte's range depends on the lead, to refuse overlong forms, surrogates and code
    // points past U+10FFFF (RFC 3629 section 4).
    const second = i < end ? (bytes[i++] as number) : 0
    const low = lead === 0xe0 ? 0xa0 : lead === 0xf0 ? 0x90 : 0x80
    const high = lead === 0xed ? 0x9f : lead === 0xf4 ? 0x8f : 0xbf
    if (second < low || second > high) return undefined
    if (lead < 0xe0) {
      units[n++] = ((lead & 0x1f) << 6) | (second & 0x3f)
      continue
    }
    const third = i < end ? (bytes[i++] as number) : 0
    if ((third & 0xc0) !== 0x80) return undefined
    if (lead < 0xf0) {
      units[n++] = ((lead & 0x0f) << 12) | ((second & 0x3f) << 6) | (third & 0x3f)
      continue
    }
    const fourth = i < end ? (bytes[i++] as number) : 0
    if ((fourth & 0xc0) !== 0x80) return undefined
    const point =
      (((lead & 0x07) << 18) | ((second & 0x3f) << 12) | ((third & 0x3f) << 6) | (fourth & 0x3f)) -
      0x10000
    units[n++] = 0xd800 | (point >> 10)
    units[n++] = 0xdc00 | (point & 0x3ff)
  }
  if (units[0] === 0xfeff) return undefined
  return stringOf(units, 0, n)
}

// Typed for the reads below, which are all in range: a text's length is checked against the
// bytes left before it is read.
const fromCharCode = String.fromCharCode as (...codes: (number | undefined)[]) => string

/**
 * The string of `length` UTF-16 code units from `codes[start]` on: {@link shortStringOf} for up to
 * 32 characters, nearly every text of a DCC, {@link longStringOf} beyond.
 */
function stringOf(codes: ArrayLike<number>, start: number, length: number): string {
  return length <= 32 ? shortStringOf(codes, start, length) : longStringOf(codes, start, length)
}

/**
 * {@link stringOf} for at most 32 code units, by calls of `String.fromCharCode` with up to 8
 * arguments each: a call with its arguments written out costs a fraction of `fromCharCode.apply`
 * on an array, and far less than one call per character.
 */
function shortStringOf(codes: ArrayLike<number>, start: number, length: number): string {
  const c = codes
  const s = start
  switch (length) {
    case 0:
      return ''
    case 1:
      return fromCharCode(c[s])
    case 2:
      return fromCharCode(c[s], c[s + 1])
    case 3:
      return fromCharCode(c[s], c[s + 1], c[s + 2])
    case 4:
      return fromCharCode(c[s], c[s + 1], c[s + 2], c[s + 3])
    case 5:
      return fromCharCode(c[s], c[s + 1], c[s + 2], c[s + 3], c[s + 4])
    case 6:
      return fromCharCode(c[s], c[s + 1], c[s + 2], c[s + 3], c[s + 4], c[s + 5])
    case 7:
      return fromCharCode(c[s], c[s + 1], c[s + 2], c[s + 3], c[s + 4], c[s + 5], c[s + 6])
    default: {
      const head = fromCharCode(
        c[s],
        c[s + 1],
        c[s + 2],
        c[s + 3],
        c[s + 4],
        c[s + 5],
        c[s + 6],
        c[s + 7],
      )
      // At most three calls deep: the rest is at most 24 code units.
      return length === 8 ? head : head + shortStringOf(codes, s + 8, length - 8)
    }
  }
}

/**
 * {@link stringOf} beyond 32 code units, 8 at a time, without the recursion of
 * {@link shortStringOf}: a text may be as long as the payload.
 */
function longStringOf(codes: ArrayLike<number>, start: number, length: number): string {
  let text = ''
  const end = start + length
  for (let at = start; at < end; at += 8)
    text += shortStringOf(codes, at, end - at < 8 ? end - at : 8)
  return text
}
