import { DomainError, type DomainErrorCode } from '../errors.js'

/**
 * A refusal because a limit is reached: a domain error (answered 429) that also says when trying
 * again may succeed, for the `Retry-After` header.
 */
export class LimitReachedError extends DomainError {
  constructor(
    code: DomainErrorCode,
    message: string,
    /** Whole seconds until the limit lets the caller through again; undefined when unknown. */
    readonly retryAfterSeconds: number | undefined,
  ) {
    super(code, message)
  }
}

/** Whole seconds from `now` until `until`, at least 1. */
export function secondsUntil(until: Date, now: Date): number {
  return Math.max(1, Math.ceil((until.getTime() - now.getTime()) / 1000))
}
