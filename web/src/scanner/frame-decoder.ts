import wasmUrl from 'zxing-wasm/reader/zxing_reader.wasm?url'
import type * as ZxingReaderModule from 'zxing-wasm/reader'
import type { ReaderOptions } from 'zxing-wasm/reader'

/** Reads the text of a QR code in a video frame, or answers undefined when there is none. */
export type FrameDecoder = (video: HTMLVideoElement) => Promise<string | undefined>

interface DetectedBarcode {
  readonly rawValue: string
}
interface BarcodeDetectorInstance {
  detect(source: CanvasImageSource): Promise<DetectedBarcode[]>
}
interface BarcodeDetectorClass {
  new (options: { formats: string[] }): BarcodeDetectorInstance
  getSupportedFormats(): Promise<string[]>
}

type ZxingReader = typeof ZxingReaderModule

/** The reader this browser has, loaded once per page. */
type FrameReader =
  | { readonly kind: 'detector'; readonly detector: BarcodeDetectorInstance }
  | { readonly kind: 'zxing'; readonly zxing: ZxingReader }

/** The longest side a frame is scaled to before ZXing reads it: enough for a phone held at 30 cm. */
const MAX_FRAME_SIDE = 800

/** What every pass reads: one QR code, its text as it is. */
const QR_ONLY: ReaderOptions = { formats: ['QRCode'], textMode: 'Plain', maxNumberOfSymbols: 1 }

/**
 * The pass every frame gets, on the image as the camera gave it. ZXing finds a QR code's finder
 * patterns at any angle by itself, so `tryRotate` (reading the image turned three more ways, which
 * linear codes need) is left out, as are `tryInvert` (light modules on a dark ground, which no
 * printed or on-screen HC1 code uses) and `tryHarder` (denser scanning); together they made a
 * frame several times slower on a throttled phone (docs/benchmarks.md). What this pass misses, the
 * thorough pass reads on the next missed frame.
 */
const QUICK_PASS: ReaderOptions = {
  ...QR_ONLY,
  tryHarder: false,
  tryRotate: false,
  tryInvert: false,
  tryDownscale: false,
}

/** ZXing's most careful reading, which every frame had before: the fallback for hard frames. */
const THOROUGH_PASS: ReaderOptions = { ...QR_ONLY, tryHarder: true }

/** The User Timing name of each frame read (read-back and decode); the web bench collects them. */
export const FRAME_MEASURE = 'healthcode:scanner-frame'
/** The User Timing name of loading the reader, from the first call to a reader ready to read. */
export const READER_MEASURE = 'healthcode:scanner-reader'

let reader: Promise<FrameReader> | undefined

/**
 * Starts loading the frame reader (ZXing's WebAssembly, from our own server) before the camera is
 * opened, so that the first visitor does not wait for it; every viewfinder then shares the one
 * compiled module. A failure is not kept: the next camera tries again.
 */
export function preloadFrameReader(): Promise<unknown> {
  if (!reader) {
    const start = performance.now()
    reader = loadFrameReader().then(
      (loaded) => {
        measure(READER_MEASURE, start, { kind: loaded.kind })
        return loaded
      },
      (error: unknown) => {
        reader = undefined
        throw error
      },
    )
  }
  return reader
}

/**
 * A decoder for one viewfinder, with the best reader this browser has: the built-in
 * BarcodeDetector where it reads QR codes (Android, macOS), else ZXing compiled to WebAssembly,
 * its .wasm served by our own server (never a CDN).
 *
 * @throws {Error} when neither reader can be loaded, or the browser has no 2D canvas.
 */
export async function createFrameDecoder(): Promise<FrameDecoder> {
  const loaded = (await preloadFrameReader()) as FrameReader
  if (loaded.kind === 'detector') {
    const { detector } = loaded
    return async (video) => (await detector.detect(video))[0]?.rawValue || undefined
  }
  return zxingDecoder(loaded.zxing)
}

async function loadFrameReader(): Promise<FrameReader> {
  const Detector = (globalThis as { BarcodeDetector?: BarcodeDetectorClass }).BarcodeDetector
  if (Detector) {
    try {
      if ((await Detector.getSupportedFormats()).includes('qr_code')) {
        return { kind: 'detector', detector: new Detector({ formats: ['qr_code'] }) }
      }
    } catch {
      // Some platforms expose the class but no detector behind it; ZXing takes over.
    }
  }
  const zxing = await import('zxing-wasm/reader')
  // The overrides are compared by identity of their functions: a module-level `locateFile` (and
  // this function running once) keeps ZXing from compiling its WebAssembly again per camera.
  await zxing.prepareZXingModule({ overrides: { locateFile }, fireImmediately: true })
  return { kind: 'zxing', zxing }
}

function locateFile(path: string, prefix: string): string {
  return path.endsWith('.wasm') ? wasmUrl : prefix + path
}

let frameCanvas: { canvas: HTMLCanvasElement; context: CanvasRenderingContext2D } | undefined

/** The one canvas frames are drawn on, shared by every viewfinder (one is open at a time). */
function frameCanvasOf(): { canvas: HTMLCanvasElement; context: CanvasRenderingContext2D } {
  if (!frameCanvas) {
    const canvas = document.createElement('canvas')
    // A canvas kept in memory, not on the GPU: its pixels are read back on every frame.
    const context = canvas.getContext('2d', { willReadFrequently: true })
    if (!context) throw new Error('no 2D canvas to read frames from')
    frameCanvas = { canvas, context }
  }
  return frameCanvas
}

function zxingDecoder(zxing: ZxingReader): FrameDecoder {
  const { canvas, context } = frameCanvasOf()
  let misses = 0
  return async (video) => {
    const width = video.videoWidth
    const height = video.videoHeight
    if (width === 0 || height === 0) return undefined
    const start = performance.now()
    const scale = Math.min(1, MAX_FRAME_SIDE / Math.max(width, height))
    const frameWidth = Math.round(width * scale)
    const frameHeight = Math.round(height * scale)
    // Resizing a canvas reallocates and clears it: only when the camera's size changes.
    if (canvas.width !== frameWidth || canvas.height !== frameHeight) {
      canvas.width = frameWidth
      canvas.height = frameHeight
    }
    context.drawImage(video, 0, 0, frameWidth, frameHeight)
    const frame = context.getImageData(0, 0, frameWidth, frameHeight)
    // Every other missed frame is read thoroughly, so a code only that pass reads is found a
    // frame later than before, and a frame without a code costs the quick pass alone in between.
    const thorough = misses % 2 === 1
    const [found] = await zxing.readBarcodes(frame, thorough ? THOROUGH_PASS : QUICK_PASS)
    const text = found?.isValid && found.text ? found.text : undefined
    misses = text ? 0 : misses + 1
    measure(FRAME_MEASURE, start, {
      width: frameWidth,
      height: frameHeight,
      thorough,
      found: !!text,
    })
    return text
  }
}

function measure(name: string, start: number, detail: Record<string, unknown>): void {
  try {
    performance.measure(name, { start, detail })
  } catch {
    // User Timing is a measurement aid only.
  }
}
