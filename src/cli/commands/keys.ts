import { randomBytes } from 'node:crypto'
import { compose } from '../../composition/compose.js'
import { parseArgs } from 'node:util'
import { ConfigError, loadConfig } from '../../config/config.js'
import { systemClock } from '../../domain/clock.js'
import { DomainError } from '../../domain/errors.js'
import type { PublicSigningKey } from '../../domain/keys/signing-key-service.js'
import { openStore } from '../../storage/open-store.js'
import { UsageError, type CommandIo } from '../command-io.js'

export const keysUsage = `Usage:
  healthcode keys new-kek                             print a new random key-encryption key
  healthcode keys init [--database URL]               make the CSCA, and for every issuer that
                                                      lacks one an EU-facing document signer
                                                      and a domestic signer
  healthcode keys rotate --issuer ID [--domestic] [--database URL]
                                                      a new EU-facing document signer for the
                                                      issuer (with --domestic: a new domestic
                                                      signer); the old one is retired but keeps
                                                      verifying
  healthcode keys rotate --csca [--database URL]      a new CSCA (existing signers stay valid)
  healthcode keys list [--database URL] [--json]      the keys: kid, issuer, status, validity

Private keys are sealed (AES-256-GCM) with KEY_ENCRYPTION_KEY from the environment: 64 hex digits
or base64 of 32 bytes. They are never printed. Exit status: 0 done, 1 failed, 2 usage error.`

/** `healthcode keys`: the deployment's signing keys. */
export async function keysCommand(args: string[], io: CommandIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      database: { type: 'string' },
      issuer: { type: 'string' },
      csca: { type: 'boolean' },
      domestic: { type: 'boolean' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  })
  if (values.help) {
    io.stdout.write(keysUsage + '\n')
    return 0
  }
  const action = positionals[0]
  if (positionals.length !== 1 || !['new-kek', 'init', 'rotate', 'list'].includes(action ?? '')) {
    throw new UsageError('expected: healthcode keys new-kek|init|rotate|list (see --help)')
  }
  if (action === 'new-kek') {
    io.stdout.write(randomBytes(32).toString('hex') + '\n')
    return 0
  }
  if (action === 'rotate' && (values.issuer === undefined) === (values.csca !== true)) {
    throw new UsageError('keys rotate: give either --issuer ID or --csca')
  }
  if (values.domestic === true && (action !== 'rotate' || values.issuer === undefined)) {
    throw new UsageError('--domestic goes with keys rotate --issuer ID')
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
  if (action !== 'list' && config.keyEncryptionKey === undefined) {
    throw new UsageError(
      'KEY_ENCRYPTION_KEY is not set: make one with `healthcode keys new-kek` and keep it safe',
    )
  }
  const store = await openStore(config.databaseUrl, { timeouts: config.databaseTimeouts })
  try {
    const { keys, gatewayKeys } = compose(config, store, systemClock)
    if (action === 'list') {
      const all = await keys.list()
      if (values.json) io.stdout.write(JSON.stringify(all) + '\n')
      else io.stdout.write(all.map(describe).join('\n') + (all.length ? '\n' : 'no keys yet\n'))
      return 0
    }
    const made =
      action === 'init'
        ? [
            ...(await keys.ensureKeys(
              undefined,
              (await store.transaction((tx) => tx.issuers.list())).map((issuer) => issuer.id),
            )),
            // The trust anchor and UPLOAD certificate of the DCC Gateway formats.
            ...(await gatewayKeys.ensureKeys(undefined)),
          ]
        : [
            values.csca
              ? await keys.rotateCsca(undefined)
              : await keys.rotateDocumentSigner(
                  undefined,
                  values.issuer as string,
                  values.domestic === true ? 'domestic' : 'eu',
                ),
          ]
    if (made.length === 0) {
      io.stdout.write('every issuer has an EU-facing and a domestic signer; nothing to make\n')
    }
    for (const key of made) io.stdout.write(`made ${describe(key)}\n`)
    return 0
  } catch (error) {
    if (error instanceof DomainError) {
      io.stderr.write(`healthcode keys: ${error.message}\n`)
      return 1
    }
    throw error
  } finally {
    await store.close()
  }
}

function describe(key: PublicSigningKey): string {
  const who = {
    csca: 'CSCA',
    'document-signer': `DSC (EU) ${key.issuerId}`,
    'domestic-signer': `domestic ${key.issuerId}`,
    'legacy-signer': `DSC (legacy) ${key.issuerId}`,
    'gateway-trust-anchor': 'Gateway anchor',
    'gateway-upload': 'Gateway upload',
  }[key.purpose]
  return `${who.padEnd(22)} kid ${key.kid}  ${key.status.padEnd(7)}  valid ${key.notBefore.slice(0, 10)} to ${key.notAfter.slice(0, 10)}`
}
