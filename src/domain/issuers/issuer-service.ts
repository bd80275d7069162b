import type { Actor } from '../access/actor.js'
import type { Clock } from '../clock.js'
import { DomainError } from '../errors.js'
import type { Issuer } from '../people/person.js'
import type { StoreTransaction, Store } from '../ports.js'
import { inValueSet } from '../register/value-sets.js'
import { mayAdministerIssuer } from './issuer-policy.js'

/**
 * The pattern of an issuer id: lower-case letters and digits in parts joined by single hyphens,
 * starting with a letter, such as `ru`, `ru-spb`, `de-by-muc`.
 */
export const ISSUER_ID_PATTERN = '^[a-z][a-z0-9]*(-[a-z0-9]+)*$'
/** The length bounds of an issuer id (accounts and keys refer to it, so it stays short). */
export const ISSUER_ID_LENGTH = { min: 2, max: 40 } as const
/** The longest issuer name. */
export const ISSUER_NAME_MAX_LENGTH = 120

/** How deep the issuer tree may go; a longer chain of parents means the stored tree is broken. */
const MAX_DEPTH = 32
// C0 and C1 controls: a name is shown in lists and audit entries, where they would garble it.
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f]/

/** What it takes to create an issuer. */
export interface IssuerCreateInput {
  readonly id: string
  readonly name: string
  /** The issuer above the new one; undefined makes a root (only at the command line). */
  readonly parentId: string | undefined
  /** ISO 3166-1 alpha-2; by default the parent's. */
  readonly country?: string | undefined
}

/** The issuers: the tree of tenants (federal level, regions, …) that own the register's data. */
export class IssuerService {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
  ) {}

  /** Every issuer, by id. */
  async list(): Promise<Issuer[]> {
    return this.store.transaction((tx) => tx.issuers.list())
  }

  /** The issuer with this id, if there is one. */
  async find(id: string): Promise<Issuer | undefined> {
    return this.store.transaction((tx) => tx.issuers.find(id))
  }

  /**
   * Creates an issuer below an existing one (or a root, for the operator at the command line),
   * and audits it in the same transaction.
   *
   * @throws {DomainError} `ERR_INVALID_FIELD` for a malformed `id`, `name` or `country`;
   *   `ERR_FORBIDDEN` unless {@link mayAdministerIssuer} allows it; `ERR_NOT_FOUND` (field
   *   `parentId`) for an unknown parent; `ERR_CONFLICT` (field `id`) when the id is taken.
   * @example
   * ```ts
   * await issuers.create(federalAdmin, { id: 'ru-mow', name: 'Moscow', parentId: 'ru' })
   * ```
   */
  async create(actor: Actor, input: IssuerCreateInput): Promise<Issuer> {
    const id = readIssuerId(input.id)
    const name = readIssuerName(input.name)
    const country = input.country === undefined ? undefined : readCountry(input.country)
    return this.store.transaction(async (tx) => {
      const actorIssuer =
        actor.issuerId === undefined ? undefined : await tx.issuers.find(actor.issuerId)
      const refuse = () =>
        new DomainError(
          'ERR_FORBIDDEN',
          'only a federal administrator creates issuers, in their tree',
        )
      // Whoever may create no issuer anywhere learns nothing about the parent they named.
      if (!mayAdministerIssuer(actor, { actorIssuer })) throw refuse()
      let parent: Issuer | undefined
      if (input.parentId !== undefined) {
        parent = await tx.issuers.find(input.parentId)
        if (!parent) {
          throw new DomainError('ERR_NOT_FOUND', `no issuer ${input.parentId}`, 'parentId')
        }
      }
      const lineage = parent ? await lineageOf(tx, parent) : []
      if (!mayAdministerIssuer(actor, { actorIssuer, lineage })) throw refuse()
      if (await tx.issuers.find(id)) {
        throw new DomainError('ERR_CONFLICT', `an issuer ${id} exists`, 'id')
      }
      const resolvedCountry = country ?? parent?.country
      if (resolvedCountry === undefined) {
        throw new DomainError('ERR_INVALID_FIELD', 'a root issuer needs a country', 'country')
      }
      const issuer: Issuer = {
        id,
        name,
        level: parent ? 'region' : 'federal',
        country: resolvedCountry,
        parentId: parent?.id,
      }
      await tx.issuers.create(issuer)
      await tx.audit.append(
        {
          actorAccountId: actor.accountId,
          action: 'issuer.create',
          entityType: 'issuer',
          entityId: issuer.id,
          reason:
            actor.via === 'command-line'
              ? `by the deployment operator at the command line (${actor.login})`
              : undefined,
          data: issuer,
        },
        this.clock().toISOString(),
      )
      return issuer
    })
  }
}

/** The ids of an issuer and its ancestors, the issuer first, the root last. */
async function lineageOf(tx: StoreTransaction, issuer: Issuer): Promise<string[]> {
  const lineage = [issuer.id]
  let parentId = issuer.parentId
  while (parentId !== undefined) {
    if (lineage.length >= MAX_DEPTH || lineage.includes(parentId)) {
      throw new DomainError('ERR_ISSUER_TREE_BROKEN', `the issuers above ${issuer.id} form no tree`)
    }
    lineage.push(parentId)
    parentId = (await tx.issuers.find(parentId))?.parentId
  }
  return lineage
}

/**
 * Reads an issuer id.
 *
 * @throws {DomainError} `ERR_INVALID_FIELD` (field `id`) unless it matches {@link ISSUER_ID_PATTERN}
 *   within {@link ISSUER_ID_LENGTH}.
 */
export function readIssuerId(text: string): string {
  if (
    text.length < ISSUER_ID_LENGTH.min ||
    text.length > ISSUER_ID_LENGTH.max ||
    !new RegExp(ISSUER_ID_PATTERN).test(text)
  ) {
    throw new DomainError(
      'ERR_INVALID_FIELD',
      `expected an issuer id of ${ISSUER_ID_LENGTH.min} to ${ISSUER_ID_LENGTH.max} lower-case letters, digits and single hyphens such as ru-spb, but got ${JSON.stringify(text.slice(0, 60))}`,
      'id',
    )
  }
  return text
}

function readIssuerName(text: string): string {
  const name = text.trim()
  if (name.length === 0 || name.length > ISSUER_NAME_MAX_LENGTH || CONTROL_CHARACTERS.test(name)) {
    throw new DomainError(
      'ERR_INVALID_FIELD',
      `expected a name of 1 to ${ISSUER_NAME_MAX_LENGTH} characters without control characters`,
      'name',
    )
  }
  return name
}

function readCountry(text: string): string {
  if (!/^[A-Z]{2}$/.test(text) || !inValueSet('country', text)) {
    throw new DomainError(
      'ERR_INVALID_FIELD',
      `expected an ISO 3166-1 alpha-2 country code such as RU, but got ${JSON.stringify(text.slice(0, 10))}`,
      'country',
    )
  }
  return text
}
