import type { ChangeNotice } from '../changes/change-notices.js'
import { randomBytes } from 'node:crypto'
import { type JsonValue, signHc1 } from '../../codec/hc1/index.js'
import type { Actor } from '../access/actor.js'
import type { Clock } from '../clock.js'
import { DomainError } from '../errors.js'
import { checkDate, checkOrdered } from '../input/strict-input.js'
import {
  type Declaration,
  type HealthAssessment,
  type HealthInputs,
  type RuleSet,
  type Symptoms,
  type Visit,
  HealthCodeError,
  RuleSetError,
  assessHealthCode,
  defaultRuleSet,
  readRuleSet,
} from '../health-code/index.js'
import type { SigningKeyService } from '../keys/signing-key-service.js'
import { requireHolderOrStaff } from '../certificates/holder-or-staff.js'
import { maskedName } from '../people/masked-name.js'
import type { Person } from '../people/person.js'
import type { District, Store, StoreTransaction } from '../ports.js'
import type { IssuerTree } from '../policy/issuer-tree.js'
import { authorize, decide, issuerTree, rootIssuer } from '../policy/policy.js'
import { TOKEN_SUBJECT_KEY_PURPOSE, TokenSubjects } from './token-subject.js'
import type {
  StoredDeclaration,
  StoredHealthCode,
  StoredRiskArea,
  StoredRuleSet,
} from './health-records.js'

/** Who maintains risk areas and risk rules: the health authority. */
export { authorityRoles } from '../policy/role-sets.js'

/** What a person sends to declare. */
export interface DeclarationInput {
  readonly symptoms: Symptoms
  readonly visits: readonly Visit[]
  readonly confirmedCaseContact: boolean
}

/** A person's dynamic code: the signed token to show, and what it says. */
export interface HealthCodeToken {
  readonly qr: string
  readonly expiresAt: string
  readonly assessment: HealthAssessment
}

/**
 * Stored data the risk engine cannot evaluate: a risk area (left out of every assessment until it
 * is replaced) or one person's records (their colour fails; nobody else's does). Reported once per
 * item and problem: kept here for the authority (`inputProblems`) and appended to the audit log.
 */
export interface InputProblem {
  readonly kind: 'risk-area' | 'person'
  /** The risk area's or the person's id. */
  readonly id: string
  /** The person's issuer (a person's problem). */
  readonly issuerId: string | undefined
  /** The field the problem is in (`from`, `tests[0].sampledAt`), when known. */
  readonly field: string | undefined
  readonly message: string
  readonly since: string
}

/** Progress of recomputing everyone after a rule change. */
export interface RecomputeProgress {
  readonly rulesetVersion: number
  readonly done: number
  readonly startedAt: string
  readonly finishedAt: string | undefined
  readonly failed: number
}

const DAY = 86_400_000
const CACHE_MS = 30_000
/** Declarations and exposures older than this do not affect the colour. */
const LOOKBACK_DAYS = 30
const BATCH = 500
const COLOUR_CACHE_MS = 5_000
/** Colour notices: ids per notice, and past how many changed ids one notice drops every colour. */
const COLOUR_NOTICE_IDS = 150
const COLOUR_NOTICE_ALL = 3_000

/**
 * The health code: declarations, risk areas and risk rules in, a colour with its reasons out.
 * A person's colour is recomputed when something about them changes (a declaration, a record, an
 * exposure), when a risk area they visited changes, for everyone in bounded batches when the rules
 * change, and on read when time alone may have changed it (`reassessAt`) or the rules are newer
 * than the stored colour.
 */
export class HealthStatusService {
  #rules: StoredRules | undefined
  #areas: { areas: StoredRiskArea[]; until: number } | undefined
  #recompute: RecomputeProgress | undefined
  #recomputing: Promise<void> | undefined
  /** Colours recently read or computed here, for the check-in path (see `colourOf`). */
  readonly #colours = new Map<
    string,
    { colour: 'green' | 'yellow' | 'red'; greenOn: string | undefined; until: number }
  >()
  /** Problems found in stored data, by item and message (see `InputProblem`). */
  readonly #problems = new Map<string, InputProblem>()
  #subjects: TokenSubjects | undefined

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly keys: SigningKeyService,
    private readonly tokenMinutes: number,
    /** Told when rules, risk areas or colours changed here, after the commit. */
    private readonly onChange?: (notice: ChangeNotice) => void,
  ) {}

  /**
   * A person (or staff for them) declares symptoms, stays elsewhere and contacts.
   *
   * @throws {DomainError} `ERR_NOT_FOUND`, `ERR_FORBIDDEN`, `ERR_INVALID_FIELD` (naming the field).
   */
  async declare(
    actor: Actor,
    personId: string,
    input: DeclarationInput,
  ): Promise<{ declaration: StoredDeclaration; assessment: HealthAssessment }> {
    const now = this.clock()
    validateDeclaration(input, now)
    const rules = await this.#storedRules()
    const areas = await this.#riskAreas()
    // The colour is computed in the declaration's own transaction: a declaration the engine
    // cannot evaluate is refused and not stored.
    const { stored: declaration, assessment } = await this.store
      .transaction(async (tx) => {
        await this.#requireSelfOrStaff(tx, actor, personId)
        const stored = await tx.health.addDeclaration({
          personId,
          declaredAt: now.toISOString(),
          symptoms: input.symptoms,
          visits: input.visits,
          confirmedCaseContact: input.confirmedCaseContact,
          declaredBy: actor.accountId,
        })
        const person = (await tx.people.find(personId)) as Person
        await tx.counters.add([
          {
            day: now.toISOString().slice(0, 10),
            district: person.district ?? 'unknown',
            metric: 'declarations',
            by: 1,
          },
        ])
        return { stored, assessment: await this.#reassessIn(tx, personId, rules, areas) }
      })
      .then((done) => {
        this.#colourChanged(personId)
        return done
      })
      .catch(async (error: unknown) => {
        await this.#reportPerson(personId, error)
        throw error
      })
    return { declaration, assessment }
  }

  /** A person's declarations of the last 30 days. */
  async declarations(actor: Actor, personId: string): Promise<StoredDeclaration[]> {
    return this.store.transaction(async (tx) => {
      await this.#requireSelfOrStaff(tx, actor, personId)
      const since = new Date(this.clock().getTime() - LOOKBACK_DAYS * DAY).toISOString()
      return tx.health.declarations(personId, since)
    })
  }

  /** A person's current colour with its reasons (the person, or staff of their issuer). */
  async current(actor: Actor, personId: string): Promise<HealthAssessment> {
    await this.store.transaction((tx) => this.#requireSelfOrStaff(tx, actor, personId))
    return (await this.#fresh(personId)).assessment
  }

  /** The colour a door or a check-in needs, fresh. */
  async colourOf(
    personId: string,
  ): Promise<{ colour: 'green' | 'yellow' | 'red'; greenOn: string | undefined }> {
    // A check-in reads the colour; at thousands a second, from memory for a few seconds (a change
    // computed by this process replaces it at once; one computed by another process shows within
    // COLOUR_CACHE_MS, and never past the moment the colour may change by time).
    const cached = this.#colours.get(personId)
    if (cached && cached.until > this.clock().getTime()) return cached
    const { assessment } = await this.#fresh(personId)
    this.#remember(personId, assessment)
    return { colour: assessment.colour, greenOn: assessment.greenOn }
  }

  #remember(personId: string, assessment: HealthAssessment): void {
    if (this.#colours.size >= 200_000) this.#colours.clear()
    const byTime =
      assessment.reassessAt === undefined ? Infinity : Date.parse(assessment.reassessAt)
    this.#colours.set(personId, {
      colour: assessment.colour,
      greenOn: assessment.greenOn,
      until: Math.min(this.clock().getTime() + COLOUR_CACHE_MS, byTime),
    })
  }

  /**
   * The person a dynamic code's subject names: a 1.1.0 subject sealed here, while its token lives
   * at `at`, or else a 1.0.0 subject (the same in every token of a person) as stored.
   */
  async personOfSubject(subject: string, at: Date = this.clock()): Promise<string | undefined> {
    const sealed = this.keys.canSign ? this.#tokenSubjects().open(subject, at) : undefined
    return this.store.transaction(async (tx) => {
      // A subject that opens names a person of ours, unless another deployment shares our KEK
      // (it should not): one we do not know is judged by the colour the token carries.
      if (sealed !== undefined) return (await tx.people.find(sealed)) ? sealed : undefined
      return tx.health.personOfSubject(subject)
    })
  }

  #tokenSubjects(): TokenSubjects {
    this.#subjects ??= new TokenSubjects(this.keys.derivedKey(TOKEN_SUBJECT_KEY_PURPOSE))
    return this.#subjects
  }

  /**
   * The dynamic code: a short-lived token signed by the person's issuer (its domestic signer), so
   * that a door verifies it offline; it carries the colour, a masked name, the birth date and a
   * subject sealed afresh for this token (schema 1.1.0), so that no two tokens can be linked.
   *
   * @throws {DomainError} `ERR_SIGNING_UNAVAILABLE` when the issuer cannot sign.
   */
  async token(actor: Actor, personId: string): Promise<HealthCodeToken> {
    await this.store.transaction((tx) => this.#requireSelfOrStaff(tx, actor, personId))
    const code = await this.#fresh(personId)
    return this.store.transaction(async (tx) => {
      const person = (await tx.people.find(personId)) as Person
      const issuer = await tx.issuers.find(person.issuerId)
      const signer = await this.keys.signerFor(tx, person.issuerId, 'domestic')
      const issuedAt = new Date(Math.floor(this.clock().getTime() / 1000) * 1000)
      const expiresAt = new Date(issuedAt.getTime() + this.tokenMinutes * 60_000)
      const { assessment } = code
      const qr = signHc1(
        {
          dcc: {
            ver: '1.1.0',
            sub: this.#tokenSubjects().seal(personId, expiresAt),
            col: assessment.colour,
            nam: maskedName(person),
            dob: person.birthDate,
            ...(assessment.greenOn ? { gon: assessment.greenOn } : {}),
            rsv: Math.max(1, assessment.rulesetVersion),
          } as JsonValue,
          payloadType: 'healthcode-status',
          issuer: issuer?.country ?? 'XX',
          issuedAt,
          expiresAt,
        },
        { privateKey: signer.privateKey, kid: signer.kid },
      )
      return { qr, expiresAt: expiresAt.toISOString(), assessment }
    })
  }

  /**
   * Recomputes people's colours now (after a record, an exposure), one transaction each. A person
   * whose stored data the engine cannot evaluate is skipped and reported (`inputProblems`); the
   * others are still recomputed.
   */
  async reassess(personIds: readonly string[]): Promise<void> {
    for (const personId of new Set(personIds)) {
      try {
        await this.#reassessOne(personId)
      } catch (error) {
        if (!(error instanceof HealthCodeError)) throw error
        await this.#reportPerson(personId, error)
      }
    }
  }

  /**
   * Problems found in stored data that the engine cannot evaluate, oldest first: the risk areas
   * left out and the people whose colour fails, of the actor's issuer and the issuers below it.
   *
   * @throws {DomainError} `ERR_FORBIDDEN` unless the actor is the health authority.
   */
  async inputProblems(actor: Actor): Promise<InputProblem[]> {
    await this.#requireAuthority(actor)
    const problems = [...this.#problems.values()]
    const visible = await this.store.transaction(async (tx) => {
      const within = async (issuerId: string | undefined): Promise<boolean> => {
        for (let id = issuerId, depth = 0; id !== undefined && depth < 16; depth++) {
          if (id === actor.issuerId) return true
          id = (await tx.issuers.find(id))?.parentId
        }
        return false
      }
      const shown: InputProblem[] = []
      for (const problem of problems) {
        if (await within(problem.issuerId)) shown.push(problem)
      }
      return shown
    })
    return visible.sort((a, b) => (a.since < b.since ? -1 : a.since > b.since ? 1 : 0))
  }

  /**
   * Recomputes the colours whose `reassessAt` has passed (a code turning green on its day), so that
   * dashboards count them without waiting for someone to look; returns how many.
   */
  async reassessDue(limit = 1000): Promise<number> {
    const now = this.clock().toISOString()
    const ids = await this.store.transaction((tx) => tx.health.dueForReassessment(now, limit))
    await this.reassess(ids)
    return ids.length
  }

  // Risk areas ------------------------------------------------------------------------------

  /** The districts defined in an issuer's region and the regions under it; every one without. */
  async districts(issuerId?: string): Promise<District[]> {
    return this.store.transaction(async (tx) => {
      const tree = await issuerTree(tx)
      const issuers = await tx.issuers.list()
      return tx.health.districts(
        issuerId === undefined ? issuers.map((issuer) => issuer.id) : tree.subtree(issuerId),
      )
    })
  }

  /**
   * The authority defines a district of its region (or of a region under it, `issuerId`), or
   * renames one; risk areas and venues are then picked from them.
   *
   * @throws {DomainError} `ERR_FORBIDDEN`, `ERR_INVALID_FIELD` (`issuerId`).
   */
  async defineDistrict(
    actor: Actor,
    input: { code: string; name: string; issuerId?: string | undefined },
  ): Promise<District> {
    return this.store.transaction(async (tx) => {
      const issuerId = input.issuerId ?? actor.issuerId
      await authorize(tx, actor, 'update', { kind: 'risk_areas', issuerId })
      if (issuerId === undefined) {
        throw new DomainError('ERR_INVALID_FIELD', 'name the region', 'issuerId')
      }
      const at = this.clock().toISOString()
      const district = { issuerId, code: input.code, name: input.name }
      await tx.health.saveDistrict({ ...district, createdBy: actor.accountId, createdAt: at })
      await tx.audit.append(
        {
          actorAccountId: actor.accountId,
          action: 'district.define',
          entityType: 'issuer',
          entityId: issuerId,
          reason: undefined,
          data: district,
        },
        at,
      )
      return district
    })
  }

  /**
   * The risk areas of the actor's region and the regions under it (or of `issuerId`'s, one within
   * the actor's reach): those in force, or every version with `history`.
   *
   * @throws {DomainError} `ERR_FORBIDDEN` (not the authority over the region), `ERR_INVALID_FIELD`
   *   (`issuerId`, no such issuer).
   */
  async riskAreas(
    actor: Actor,
    options: { history: boolean; areaCode?: string | undefined; issuerId?: string | undefined },
  ): Promise<StoredRiskArea[]> {
    return this.store.transaction(async (tx) => {
      const issuerId = options.issuerId ?? actor.issuerId
      const tree = await authorize(tx, actor, 'list', { kind: 'risk_areas', issuerId })
      return tx.health.riskAreas({
        includeSuperseded: options.history,
        ...(options.areaCode === undefined ? {} : { areaCode: options.areaCode }),
        issuerIds: issuerId === undefined ? [] : tree.subtree(issuerId),
      })
    })
  }

  /**
   * The authority declares a risk area of its region (or of a region under it, `issuerId`), or
   * changes one it is over, superseding `replaces` (the new version keeps its owner); the colours
   * of people who declared visits there in the last 30 days are recomputed.
   *
   * @throws {DomainError} `ERR_FORBIDDEN`, `ERR_INVALID_FIELD`, `ERR_NOT_FOUND` (`replaces`),
   *   `ERR_RISK_AREA_SUPERSEDED` (`replaces` superseded already).
   */
  async setRiskArea(
    actor: Actor,
    input: {
      areaCode: string
      name: string
      level: 'high' | 'medium'
      from: string
      until?: string | undefined
      replaces?: string | undefined
      issuerId?: string | undefined
    },
  ): Promise<{ area: StoredRiskArea; reassessed: number }> {
    await this.#requireAuthority(actor)
    if (!isDay(input.from))
      throw new DomainError('ERR_INVALID_FIELD', 'expected YYYY-MM-DD', 'from')
    if (input.until !== undefined && (!isDay(input.until) || input.until < input.from)) {
      throw new DomainError('ERR_INVALID_FIELD', 'expected YYYY-MM-DD, not before `from`', 'until')
    }
    const at = this.clock().toISOString()
    const area = await this.store.transaction(async (tx) => {
      let owner = input.issuerId ?? actor.issuerId
      if (input.replaces === undefined) {
        await authorize(tx, actor, 'create', { kind: 'risk_areas', issuerId: owner })
      } else {
        const old = await tx.health.findRiskArea(input.replaces)
        if (!old)
          throw new DomainError('ERR_NOT_FOUND', `no risk area ${input.replaces}`, 'replaces')
        await authorize(tx, actor, 'update', {
          kind: 'risk_areas',
          id: old.id,
          issuerId: old.issuerId,
        })
        if (input.issuerId !== undefined && input.issuerId !== old.issuerId) {
          throw new DomainError(
            'ERR_INVALID_FIELD',
            `risk area ${input.replaces} belongs to ${old.issuerId ?? 'no issuer'}, not ${input.issuerId}`,
            'issuerId',
          )
        }
        owner = old.issuerId
        if (old.areaCode !== input.areaCode) {
          throw new DomainError(
            'ERR_INVALID_FIELD',
            `risk area ${input.replaces} is for ${old.areaCode}, not ${input.areaCode}`,
            'replaces',
          )
        }
      }
      const created = await tx.health.addRiskArea({
        issuerId: owner,
        areaCode: input.areaCode,
        name: input.name,
        level: input.level,
        from: input.from,
        until: input.until,
        createdBy: actor.accountId,
        createdAt: at,
      })
      if (input.replaces !== undefined) {
        const superseded = await tx.health.supersedeRiskArea(input.replaces, created.id, at)
        if (!superseded) {
          throw new DomainError(
            'ERR_RISK_AREA_SUPERSEDED',
            `risk area ${input.replaces} was superseded already`,
            'replaces',
          )
        }
      }
      await tx.audit.append(
        {
          actorAccountId: actor.accountId,
          action: 'risk-area.set',
          entityType: 'risk_area',
          entityId: created.id,
          issuerId: owner,
          reason: undefined,
          data: { ...input },
        },
        at,
      )
      return created
    })
    return { area, reassessed: await this.#areaChanged(input.areaCode) }
  }

  /**
   * The authority withdraws a risk area declared by mistake (it is over the area's region): the
   * version ends with no successor, stays in the history, and no longer counts for anyone; the
   * colours of people who declared visits there in the last 30 days are recomputed. (To end an
   * area that was real, change it with an `until` instead: past stays keep counting.)
   *
   * @throws {DomainError} `ERR_NOT_FOUND`, `ERR_FORBIDDEN`, `ERR_RISK_AREA_SUPERSEDED` (ended
   *   already).
   */
  async withdrawRiskArea(
    actor: Actor,
    id: string,
  ): Promise<{ area: StoredRiskArea; reassessed: number }> {
    const at = this.clock().toISOString()
    const area = await this.store.transaction(async (tx) => {
      const found = await tx.health.findRiskArea(id)
      if (!found) throw new DomainError('ERR_NOT_FOUND', `no risk area ${id}`)
      await authorize(tx, actor, 'update', { kind: 'risk_areas', id, issuerId: found.issuerId })
      if (!(await tx.health.supersedeRiskArea(id, undefined, at))) {
        throw new DomainError('ERR_RISK_AREA_SUPERSEDED', `risk area ${id} has ended already`)
      }
      await tx.audit.append(
        {
          actorAccountId: actor.accountId,
          action: 'risk-area.withdraw',
          entityType: 'risk_area',
          entityId: id,
          issuerId: found.issuerId,
          reason: undefined,
          data: { areaCode: found.areaCode },
        },
        at,
      )
      return { ...found, supersededAt: at }
    })
    return { area, reassessed: await this.#areaChanged(area.areaCode) }
  }

  /** After a risk area changed: drops the cached areas, tells other processes, recomputes. */
  async #areaChanged(areaCode: string): Promise<number> {
    this.#areas = undefined
    this.onChange?.({ topic: 'risk-areas' })
    const since = new Date(this.clock().getTime() - LOOKBACK_DAYS * DAY).toISOString()
    const people = await this.store.transaction((tx) => tx.health.peopleWhoVisited(areaCode, since))
    for (let i = 0; i < people.length; i += BATCH) await this.reassess(people.slice(i, i + BATCH))
    return people.length
  }

  // Risk rules ------------------------------------------------------------------------------

  /**
   * The rules in force in an issuer's region (the root's by default): the newest version the
   * issuer stored, else the nearest ancestor's, else the built-in default set.
   */
  async ruleSet(issuerId?: string): Promise<RuleSet> {
    return rulesIn(await this.#storedRules(), issuerId)
  }

  /**
   * The stored versions of the risk rules the authority may see: its region's, those above it and
   * below it, and the nationwide ones; never a sibling region's (see the rules policy).
   *
   * @throws {DomainError} `ERR_FORBIDDEN` for anyone but an authority.
   */
  async ruleSetVersions(actor: Actor) {
    await this.#requireAuthority(actor)
    return this.store.transaction(async (tx) => {
      const tree = await issuerTree(tx)
      const versions = await tx.health.ruleSetVersions()
      return versions.filter(
        (version) =>
          decide(actor, 'list', { kind: 'risk_rules', issuerId: version.issuerId }, tree) === true,
      )
    })
  }

  /**
   * One version of the rules as stored, or the built-in default rules (version 1, never stored).
   *
   * @throws {DomainError} `ERR_FORBIDDEN`; `ERR_NOT_FOUND` for a version never stored.
   */
  async ruleSetVersion(actor: Actor, version: number): Promise<RuleSet | StoredRuleSet> {
    await this.#requireAuthority(actor)
    const stored = await this.store.transaction(async (tx) => {
      const found = await tx.health.findRuleSet(version)
      if (found)
        await authorize(tx, actor, 'list', { kind: 'risk_rules', issuerId: found.issuerId })
      return found
    })
    if (stored) return stored
    if (version === defaultRuleSet.version) return defaultRuleSet
    throw new DomainError('ERR_NOT_FOUND', `no version ${version} of the risk rules`)
  }

  /**
   * The authority stores a new version of the rules for its issuer (or one below it, `issuerId`):
   * a region's authority its region's version, the federal authority the nationwide default.
   * Everyone's colour is then recomputed in the background, in batches (reads recompute a stale
   * colour at once, so nobody waits for the batch).
   *
   * @throws {DomainError} `ERR_FORBIDDEN` (not an authority over the issuer); `ERR_EMPTY_RULE_SET`;
   *   `ERR_INVALID_FIELD` naming the rule and field.
   */
  async setRuleSet(
    actor: Actor,
    rules: unknown,
    note: string | undefined,
    issuerId?: string,
  ): Promise<RuleSet> {
    const owner = issuerId ?? actor.issuerId
    await this.store.transaction((tx) =>
      authorize(tx, actor, 'update', { kind: 'risk_rules', issuerId: owner }),
    )
    if (Array.isArray(rules) && rules.length === 0) {
      throw new DomainError(
        'ERR_EMPTY_RULE_SET',
        'a rule set without rules would turn every code green: publish at least one rule',
        'rules',
      )
    }
    const at = this.clock().toISOString()
    const ruleset = await this.store.transaction(async (tx) => {
      await authorize(tx, actor, 'update', { kind: 'risk_rules', issuerId: owner })
      // Versions are numbered across all issuers, so a code's `rsv` names one set.
      const newest = (await tx.health.latestRuleSet())?.version ?? defaultRuleSet.version
      const version = Math.max(newest, defaultRuleSet.version) + 1
      let parsed: RuleSet
      try {
        parsed = readRuleSet({ version, rules })
      } catch (error) {
        if (error instanceof RuleSetError) {
          throw new DomainError('ERR_INVALID_FIELD', error.message, error.path)
        }
        throw error
      }
      await tx.health.addRuleSet({
        version,
        rules: parsed.rules,
        note,
        createdBy: actor.accountId,
        createdAt: at,
        issuerId: owner,
      })
      await tx.audit.append(
        {
          actorAccountId: actor.accountId,
          issuerId: owner,
          action: 'risk-rules.set',
          entityType: 'risk_ruleset',
          entityId: String(version),
          reason: note,
          data: { rules: parsed.rules.map((rule) => rule.id), issuerId: owner ?? null },
        },
        at,
      )
      return parsed
    })
    this.#rules = undefined
    this.onChange?.({ topic: 'risk-rules' })
    this.#startRecompute(ruleset.version)
    return ruleset
  }

  /** How far the recomputation after the last rule change has got. */
  recomputeProgress(): RecomputeProgress | undefined {
    return this.#recompute
  }

  /** Waits for a running recomputation (tests, shutdown). */
  async recomputeFinished(): Promise<void> {
    while (this.#recomputing) await this.#recomputing
  }

  #startRecompute(version: number): void {
    const run = async () => {
      let progress: RecomputeProgress = {
        rulesetVersion: version,
        done: 0,
        failed: 0,
        startedAt: this.clock().toISOString(),
        finishedAt: undefined,
      }
      this.#recompute = progress
      let after = ''
      for (;;) {
        // A newer rule change starts its own run; this one stops.
        if ((await this.#storedRules()).newest !== version) return
        const ids = await this.store.transaction((tx) => tx.health.personIdsAfter(after, BATCH))
        if (ids.length === 0) break
        let failed = 0
        for (const id of ids) {
          try {
            await this.#reassessOne(id)
          } catch (error) {
            failed++
            if (error instanceof HealthCodeError) await this.#reportPerson(id, error)
          }
        }
        after = ids[ids.length - 1] as string
        progress = {
          ...progress,
          done: progress.done + ids.length,
          failed: progress.failed + failed,
        }
        this.#recompute = progress
      }
      this.#recompute = { ...progress, finishedAt: this.clock().toISOString() }
    }
    const running = (this.#recomputing ?? Promise.resolve()).then(run, run)
    this.#recomputing = running
    void running.finally(() => {
      if (this.#recomputing === running) this.#recomputing = undefined
    })
  }

  // Internals ---------------------------------------------------------------------------------

  /** The stored code, recomputed first when time or newer rules may have changed it. */
  async #fresh(personId: string): Promise<StoredHealthCode> {
    const { stored, issuerId } = await this.store.read(async (tx) => ({
      stored: await tx.health.healthCode(personId),
      issuerId: (await tx.people.find(personId))?.issuerId,
    }))
    const ruleset = await this.ruleSet(issuerId)
    const now = this.clock().toISOString()
    if (
      stored &&
      stored.assessment.rulesetVersion === ruleset.version &&
      (stored.assessment.reassessAt === undefined || stored.assessment.reassessAt > now)
    ) {
      return stored
    }
    await this.#reassessOne(personId).catch(async (error: unknown) => {
      await this.#reportPerson(personId, error)
      throw error
    })
    return (await this.store.transaction((tx) =>
      tx.health.healthCode(personId),
    )) as StoredHealthCode
  }

  async #reassessOne(personId: string): Promise<HealthAssessment> {
    const rules = await this.#storedRules()
    const areas = await this.#riskAreas()
    const assessment = await this.store.transaction((tx) =>
      this.#reassessIn(tx, personId, rules, areas),
    )
    this.#colourChanged(personId)
    return assessment
  }

  /** Tells other processes, batched, that people's colours changed (after the commit). */
  #colourChanged(personId: string): void {
    if (!this.onChange) return
    this.#changedColours.add(personId)
    if (this.#changedColours.size > 1) return
    setImmediate(() => {
      const ids = [...this.#changedColours]
      this.#changedColours.clear()
      if (ids.length > COLOUR_NOTICE_ALL) {
        this.onChange?.({ topic: 'colours' })
        return
      }
      // A notice stays well under PostgreSQL's 8000-byte limit on a NOTIFY payload.
      for (let i = 0; i < ids.length; i += COLOUR_NOTICE_IDS) {
        this.onChange?.({
          topic: 'colours',
          subject: ids.slice(i, i + COLOUR_NOTICE_IDS).join(','),
        })
      }
    })
  }

  readonly #changedColours = new Set<string>()

  /** Drops cached copies another process changed: the rules, the risk areas, colours. */
  forget(notice: ChangeNotice): void {
    if (notice.topic === 'risk-rules') {
      this.#rules = undefined
      this.#colours.clear()
    } else if (notice.topic === 'risk-areas') {
      this.#areas = undefined
      this.#colours.clear()
    } else if (notice.topic === 'colours') {
      if (notice.subject === undefined) this.#colours.clear()
      else for (const id of notice.subject.split(',')) this.#colours.delete(id)
    }
  }

  async #reassessIn(
    tx: StoreTransaction,
    personId: string,
    rules: StoredRules,
    areas: readonly StoredRiskArea[],
  ): Promise<HealthAssessment> {
    const person = await tx.people.find(personId)
    if (!person) throw new DomainError('ERR_NOT_FOUND', `no person ${personId}`)
    // The person's region's rules, else the nearest ancestor's.
    const ruleset = rulesIn(rules, person.issuerId)
    const now = this.clock()
    const inputs = await this.#inputs(tx, person, areas, now)
    const assessment = assessHealthCode(inputs, ruleset, now)
    this.#colours.delete(personId)
    const previous = await tx.health.healthCode(personId)
    await tx.health.saveHealthCode({
      personId,
      assessment,
      district: person.district,
      subject: previous?.subject ?? randomBytes(16).toString('base64url'),
    })
    const before = previous?.assessment.colour
    if (before !== assessment.colour) {
      const day = now.toISOString().slice(0, 10)
      const district = person.district ?? 'unknown'
      await tx.counters.add([
        { day, district, metric: `codes.${assessment.colour}`, by: 1 },
        ...(before === undefined ? [] : [{ day, district, metric: `codes.${before}`, by: -1 }]),
      ])
      if (before !== undefined) {
        await tx.tracing.notify({
          personId,
          kind: 'colour-change',
          data: {
            from: before,
            to: assessment.colour,
            greenOn: assessment.greenOn ?? null,
            reasons: assessment.reasons.map((reason) => reason.ruleId),
          },
          createdAt: now.toISOString(),
        })
      }
    }
    return assessment
  }

  async #inputs(
    tx: StoreTransaction,
    person: Person,
    areas: readonly StoredRiskArea[],
    now: Date,
  ): Promise<HealthInputs> {
    const since = new Date(now.getTime() - LOOKBACK_DAYS * DAY).toISOString()
    const [declarations, records, exposures, confirmed] = await Promise.all([
      tx.health.declarations(person.id, since),
      tx.records.listForPerson(person.id),
      tx.tracing.exposuresOf(person.id, since),
      tx.tracing.caseOf(person.id),
    ])
    return {
      declarations: declarations.map((d): Declaration => ({
        declaredAt: d.declaredAt,
        symptoms: d.symptoms,
        visits: d.visits,
        confirmedCaseContact: d.confirmedCaseContact,
      })),
      riskAreas: areas.map((area) => ({
        areaCode: area.areaCode,
        level: area.level,
        from: area.from,
        until: area.until,
      })),
      tests: records.flatMap((record) =>
        record.kind === 'test'
          ? [
              {
                // Read by the engine, which names a date it cannot read (ERR_HEALTH_INPUT).
                sampledAt: record.data.sampledAt,
                result:
                  record.data.result === '260373001'
                    ? ('positive' as const)
                    : ('negative' as const),
                method:
                  record.data.testType === 'LP6464-4' ? ('pcr' as const) : ('antigen' as const),
              },
            ]
          : [],
      ),
      recoveries: records.flatMap((record) =>
        record.kind === 'recovery'
          ? [{ firstPositive: record.data.firstPositive, validUntil: record.data.validUntil }]
          : [],
      ),
      exposures: exposures.map((exposure) => ({ kind: exposure.kind, at: exposure.at })),
      confirmedCaseAt: confirmed?.source === 'authority' ? confirmed.confirmedAt : undefined,
    }
  }

  /**
   * The risk areas in force that the engine can evaluate. An area stored with a date that is not a
   * date, out of bounds or out of order would fail everyone's colour: it is left out and reported.
   */
  async #riskAreas(): Promise<StoredRiskArea[]> {
    const now = this.clock().getTime()
    if (this.#areas && this.#areas.until > now) return this.#areas.areas
    const { stored, root } = await this.store.transaction(async (tx) => ({
      stored: await tx.health.riskAreas({ includeSuperseded: false }),
      root: await rootIssuer(tx),
    }))
    const areas: StoredRiskArea[] = []
    for (const area of stored) {
      const problem = riskAreaProblem(area, this.clock())
      if (problem === undefined) areas.push(area)
      else {
        // A risk area of no issuer (a deployment without issuers) is the root's to see.
        const issuerId = area.issuerId ?? root
        await this.#report({ kind: 'risk-area', id: area.id, issuerId, ...problem })
      }
    }
    this.#areas = { areas, until: now + CACHE_MS }
    return areas
  }

  async #reportPerson(personId: string, error: unknown): Promise<void> {
    if (!(error instanceof HealthCodeError) || error.code === 'ERR_RULESET') return
    const person = await this.store.transaction((tx) => tx.people.find(personId))
    await this.#report({
      kind: 'person',
      id: personId,
      issuerId: person?.issuerId,
      field: 'path' in error && typeof error.path === 'string' ? error.path : undefined,
      message: error.message,
    })
  }

  /** Keeps a problem for the authority and audits it, once per item and message. */
  async #report(problem: Omit<InputProblem, 'since'>): Promise<void> {
    const key = `${problem.kind}\u0000${problem.id}\u0000${problem.message}`
    if (this.#problems.has(key)) return
    const since = this.clock().toISOString()
    if (this.#problems.size >= 10_000) this.#problems.clear()
    this.#problems.set(key, { ...problem, since })
    await this.store.transaction((tx) =>
      tx.audit.append(
        {
          actorAccountId: undefined,
          action: 'health.input-problem',
          entityType: problem.kind === 'risk-area' ? 'risk_area' : 'person',
          entityId: problem.id,
          reason: problem.message,
          data: { field: problem.field ?? null },
        },
        since,
      ),
    )
  }

  async #requireSelfOrStaff(tx: StoreTransaction, actor: Actor, personId: string): Promise<void> {
    const person = await tx.people.find(personId)
    if (!person) throw new DomainError('ERR_NOT_FOUND', `no person ${personId}`)
    await requireHolderOrStaff(tx, actor, person)
  }

  async #requireAuthority(actor: Actor): Promise<void> {
    await this.store.transaction((tx) =>
      authorize(tx, actor, 'update', { kind: 'risk_areas', issuerId: actor.issuerId }),
    )
  }

  /** The issuer tree and each issuer's newest rules, cached briefly (dropped on a change). */
  async #storedRules(): Promise<StoredRules> {
    const now = this.clock().getTime()
    if (this.#rules && this.#rules.until > now) return this.#rules
    const { tree, latest } = await this.store.transaction(async (tx) => ({
      tree: await issuerTree(tx),
      latest: await tx.health.latestRuleSets(),
    }))
    const newest = Math.max(defaultRuleSet.version, ...latest.map((set) => set.version))
    this.#rules = { tree, latest, newest, until: now + CACHE_MS }
    return this.#rules
  }
}

/** Each issuer's newest risk rules, with the tree to find a region's nearest ancestor. */
interface StoredRules {
  readonly tree: IssuerTree
  readonly latest: readonly StoredRuleSet[]
  /** The highest version stored anywhere (a recomputation stops when a newer one appears). */
  readonly newest: number
  readonly until: number
}

/** The rules in force in an issuer: its own newest, else the nearest ancestor's, else default. */
function rulesIn(rules: StoredRules, issuerId: string | undefined): RuleSet {
  const root = rules.tree.roots()[0]
  const lineage = rules.tree.lineage(issuerId ?? root ?? '')
  for (const owner of lineage) {
    const own = rules.latest.find((set) => set.issuerId === owner)
    if (own) return { version: own.version, rules: own.rules }
  }
  // Rules stored by a deployment without issuers belong to everyone.
  const unowned = rules.latest.find((set) => set.issuerId === undefined)
  return unowned ? { version: unowned.version, rules: unowned.rules } : defaultRuleSet
}

/** What makes a stored risk area unreadable for the engine, or `undefined` when nothing does. */
function riskAreaProblem(
  area: StoredRiskArea,
  now: Date,
): { field: string; message: string } | undefined {
  const from = checkDate(area.from, 'planned', now)
  if (from) return { field: 'from', message: `risk area ${area.areaCode}: from: ${from}` }
  if (area.until === undefined) return undefined
  const until = checkDate(area.until, 'planned', now) ?? checkOrdered(area.from, area.until)
  return until
    ? { field: 'until', message: `risk area ${area.areaCode}: until: ${until}` }
    : undefined
}

function isDay(text: string): boolean {
  return /^\d{4}-\d{2}-\d{2}$/.test(text) && !Number.isNaN(Date.parse(`${text}T00:00:00Z`))
}

/**
 * Checks a declaration: a body temperature a living person can have, stays that are over (not in
 * the future) and at most 60 days back, and area codes in their form.
 *
 * @throws {DomainError} `ERR_INVALID_FIELD` naming the field.
 */
export function validateDeclaration(input: DeclarationInput, now: Date): void {
  const t = input.symptoms.temperatureC
  if (t !== undefined && !(t >= 34 && t <= 43)) {
    throw new DomainError(
      'ERR_INVALID_FIELD',
      `expected a body temperature from 34 to 43 °C, but found ${t}`,
      'symptoms.temperatureC',
    )
  }
  const today = now.toISOString().slice(0, 10)
  const earliest = new Date(now.getTime() - 60 * DAY).toISOString().slice(0, 10)
  input.visits.forEach((visit, i) => {
    const field = (name: string) => `visits[${i}].${name}`
    if (!/^[A-Z0-9-]{2,40}$/.test(visit.areaCode)) {
      throw new DomainError(
        'ERR_INVALID_FIELD',
        'expected an area code such as CN-SH-PD',
        field('areaCode'),
      )
    }
    for (const name of ['from', 'until'] as const) {
      if (!isDay(visit[name]))
        throw new DomainError('ERR_INVALID_FIELD', 'expected YYYY-MM-DD', field(name))
      if (visit[name] > today) {
        throw new DomainError(
          'ERR_INVALID_FIELD',
          `a stay cannot be in the future (today is ${today})`,
          field(name),
        )
      }
      if (visit[name] < earliest) {
        throw new DomainError(
          'ERR_INVALID_FIELD',
          'declare stays of the last 60 days only',
          field(name),
        )
      }
    }
    if (visit.until < visit.from) {
      throw new DomainError(
        'ERR_INVALID_FIELD',
        'a stay ends on or after the day it begins',
        field('until'),
      )
    }
  })
}
