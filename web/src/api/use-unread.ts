import { useEffect, useState } from 'react'
import { apiRequest } from './api-client'

/** Sent on `window` with the new count when the feed has been read, so the badge follows at once. */
const UNREAD_EVENT = 'healthcode:unread'
/** How often the badge asks the server again while the app is open, in milliseconds. */
const REFRESH_MS = 60_000

/** Tells the badge how many notifications remain unread (after marking some read). */
export function announceUnread(count: number): void {
  window.dispatchEvent(new CustomEvent<number>(UNREAD_EVENT, { detail: count }))
}

/**
 * How many notifications of the signed-in person's feed are unread
 * (`GET /api/v1/me/feed/unread`): asked at start, every minute, when the network returns and when
 * the app comes back to the foreground; 0 when `enabled` is false or the server cannot be asked.
 */
export function useUnreadCount(enabled: boolean): number {
  const [count, setCount] = useState(0)
  useEffect(() => {
    if (!enabled) {
      setCount(0)
      return
    }
    let live = true
    const ask = () => {
      apiRequest<{ unread: number }>('GET', '/api/v1/me/feed/unread').then(
        (answer) => live && setCount(answer.unread),
        () => undefined,
      )
    }
    const announced = (event: Event) => setCount((event as CustomEvent<number>).detail)
    const visible = () => document.visibilityState === 'visible' && ask()
    ask()
    const timer = window.setInterval(ask, REFRESH_MS)
    window.addEventListener('online', ask)
    window.addEventListener(UNREAD_EVENT, announced)
    document.addEventListener('visibilitychange', visible)
    return () => {
      live = false
      window.clearInterval(timer)
      window.removeEventListener('online', ask)
      window.removeEventListener(UNREAD_EVENT, announced)
      document.removeEventListener('visibilitychange', visible)
    }
  }, [enabled])
  return count
}
