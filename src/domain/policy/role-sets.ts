import type { Role } from '../access/roles.js'

/** Staff roles that may register and edit people of their issuer. */
export const registrarRoles: readonly Role[] = ['clinician', 'administrator', 'health_authority']
/** Staff roles that may read people of their issuer. */
export const readerRoles: readonly Role[] = [
  'clinician',
  'commission_member',
  'administrator',
  'health_authority',
]
/** Staff roles that enter records into the register. */
export const recorderRoles: readonly Role[] = ['clinician', 'administrator']
/** Staff roles that revoke and suspend certificates and search them. */
export const revokerRoles: readonly Role[] = ['administrator', 'health_authority']
/** Staff roles that issue certificates from records. */
export const issuerRoles: readonly Role[] = ['clinician', 'commission_member', 'administrator']
/** Staff roles that file commission requests for a person. */
export const filerRoles: readonly Role[] = ['clinician', 'administrator']
/** The roles that decide commission requests. */
export const memberRoles: readonly Role[] = ['commission_member']
/** The roles that confirm cases and trace contacts. */
export const tracerRoles: readonly Role[] = ['health_authority']
/** The roles that set risk areas, risk rules, validity rules and entry policies. */
export const authorityRoles: readonly Role[] = ['health_authority']
/** The roles that manage trusted partners and signers. */
export const trustAdminRoles: readonly Role[] = ['administrator']
/** The roles that read the dashboards. */
export const dashboardRoles: readonly Role[] = ['health_authority', 'administrator']
/** The roles that read the audit log. */
export const auditReaderRoles: readonly Role[] = ['administrator', 'health_authority']
/** The roles that check the audit chain, manage accounts, tokens and keys. */
export const adminRoles: readonly Role[] = ['administrator']
/** The roles that run venues. */
export const venueManagerRoles: readonly Role[] = ['venue_operator', 'company_admin']
