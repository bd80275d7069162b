import type { FastifyRequest } from 'fastify'
import type { ReplicaReads, Services } from '../composition/compose.js'
import type { Config } from '../config/config.js'
import type { Actor } from '../domain/access/actor.js'
import type { Clock } from '../domain/clock.js'
import type { Session } from '../domain/people/person.js'
import type { OidcLogin } from './auth/oidc/index.js'
import { ApiError } from './errors.js'

/** What the routes work with, built once per app: the composed services and the edge's own. */
export interface AppContext extends Omit<Services, 'jobs' | 'flush' | 'close'> {
  readonly config: Config
  readonly clock: Clock
  /**
   * The services of the reads a replica may serve (dashboards, public lists), for one request:
   * bound to the read replica while it is up and the caller has not just written, else these
   * same services on the primary.
   */
  reading(request: FastifyRequest): ReplicaReads
  /** The identity provider, discovered on first use; undefined when none is configured. */
  readonly oidc: (() => Promise<OidcLogin>) | undefined
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The signed-in account, if any (set before the route's access is checked). */
    actor: Actor | undefined
    session: Session | undefined
  }
}

/** The signed-in actor of a route whose access requires one. */
export function requireActor(request: { actor: Actor | undefined }): Actor {
  if (!request.actor) throw new ApiError('ERR_AUTH_REQUIRED', 'sign in first')
  return request.actor
}
