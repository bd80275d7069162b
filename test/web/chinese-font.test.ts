import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { chromiumSkip, useDemoServerAndBrowser, withScreenshotOnFailure } from './web-harness.js'

/** What the tests read of the page's window (the tests' own types have no DOM). */
interface PageWindow {
  readonly document: {
    readonly fonts: Iterable<{ readonly family: string; readonly status: string }> & {
      readonly ready: Promise<unknown>
    }
    readonly body: unknown
  }
  getComputedStyle(element: unknown): { readonly fontFamily: string }
}

/** A page in a new context of `locale`, with the font files it fetches listed as they arrive. */
async function pageCountingFonts(
  browser: Browser,
  locale: string,
): Promise<{ context: BrowserContext; page: Page; fonts: string[] }> {
  const context = await browser.newContext({ locale })
  const page = await context.newPage()
  page.setDefaultTimeout(15_000)
  const fonts: string[] = []
  page.on('requestfinished', (request) => {
    if (request.url().endsWith('.woff2')) fonts.push(request.url())
  })
  return { context, page, fonts }
}

/** How many of the app’s own Chinese font faces the page has loaded. */
async function chineseFontUse(page: Page): Promise<{ loadedFaces: number }> {
  return page.evaluate(async () => {
    const { document } = globalThis as unknown as PageWindow
    await document.fonts.ready
    const faces = [...document.fonts].filter(
      (face) => face.family.replaceAll('"', '') === 'Noto Sans SC Web',
    )
    return { loadedFaces: faces.filter((face) => face.status === 'loaded').length }
  })
}

/**
 * A fontconfig file that keeps the machine's fonts but hides every font that covers Chinese, so
 * that Chromium sees a device without a Chinese font (as many kiosks and cheap phones are)
 * whatever this machine has installed (Debian's fonts-noto-cjk, say).
 */
function fontConfigWithoutChinese(): string {
  const file = join(mkdtempSync(join(tmpdir(), 'healthcode-fonts-')), 'fonts.conf')
  writeFileSync(
    file,
    `<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">
<fontconfig>
  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>
  <selectfont>
    <rejectfont>
      <pattern><patelt name="lang"><string>zh-cn</string></patelt></pattern>
      <pattern><patelt name="lang"><string>zh-tw</string></patelt></pattern>
    </rejectfont>
  </selectfont>
</fontconfig>
`,
  )
  return file
}

/** Tells whether this machine has a system font that covers Chinese (fontconfig's `fc-list`). */
function systemChineseFont(): string | undefined {
  const listed = spawnSync('fc-list', [':lang=zh-cn', 'family'], { encoding: 'utf8' })
  return listed.status === 0 ? listed.stdout.split('\n').find((line) => line.trim()) : undefined
}

describe(
  'the Chinese pages’ font in Chromium, on a device without a Chinese font',
  { skip: chromiumSkip },
  () => {
    const suite = useDemoServerAndBrowser({
      browserEnv: { FONTCONFIG_FILE: fontConfigWithoutChinese() },
    })

    it('draws Chinese with the app’s own Noto Sans SC, fetching only the parts the page uses', async () => {
      const { context, page, fonts } = await pageCountingFonts(suite.browser, 'zh-CN')
      await withScreenshotOnFailure(page, 'chinese-font', async () => {
        await page.goto(`${suite.url}/app/`)
        await page.getByRole('heading', { name: '登录' }).waitFor()
        const use = await chineseFontUse(page)
        assert.ok(use.loadedFaces > 0, 'a Noto Sans SC Web face is loaded for the Chinese page')
        assert.ok(fonts.length > 0, 'the page fetched font files')
        assert.ok(
          fonts.length < 40,
          `the page fetched ${fonts.length} font files, only those holding its characters`,
        )
        const family = await page.evaluate(() => {
          const window = globalThis as unknown as PageWindow
          return window.getComputedStyle(window.document.body).fontFamily
        })
        assert.match(family, /Noto Sans SC Web/)
      })
      await context.close()
    })

    it('fetches no Chinese font for English pages', async () => {
      const { context, page, fonts } = await pageCountingFonts(suite.browser, 'en-GB')
      await withScreenshotOnFailure(page, 'english-no-chinese-font', async () => {
        await page.goto(`${suite.url}/app/`)
        await page.getByRole('heading', { name: 'Sign in' }).waitFor()
        assert.equal((await chineseFontUse(page)).loadedFaces, 0)
        assert.deepEqual(fonts, [])
      })
      await context.close()
    })
  },
)

const installedChineseFont = systemChineseFont()

describe(
  'the Chinese pages’ font in Chromium, on a device with a Chinese font',
  {
    skip:
      chromiumSkip ||
      (installedChineseFont === undefined &&
        'no system font covers Chinese here (fc-list :lang=zh-cn): apt-get install fonts-noto-cjk'),
  },
  () => {
    const suite = useDemoServerAndBrowser()

    it(`draws Chinese with the installed font and downloads none (${installedChineseFont ?? 'none'})`, async () => {
      const { context, page, fonts } = await pageCountingFonts(suite.browser, 'zh-CN')
      await withScreenshotOnFailure(page, 'chinese-system-font', async () => {
        await page.goto(`${suite.url}/app/`)
        await page.getByRole('heading', { name: '登录' }).waitFor()
        assert.equal((await chineseFontUse(page)).loadedFaces, 0)
        assert.deepEqual(fonts, [])
      })
      await context.close()
    })
  },
)
