import type { MouseEvent, ReactNode } from 'react'
import { type Route, hrefOf, navigate } from '../router'

/** A link to a page of the app: a real `<a href>`, followed without a reload. */
export function Link({
  to,
  children,
  current,
  className,
}: {
  to: Route
  children: ReactNode
  current?: boolean
  className?: string
}) {
  const onClick = (event: MouseEvent<HTMLAnchorElement>) => {
    if (event.metaKey || event.ctrlKey || event.shiftKey || event.button !== 0) return
    event.preventDefault()
    navigate(to)
  }
  return (
    <a
      href={hrefOf(to)}
      onClick={onClick}
      aria-current={current ? 'page' : undefined}
      className={className}
    >
      {children}
    </a>
  )
}
