/** A company: follows its employees' colours (with their consent) and its venues' visitors. */
export interface Company {
  readonly id: string
  readonly name: string
  readonly createdBy: string
  readonly createdAt: string
}

/** An admin or an employee of a company. Employees join by invitation and consent to share. */
export interface CompanyMember {
  readonly id: string
  readonly companyId: string
  readonly role: 'admin' | 'employee'
  readonly accountId: string | undefined
  readonly personId: string | undefined
  readonly status: 'invited' | 'active' | 'left'
  /** Whether the employee shares their colour and name with the company's dashboard. */
  readonly consent: boolean
  readonly invitedAt: string
  readonly acceptedAt: string | undefined
}
