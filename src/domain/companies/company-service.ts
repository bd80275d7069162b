import { createHash, randomBytes } from 'node:crypto'
import type { Actor } from '../access/actor.js'
import type { Role } from '../access/roles.js'
import type { Clock } from '../clock.js'
import { DomainError } from '../errors.js'
import type { Store, StoreTransaction } from '../ports.js'
import type { Company, CompanyMember } from './company.js'

/** Who runs companies: company admins. */
export const companyAdminRoles: readonly Role[] = ['company_admin']

/** The company dashboard. */
export interface CompanyDashboard {
  readonly company: Company
  readonly employees: {
    readonly total: number
    readonly consenting: number
    /** Consenting employees by colour (`unknown`: no code computed yet). */
    readonly byColour: { green: number; yellow: number; red: number; unknown: number }
  }
  /** Consenting employees who declared today. */
  readonly declarationsToday: number
  /** Check-ins at the company's venues, by day. */
  readonly visitorsByDay: readonly { day: string; checkins: number }[]
  /** Consenting employees whose code is not green, by name. */
  readonly notGreen: readonly {
    personId: string
    familyName: string
    givenName: string
    colour: string
  }[]
}

const DAY = 86_400_000

const hashInvitation = (token: string) => createHash('sha256').update(token).digest('hex')

/**
 * Companies follow their employees' colours and their venues' visitors: an admin invites an
 * employee, who accepts with their own account and decides whether to share their colour and name.
 */
export class CompanyService {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
  ) {}

  /** A company admin creates a company and becomes its admin. */
  async create(actor: Actor, name: string): Promise<Company> {
    return this.store.transaction(async (tx) => {
      const at = this.clock().toISOString()
      const company = await tx.companies.create({
        name: name.trim(),
        createdBy: actor.accountId,
        createdAt: at,
      })
      await tx.companies.addMember({
        companyId: company.id,
        role: 'admin',
        accountId: actor.accountId,
        personId: undefined,
        status: 'active',
        consent: false,
        invitedAt: at,
        acceptedAt: at,
        inviteHash: undefined,
      })
      await tx.audit.append(
        {
          actorAccountId: actor.accountId,
          action: 'company.create',
          entityType: 'company',
          entityId: company.id,
          reason: undefined,
          data: { name: company.name },
        },
        at,
      )
      return company
    })
  }

  /** The companies the actor belongs to, with their role. */
  async mine(actor: Actor): Promise<{ company: Company; membership: CompanyMember }[]> {
    return this.store.transaction(async (tx) => {
      const memberships = await tx.companies.membershipsOf(actor.accountId)
      const out: { company: Company; membership: CompanyMember }[] = []
      for (const membership of memberships) {
        const company = await tx.companies.find(membership.companyId)
        if (company) out.push({ company, membership })
      }
      return out
    })
  }

  /**
   * Invites an employee: returns the invitation secret, shown once, for the employee to accept.
   *
   * @throws {DomainError} `ERR_NOT_FOUND`, `ERR_FORBIDDEN`.
   */
  async invite(actor: Actor, companyId: string): Promise<{ invitationId: string; token: string }> {
    return this.store.transaction(async (tx) => {
      await this.#requireAdmin(tx, actor, companyId)
      const token = `hci_${randomBytes(24).toString('base64url')}`
      const at = this.clock().toISOString()
      const member = await tx.companies.addMember({
        companyId,
        role: 'employee',
        accountId: undefined,
        personId: undefined,
        status: 'invited',
        consent: false,
        invitedAt: at,
        acceptedAt: undefined,
        inviteHash: hashInvitation(token),
      })
      return { invitationId: member.id, token }
    })
  }

  /**
   * The employee accepts an invitation with their account (which has claimed its person record),
   * and says whether the company may see their colour and name.
   *
   * @throws {DomainError} `ERR_NOT_FOUND` (unknown or used invitation), `ERR_FORBIDDEN`.
   */
  async accept(actor: Actor, token: string, consent: boolean): Promise<CompanyMember> {
    if (actor.personId === undefined) {
      throw new DomainError(
        'ERR_FORBIDDEN',
        'claim your person record first (POST /api/v1/me/claim)',
      )
    }
    const personId = actor.personId
    return this.store.transaction(async (tx) => {
      const invitation = await tx.companies.findInvitation(hashInvitation(token))
      if (!invitation || invitation.status !== 'invited') {
        throw new DomainError('ERR_NOT_FOUND', 'no open invitation with this token', 'token')
      }
      const at = this.clock().toISOString()
      const accepted = await tx.companies.accept(invitation.id, {
        accountId: actor.accountId,
        personId,
        consent,
        at,
      })
      if (!accepted)
        throw new DomainError('ERR_NOT_FOUND', 'the invitation was used meanwhile', 'token')
      await tx.audit.append(
        {
          actorAccountId: actor.accountId,
          action: 'company.join',
          entityType: 'company_member',
          entityId: invitation.id,
          reason: undefined,
          data: { companyId: invitation.companyId, consent },
        },
        at,
      )
      return {
        ...invitation,
        accountId: actor.accountId,
        personId,
        consent,
        status: 'active',
        acceptedAt: at,
      }
    })
  }

  /** The employee changes their consent. */
  async setConsent(actor: Actor, companyId: string, consent: boolean): Promise<void> {
    await this.store.transaction(async (tx) => {
      const membership = (await tx.companies.membershipsOf(actor.accountId)).find(
        (m) => m.companyId === companyId && m.role === 'employee',
      )
      if (!membership)
        throw new DomainError('ERR_NOT_FOUND', `you are not an employee of ${companyId}`)
      await tx.companies.setConsent(membership.id, consent)
    })
  }

  /** The company's dashboard (its admins). */
  async dashboard(actor: Actor, companyId: string, days = 14): Promise<CompanyDashboard> {
    return this.store.transaction(async (tx) => {
      const company = await this.#requireAdmin(tx, actor, companyId)
      const now = this.clock()
      const today = now.toISOString().slice(0, 10)
      const from = new Date(now.getTime() - (days - 1) * DAY).toISOString().slice(0, 10)
      const employees = await tx.companies.employeeColours(companyId)
      const consenting = employees.filter((e) => e.consent)
      const byColour = { green: 0, yellow: 0, red: 0, unknown: 0 }
      for (const employee of consenting) {
        const colour = employee.colour as keyof typeof byColour | undefined
        byColour[colour ?? 'unknown']++
      }
      const counters = await tx.counters.read({
        from,
        until: today,
        metrics: ['company.checkins'],
        districts: [`company:${companyId}`],
      })
      const byDay = new Map(counters.map((row) => [row.day, row.value]))
      const visitorsByDay: { day: string; checkins: number }[] = []
      for (let t = Date.parse(`${from}T00:00:00Z`); t <= now.getTime(); t += DAY) {
        const day = new Date(t).toISOString().slice(0, 10)
        visitorsByDay.push({ day, checkins: byDay.get(day) ?? 0 })
      }
      return {
        company,
        employees: { total: employees.length, consenting: consenting.length, byColour },
        declarationsToday: await tx.companies.declarationsOn(companyId, today),
        visitorsByDay,
        notGreen: consenting
          .filter((e) => e.colour === 'yellow' || e.colour === 'red')
          .map((e) => ({
            personId: e.personId,
            familyName: e.familyName,
            givenName: e.givenName,
            colour: e.colour as string,
          })),
      }
    })
  }

  async #requireAdmin(tx: StoreTransaction, actor: Actor, companyId: string): Promise<Company> {
    const company = await tx.companies.find(companyId)
    if (!company) throw new DomainError('ERR_NOT_FOUND', `no company ${companyId}`)
    const memberships = await tx.companies.membershipsOf(actor.accountId)
    if (!memberships.some((m) => m.companyId === companyId && m.role === 'admin')) {
      throw new DomainError('ERR_FORBIDDEN', `you are not an admin of company ${companyId}`)
    }
    return company
  }
}
