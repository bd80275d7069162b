import type { Hc1Verification, JsonValue } from '../codec/hc1/index.js'
import { formatCoding, type ShcCoding, type ShcVerification } from '../codec/shc/index.js'

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

/**
 * Renders the results of the SMART Health Cards of one input for a person reading a terminal: one
 * card as {@link formatVerification} does, several (a `.smart-health-card` file) each under
 * `Card N of M`.
 */
export function formatShcVerifications(results: readonly ShcVerification[]): string {
  if (results.length === 1) return formatShcVerification(results[0] as ShcVerification)
  return results
    .map(
      (result, index) => `Card ${index + 1} of ${results.length}\n${formatShcVerification(result)}`,
    )
    .join('\n')
}

const SHC_TYPE_PREFIX = 'https://smarthealth.cards#'

/** Renders one SMART Health Card's result: VALID or INVALID with its stage, then what it holds. */
export function formatShcVerification(result: ShcVerification): string {
  const lines: string[] = []
  const card = result.card
  // `health-card` is on every card; the other types say what this one is about.
  const types = (card?.types ?? [])
    .filter((type) => type !== `${SHC_TYPE_PREFIX}health-card`)
    .map((type) => (type.startsWith(SHC_TYPE_PREFIX) ? type.slice(SHC_TYPE_PREFIX.length) : type))
  if (result.valid) {
    lines.push(`VALID  SMART Health Card${types.length > 0 ? ` (${types.join(', ')})` : ''}`)
  } else {
    lines.push(`INVALID  stopped at stage "${result.stage}" (${result.error.code})`)
    lines.push(`  ${result.error.message}`)
  }
  if (card) {
    const summary = card.summary
    const patients = summary?.patients ?? []
    const fields: [string, string | undefined][] = [
      ['Name', patients.flatMap((patient) => patient.names).join('; ')],
      [
        'Born',
        patients
          .map((patient) => patient.birthDate)
          .filter(Boolean)
          .join('; '),
      ],
      // A valid card's types head its block already.
      ['Types', result.valid ? undefined : types.join(', ')],
      ['Issuer', card.issuer],
      ['Issued', card.issuedAt],
      ['Expires', card.expiresAt],
      ['Key id', card.kid],
      ['Algorithm', card.algorithm],
      ['FHIR', card.fhirVersion],
      ['Rid', card.revocationId],
    ]
    lines.push('')
    for (const [label, value] of fields) {
      if (value !== undefined && value !== '') lines.push(`  ${(label + ':').padEnd(11)}${value}`)
    }
    const immunizations = summary?.immunizations ?? []
    if (immunizations.length > 0) {
      lines.push('  Immunizations:')
      for (const dose of immunizations) {
        lines.push(
          `    ${describeListed([
            dose.date,
            describeCodings(dose.vaccine),
            dose.lotNumber && `lot ${dose.lotNumber}`,
            dose.performer && `by ${dose.performer}`,
          ])}`,
        )
      }
    }
    const labResults = summary?.labResults ?? []
    if (labResults.length > 0) {
      lines.push('  Lab results:')
      for (const lab of labResults) {
        lines.push(
          `    ${describeListed([
            lab.date,
            describeCodings(lab.test),
            lab.value && `result ${lab.value}`,
            lab.performer && `by ${lab.performer}`,
          ])}`,
        )
      }
    }
  }
  return lines.join('\n') + '\n'
}

function describeCodings(codings: readonly ShcCoding[]): string {
  return codings.map(formatCoding).filter(Boolean).join(' / ')
}

function describeListed(parts: readonly (string | undefined)[]): string {
  return parts.filter((part) => part !== undefined && part !== '').join(', ') || '(no details)'
}
