import type { Clock } from '../clock.js'
import { DomainError } from '../errors.js'
import { LimitReachedError, secondsUntil } from './limit-reached-error.js'
import type { Lockout } from './lockout.js'

/**
 * Password sign-in back-off per login, whichever address the attempts come from: after
 * `SIGN_IN_ACCOUNT_LIMIT` wrong passwords in a row the login is locked, and while it is locked even
 * the right password is refused unchecked. The lock is kept per login as typed (normalised), known
 * or not, so its answers never tell whether an account exists.
 */
export class SignInGuard {
  constructor(
    private readonly lockout: Lockout,
    private readonly clock: Clock,
  ) {}

  /**
   * Runs a password check for a login under the lockout: refuses a locked login before checking,
   * counts a wrong password, and forgets the failures after a right one.
   *
   * @throws {LimitReachedError} `ERR_SIGN_IN_LOCKED` with the seconds until the lock ends; and
   *   whatever `check` throws.
   */
  async attempt<T>(login: string, check: () => Promise<T>): Promise<T> {
    const key = [login.trim().toLowerCase()]
    const until = await this.lockout.lockedUntil(key)
    if (until) {
      throw new LimitReachedError(
        'ERR_SIGN_IN_LOCKED',
        'too many wrong passwords for this login: try again later',
        secondsUntil(until, this.clock()),
      )
    }
    try {
      const result = await check()
      await this.lockout.reset(key)
      return result
    } catch (error) {
      if (error instanceof DomainError && error.code === 'ERR_SIGN_IN_FAILED') {
        await this.lockout.fail(key)
      }
      throw error
    }
  }
}
