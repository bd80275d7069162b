import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { basename, join } from 'node:path'
import { compose } from '../../composition/compose.js'
import { parseArgs } from 'node:util'
import { loadConfig } from '../../config/config.js'
import { systemClock } from '../../domain/clock.js'
import { openStore } from '../../storage/open-store.js'
import { UsageError, type CommandIo } from '../command-io.js'

export const trustUsage = `Usage:
  healthcode trust import-jwks --iss URL JWKS_FILE [--crl CRL_FILE]... [--database URL]
                                     trust a SMART Health Card issuer: its keys (JWKS) and
                                     revocation lists, checked before they are stored
  healthcode trust list [--database URL] [--json]
                                     the SMART Health Card issuers the store trusts
  healthcode trust export --gateway [--out DIR] [--database URL]
                                     our trust list in the DCC Gateway's form (stdout); with
                                     --out, also trust-anchor.pem, revocation-list.json and each
                                     batch as revocation/BATCH-ID.cms (needs KEY_ENCRYPTION_KEY)
  healthcode trust import --gateway --partner ID LIST_FILE [--batch FILE]... [--database URL]
                                     a partner's Gateway trust list, checked against the trust
                                     anchor configured for it, then its revocation batches
                                     (each FILE base64 CMS, named BATCH-ID.cms)

The server and \`healthcode verify --database URL\` verify cards against these issuers; keys are
never fetched at verify time. Exit status: 0 done, 1 refused, 2 usage error.`

// A refusal (a HealthcodeError: a domain rule, a list that does not check) and a configuration
// error are answered by the CLI's one handler in main.ts, with its code and exit status.

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
      gateway: { type: 'boolean' },
      out: { type: 'string' },
      partner: { type: 'string' },
      batch: { type: 'string', multiple: true },
      help: { type: 'boolean', short: 'h' },
    },
  })
  if (values.help) {
    io.stdout.write(trustUsage + '\n')
    return 0
  }
  const action = positionals[0]
  if (action === 'export' || action === 'import') {
    if (!values.gateway) throw new UsageError(`trust ${action}: only --gateway is supported`)
    return gatewayCommand(action, positionals.slice(1), values, io)
  }
  if (action !== 'import-jwks' && action !== 'list') {
    throw new UsageError('expected: healthcode trust import-jwks|list|export|import (see --help)')
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
  const config = loadConfig({
    ...process.env,
    ...(values.database ? { DATABASE_URL: values.database } : {}),
  })
  const store = await openStore(config.databaseUrl, { timeouts: config.databaseTimeouts })
  try {
    // Read and changed at once: no cached lists.
    const { shcIssuers } = compose({ ...config, trustCacheSeconds: 0 }, store, systemClock)
    if (action === 'list') {
      const issuers = await shcIssuers.list()
      if (values.json) io.stdout.write(JSON.stringify(issuers) + '\n')
      else if (issuers.length === 0) io.stdout.write('no SMART Health Card issuers trusted yet\n')
      else {
        for (const issuer of issuers) {
          io.stdout.write(`${issuer.iss}  ${issuer.keys} keys  imported ${issuer.importedAt}\n`)
        }
      }
      return 0
    }
    const imported = await shcIssuers.importIssuer(undefined, {
      iss: values.iss as string,
      jwks,
      crls,
    })
    io.stdout.write(
      `trusted ${imported.iss}: ${imported.keys} keys, ${crls.length} revocation lists\n`,
    )
    return 0
  } finally {
    await store.close()
  }
}

/** `healthcode trust export|import --gateway`: the DCC Gateway's formats. */
async function gatewayCommand(
  action: 'export' | 'import',
  files: string[],
  values: { database?: string; out?: string; partner?: string; batch?: string[] },
  io: CommandIo,
): Promise<number> {
  let list: unknown
  let batches: { batchId: string; signedBatch: string }[] = []
  if (action === 'import') {
    if (!values.partner) throw new UsageError('trust import --gateway: give --partner ID')
    if (files.length !== 1) throw new UsageError('trust import --gateway: give one LIST_FILE')
    list = readJson(files[0] as string, 'Gateway trust list')
    batches = (values.batch ?? []).map((file) => {
      const batchId = basename(file).replace(/\.[^.]*$/, '')
      try {
        return { batchId, signedBatch: readFileSync(file, 'utf8').trim() }
      } catch (error) {
        throw new UsageError(`cannot read the batch ${file}: ${(error as Error).message}`)
      }
    })
  } else if (files.length !== 0) {
    throw new UsageError('trust export --gateway takes no files (--out DIR writes them)')
  }
  const config = loadConfig({
    ...process.env,
    ...(values.database ? { DATABASE_URL: values.database } : {}),
  })
  if (action === 'export' && config.keyEncryptionKey === undefined) {
    throw new UsageError('trust export --gateway signs the lists: set KEY_ENCRYPTION_KEY')
  }
  const store = await openStore(config.databaseUrl, { timeouts: config.databaseTimeouts })
  try {
    // Read and changed at once: no cached lists.
    const { gatewayExport, gatewayImport } = compose(
      { ...config, trustCacheSeconds: 0 },
      store,
      systemClock,
    )
    if (action === 'export') {
      const trustList = await gatewayExport.trustList()
      if (!values.out) {
        io.stdout.write(JSON.stringify(trustList, null, 2) + '\n')
        return 0
      }
      const out = values.out
      mkdirSync(join(out, 'revocation'), { recursive: true })
      writeFileSync(join(out, 'trust-list.json'), JSON.stringify(trustList, null, 2) + '\n')
      writeFileSync(join(out, 'trust-anchor.pem'), await gatewayExport.trustAnchorCertificate())
      const page = (await gatewayExport.batchList(new Date('2021-06-01T00:00:00Z'))) ?? {
        more: false,
        batches: [],
      }
      writeFileSync(join(out, 'revocation-list.json'), JSON.stringify(page, null, 2) + '\n')
      let written = 0
      for (const batch of page.batches) {
        if (batch.deleted) continue
        writeFileSync(
          join(out, 'revocation', `${batch.batchId}.cms`),
          (await gatewayExport.signedBatch(batch.batchId)) + '\n',
        )
        written++
      }
      io.stdout.write(
        `wrote ${trustList.length} trust list entries and ${written} revocation batches to ${out}\n`,
      )
      return 0
    }
    const partnerId = values.partner as string
    const imported = await gatewayImport.importTrustList(undefined, partnerId, list)
    io.stdout.write(
      `imported the Gateway trust list of ${imported.partner.name}: ${imported.signers} document signers, ${imported.uploadCertificates} upload certificates\n`,
    )
    if (batches.length > 0) {
      const result = await gatewayImport.importRevocationBatches(undefined, partnerId, batches)
      io.stdout.write(`imported ${result.imported} revocation batches (${result.hashes} hashes)\n`)
    }
    return 0
  } finally {
    await store.close()
  }
}
