import type { ChangeNotice } from '../changes/change-notices.js'
import { randomBytes, randomUUID, timingSafeEqual } from 'node:crypto'
import type { Hc1Verification } from '../../codec/hc1/index.js'
import { shcAsDcc } from '../verification/shc-as-dcc.js'
import type { AnyVerification } from '../verification/verification-service.js'
import type { CertificateForRules } from '../verification/validity-judge.js'
import type { Actor } from '../access/actor.js'
import type { Role } from '../access/roles.js'
import type { Clock } from '../clock.js'
import { DomainError } from '../errors.js'
import { LimitReachedError, secondsUntil } from '../limits/limit-reached-error.js'
import type { SharedRateCounter } from '../limits/shared-rate-counter.js'
import type { Store, StoreTransaction } from '../ports.js'
import type { IssuerTree } from '../policy/issuer-tree.js'
import { authorize, decide, issuerTree } from '../policy/policy.js'
import type { RuleSet } from '../validity-rules/index.js'
import type { CheckinWriter, CounterIncrement } from './checkin-writer.js'
import { type DoorHolder, readAtDoor, readShcHolder } from './door-reading.js'
import {
  type OfflineBundle,
  type OfflineBundleSources,
  buildOfflineBundle,
} from './offline-bundle.js'
import {
  type EntryDecision,
  type PresentedCode,
  decideEntry,
  defaultEntryPolicies,
} from './entry-decision.js'
import { type Checkin, type EntryPolicy, type Venue, type VenueCategory } from './venue.js'

/** Who registers venues: venue operators, and company admins for their company. */
export { venueManagerRoles } from '../policy/role-sets.js'
/** Who sets entry policies: the health authority. */
export const policyRoles: readonly Role[] = ['health_authority']

/** The prefix of a venue poster's QR text: `HCV1:<venue id>.<secret>`. */
export const POSTER_PREFIX = 'HCV1:'

/** Verifies any code a door may see: EU DCCs, our certificates and dynamic codes, SHCs. */
export type CodeVerifier = (qr: string, at: Date) => Promise<AnyVerification>

/** The person's current colour, for check-ins by poster and for entry decisions. */
export interface ColourSource {
  colourOf(
    personId: string,
  ): Promise<{ colour: 'green' | 'yellow' | 'red'; greenOn: string | undefined }>
  /** The person a token's subject names, when the token lives at `at` and is ours. */
  personOfSubject(subject: string, at: Date): Promise<string | undefined>
}

/** Judges a certificate under a validity rule set (see ValidityService.judgeCertificate). */
export type RuleJudge = (
  certificate: CertificateForRules,
  options: {
    ruleSetId: string
    at: Date
    language: string
    region?: string | undefined
    /** The venue's region, whose version of the rule set applies. */
    issuerId?: string | undefined
  },
) => Promise<
  | {
      ruleSet: { id: string; version: number }
      allowed: boolean
      failed: readonly { identifier: string; text: string }[]
    }
  | undefined
>

/**
 * What a door sees after a scan, the same for every kind of code: whether to admit, why, and just
 * enough to match the person (a masked name and the birth date, never the full name or the code's
 * payload).
 */
export interface ScanAnswer {
  readonly checkinId: string
  readonly entryAllowed: boolean
  readonly reason: EntryDecision['reason'] | 'CODE_INVALID' | 'RULES_NOT_MET'
  readonly message: string
  /** Recorded as a check-in (an admitted visitor); false for a refusal. */
  readonly recorded: boolean
  /** The check-in existed already (a re-sent scan): nothing was written twice. */
  readonly duplicate: boolean
  readonly holder: DoorHolder | undefined
  readonly colour: 'green' | 'yellow' | 'red' | undefined
  readonly certificateKind: 'vaccination' | 'recovery' | 'test' | 'antibody' | undefined
  readonly verification: { readonly stage: string; readonly code: string | undefined }
  /** For a certificate: the validity rule set it was judged by, and the rules it failed. */
  readonly rules:
    | {
        readonly ruleSet: { readonly id: string; readonly version: number }
        readonly allowed: boolean
        readonly failed: readonly { readonly identifier: string; readonly text: string }[]
      }
    | undefined
}

/** One door scan: a live one, or one an offline scanner queued (then it may say when it was shown). */
export interface BatchItem {
  readonly clientId: string
  readonly qr: string
  /** When the code was shown: only for a queued offline scan (a batch item, or `offline`). */
  readonly at?: string | undefined
  /** The scan was queued by an offline scanner and is sent later; every batch item is. */
  readonly offline?: boolean | undefined
}

/** How far back a queued offline scan may say it was shown, by default (`OFFLINE_SCAN_MAX_AGE`). */
export const DEFAULT_OFFLINE_SCAN_MAX_AGE_MINUTES = 12 * 60

const CACHE_MS = 30_000
/** How far ahead of the server's clock a device's clock may run. */
const MAX_CLOCK_SKEW_MS = 5 * 60_000

/**
 * Venues and check-ins: operators register venues with a poster code; visitors check in by
 * scanning the poster, or the operator scans their code or certificate; the venue category's entry
 * policy decides entry. Check-ins are keyed by the client's id and written by group commit.
 */
export class VenueService {
  readonly #venues = new Map<string, { venue: Venue; until: number }>()
  #policies:
    { tree: IssuerTree; policies: Map<string, Map<string, EntryPolicy>>; until: number } | undefined

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly verify: CodeVerifier,
    private readonly colours: ColourSource,
    private readonly writer: CheckinWriter,
    private readonly retentionDays: number,
    private readonly rules?: { judge: RuleJudge; defaultRuleSet: string },
    private readonly doors: { offlineScanMaxAgeMinutes: number } = {
      offlineScanMaxAgeMinutes: DEFAULT_OFFLINE_SCAN_MAX_AGE_MINUTES,
    },
    /** Check-ins per person per minute by poster (`QUOTA_CHECKINS_PER_MINUTE`); unset, no limit. */
    private readonly checkinQuota?: SharedRateCounter,
    /** Told when a venue or an entry policy changed here, after the commit. */
    private readonly onChange?: (notice: ChangeNotice) => void,
  ) {}

  /**
   * Registers a venue; a company admin may register it for their company.
   *
   * @throws {DomainError} `ERR_FORBIDDEN` for a company the actor does not administer.
   */
  async register(
    actor: Actor,
    input: {
      name: string
      category: VenueCategory
      address: string
      district: string
      companyId?: string | undefined
      issuerId?: string | undefined
    },
  ): Promise<Venue> {
    return this.store.transaction(async (tx) => {
      const issuerId = await this.#venueIssuer(tx, actor, input.issuerId)
      if (input.companyId !== undefined) {
        const memberships = await tx.companies.membershipsOf(actor.accountId)
        if (!memberships.some((m) => m.companyId === input.companyId && m.role === 'admin')) {
          throw new DomainError(
            'ERR_FORBIDDEN',
            `only an admin of company ${input.companyId} registers its venues`,
            'companyId',
          )
        }
      }
      const at = this.clock().toISOString()
      const venue = await tx.venues.create({
        id: randomUUID(),
        name: input.name.trim(),
        category: input.category,
        address: input.address.trim(),
        district: input.district,
        companyId: input.companyId,
        issuerId,
        operatorAccountId: actor.accountId,
        posterSecret: randomBytes(16).toString('base64url'),
        createdAt: at,
      })
      await tx.audit.append(
        {
          actorAccountId: actor.accountId,
          action: 'venue.create',
          entityType: 'venue',
          entityId: venue.id,
          issuerId,
          reason: undefined,
          data: { name: venue.name, category: venue.category, district: venue.district },
        },
        at,
      )
      return venue
    })
  }

  /**
   * Venues the actor runs (as operator or company admin); for the authority and administrators,
   * every venue of their issuer and the issuers below it.
   */
  async list(actor: Actor): Promise<Venue[]> {
    return this.store.transaction(async (tx) => {
      const tree = await issuerTree(tx)
      const overseen = { kind: 'venue' as const, issuerId: actor.issuerId }
      if (actor.issuerId !== undefined && decide(actor, 'list', overseen, tree) === true) {
        return tx.venues.list({ issuerIds: tree.subtree(actor.issuerId) })
      }
      const companies = (await tx.companies.membershipsOf(actor.accountId))
        .filter((m) => m.role === 'admin')
        .map((m) => m.companyId)
      return tx.venues.list({ operatorAccountId: actor.accountId, companyIds: companies })
    })
  }

  /** One venue the actor runs. @throws {DomainError} `ERR_NOT_FOUND`, `ERR_FORBIDDEN`. */
  async find(actor: Actor, venueId: string): Promise<Venue> {
    const venue = await this.#venue(venueId)
    await this.#requireOperator(actor, venue)
    return venue
  }

  /** The text of the venue's poster QR code. */
  posterCode(venue: Venue): string {
    return `${POSTER_PREFIX}${venue.id}.${venue.posterSecret}`
  }

  /** A new poster secret: posters printed before stop working. */
  async rotatePoster(actor: Actor, venueId: string): Promise<Venue> {
    const venue = await this.find(actor, venueId)
    const secret = randomBytes(16).toString('base64url')
    await this.store.transaction((tx) => tx.venues.setPosterSecret(venue.id, secret))
    this.#venues.delete(venue.id)
    this.onChange?.({ topic: 'venue', subject: venue.id })
    return { ...venue, posterSecret: secret }
  }

  /**
   * The entry policy of every category as it applies in an issuer (the root by default): the
   * issuer's own version, else the nearest ancestor's, else the built-in default.
   *
   * @throws {DomainError} `ERR_NOT_FOUND` for an unknown issuer.
   */
  async policies(issuerId?: string): Promise<Record<VenueCategory, EntryPolicy>> {
    const { tree, policies } = await this.#storedPolicies()
    const at = issuerId ?? tree.roots()[0]
    if (issuerId !== undefined && !tree.has(issuerId)) {
      throw new DomainError('ERR_NOT_FOUND', `no issuer ${issuerId}`, 'issuerId')
    }
    return Object.fromEntries(
      Object.keys(defaultEntryPolicies).map((category) => [
        category,
        entryPolicyIn(tree, policies, at, category as VenueCategory),
      ]),
    ) as Record<VenueCategory, EntryPolicy>
  }

  /**
   * The health authority sets a category's entry policy for its issuer (or one below it): a
   * region's authority its region's version, the federal authority the nationwide default.
   */
  async setPolicy(
    actor: Actor,
    category: VenueCategory,
    policy: EntryPolicy,
    issuerId?: string,
  ): Promise<void> {
    if (!policy.acceptGreenCode && policy.acceptCertificates.length === 0) {
      throw new DomainError(
        'ERR_INVALID_FIELD',
        'a policy that accepts neither a green code nor any certificate admits nobody',
        'acceptCertificates',
      )
    }
    if (policy.admitYellowCode === true && !policy.acceptGreenCode) {
      throw new DomainError(
        'ERR_INVALID_FIELD',
        'a yellow code admits only where a green one does: set acceptGreenCode too',
        'admitYellowCode',
      )
    }
    const at = this.clock().toISOString()
    await this.store.transaction(async (tx) => {
      const owner = issuerId ?? actor.issuerId
      await authorize(tx, actor, 'update', {
        kind: 'entry_policies',
        id: category,
        issuerId: owner,
      })
      await tx.venues.setEntryPolicy(owner as string, category, policy, actor.accountId, at)
      await tx.audit.append(
        {
          actorAccountId: actor.accountId,
          issuerId: owner,
          action: 'entry-policy.set',
          entityType: 'entry_policy',
          entityId: category,
          reason: undefined,
          data: { ...policy },
        },
        at,
      )
    })
    this.#policies = undefined
    this.onChange?.({ topic: 'entry-policies' })
  }

  /** Drops cached copies another process changed: one venue, or every entry policy. */
  forget(notice: ChangeNotice): void {
    if (notice.topic === 'venue' && notice.subject !== undefined)
      this.#venues.delete(notice.subject)
    if (notice.topic === 'entry-policies') this.#policies = undefined
  }

  /**
   * The offline bundle of a venue, for its operators' scanners: the trusted signers and the
   * revocation list (`providers.trust`, what `TrustService.deviceTrust` gives), the
   * venue's entry policy, and the validity rule set its certificates are judged by.
   *
   * @throws {DomainError} `ERR_NOT_FOUND`, `ERR_FORBIDDEN` (not an operator of the venue).
   */
  async offlineBundle(
    actor: Actor,
    venueId: string,
    providers: {
      trust(): Promise<OfflineBundleSources>
      ruleSet(id: string, issuerId?: string): Promise<RuleSet | undefined>
    },
  ): Promise<OfflineBundle> {
    const venue = await this.find(actor, venueId)
    const policy = await this.#policy(venue)
    const ruleSetId = this.rules ? (policy.ruleSet ?? this.rules.defaultRuleSet) : undefined
    const [sources, ruleSet] = await Promise.all([
      providers.trust(),
      ruleSetId === undefined ? undefined : providers.ruleSet(ruleSetId, venue.issuerId),
    ])
    return buildOfflineBundle({
      venue,
      policy,
      rules: ruleSetId === undefined ? undefined : { ruleSetId, ruleSet },
      sources,
      at: this.clock(),
    })
  }

  /**
   * A visitor checks in by scanning the venue's poster: recorded with their current colour, and
   * answered with whether the venue's policy admits them.
   *
   * @throws {DomainError} `ERR_INVALID_FIELD` (`venueCode`, `at`), `ERR_NOT_FOUND`,
   *   `ERR_FORBIDDEN` (no claimed person record).
   */
  async checkInByPoster(
    actor: Actor,
    input: { venueCode: string; clientId: string; at?: string | undefined },
  ): Promise<{ checkin: Checkin; duplicate: boolean; decision: EntryDecision; venue: Venue }> {
    const match = /^HCV1:([0-9a-f-]{36})\.([A-Za-z0-9_-]{22})$/.exec(input.venueCode.trim())
    if (!match) {
      throw new DomainError(
        'ERR_INVALID_FIELD',
        'expected the text of a venue poster code (HCV1:…)',
        'venueCode',
      )
    }
    const venue = await this.#venue(match[1] as string)
    const secret = Buffer.from(match[2] as string)
    const expected = Buffer.from(venue.posterSecret)
    if (secret.length !== expected.length || !timingSafeEqual(secret, expected)) {
      throw new DomainError(
        'ERR_INVALID_FIELD',
        'the poster code is no longer valid (the venue printed a new one)',
        'venueCode',
      )
    }
    if (actor.personId === undefined) {
      throw new DomainError(
        'ERR_FORBIDDEN',
        'claim your person record first (POST /api/v1/me/claim)',
      )
    }
    const now = this.clock()
    const at = this.#checkinTime(input.at, now, 'at')
    // Counted in memory and shared behind the answer: no extra round trip on this hot path.
    const quota = this.checkinQuota?.take(actor.personId)
    if (quota && !quota.allowed) {
      throw new LimitReachedError(
        'ERR_QUOTA_CHECKINS',
        `expected at most ${this.checkinQuota?.options.max} check-ins per person per minute`,
        secondsUntil(quota.resetsAt, now),
      )
    }
    const { colour, greenOn } = await this.colours.colourOf(actor.personId)
    const decision = decideEntry(
      await this.#policy(venue),
      { kind: 'health-code', colour, greenOn },
      now,
    )
    const checkin: Checkin = {
      id: input.clientId,
      venueId: venue.id,
      personId: actor.personId,
      subject: undefined,
      method: 'poster',
      at,
      colour,
      entryAllowed: decision.allowed,
      recordedAt: now.toISOString(),
    }
    const inserted = await this.writer.write(checkin, this.#counters(venue, at, 'checkins'))
    return { checkin, duplicate: !inserted, decision, venue }
  }

  /**
   * The operator's scanner reads a visitor's code: verified (dynamic code, EU DCC, antibody
   * certificate or SMART Health Card), judged by the venue's policy, and recorded as a check-in
   * when entry is allowed. A live scan is judged at the server's clock; only a scan an offline
   * scanner queued (`offline`) may say when it was shown (`at`).
   *
   * @throws {DomainError} `ERR_NOT_FOUND`, `ERR_FORBIDDEN`, `ERR_SCAN_TIME_NOT_QUEUED` (an `at` on a
   *   live scan), `ERR_SCAN_TIME_TOO_OLD`, `ERR_INVALID_FIELD` (`at` malformed or in the future).
   */
  async scan(actor: Actor, venueId: string, item: BatchItem): Promise<ScanAnswer> {
    const venue = await this.find(actor, venueId)
    if (item.at !== undefined && item.offline !== true) {
      // A live scan that named its own time could replay a screenshot of an expired dynamic code
      // as if it had been shown while it was valid.
      throw new DomainError(
        'ERR_SCAN_TIME_NOT_QUEUED',
        'a live scan is judged at the server’s clock: send `at` only with `offline: true` for a scan queued offline, or in a batch (…/scans)',
        'at',
      )
    }
    return this.#scanAt(venue, item, this.clock())
  }

  /**
   * A batch from an offline scanner: each item answered on its own (a bad item does not stop the
   * others), re-sent items not written twice. Every item is a queued scan: it is judged at its
   * `at`, at most `OFFLINE_SCAN_MAX_AGE` back (`ERR_SCAN_TIME_TOO_OLD` for that item).
   */
  async scanBatch(
    actor: Actor,
    venueId: string,
    items: readonly BatchItem[],
  ): Promise<
    (
      | ({ clientId: string; ok: true } & ScanAnswer)
      | { clientId: string; ok: false; error: { code: string; message: string; field?: string } }
    )[]
  > {
    const venue = await this.find(actor, venueId)
    const now = this.clock()
    return Promise.all(
      items.map(async (item, index) => {
        try {
          return {
            clientId: item.clientId,
            ok: true as const,
            ...(await this.#scanAt(venue, { ...item, offline: true }, now)),
          }
        } catch (error) {
          if (!(error instanceof DomainError)) throw error
          return {
            clientId: item.clientId,
            ok: false as const,
            error: {
              code: error.code,
              message: error.message,
              ...(error.field ? { field: `items[${index}].${error.field}` } : {}),
            },
          }
        }
      }),
    )
  }

  async #scanAt(venue: Venue, item: BatchItem, now: Date): Promise<ScanAnswer> {
    const at = item.offline === true ? this.#queuedScanTime(item.at, now) : now.toISOString()
    // A queued scan is judged at the time the code was shown: a dynamic code whose `exp` is before
    // it fails at stage `expired` however recent the upload (verify checks `exp` against `at`).
    const verification = await this.verify(item.qr, new Date(at))
    const counters = this.#counters(venue, at, 'scans')
    const base = {
      checkinId: item.clientId,
      verification: {
        stage: verification.stage,
        code: verification.valid ? undefined : verification.error?.code,
      },
    }
    if (!verification.valid) {
      await this.store.transaction((tx) => tx.counters.add(counters))
      return {
        ...base,
        entryAllowed: false,
        reason: 'CODE_INVALID',
        message: `the code is not valid: ${verification.error?.message ?? verification.stage}`,
        recorded: false,
        duplicate: false,
        holder: undefined,
        colour: undefined,
        certificateKind: undefined,
        rules: undefined,
      }
    }
    const { presented, personId, subject, holder, forRules } =
      verification.kind === 'shc'
        ? this.#presentedCard(verification)
        : await this.#presented(
            verification as Extract<Hc1Verification, { valid: true }>,
            new Date(at),
          )
    const policy = await this.#policy(venue)
    let decision: {
      allowed: boolean
      reason: ScanAnswer['reason']
      message: string
    } = decideEntry(policy, presented, new Date(at))
    // A certificate the policy accepts must also meet the validity rules (how long it lasts).
    let rules: ScanAnswer['rules']
    if (presented.kind === 'certificate' && this.rules && forRules) {
      rules = await this.rules.judge(forRules, {
        ruleSetId: policy.ruleSet ?? this.rules.defaultRuleSet,
        issuerId: venue.issuerId,
        at: new Date(at),
        language: 'en',
        region: policy.region,
      })
      if (decision.allowed && rules && !rules.allowed) {
        decision = {
          allowed: false,
          reason: 'RULES_NOT_MET',
          message:
            rules.failed.map((failure) => failure.text).join('; ') ||
            `not accepted under rule set ${rules.ruleSet.id}`,
        }
      }
    }
    const colour = presented.kind === 'health-code' ? presented.colour : undefined
    const answer = {
      ...base,
      entryAllowed: decision.allowed,
      reason: decision.reason,
      message: decision.message,
      rules,
      holder,
      colour,
      certificateKind: presented.kind === 'certificate' ? presented.certificateKind : undefined,
    }
    if (!decision.allowed) {
      await this.store.transaction((tx) => tx.counters.add(counters))
      return { ...answer, recorded: false, duplicate: false }
    }
    const inserted = await this.writer.write(
      {
        id: item.clientId,
        venueId: venue.id,
        personId,
        subject,
        method: 'scan',
        at,
        colour,
        entryAllowed: true,
        recordedAt: now.toISOString(),
      },
      [...counters, ...this.#counters(venue, at, 'checkins')],
    )
    return { ...answer, recorded: true, duplicate: !inserted }
  }

  /** A SMART Health Card at the door: its immunizations count as a vaccination certificate. */
  #presentedCard(verification: Extract<AnyVerification, { kind: 'shc' }>): {
    presented: PresentedCode
    personId: undefined
    subject: string | undefined
    holder: ScanAnswer['holder']
    forRules: CertificateForRules | undefined
  } {
    const card = verification.certificate
    const summary = card?.summary
    const dcc = summary ? shcAsDcc(summary, card?.issuer ?? '') : undefined
    return {
      presented: dcc
        ? {
            kind: 'certificate',
            certificateKind: 'vaccination',
            sampledAt: undefined,
            negative: undefined,
          }
        : {
            kind: 'certificate',
            certificateKind: 'test',
            sampledAt: undefined,
            negative: undefined,
          },
      personId: undefined,
      subject: card?.revocationId,
      holder: readShcHolder(card?.fhirBundle),
      forRules: dcc
        ? {
            payloadType: 'eu-dcc',
            payload: dcc,
            issuedAt: card?.issuedAt,
            expiresAt: card?.expiresAt,
            issuer: undefined,
            kid: card?.kid,
          }
        : undefined,
    }
  }

  async #presented(
    verification: Extract<Hc1Verification, { valid: true }>,
    at: Date,
  ): Promise<{
    presented: PresentedCode
    personId: string | undefined
    subject: string | undefined
    holder: ScanAnswer['holder']
    forRules: CertificateForRules | undefined
  }> {
    const reading = readAtDoor(verification.certificate)
    if (reading.presented.kind === 'health-code') {
      // The token says the colour when it was made; a person this server knows is judged by the
      // live colour (a token shown green minutes before a positive test is refused).
      const subject = reading.subject as string
      const personId = await this.colours.personOfSubject(subject, at)
      const live = personId === undefined ? undefined : await this.colours.colourOf(personId)
      return {
        presented: live
          ? { kind: 'health-code', colour: live.colour, greenOn: live.greenOn }
          : reading.presented,
        personId,
        subject,
        holder: reading.holder,
        forRules: undefined,
      }
    }
    const uvci = reading.subject
    const ours = uvci
      ? await this.store.transaction((tx) => tx.certificates.findByUvci(uvci))
      : undefined
    return { ...reading, personId: ours?.personId }
  }

  /**
   * Removes check-ins older than the retention period; returns how many. Where the store partitions
   * check-ins by day (PostgreSQL), the days wholly past it go as whole partitions; the rest (the
   * day the limit falls in, or every row on SQLite) is deleted in bounded batches.
   */
  async prune(batchSize = 10_000): Promise<number> {
    const before = new Date(this.clock().getTime() - this.retentionDays * 86_400_000).toISOString()
    let total = await this.store.transaction((tx) => tx.checkins.dropPartitionsBefore(before))
    for (;;) {
      const deleted = await this.store.transaction((tx) =>
        tx.checkins.deleteBefore(before, batchSize),
      )
      total += deleted
      if (deleted < batchSize) return total
    }
  }

  /**
   * When a queued offline scan was shown: its `at` (default now), not in the future beyond the
   * clock skew and at most `OFFLINE_SCAN_MAX_AGE` back.
   */
  #queuedScanTime(text: string | undefined, now: Date): string {
    const time = text === undefined ? now.getTime() : Date.parse(text)
    const maxAgeMinutes = this.doors.offlineScanMaxAgeMinutes
    if (time < now.getTime() - maxAgeMinutes * 60_000) {
      throw new DomainError(
        'ERR_SCAN_TIME_TOO_OLD',
        `expected a queued scan from the last ${describeMinutes(maxAgeMinutes)} (OFFLINE_SCAN_MAX_AGE), but it was shown at ${new Date(time).toISOString()}`,
        'at',
      )
    }
    // The form, the clock skew and the retention period, as for any check-in.
    return this.#checkinTime(text, now, 'at')
  }

  #checkinTime(text: string | undefined, now: Date, field: string): string {
    if (text === undefined) return now.toISOString()
    const time = Date.parse(text)
    if (Number.isNaN(time) || !/^\d{4}-\d{2}-\d{2}T/.test(text)) {
      throw new DomainError('ERR_INVALID_FIELD', 'expected an ISO 8601 date-time', field)
    }
    if (time > now.getTime() + MAX_CLOCK_SKEW_MS) {
      throw new DomainError('ERR_INVALID_FIELD', 'a check-in cannot be in the future', field)
    }
    if (time < now.getTime() - this.retentionDays * 86_400_000) {
      throw new DomainError(
        'ERR_INVALID_FIELD',
        `a check-in older than the retention period (${this.retentionDays} days) is not kept`,
        field,
      )
    }
    return new Date(time).toISOString()
  }

  #counters(venue: Venue, at: string, metric: string): CounterIncrement[] {
    const day = at.slice(0, 10)
    return [
      { day, district: venue.district, metric, by: 1 },
      // A company's own counters have their own metric, so that city-wide queries never read them.
      ...(venue.companyId === undefined
        ? []
        : [{ day, district: `company:${venue.companyId}`, metric: `company.${metric}`, by: 1 }]),
    ]
  }

  async #venue(id: string): Promise<Venue> {
    const now = this.clock().getTime()
    const cached = this.#venues.get(id)
    if (cached && cached.until > now) return cached.venue
    const venue = await this.store.transaction((tx) => tx.venues.find(id))
    if (!venue) throw new DomainError('ERR_NOT_FOUND', `no venue ${id}`)
    this.#venues.set(id, { venue, until: now + CACHE_MS })
    return venue
  }

  async #storedPolicies(): Promise<{
    tree: IssuerTree
    policies: Map<string, Map<string, EntryPolicy>>
  }> {
    const now = this.clock().getTime()
    if (this.#policies && this.#policies.until > now) return this.#policies
    const { tree, policies } = await this.store.transaction(async (tx) => ({
      tree: await issuerTree(tx),
      policies: await tx.venues.entryPolicies(),
    }))
    this.#policies = { tree, policies, until: now + CACHE_MS }
    return this.#policies
  }

  /** The policy a venue's door applies: its region's, else the nearest ancestor's, else default. */
  async #policy(venue: Venue): Promise<EntryPolicy> {
    const { tree, policies } = await this.#storedPolicies()
    return entryPolicyIn(tree, policies, venue.issuerId ?? tree.roots()[0], venue.category)
  }

  /**
   * The region a new venue is in: the one named (any issuer: operators are not staff), else the
   * registering account's issuer, else the issuer of the person record it holds, else the root.
   */
  async #venueIssuer(
    tx: StoreTransaction,
    actor: Actor,
    named: string | undefined,
  ): Promise<string | undefined> {
    const tree = await issuerTree(tx)
    if (named !== undefined) {
      if (!tree.has(named)) {
        throw new DomainError('ERR_INVALID_FIELD', `no issuer ${named}`, 'issuerId')
      }
      return named
    }
    if (actor.issuerId !== undefined) return actor.issuerId
    if (actor.personId !== undefined) {
      const person = await tx.people.find(actor.personId)
      if (person) return person.issuerId
    }
    return tree.roots()[0]
  }

  /** Lets the venue's operator, an admin of its company, and the authority over its region by. */
  async #requireOperator(actor: Actor, venue: Venue): Promise<void> {
    await this.store.transaction(async (tx) => {
      const memberships =
        venue.companyId === undefined ? [] : await tx.companies.membershipsOf(actor.accountId)
      const companyAdmin = memberships.some(
        (m) => m.companyId === venue.companyId && m.role === 'admin',
      )
      await authorize(tx, actor, 'read', {
        kind: 'venue',
        id: venue.id,
        issuerId: venue.issuerId,
        holders: [venue.operatorAccountId, companyAdmin ? actor.accountId : undefined],
      })
    })
  }
}

/** Minutes as people say them: `12 h`, `90 min`. */
function describeMinutes(minutes: number): string {
  return minutes % 60 === 0 ? `${minutes / 60} h` : `${minutes} min`
}

/** An issuer's policy of a category: its own, else the nearest ancestor's, else the default. */
function entryPolicyIn(
  tree: IssuerTree,
  policies: Map<string, Map<string, EntryPolicy>>,
  issuerId: string | undefined,
  category: VenueCategory,
): EntryPolicy {
  for (const owner of issuerId === undefined ? [] : tree.lineage(issuerId)) {
    const policy = policies.get(owner)?.get(category)
    if (policy) return policy
  }
  return defaultEntryPolicies[category]
}
