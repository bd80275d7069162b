import type { Actor } from '../access/actor.js'
import type { Issuer } from '../people/person.js'

/**
 * Who may create an issuer below `lineage[0]`: the deployment operator at the command line
 * anywhere (a root issuer too), and a federal administrator (an administrator whose own issuer has
 * no parent) anywhere in their own tree. A regional administrator may not: regions are created by
 * the level above them, so no region can grant itself siblings or widen its own reach.
 *
 * @param actor who asks
 * @param scope `actorIssuer`: the actor's own issuer as stored (undefined if it has none or it is
 *   gone); `lineage`: the ids of the would-be parent and its ancestors, parent first, root last
 *   (empty for a new root issuer), or undefined to ask whether the actor may create issuers
 *   anywhere at all
 * @example
 * ```ts
 * mayAdministerIssuer(federalAdmin, { actorIssuer: ru, lineage: ['ru-spb', 'ru'] }) // true
 * mayAdministerIssuer(spbAdmin, { actorIssuer: spb, lineage: ['ru-spb', 'ru'] }) // false
 * ```
 */
export function mayAdministerIssuer(
  actor: Actor,
  scope: { actorIssuer: Issuer | undefined; lineage?: readonly string[] | undefined },
): boolean {
  if (actor.via === 'command-line') return true
  if (!isFederalAdministrator(actor, scope.actorIssuer)) return false
  return scope.lineage === undefined || scope.lineage.includes(scope.actorIssuer.id)
}

/** Tells whether the actor administers a root issuer (the top of a tree, such as `ru`). */
export function isFederalAdministrator(
  actor: Actor,
  actorIssuer: Issuer | undefined,
): actorIssuer is Issuer {
  return (
    actor.roles.includes('administrator') &&
    actorIssuer !== undefined &&
    actorIssuer.id === actor.issuerId &&
    actorIssuer.parentId === undefined
  )
}
