import { BUNDLE_FLAG_AGE_MS, MAX_BUNDLE_AGE_MS } from './offline-bundle'

/** How old an offline bundle is, in words of `language` ("5 minutes ago", "3 hours ago"). */
export function bundleAgeText(generatedAt: string, now: number, language: string): string {
  const minutes = Math.max(0, Math.round((now - Date.parse(generatedAt)) / 60_000))
  return new Intl.RelativeTimeFormat(language, { numeric: 'auto' }).format(
    minutes < 60 ? -minutes : -Math.round(minutes / 60),
    minutes < 60 ? 'minute' : 'hour',
  )
}

/**
 * How a bundle's age reads at the door: `fresh`, `old` (past `BUNDLE_FLAG_AGE_MS`: flagged, still
 * used) or `stale` (past `MAX_BUNDLE_AGE_MS`: refused, scans only saved).
 */
export function bundleFreshness(generatedAt: string, now: number): 'fresh' | 'old' | 'stale' {
  const age = now - Date.parse(generatedAt)
  if (age > MAX_BUNDLE_AGE_MS) return 'stale'
  return age > BUNDLE_FLAG_AGE_MS ? 'old' : 'fresh'
}
