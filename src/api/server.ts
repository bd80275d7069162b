import type { FastifyInstance } from 'fastify'
import type { Config } from '../config/config.js'
import { type Clock, systemClock } from '../domain/clock.js'
import type { Store } from '../domain/ports.js'
import { type DemoSignIn, loadDemoData, loadDemoRecords } from '../demo/demo-data.js'
import { loadDemoPartner } from '../demo/demo-partner.js'
import { KeyVault } from '../domain/keys/key-vault.js'
import { compose } from '../composition/compose.js'
import { openStore, parseStoreUrl } from '../storage/open-store.js'
import { ReadReplica } from '../storage/read-replica.js'
import { type SharedState, openSharedState } from './shared-state.js'
import { build } from './app.js'
import { START_UP_GARBAGE_DELAY_MS, collectStartUpGarbage } from './start-up-garbage.js'
import { OidcLogin } from './auth/oidc/index.js'

/** A running server: its address, and how to stop it. */
export interface RunningServer {
  readonly app: FastifyInstance
  readonly store: Store
  readonly url: string
  /** The demo sign-ins, when this start loaded the demo data set. */
  readonly demoSignIns: DemoSignIn[] | undefined
  /** How many signing keys the demo start made (undefined: not a demo start with a KEK). */
  readonly madeKeys: number | undefined
  /**
   * The demo partner's (Jiangsu's) certificate, whose trust list the demo start imported: its QR
   * text, to try at a door (undefined: not a demo start with a KEK).
   */
  readonly demoPartnerCertificate: string | undefined
  /** Stops taking requests, finishes those in flight, closes the store. */
  close(): Promise<void>
}

/**
 * Opens the store (running migrations), loads demo data if asked and the store is empty, builds the
 * app and listens. Closes gracefully on SIGTERM and SIGINT: in-flight requests finish, then the
 * store closes.
 */
export async function startServer(
  config: Config,
  options: {
    clock?: Clock
    handleSignals?: boolean
    /**
     * One of several worker processes: the primary prepared the store (migrations, demo data,
     * keys) before it started the workers, so this one only serves.
     */
    worker?: boolean
  } = {},
): Promise<RunningServer> {
  const clock = options.clock ?? systemClock
  // The shared state (on PostgreSQL, the change notices' LISTEN connection) opens while the store
  // opens and migrates: two waits on the database at once, not one after the other.
  const sharedOpening = openSharedState(
    config,
    parseStoreUrl(config.databaseUrl).dialect,
    (error) => process.stderr.write(`healthcode: ${error.message}\n`),
  )
  // Its failure is answered below, once the store is open (or has failed first).
  sharedOpening.catch(() => undefined)
  let store: Store
  try {
    store = await openStore(config.databaseUrl, { timeouts: config.databaseTimeouts })
  } catch (error) {
    await sharedOpening.then((opened) => opened.close()).catch(() => {})
    throw error
  }
  let prepared: Prepared = {
    demoSignIns: undefined,
    madeKeys: undefined,
    demoPartnerCertificate: undefined,
  }
  let shared: SharedState | undefined
  let readReplica: ReadReplica | undefined
  try {
    shared = await sharedOpening
    if (!options.worker) prepared = await prepareStore(store, config, clock)
    if (config.databaseReadUrl !== undefined) {
      readReplica = await ReadReplica.open(store, config.databaseUrl, config.databaseReadUrl, {
        clock,
        maxLagBytes: config.readReplicaMaxLagBytes,
        checkMs: 1_000,
      })
    }
  } catch (error) {
    // Undefined only when the shared state itself failed to open: nothing of it to close.
    await shared?.close()
    await store.close()
    throw error
  }
  const { demoSignIns, madeKeys, demoPartnerCertificate } = prepared
  const oidc = config.oidc
  const app = await build({
    config,
    store,
    clock,
    scheduleJobs: true,
    changeNotices: shared.changeNotices,
    ...(readReplica ? { readReplica } : {}),
    ...(shared.limitCounters ? { limitCounters: shared.limitCounters } : {}),
    oidc: oidc
      ? () =>
          OidcLogin.discover({
            issuerUrl: oidc.issuerUrl,
            clientId: oidc.clientId,
            clientSecret: oidc.clientSecret,
            redirectUri: `${config.publicUrl}/api/v1/auth/oidc/callback`,
            allowHttp: oidc.issuerUrl.startsWith('http:'),
          })
      : undefined,
  })
  await app.listen({ port: config.port, host: config.host })
  setTimeout(collectStartUpGarbage, START_UP_GARBAGE_DELAY_MS).unref()
  const address = app.server.address()
  const port = typeof address === 'object' && address ? address.port : config.port
  let closing: Promise<void> | undefined
  const sharedState = shared
  const close = (): Promise<void> => {
    closing ??= (async () => {
      await app.close()
      await readReplica?.close()
      await sharedState.close()
      await store.close()
    })()
    return closing
  }
  if (options.handleSignals !== false) {
    for (const signal of ['SIGTERM', 'SIGINT'] as const) {
      process.once(signal, () => {
        app.log.info({ signal }, 'shutting down: finishing requests in flight')
        close().then(
          () => process.exit(0),
          (error: unknown) => {
            app.log.error({ err: error }, 'shutdown failed')
            process.exit(1)
          },
        )
      })
    }
  }
  return {
    app,
    store,
    url: `http://localhost:${port}`,
    demoSignIns,
    madeKeys,
    demoPartnerCertificate,
    close,
  }
}

/** What preparing a store did: the demo sign-ins it loaded, the keys it made. */
export interface Prepared {
  readonly demoSignIns: DemoSignIn[] | undefined
  readonly madeKeys: number | undefined
  /** The demo partner's certificate (its QR text), when the demo start made the partner. */
  readonly demoPartnerCertificate: string | undefined
}

/**
 * Prepares an open (so migrated) store to be served: loads the demo data set into an empty store
 * when the configuration asks for the demo, and makes the demo's signing keys. Done once, by the
 * process that starts the others when there are several.
 */
export async function prepareStore(store: Store, config: Config, clock: Clock): Promise<Prepared> {
  const demoSignIns = config.demo
    ? await loadDemoData(
        store,
        clock,
        config.keyEncryptionKey === undefined
          ? undefined
          : KeyVault.fromText(config.keyEncryptionKey),
      )
    : undefined
  let madeKeys: number | undefined
  let demoPartnerCertificate: string | undefined
  if (config.demo && config.keyEncryptionKey !== undefined) {
    // The demo signs from its first start: a CSCA and a document signer per issuer, if missing.
    const services = compose(config, store, clock)
    const issuers = await store.transaction((tx) => tx.issuers.list())
    madeKeys =
      (
        await services.keys.ensureKeys(
          undefined,
          issuers.map((issuer) => issuer.id),
        )
      ).length + (await services.gatewayKeys.ensureKeys(undefined)).length
    if (demoSignIns) {
      await loadDemoRecords(store, clock, {
        register: services.register,
        commissionRequests: services.commissionRequests,
      })
      // The Yangtze River Delta partner (Jiangsu): its own deployment, whose list we import.
      demoPartnerCertificate = await loadDemoPartner(
        store,
        clock,
        KeyVault.fromText(config.keyEncryptionKey),
        config.certificates,
      )
    }
    await services.flush()
  }
  return { demoSignIns, madeKeys, demoPartnerCertificate }
}
