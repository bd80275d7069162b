import type { Migration, MigrationProvider } from 'kysely'
import type { StorageDialect } from '../dialects/storage-dialect.js'
import { initialMigration } from './20261123102500-initial.js'
import { registerRecordsMigration } from './20261123110500-register-records.js'
import { certificatesMigration } from './20261123130000-certificates.js'
import { healthCodesMigration } from './20261123140000-health-codes.js'
import { interoperabilityMigration } from './20261123150000-interoperability.js'
import { counterIndexMigration } from './20261123160000-counter-index.js'
import { issuerOwnersMigration } from './20261206100000-issuer-owners.js'
import { limitsAndClaimCodesMigration } from './20261206110000-limits-and-claim-codes.js'
import { gatewayFormatsMigration } from './20261206120000-gateway-formats.js'
import { twoSignersMigration } from './20261206120000-two-signers.js'
import { timePartitionsMigration } from './20261206200000-time-partitions.js'
import { domainEventsMigration } from './20261206230000-domain-events.js'
import { caseClosingMigration } from './20261207090000-case-closing.js'
import { districtsMigration } from './20261207091000-districts.js'
import { districtCountsMigration } from './20261207100000-district-counts.js'
import { tracingWorkMigration } from './20261207110000-tracing-work.js'
import { districtCountersMigration } from './20261207110500-district-counters.js'
import { riskAreaOwnersMigration } from './20261207120000-risk-area-owners.js'
import { countersByDistrictMigration } from './20261207130000-counters-by-district.js'
import { checkinIdsMigration } from './20261207140000-checkin-ids.js'
import { exposuresByCaseMigration } from './20261207150000-exposures-by-case.js'
import { closeContactsToldMigration } from './20261207220000-close-contacts-told.js'

/**
 * Every migration, by name, in a static list: no directory is scanned, so the same list works from
 * `src/` under tsx and from the compiled `dist/`. Add each new migration here; names are
 * `YYYYMMDDHHMMSS-<what>` and run in name order.
 */
export function migrationProvider(dialect: StorageDialect): MigrationProvider {
  return {
    getMigrations: async (): Promise<Record<string, Migration>> => ({
      '20261123102500-initial': initialMigration(dialect),
      '20261123110500-register-records': registerRecordsMigration(),
      '20261123130000-certificates': certificatesMigration(dialect),
      '20261123140000-health-codes': healthCodesMigration(),
      '20261123150000-interoperability': interoperabilityMigration(),
      '20261123160000-counter-index': counterIndexMigration(),
      '20261206100000-issuer-owners': issuerOwnersMigration(),
      '20261206110000-limits-and-claim-codes': limitsAndClaimCodesMigration(),
      '20261206120000-gateway-formats': gatewayFormatsMigration(),
      '20261206120000-two-signers': twoSignersMigration(),
      '20261206200000-time-partitions': timePartitionsMigration(dialect),
      '20261206230000-domain-events': domainEventsMigration(),
      '20261207090000-case-closing': caseClosingMigration(),
      '20261207091000-districts': districtsMigration(),
      '20261207100000-district-counts': districtCountsMigration(),
      '20261207110000-tracing-work': tracingWorkMigration(),
      '20261207110500-district-counters': districtCountersMigration(),
      '20261207120000-risk-area-owners': riskAreaOwnersMigration(),
      '20261207130000-counters-by-district': countersByDistrictMigration(),
      '20261207140000-checkin-ids': checkinIdsMigration(dialect),
      '20261207150000-exposures-by-case': exposuresByCaseMigration(),
      '20261207220000-close-contacts-told': closeContactsToldMigration(),
    }),
  }
}
