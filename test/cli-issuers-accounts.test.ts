import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { describe, it } from 'node:test'
import { fileURLToPath } from 'node:url'
import { SignInService } from '../src/domain/access/sign-in-service.js'
import { COMMAND_LINE_OPERATOR_ID } from '../src/domain/access/command-line-operator.js'
import { openStore } from '../src/storage/open-store.js'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const cli = join(root, 'bin', 'healthcode.js')

/** Runs the built CLI (npm test builds it first) on a store, with `input` on stdin. */
function run(args: string[], database: string, input = '') {
  return new Promise<{ status: number | null; stdout: string; stderr: string }>(
    (resolve, reject) => {
      const child = spawn(process.execPath, [cli, ...args], {
        cwd: root,
        env: { PATH: process.env['PATH'] ?? '', DATABASE_URL: database },
      })
      let stdout = ''
      let stderr = ''
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk))
      child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
      child.on('error', reject)
      child.on('close', (status) => resolve({ status, stdout, stderr }))
      child.stdin.end(input)
    },
  )
}

/** A new empty SQLite store of its own, so that no test depends on another. */
function newDatabase(): string {
  return join(mkdtempSync(join(tmpdir(), 'healthcode-admin-')), 'store.sqlite')
}

/** A store with the root `ru` and the region `ru-mow`, made through the CLI. */
async function storeWithMoscow(): Promise<string> {
  const database = newDatabase()
  const ru = await run(
    ['issuers', 'add', '--id', 'ru', '--name', 'Russian Federation', '--country', 'RU'],
    database,
  )
  assert.equal(ru.status, 0, ru.stderr)
  const mow = await run(
    ['issuers', 'add', '--id', 'ru-mow', '--name', 'Moscow', '--parent', 'ru'],
    database,
  )
  assert.equal(mow.status, 0, mow.stderr)
  assert.match(mow.stdout, /^added issuer ru-mow \(Moscow, RU\) under ru\nnext: .*keys init/)
  return database
}

async function auditEntries(database: string) {
  const store = await openStore(database)
  try {
    return await store.transaction((tx) => tx.audit.list({ limit: 1000 }))
  } finally {
    await store.close()
  }
}

describe('healthcode issuers', () => {
  it('adds a root and a region under it, lists them as a tree, and audits the operator', async () => {
    const database = await storeWithMoscow()
    const listed = await run(['issuers', 'list', '--json'], database)
    assert.equal(listed.status, 0, listed.stderr)
    assert.deepEqual(JSON.parse(listed.stdout), [
      { id: 'ru', name: 'Russian Federation', level: 'federal', country: 'RU' },
      { id: 'ru-mow', name: 'Moscow', level: 'region', country: 'RU', parentId: 'ru' },
    ])
    const text = await run(['issuers', 'list'], database)
    assert.match(text.stdout, /^ru\s+RU\s+Russian Federation\n {2}ru-mow\s+RU\s+Moscow\n$/)
    const created = (await auditEntries(database)).filter((e) => e.action === 'issuer.create')
    assert.deepEqual(
      created.map((entry) => entry.entityId),
      ['ru', 'ru-mow'],
    )
    for (const entry of created) {
      assert.equal(entry.actorAccountId, COMMAND_LINE_OPERATOR_ID)
      assert.match(entry.reason ?? '', /deployment operator at the command line/)
    }
  })

  it('refuses a taken id and an unknown parent with 1, and changes nothing', async () => {
    const database = await storeWithMoscow()
    const taken = await run(
      ['issuers', 'add', '--id', 'ru-mow', '--name', 'Elsewhere', '--parent', 'ru'],
      database,
    )
    assert.equal(taken.status, 1, taken.stderr)
    assert.match(taken.stderr, /ERR_CONFLICT/)
    const orphan = await run(
      ['issuers', 'add', '--id', 'ru-tver', '--name', 'Tver', '--parent', 'ru-atlantis'],
      database,
    )
    assert.equal(orphan.status, 1, orphan.stderr)
    assert.match(orphan.stderr, /no issuer ru-atlantis \(--parent\) \[ERR_NOT_FOUND\]/)
    const listed = JSON.parse((await run(['issuers', 'list', '--json'], database)).stdout) as {
      id: string
      name: string
    }[]
    assert.deepEqual(
      listed.map((issuer) => `${issuer.id} ${issuer.name}`),
      ['ru Russian Federation', 'ru-mow Moscow'],
    )
  })

  it('answers a usage error with 2: a malformed id or country, a missing option', async () => {
    const database = await storeWithMoscow()
    const cases: [string[], RegExp][] = [
      [['issuers', 'add', '--id', 'RU_TVER', '--name', 'Tver', '--parent', 'ru'], /--id/],
      [
        [
          'issuers',
          'add',
          '--id',
          'ru-tver',
          '--name',
          'Tver',
          '--parent',
          'ru',
          '--country',
          'XX',
        ],
        /--country/,
      ],
      [['issuers', 'add', '--id', 'ru-tver', '--parent', 'ru'], /--name/],
      [['issuers', 'add', '--id', 'kz', '--name', 'Kazakhstan'], /--country CC for a root/],
      [['issuers', 'remove', '--id', 'ru-mow'], /add\|list/],
    ]
    for (const [args, message] of cases) {
      const answer = await run(args, database)
      assert.equal(answer.status, 2, `${args.join(' ')}: ${answer.stderr}`)
      assert.match(answer.stderr, message)
    }
    const listed = JSON.parse((await run(['issuers', 'list', '--json'], database)).stdout) as {
      id: string
    }[]
    assert.equal(listed.length, 2)
  })
})

describe('healthcode accounts', () => {
  it('adds a staff account with a generated password that signs in once printed', async () => {
    const database = await storeWithMoscow()
    const added = await run(
      [
        'accounts',
        'add',
        '--issuer',
        'ru-mow',
        '--role',
        'clinician',
        '--login',
        'Doc@Mow.Example',
      ],
      database,
    )
    assert.equal(added.status, 0, added.stderr)
    assert.match(added.stdout, /^added account doc@mow\.example: clinician of ru-mow\n/)
    const password = /password \(shown once[^)]*\): (\S+)\n/.exec(added.stdout)?.[1]
    assert.ok(password && password.length >= 20, added.stdout)
    const store = await openStore(database)
    try {
      const account = await new SignInService(store, () => new Date()).checkPassword(
        'doc@mow.example',
        password,
      )
      assert.deepEqual(account.roles, ['clinician'])
      assert.equal(account.issuerId, 'ru-mow')
      await assert.rejects(
        new SignInService(store, () => new Date()).checkPassword('doc@mow.example', 'wrong one!'),
        { code: 'ERR_SIGN_IN_FAILED' },
      )
    } finally {
      await store.close()
    }
    const entry = (await auditEntries(database)).find((e) => e.action === 'account.create')
    assert.equal(entry?.actorAccountId, COMMAND_LINE_OPERATOR_ID)
  })

  it('reads the password from stdin with --password-stdin and prints none', async () => {
    const database = await storeWithMoscow()
    const added = await run(
      [
        'accounts',
        'add',
        '--issuer',
        'ru-mow',
        '--role',
        'venue_operator',
        '--login',
        'door@mow.example',
        '--password-stdin',
      ],
      database,
      'a door password 42\n',
    )
    assert.equal(added.status, 0, added.stderr)
    assert.doesNotMatch(added.stdout, /password/)
    const store = await openStore(database)
    try {
      const account = await new SignInService(store, () => new Date()).checkPassword(
        'door@mow.example',
        'a door password 42',
      )
      assert.deepEqual(account.roles, ['venue_operator'])
    } finally {
      await store.close()
    }
  })

  it('refuses a taken login and an unknown issuer with 1', async () => {
    const database = await storeWithMoscow()
    const add = (login: string, issuer: string) =>
      run(
        ['accounts', 'add', '--issuer', issuer, '--role', 'administrator', '--login', login],
        database,
      )
    assert.equal((await add('admin@mow.example', 'ru-mow')).status, 0)
    const again = await add('ADMIN@mow.example', 'ru-mow')
    assert.equal(again.status, 1, again.stderr)
    assert.match(again.stderr, /ERR_CONFLICT/)
    const nowhere = await add('admin@kgd.example', 'ru-kgd')
    assert.equal(nowhere.status, 1, nowhere.stderr)
    assert.match(nowhere.stderr, /no issuer ru-kgd/)
    const created = (await auditEntries(database)).filter((e) => e.action === 'account.create')
    assert.equal(created.length, 1)
  })

  it('answers a usage error with 2: an unknown role, a short password, a missing option', async () => {
    const database = await storeWithMoscow()
    const cases: [string[], string, RegExp][] = [
      [
        ['accounts', 'add', '--issuer', 'ru-mow', '--role', 'king', '--login', 'k@mow.example'],
        '',
        /no role "king"/,
      ],
      [
        [
          'accounts',
          'add',
          '--issuer',
          'ru-mow',
          '--role',
          'clinician',
          '--login',
          'c@mow.example',
          '--password-stdin',
        ],
        'short\n',
        /at least 10 characters/,
      ],
      [['accounts', 'add', '--issuer', 'ru-mow', '--role', 'clinician'], '', /--login LOGIN/],
      [
        ['accounts', 'add', '--issuer', 'ru-mow', '--role', 'clinician', '--login', 'a b'],
        '',
        /without spaces/,
      ],
    ]
    for (const [args, input, message] of cases) {
      const answer = await run(args, database, input)
      assert.equal(answer.status, 2, `${args.join(' ')}: ${answer.stderr}`)
      assert.match(answer.stderr, message)
    }
    assert.equal(
      (await auditEntries(database)).filter((e) => e.action === 'account.create').length,
      0,
    )
  })
})
