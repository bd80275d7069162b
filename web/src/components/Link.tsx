import type { MouseEvent, ReactNode } from 'react'
import { type Detail, type Route, hrefOf, navigate, openDetail } from '../router'

/**
 * A link to a page of the app, or to one of its detail views (`detail`): a real `<a href>`,
 * followed without a reload.
 */
export function Link({
  to,
  detail,
  children,
  current,
  className,
}: {
  to: Route
  detail?: Detail
  children: ReactNode
  current?: boolean
  className?: string
}) {
  const onClick = (event: MouseEvent<HTMLAnchorElement>) => {
    if (event.metaKey || event.ctrlKey || event.shiftKey || event.button !== 0) return
    event.preventDefault()
    if (detail) openDetail(to, detail.kind, detail.id)
    else navigate(to)
  }
  return (
    <a
      href={hrefOf(to, detail)}
      onClick={onClick}
      aria-current={current ? 'page' : undefined}
      className={className}
    >
      {children}
    </a>
  )
}
