import { readFileSync } from 'node:fs'
import { compose } from '../../composition/compose.js'
import { parseArgs } from 'node:util'
import { ConfigError, loadConfig } from '../../config/config.js'
import { systemClock } from '../../domain/clock.js'
import { ShcTrustError } from '../../codec/shc/index.js'
import { DomainError } from '../../domain/errors.js'
import { openStore } from '../../storage/open-store.js'
import { UsageError, type CommandIo } from '../command-io.js'

export const trustUsage = `Usage:
  healthcode trust import-jwks --iss URL JWKS_FILE [--crl CRL_FILE]... [--database URL]
                                     trust a SMART Health Card issuer: its keys (JWKS) and
                                     revocation lists, checked before they are stored
  healthcode trust list [--database URL] [--json]
                                     the SMART Health Card issuers the store trusts

The server and \`healthcode verify --database URL\` verify cards against these issuers; keys are
never fetched at verify time. Exit status: 0 done, 1 refused, 2 usage error.`

function readJson(path: string, what: string): unknown {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (error) {
    throw new UsageError(`cannot read the ${what} ${path}: ${(error as Error).message}`)
  }
  try {
    return JSON.parse(text)
  } catch {
    throw new UsageError(`the ${what} ${path} is not JSON`)
  }
}

/** `healthcode trust`: the SMART Health Card issuers of the store. */
export async function trustCommand(args: string[], io: CommandIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      iss: { type: 'string' },
      crl: { type: 'string', multiple: true },
      database: { type: 'string' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  })
  if (values.help) {
    io.stdout.write(trustUsage + '\n')
    return 0
  }
  const action = positionals[0]
  if (action !== 'import-jwks' && action !== 'list') {
    throw new UsageError('expected: healthcode trust import-jwks|list (see --help)')
  }
  let jwks: unknown
  let crls: unknown[] = []
  if (action === 'import-jwks') {
    if (!values.iss || !/^https:\/\//.test(values.iss)) {
      throw new UsageError('trust import-jwks: give --iss with the issuer https URL')
    }
    if (positionals.length !== 2) throw new UsageError('trust import-jwks: give one JWKS_FILE')
    jwks = readJson(positionals[1] as string, 'JWKS file')
    crls = (values.crl ?? []).map((file) => readJson(file, 'revocation list'))
  }
  let config
  try {
    config = loadConfig({
      ...process.env,
      ...(values.database ? { DATABASE_URL: values.database } : {}),
    })
  } catch (error) {
    if (error instanceof ConfigError) throw new UsageError(error.message)
    throw error
  }
  const store = await openStore(config.databaseUrl, { timeouts: config.databaseTimeouts })
  try {
    // Read and changed at once: no cached lists.
    const { trust } = compose({ ...config, trustCacheSeconds: 0 }, store, systemClock)
    if (action === 'list') {
      const issuers = await trust.shcIssuers()
      if (values.json) io.stdout.write(JSON.stringify(issuers) + '\n')
      else if (issuers.length === 0) io.stdout.write('no SMART Health Card issuers trusted yet\n')
      else {
        for (const issuer of issuers) {
          io.stdout.write(`${issuer.iss}  ${issuer.keys} keys  imported ${issuer.importedAt}\n`)
        }
      }
      return 0
    }
    const imported = await trust.importShcIssuer(undefined, {
      iss: values.iss as string,
      jwks,
      crls,
    })
    io.stdout.write(
      `trusted ${imported.iss}: ${imported.keys} keys, ${crls.length} revocation lists\n`,
    )
    return 0
  } catch (error) {
    if (error instanceof DomainError || error instanceof ShcTrustError) {
      io.stderr.write(`healthcode trust: ${error.message} [${error.code}]\n`)
      return 1
    }
    throw error
  } finally {
    await store.close()
  }
}
