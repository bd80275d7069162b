import type { Me } from './types'
import { useApi } from './use-api'

/** The signed-in account and its person record (`GET /api/v1/me`). */
export function useMe() {
  return useApi<Me>('/api/v1/me')
}
