import type { Role } from '../domain/access/roles.js'

/**
 * Who may call a route. Every route declares it in `config.access`; the app refuses to start with
 * a route that does not, so a new route cannot ship without a decision.
 * - `public`: anyone, signed in or not.
 * - `signedIn`: any signed-in account.
 * - a list of roles: accounts holding at least one of them (the handler may check more, such as
 *   the issuer a staff member acts for).
 */
export type Access = 'public' | 'signedIn' | readonly Role[]

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: Access
    /**
     * On a public route: find out who calls all the same (an unknown or missing identity leaves
     * the caller anonymous), for a route that answers staff a little differently.
     */
    identifyCaller?: boolean
  }
}
