import { randomUUID } from 'node:crypto'
import type { Updateable } from 'kysely'
import type { IdentityDocument, NewPerson, Person } from '../domain/people/person.js'
import type { PersonRepository } from '../domain/ports.js'
import { addDistrictCounters, colourMetric } from './district-counters.js'
import {
  type RepositoryContext,
  findRowBy,
  optional,
  withConstraintErrors,
} from './repository-context.js'
import type { PersonRow, PersonTable } from './schema.js'

/** Maps a row of `people` to a {@link Person}. */
export function personRowToPerson(row: PersonRow): Person {
  return {
    id: row.id,
    issuerId: row.issuer_id,
    familyName: row.family_name,
    givenName: row.given_name,
    familyNameIcao: row.family_name_icao,
    givenNameIcao: row.given_name_icao,
    birthDate: row.birth_date,
    residency: row.residency,
    document: {
      type: row.document_type,
      number: row.document_number,
      country: row.document_country,
    },
    phone: optional(row.phone),
    email: optional(row.email),
    language: row.language,
    ...(row.district === null ? {} : { district: row.district }),
    accountId: optional(row.account_id),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  }
}

/** The columns a change to a person sets; see {@link KyselyPersonRepository.update}. */
function personChangesToColumns(
  changes: Partial<Omit<NewPerson, 'issuerId'>>,
): Updateable<PersonTable> {
  const columns: Updateable<PersonTable> = {}
  if (changes.familyName !== undefined) columns.family_name = changes.familyName
  if (changes.givenName !== undefined) columns.given_name = changes.givenName
  if (changes.familyNameIcao !== undefined) columns.family_name_icao = changes.familyNameIcao
  if (changes.givenNameIcao !== undefined) columns.given_name_icao = changes.givenNameIcao
  if (changes.birthDate !== undefined) columns.birth_date = changes.birthDate
  if (changes.residency !== undefined) columns.residency = changes.residency
  if (changes.language !== undefined) columns.language = changes.language
  if (changes.document !== undefined) {
    columns.document_type = changes.document.type
    columns.document_number = changes.document.number
    columns.document_country = changes.document.country
  }
  // Phone and e-mail are the only optional fields: present as undefined means "none".
  if ('phone' in changes) columns.phone = changes.phone ?? null
  if ('email' in changes) columns.email = changes.email ?? null
  if ('district' in changes) columns.district = changes.district ?? null
  return columns
}

/** People in the `people` table. */
export class KyselyPersonRepository implements PersonRepository {
  constructor(private readonly context: RepositoryContext) {}

  /**
   * Stores a new person with a fresh id, created and updated now.
   *
   * @throws {StorageError} `ERR_STORAGE_UNIQUE` when a person with the same identity document
   *   exists; `ERR_STORAGE_FOREIGN_KEY` when the issuer is unknown.
   */
  async create(person: NewPerson): Promise<Person> {
    const now = this.context.clock().toISOString()
    const row: PersonRow = {
      id: randomUUID(),
      issuer_id: person.issuerId,
      family_name: person.familyName,
      given_name: person.givenName,
      family_name_icao: person.familyNameIcao,
      given_name_icao: person.givenNameIcao,
      birth_date: person.birthDate,
      residency: person.residency,
      document_type: person.document.type,
      document_number: person.document.number,
      document_country: person.document.country,
      phone: person.phone ?? null,
      email: person.email ?? null,
      language: person.language,
      district: person.district ?? null,
      account_id: null,
      created_at: now,
      updated_at: now,
    }
    await withConstraintErrors(
      this.context,
      this.context.db.insertInto('people').values(row).execute(),
    )
    await addDistrictCounters(this.context.db, [
      { issuerId: row.issuer_id, district: row.district, metric: 'people', by: 1 },
    ])
    return personRowToPerson(row)
  }

  async find(id: string): Promise<Person | undefined> {
    const row = await findRowBy(this.context, 'people', 'id', id)
    return row && personRowToPerson(row)
  }

  /** The districts where the issuers' people live, from the per-district counters. */
  async districtsOf(issuerIds: readonly string[]): Promise<string[]> {
    if (issuerIds.length === 0) return []
    const rows = await this.context.db
      .selectFrom('district_counters')
      .select('district')
      .distinct()
      .where('issuer_id', 'in', [...issuerIds])
      .where('metric', '=', 'people')
      .where('district', '<>', '')
      .where('value', '>', 0)
      .execute()
    return rows.map((row) => row.district)
  }

  /** People by district (`unknown` for those without one), from the per-district counters. */
  async countByDistrict(
    districts?: readonly string[],
  ): Promise<{ district: string; count: number }[]> {
    if (districts?.length === 0) return []
    let query = this.context.db
      .selectFrom('district_counters')
      .select((eb) => ['district', eb.fn.sum<number | string>('value').as('count')])
      .where('metric', '=', 'people')
      .groupBy('district')
    if (districts) query = query.where('district', 'in', [...districts])
    const rows = await query.execute()
    return rows.flatMap((row) =>
      Number(row.count) === 0
        ? []
        : [{ district: row.district === '' ? 'unknown' : row.district, count: Number(row.count) }],
    )
  }

  /** The issuers' people without a district and their codes by colour, from the counters. */
  async countWithoutDistrict(
    issuerIds: readonly string[],
  ): Promise<{ registered: number; colours: { colour: string; count: number }[] }> {
    if (issuerIds.length === 0) return { registered: 0, colours: [] }
    const rows = await this.context.db
      .selectFrom('district_counters')
      .select((eb) => ['metric', eb.fn.sum<number | string>('value').as('count')])
      .where('district', '=', '')
      .where('issuer_id', 'in', [...issuerIds])
      .groupBy('metric')
      .execute()
    let registered = 0
    const colours: { colour: string; count: number }[] = []
    for (const row of rows) {
      const count = Number(row.count)
      if (row.metric === 'people') registered = count
      else if (row.metric.startsWith('codes.') && count !== 0) {
        colours.push({ colour: row.metric.slice(6), count })
      }
    }
    return { registered, colours }
  }

  /** The person registered with this identity document (type, number and country all match). */
  async findByDocument(document: IdentityDocument): Promise<Person | undefined> {
    const row = await this.context.db
      .selectFrom('people')
      .selectAll()
      .where('document_type', '=', document.type)
      .where('document_number', '=', document.number)
      .where('document_country', '=', document.country)
      .executeTakeFirst()
    return row && personRowToPerson(row)
  }

  /** People of one issuer, newest first (ties broken by id, so that pages do not overlap). */
  async list(issuerId: string, page: { limit: number; offset: number }): Promise<Person[]> {
    const rows = await this.context.db
      .selectFrom('people')
      .selectAll()
      .where('issuer_id', '=', issuerId)
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(page.limit)
      .offset(page.offset)
      .execute()
    return rows.map(personRowToPerson)
  }

  /**
   * Changes the given fields and sets `updatedAt` to now. A key left out keeps its value; `phone`
   * or `email` given as `undefined` clears it.
   *
   * @throws {StorageError} `ERR_STORAGE_UNIQUE` when the new document is another person's.
   */
  async update(
    id: string,
    changes: Partial<Omit<NewPerson, 'issuerId'>>,
  ): Promise<Person | undefined> {
    // A move counts the person, and their stored code, in the new district instead of the old.
    const before =
      'district' in changes
        ? await this.context.db
            .selectFrom('people')
            .leftJoin('health_codes', 'health_codes.person_id', 'people.id')
            .select(['people.issuer_id', 'people.district', 'health_codes.colour'])
            .where('people.id', '=', id)
            .$if(this.context.dialect.rowLocks, (query) => query.forUpdate('people'))
            .executeTakeFirst()
        : undefined
    const row = await withConstraintErrors(
      this.context,
      this.context.db
        .updateTable('people')
        .set({ ...personChangesToColumns(changes), updated_at: this.context.clock().toISOString() })
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirst(),
    )
    // A stored code is counted in its holder's district: it moves with them.
    if (row && 'district' in changes) {
      await this.context.db
        .updateTable('health_codes')
        .set({ district: row.district })
        .where('person_id', '=', id)
        .execute()
    }
    if (row && before && before.district !== row.district) {
      const colour = colourMetric(before.colour)
      const metrics = colour === undefined ? ['people'] : ['people', colour]
      await addDistrictCounters(
        this.context.db,
        metrics.flatMap((metric) => [
          { issuerId: row.issuer_id, district: before.district, metric, by: -1 },
          { issuerId: row.issuer_id, district: row.district, metric, by: 1 },
        ]),
      )
    }
    return row && personRowToPerson(row)
  }

  /**
   * Links the person to the account that claimed it.
   *
   * @throws {StorageError} `ERR_STORAGE_FOREIGN_KEY` when the account is unknown.
   */
  async setAccount(id: string, accountId: string): Promise<void> {
    await withConstraintErrors(
      this.context,
      this.context.db
        .updateTable('people')
        .set({ account_id: accountId, updated_at: this.context.clock().toISOString() })
        .where('id', '=', id)
        .execute(),
    )
  }
}
