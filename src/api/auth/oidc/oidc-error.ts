import { HealthcodeError } from '../../../codec/healthcode-error.js'
/**
 * The failures of signing in through an OpenID Connect provider:
 *
 * - `ERR_OIDC_DISCOVERY`: the provider's metadata cannot be fetched or is not valid.
 * - `ERR_OIDC_STATE`: the callback's `state` is missing or is not the one this login sent.
 * - `ERR_OIDC_EXPIRED`: the login in progress is older than its ten minutes.
 * - `ERR_OIDC_DENIED`: the provider answered with an `error` parameter (for example
 *   `access_denied` when the person cancels).
 * - `ERR_OIDC_TOKEN`: the code exchange, the ID token validation or the UserInfo request failed.
 */
export type OidcErrorCode =
  | 'ERR_OIDC_DISCOVERY'
  | 'ERR_OIDC_STATE'
  | 'ERR_OIDC_EXPIRED'
  | 'ERR_OIDC_DENIED'
  | 'ERR_OIDC_TOKEN'

/** A failure of an OpenID Connect login, with a stable `code` and the underlying `cause`. */
export class OidcError extends HealthcodeError<OidcErrorCode> {
  override readonly name = 'OidcError'
}
