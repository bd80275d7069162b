import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { fileURLToPath } from 'node:url'
import Database from 'better-sqlite3'
import { personBody, testApp } from './test-app.js'

const cli = fileURLToPath(new URL('../../bin/healthcode.js', import.meta.url))

function auditVerify(database: string): { status: number | null; stdout: string } {
  const result = spawnSync(process.execPath, [cli, 'audit', 'verify', '--database', database], {
    encoding: 'utf8',
  })
  return { status: result.status, stdout: result.stdout + result.stderr }
}

describe('healthcode audit verify', () => {
  it('reports an intact chain, then the first entry someone altered behind the triggers', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'healthcode-audit-')), 'store.sqlite')
    const t = await testApp(file)
    for (let i = 0; i < 5; i++) {
      const answer = await t.request(
        t.users.clinician,
        'POST',
        '/api/v1/people',
        personBody({ document: { type: 'passport', number: `TAMPER${i}`, country: 'RU' } }),
      )
      assert.equal(answer.statusCode, 201)
    }
    await t.close()

    const intact = auditVerify(file)
    assert.equal(intact.status, 0, intact.stdout)
    assert.match(intact.stdout, /intact: \d+ entries/)

    const db = new Database(file)
    assert.throws(
      () => db.prepare("UPDATE audit_log SET reason = 'edited' WHERE sequence = 3").run(),
      /append-only/,
    )
    // An attacker with access to the database file drops the trigger first.
    for (const { name } of db
      .prepare("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit_log'")
      .all() as { name: string }[]) {
      db.exec(`DROP TRIGGER ${name}`)
    }
    db.prepare("UPDATE audit_log SET reason = 'edited' WHERE sequence = 3").run()
    db.close()

    const tampered = auditVerify(file)
    assert.equal(tampered.status, 1)
    assert.match(tampered.stdout, /TAMPERED at entry 3/)
  })

  it('exits 2 for a wrong subcommand', () => {
    const result = spawnSync(process.execPath, [cli, 'audit', 'frobnicate'], { encoding: 'utf8' })
    assert.equal(result.status, 2)
  })
})
