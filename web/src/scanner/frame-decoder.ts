import wasmUrl from 'zxing-wasm/reader/zxing_reader.wasm?url'

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

/** The longest side a frame is scaled to before ZXing reads it: enough for a phone held at 30 cm. */
const MAX_FRAME_SIDE = 800

/**
 * The best decoder this browser has: the built-in BarcodeDetector where it reads QR codes (Android,
 * macOS), else ZXing compiled to WebAssembly, its .wasm served by our own server (never a CDN).
 */
export async function createFrameDecoder(): Promise<FrameDecoder> {
  const Detector = (globalThis as { BarcodeDetector?: BarcodeDetectorClass }).BarcodeDetector
  if (Detector) {
    try {
      if ((await Detector.getSupportedFormats()).includes('qr_code')) {
        const detector = new Detector({ formats: ['qr_code'] })
        return async (video) => (await detector.detect(video))[0]?.rawValue || undefined
      }
    } catch {
      // Some platforms expose the class but no detector behind it; ZXing takes over.
    }
  }
  return createZxingDecoder()
}

async function createZxingDecoder(): Promise<FrameDecoder> {
  const zxing = await import('zxing-wasm/reader')
  await zxing.prepareZXingModule({
    overrides: {
      locateFile: (path: string, prefix: string) =>
        path.endsWith('.wasm') ? wasmUrl : prefix + path,
    },
    fireImmediately: true,
  })
  const canvas = document.createElement('canvas')
  const context = canvas.getContext('2d', { willReadFrequently: true })
  if (!context) throw new Error('no 2D canvas to read frames from')
  return async (video) => {
    const width = video.videoWidth
    const height = video.videoHeight
    if (width === 0 || height === 0) return undefined
    const scale = Math.min(1, MAX_FRAME_SIDE / Math.max(width, height))
    canvas.width = Math.round(width * scale)
    canvas.height = Math.round(height * scale)
    context.drawImage(video, 0, 0, canvas.width, canvas.height)
    const frame = context.getImageData(0, 0, canvas.width, canvas.height)
    const [found] = await zxing.readBarcodes(frame, {
      formats: ['QRCode'],
      tryHarder: true,
      textMode: 'Plain',
      maxNumberOfSymbols: 1,
    })
    return found?.isValid && found.text ? found.text : undefined
  }
}
