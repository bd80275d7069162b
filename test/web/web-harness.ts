import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before } from 'node:test'
import { fileURLToPath } from 'node:url'
import { type Browser, type Page, chromium } from 'playwright-core'
import { type RunningServer, startServer } from '../../src/api/server.js'
import { loadConfig } from '../../src/config/config.js'
import { demoPassword } from '../../src/demo/demo-data.js'

/** Debian's Chromium; the tests never download a browser (`.ci/run` installs this one). */
export const CHROMIUM = '/usr/bin/chromium'
const repository = fileURLToPath(new URL('../../', import.meta.url))
const screenshots = join(repository, 'test-results')

/**
 * The built web app the tests serve: `WEB_ROOT` when set (a build of its own, so that builds for
 * different checks do not overwrite each other), else dist/web.
 */
export const webRoot = process.env['WEB_ROOT'] || join(repository, 'dist', 'web')

/** Builds the web app into the served folder unless a build is there (`npm run build` makes one). */
export function ensureWebBuild(): void {
  if (existsSync(join(webRoot, 'index.html'))) return
  const vite = join(repository, 'node_modules', '.bin', 'vite')
  const args = ['build', '--config', 'web/vite.config.ts', '--logLevel', 'warn']
  const built = spawnSync(vite, [...args, '--outDir', webRoot, '--emptyOutDir'], {
    cwd: repository,
    stdio: 'inherit',
  })
  if (built.status !== 0) throw new Error('vite build failed')
}

/** The real server with the demo data on a free port and a fresh SQLite file. */
export async function startDemoServer(): Promise<{ server: RunningServer; url: string }> {
  const database = join(mkdtempSync(join(tmpdir(), 'healthcode-web-')), 'store.sqlite')
  const server = await startServer(
    loadConfig({
      PORT: '0',
      HOST: '127.0.0.1',
      DATABASE_URL: database,
      DEMO: 'true',
      LOG_LEVEL: 'silent',
      KEY_ENCRYPTION_KEY: '5a'.repeat(32),
      WEB_ROOT: webRoot,
    }),
    { handleSignals: false },
  )
  return { server, url: server.url.replace('localhost', '127.0.0.1') }
}

/**
 * The `skip` option of a browser suite: CI installs Chromium (.ci/run), so there the suites run
 * and fail without it; elsewhere they wait for it rather than fail.
 */
export const chromiumSkip: string | false =
  !existsSync(CHROMIUM) && !process.env['CI'] ? `no ${CHROMIUM}: apt-get install chromium` : false

/** What a browser suite shares: the demo server and one Chromium. */
export interface BrowserSuite {
  readonly server: RunningServer
  readonly url: string
  readonly browser: Browser
}

/**
 * Starts the demo server and Chromium before the tests of the enclosing `describe` and closes
 * them after; the answer's fields are there once the tests run.
 */
export function useDemoServerAndBrowser(
  options: { readonly browserEnv?: Readonly<Record<string, string>> } = {},
): BrowserSuite {
  let started: { server: RunningServer; url: string } | undefined
  let browser: Browser | undefined
  before(async () => {
    ensureWebBuild()
    started = await startDemoServer()
    browser = await launchChromium([], options.browserEnv)
  })
  after(async () => {
    await browser?.close()
    await started?.server.close()
  })
  const ready = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`${what} is not started yet: read it in a test`)
    return value
  }
  return {
    get server() {
      return ready(started, 'the demo server').server
    },
    get url() {
      return ready(started, 'the demo server').url
    },
    get browser() {
      return ready(browser, 'Chromium')
    },
  }
}

/**
 * Signs in through the sign-in page, opened at `path` (the app keeps the page it was asked for),
 * and waits for the signed-in navigation.
 */
export async function signInThroughPage(
  page: Page,
  url: string,
  login: string,
  options: { password?: string; path?: string } = {},
): Promise<void> {
  await page.goto(`${url}/app/${options.path ?? ''}`)
  await page.locator('#sign-in-login').fill(login)
  await page.locator('#sign-in-password').fill(options.password ?? demoPassword(login))
  await page.locator('form:has(#sign-in-login) button[type="submit"]').click()
  await page.locator('.app-nav').waitFor()
}

/**
 * Launches Chromium headless, with extra switches (the fake camera) and environment variables
 * (a font configuration) when given.
 */
export function launchChromium(
  extraArgs: readonly string[] = [],
  env?: Readonly<Record<string, string>>,
): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    ...(env ? { env: { ...process.env, ...env } } : {}),
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      ...extraArgs,
    ],
  })
}

/** Runs a journey; on failure keeps a screenshot of the page in test-results/ and rethrows. */
export async function withScreenshotOnFailure(
  page: Page,
  name: string,
  journey: () => Promise<void>,
): Promise<void> {
  try {
    await journey()
  } catch (error) {
    mkdirSync(screenshots, { recursive: true })
    await page
      .screenshot({ path: join(screenshots, `${name}.png`), fullPage: true })
      .catch(() => undefined)
    throw error
  }
}

/** The suites set their scenes up through the API, as demo accounts. */
export { demoCaller, demoDynamicCode } from '../../src/demo/demo-client.js'
