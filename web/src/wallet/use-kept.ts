import { useEffect, useState } from 'react'
import { NetworkError } from '../api/api-client'
import type { ApiState } from '../api/use-api'
import { keep, kept } from './wallet-store'

/** An API answer, or without a network the copy last kept on the device and when it was fetched. */
export interface KeptState<T> {
  readonly data: T | undefined
  readonly error: unknown
  readonly loading: boolean
  /** Set when `data` is the device's copy: when it was fetched from the server. */
  readonly fetchedAt: string | undefined
}

/**
 * Keeps every answer of `state` under `key` (when defined), and answers the kept copy instead of a
 * network error. Other errors (signed out, refused) are shown as they are.
 */
export function useKept<T>(key: string | undefined, state: ApiState<T>): KeptState<T> {
  const [copy, setCopy] = useState<{ key: string; value: T; fetchedAt: string } | undefined>()
  const [reading, setReading] = useState(false)
  const offline = state.error instanceof NetworkError
  useEffect(() => {
    if (key !== undefined && state.data !== undefined) void keep(key, state.data)
  }, [key, state.data])
  useEffect(() => {
    if (key === undefined || !offline) return
    let live = true
    setReading(true)
    kept<T>(key).then((found) => {
      if (!live) return
      setCopy(found ? { key, ...found } : undefined)
      setReading(false)
    })
    return () => {
      live = false
    }
  }, [key, offline])
  const fromDevice = offline && copy?.key === key ? copy : undefined
  if (fromDevice) {
    return {
      data: fromDevice.value,
      error: undefined,
      loading: false,
      fetchedAt: fromDevice.fetchedAt,
    }
  }
  return {
    data: state.data,
    error: offline && reading ? undefined : state.error,
    loading: state.loading || (offline && reading),
    fetchedAt: undefined,
  }
}
