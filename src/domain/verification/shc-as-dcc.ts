import type { JsonValue } from '../../codec/hc1/index.js'
import type { ShcSummary } from '../../codec/shc/index.js'

/** CVX codes of single-dose COVID-19 vaccines (a complete series with one dose). */
const SINGLE_DOSE_CVX = new Set(['212'])

/**
 * A SMART Health Card's COVID-19 immunizations as the EU DCC vaccination entry that validity rules
 * read, so that a card from elsewhere counts under the same rules as ours: the last completed dose
 * is `dt`, the number of doses `dn`, and the series is complete (`sd` = `dn`) with two doses or one
 * of a single-dose vaccine. Undefined when the card holds no immunization with a date.
 */
export function shcAsDcc(summary: ShcSummary, iss: string): JsonValue | undefined {
  const doses = summary.immunizations
    .filter(
      (immunization) =>
        immunization.date !== undefined && immunization.status !== 'entered-in-error',
    )
    .sort((a, b) => (a.date as string).localeCompare(b.date as string))
  const last = doses.at(-1)
  if (!last) return undefined
  const cvx = last.vaccine.find((coding) => coding.system?.includes('cvx'))?.code
  const complete = doses.length >= 2 || (cvx !== undefined && SINGLE_DOSE_CVX.has(cvx))
  const patient = summary.patients[0]
  return {
    ver: '1.3.0',
    nam: { fn: patient?.names[0] ?? '', fnt: '' },
    dob: patient?.birthDate ?? '',
    v: [
      {
        tg: '840539006',
        vp: 'J07BX03',
        mp: cvx ? `CVX:${cvx}` : 'unknown',
        ma: 'unknown',
        dn: doses.length,
        sd: complete ? doses.length : doses.length + 1,
        dt: (last.date as string).slice(0, 10),
        co: 'US',
        is: iss,
        ci: `SHC:${iss}`,
      },
    ],
  }
}
