import assert from 'node:assert/strict'
import { readdirSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { describe, it } from 'node:test'
import jpeg from 'jpeg-js'
import { prepareZXingModule, writeBarcode } from 'zxing-wasm/writer'
import { decodeQrImage, QrImageError } from './decode-qr-image.js'
import type { QrImageErrorCode } from './decode-qr-image.js'

interface RgbaImage {
  width: number
  height: number
  data: Uint8Array
}

const require = createRequire(import.meta.url)
// pngjs ships no type declarations; this is the part of its API these tests use.
const { PNG } = require('pngjs') as {
  PNG: { sync: { read(bytes: Uint8Array): RgbaImage; write(image: RgbaImage): Uint8Array } }
}

interface Vector {
  PREFIX?: string
  '2DCODE'?: string
  EXPECTEDRESULTS?: { EXPECTEDPICTUREDECODE?: boolean }
}

const vectorsRoot = new URL('../../test/vectors/dgc-testdata/', import.meta.url)

/** Every `<country>/2DCode/raw/<name>.json` vector that carries an image, named `<country>/<name>`. */
function loadVectors(): { name: string; vector: Vector }[] {
  const found: { name: string; vector: Vector }[] = []
  for (const country of readdirSync(vectorsRoot, { withFileTypes: true })) {
    if (!country.isDirectory()) continue
    const raw = new URL(`${country.name}/2DCode/raw/`, vectorsRoot)
    const files = readdirSync(raw).filter((name) => name.endsWith('.json'))
    for (const file of files.sort()) {
      // Some upstream files start with a byte-order mark, which JSON.parse refuses.
      const text = readFileSync(new URL(file, raw), 'utf8').replace(/^\uFEFF/, '')
      const vector = JSON.parse(text) as Vector
      if (vector['2DCODE'] !== undefined) {
        found.push({ name: `${country.name}/${file.slice(0, -'.json'.length)}`, vector })
      }
    }
  }
  return found
}

const vectors = loadVectors()

function vectorImage(name: string): { png: Uint8Array; text: string } {
  const { vector } = vectors.find((entry) => entry.name === name) ?? {}
  assert.ok(vector?.['2DCODE'] !== undefined && vector.PREFIX !== undefined, `vector ${name}`)
  return { png: Buffer.from(vector['2DCODE'], 'base64'), text: vector.PREFIX }
}

/**
 * Renders an image as a phone might see it: enlarged, turned a few degrees, on a grey
 * background, unevenly lit, with sensor noise, saved as a JPEG of middling quality.
 */
function photograph(image: RgbaImage): Uint8Array {
  const scale = 2.5
  const angle = (8 * Math.PI) / 180
  const width = Math.round(image.width * scale) + 300
  const height = Math.round(image.height * scale) + 300
  const data = new Uint8Array(width * height * 4)
  let seed = 7
  const noise = (): number => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31
    return (seed / 2 ** 31 - 0.5) * 50
  }
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const dx = x - width / 2
      const dy = y - height / 2
      const sourceX = Math.floor(
        (Math.cos(angle) * dx + Math.sin(angle) * dy) / scale + image.width / 2,
      )
      const sourceY = Math.floor(
        (Math.cos(angle) * dy - Math.sin(angle) * dx) / scale + image.height / 2,
      )
      let level = 140
      if (sourceX >= 0 && sourceY >= 0 && sourceX < image.width && sourceY < image.height) {
        level = (image.data[(sourceY * image.width + sourceX) * 4] ?? 0) > 127 ? 220 : 45
      }
      level = level * (0.8 + (0.2 * x) / width) + noise()
      const pixel = (y * width + x) * 4
      data.fill(Math.max(0, Math.min(255, Math.round(level))), pixel, pixel + 3)
      data[pixel + 3] = 255
    }
  }
  return jpeg.encode({ width, height, data }, 60).data
}

/** A PNG header alone (signature and IHDR chunk), declaring the given size. */
function pngHeader(width: number, height: number): Uint8Array {
  const bytes = Buffer.alloc(33)
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]).copy(bytes)
  bytes.writeUInt32BE(13, 8)
  bytes.write('IHDR', 12, 'latin1')
  bytes.writeUInt32BE(width, 16)
  bytes.writeUInt32BE(height, 20)
  bytes.set([8, 6, 0, 0, 0], 24)
  return bytes
}

async function assertRejectsWith(bytes: Uint8Array, code: QrImageErrorCode): Promise<void> {
  await assert.rejects(decodeQrImage(bytes), (error) => {
    assert.ok(error instanceof QrImageError)
    assert.equal(error.code, code, error.message)
    return true
  })
}

describe('decodeQrImage', () => {
  describe('on the dgc-testdata vectors', () => {
    it('finds vectors to test', () => {
      assert.ok(vectors.length > 300, `found ${vectors.length}`)
    })

    for (const { name, vector } of vectors) {
      const png = Buffer.from(vector['2DCODE'] ?? '', 'base64')
      if (vector.EXPECTEDRESULTS?.EXPECTEDPICTUREDECODE === false) {
        // The one such upstream vector, common/Q1, holds random bytes instead of an image.
        it(`refuses ${name}, whose 2DCODE is not an image`, async () => {
          await assertRejectsWith(png, 'ERR_IMAGE_FORMAT')
        })
      } else {
        it(`reads the text of ${name}`, async () => {
          assert.equal(await decodeQrImage(png), vector.PREFIX)
        })
      }
    }
  })

  it('reads a JPEG photo of a QR code, turned, noisy and unevenly lit', async () => {
    const { png, text } = vectorImage('AT/1')
    const photo = photograph(PNG.sync.read(png))
    assert.equal(await decodeQrImage(photo), text)
  })

  it('reads an Aztec code, which early HCERT drafts allowed besides QR', async () => {
    const { text } = vectorImage('AT/1')
    const wasmPath = require.resolve('zxing-wasm/writer/zxing_writer.wasm')
    const wasmBinary = new Uint8Array(readFileSync(wasmPath)).buffer
    await prepareZXingModule({ overrides: { wasmBinary }, fireImmediately: true })
    const { image, error } = await writeBarcode(text, { format: 'Aztec', scale: 3 })
    assert.ok(image !== null, error)
    assert.equal(await decodeQrImage(new Uint8Array(await image.arrayBuffer())), text)
  })

  it('refuses bytes that are neither PNG nor JPEG, naming what it found', async () => {
    const bytes = new TextEncoder().encode('<!DOCTYPE html>')
    await assertRejectsWith(bytes, 'ERR_IMAGE_FORMAT')
    await assert.rejects(decodeQrImage(bytes), /but the first bytes are 3C 21 44 4F 43 54 59 50$/)
  })

  it('refuses empty input as not an image', async () => {
    await assertRejectsWith(new Uint8Array(0), 'ERR_IMAGE_FORMAT')
  })

  it('reports a PNG cut short as unreadable', async () => {
    await assertRejectsWith(vectorImage('AT/1').png.subarray(0, 100), 'ERR_IMAGE_UNREADABLE')
  })

  it('reports a PNG with corrupt image data as unreadable', async () => {
    const corrupt = Uint8Array.from(vectorImage('AT/1').png)
    for (let index = 60; index < corrupt.length - 12; index += 5) {
      corrupt[index] = (corrupt[index] ?? 0) ^ 0x5a
    }
    await assertRejectsWith(corrupt, 'ERR_IMAGE_UNREADABLE')
  })

  it('reports a JPEG cut short as unreadable rather than as holding no code', async () => {
    const photo = photograph(PNG.sync.read(vectorImage('AT/1').png))
    await assertRejectsWith(photo.subarray(0, Math.floor(photo.length / 3)), 'ERR_IMAGE_UNREADABLE')
    await assertRejectsWith(photo.subarray(0, 100), 'ERR_IMAGE_UNREADABLE')
  })

  it('reports a readable PNG without a code as holding none', async () => {
    const white = { width: 200, height: 200, data: new Uint8Array(200 * 200 * 4).fill(255) }
    await assertRejectsWith(PNG.sync.write(white), 'ERR_IMAGE_NO_CODE')
  })

  it('refuses a file over 20 MiB before reading it', async () => {
    const bytes = new Uint8Array(20 * 1024 * 1024 + 1)
    bytes.set(pngHeader(100, 100))
    await assertRejectsWith(bytes, 'ERR_IMAGE_TOO_LARGE')
  })

  it('refuses a small PNG that declares more than 50 million pixels', async () => {
    await assertRejectsWith(pngHeader(30_000, 30_000), 'ERR_IMAGE_TOO_LARGE')
  })
})
