import { useCallback, useEffect, useState } from 'react'
import { apiRequest } from './api-client'

/** A GET's answer as React state: loading, the data, or the error; `reload` asks again. */
export interface ApiState<T> {
  readonly data: T | undefined
  readonly error: unknown
  readonly loading: boolean
  readonly reload: () => void
}

/** Loads `path` (when defined) and again whenever `path` changes or `reload` is called. */
export function useApi<T>(path: string | undefined): ApiState<T> {
  const [data, setData] = useState<T | undefined>(undefined)
  const [error, setError] = useState<unknown>(undefined)
  const [loading, setLoading] = useState(path !== undefined)
  const [generation, setGeneration] = useState(0)
  useEffect(() => {
    if (path === undefined) return
    let live = true
    setLoading(true)
    apiRequest<T>('GET', path).then(
      (answer) => {
        if (!live) return
        setData(answer)
        setError(undefined)
        setLoading(false)
      },
      (failure: unknown) => {
        if (!live) return
        setError(failure)
        setLoading(false)
      },
    )
    return () => {
      live = false
    }
  }, [path, generation])
  const reload = useCallback(() => setGeneration((value) => value + 1), [])
  return { data, error, loading, reload }
}
