import wasmUrl from 'zxing-wasm/reader/zxing_reader.wasm?url'
import type * as ZxingReaderModule from 'zxing-wasm/reader'
import type { ReaderOptions, ZXingReaderModule } from 'zxing-wasm/reader'

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
/**
 * ZXing's compiled WebAssembly: its reading functions, and Emscripten's memory functions, which
 * ZXing's own `readBarcodes` uses too (the published types leave them to @types/emscripten).
 */
type ZxingWasm = ZXingReaderModule & {
  _malloc(size: number): number
  _free(pointer: number): void
  readonly HEAPU8: Uint8Array
}
/** ZXing's options as its WebAssembly takes them (encoded from {@link ReaderOptions}). */
type WasmReaderOptions = Parameters<ZXingReaderModule['readBarcodesFromPixmap']>[3]

/** The reader this browser has, loaded once per page. */
type FrameReader =
  | { readonly kind: 'detector'; readonly detector: BarcodeDetectorInstance }
  | {
      readonly kind: 'zxing'
      readonly zxing: ZxingReader
      /** The compiled WebAssembly itself, which frames' luminance is copied into. */
      readonly module: ZxingWasm
      /** Whether the warm-up read its code (see {@link warmUp}). */
      readonly warmedUp: boolean
    }

/** The longest side a frame is scaled to before ZXing reads it: enough for a phone held at 30 cm. */
const MAX_FRAME_SIDE = 800

/**
 * The longest side of a frame copied out whole, unscaled, through a VideoFrame: the 1280×720 the
 * viewfinder asks for. A larger one is drawn on the canvas, scaled to {@link MAX_FRAME_SIDE}.
 */
const MAX_COPIED_SIDE = 1280

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
  return frameReader()
}

function frameReader(): Promise<FrameReader> {
  if (!reader) {
    const start = performance.now()
    reader = loadFrameReader().then(
      (loaded) => {
        measure(READER_MEASURE, start, {
          kind: loaded.kind,
          warmedUp: loaded.kind === 'zxing' ? loaded.warmedUp : undefined,
        })
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
  const loaded = await frameReader()
  if (loaded.kind === 'detector') {
    const { detector } = loaded
    return async (video) => (await detector.detect(video))[0]?.rawValue || undefined
  }
  return zxingDecoder(loaded.zxing, loaded.module)
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
  const module = await zxing.prepareZXingModule({
    overrides: { locateFile },
    fireImmediately: true,
  })
  return { kind: 'zxing', zxing, module: module as ZxingWasm, warmedUp: await warmUp(zxing) }
}

/**
 * A version 7 QR code of {@link WARM_UP_TEXT} (alphanumeric, as HC1 texts are; version 7 is the
 * first with version information, and has six alignment patterns, as HC1 codes' versions do): 45
 * rows of 45 modules in hexadecimal, the leftmost module in the highest bit, dark = 1.
 */
const WARM_UP_CODE = [
  'fe08b5c3cbf8',
  '82bf5f495208',
  'ba3ef5bdd2e8',
  'ba13c5171ae8',
  'bae46fbdbae8',
  '820bb8954208',
  'feaaaaaaabf8',
  '007968d52800',
  'aa3a4ff71890',
  '906f545db7c0',
  '5ad8def739e0',
  '79c774325550',
  'e2dede90ef68',
  'c40fd33a4db0',
  '2f442932e710',
  '9c590bc32a38',
  '8b3aa36908b0',
  'b14e8a43b240',
  'db7ad8eb2ae8',
  'b0c6f2354540',
  'afb6df977fe8',
  '88f458bdd8d0',
  '8acd2ab76ab0',
  '88ca98a258f8',
  '4fa4af88ffd0',
  'b8cc9d2250a8',
  '9a5a9aaaea00',
  'b02688c538a0',
  'c7dd7a6f1c38',
  'ccc9d8c5abc0',
  '938c1cef3668',
  'b1db0eb451c0',
  '7f451416e5e8',
  '98ec74bc5730',
  '0a39a3b6ed90',
  '7841d1422d38',
  '9b020fe88fb0',
  '00e438c228c0',
  'fe138aeabac8',
  '824908d53880',
  'bac91ff70f88',
  'ba7c7c5db550',
  'bafdd6f73768',
  '8255e5325dd8',
  'feb4ef10f768',
]
const WARM_UP_TEXT = 'HC1:WARM-UP'

/**
 * Reads a small QR code once with each pass as the reader loads. The browser compiles the
 * WebAssembly's functions when they are first called: on a throttled phone the first frame read
 * took one to two seconds more than the next, and that was the first visitor's wait.
 */
async function warmUp(zxing: ZxingReader): Promise<boolean> {
  const modules = WARM_UP_CODE.length
  const scale = 3
  const quiet = 4
  const side = (modules + 2 * quiet) * scale
  const image = new ImageData(side, side)
  image.data.fill(255)
  WARM_UP_CODE.forEach((row, y) => {
    for (let x = 0; x < modules; x++) {
      if (((parseInt(row.charAt(x >> 2), 16) >> (3 - (x & 3))) & 1) === 0) continue
      for (let dy = 0; dy < scale; dy++) {
        const start = ((quiet + y) * scale + dy) * side + (quiet + x) * scale
        for (let i = start * 4; i < (start + scale) * 4; i += 4) image.data.fill(0, i, i + 3)
      }
    }
  })
  try {
    let read = true
    for (const pass of [QUICK_PASS, THOROUGH_PASS]) {
      const [found] = await zxing.readBarcodes(image, pass)
      read &&= found?.text === WARM_UP_TEXT
    }
    return read
  } catch {
    // Only a head start: the first frame compiles what this did not.
    return false
  }
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

/**
 * Copies the video's current frame out as RGBA pixels through WebCodecs: a VideoFrame of the
 * element, converted from the camera's YUV by the browser as it copies. Drawing the video on a
 * canvas and reading the canvas back cost about three times as much with the CPU throttled as a
 * cheap phone's (Chromium at 6×, with ZXing's read: 640×480, 82 ms a frame against 27 ms;
 * 1280×720, scaled on the canvas to 800×450 or copied whole, 138 against 41 ms;
 * docs/benchmarks.md). Rejects where the browser cannot make or convert the frame (no WebCodecs,
 * or no RGBA conversion in `copyTo`).
 */
async function copyFramePixels(
  video: HTMLVideoElement,
  buffer: { pixels: Uint8ClampedArray<ArrayBuffer> | undefined },
): Promise<ImageData> {
  const frame = new VideoFrame(video)
  try {
    const size = frame.allocationSize({ format: 'RGBA' })
    if (buffer.pixels?.length !== size) buffer.pixels = new Uint8ClampedArray(size)
    await frame.copyTo(buffer.pixels, { format: 'RGBA' })
    // What copyTo copied: the visible part of the frame, four bytes a pixel.
    const visible = frame.visibleRect
    return new ImageData(
      buffer.pixels,
      visible?.width ?? frame.codedWidth,
      visible?.height ?? frame.codedHeight,
    )
  } finally {
    frame.close()
  }
}

/**
 * Video frame formats whose first plane is the picture's luminance, a byte a pixel: what cameras
 * give (YUV). ZXing reads luminance alone.
 */
const LUMINANCE_FIRST: ReadonlySet<string> = new Set([
  'I420',
  'I420A',
  'I422',
  'I422A',
  'I444',
  'I444A',
  'NV12',
])

/** ZXing's options encoded for its WebAssembly, as its own `readBarcodes` encodes them. */
function wasmReaderOptions(zxing: ZxingReader, options: ReaderOptions): WasmReaderOptions {
  const all = { ...zxing.defaultReaderOptions, ...options }
  return {
    ...all,
    formats: zxing.encodeFormats(all.formats),
    binarizer: zxing.binarizers.indexOf(all.binarizer),
    eanAddOnSymbol: zxing.eanAddOnSymbols.indexOf(all.eanAddOnSymbol),
    textMode: zxing.textModes.indexOf(all.textMode),
    characterSet: zxing.characterSets.indexOf(all.characterSet),
  }
}

/** ZXing's memory that frames are copied into, kept from frame to frame (one viewfinder at a time). */
let frameMemory: { readonly pointer: number; readonly size: number } | undefined

/**
 * Reads the code in the video's current frame from its luminance alone, which the browser copies
 * straight into ZXing's memory: no conversion of the camera's YUV to RGBA as the frame is copied,
 * none of RGBA back to luminance (which ZXing's `readBarcodes` does in JavaScript, a pixel at a
 * time), and no copy between the two. With the CPU throttled as a cheap phone's this was most of a
 * frame's read besides the decoding (docs/benchmarks.md). Answers `'rgb'` where the frame is not
 * YUV (some cameras give RGB); rejects where the browser cannot make or copy the frame.
 */
async function readFrameLuminance(
  module: ZxingWasm,
  video: HTMLVideoElement,
  options: WasmReaderOptions,
): Promise<{ text: string | undefined; width: number; height: number } | 'rgb'> {
  const frame = new VideoFrame(video)
  try {
    const width = frame.visibleRect?.width ?? frame.codedWidth
    const height = frame.visibleRect?.height ?? frame.codedHeight
    if (frame.format === null || !LUMINANCE_FIRST.has(frame.format)) return 'rgb'
    // Every plane of the visible part is copied; the luminance is the first.
    const size = frame.allocationSize()
    if (frameMemory === undefined || frameMemory.size < size) {
      if (frameMemory !== undefined) module._free(frameMemory.pointer)
      frameMemory = undefined
      const pointer = module._malloc(size)
      if (pointer === 0) throw new Error(`no ${size} bytes of ZXing memory for a frame`)
      frameMemory = { pointer, size }
    }
    const { pointer } = frameMemory
    // The memory's view is taken after allocating: growing the memory replaces it.
    const [luminance] = await frame.copyTo(module.HEAPU8.subarray(pointer, pointer + size))
    if (luminance === undefined) return 'rgb'
    if (luminance.offset !== 0 || luminance.stride !== width) {
      // Rows padded to a longer stride: packed in place, a row after the other (each moves back).
      const memory = module.HEAPU8
      for (let row = 0; row < height; row++) {
        const from = pointer + luminance.offset + row * luminance.stride
        memory.copyWithin(pointer + row * width, from, from + width)
      }
    }
    const results = module.readBarcodesFromPixmap(pointer, width, height, options)
    return { text: textOf(results.size() > 0 ? results.get(0) : undefined), width, height }
  } finally {
    frame.close()
  }
}

function zxingDecoder(zxing: ZxingReader, module: ZxingWasm): FrameDecoder {
  const { canvas, context } = frameCanvasOf()
  let misses = 0
  const quick = wasmReaderOptions(zxing, QUICK_PASS)
  const thorough = wasmReaderOptions(zxing, THOROUGH_PASS)
  // Frames are read from their luminance, copied through a VideoFrame, while the camera's frames
  // are YUV and the browser can copy them; else copied out as RGBA pixels through a VideoFrame
  // while the browser can; else drawn on the canvas. The pixels' buffer is kept from frame to
  // frame: ZXing copies them before it reads.
  let luminance = typeof VideoFrame === 'function'
  let copying = typeof VideoFrame === 'function'
  const copied: { pixels: Uint8ClampedArray<ArrayBuffer> | undefined } = { pixels: undefined }

  /** A failed copy: a video without a current frame fails for now, one with a frame for good. */
  const copyFailed = (video: HTMLVideoElement): boolean =>
    video.readyState >= HTMLMediaElement.HAVE_CURRENT_DATA

  /** The frame's pixels: copied through a VideoFrame when `copiable` and the browser can. */
  async function framePixels(
    video: HTMLVideoElement,
    copiable: boolean,
  ): Promise<{ image: ImageData; read: 'rgba' | 'canvas' }> {
    if (copying && copiable) {
      try {
        return { image: await copyFramePixels(video, copied), read: 'rgba' }
      } catch {
        if (copyFailed(video)) {
          copying = false
          copied.pixels = undefined
        }
      }
    }
    const scale = Math.min(1, MAX_FRAME_SIDE / Math.max(video.videoWidth, video.videoHeight))
    const frameWidth = Math.round(video.videoWidth * scale)
    const frameHeight = Math.round(video.videoHeight * scale)
    // Resizing a canvas reallocates and clears it: only when the camera's size changes.
    if (canvas.width !== frameWidth || canvas.height !== frameHeight) {
      canvas.width = frameWidth
      canvas.height = frameHeight
    }
    context.drawImage(video, 0, 0, frameWidth, frameHeight)
    return { image: context.getImageData(0, 0, frameWidth, frameHeight), read: 'canvas' }
  }

  async function readFrame(
    video: HTMLVideoElement,
    thoroughPass: boolean,
  ): Promise<{
    text: string | undefined
    width: number
    height: number
    read: 'luminance' | 'rgba' | 'canvas'
  }> {
    // A frame longer than MAX_COPIED_SIDE on a side is drawn on the canvas, scaled: no copy takes it.
    const copiable = Math.max(video.videoWidth, video.videoHeight) <= MAX_COPIED_SIDE
    if (luminance && copiable) {
      try {
        const read = await readFrameLuminance(module, video, thoroughPass ? thorough : quick)
        if (read !== 'rgb') return { ...read, read: 'luminance' }
        // An RGB camera stays one.
        luminance = false
      } catch {
        if (copyFailed(video)) luminance = false
      }
    }
    const { image, read } = await framePixels(video, copiable)
    const [found] = await zxing.readBarcodes(image, thoroughPass ? THOROUGH_PASS : QUICK_PASS)
    return { text: textOf(found), width: image.width, height: image.height, read }
  }

  return async (video) => {
    if (video.videoWidth === 0 || video.videoHeight === 0) return undefined
    const start = performance.now()
    // Every other missed frame is read thoroughly, so a code only that pass reads is found a
    // frame later than before, and a frame without a code costs the quick pass alone in between.
    const thoroughPass = misses % 2 === 1
    const { text, width, height, read } = await readFrame(video, thoroughPass)
    misses = text ? 0 : misses + 1
    measure(FRAME_MEASURE, start, {
      width,
      height,
      read,
      thorough: thoroughPass,
      found: !!text,
    })
    return text
  }
}

/** The text of a code ZXing read, when it read one whole: undefined for none or a partial read. */
function textOf(found: { isValid: boolean; text: string } | undefined): string | undefined {
  return found?.isValid && found.text ? found.text : undefined
}

function measure(name: string, start: number, detail: Record<string, unknown>): void {
  try {
    performance.measure(name, { start, detail })
  } catch {
    // User Timing is a measurement aid only.
  }
}
