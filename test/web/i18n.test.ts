import assert from 'node:assert/strict'
import { readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { fileURLToPath } from 'node:url'
import ts from 'typescript'

const webSource = fileURLToPath(new URL('../../web/src/', import.meta.url))
const languages = ['en', 'ru', 'zh'] as const

function catalogue(language: string): Record<string, string> {
  return JSON.parse(readFileSync(join(webSource, 'i18n', `${language}.json`), 'utf8')) as Record<
    string,
    string
  >
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) return sourceFiles(path)
    return /\.tsx?$/.test(entry.name) ? [path] : []
  })
}

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort()

describe('the web app’s texts (web/src/i18n)', () => {
  const catalogues = Object.fromEntries(languages.map((l) => [l, catalogue(l)])) as Record<
    (typeof languages)[number],
    Record<string, string>
  >
  const keys = Object.keys(catalogues.en)
  const namespaces = new Set(keys.map((key) => key.split('.')[0]))
  const sources = sourceFiles(webSource).map((path) => ({
    path: path.slice(webSource.length),
    text: readFileSync(path, 'utf8'),
  }))

  it('has every key in every language, non-empty and with the same placeholders', () => {
    for (const language of languages) {
      const texts = catalogues[language]
      const missing = keys.filter((key) => !(key in texts))
      const extra = Object.keys(texts).filter((key) => !(key in catalogues.en))
      assert.deepEqual(missing, [], `${language}.json lacks keys`)
      assert.deepEqual(extra, [], `${language}.json has keys en.json does not`)
      for (const key of keys) {
        assert.ok(texts[key]?.trim(), `${language}.json: ${key} is empty`)
        assert.deepEqual(
          placeholders(texts[key] ?? ''),
          placeholders(catalogues.en[key] ?? ''),
          `${language}.json: ${key} has other placeholders than en.json`,
        )
      }
    }
  })

  it('uses no key in the code that is not in the catalogues, and every key somewhere', () => {
    const used = new Set<string>()
    for (const { path, text } of sources) {
      // Every quoted 'namespace.name' whose namespace is one of the catalogue's is a key.
      for (const match of text.matchAll(/['"`]([a-z][a-zA-Z]*(?:\.[a-zA-Z0-9_]+)+)['"`]/g)) {
        const key = match[1] as string
        if (!namespaces.has(key.split('.')[0] as string)) continue
        assert.ok(key in catalogues.en, `${path} uses the key ${key}, which en.json lacks`)
        used.add(key)
      }
      // t() takes only a literal key or a typed MessageKey; a template literal would escape both
      // checks.
      assert.doesNotMatch(text, /\bt\(`/, `${path} builds a key from a template`)
    }
    const unused = keys.filter((key) => !used.has(key))
    assert.deepEqual(unused, [], 'keys no code uses')
  })

  it('writes no words into the markup: every visible text comes from t()', () => {
    for (const { path, text } of sources.filter((s) => s.path.endsWith('.tsx'))) {
      const file = ts.createSourceFile(path, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TSX)
      const visit = (node: ts.Node): void => {
        if (ts.isJsxText(node) && /\p{L}/u.test(node.text)) {
          assert.fail(`${path} has the untranslated text "${node.text.trim()}"`)
        }
        if (
          ts.isJsxAttribute(node) &&
          ['aria-label', 'title', 'alt', 'placeholder'].includes(node.name.getText())
        ) {
          const value = node.initializer
          // An example value (a code's format) is not prose; labels must be translated.
          if (value && ts.isStringLiteral(value) && node.name.getText() !== 'placeholder') {
            assert.fail(`${path} has the untranslated ${node.name.getText()} "${value.text}"`)
          }
        }
        ts.forEachChild(node, visit)
      }
      visit(file)
    }
  })
})
