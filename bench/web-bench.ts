import { existsSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { type Browser, type Page, chromium } from 'playwright-core'
import { startServer } from '../src/api/server.js'
import { loadConfig } from '../src/config/config.js'
import { demoCaller, demoDynamicCode } from '../src/demo/demo-client.js'
import { writeQrVideo } from './qr-video.js'
import { median } from './rate.js'

/** Debian's Chromium, as in test/web/; the bench never downloads a browser. */
export const CHROMIUM = '/usr/bin/chromium'

/** The web app's budgets: what a citizen's phone downloads, and how fast the door scanner reads. */
export const WEB_BUDGETS = {
  /** gzip -9 of the JavaScript a citizen's first visit loads, in bytes (200 kB, SI). */
  firstLoadGzippedBytes: 200_000,
  decodeMs: 60,
  cameraToResultMs: 500,
} as const

/** One JavaScript file of the first load. */
export interface FirstLoadFile {
  readonly path: string
  readonly bytes: number
  readonly gzippedBytes: number
}

/** What the web bench measured; the browser parts are absent when Chromium is not there. */
export interface WebFigures {
  readonly firstLoad: { readonly files: readonly FirstLoadFile[]; readonly gzippedBytes: number }
  readonly browser:
    | {
        readonly kind: 'measured'
        /** Which reader the scanner itself picks in this Chromium. */
        readonly scannerReader: 'BarcodeDetector' | 'ZXing WebAssembly'
        readonly decode: {
          readonly width: number
          readonly height: number
          readonly runs: number
          readonly medianMs: number
          readonly maxMs: number
        }
        readonly cameraToResult: {
          /** Opening the camera: includes fetching and compiling ZXing's WebAssembly. */
          readonly firstScanMs: number
          /** "Next visitor": the camera comes back with the reader already compiled. */
          readonly nextScansMs: readonly number[]
        }
      }
    | { readonly kind: 'skipped'; readonly reason: string }
}

const DECODE_RUNS = 30
const NEXT_SCANS = 5

/**
 * The JavaScript a first visit downloads: the entry script of dist/web/index.html, its
 * modulepreloads, every module they import statically (lazy pages are left out, as the browser
 * leaves them out), and the largest language's texts (one is always fetched before the page shows).
 *
 * @throws {Error} when dist/web/index.html is missing (run `npm run build`).
 */
export function measureFirstLoad(webRoot: string): WebFigures['firstLoad'] {
  const index = join(webRoot, 'index.html')
  if (!existsSync(index)) throw new Error(`expected ${index}; run npm run build first`)
  const html = readFileSync(index, 'utf8')
  const referenced = [
    ...[...html.matchAll(/<script[^>]*\btype="module"[^>]*\bsrc="([^"]+)"/g)].map((m) => m[1]),
    ...[...html.matchAll(/<link[^>]*\brel="modulepreload"[^>]*\bhref="([^"]+)"/g)].map((m) => m[1]),
  ].filter((path): path is string => path !== undefined)
  if (referenced.length === 0) throw new Error(`expected an entry script in ${index}, found none`)
  const seen = new Set<string>()
  const queue = referenced.map((path) => path.replace(/^\/app\//, ''))
  while (queue.length > 0) {
    const path = queue.shift() ?? ''
    if (seen.has(path)) continue
    seen.add(path)
    const source = readFileSync(join(webRoot, path), 'utf8')
    // Static imports only (`import{a}from"./x.js"`, `import"./x.js"`); `import("./x.js")` is lazy.
    for (const match of source.matchAll(
      /\bimport\s*(?:[\w$*{}\s,]+?\s*from\s*)?["'](\.\/[^"']+)["']/g,
    )) {
      const relative = match[1] ?? ''
      queue.push(join(path, '..', relative))
    }
  }
  const measure = (path: string) => {
    const bytes = readFileSync(join(webRoot, path))
    return { path, bytes: bytes.length, gzippedBytes: gzipSync(bytes, { level: 9 }).length }
  }
  const files = [...seen].map(measure)
  // The page also fetches one language's texts before it shows (web/src/i18n/messages.ts): the
  // largest of them counts.
  const catalogues = readdirSync(join(webRoot, 'assets'))
    .filter((name) => /^(en|ru|zh)-[\w-]+\.js$/.test(name))
    .map((name) => measure(join('assets', name)))
    .sort((a, b) => b.gzippedBytes - a.gzippedBytes)
  if (catalogues[0] === undefined)
    throw new Error(`expected the texts of en/ru/zh in ${webRoot}/assets`)
  files.push(catalogues[0])
  return { files, gzippedBytes: files.reduce((sum, file) => sum + file.gzippedBytes, 0) }
}

/**
 * Measures the web app: first-load JavaScript from dist/web, then, in headless Chromium against a
 * real server with the demo data, ZXing's decode of a 640×480 camera frame and the time from the
 * first camera frame to the scan result on screen.
 */
export async function measureWeb(root: string): Promise<WebFigures> {
  const webRoot = join(root, 'dist', 'web')
  const firstLoad = measureFirstLoad(webRoot)
  if (!existsSync(CHROMIUM)) {
    return {
      firstLoad,
      browser: { kind: 'skipped', reason: `no ${CHROMIUM} (apt-get install chromium)` },
    }
  }

  const work = mkdtempSync(join(tmpdir(), 'healthcode-bench-web-'))
  const server = await startServer(
    loadConfig({
      PORT: '0',
      HOST: '127.0.0.1',
      DATABASE_URL: join(work, 'store.sqlite'),
      DEMO: 'true',
      LOG_LEVEL: 'silent',
      KEY_ENCRYPTION_KEY: '5a'.repeat(32),
    }),
    { handleSignals: false },
  )
  const url = server.url.replace('localhost', '127.0.0.1')
  let browser: Browser | undefined
  try {
    await ensureVenue(url)
    const qr = await demoDynamicCode(url, '王')
    const video = join(work, 'qr.y4m')
    await writeQrVideo(video, qr, { width: 640, height: 480 })
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--use-fake-ui-for-media-stream',
        '--use-fake-device-for-media-stream',
        `--use-file-for-fake-video-capture=${video}`,
      ],
    })
    const assets = readdirSync(join(webRoot, 'assets'))
    const reader = assets.find((name) => /^reader-[\w-]+\.js$/.test(name))
    const wasm = assets.find((name) => /^zxing_reader-[\w-]+\.wasm$/.test(name))
    if (!reader || !wasm) throw new Error('expected the ZXing reader chunk and .wasm in dist/web')

    const decodeContext = await browser.newContext({ viewport: { width: 390, height: 844 } })
    await decodeContext.grantPermissions(['camera'], { origin: url })
    const decodePage = await decodeContext.newPage()
    await decodePage.goto(`${url}/app/about`)
    const decode = await measureDecode(decodePage, `/app/assets/${reader}`, `/app/assets/${wasm}`)
    if (decode.text !== qr) throw new Error('ZXing read a different text from the camera frame')
    await decodeContext.close()

    const cameraToResult = await measureCameraToResult(browser, url)
    return {
      firstLoad,
      browser: {
        kind: 'measured',
        scannerReader: cameraToResult.hasDetector ? 'BarcodeDetector' : 'ZXing WebAssembly',
        decode: {
          width: decode.width,
          height: decode.height,
          runs: decode.times.length,
          medianMs: median(decode.times),
          maxMs: Math.max(...decode.times),
        },
        cameraToResult: {
          firstScanMs: cameraToResult.firstScanMs,
          nextScansMs: cameraToResult.nextScansMs,
        },
      },
    }
  } finally {
    await browser?.close()
    await server.close()
  }
}

/**
 * The scanner's ZXing path (web/src/scanner/frame-decoder.ts), step for step, on frames of the
 * fake camera: draw the video on a canvas, read its pixels, `readBarcodes` with the scanner's
 * options, from the reader chunk and .wasm our server serves. Timed in the page.
 *
 * The page script is a string: the server's tsconfig has no DOM types.
 */
async function measureDecode(
  page: Page,
  readerUrl: string,
  wasmUrl: string,
): Promise<{ width: number; height: number; times: number[]; text: string }> {
  return page.evaluate(`(async () => {
    const zxing = await import(${JSON.stringify(readerUrl)})
    await zxing.prepareZXingModule({
      overrides: { locateFile: (path, prefix) => path.endsWith('.wasm') ? ${JSON.stringify(wasmUrl)} : prefix + path },
      fireImmediately: true,
    })
    const stream = await navigator.mediaDevices.getUserMedia({
      video: { width: { exact: 640 }, height: { exact: 480 } }, audio: false,
    })
    const video = document.createElement('video')
    video.muted = true
    video.playsInline = true
    video.srcObject = stream
    await video.play()
    while (video.videoWidth === 0) await new Promise((resolve) => setTimeout(resolve, 10))
    const canvas = document.createElement('canvas')
    const context = canvas.getContext('2d', { willReadFrequently: true })
    const decode = async () => {
      const scale = Math.min(1, ${MAX_FRAME_SIDE} / Math.max(video.videoWidth, video.videoHeight))
      canvas.width = Math.round(video.videoWidth * scale)
      canvas.height = Math.round(video.videoHeight * scale)
      context.drawImage(video, 0, 0, canvas.width, canvas.height)
      const frame = context.getImageData(0, 0, canvas.width, canvas.height)
      const [found] = await zxing.readBarcodes(frame, {
        formats: ['QRCode'], tryHarder: true, textMode: 'Plain', maxNumberOfSymbols: 1,
      })
      return found && found.isValid ? found.text : ''
    }
    for (let i = 0; i < 3; i++) await decode()
    const times = []
    let text = ''
    for (let i = 0; i < ${DECODE_RUNS}; i++) {
      const start = performance.now()
      text = await decode()
      times.push(performance.now() - start)
    }
    for (const track of stream.getTracks()) track.stop()
    return { width: video.videoWidth, height: video.videoHeight, times, text }
  })()`)
}

/** web/src/scanner/frame-decoder.ts scales frames to this longest side before reading them. */
const MAX_FRAME_SIDE = 800

/**
 * Records, in the page, when each scanner viewfinder gets its first camera frame
 * (`requestVideoFrameCallback`'s presentation time) and when each scan result is added to the page
 * (the animation frame that paints it); the app itself is run unchanged.
 */
const RECORD_SCANS = `(() => {
  const marks = { frames: [], results: [] }
  globalThis.__scanMarks = marks
  const watched = new WeakSet()
  new MutationObserver(() => {
    for (const video of document.querySelectorAll('video.scanner-video')) {
      if (watched.has(video)) continue
      watched.add(video)
      const slot = marks.frames.length
      marks.frames.push(undefined)
      video.requestVideoFrameCallback((now, meta) => { marks.frames[slot] = meta.presentationTime })
    }
    const result = document.querySelector('.scan-result')
    if (result && !watched.has(result)) {
      watched.add(result)
      requestAnimationFrame((painted) => marks.results.push(painted))
    }
  }).observe(document, { childList: true, subtree: true })
})()`

interface ScanMarks {
  frames: (number | undefined)[]
  results: number[]
}

async function measureCameraToResult(
  browser: Browser,
  url: string,
): Promise<{ hasDetector: boolean; firstScanMs: number; nextScansMs: number[] }> {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 } })
  try {
    await context.grantPermissions(['camera'], { origin: url })
    await context.addInitScript(RECORD_SCANS)
    const page = await context.newPage()
    page.setDefaultTimeout(20_000)
    await page.goto(`${url}/app/scanner`)
    await page.locator('#sign-in-login').fill('venue@spb.demo')
    await page.locator('#sign-in-password').fill('demo-venue-2026')
    await page.getByRole('button', { name: 'Sign in' }).click()
    await page.getByRole('button', { name: 'Scan with the camera' }).click()
    const durations: number[] = []
    for (let scan = 0; scan <= NEXT_SCANS; scan++) {
      await page.waitForFunction(
        (count) =>
          (globalThis as unknown as { __scanMarks: ScanMarks }).__scanMarks.results.length >= count,
        scan + 1,
      )
      const marks = await page.evaluate(
        () => (globalThis as unknown as { __scanMarks: ScanMarks }).__scanMarks,
      )
      const frame = marks.frames[scan]
      const result = marks.results[scan]
      if (frame === undefined || result === undefined) {
        throw new Error(`scan ${scan + 1}: no first-frame mark for the viewfinder`)
      }
      durations.push(result - frame)
      if (scan < NEXT_SCANS) await page.locator('.scan-result button.next').click()
    }
    const hasDetector = await page.evaluate(() => 'BarcodeDetector' in globalThis)
    const [firstScanMs = Number.NaN, ...nextScansMs] = durations
    return { hasDetector, firstScanMs, nextScansMs }
  } finally {
    await context.close()
  }
}

/** Prints the web section against its budgets, with "met" / "NOT MET". */
export function formatWebSection(figures: WebFigures): string {
  const kb = (bytes: number) => `${(bytes / 1000).toFixed(1)} kB`
  const ms = (value: number) => `${value.toFixed(1)} ms`
  const verdict = (ok: boolean) => (ok ? 'met' : 'NOT MET')
  const { firstLoad, browser } = figures
  const lines = [
    'Web app (dist/web, headless Chromium)',
    `  citizen first-load JavaScript, gzip -9: ${kb(firstLoad.gzippedBytes)}` +
      ` (${firstLoad.files.map((file) => `${file.path} ${kb(file.bytes)} → ${kb(file.gzippedBytes)}`).join(', ')})` +
      ` — budget ≤ ${kb(WEB_BUDGETS.firstLoadGzippedBytes)}: ${verdict(firstLoad.gzippedBytes <= WEB_BUDGETS.firstLoadGzippedBytes)}`,
  ]
  if (browser.kind === 'skipped') {
    lines.push(`  scanner decode and camera-to-result: skipped, ${browser.reason}`)
    return lines.join('\n')
  }
  const { decode, cameraToResult } = browser
  const next = cameraToResult.nextScansMs
  const nextMedian = median(next)
  lines.push(
    `  ZXing WebAssembly decode of one ${decode.width}×${decode.height} camera frame: median ${ms(decode.medianMs)}` +
      ` of ${decode.runs}, max ${ms(decode.maxMs)} — budget ≤ ${WEB_BUDGETS.decodeMs} ms: ${verdict(decode.medianMs <= WEB_BUDGETS.decodeMs)}`,
    `  camera to result on screen (scanner reads with ${browser.scannerReader}; includes the scan request):`,
    `    first scan after opening the camera (loads the reader): ${ms(cameraToResult.firstScanMs)}` +
      ` — budget ≤ ${WEB_BUDGETS.cameraToResultMs} ms: ${verdict(cameraToResult.firstScanMs <= WEB_BUDGETS.cameraToResultMs)}`,
    `    next visitors: median ${ms(nextMedian)} of ${next.length} (${next.map((value) => value.toFixed(0)).join(', ')} ms)` +
      ` — budget ≤ ${WEB_BUDGETS.cameraToResultMs} ms: ${verdict(nextMedian <= WEB_BUDGETS.cameraToResultMs)}`,
  )
  return lines.join('\n')
}

/** Makes sure the demo venue operator has a venue to scan at. */
async function ensureVenue(url: string): Promise<void> {
  const venue = await demoCaller(url, 'venue@spb.demo')
  const { venues } = await venue<{ venues: unknown[] }>('GET', '/api/v1/venues')
  if (venues.length > 0) return
  await venue('POST', '/api/v1/venues', {
    name: 'Hermitage',
    category: 'museum',
    address: 'Dvortsovaya pl. 2',
    district: 'RU-SPE-ADM',
  })
}
