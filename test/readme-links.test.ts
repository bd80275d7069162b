import assert from 'node:assert/strict'
import { existsSync, readFileSync } from 'node:fs'
import { describe, it } from 'node:test'
import { fileURLToPath } from 'node:url'

const repository = fileURLToPath(new URL('../', import.meta.url))

/** The repository-relative targets of a Markdown file's links (not web addresses or anchors). */
function localLinks(markdown: string): string[] {
  return [...markdown.matchAll(/\]\(([^)\s#]+)(?:#[^)]*)?\)/g)]
    .map((match) => match[1] ?? '')
    .filter((target) => !/^[a-z]+:/i.test(target))
}

describe('the README and docs/', () => {
  for (const file of ['README.md', 'docs/web-app.md', 'docs/health-code.md']) {
    it(`${file} links only to files that exist`, () => {
      const base = new URL(`../${file}`, import.meta.url)
      const links = localLinks(readFileSync(base, 'utf8'))
      assert.ok(links.length > 0, `${file} has links`)
      const missing = links.filter((target) => !existsSync(fileURLToPath(new URL(target, base))))
      assert.deepEqual(missing, [], `${file} links to missing files (from ${repository})`)
    })
  }

  it('shows each screenshot of the README in English, Russian and Chinese', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8')
    const shots = localLinks(readme).filter((link) => link.startsWith('docs/screenshots/'))
    const screens = new Set(shots.map((shot) => shot.replace(/-(en|ru|zh)\.png$/, '')))
    assert.ok(screens.size >= 16, `${screens.size} screens`)
    for (const screen of screens) {
      for (const language of ['en', 'ru', 'zh']) {
        assert.ok(shots.includes(`${screen}-${language}.png`), `${screen} in ${language}`)
      }
    }
  })
})
