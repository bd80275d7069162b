import { useEffect, useState } from 'react'
import { apiRequest } from '../api/api-client'
import type { District } from '../api/types'
import { useI18n } from '../i18n/LanguageProvider'
import { districtName } from './words'

// The districts every authority defined (`GET /api/v1/districts`, public), asked once per page
// load and shared by every district shown: a page of thirty visits asks once.
let defined: Promise<ReadonlyMap<string, string>> | undefined

function definedDistricts(): Promise<ReadonlyMap<string, string>> {
  defined ??= apiRequest<{ districts: District[] }>('GET', '/api/v1/districts').then(
    (answer) => new Map(answer.districts.map((district) => [district.code, district.name])),
    () => {
      // Offline or refused: the codes stay, and the next district shown asks again.
      defined = undefined
      return new Map<string, string>()
    },
  )
  return defined
}

/**
 * A district by its name, never its bare code: the translated name of a district the app knows,
 * else the name its authority defined, else the code; the code is kept in the title.
 */
export function DistrictName({ code }: { code: string | undefined }) {
  const { t } = useI18n()
  const key = code === undefined ? 'district.unknown' : districtName(code)
  const [name, setName] = useState<string | undefined>(undefined)
  useEffect(() => {
    if (key !== undefined || code === undefined) return
    let live = true
    void definedDistricts().then((names) => {
      if (live) setName(names.get(code))
    })
    return () => {
      live = false
    }
  }, [code, key])
  const shown = key !== undefined ? t(key) : (name ?? code)
  return (
    <span className="district" title={code} data-district={code}>
      {shown}
    </span>
  )
}
