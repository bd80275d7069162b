import type { Actor } from '../access/actor.js'
import type { Clock } from '../clock.js'
import { HealthCodeError } from '../health-code/index.js'
import type { Store } from '../ports.js'

/**
 * Stored data the risk engine cannot evaluate: a risk area (left out of every assessment until it
 * is replaced) or one person's records (their colour fails; nobody else's does). Reported once per
 * item and problem: kept here for the authority (`inputProblems`) and appended to the audit log.
 */
export interface InputProblem {
  readonly kind: 'risk-area' | 'person'
  /** The risk area's or the person's id. */
  readonly id: string
  /** The person's issuer (a person's problem). */
  readonly issuerId: string | undefined
  /** The field the problem is in (`from`, `tests[0].sampledAt`), when known. */
  readonly field: string | undefined
  readonly message: string
  readonly since: string
}

/**
 * The problems this process found in stored data, kept in memory for the authority (up to 10,000;
 * they are found again when the data is read again) and each audited once.
 */
export class InputProblems {
  /** Problems found in stored data, by item and message. */
  readonly #problems = new Map<string, InputProblem>()

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
  ) {}

  /**
   * Reports a person whose colour failed on their stored data; other failures (and a rule set the
   * engine cannot read, which is nobody's data) are not the person's and are left alone.
   */
  async reportPerson(personId: string, error: unknown): Promise<void> {
    if (!(error instanceof HealthCodeError) || error.code === 'ERR_RULESET') return
    const person = await this.store.transaction((tx) => tx.people.find(personId))
    await this.report({
      kind: 'person',
      id: personId,
      issuerId: person?.issuerId,
      field: 'path' in error && typeof error.path === 'string' ? error.path : undefined,
      message: error.message,
    })
  }

  /** Keeps a problem for the authority and audits it, once per item and message. */
  async report(problem: Omit<InputProblem, 'since'>): Promise<void> {
    const key = `${problem.kind}\u0000${problem.id}\u0000${problem.message}`
    if (this.#problems.has(key)) return
    const since = this.clock().toISOString()
    if (this.#problems.size >= 10_000) this.#problems.clear()
    this.#problems.set(key, { ...problem, since })
    await this.store.transaction((tx) =>
      tx.audit.append(
        {
          actorAccountId: undefined,
          action: 'health.input-problem',
          entityType: problem.kind === 'risk-area' ? 'risk_area' : 'person',
          entityId: problem.id,
          reason: problem.message,
          data: { field: problem.field ?? null },
        },
        since,
      ),
    )
  }

  /** The problems of the actor's issuer and the issuers below it, oldest first. */
  async visibleTo(actor: Actor): Promise<InputProblem[]> {
    const problems = [...this.#problems.values()]
    const visible = await this.store.transaction(async (tx) => {
      const within = async (issuerId: string | undefined): Promise<boolean> => {
        for (let id = issuerId, depth = 0; id !== undefined && depth < 16; depth++) {
          if (id === actor.issuerId) return true
          id = (await tx.issuers.find(id))?.parentId
        }
        return false
      }
      const shown: InputProblem[] = []
      for (const problem of problems) {
        if (await within(problem.issuerId)) shown.push(problem)
      }
      return shown
    })
    return visible.sort((a, b) => (a.since < b.since ? -1 : a.since > b.since ? 1 : 0))
  }
}
