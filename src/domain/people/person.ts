import type { Role } from '../access/roles.js'

/** The languages Healthcode speaks. */
export const languages = ['en', 'ru', 'zh'] as const
export type Language = (typeof languages)[number]

/** Kinds of identity document a person can be registered with. */
export const identityDocumentTypes = [
  'passport',
  'national-id',
  'residence-permit',
  'other',
] as const
export type IdentityDocumentType = (typeof identityDocumentTypes)[number]

/** An identity document: what clinic staff register a person from, and what a claim must prove. */
export interface IdentityDocument {
  readonly type: IdentityDocumentType
  /** As printed, normalised to upper case without spaces. */
  readonly number: string
  /** ISO 3166-1 alpha-2 of the issuing country. */
  readonly country: string
}

/** Whether a person lives in the issuer's territory. */
export type Residency = 'resident' | 'foreigner'

/** An issuer of certificates and codes: the federal level, or a region under it. */
export interface Issuer {
  /** A short stable id such as `ru` or `ru-spb`. */
  readonly id: string
  readonly name: string
  readonly level: 'federal' | 'region'
  /** ISO 3166-1 alpha-2. */
  readonly country: string
  /** The federal issuer a region belongs to. */
  readonly parentId: string | undefined
}

/**
 * A person in the register: a resident or a foreigner, with or without an account. Names come in
 * the native script and in the ICAO 9303 transliteration the EU DCC carries (`fnt`/`gnt`, `A-Z<`).
 */
export interface Person {
  readonly id: string
  /** The issuer whose register holds the person (their region). */
  readonly issuerId: string
  readonly familyName: string
  readonly givenName: string
  readonly familyNameIcao: string
  readonly givenNameIcao: string
  /** `YYYY-MM-DD`, or `YYYY-MM` / `YYYY` where only that is known (as the DCC allows). */
  readonly birthDate: string
  readonly residency: Residency
  readonly document: IdentityDocument
  readonly phone: string | undefined
  readonly email: string | undefined
  readonly language: Language
  /** The district of residence (a risk-area code), for dashboards by district; optional. */
  readonly district?: string | undefined
  /** The account that has claimed this record, if any. */
  readonly accountId: string | undefined
  readonly createdAt: string
  readonly updatedAt: string
}

/** What it takes to create a person. */
export type NewPerson = Omit<Person, 'id' | 'accountId' | 'createdAt' | 'updatedAt'>

/** An account: how someone signs in, and what they may do. */
export interface Account {
  readonly id: string
  /** The sign-in name (an e-mail address or a staff login), lower case. */
  readonly login: string
  readonly displayName: string
  /** A scrypt hash in PHC-like form, or undefined for accounts that sign in only through OIDC. */
  readonly passwordHash: string | undefined
  readonly roles: readonly Role[]
  /** The issuer a staff account acts for; undefined for citizens and partners. */
  readonly issuerId: string | undefined
  /** The person record this account has claimed, if any. */
  readonly personId: string | undefined
  /** The external identity (OIDC issuer and subject) linked to this account, if any. */
  readonly oidcIssuer: string | undefined
  readonly oidcSubject: string | undefined
  readonly disabled: boolean
  readonly createdAt: string
}

export type NewAccount = Omit<Account, 'id' | 'createdAt' | 'disabled'>

/** A signed-in web session. Only the hash of its token is stored. */
export interface Session {
  readonly id: string
  readonly accountId: string
  readonly tokenHash: string
  /** Sent to the page and required back in a header on every unsafe request. */
  readonly csrfToken: string
  readonly createdAt: string
  readonly expiresAt: string
}

/** A revocable API token for a device or partner app. Only the hash of its secret is stored. */
export interface ApiToken {
  readonly id: string
  readonly accountId: string
  readonly name: string
  readonly tokenHash: string
  readonly createdAt: string
  readonly revokedAt: string | undefined
  readonly lastUsedAt: string | undefined
}
