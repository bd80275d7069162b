import { parseArgs } from 'node:util'
import { compose } from '../../composition/compose.js'
import { systemClock } from '../../domain/clock.js'
import type { Issuer } from '../../domain/people/person.js'
import { openStore } from '../../storage/open-store.js'
import { UsageError, type CommandIo } from '../command-io.js'
import { operatorAt, refusalStatus, storeCommandConfig } from '../command-line-actor.js'

export const issuersUsage = `Usage:
  healthcode issuers add --id ID --name NAME --parent ID [--country CC] [--database URL]
                                     add an issuer (a region, …) below an existing one; the id is
                                     lower-case letters, digits and hyphens (ru-spb), the country
                                     ISO 3166-1 alpha-2 (default: the parent's). Without --parent
                                     (and with --country) it adds a root, the federal level of a
                                     new deployment
  healthcode issuers list [--database URL] [--json]
                                     the issuers, as a tree

The change is audited as made by the deployment operator at the command line. DATABASE_URL (or
--database) names the store. Exit status: 0 done, 1 refused (the id exists, the parent is
unknown), 2 usage error.`

/** `healthcode issuers`: the tree of issuers (tenants) of the store. */
export async function issuersCommand(args: string[], io: CommandIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      id: { type: 'string' },
      name: { type: 'string' },
      parent: { type: 'string' },
      country: { type: 'string' },
      database: { type: 'string' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  })
  if (values.help) {
    io.stdout.write(issuersUsage + '\n')
    return 0
  }
  const action = positionals[0]
  if (positionals.length !== 1 || (action !== 'add' && action !== 'list')) {
    throw new UsageError('expected: healthcode issuers add|list (see --help)')
  }
  if (action === 'add') {
    if (values.id === undefined || values.name === undefined) {
      throw new UsageError('issuers add: give --id ID and --name NAME (and --parent ID)')
    }
    if (values.parent === undefined && values.country === undefined) {
      throw new UsageError('issuers add: give --parent ID, or --country CC for a root issuer')
    }
  }
  const config = storeCommandConfig(values.database)
  const store = await openStore(config.databaseUrl)
  try {
    const { issuers } = compose(config, store, systemClock)
    if (action === 'list') {
      const all = await issuers.list()
      if (values.json) io.stdout.write(JSON.stringify(all) + '\n')
      else if (all.length === 0) io.stdout.write('no issuers yet (healthcode issuers add)\n')
      else io.stdout.write(tree(all).join('\n') + '\n')
      return 0
    }
    const issuer = await issuers.create(operatorAt(values.parent), {
      id: values.id as string,
      name: values.name as string,
      parentId: values.parent,
      country: values.country,
    })
    io.stdout.write(
      `added issuer ${issuer.id} (${issuer.name}, ${issuer.country})${issuer.parentId ? ` under ${issuer.parentId}` : ' as a root'}\n` +
        // A new issuer signs no certificate until it has a document signer.
        `next: make its document signer with healthcode keys init (KEY_ENCRYPTION_KEY set)\n`,
    )
    return 0
  } catch (error) {
    const status = refusalStatus('issuers', error, io, {
      id: '--id',
      name: '--name',
      parentId: '--parent',
      country: '--country',
    })
    if (status === undefined) throw error
    return status
  } finally {
    await store.close()
  }
}

/** The issuers as indented lines, each below its parent; an orphan (a broken tree) at the top. */
function tree(issuers: readonly Issuer[]): string[] {
  const ids = new Set(issuers.map((issuer) => issuer.id))
  const lines: string[] = []
  const seen = new Set<string>()
  const visit = (issuer: Issuer, depth: number) => {
    if (seen.has(issuer.id)) return
    seen.add(issuer.id)
    lines.push(
      `${'  '.repeat(depth)}${issuer.id.padEnd(Math.max(1, 16 - 2 * depth))}  ${issuer.country}  ${issuer.name}`,
    )
    for (const child of issuers) if (child.parentId === issuer.id) visit(child, depth + 1)
  }
  for (const issuer of issuers) {
    if (issuer.parentId === undefined || !ids.has(issuer.parentId)) visit(issuer, 0)
  }
  return lines
}
