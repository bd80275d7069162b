import { writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import QRCode from 'qrcode'

// pngjs ships no type declarations; this is the part of its API used here.
const { PNG } = createRequire(import.meta.url)('pngjs') as {
  PNG: { sync: { read(bytes: Uint8Array): { width: number; height: number; data: Uint8Array } } }
}

/**
 * Writes a YUV4MPEG2 video (what Chromium's fake camera plays with
 * `--use-file-for-fake-video-capture`) of a QR code on white: the code is drawn by `qrcode` as a
 * PNG, read back with pngjs and converted to I420 (4:2:0, BT.601 luma, neutral chroma).
 *
 * ```
 * YUV4MPEG2 W640 H480 F10:1 Ip A1:1 C420jpeg\n
 * FRAME\n  Y: W×H bytes | U: W/2×H/2 bytes | V: W/2×H/2 bytes     (× frames)
 * ```
 */
export async function writeQrVideo(
  path: string,
  text: string,
  options: { width?: number; height?: number; frames?: number } = {},
): Promise<void> {
  const width = options.width ?? 640
  const height = options.height ?? 480
  const frames = options.frames ?? 4
  const side = Math.min(width, height) - 40
  const png = PNG.sync.read(
    await QRCode.toBuffer(text, { type: 'png', width: side, margin: 4, errorCorrectionLevel: 'M' }),
  )
  const luma = Buffer.alloc(width * height, 255)
  const left = Math.floor((width - png.width) / 2)
  const top = Math.floor((height - png.height) / 2)
  for (let y = 0; y < png.height; y++) {
    for (let x = 0; x < png.width; x++) {
      const i = (y * png.width + x) * 4
      const r = png.data[i] ?? 255
      const g = png.data[i + 1] ?? 255
      const b = png.data[i + 2] ?? 255
      luma[(top + y) * width + left + x] = Math.round(0.299 * r + 0.587 * g + 0.114 * b)
    }
  }
  const chroma = Buffer.alloc((width / 2) * (height / 2), 128)
  const frame = Buffer.concat([Buffer.from('FRAME\n'), luma, chroma, chroma])
  const header = Buffer.from(`YUV4MPEG2 W${width} H${height} F10:1 Ip A1:1 C420jpeg\n`)
  writeFileSync(path, Buffer.concat([header, ...Array.from({ length: frames }, () => frame)]))
}
