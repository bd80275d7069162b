import type { Kysely, Migration } from 'kysely'

/**
 * The authority's dashboard counts the people registered in its districts and their current codes
 * by colour: an index on the people's district, issuer and id, and one on the codes' district,
 * colour and person, so that each count reads only an index range per district (no table rows),
 * and a region's people without a district are matched to their codes within the indexes too.
 */
export function districtCountsMigration(): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createIndex('people_district_idx')
        .on('people')
        .columns(['district', 'issuer_id', 'id'])
        .execute()
      await db.schema
        .createIndex('health_codes_district_idx')
        .on('health_codes')
        .columns(['district', 'colour', 'person_id'])
        .execute()
    },
  }
}
