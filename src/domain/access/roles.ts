/** The roles of Healthcode. Staff roles act only within their issuer (a region or the federal level). */
export const roles = [
  'citizen',
  'clinician',
  'commission_member',
  'venue_operator',
  'company_admin',
  'health_authority',
  'administrator',
] as const

/** A role an account can hold. */
export type Role = (typeof roles)[number]

/** Roles that belong to an issuer and act only within it. */
export const staffRoles: readonly Role[] = [
  'clinician',
  'commission_member',
  'health_authority',
  'administrator',
]

/** Tells whether a text names a role. */
export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (roles as readonly string[]).includes(value)
}
