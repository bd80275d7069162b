import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, it } from 'node:test'
import { forEachDialect } from '../../test/support/dialects.js'
import { checkAuditChainStream } from '../domain/audit/audit-chain.js'
import { openStore } from './open-store.js'

/**
 * The writer the test kills: it registers people one transaction at a time (each with its audit
 * entry) and prints a person's id only once the commit has returned, until it is killed.
 */
const writerScript = `
import { openStore } from ${JSON.stringify(new URL('./open-store.ts', import.meta.url).href)}
const store = await openStore(process.argv[2])
await store.transaction((tx) =>
  tx.issuers.upsert({ id: 'ru', name: 'Russia', level: 'federal', country: 'RU', parentId: undefined }),
)
for (let i = 0; i < 100000; i++) {
  const person = await store.transaction(async (tx) => {
    const created = await tx.people.create({
      issuerId: 'ru', familyName: 'Петров', givenName: 'Иван', familyNameIcao: 'PETROV', givenNameIcao: 'IVAN',
      birthDate: '1985-03-14', residency: 'resident', phone: undefined, email: undefined, language: 'ru',
      document: { type: 'passport', number: 'KILL' + String(i).padStart(6, '0'), country: 'RU' },
    })
    await tx.audit.append(
      { actorAccountId: undefined, action: 'person.create', entityType: 'person', entityId: created.id, reason: undefined, data: created },
      new Date().toISOString(),
    )
    return created
  })
  process.stdout.write(person.id + '\\n')
}
`

forEachDialect((dialect) => {
  describe(`durability (${dialect.name})`, () => {
    const directory = mkdtempSync(join(tmpdir(), 'healthcode-durability-'))
    after(() => rmSync(directory, { recursive: true, force: true }))

    it('keeps every write whose commit returned when the writing process is killed with SIGKILL', async () => {
      const url = dialect.url()
      const script = join(directory, 'writer.mjs')
      writeFileSync(script, writerScript)
      const child = spawn(process.execPath, ['--import', 'tsx', script, url], {
        stdio: ['ignore', 'pipe', 'pipe'],
      })
      const acknowledged: string[] = []
      let stderr = ''
      child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
      const exited = new Promise<NodeJS.Signals | null>((resolve) =>
        child.once('exit', (_, signal) => resolve(signal)),
      )
      let pending = ''
      await new Promise<void>((resolve, reject) => {
        child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
          // Only whole lines count: a line cut short by the kill was not acknowledged.
          const lines = (pending + chunk).split('\n')
          pending = lines.pop() ?? ''
          acknowledged.push(...lines)
          if (acknowledged.length >= 50) {
            child.kill('SIGKILL')
            resolve()
          }
        })
        child.once('exit', (code) =>
          reject(new Error(`the writer exited with ${code} before it was killed: ${stderr}`)),
        )
      })
      assert.equal(await exited, 'SIGKILL')

      const store = await openStore(url)
      try {
        for (const id of acknowledged) {
          assert.ok(
            await store.transaction((tx) => tx.people.find(id)),
            `acknowledged person ${id} survives`,
          )
        }
        const chain = await store.transaction((tx) => checkAuditChainStream(tx.audit.all()))
        assert.equal(chain.intact, true)
        assert.ok(chain.entries >= acknowledged.length)
      } finally {
        await store.close()
      }
    })
  })
})
