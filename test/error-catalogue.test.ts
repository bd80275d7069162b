import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { describe, it } from 'node:test'
import { apiErrorStatus, domainStatus } from '../src/api/errors.js'
import { hc1ErrorStages } from '../src/codec/hc1/index.js'
import { shcErrorStages } from '../src/codec/shc/index.js'
import type { JsonlInputErrorCode } from '../src/cli/jsonl/verify-line.js'
import type { TrustErrorCode } from '../src/codec/trust/index.js'
import type { TrustListErrorCode } from '../src/codec/trust-list/index.js'
import type { GatewayErrorCode } from '../src/codec/gateway/index.js'
import type { CertificatePdfErrorCode } from '../src/certificate-pdf/index.js'
import type { HealthCodeErrorCode } from '../src/domain/health-code/index.js'
import type { ValidityRuleErrorCode } from '../src/domain/validity-rules/index.js'
import type { QrImageErrorCode } from '../src/qr-image/index.js'

/** Every code outside the HC1 table; `satisfies` breaks the build when a union gains a member. */
const otherCodes = {
  ERR_INPUT_JSON: 'input',
  ERR_INPUT_FIELD: 'input',
  ERR_INPUT_LINE_TOO_LONG: 'input',
  ERR_INTERNAL: 'input',
} as const satisfies Record<JsonlInputErrorCode, string>

/** Trust-list refusals the API answers with 400 (`api/errors.ts`). */
const trustListStatuses: Record<TrustListErrorCode, 400> = {
  ERR_TRUST_LIST_FORMAT: 400,
  ERR_TRUST_LIST_SIGNATURE: 400,
  ERR_TRUST_LIST_CHAIN: 400,
  ERR_TRUST_LIST_THUMBPRINT: 400,
  ERR_TRUST_LIST_KID: 400,
  ERR_TRUST_LIST_SIGNER: 400,
}

/** Gateway-format refusals the API answers with 400 (`api/errors.ts`). */
const gatewayStatuses: Record<GatewayErrorCode, 400> = {
  ERR_GATEWAY_CMS: 400,
  ERR_GATEWAY_SIGNATURE: 400,
  ERR_GATEWAY_SIGNER: 400,
  ERR_GATEWAY_FORMAT: 400,
  ERR_GATEWAY_CHAIN: 400,
}

/** Printable-PDF refusals the API answers with 422. */
const pdfStatuses: Record<CertificatePdfErrorCode, 422> = {
  ERR_PDF_NO_FONT: 422,
  ERR_PDF_OVERFLOW: 422,
  ERR_PDF_QR_TEXT: 422,
  ERR_PDF_DETAILS: 422,
  ERR_PDF_DATE: 422,
}

/** Risk-engine failures the API answers with 422. */
const validityRuleStatuses: Record<ValidityRuleErrorCode, 422> = { ERR_VALIDITY_RULE: 422 }

const healthCodeStatuses: Record<HealthCodeErrorCode, 422> = {
  ERR_RULESET: 422,
  ERR_RULE_EVALUATION: 422,
  ERR_HEALTH_INPUT: 422,
}

const trustCodes: Record<TrustErrorCode, 'signature'> = {
  ERR_TRUST_CERTIFICATE: 'signature',
  ERR_TRUST_KEY: 'signature',
}
const imageCodes: Record<QrImageErrorCode, 'image'> = {
  ERR_IMAGE_FORMAT: 'image',
  ERR_IMAGE_UNREADABLE: 'image',
  ERR_IMAGE_NO_CODE: 'image',
  ERR_IMAGE_TOO_LARGE: 'image',
}

const errorsDoc = readFileSync(new URL('../docs/errors.md', import.meta.url), 'utf8')

/** Rows `| \`CODE\` | stage |` of the verification table. */
function documentedCodes(): Map<string, string> {
  const rows = new Map<string, string>()
  for (const match of errorsDoc.matchAll(/^\| `(ERR_[A-Z0-9_]+)` \| ([a-z][a-z0-9_]*) \|/gm)) {
    rows.set(match[1] as string, match[2] as string)
  }
  return rows
}

/** Rows `| \`CODE\` | status |` of the HTTP table. */
function documentedStatuses(): Map<string, number> {
  const rows = new Map<string, number>()
  for (const match of errorsDoc.matchAll(/^\| `(ERR_[A-Z0-9_]+)` \| (\d{3}) \|/gm)) {
    rows.set(match[1] as string, Number(match[2]))
  }
  return rows
}

describe('docs/errors.md', () => {
  const documented = documentedCodes()
  const inCode = new Map<string, string>([
    ...Object.entries(hc1ErrorStages),
    ...Object.entries(shcErrorStages),
    ...Object.entries(otherCodes),
  ])

  it('documents every error code with the stage the code gives it', () => {
    for (const [code, stage] of inCode) {
      assert.equal(documented.get(code), stage, `${code} should be documented with stage ${stage}`)
    }
  })

  it('documents no code that the code does not have', () => {
    for (const code of documented.keys()) assert.ok(inCode.has(code), `${code} is not a code`)
  })

  it('gives trust and image errors the stage their verification failures report', () => {
    for (const [code, stage] of [...Object.entries(trustCodes), ...Object.entries(imageCodes)]) {
      assert.equal(hc1ErrorStages[code as keyof typeof hc1ErrorStages], stage)
    }
  })

  it('documents every HTTP error code with the status the API answers', () => {
    const documented = documentedStatuses()
    const inCode = new Map<string, number>([
      ...Object.entries(apiErrorStatus),
      ...Object.entries(domainStatus),
      ...Object.entries(trustListStatuses),
      ...Object.entries(gatewayStatuses),
      ...Object.entries(pdfStatuses),
      ...Object.entries(healthCodeStatuses),
      ...Object.entries(validityRuleStatuses),
    ])
    for (const [code, status] of inCode) {
      assert.equal(documented.get(code), status, `${code} should be documented with HTTP ${status}`)
    }
    for (const code of documented.keys()) assert.ok(inCode.has(code), `${code} is not an HTTP code`)
  })
})
