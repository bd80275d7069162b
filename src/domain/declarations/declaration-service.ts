import type { Actor } from '../access/actor.js'
import type { Clock } from '../clock.js'
import type { ColourService } from '../colours/colour-service.js'
import { lookbackStart } from '../colours/read-health-inputs.js'
import { requireSelfOrStaff } from '../colours/health-access.js'
import { DomainError } from '../errors.js'
import type { HealthAssessment, Symptoms, Visit } from '../health-code/index.js'
import type { Person } from '../people/person.js'
import type { Store } from '../ports.js'
import type { StoredDeclaration } from './stored-declaration.js'
import { isCalendarDate } from '../input/strict-input.js'

const DAY = 86_400_000

/** What a person sends to declare. */
export interface DeclarationInput {
  readonly symptoms: Symptoms
  readonly visits: readonly Visit[]
  readonly confirmedCaseContact: boolean
}

/** A person's declarations: symptoms, stays elsewhere and contacts, each recomputing their colour. */
export class DeclarationService {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly colours: ColourService,
  ) {}

  /**
   * A person (or staff for them) declares symptoms, stays elsewhere and contacts.
   *
   * @throws {DomainError} `ERR_NOT_FOUND`, `ERR_FORBIDDEN`, `ERR_INVALID_FIELD` (naming the field).
   */
  async declare(
    actor: Actor,
    personId: string,
    input: DeclarationInput,
  ): Promise<{ declaration: StoredDeclaration; assessment: HealthAssessment }> {
    const now = this.clock()
    validateDeclaration(input, now)
    // The colour is computed in the declaration's own transaction: a declaration the engine
    // cannot evaluate is refused and not stored.
    const { result: declaration, assessment } = await this.colours.reassessWithin(
      personId,
      async (tx) => {
        await requireSelfOrStaff(tx, actor, personId)
        const stored = await tx.health.addDeclaration({
          personId,
          declaredAt: now.toISOString(),
          symptoms: input.symptoms,
          visits: input.visits,
          confirmedCaseContact: input.confirmedCaseContact,
          declaredBy: actor.accountId,
        })
        const person = (await tx.people.find(personId)) as Person
        await tx.counters.add([
          {
            day: now.toISOString().slice(0, 10),
            district: person.district ?? 'unknown',
            metric: 'declarations',
            by: 1,
          },
        ])
        return stored
      },
    )
    return { declaration, assessment }
  }

  /**
   * A person's declarations of the last 30 days.
   *
   * @throws {DomainError} `ERR_NOT_FOUND`, `ERR_FORBIDDEN`.
   */
  async declarations(actor: Actor, personId: string): Promise<StoredDeclaration[]> {
    return this.store.transaction(async (tx) => {
      await requireSelfOrStaff(tx, actor, personId)
      return tx.health.declarations(personId, lookbackStart(this.clock()))
    })
  }
}

/**
 * Checks a declaration: a body temperature a living person can have, stays that are over (not in
 * the future) and at most 60 days back, and area codes in their form.
 *
 * @throws {DomainError} `ERR_INVALID_FIELD` naming the field.
 */
export function validateDeclaration(input: DeclarationInput, now: Date): void {
  const t = input.symptoms.temperatureC
  if (t !== undefined && !(t >= 34 && t <= 43)) {
    throw new DomainError(
      'ERR_INVALID_FIELD',
      `expected a body temperature from 34 to 43 °C, but found ${t}`,
      'symptoms.temperatureC',
    )
  }
  const today = now.toISOString().slice(0, 10)
  const earliest = new Date(now.getTime() - 60 * DAY).toISOString().slice(0, 10)
  input.visits.forEach((visit, i) => {
    const field = (name: string) => `visits[${i}].${name}`
    if (!/^[A-Z0-9-]{2,40}$/.test(visit.areaCode)) {
      throw new DomainError(
        'ERR_INVALID_FIELD',
        'expected an area code such as CN-SH-PD',
        field('areaCode'),
      )
    }
    for (const name of ['from', 'until'] as const) {
      if (!isCalendarDate(visit[name]))
        throw new DomainError('ERR_INVALID_FIELD', 'expected YYYY-MM-DD', field(name))
      if (visit[name] > today) {
        throw new DomainError(
          'ERR_INVALID_FIELD',
          `a stay cannot be in the future (today is ${today})`,
          field(name),
        )
      }
      if (visit[name] < earliest) {
        throw new DomainError(
          'ERR_INVALID_FIELD',
          'declare stays of the last 60 days only',
          field(name),
        )
      }
    }
    if (visit.until < visit.from) {
      throw new DomainError(
        'ERR_INVALID_FIELD',
        'a stay ends on or after the day it begins',
        field('until'),
      )
    }
  })
}
