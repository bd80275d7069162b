import type { FastifyInstance } from 'fastify'
import type { Config } from '../config/config.js'
import { type Clock, systemClock } from '../domain/clock.js'
import type { Store } from '../domain/ports.js'
import { type DemoSignIn, loadDemoData, loadDemoRecords } from '../demo/demo-data.js'
import { loadDemoPartner } from '../demo/demo-partner.js'
import { CertificateService } from '../domain/certificates/certificate-service.js'
import { CommissionService } from '../domain/commission/commission-service.js'
import { RegisterService } from '../domain/register/register-service.js'
import { KeyVault } from '../domain/keys/key-vault.js'
import { SigningKeyService } from '../domain/keys/signing-key-service.js'
import { openStore } from '../storage/open-store.js'
import { build } from './app.js'
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
  options: { clock?: Clock; handleSignals?: boolean } = {},
): Promise<RunningServer> {
  const clock = options.clock ?? systemClock
  const store = await openStore(config.databaseUrl, { timeouts: config.databaseTimeouts })
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
    const keys = new SigningKeyService(store, clock, KeyVault.fromText(config.keyEncryptionKey))
    const issuers = await store.transaction((tx) => tx.issuers.list())
    madeKeys = (
      await keys.ensureKeys(
        undefined,
        issuers.map((issuer) => issuer.id),
      )
    ).length
    if (demoSignIns) {
      const certificates = new CertificateService(store, clock, keys, config.certificates)
      await loadDemoRecords(store, clock, {
        register: new RegisterService(store, clock, certificates),
        commission: new CommissionService(
          store,
          clock,
          certificates,
          config.certificates,
          config.attachments,
          { decisionDays: config.commissionDecisionDays },
        ),
      })
      demoPartnerCertificate = await loadDemoPartner(
        store,
        clock,
        KeyVault.fromText(config.keyEncryptionKey),
        config.certificates,
      )
    }
  }
  const oidc = config.oidc
  const app = await build({
    config,
    store,
    clock,
    scheduleJobs: true,
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
  const address = app.server.address()
  const port = typeof address === 'object' && address ? address.port : config.port
  let closing: Promise<void> | undefined
  const close = (): Promise<void> => {
    closing ??= (async () => {
      await app.close()
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
