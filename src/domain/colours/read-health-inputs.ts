import type { Declaration, HealthInputs } from '../health-code/index.js'
import type { Person } from '../people/person.js'
import type { StoreTransaction } from '../ports.js'
import type { StoredRiskArea } from '../risk-areas/stored-risk-area.js'

const DAY = 86_400_000
/** Declarations and exposures older than this do not affect the colour. */
const LOOKBACK_DAYS = 30

/** The earliest moment that still counts for a colour at `now` (declarations, exposures). */
export function lookbackStart(now: Date): string {
  return new Date(now.getTime() - LOOKBACK_DAYS * DAY).toISOString()
}

/**
 * What the engine reads of a person at `now`: their declarations and exposures of the last 30
 * days, their test and recovery records, whether the authority confirmed them a case, and the risk
 * areas in force. Dates are passed on as stored: the engine names one it cannot read.
 */
export async function readHealthInputs(
  tx: StoreTransaction,
  person: Person,
  areas: readonly StoredRiskArea[],
  now: Date,
): Promise<HealthInputs> {
  const since = lookbackStart(now)
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
                record.data.result === '260373001' ? ('positive' as const) : ('negative' as const),
              method: record.data.testType === 'LP6464-4' ? ('pcr' as const) : ('antigen' as const),
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
