import type { Hc1Verification } from '../../codec/hc1/index.js'
import type { Actor } from '../access/actor.js'
import type { Clock } from '../clock.js'
import { DomainError } from '../errors.js'
import type { Store } from '../ports.js'
import type { RuleSet } from '../validity-rules/index.js'
import type { AnyVerification } from '../verification/verification-service.js'
import type { CertificateForRules } from '../verification/validity-judge.js'
import type { ColourSource } from './check-in-service.js'
import { queuedScanTime } from './check-in-time.js'
import type { CheckinWriter } from './checkin-writer.js'
import { type DoorHolder, readAtDoor } from './door-reading.js'
import { type EntryDecision, decideEntry } from './entry-decision.js'
import type { EntryPolicyService } from './entry-policy-service.js'
import {
  type OfflineBundle,
  type OfflineBundleSources,
  buildOfflineBundle,
} from './offline-bundle.js'
import { type DoorPresentation, presentedCard } from './shc-at-door.js'
import type { Venue } from './venue.js'
import { venueCounters } from './venue-counters.js'
import type { VenueRegistryService } from './venue-registry-service.js'

/** Verifies any code a door may see: EU DCCs, our certificates and dynamic codes, SHCs. */
export type CodeVerifier = (qr: string, at: Date) => Promise<AnyVerification>

/** Judges a certificate under a validity rule set (see ValidityJudge.judgeCertificate). */
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

/**
 * The door: an operator's scanner reads a visitor's code (live, or queued offline and sent in a
 * batch), the venue's entry policy and the validity rules decide, and an admitted visitor is
 * recorded as a check-in; and the offline bundle a scanner judges codes with without the network.
 */
export class DoorScanService {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly venues: VenueRegistryService,
    private readonly entryPolicies: EntryPolicyService,
    private readonly verify: CodeVerifier,
    private readonly colours: ColourSource,
    private readonly writer: CheckinWriter,
    /** The check-ins' retention, and how far back a queued scan may say it was shown. */
    private readonly limits: { retentionDays: number; offlineScanMaxAgeMinutes: number },
    private readonly rules?: { judge: RuleJudge; defaultRuleSet: string },
  ) {}

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
    const venue = await this.venues.find(actor, venueId)
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
    const venue = await this.venues.find(actor, venueId)
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

  /**
   * The offline bundle of a venue, for its operators' scanners: the trusted signers and the
   * revocation list (`providers.trust`, what `VerificationService.deviceTrust` gives), the
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
    const venue = await this.venues.find(actor, venueId)
    const policy = await this.entryPolicies.forVenue(venue)
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

  async #scanAt(venue: Venue, item: BatchItem, now: Date): Promise<ScanAnswer> {
    const at = item.offline === true ? queuedScanTime(item.at, now, this.limits) : now.toISOString()
    // A queued scan is judged at the time the code was shown: a dynamic code whose `exp` is before
    // it fails at stage `expired` however recent the upload (verify checks `exp` against `at`).
    const verification = await this.verify(item.qr, new Date(at))
    const counters = venueCounters(venue, at, 'scans')
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
        ? presentedCard(verification)
        : await this.#presented(
            verification as Extract<Hc1Verification, { valid: true }>,
            new Date(at),
          )
    const policy = await this.entryPolicies.forVenue(venue)
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
      [...counters, ...venueCounters(venue, at, 'checkins')],
    )
    return { ...answer, recorded: true, duplicate: !inserted }
  }

  async #presented(
    verification: Extract<Hc1Verification, { valid: true }>,
    at: Date,
  ): Promise<DoorPresentation> {
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
}
