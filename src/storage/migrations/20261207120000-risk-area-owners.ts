import { type Kysely, type Migration, sql } from 'kysely'

/**
 * Risk areas belong to a region: `risk_areas.issuer_id` names the issuer whose authority declared
 * the area, and only staff over that issuer list, change or withdraw it (the health-code engine
 * still counts a stay in any region's risk area). Existing versions are given, in this order: the
 * one issuer that defined a district with the area's code; else the issuer of the account that
 * declared the area; else the root (federal) issuer.
 */
export function riskAreaOwnersMigration(): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .alterTable('risk_areas')
        .addColumn('issuer_id', 'text', (c) => c.references('issuers.id'))
        .execute()
      await sql`
        update risk_areas set issuer_id = (
          select case when count(distinct d.issuer_id) = 1 then min(d.issuer_id) end
          from districts d where d.code = risk_areas.area_code
        )
      `.execute(db)
      await sql`
        update risk_areas set issuer_id = (
          select a.issuer_id from accounts a where a.id = risk_areas.created_by
        )
        where issuer_id is null
      `.execute(db)
      await sql`
        update risk_areas set issuer_id = (
          select id from issuers where parent_id is null order by id limit 1
        )
        where issuer_id is null
      `.execute(db)
      await db.schema
        .createIndex('risk_areas_issuer_idx')
        .on('risk_areas')
        .columns(['issuer_id', 'area_code'])
        .execute()
    },
  }
}
