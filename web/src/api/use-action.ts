import { useCallback, useState } from 'react'

/** What a person asks of the server from a form or a button: whether it runs, and how it failed. */
export interface Action {
  readonly busy: boolean
  /** The last failure, for ErrorMessage; cleared when the action runs again. */
  readonly error: unknown
  /** Runs `work`, keeping its failure (never throwing it); answers whether it succeeded. */
  readonly run: (work: () => Promise<void>) => Promise<boolean>
}

/** The busy flag and the failure of an action, so that forms do not each keep their own. */
export function useAction(): Action {
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<unknown>(undefined)
  const run = useCallback(async (work: () => Promise<void>) => {
    setBusy(true)
    setError(undefined)
    try {
      await work()
      return true
    } catch (failure) {
      setError(failure)
      return false
    } finally {
      setBusy(false)
    }
  }, [])
  return { busy, error, run }
}
