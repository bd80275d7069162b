import { randomUUID } from 'node:crypto'
import type { Company, CompanyMember } from '../domain/companies/company.js'
import type { CompanyRepository } from '../domain/ports.js'
import { isoTimestamp } from './errors.js'
import { type RepositoryContext, optional, withConstraintErrors } from './repository-context.js'
import type { CompanyMemberRow, CompanyRow } from './schema.js'

function companyRowToCompany(row: CompanyRow): Company {
  return { id: row.id, name: row.name, createdBy: row.created_by, createdAt: row.created_at }
}

function memberRowToMember(row: CompanyMemberRow): CompanyMember {
  return {
    id: row.id,
    companyId: row.company_id,
    role: row.role,
    accountId: optional(row.account_id),
    personId: optional(row.person_id),
    status: row.status,
    consent: row.consent === 1,
    invitedAt: row.invited_at,
    acceptedAt: optional(row.accepted_at),
  }
}

/** Companies and their members. */
export class KyselyCompanyRepository implements CompanyRepository {
  constructor(private readonly context: RepositoryContext) {}

  async create(company: Omit<Company, 'id'>): Promise<Company> {
    const row: CompanyRow = {
      id: randomUUID(),
      name: company.name,
      created_by: company.createdBy,
      created_at: isoTimestamp(company.createdAt),
    }
    await this.context.db.insertInto('companies').values(row).execute()
    return companyRowToCompany(row)
  }

  async find(id: string): Promise<Company | undefined> {
    const row = await this.context.db
      .selectFrom('companies')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst()
    return row && companyRowToCompany(row)
  }

  /** @throws {StorageError} `ERR_STORAGE_UNIQUE` for an invitation hash already used. */
  async addMember(
    member: Omit<CompanyMember, 'id'> & { inviteHash: string | undefined },
  ): Promise<CompanyMember> {
    const row: CompanyMemberRow = {
      id: randomUUID(),
      company_id: member.companyId,
      role: member.role,
      account_id: member.accountId ?? null,
      person_id: member.personId ?? null,
      status: member.status,
      invite_hash: member.inviteHash ?? null,
      consent: member.consent ? 1 : 0,
      invited_at: isoTimestamp(member.invitedAt),
      accepted_at: member.acceptedAt === undefined ? null : isoTimestamp(member.acceptedAt),
    }
    await withConstraintErrors(
      this.context,
      this.context.db.insertInto('company_members').values(row).execute(),
    )
    return memberRowToMember(row)
  }

  async findInvitation(inviteHash: string): Promise<CompanyMember | undefined> {
    const row = await this.context.db
      .selectFrom('company_members')
      .selectAll()
      .where('invite_hash', '=', inviteHash)
      .executeTakeFirst()
    return row && memberRowToMember(row)
  }

  async accept(
    memberId: string,
    change: { accountId: string; personId: string; consent: boolean; at: string },
  ): Promise<boolean> {
    const result = await this.context.db
      .updateTable('company_members')
      .set({
        account_id: change.accountId,
        person_id: change.personId,
        consent: change.consent ? 1 : 0,
        status: 'active',
        accepted_at: isoTimestamp(change.at),
        invite_hash: null,
      })
      .where('id', '=', memberId)
      .where('status', '=', 'invited')
      .executeTakeFirst()
    return Number(result.numUpdatedRows) === 1
  }

  async setConsent(memberId: string, consent: boolean): Promise<void> {
    await this.context.db
      .updateTable('company_members')
      .set({ consent: consent ? 1 : 0 })
      .where('id', '=', memberId)
      .execute()
  }

  async membershipsOf(accountId: string): Promise<CompanyMember[]> {
    const rows = await this.context.db
      .selectFrom('company_members')
      .selectAll()
      .where('account_id', '=', accountId)
      .where('status', '=', 'active')
      .execute()
    return rows.map(memberRowToMember)
  }

  async members(companyId: string): Promise<CompanyMember[]> {
    const rows = await this.context.db
      .selectFrom('company_members')
      .selectAll()
      .where('company_id', '=', companyId)
      .orderBy('invited_at')
      .orderBy('id')
      .execute()
    return rows.map(memberRowToMember)
  }

  /** Active employees' colours: counts for all, names only where they consented. */
  async employeeColours(companyId: string): Promise<
    {
      personId: string
      consent: boolean
      colour: string | undefined
      familyName: string
      givenName: string
    }[]
  > {
    const rows = await this.context.db
      .selectFrom('company_members as m')
      .innerJoin('people as p', 'p.id', 'm.person_id')
      .leftJoin('health_codes as h', 'h.person_id', 'm.person_id')
      .select([
        'm.person_id as personId',
        'm.consent as consent',
        'h.colour as colour',
        'p.family_name as familyName',
        'p.given_name as givenName',
      ])
      .where('m.company_id', '=', companyId)
      .where('m.role', '=', 'employee')
      .where('m.status', '=', 'active')
      .execute()
    return rows.map((row) => ({
      personId: row.personId as string,
      consent: row.consent === 1,
      colour: row.colour ?? undefined,
      familyName: row.familyName,
      givenName: row.givenName,
    }))
  }

  async list(page: { limit: number; offset: number }): Promise<Company[]> {
    const rows = await this.context.db
      .selectFrom('companies')
      .selectAll()
      .orderBy('id')
      .limit(page.limit)
      .offset(page.offset)
      .execute()
    return rows.map(companyRowToCompany)
  }

  /** How many of the consenting employees declared on `day` (YYYY-MM-DD). */
  async declarationsOn(companyId: string, day: string): Promise<number> {
    const row = await this.context.db
      .selectFrom('company_members as m')
      .innerJoin('declarations as d', 'd.person_id', 'm.person_id')
      .select((eb) => eb.fn.count<number>('d.person_id').distinct().as('count'))
      .where('m.company_id', '=', companyId)
      .where('m.status', '=', 'active')
      .where('m.consent', '=', 1)
      .where('d.declared_at', '>=', `${day}T00:00:00.000Z`)
      .where('d.declared_at', '<=', `${day}T23:59:59.999Z`)
      .executeTakeFirst()
    return Number(row?.count ?? 0)
  }
}
