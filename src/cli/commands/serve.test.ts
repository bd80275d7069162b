import assert from 'node:assert/strict'
import { mkdtempSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { demoKeyEncryptionKey } from './serve.js'

describe('demoKeyEncryptionKey', () => {
  it('keeps the demo key in a 0600 file, in a folder it makes 0700, beside the SQLite file', () => {
    const folder = join(mkdtempSync(join(tmpdir(), 'healthcode-kek-')), 'data')
    const made = demoKeyEncryptionKey(join(folder, 'healthcode.sqlite'))
    assert.deepEqual(made, { path: join(folder, 'demo-kek'), created: true })
    assert.equal(statSync(folder).mode & 0o777, 0o700)
    assert.equal(statSync(made.path).mode & 0o777, 0o600)
    assert.equal(demoKeyEncryptionKey(join(folder, 'healthcode.sqlite')).created, false)
  })
})
