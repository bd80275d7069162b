import type { Company, CompanyMember } from './company.js'

/** Companies, their admins and consenting employees. */
export interface CompanyRepository {
  create(company: Omit<Company, 'id'>): Promise<Company>
  find(id: string): Promise<Company | undefined>
  addMember(
    member: Omit<CompanyMember, 'id'> & { inviteHash: string | undefined },
  ): Promise<CompanyMember>
  findInvitation(inviteHash: string): Promise<CompanyMember | undefined>
  accept(
    memberId: string,
    change: { accountId: string; personId: string; consent: boolean; at: string },
  ): Promise<boolean>
  setConsent(memberId: string, consent: boolean): Promise<void>
  membershipsOf(accountId: string): Promise<CompanyMember[]>
  members(companyId: string): Promise<CompanyMember[]>
  employeeColours(companyId: string): Promise<
    {
      personId: string
      consent: boolean
      colour: string | undefined
      familyName: string
      givenName: string
    }[]
  >
  declarationsOn(companyId: string, day: string): Promise<number>
  /** Companies in id order (for operators' tools and benchmarks). */
  list(page: { limit: number; offset: number }): Promise<Company[]>
}
