export { OidcError, type OidcErrorCode } from './oidc-error.js'
export {
  OidcLogin,
  pendingOidcLoginMaxAgeSeconds,
  type OidcIdentity,
  type OidcSettings,
  type PendingOidcLogin,
} from './oidc-login.js'
