import { existsSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { type Browser, type Page, chromium } from 'playwright-core'
import { type RunningServer, startServer } from '../src/api/server.js'
import { loadConfig } from '../src/config/config.js'
import type { Clock } from '../src/domain/clock.js'
import { demoCaller, demoDynamicCode } from '../src/demo/demo-client.js'
import { writeQrVideo } from './qr-video.js'
import { median } from './rate.js'

/** Debian's Chromium, as in test/web/; the bench never downloads a browser. */
export const CHROMIUM = '/usr/bin/chromium'

/**
 * How much slower than this machine the door scanner's phone is taken to be: Chromium's CPU
 * throttling (CDP `Emulation.setCPUThrottlingRate`), 6× as DevTools' "low-end mobile" preset.
 */
export const CPU_THROTTLING_RATE = 6

/**
 * The web app's budgets: what a citizen's phone downloads, and how fast the door scanner reads on
 * a cheap phone (the scanner's figures are judged with the CPU throttled {@link CPU_THROTTLING_RATE}×).
 */
export const WEB_BUDGETS = {
  /** gzip -9 of the JavaScript a citizen's first visit loads, in bytes (200 kB, SI). */
  firstLoadGzippedBytes: 200_000,
  /** Reading one 640×480 camera frame: read-back from the video and ZXing's decode. */
  decodeMs: 60,
  /** From the viewfinder's first camera frame to the result painted, the first visitor. */
  firstScanMs: 500,
  /** The same for each next visitor (the camera opened again, the reader already loaded). */
  nextScanMs: 250,
} as const

/** One JavaScript file of the first load. */
export interface FirstLoadFile {
  readonly path: string
  readonly bytes: number
  readonly gzippedBytes: number
}

/**
 * Where the time of one scan went, in milliseconds, from the viewfinder's first frame (or the
 * scanner's first read of the video, when that came before the frame's presentation time).
 */
export interface ScanParts {
  /** From the first camera frame to the scanner's first frame read (camera start, reader); 0 when the read came first. */
  readonly waitMs: number
  /** The frames read (read-back and ZXing) until one held the code. */
  readonly framesMs: number
  /** Judging the code: the scan request, or the offline verifier without a network. */
  readonly judgeMs: number
  /** From the answer to the result painted (React, layout, paint). */
  readonly showMs: number
}

/** The door scanner measured at one CPU speed. */
export interface ScannerFigures {
  /** 1 for this machine, {@link CPU_THROTTLING_RATE} for the cheap phone. */
  readonly cpuThrottlingRate: number
  /** Loading the reader as the scanner page opens, one figure per session. */
  readonly readerLoadMs: readonly number[]
  /** Every camera frame the scanner read, as it timed itself. */
  readonly frames: readonly {
    readonly ms: number
    readonly width: number
    readonly height: number
    readonly thorough: boolean
  }[]
  /** The first scan of each session. */
  readonly firstScanMs: readonly number[]
  /** The next visitors' scans of every session. */
  readonly nextScansMs: readonly number[]
  /** Each scan's parts, first scans and next ones alike. */
  readonly parts: readonly ScanParts[]
}

/** What the web bench measured; the browser parts are absent when Chromium is not there. */
export interface WebFigures {
  readonly firstLoad: { readonly files: readonly FirstLoadFile[]; readonly gzippedBytes: number }
  readonly browser:
    | {
        readonly kind: 'measured'
        /** Which reader the scanner itself picks in this Chromium. */
        readonly scannerReader: 'BarcodeDetector' | 'ZXing WebAssembly'
        /** Sessions at each speed, interleaved throttled, unthrottled, throttled, … */
        readonly pairs: number
        readonly throttled: ScannerFigures
        readonly unthrottled: ScannerFigures
      }
    | { readonly kind: 'skipped'; readonly reason: string }
}

/** Sessions per speed, interleaved: a fresh browser context each, signed in, camera opened. */
const PAIRS = 5
/** Next visitors per session after the first one. */
export const NEXT_SCANS = 5

/**
 * The password sign-ins the bench makes from 127.0.0.1: the venue operator's and the clinician's
 * before the browser starts ({@link ensureVenue}, `demoDynamicCode`), then one per session.
 */
export const WEB_BENCH_SIGN_INS = 2 + 2 * PAIRS

/**
 * The server the web bench measures against: the demo data in a fresh SQLite file under `work`.
 * Its sign-in limit per address (`SIGN_IN_RATE_LIMIT`, 10 a minute by default, in windows aligned
 * to the minute) is raised to the bench's own sign-ins: on a quiet machine the sessions are fast
 * enough for all {@link WEB_BENCH_SIGN_INS} to fall in one minute, and the server refused the
 * eleventh with 429 ("Too many attempts" on the sign-in page), so the session never reached the
 * scanner. The tests give a `clock` (one minute for every sign-in) and a web build of their own.
 */
export function startWebBenchServer(
  work: string,
  options: { readonly clock?: Clock; readonly webRoot?: string } = {},
): Promise<RunningServer> {
  return startServer(
    loadConfig({
      PORT: '0',
      HOST: '127.0.0.1',
      DATABASE_URL: join(work, 'store.sqlite'),
      DEMO: 'true',
      LOG_LEVEL: 'silent',
      KEY_ENCRYPTION_KEY: '5a'.repeat(32),
      SIGN_IN_RATE_LIMIT: String(WEB_BENCH_SIGN_INS),
      ...(options.webRoot ? { WEB_ROOT: options.webRoot } : {}),
    }),
    { handleSignals: false, ...(options.clock ? { clock: options.clock } : {}) },
  )
}

/**
 * Opens the door scanner as its operator does: the scanner's address, the sign-in page, then the
 * scanner with its camera button. Fails as soon as the page shows an error instead (a refused
 * sign-in, a venue list that did not load), with the page's words, rather than waiting out the
 * page's timeout for a button that will not come.
 *
 * @throws {Error} naming the page's error message, or Playwright's timeout when neither shows.
 */
export async function openDoorScanner(page: Page, url: string): Promise<void> {
  await page.goto(`${url}/app/scanner`)
  await page.locator('#sign-in-login').fill('venue@spb.demo')
  await page.locator('#sign-in-password').fill('demo-venue-2026')
  await page.getByRole('button', { name: 'Sign in' }).click()
  const camera = page.getByRole('button', { name: 'Scan with the camera' })
  const error = page.locator('main [role="alert"]')
  await camera.or(error).first().waitFor()
  if (await camera.isVisible()) return
  const words = (await error.allInnerTexts()).join(' / ')
  throw new Error(`expected the scanner's camera button, the page shows an error: ${words}`)
}

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
  const server = await startWebBenchServer(work)
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
    if (!assets.some((name) => /^zxing_reader-[\w-]+\.wasm$/.test(name))) {
      throw new Error('expected the ZXing .wasm in dist/web/assets')
    }
    const sessions: { throttled: ScannerSession[]; unthrottled: ScannerSession[] } = {
      throttled: [],
      unthrottled: [],
    }
    let hasDetector = false
    for (let pair = 0; pair < PAIRS; pair++) {
      const slow = await scannerSession(browser, url, CPU_THROTTLING_RATE)
      const fast = await scannerSession(browser, url, 1)
      sessions.throttled.push(slow)
      sessions.unthrottled.push(fast)
      hasDetector = slow.hasDetector
    }
    return {
      firstLoad,
      browser: {
        kind: 'measured',
        scannerReader: hasDetector ? 'BarcodeDetector' : 'ZXing WebAssembly',
        pairs: PAIRS,
        throttled: figuresOf(CPU_THROTTLING_RATE, sessions.throttled),
        unthrottled: figuresOf(1, sessions.unthrottled),
      },
    }
  } finally {
    await browser?.close()
    await server.close()
  }
}

/**
 * Records, in the page, when each scanner viewfinder gets its first camera frame
 * (`requestVideoFrameCallback`'s presentation time) and when each scan result is added to the page
 * (the animation frame that paints it); the app itself is run unchanged.
 */
const RECORD_SCANS = `(() => {
  const marks = { frames: [], results: [] }
  globalThis.__scanMarks = marks
  // The bench waits on a promise rather than polling: Playwright's polling runs in the page, on the
  // very main thread that is throttled and measured.
  const waiting = []
  globalThis.__scanResults = (count) => new Promise((resolve) => {
    if (marks.results.length >= count) resolve(marks.results.length)
    else waiting.push([count, resolve])
  })
  const painted = (time) => {
    marks.results.push(time)
    for (const [count, resolve] of waiting.splice(0)) {
      if (marks.results.length >= count) resolve(marks.results.length)
      else waiting.push([count, resolve])
    }
  }
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
      // The time the callback runs, not the frame's start time it is given (which can come
      // before the result was added).
      requestAnimationFrame(() => painted(performance.now()))
    }
  }).observe(document, { childList: true, subtree: true })
})()`

export interface ScanMarks {
  frames: (number | undefined)[]
  results: number[]
}

/** The User Timing names the scanner records (web/src/scanner/frame-decoder.ts, scenes/Scanner.tsx). */
const MEASURES = {
  frame: 'healthcode:scanner-frame',
  reader: 'healthcode:scanner-reader',
  judge: 'healthcode:scanner-judge',
} as const

/** What one session recorded in its page. */
export interface ScannerSession {
  readonly hasDetector: boolean
  readonly readerLoadMs: number | undefined
  readonly frames: ScannerFigures['frames']
  readonly scansMs: readonly number[]
  readonly parts: readonly ScanParts[]
}

export interface PageRecord {
  readonly marks: ScanMarks
  readonly hasDetector: boolean
  readonly reader: number | undefined
  readonly frames: {
    start: number
    duration: number
    detail: { width: number; height: number; thorough: boolean }
  }[]
  readonly judged: { start: number; duration: number }[]
}

/**
 * One door session in a fresh browser context with the CPU throttled `rate`×: the operator signs
 * in, the scanner page opens (and loads its reader), the camera reads the first visitor's code,
 * then NEXT_SCANS more visitors', each from the viewfinder's first frame to the result painted.
 */
async function scannerSession(
  browser: Browser,
  url: string,
  rate: number,
): Promise<ScannerSession> {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 } })
  try {
    await context.grantPermissions(['camera'], { origin: url })
    await context.addInitScript(RECORD_SCANS)
    const page = await context.newPage()
    page.setDefaultTimeout(60_000)
    const cdp = await context.newCDPSession(page)
    await cdp.send('Emulation.setCPUThrottlingRate', { rate })
    await openDoorScanner(page, url)
    const camera = page.getByRole('button', { name: 'Scan with the camera' })
    // The door is open: the scanner loads its reader as the page opens. A scanner that does not
    // say so (an older one) is given no time: its first scan loads the reader.
    await page
      .waitForFunction((name) => performance.getEntriesByName(name).length > 0, MEASURES.reader, {
        timeout: 30_000,
        polling: 100,
      })
      .catch(() => undefined)
    await camera.click()
    for (let scan = 0; scan <= NEXT_SCANS; scan++) {
      await page.evaluate(`__scanResults(${scan + 1})`)
      if (scan < NEXT_SCANS) await page.locator('.scan-result button.next').click()
    }
    const record = (await page.evaluate(`(() => {
      const entries = (name) => performance.getEntriesByName(name)
      return {
        marks: globalThis.__scanMarks,
        hasDetector: 'BarcodeDetector' in globalThis,
        reader: entries(${JSON.stringify(MEASURES.reader)})[0]?.duration,
        frames: entries(${JSON.stringify(MEASURES.frame)}).map((entry) => ({
          start: entry.startTime, duration: entry.duration, detail: entry.detail,
        })),
        judged: entries(${JSON.stringify(MEASURES.judge)}).map((entry) => ({
          start: entry.startTime, duration: entry.duration,
        })),
      }
    })()`)) as PageRecord
    return sessionOf(record)
  } finally {
    await context.close()
  }
}

/** Splits a session's records into scans: each from its viewfinder's first frame to its result. */
export function sessionOf(record: PageRecord): ScannerSession {
  const scansMs: number[] = []
  const parts: ScanParts[] = []
  for (let scan = 0; scan <= NEXT_SCANS; scan++) {
    const frame = record.marks.frames[scan]
    const result = record.marks.results[scan]
    if (frame === undefined || result === undefined) {
      throw new Error(`scan ${scan + 1}: no first-frame or result mark`)
    }
    // The scanner may read the video before the frame's presentation time: the scan's records are
    // those since the previous result, and the scan starts at whichever came first, the frame's
    // presentation or the first read, so that no work of the scan falls outside it.
    const since = record.marks.results[scan - 1] ?? 0
    const read = record.frames.filter((entry) => entry.start >= since && entry.start <= result)
    const judged = record.judged.find((entry) => entry.start >= since && entry.start <= result)
    const firstRead = read[0]?.start
    const start = Math.min(frame, firstRead ?? frame)
    scansMs.push(result - start)
    const lastRead = read.at(-1)
    if (firstRead === undefined || lastRead === undefined || judged === undefined) continue
    parts.push({
      waitMs: firstRead - start,
      framesMs: read.reduce((sum, entry) => sum + entry.duration, 0),
      judgeMs: judged.duration,
      showMs: result - (judged.start + judged.duration),
    })
  }
  return {
    hasDetector: record.hasDetector,
    readerLoadMs: record.reader,
    frames: record.frames.map((entry) => ({ ms: entry.duration, ...entry.detail })),
    scansMs,
    parts,
  }
}

function figuresOf(rate: number, sessions: readonly ScannerSession[]): ScannerFigures {
  return {
    cpuThrottlingRate: rate,
    readerLoadMs: sessions.flatMap((session) =>
      session.readerLoadMs === undefined ? [] : [session.readerLoadMs],
    ),
    frames: sessions.flatMap((session) => session.frames),
    firstScanMs: sessions.map((session) => session.scansMs[0] ?? Number.NaN),
    nextScansMs: sessions.flatMap((session) => session.scansMs.slice(1)),
    parts: sessions.flatMap((session) => session.parts),
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
  const { throttled, unthrottled } = browser
  const slow = `${throttled.cpuThrottlingRate}×`
  const spread = (values: readonly number[]) =>
    values.length === 0
      ? 'n/a'
      : `${ms(median(values))} (${Math.min(...values).toFixed(0)}–${Math.max(...values).toFixed(0)}, n=${values.length})`
  const both = (pick: (figures: ScannerFigures) => readonly number[]) =>
    `CPU ${slow}: ${spread(pick(throttled))}; unthrottled: ${spread(pick(unthrottled))}`
  const budget = (values: readonly number[], limit: number) =>
    ` — budget ≤ ${limit} ms at ${slow}: ${verdict(values.length > 0 && median(values) <= limit)}`
  const frameMs = (figures: ScannerFigures) => figures.frames.map((frame) => frame.ms)
  const sizes = [...new Set(throttled.frames.map((frame) => `${frame.width}×${frame.height}`))]
  const thorough = throttled.frames.filter((frame) => frame.thorough).length
  const part = (key: keyof ScanParts) => (figures: ScannerFigures) =>
    figures.parts.map((parts) => parts[key])
  lines.push(
    `  door scanner (reads with ${browser.scannerReader}), CPU throttled ${slow} (CDP Emulation.setCPUThrottlingRate,` +
      ` DevTools' low-end mobile) and unthrottled, ${browser.pairs} interleaved pairs of sessions; median (range, n):`,
    `    loading the reader as the scanner page opens: ${both((figures) => figures.readerLoadMs)}`,
    `    reading a camera frame (${sizes.join(', ') || 'none'}: read-back and ZXing; ${thorough} of ${throttled.frames.length} thorough at ${slow}):` +
      ` ${both(frameMs)}${budget(frameMs(throttled), WEB_BUDGETS.decodeMs)}`,
    `    camera to result on screen (includes the scan request), first scan: ${both((figures) => figures.firstScanMs)}` +
      budget(throttled.firstScanMs, WEB_BUDGETS.firstScanMs),
    `    next visitors: ${both((figures) => figures.nextScansMs)}` +
      budget(throttled.nextScansMs, WEB_BUDGETS.nextScanMs),
    `    where a scan's time goes, from the viewfinder's first frame:`,
    `      to the first frame read (camera start): ${both(part('waitMs'))}`,
    `      frames read until the code: ${both(part('framesMs'))}`,
    `      judging the code (scan request): ${both(part('judgeMs'))}`,
    `      the answer to the result painted: ${both(part('showMs'))}`,
  )
  return lines.join('\n')
}

/** Makes sure the demo venue operator has a venue to scan at (one password sign-in). */
export async function ensureVenue(url: string): Promise<void> {
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
