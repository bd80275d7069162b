import type { Actor } from '../access/actor.js'
import { hasAnyRole } from '../access/actor.js'
import type { Role } from '../access/roles.js'
import { DomainError } from '../errors.js'
import type { StoreTransaction } from '../ports.js'
import { IssuerTree } from './issuer-tree.js'
import {
  adminRoles,
  auditReaderRoles,
  authorityRoles,
  dashboardRoles,
  filerRoles,
  issuerRoles,
  memberRoles,
  readerRoles,
  recorderRoles,
  registrarRoles,
  revokerRoles,
  tracerRoles,
  trustAdminRoles,
} from './role-sets.js'

/** The kinds of resource the policy decides on. */
export type ResourceKind =
  | 'person'
  | 'record'
  | 'certificate'
  | 'commission_request'
  | 'health_code'
  | 'venue'
  | 'checkin'
  | 'case'
  | 'company'
  | 'audit_log'
  | 'api_token'
  | 'account'
  | 'keys'
  | 'trust_partners'
  | 'risk_areas'
  | 'risk_rules'
  | 'validity_rules'
  | 'entry_policies'
  | 'dashboard'

/** What an actor wants to do to a resource. */
export type Action =
  | 'read'
  | 'list'
  | 'create'
  | 'update'
  | 'issue'
  | 'revoke'
  | 'decide'
  | 'check-in'
  | 'verify'
  | 'manage'

/**
 * The resource an action is about: its kind, its owner (the issuer, a node of the tree), and the
 * accounts that hold it directly (the citizen whose record it is, the owner of a token, the
 * operators of a venue), who act on it without being staff.
 */
export interface Resource {
  readonly kind: ResourceKind
  readonly id?: string | undefined
  /** The owning issuer; undefined for things that belong to no issuer (partner accounts). */
  readonly issuerId: string | undefined
  /** Accounts that hold the resource themselves. */
  readonly holders?: readonly (string | undefined)[]
}

/** What a policy function sees: the actor, and whether an issuer lies within the actor's reach. */
export interface PolicyContext {
  readonly actor: Actor
  readonly tree: IssuerTree
}

/** A policy's answer: allowed, or refused with the reason (kept in the audit log). */
export type Verdict = true | string

/** One resource's rules: a small readable function per resource. */
export type ResourcePolicy = (context: PolicyContext, action: Action, resource: Resource) => Verdict

/**
 * A refusal by the policy: `ERR_FORBIDDEN` (403) for every kind of resource. Resources are reached
 * by random UUIDs (122 random bits), so "not yours" answered apart from "not there" lets nobody
 * find what exists; lists are filtered to the actor's subtree rather than refused. The store that
 * runs the refused transaction writes the refusal to the audit log in a transaction of its own
 * (see `auditRefusals`).
 */
export class AccessRefused extends DomainError {
  /** Set once the refusal has its audit entry, so that nested transactions write it once. */
  audited = false

  constructor(
    code: 'ERR_FORBIDDEN' | 'ERR_NOT_FOUND',
    message: string,
    readonly actor: Actor | undefined,
    readonly action: Action,
    readonly resource: Resource,
  ) {
    super(code, message)
  }
}

function holds(actor: Actor, resource: Resource): boolean {
  return (resource.holders ?? []).some(
    (holder) => holder !== undefined && holder === actor.accountId,
  )
}

/**
 * Staff with one of the roles whose issuer is the resource's owner or an ancestor of it (any
 * depth): never a sibling, never a parent of the actor's own issuer.
 */
export function staffOver(
  context: PolicyContext,
  roles: readonly Role[],
  resource: Resource,
): Verdict {
  const { actor, tree } = context
  if (!hasAnyRole(actor, roles)) return `expected one of the roles ${roles.join(', ')}`
  if (actor.issuerId === undefined) return 'only staff of an issuer do this'
  if (resource.issuerId === undefined) return `${resource.kind} belongs to no issuer`
  if (!tree.covers(actor.issuerId, resource.issuerId)) {
    return `staff of ${actor.issuerId} do not act for ${resource.issuerId}`
  }
  return true
}

function holderOrStaff(
  context: PolicyContext,
  roles: readonly Role[],
  resource: Resource,
): Verdict {
  return holds(context.actor, resource) || staffOver(context, roles, resource)
}

const personPolicy: ResourcePolicy = (context, action, resource) => {
  if (action === 'read') return holderOrStaff(context, readerRoles, resource)
  if (action === 'list') return staffOver(context, readerRoles, resource)
  return staffOver(context, registrarRoles, resource)
}

const recordPolicy: ResourcePolicy = (context, action, resource) =>
  action === 'read'
    ? holderOrStaff(context, readerRoles, resource)
    : staffOver(context, recorderRoles, resource)

const certificatePolicy: ResourcePolicy = (context, action, resource) => {
  if (action === 'read') return holderOrStaff(context, readerRoles, resource)
  if (action === 'issue') return staffOver(context, issuerRoles, resource)
  return staffOver(context, revokerRoles, resource)
}

const commissionPolicy: ResourcePolicy = (context, action, resource) => {
  if (action === 'decide' || action === 'list') return staffOver(context, memberRoles, resource)
  // Filing and appealing are the holder's or a filer's; members read what they decide.
  const readers = hasAnyRole(context.actor, memberRoles) ? memberRoles : filerRoles
  return holderOrStaff(context, action === 'read' ? readers : filerRoles, resource)
}

const healthCodePolicy: ResourcePolicy = (context, action, resource) =>
  action === 'read'
    ? holderOrStaff(context, readerRoles, resource)
    : staffOver(context, authorityRoles, resource)

const venuePolicy: ResourcePolicy = (context, _action, resource) =>
  holderOrStaff(context, authorityRoles, resource)

const casePolicy: ResourcePolicy = (context, _action, resource) =>
  staffOver(context, tracerRoles, resource)

const companyPolicy: ResourcePolicy = (context, _action, resource) =>
  holds(context.actor, resource) || 'only an admin of the company does this'

const auditPolicy: ResourcePolicy = (context, action, resource) =>
  staffOver(context, action === 'verify' ? adminRoles : auditReaderRoles, resource)

const adminPolicy: ResourcePolicy = (context, _action, resource) =>
  holderOrStaff(context, adminRoles, resource)

const trustPolicy: ResourcePolicy = (context, _action, resource) =>
  staffOver(context, trustAdminRoles, resource)

/**
 * The rules in force are public; their stored history (every version, who stored it and why) is
 * the authorities' of the owning region, of the regions above it, and of the regions below it
 * whose rules it is, never a sibling's; a nationwide version (no owner) any authority's.
 */
const rulesPolicy: ResourcePolicy = (context, action, resource) => {
  if (action === 'read') return true
  if (action === 'list') return staffOverOrUnder(context, authorityRoles, resource)
  return staffOver(context, authorityRoles, resource)
}

/** {@link staffOver}, or staff of an issuer under the owner, for what the owner hands down. */
function staffOverOrUnder(
  context: PolicyContext,
  roles: readonly Role[],
  resource: Resource,
): Verdict {
  const { actor, tree } = context
  if (!hasAnyRole(actor, roles)) return `expected one of the roles ${roles.join(', ')}`
  if (actor.issuerId === undefined) return 'only staff of an issuer do this'
  if (resource.issuerId === undefined) return true
  if (tree.covers(resource.issuerId, actor.issuerId)) return true
  return staffOver(context, roles, resource)
}

/**
 * A region's risk areas (and its districts) are its authority's to list, declare, change and
 * withdraw, and the authorities above it; the engine reads every region's areas by itself, for a
 * stay in any of them counts wherever the person lives.
 */
const riskAreaPolicy: ResourcePolicy = (context, _action, resource) =>
  staffOver(context, authorityRoles, resource)

const dashboardPolicy: ResourcePolicy = (context, _action, resource) =>
  staffOver(context, dashboardRoles, resource)

/** Every resource's policy; adding a kind without one does not compile. */
export const policies: Record<ResourceKind, ResourcePolicy> = {
  person: personPolicy,
  record: recordPolicy,
  certificate: certificatePolicy,
  commission_request: commissionPolicy,
  health_code: healthCodePolicy,
  venue: venuePolicy,
  checkin: venuePolicy,
  case: casePolicy,
  company: companyPolicy,
  audit_log: auditPolicy,
  api_token: adminPolicy,
  account: adminPolicy,
  keys: adminPolicy,
  trust_partners: trustPolicy,
  risk_areas: riskAreaPolicy,
  risk_rules: rulesPolicy,
  validity_rules: rulesPolicy,
  entry_policies: rulesPolicy,
  dashboard: dashboardPolicy,
}

/** The issuer tree as it stands in this transaction. */
export async function issuerTree(tx: StoreTransaction): Promise<IssuerTree> {
  return new IssuerTree(await tx.issuers.list())
}

/** Decides without throwing: the verdict of the resource's policy. */
export function decide(
  actor: Actor,
  action: Action,
  resource: Resource,
  tree: IssuerTree,
): Verdict {
  return policies[resource.kind]({ actor, tree }, action, resource)
}

/**
 * The one place that decides access: asks the resource's policy whether the actor may do the
 * action, and throws {@link AccessRefused} when not. Every domain service calls this, inside the
 * transaction that reads the resource.
 *
 * @throws {AccessRefused} `ERR_FORBIDDEN`.
 * @throws {DomainError} `ERR_INVALID_FIELD` (`issuerId`) for an owner that is no issuer.
 */
export async function authorize(
  tx: StoreTransaction,
  actor: Actor | undefined,
  action: Action,
  resource: Resource,
): Promise<IssuerTree> {
  const tree = await issuerTree(tx)
  if (resource.issuerId !== undefined && !tree.has(resource.issuerId)) {
    throw new DomainError('ERR_INVALID_FIELD', `no issuer ${resource.issuerId}`, 'issuerId')
  }
  const verdict: Verdict = actor ? decide(actor, action, resource, tree) : 'sign in first'
  if (verdict !== true) throw new AccessRefused('ERR_FORBIDDEN', verdict, actor, action, resource)
  return tree
}

/**
 * The issuers whose data the actor reads: their issuer and all its descendants; none for an
 * account that is not staff of an issuer. Lists are filtered by this (never refused).
 */
export async function scopeOf(tx: StoreTransaction, actor: Actor): Promise<string[]> {
  if (actor.issuerId === undefined) return []
  return (await issuerTree(tx)).subtree(actor.issuerId)
}

/** The issuer the whole deployment hangs from (the federal level): the first root. */
export async function rootIssuer(tx: StoreTransaction): Promise<string | undefined> {
  return (await issuerTree(tx)).roots()[0]
}
