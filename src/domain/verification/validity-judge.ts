import type { Hc1Verification, JsonValue } from '../../codec/hc1/index.js'
import { DomainError } from '../errors.js'
import {
  type FailureDescription,
  type RuleVerdict,
  describeFailures,
  evaluateRules,
  valueSetsForRules,
} from '../validity-rules/index.js'
import type { ValidityRuleSetService } from '../validity-rules/validity-rule-set-service.js'

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

/**
 * Judges certificates whose signature verified under a validity rule set (EU CertLogic): whether
 * the certificate admits its holder, with the failed rules described in the reader's language.
 * The rule sets, each region's own version, come from `ValidityRuleSetService`.
 */
export class ValidityJudge {
  readonly #valueSets = valueSetsForRules()

  constructor(
    private readonly ruleSets: ValidityRuleSetService,
    /** The country a rule set without Acceptance rules answers for. */
    private readonly country: string,
  ) {}

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
    const ruleSet = await this.ruleSets.find(options.ruleSetId, options.issuerId)
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
}
