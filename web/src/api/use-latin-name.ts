import { useEffect, useRef, useState } from 'react'
import { apiRequest } from './api-client'

/** The server's proposal for a name (`POST /api/v1/names/transliterate`); null: type it. */
export interface LatinNameProposal {
  readonly familyLatin: string | null
  readonly givenLatin: string | null
  readonly familyIcao: string | null
  readonly givenIcao: string | null
}

/** An ICAO form as a person reads and corrects it: `OUYANG<NANA` → `OUYANG NANA`. */
const readable = (icao: string | null) => (icao ?? '').replace(/</g, ' ')

/**
 * Fills a form's Latin name fields with the server's proposal (Hanyu Pinyin for a Chinese name,
 * the ICAO tables for Latin and Cyrillic) while the person types the name, for them to confirm or
 * correct: a field the person has changed since is left alone. The proposal comes from the API so
 * that the pinyin dictionary stays out of the page.
 */
export function useLatinNameProposal(
  family: string,
  given: string,
  latin: { family: string; given: string },
  setLatin: { family: (value: string) => void; given: (value: string) => void },
): void {
  const [proposal, setProposal] = useState<LatinNameProposal | undefined>(undefined)
  // What was last filled in, to tell a proposal still untouched from the person's own text.
  const filled = useRef({ family: '', given: '' })
  useEffect(() => {
    if (family.trim() === '' && given.trim() === '') return
    let current = true
    const timer = window.setTimeout(() => {
      apiRequest<LatinNameProposal>('POST', '/api/v1/names/transliterate', {
        family: family.trim(),
        given: given.trim(),
      }).then(
        (answer) => current && setProposal(answer),
        // No proposal is no loss: the fields stay as they are, to be typed.
        () => undefined,
      )
    }, 300)
    return () => {
      current = false
      window.clearTimeout(timer)
    }
  }, [family, given])
  useEffect(() => {
    if (!proposal) return
    for (const part of ['family', 'given'] as const) {
      const next = readable(part === 'family' ? proposal.familyIcao : proposal.givenIcao)
      if (latin[part] === '' || latin[part] === filled.current[part]) {
        filled.current[part] = next
        setLatin[part](next)
      }
    }
    // Only a new proposal fills the fields; the person's typing must not re-trigger it.
  }, [proposal])
}
