import type { Hc1Verification, JsonValue } from '../../codec/hc1/index.js'
import type { Actor } from '../access/actor.js'
import type { Clock } from '../clock.js'
import { DomainError } from '../errors.js'
import type { Store } from '../ports.js'
import type { IssuerTree } from '../policy/issuer-tree.js'
import { authorize, issuerTree } from '../policy/policy.js'
import {
  type FailureDescription,
  type RuleSet,
  type RuleVerdict,
  ValidityRuleError,
  defaultRuleSets,
  describeFailures,
  evaluateRules,
  readRuleFile,
  valueSetsForRules,
} from '../validity-rules/index.js'

/** What rules read of a certificate. */
export interface CertificateForRules {
  readonly payloadType: 'eu-dcc' | 'healthcode-antibody'
  readonly payload: JsonValue
  readonly issuedAt?: string | undefined
  readonly expiresAt?: string | undefined
  readonly issuer?: string | undefined
  readonly kid?: string | undefined
}

/** A verdict with its failed rules described in the reader's language. */
export interface EntryRulesAnswer {
  readonly ruleSet: { readonly id: string; readonly version: number }
  readonly allowed: boolean
  readonly certificateType: string | undefined
  readonly failed: readonly FailureDescription[]
  readonly reason: RuleVerdict['reason']
}

const CACHE_MS = 30_000

/**
 * Validity rule sets: EU CertLogic rules that say whether a certificate with a valid signature
 * admits its holder. The defaults (`ru-default`, `eu-travel`) ship as data; the health authority
 * imports new versions in the EU rule JSON format, checked at import (a rule with invalid logic is
 * refused then, never at verify time).
 */
export class ValidityService {
  #stored:
    | { tree: IssuerTree; sets: Map<string | undefined, Map<string, RuleSet>>; until: number }
    | undefined
  readonly #valueSets = valueSetsForRules()

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly country: string,
  ) {}

  /**
   * Every rule set as it applies in an issuer's region (the root's by default): for each set, the
   * issuer's own newest version, else the nearest ancestor's, else the shipped default.
   */
  async ruleSets(issuerId?: string): Promise<RuleSet[]> {
    const { tree, sets } = await this.#storedSets()
    const all = new Map<string, RuleSet>(Object.entries(defaultRuleSets))
    // Sets stored before issuers owned them (no issuer) count as the root's.
    const owners = [...tree.lineage(issuerId ?? tree.roots()[0] ?? ''), undefined]
    for (const owner of owners.reverse()) {
      for (const [id, set] of sets.get(owner) ?? []) all.set(id, set)
    }
    return [...all.values()].sort((a, b) => a.id.localeCompare(b.id))
  }

  /** One rule set as it applies in an issuer's region (see {@link ruleSets}). */
  async ruleSet(id: string, issuerId?: string): Promise<RuleSet | undefined> {
    return (await this.ruleSets(issuerId)).find((set) => set.id === id)
  }

  /**
   * The authority imports a rule file (EU format) as the next version of a rule set.
   *
   * @throws {DomainError} `ERR_FORBIDDEN`; `ERR_INVALID_FIELD` naming the rule and its field.
   */
  async import(
    actor: Actor,
    id: string,
    json: unknown,
    note: string | undefined,
    issuerId?: string,
  ): Promise<RuleSet> {
    const owner = issuerId ?? actor.issuerId
    await this.store.transaction((tx) =>
      authorize(tx, actor, 'update', { kind: 'validity_rules', id, issuerId: owner }),
    )
    if (!/^[a-z0-9][a-z0-9-]{1,39}$/.test(id)) {
      throw new DomainError('ERR_INVALID_FIELD', 'expected a kebab-case rule set id', 'id')
    }
    let rules
    try {
      rules = readRuleFile(json)
    } catch (error) {
      if (error instanceof ValidityRuleError) {
        throw new DomainError(
          'ERR_INVALID_FIELD',
          `rule ${error.identifier ?? '(unnamed)'}: ${error.message}`,
          `rules${error.identifier ? `[${error.identifier}]` : ''}${error.field ? `.${error.field}` : ''}`,
        )
      }
      throw error
    }
    if (rules.length === 0) {
      throw new DomainError(
        'ERR_EMPTY_RULE_SET',
        'a rule set without rules would judge every certificate alike: import at least one rule',
        'rules',
      )
    }
    // Versions of a set are numbered across issuers (the key is the set's id and version).
    const { sets } = await this.#storedSets()
    const versions = [...sets.values()].map((own) => own.get(id)?.version ?? 0)
    const version =
      Math.max(
        (defaultRuleSets as Readonly<Record<string, RuleSet | undefined>>)[id]?.version ?? 0,
        ...versions,
      ) + 1
    const at = this.clock().toISOString()
    await this.store.transaction(async (tx) => {
      await authorize(tx, actor, 'update', { kind: 'validity_rules', id, issuerId: owner })
      await tx.interop.addValidityRuleSet({
        issuerId: owner,
        id,
        version,
        rules: json,
        note,
        createdBy: actor.accountId,
        createdAt: at,
      })
      await tx.audit.append(
        {
          actorAccountId: actor.accountId,
          issuerId: owner,
          action: 'validity-rules.import',
          entityType: 'validity_ruleset',
          entityId: `${id}@${version}`,
          reason: note,
          data: { rules: rules.map((rule) => `${rule.identifier}@${rule.version}`) },
        },
        at,
      )
    })
    this.#stored = undefined
    return { id, version, rules }
  }

  /**
   * Judges a verified certificate (EU DCC or our antibody certificate) under a rule set; undefined
   * for codes rules do not apply to (a dynamic health code) or an invalid verification.
   *
   * @throws {DomainError} `ERR_NOT_FOUND` for an unknown rule set.
   */
  async judge(
    verification: Hc1Verification,
    options: { ruleSetId: string; at: Date; language: string; region?: string | undefined },
  ): Promise<EntryRulesAnswer | undefined> {
    if (!verification.valid) return undefined
    const certificate = verification.certificate
    if (certificate.payloadType === 'healthcode-status') return undefined
    return this.judgeCertificate(
      {
        payloadType: certificate.payloadType,
        payload:
          certificate.payloadType === 'healthcode-antibody'
            ? certificate.antibody
            : certificate.dcc,
        issuedAt: certificate.issuedAt,
        expiresAt: certificate.expiresAt,
        issuer: certificate.issuer,
        kid: certificate.kid,
      },
      options,
    )
  }

  /**
   * Judges a certificate's payload (an EU DCC, our antibody payload, or a card from elsewhere
   * mapped to a DCC) under a rule set.
   *
   * @throws {DomainError} `ERR_NOT_FOUND` for an unknown rule set.
   */
  async judgeCertificate(
    certificate: CertificateForRules,
    options: {
      ruleSetId: string
      at: Date
      language: string
      region?: string | undefined
      /** The issuer whose version of the set applies (a venue's region); the root's by default. */
      issuerId?: string | undefined
    },
  ): Promise<EntryRulesAnswer> {
    const ruleSet = await this.ruleSet(options.ruleSetId, options.issuerId)
    if (!ruleSet) {
      throw new DomainError('ERR_NOT_FOUND', `no validity rule set ${options.ruleSetId}`, 'ruleSet')
    }
    const verdict = evaluateRules(ruleSet, {
      payloadType: certificate.payloadType,
      payload: certificate.payload,
      issuedAt: certificate.issuedAt,
      expiresAt: certificate.expiresAt,
      issuerCountry: certificate.issuer,
      kid: certificate.kid,
      at: options.at,
      // A rule set answers for the country its rules are published by.
      countryCode:
        ruleSet.rules.find((rule) => rule.type === 'Acceptance')?.country ?? this.country,
      region: options.region,
      valueSets: this.#valueSets,
    })
    return {
      ruleSet: verdict.ruleSet,
      allowed: verdict.allowed,
      certificateType: verdict.certificateType,
      failed: describeFailures(verdict, options.language),
      reason: verdict.reason,
    }
  }

  async #storedSets(): Promise<{
    tree: IssuerTree
    sets: Map<string | undefined, Map<string, RuleSet>>
  }> {
    const now = this.clock().getTime()
    if (this.#stored && this.#stored.until > now) return this.#stored
    const { tree, rows } = await this.store.transaction(async (tx) => ({
      tree: await issuerTree(tx),
      rows: await tx.interop.latestValidityRuleSets(),
    }))
    const sets = new Map<string | undefined, Map<string, RuleSet>>()
    for (const row of rows) {
      // Stored rules were checked at import; a rule this version of the code cannot read any more
      // leaves its set out rather than failing every verification.
      try {
        const own = sets.get(row.issuerId) ?? new Map<string, RuleSet>()
        own.set(row.id, { id: row.id, version: row.version, rules: readRuleFile(row.rules) })
        sets.set(row.issuerId, own)
      } catch {
        continue
      }
    }
    this.#stored = { tree, sets, until: now + CACHE_MS }
    return this.#stored
  }
}
