import { randomUUID } from 'node:crypto'
import type { HealthAssessment } from '../domain/health-code/index.js'
import type { StoredHealthCode } from '../domain/colours/stored-health-code.js'
import type { StoredDeclaration } from '../domain/declarations/stored-declaration.js'
import type { StoredRiskArea } from '../domain/risk-areas/stored-risk-area.js'
import type { StoredRuleSet } from '../domain/risk-rules/stored-rule-set.js'
import type { District, HealthRepository } from '../domain/ports.js'
import { isoTimestamp } from './errors.js'
import { addDistrictCounters, colourMetric } from './district-counters.js'
import {
  type RepositoryContext,
  findRowBy,
  optional,
  withConstraintErrors,
} from './repository-context.js'
import type { DeclarationRow, HealthCodeRow, RiskAreaRow } from './schema.js'

function declarationRowToDeclaration(row: DeclarationRow): StoredDeclaration {
  return {
    id: row.id,
    personId: row.person_id,
    declaredAt: row.declared_at,
    symptoms: JSON.parse(row.symptoms),
    visits: JSON.parse(row.visits),
    confirmedCaseContact: row.confirmed_case_contact === 1,
    declaredBy: row.declared_by,
  }
}

function riskAreaRowToArea(row: RiskAreaRow): StoredRiskArea {
  return {
    id: row.id,
    issuerId: optional(row.issuer_id),
    areaCode: row.area_code,
    name: row.name,
    level: row.level,
    from: row.valid_from,
    until: optional(row.valid_until),
    createdBy: row.created_by,
    createdAt: row.created_at,
    supersededAt: optional(row.superseded_at),
    supersededBy: optional(row.superseded_by),
  }
}

function healthCodeRowToCode(row: HealthCodeRow): StoredHealthCode {
  const reasons = JSON.parse(row.reasons) as HealthAssessment['reasons']
  return {
    personId: row.person_id,
    assessment: {
      colour: row.colour,
      reasons,
      greenOn: optional(row.green_on),
      rulesetVersion: row.ruleset_version,
      evaluatedAt: row.assessed_at,
      reassessAt: optional(row.reassess_at),
    },
    district: optional(row.district),
    subject: row.subject,
  }
}

/** Declarations, risk areas, risk rules and each person's current code. */
export class KyselyHealthRepository implements HealthRepository {
  constructor(private readonly context: RepositoryContext) {}

  async addDeclaration(declaration: Omit<StoredDeclaration, 'id'>): Promise<StoredDeclaration> {
    const row: DeclarationRow = {
      id: randomUUID(),
      person_id: declaration.personId,
      declared_at: isoTimestamp(declaration.declaredAt),
      symptoms: JSON.stringify(declaration.symptoms),
      visits: JSON.stringify(declaration.visits),
      confirmed_case_contact: declaration.confirmedCaseContact ? 1 : 0,
      declared_by: declaration.declaredBy,
    }
    await withConstraintErrors(
      this.context,
      this.context.db.insertInto('declarations').values(row).execute(),
    )
    return declarationRowToDeclaration(row)
  }

  async declarations(personId: string, since: string): Promise<StoredDeclaration[]> {
    const rows = await this.context.db
      .selectFrom('declarations')
      .selectAll()
      .where('person_id', '=', personId)
      .where('declared_at', '>=', since)
      .orderBy('declared_at')
      .execute()
    return rows.map(declarationRowToDeclaration)
  }

  async peopleWhoVisited(areaCode: string, since: string): Promise<string[]> {
    // Visits are JSON text; the area code is matched as the exact JSON member it is written as.
    const needle = `%${JSON.stringify({ areaCode }).slice(1, -1)}%`
    const rows = await this.context.db
      .selectFrom('declarations')
      .select('person_id')
      .distinct()
      .where('declared_at', '>=', since)
      .where('visits', 'like', needle)
      .execute()
    return rows.map((row) => row.person_id)
  }

  async addRiskArea(
    area: Omit<StoredRiskArea, 'id' | 'supersededAt' | 'supersededBy'>,
  ): Promise<StoredRiskArea> {
    const row: RiskAreaRow = {
      id: randomUUID(),
      area_code: area.areaCode,
      name: area.name,
      level: area.level,
      valid_from: area.from,
      valid_until: area.until ?? null,
      created_by: area.createdBy,
      created_at: isoTimestamp(area.createdAt),
      superseded_at: null,
      superseded_by: null,
      issuer_id: area.issuerId ?? null,
    }
    await this.context.db.insertInto('risk_areas').values(row).execute()
    return riskAreaRowToArea(row)
  }

  async supersedeRiskArea(id: string, by: string | undefined, at: string): Promise<boolean> {
    const result = await this.context.db
      .updateTable('risk_areas')
      .set({ superseded_at: isoTimestamp(at), superseded_by: by ?? null })
      .where('id', '=', id)
      .where('superseded_at', 'is', null)
      .executeTakeFirst()
    return Number(result.numUpdatedRows) === 1
  }

  async findRiskArea(id: string): Promise<StoredRiskArea | undefined> {
    const row = await this.context.db
      .selectFrom('risk_areas')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst()
    return row && riskAreaRowToArea(row)
  }

  async riskAreas(options: {
    includeSuperseded: boolean
    areaCode?: string
    issuerIds?: readonly string[]
  }): Promise<StoredRiskArea[]> {
    if (options.issuerIds?.length === 0) return []
    let query = this.context.db.selectFrom('risk_areas').selectAll()
    if (!options.includeSuperseded) query = query.where('superseded_at', 'is', null)
    if (options.areaCode !== undefined) query = query.where('area_code', '=', options.areaCode)
    if (options.issuerIds !== undefined) {
      query = query.where('issuer_id', 'in', [...options.issuerIds])
    }
    const rows = await query.orderBy('area_code').orderBy('created_at').execute()
    return rows.map(riskAreaRowToArea)
  }

  async latestRuleSet(): Promise<StoredRuleSet | undefined> {
    const row = await this.context.db
      .selectFrom('risk_rulesets')
      .selectAll()
      .orderBy('version', 'desc')
      .limit(1)
      .executeTakeFirst()
    return (
      row && {
        version: row.version,
        rules: JSON.parse(row.rules),
        note: optional(row.note),
        createdBy: optional(row.created_by),
        createdAt: row.created_at,
        issuerId: optional(row.issuer_id),
      }
    )
  }

  async findRuleSet(version: number): Promise<StoredRuleSet | undefined> {
    const row = await this.context.db
      .selectFrom('risk_rulesets')
      .selectAll()
      .where('version', '=', version)
      .executeTakeFirst()
    return (
      row && {
        version: row.version,
        rules: JSON.parse(row.rules),
        note: optional(row.note),
        createdBy: optional(row.created_by),
        createdAt: row.created_at,
        issuerId: optional(row.issuer_id),
      }
    )
  }

  async ruleSetVersions(): Promise<Omit<StoredRuleSet, 'rules'>[]> {
    const rows = await this.context.db
      .selectFrom('risk_rulesets')
      .select(['version', 'note', 'created_by', 'created_at', 'issuer_id'])
      .orderBy('version', 'desc')
      .execute()
    return rows.map((row) => ({
      version: row.version,
      note: optional(row.note),
      createdBy: optional(row.created_by),
      createdAt: row.created_at,
      issuerId: optional(row.issuer_id),
    }))
  }

  /** The newest version each issuer stored (rows without an issuer count as one owner). */
  async latestRuleSets(): Promise<StoredRuleSet[]> {
    const rows = await this.context.db
      .selectFrom('risk_rulesets')
      .selectAll()
      .orderBy('version', 'desc')
      .execute()
    const latest = new Map<string | null, (typeof rows)[number]>()
    for (const row of rows) if (!latest.has(row.issuer_id)) latest.set(row.issuer_id, row)
    return [...latest.values()].map((row) => ({
      version: row.version,
      rules: JSON.parse(row.rules),
      note: optional(row.note),
      createdBy: optional(row.created_by),
      createdAt: row.created_at,
      issuerId: optional(row.issuer_id),
    }))
  }

  /** @throws {StorageError} `ERR_STORAGE_UNIQUE` when the version exists (a concurrent change). */
  async addRuleSet(ruleset: StoredRuleSet): Promise<void> {
    await withConstraintErrors(
      this.context,
      this.context.db
        .insertInto('risk_rulesets')
        .values({
          version: ruleset.version,
          rules: JSON.stringify(ruleset.rules),
          note: ruleset.note ?? null,
          created_by: ruleset.createdBy ?? null,
          created_at: isoTimestamp(ruleset.createdAt),
          issuer_id: ruleset.issuerId ?? null,
        })
        .execute(),
    )
  }

  async healthCode(personId: string): Promise<StoredHealthCode | undefined> {
    const row = await findRowBy(this.context, 'health_codes', 'person_id', personId)
    return row && healthCodeRowToCode(row)
  }

  async personOfSubject(subject: string): Promise<string | undefined> {
    const row = await this.context.db
      .selectFrom('health_codes')
      .select('person_id')
      .where('subject', '=', subject)
      .executeTakeFirst()
    return row?.person_id
  }

  async saveHealthCode(code: StoredHealthCode): Promise<void> {
    const values = {
      colour: code.assessment.colour,
      reasons: JSON.stringify(code.assessment.reasons),
      green_on: code.assessment.greenOn ?? null,
      reassess_at: code.assessment.reassessAt ?? null,
      ruleset_version: code.assessment.rulesetVersion,
      assessed_at: isoTimestamp(code.assessment.evaluatedAt),
      district: code.district ?? null,
    }
    // The holder's row, locked where writers run side by side, so that the colour read here is
    // the one this write replaces: the per-district counters move from it to the new colour.
    const holder = await this.context.db
      .selectFrom('people')
      .leftJoin('health_codes', 'health_codes.person_id', 'people.id')
      .select(['people.issuer_id', 'people.district', 'health_codes.colour'])
      .where('people.id', '=', code.personId)
      .$if(this.context.dialect.rowLocks, (query) => query.forUpdate('people'))
      .executeTakeFirst()
    await this.context.db
      .insertInto('health_codes')
      .values({ person_id: code.personId, subject: code.subject, ...values })
      .onConflict((conflict) => conflict.column('person_id').doUpdateSet(values))
      .execute()
    const before = colourMetric(holder?.colour)
    const after = colourMetric(values.colour)
    if (holder && before !== after) {
      const place = { issuerId: holder.issuer_id, district: holder.district }
      await addDistrictCounters(this.context.db, [
        ...(before ? [{ ...place, metric: before, by: -1 }] : []),
        ...(after ? [{ ...place, metric: after, by: 1 }] : []),
      ])
    }
  }

  async personIdsAfter(afterPersonId: string, limit: number): Promise<string[]> {
    const rows = await this.context.db
      .selectFrom('people')
      .select('id')
      .where('id', '>', afterPersonId)
      .orderBy('id')
      .limit(limit)
      .execute()
    return rows.map((row) => row.id)
  }

  async dueForReassessment(now: string, limit: number): Promise<string[]> {
    const rows = await this.context.db
      .selectFrom('health_codes')
      .select('person_id')
      .where('reassess_at', '<=', now)
      .orderBy('reassess_at')
      .limit(limit)
      .execute()
    return rows.map((row) => row.person_id)
  }

  /** Stored codes by colour and district (`unknown`: without one), from the counters. */
  async colourCounts(
    districts?: readonly string[],
  ): Promise<{ colour: string; district: string; count: number }[]> {
    if (districts?.length === 0) return []
    let query = this.context.db
      .selectFrom('district_counters')
      .select((eb) => ['metric', 'district', eb.fn.sum<number | string>('value').as('count')])
      .where('metric', 'in', ['codes.green', 'codes.yellow', 'codes.red'])
      .groupBy(['metric', 'district'])
    if (districts) query = query.where('district', 'in', [...districts])
    const rows = await query.execute()
    return rows.flatMap((row) =>
      Number(row.count) === 0
        ? []
        : [
            {
              colour: row.metric.slice(6),
              district: row.district === '' ? 'unknown' : row.district,
              count: Number(row.count),
            },
          ],
    )
  }

  async districts(issuerIds: readonly string[]): Promise<District[]> {
    if (issuerIds.length === 0) return []
    const rows = await this.context.db
      .selectFrom('districts')
      .select(['issuer_id', 'code', 'name'])
      .where('issuer_id', 'in', [...issuerIds])
      .orderBy('issuer_id')
      .orderBy('code')
      .execute()
    return rows.map((row) => ({ issuerId: row.issuer_id, code: row.code, name: row.name }))
  }

  async saveDistrict(
    district: District & { createdBy: string | undefined; createdAt: string },
  ): Promise<void> {
    await this.context.db
      .insertInto('districts')
      .values({
        issuer_id: district.issuerId,
        code: district.code,
        name: district.name,
        created_by: district.createdBy ?? null,
        created_at: isoTimestamp(district.createdAt),
      })
      .onConflict((conflict) =>
        conflict.columns(['issuer_id', 'code']).doUpdateSet({ name: district.name }),
      )
      .execute()
  }
}
