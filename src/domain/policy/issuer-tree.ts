import type { Issuer } from '../people/person.js'

/**
 * The issuers as a tree (federal → region → …, any depth): who is under whom. Built from the
 * issuers table, which is small, so one read per decision is cheap and never stale.
 */
export class IssuerTree {
  readonly #parent = new Map<string, string | undefined>()

  constructor(issuers: readonly Issuer[]) {
    for (const issuer of issuers) this.#parent.set(issuer.id, issuer.parentId)
  }

  /** Tells whether the issuer is known. */
  has(id: string): boolean {
    return this.#parent.has(id)
  }

  /** The issuer, its parent, the parent's parent, … up to the root (cycles stop the walk). */
  lineage(id: string): string[] {
    const line: string[] = []
    for (let at: string | undefined = id; at !== undefined && this.#parent.has(at);) {
      if (line.includes(at)) break
      line.push(at)
      at = this.#parent.get(at)
    }
    return line
  }

  /** Tells whether `id` is `ancestor` itself or lies anywhere below it. */
  covers(ancestor: string, id: string): boolean {
    return this.lineage(id).includes(ancestor)
  }

  /** The issuer and all its descendants. */
  subtree(id: string): string[] {
    if (!this.#parent.has(id)) return []
    return [...this.#parent.keys()].filter((other) => this.covers(id, other))
  }

  /** The roots (issuers without a parent), by id. */
  roots(): string[] {
    return [...this.#parent.entries()]
      .filter(([, parent]) => parent === undefined)
      .map(([id]) => id)
      .sort()
  }
}
