import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import {
  checkAntibodyKeyUsage,
  checkKeyUsage,
  checkStatusTokenKeyUsage,
  type DccType,
} from './key-usage.js'

const types: readonly DccType[] = ['test', 'vaccination', 'recovery']

/** The extended key usage OIDs of HCERT section 5.4.1, and the variant the test vectors use. */
const oids: Record<'official' | 'variant', Record<DccType, string>> = {
  official: {
    test: '1.3.6.1.4.1.1847.2021.1.1',
    vaccination: '1.3.6.1.4.1.1847.2021.1.2',
    recovery: '1.3.6.1.4.1.1847.2021.1.3',
  },
  variant: {
    test: '1.3.6.1.4.1.0.1847.2021.1.1',
    vaccination: '1.3.6.1.4.1.0.1847.2021.1.2',
    recovery: '1.3.6.1.4.1.0.1847.2021.1.3',
  },
}

const SERVER_AUTH = '1.3.6.1.5.5.7.3.1'
const CLIENT_AUTH = '1.3.6.1.5.5.7.3.2'

const assertAllowed = (type: DccType, usage: readonly string[]): void => {
  assert.doesNotThrow(() => checkKeyUsage(type, usage), `${type} with [${usage.join(', ')}]`)
}

const assertRefused = (type: DccType, usage: readonly string[]): void => {
  assert.throws(
    () => checkKeyUsage(type, usage),
    { name: 'Hc1Error', code: 'ERR_KEY_USAGE', stage: 'key_usage' },
    `${type} with [${usage.join(', ')}]`,
  )
}

describe('checkKeyUsage', () => {
  it('allows every type when the certificate has no extended key usage', () => {
    for (const type of types) assertAllowed(type, [])
  })

  it('allows every type when the certificate names only usages unrelated to the DCC', () => {
    for (const type of types) {
      assertAllowed(type, [SERVER_AUTH])
      assertAllowed(type, [SERVER_AUTH, CLIENT_AUTH])
    }
  })

  it('does not take OIDs that merely start like a DCC usage for one', () => {
    for (const type of types) {
      assertAllowed(type, ['1.3.6.1.4.1.1847.2021.1.10', '1.3.6.1.4.1.1847.2021.1.2.1'])
      assertAllowed(type, ['1.3.6.1.4.1.1847.2021.1.4', '1.3.6.1.4.1.1847.2021.1'])
    }
  })

  for (const variant of ['official', 'variant'] as const) {
    for (const signerType of types) {
      const usage = oids[variant][signerType]
      it(`lets a signer with the ${variant} ${signerType} OID (${usage}) sign ${signerType} certificates only`, () => {
        for (const type of types) {
          if (type === signerType) assertAllowed(type, [usage])
          else assertRefused(type, [usage])
        }
      })
    }

    it(`lets a signer with all three ${variant} OIDs sign every type`, () => {
      const usage = Object.values(oids[variant])
      for (const type of types) assertAllowed(type, usage)
    })

    it(`lets a signer with two ${variant} OIDs sign those two types only`, () => {
      const usage = [oids[variant].test, oids[variant].recovery]
      assertAllowed('test', usage)
      assertAllowed('recovery', usage)
      assertRefused('vaccination', usage)
    })
  }

  it('keeps a DCC restriction when unrelated usages come with it', () => {
    const usage = [SERVER_AUTH, oids.official.vaccination, CLIENT_AUTH]
    assertAllowed('vaccination', usage)
    assertRefused('test', usage)
    assertRefused('recovery', usage)
  })

  it('treats the two OID variants of one type as the same permission', () => {
    const usage = [oids.official.test, oids.variant.recovery]
    assertAllowed('test', usage)
    assertAllowed('recovery', usage)
    assertRefused('vaccination', usage)
  })

  it('says which types the signer may sign', () => {
    assert.throws(() => checkKeyUsage('vaccination', [oids.variant.test]), /test/)
  })
})

describe('checkAntibodyKeyUsage', () => {
  const assertAntibodyAllowed = (usage: readonly string[]): void => {
    assert.doesNotThrow(() => checkAntibodyKeyUsage(usage), `[${usage.join(', ')}]`)
  }
  const assertAntibodyRefused = (usage: readonly string[]): void => {
    assert.throws(
      () => checkAntibodyKeyUsage(usage),
      { name: 'Hc1Error', code: 'ERR_KEY_USAGE', stage: 'key_usage' },
      `[${usage.join(', ')}]`,
    )
  }

  it('allows a signer whose certificate has no extended key usage', () => {
    assertAntibodyAllowed([])
  })

  it('allows a signer whose certificate names only usages unrelated to the DCC', () => {
    assertAntibodyAllowed([SERVER_AUTH, CLIENT_AUTH])
  })

  it('allows a signer whose certificate names all three DCC types, in either OID variant', () => {
    assertAntibodyAllowed(Object.values(oids.official))
    assertAntibodyAllowed(Object.values(oids.variant))
    assertAntibodyAllowed([oids.official.test, oids.variant.vaccination, oids.official.recovery])
    assertAntibodyAllowed([SERVER_AUTH, ...Object.values(oids.official)])
  })

  it('refuses a signer restricted to one or two DCC types', () => {
    for (const variant of ['official', 'variant'] as const) {
      for (const type of types) assertAntibodyRefused([oids[variant][type]])
      assertAntibodyRefused([oids[variant].test, oids[variant].recovery])
      assertAntibodyRefused([SERVER_AUTH, oids[variant].vaccination])
    }
  })

  it('says which types the signer may sign', () => {
    assert.throws(() => checkAntibodyKeyUsage([oids.official.recovery]), /allows only recovery/)
  })
})

describe('checkStatusTokenKeyUsage (the rule of antibody certificates)', () => {
  const usages: (readonly string[])[] = [
    [],
    [SERVER_AUTH, CLIENT_AUTH],
    Object.values(oids.official),
    Object.values(oids.variant),
    [oids.official.test, oids.variant.vaccination, oids.official.recovery],
    ...types.map((type) => [oids.official[type]]),
    ...types.map((type) => [oids.variant[type]]),
    [oids.official.test, oids.official.recovery],
    [SERVER_AUTH, oids.variant.vaccination],
  ]

  it('decides every usage as checkAntibodyKeyUsage does', () => {
    for (const usage of usages) {
      const antibody = outcome(() => checkAntibodyKeyUsage(usage))
      assert.equal(
        outcome(() => checkStatusTokenKeyUsage(usage)),
        antibody,
        `[${usage.join()}]`,
      )
    }
  })

  it('accepts a signer without DCC usage OIDs, or with all three', () => {
    assert.doesNotThrow(() => checkStatusTokenKeyUsage([]))
    assert.doesNotThrow(() => checkStatusTokenKeyUsage(Object.values(oids.official)))
  })

  it('refuses a signer restricted to some DCC types with ERR_KEY_USAGE, naming the token', () => {
    assert.throws(() => checkStatusTokenKeyUsage([oids.official.recovery]), {
      name: 'Hc1Error',
      code: 'ERR_KEY_USAGE',
      stage: 'key_usage',
      message: /health-code token .* allows only recovery/,
    })
  })
})

/** `ok`, or the code of the Hc1Error a check throws. */
function outcome(check: () => void): string {
  try {
    check()
    return 'ok'
  } catch (error) {
    return (error as { code: string }).code
  }
}
