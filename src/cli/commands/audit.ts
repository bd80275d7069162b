import { parseArgs } from 'node:util'
import { loadConfig } from '../../config/config.js'
import { checkAuditChainStream } from '../../domain/audit/audit-chain.js'
import { openStore } from '../../storage/open-store.js'
import { UsageError, type CommandIo } from '../command-io.js'

export const auditUsage = `Usage:
  healthcode audit verify [--database URL] [--json]

Checks the hash chain of the audit log and reports the first tampered entry.
Exit status: 0 intact, 1 tampered, 2 usage error.`

/** `healthcode audit verify`. */
export async function auditCommand(args: string[], io: CommandIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      database: { type: 'string' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  })
  if (values.help) {
    io.stdout.write(auditUsage + '\n')
    return 0
  }
  if (positionals.length !== 1 || positionals[0] !== 'verify')
    throw new UsageError('expected: healthcode audit verify')
  const config = loadConfig({
    ...process.env,
    ...(values.database ? { DATABASE_URL: values.database } : {}),
  })
  const store = await openStore(config.databaseUrl, { timeouts: config.databaseTimeouts })
  try {
    const result = await store.transaction((tx) => checkAuditChainStream(tx.audit.all()))
    if (values.json) io.stdout.write(JSON.stringify(result) + '\n')
    else if (result.intact)
      io.stdout.write(`audit log intact: ${result.entries} entries, hash chain verified\n`)
    else {
      io.stdout.write(
        `audit log TAMPERED at entry ${result.firstBadSequence} (of ${result.entries} read):\n  ${result.problem}\n`,
      )
    }
    return result.intact ? 0 : 1
  } finally {
    await store.close()
  }
}
