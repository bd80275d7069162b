import assert from 'node:assert/strict'
import type * as Path from 'node:path'
import { describe, it } from 'node:test'
import { importOnFirstUse, requireOnFirstUse } from './load-on-first-use.js'

describe('importOnFirstUse', () => {
  it('loads nothing until the first call, then the same module for every call', async () => {
    let loads = 0
    const load = importOnFirstUse('a test module', async () => ({ loads: ++loads }))
    assert.equal(loads, 0)
    const [first, second] = await Promise.all([load(), load()])
    assert.equal(first, second)
    assert.equal(await load(), first)
    assert.equal(loads, 1)
  })

  it('says what could not be loaded and why, and tries again on the next call', async () => {
    let attempts = 0
    const load = importOnFirstUse('the printer (pdfkit)', async () => {
      attempts += 1
      if (attempts === 1) throw new Error("Cannot find package 'pdfkit'")
      return 'loaded'
    })
    await assert.rejects(load(), {
      message: "could not load the printer (pdfkit): Cannot find package 'pdfkit'",
    })
    assert.equal(await load(), 'loaded')
  })
})

describe('requireOnFirstUse', () => {
  it('requires a package resolved from the caller, once', () => {
    const load = requireOnFirstUse<typeof Path>('path', 'node:path', import.meta.url)
    assert.equal(load().join('a', 'b'), 'a/b')
    assert.equal(load(), load())
  })

  it('says what could not be loaded', () => {
    const load = requireOnFirstUse('Hanyu Pinyin', 'no-such-package-here', import.meta.url)
    assert.throws(
      load,
      /^Error: could not load Hanyu Pinyin: Cannot find module 'no-such-package-here'/,
    )
  })
})
