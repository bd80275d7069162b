import { type JsonValue, signHc1 } from '../../codec/hc1/index.js'
import type { Actor } from '../access/actor.js'
import type { Clock } from '../clock.js'
import type { HealthAssessment } from '../health-code/index.js'
import type { SigningKeyService } from '../keys/signing-key-service.js'
import { maskedName } from '../people/masked-name.js'
import type { Person } from '../people/person.js'
import type { Store } from '../ports.js'
import type { ColourService } from './colour-service.js'
import { requireSelfOrStaff } from './health-access.js'
import { TOKEN_SUBJECT_KEY_PURPOSE, TokenSubjects } from './token-subject.js'

/** A person's dynamic code: the signed token to show, and what it says. */
export interface HealthCodeToken {
  readonly qr: string
  readonly expiresAt: string
  readonly assessment: HealthAssessment
}

/**
 * A person's health code as it is shown and read back: their current colour with its reasons, the
 * signed dynamic code that carries it, and, for a door, the person a dynamic code names.
 */
export class HealthCodeService {
  #subjects: TokenSubjects | undefined

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly keys: SigningKeyService,
    private readonly tokenMinutes: number,
    private readonly colours: ColourService,
  ) {}

  /**
   * A person's current colour with its reasons (the person, or staff of their issuer).
   *
   * @throws {DomainError} `ERR_NOT_FOUND`, `ERR_FORBIDDEN`.
   */
  async current(actor: Actor, personId: string): Promise<HealthAssessment> {
    await this.store.transaction((tx) => requireSelfOrStaff(tx, actor, personId))
    return (await this.colours.fresh(personId)).assessment
  }

  /** The colour a door or a check-in needs, fresh (see `ColourService.colourOf`). */
  async colourOf(
    personId: string,
  ): Promise<{ colour: 'green' | 'yellow' | 'red'; greenOn: string | undefined }> {
    return this.colours.colourOf(personId)
  }

  /**
   * The person a dynamic code's subject names: a 1.1.0 subject sealed here, while its token lives
   * at `at`, or else a 1.0.0 subject (the same in every token of a person) as stored.
   */
  async personOfSubject(subject: string, at: Date = this.clock()): Promise<string | undefined> {
    const sealed = this.keys.canSign ? this.#tokenSubjects().open(subject, at) : undefined
    return this.store.transaction(async (tx) => {
      // A subject that opens names a person of ours, unless another deployment shares our KEK
      // (it should not): one we do not know is judged by the colour the token carries.
      if (sealed !== undefined) return (await tx.people.find(sealed)) ? sealed : undefined
      return tx.health.personOfSubject(subject)
    })
  }

  #tokenSubjects(): TokenSubjects {
    this.#subjects ??= new TokenSubjects(this.keys.derivedKey(TOKEN_SUBJECT_KEY_PURPOSE))
    return this.#subjects
  }

  /**
   * The dynamic code: a short-lived token signed by the person's issuer (its domestic signer), so
   * that a door verifies it offline; it carries the colour, a masked name, the birth date and a
   * subject sealed afresh for this token (schema 1.1.0), so that no two tokens can be linked.
   *
   * @throws {DomainError} `ERR_NOT_FOUND`, `ERR_FORBIDDEN`; `ERR_SIGNING_UNAVAILABLE` when the
   *   issuer cannot sign.
   */
  async token(actor: Actor, personId: string): Promise<HealthCodeToken> {
    await this.store.transaction((tx) => requireSelfOrStaff(tx, actor, personId))
    const code = await this.colours.fresh(personId)
    return this.store.transaction(async (tx) => {
      const person = (await tx.people.find(personId)) as Person
      const issuer = await tx.issuers.find(person.issuerId)
      const signer = await this.keys.signerFor(tx, person.issuerId, 'domestic')
      const issuedAt = new Date(Math.floor(this.clock().getTime() / 1000) * 1000)
      const expiresAt = new Date(issuedAt.getTime() + this.tokenMinutes * 60_000)
      const { assessment } = code
      const qr = signHc1(
        {
          dcc: {
            ver: '1.1.0',
            sub: this.#tokenSubjects().seal(personId, expiresAt),
            col: assessment.colour,
            nam: maskedName(person),
            dob: person.birthDate,
            ...(assessment.greenOn ? { gon: assessment.greenOn } : {}),
            rsv: Math.max(1, assessment.rulesetVersion),
          } as JsonValue,
          payloadType: 'healthcode-status',
          issuer: issuer?.country ?? 'XX',
          issuedAt,
          expiresAt,
        },
        { privateKey: signer.privateKey, kid: signer.kid },
      )
      return { qr, expiresAt: expiresAt.toISOString(), assessment }
    })
  }
}
