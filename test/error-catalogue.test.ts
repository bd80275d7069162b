import assert from 'node:assert/strict'
import { readFileSync, readdirSync } from 'node:fs'
import { describe, it } from 'node:test'
import { httpStatus } from '../src/api/errors.js'
import { hc1ErrorStages } from '../src/codec/hc1/index.js'
import { shcErrorStages } from '../src/codec/shc/index.js'
import type { JsonlInputErrorCode } from '../src/cli/jsonl/verify-line.js'
import type { TrustErrorCode } from '../src/codec/trust/index.js'
import type { QrImageErrorCode } from '../src/qr-image/index.js'

/** Every code outside the HC1 table; `satisfies` breaks the build when a union gains a member. */
const otherCodes = {
  ERR_INPUT_JSON: 'input',
  ERR_INPUT_FIELD: 'input',
  ERR_INPUT_LINE_TOO_LONG: 'input',
  ERR_INTERNAL: 'input',
} as const satisfies Record<JsonlInputErrorCode, string>

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
    const inCode = new Map<string, number>(Object.entries(httpStatus))
    for (const [code, status] of inCode) {
      assert.equal(documented.get(code), status, `${code} should be documented with HTTP ${status}`)
    }
    for (const code of documented.keys()) assert.ok(inCode.has(code), `${code} is not an HTTP code`)
  })

  it('documents every code the source throws or answers, and no code the source lacks', () => {
    const inSource = codesInSource(new URL('../src/', import.meta.url))
    const inDocs = new Set(
      [...errorsDoc.matchAll(/^\| `(ERR_[A-Z0-9_]+)` \|/gm)].map((m) => m[1] as string),
    )
    const undocumented = [...inSource].filter((code) => !inDocs.has(code)).sort()
    assert.deepEqual(undocumented, [], 'codes in src/ without a row in docs/errors.md')
    const stale = [...inDocs].filter((code) => !inSource.has(code)).sort()
    assert.deepEqual(stale, [], 'rows in docs/errors.md for codes src/ no longer has')
  })
})

/** Codes of Node itself that the source reads (never throws): not ours to document. */
const nodeCodes = new Set(['ERR_BUFFER_TOO_LARGE', 'ERR_PARSE_ARGS'])

/** Every `'ERR_…'` string literal in the source under `dir`, tests and comments aside. */
function codesInSource(dir: URL): Set<string> {
  const codes = new Set<string>()
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.isDirectory()) {
      for (const code of codesInSource(new URL(`${entry.name}/`, dir))) codes.add(code)
    } else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts')) {
      for (const line of readFileSync(new URL(entry.name, dir), 'utf8').split('\n')) {
        if (/^\s*(\*|\/\/)/.test(line)) continue
        for (const match of line.matchAll(/'(ERR_[A-Z0-9_]+)'/g)) {
          if (!nodeCodes.has(match[1] as string)) codes.add(match[1] as string)
        }
      }
    }
  }
  return codes
}
