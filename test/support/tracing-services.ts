import type { Actor } from '../../src/domain/access/actor.js'
import type { Clock } from '../../src/domain/clock.js'
import type { Store } from '../../src/domain/ports.js'
import {
  BackgroundTracingService,
  type Reassess,
  type TracingBackground,
  inlineTracingBackground,
} from '../../src/domain/tracing/background-tracing-service.js'
import { CaseConfirmationService } from '../../src/domain/tracing/case-confirmation-service.js'
import { CaseService } from '../../src/domain/tracing/case-service.js'
import { ContactSearch } from '../../src/domain/tracing/contact-search.js'
import { ExposureSiteService } from '../../src/domain/tracing/exposure-site-service.js'
import { NotificationFeedService } from '../../src/domain/tracing/notification-feed-service.js'
import {
  type TracingPolicy,
  defaultTracingPolicy,
} from '../../src/domain/tracing/tracing-policy.js'
import type { Venue } from '../../src/domain/venues/venue.js'
import { makePerson, makeVenue, recordVisit } from './domain-factories.js'

/** Tracing's services over one store, wired as `compose` wires them. */
export interface TracingServices {
  readonly confirmation: CaseConfirmationService
  readonly background: BackgroundTracingService
  readonly cases: CaseService
  readonly notifications: NotificationFeedService
  readonly exposureSites: ExposureSiteService
}

/**
 * Tracing's services for a test (one process's worth: build a second set for "the next
 * process"), with `reassess` standing in for the colour engine.
 */
export function makeTracing(
  store: Store,
  clock: Clock,
  reassess: Reassess = async () => {},
  policy: TracingPolicy = defaultTracingPolicy,
  backgroundRuns: TracingBackground = inlineTracingBackground,
): TracingServices {
  const contacts = new ContactSearch(store, policy)
  const background = new BackgroundTracingService(store, contacts, reassess, policy, backgroundRuns)
  const confirmation = new CaseConfirmationService(store, clock, contacts, reassess, background)
  return {
    confirmation,
    background,
    cases: new CaseService(store, clock, policy, confirmation),
    notifications: new NotificationFeedService(store, clock),
    exposureSites: new ExposureSiteService(store, clock, policy),
  }
}

/**
 * Waits until no tracing work is queued on the store: what a serving process started right after
 * a trace's answer (the close contacts' colours, same-venue visitors, contacts of contacts) is
 * done. A bounded wait on that condition, never on time alone.
 *
 * @throws {Error} when work is still queued after `limitMs`.
 */
export async function tracingSettled(store: Store, limitMs = 20_000): Promise<void> {
  const until = Date.now() + limitMs
  while ((await store.transaction((tx) => tx.tracing.queuedWork(1))).length > 0) {
    if (Date.now() > until) throw new Error(`tracing work was still queued after ${limitMs} ms`)
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}

/** The places, visits and people a tracing test makes over one store. */
export interface TracingScene {
  /** A venue of `ru-spb` run by the scene's operator (in `district` when given). */
  venue(name: string, district?: string): Promise<Venue>
  /** A green visitor's check-in at `at`, recorded at `when`. */
  visit(personId: string, at: Venue, when: string): Promise<void>
  /** A person registered by `issuerId` (`ru-spb` unless told); answers their id. */
  person(issuerId?: string): Promise<string>
}

/** The scene of a tracing test: venues run by `operator`, made at the clock's time. */
export function tracingScene(store: Store, clock: Clock, operator: Actor): TracingScene {
  return {
    venue: (name, district) =>
      makeVenue(store, operator, clock().toISOString(), {
        name,
        ...(district === undefined ? {} : { district }),
      }),
    visit: (personId, at, when) => recordVisit(store, personId, at, when),
    person: async (issuerId = 'ru-spb') => (await makePerson(store, issuerId, clock)).id,
  }
}
