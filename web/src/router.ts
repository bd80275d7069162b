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

/**
 * The detail views a page may open, each at an address of its own below the page
 * (`/app/clinic/people/{id}`), so that Back, reload and a shared link keep it.
 */
export type DetailKind = 'people' | 'requests' | 'certificates' | 'cases' | 'venues'

/** A detail view: what it shows and its id. */
export interface Detail {
  readonly kind: DetailKind
  readonly id: string
}

const detailKinds: readonly string[] = ['people', 'requests', 'certificates', 'cases', 'venues']

const base = import.meta.env.BASE_URL

function segmentsOf(pathname: string): string[] {
  const rest = pathname.startsWith(base) ? pathname.slice(base.length) : ''
  return rest.split('/').filter((segment) => segment !== '')
}

function routeOf(pathname: string): Route {
  const [name = '', ...more] = segmentsOf(pathname)
  if (!(routes as readonly string[]).includes(name)) return 'home'
  // A page's own address, or one of its detail views; anything else is unknown.
  return more.length === 0 || (more.length === 2 && detailKinds.includes(more[0] ?? ''))
    ? (name as Route)
    : 'home'
}

/** The id of the detail view of `kind` the address names, if it names one. */
function detailOf(pathname: string, kind: DetailKind): string | undefined {
  const [, found, id] = segmentsOf(pathname)
  if (found !== kind || id === undefined) return undefined
  try {
    return decodeURIComponent(id)
  } catch {
    return undefined
  }
}

function subscribe(listener: () => void): () => void {
  window.addEventListener('popstate', listener)
  return () => window.removeEventListener('popstate', listener)
}

/** The current page, following the address bar. */
export function useRoute(): Route {
  return useSyncExternalStore(subscribe, () => routeOf(window.location.pathname))
}

/** The id of the detail view of `kind` open on the current page, following the address bar. */
export function useDetail(kind: DetailKind): string | undefined {
  return useSyncExternalStore(subscribe, () => detailOf(window.location.pathname, kind))
}

/** The address of a page, or of one of its detail views. */
export function hrefOf(route: Route, detail?: Detail): string {
  if (route === 'home') return base
  return detail
    ? `${base}${route}/${detail.kind}/${encodeURIComponent(detail.id)}`
    : `${base}${route}`
}

/** Goes to a page, or one of its detail views, without reloading; a new entry in the history. */
export function navigate(route: Route, detail?: Detail): void {
  const href = hrefOf(route, detail)
  if (window.location.pathname !== href) window.history.pushState(null, '', href)
  window.dispatchEvent(new PopStateEvent('popstate'))
}

/**
 * Opens a detail view of `route` (`id`), or closes it (`undefined`): the address changes, so Back
 * returns to where the user was and reload keeps the view. Closing a view opened from within the
 * app goes back in the history, so that Back afterwards does not open it again.
 */
export function openDetail(route: Route, kind: DetailKind, id: string | undefined): void {
  if (id === undefined) {
    const state = window.history.state as { openedFrom?: string } | null
    if (typeof state?.openedFrom === 'string') window.history.back()
    else navigate(route)
    return
  }
  const href = hrefOf(route, { kind, id })
  if (window.location.pathname === href) return
  window.history.pushState({ openedFrom: window.location.pathname }, '', href)
  window.dispatchEvent(new PopStateEvent('popstate'))
}
