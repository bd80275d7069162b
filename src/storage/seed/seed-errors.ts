import { HealthcodeError } from '../../codec/healthcode-error.js'
/** Why a seed run refused to start. */
export type SeedErrorCode =
  /** The store already holds people of the seeded region; seed again only to append. */
  | 'ERR_SEED_ALREADY_SEEDED'
  /** A count, the seed or the time is out of range. */
  | 'ERR_SEED_OPTIONS'

/** A seed run that did not start; nothing was written. */
export class SeedError extends HealthcodeError<SeedErrorCode> {
  override readonly name = 'SeedError'
}
