import type { Hc1Verification, JsonValue } from '../codec/hc1/index.js'

/** Renders a verification result for a person reading a terminal. */
export function formatVerification(result: Hc1Verification): string {
  const lines: string[] = []
  if (result.valid && result.certificate.payloadType === 'healthcode-status') {
    const status = asObject(result.certificate.status)
    lines.push(`VALID  Healthcode health code: ${text(status?.['col']).toUpperCase()}`)
  } else if (result.valid && result.certificate.payloadType === 'healthcode-antibody') {
    lines.push('VALID  Healthcode antibody certificate (a national certificate, not an EU DCC)')
  } else if (result.valid) {
    lines.push(
      `VALID  EU Digital COVID Certificate${result.certificate.type ? ` (${result.certificate.type})` : ''}`,
    )
  } else {
    lines.push(`INVALID  stopped at stage "${result.stage}" (${result.error.code})`)
    lines.push(`  ${result.error.message}`)
  }
  const certificate = result.certificate
  if (certificate) {
    const dcc = asObject(
      certificate.payloadType === 'healthcode-antibody'
        ? certificate.antibody
        : certificate.payloadType === 'healthcode-status'
          ? certificate.status
          : certificate.dcc,
    )
    const name = dcc?.['nam']
    const fields: [string, string | undefined][] = [
      ['Name', formatName(name)],
      ['Born', text(dcc?.['dob'])],
      ['Type', certificate.type],
      ['Entry', describeEntry(dcc)],
      ['Issuer', certificate.issuer],
      ['Issued', certificate.issuedAt],
      ['Expires', certificate.expiresAt],
      ['Key id', certificate.kid],
      ['Algorithm', certificate.algorithm],
      ['Signer', certificate.signer],
      ['Schema', certificate.schemaVersion ?? text(dcc?.['ver'])],
    ]
    lines.push('')
    for (const [label, value] of fields) {
      if (value !== undefined && value !== '') lines.push(`  ${(label + ':').padEnd(11)}${value}`)
    }
  }
  return lines.join('\n') + '\n'
}

function describeEntry(dcc: Record<string, JsonValue> | undefined): string | undefined {
  const vaccination = asObject(first(dcc?.['v']))
  if (vaccination) {
    return `dose ${text(vaccination['dn'])}/${text(vaccination['sd'])} of ${text(vaccination['mp'])} on ${text(vaccination['dt'])}, ${text(vaccination['co'])}, ${text(vaccination['ci'])}`
  }
  const test = asObject(first(dcc?.['t']))
  if (test) {
    return `test ${text(test['tt'])} sampled ${text(test['sc'])}, result ${text(test['tr'])}, ${text(test['co'])}, ${text(test['ci'])}`
  }
  const antibody = asObject(first(dcc?.['ab']))
  if (antibody) {
    return `antibody level ${text(antibody['va'])} ${text(antibody['un'])} (threshold ${text(antibody['th'])}) by ${text(antibody['ma'])} on ${text(antibody['dt'])}, ${text(antibody['co'])}, ${text(antibody['ci'])}`
  }
  const recovery = asObject(first(dcc?.['r']))
  if (recovery) {
    return `recovery, first positive ${text(recovery['fr'])}, valid ${text(recovery['df'])} to ${text(recovery['du'])}, ${text(recovery['co'])}, ${text(recovery['ci'])}`
  }
  return undefined
}

function formatName(name: JsonValue | Record<string, JsonValue> | undefined): string | undefined {
  if (typeof name === 'string') return name
  if (!name || typeof name !== 'object' || Array.isArray(name)) return undefined
  const native = [text(name['fn']), text(name['gn'])].filter(Boolean).join(', ')
  const icao = [text(name['fnt']), text(name['gnt'])].filter(Boolean).join(', ')
  return icao && icao !== native ? `${native} (${icao})` : native
}

function asObject(value: JsonValue | undefined): Record<string, JsonValue> | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? value : undefined
}

function first(value: JsonValue | undefined): JsonValue | undefined {
  return Array.isArray(value) ? value[0] : undefined
}

function text(value: JsonValue | undefined): string {
  return typeof value === 'string' || typeof value === 'number' ? String(value) : ''
}
