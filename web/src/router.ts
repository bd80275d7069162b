import { useSyncExternalStore } from 'react'

/** The app's pages; each is a path under the base (`/app/`). */
export const routes = [
  'code',
  'declare',
  'certificates',
  'check-in',
  'notifications',
  'requests',
  'profile',
  'register',
  'scanner',
  'clinic',
  'commission',
  'authority',
  'company',
  'trust',
  'revocations',
  'cases',
  'exposure-sites',
  'about',
] as const
export type Route = (typeof routes)[number] | 'home'

const base = import.meta.env.BASE_URL

function routeOf(pathname: string): Route {
  const rest = pathname.startsWith(base) ? pathname.slice(base.length) : ''
  const name = rest.replace(/\/+$/, '')
  return (routes as readonly string[]).includes(name) ? (name as Route) : 'home'
}

function subscribe(listener: () => void): () => void {
  window.addEventListener('popstate', listener)
  return () => window.removeEventListener('popstate', listener)
}

/** The current page, following the address bar. */
export function useRoute(): Route {
  return useSyncExternalStore(subscribe, () => routeOf(window.location.pathname))
}

/** The address of a page. */
export function hrefOf(route: Route): string {
  return route === 'home' ? base : `${base}${route}`
}

/** Goes to a page without reloading. */
export function navigate(route: Route): void {
  const href = hrefOf(route)
  if (window.location.pathname !== href) window.history.pushState(null, '', href)
  window.dispatchEvent(new PopStateEvent('popstate'))
}
