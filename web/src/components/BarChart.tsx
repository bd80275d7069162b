import { useI18n } from '../i18n/LanguageProvider'

export interface Bar {
  readonly label: string
  readonly value: number
  /** A class for this bar alone (a colour: green, yellow, red). */
  readonly tone?: string
}

/** A horizontal bar chart in CSS: a list whose items carry their number as text too. */
export function BarChart({
  title,
  bars,
  tone,
}: {
  title: string
  bars: readonly Bar[]
  tone?: string
}) {
  const { formatNumber } = useI18n()
  const max = Math.max(1, ...bars.map((bar) => bar.value))
  return (
    <figure className="chart">
      <figcaption>{title}</figcaption>
      <ul className="bars">
        {bars.map((bar) => (
          <li key={bar.label}>
            <span className="bar-label">{bar.label}</span>
            <span className="bar-track" aria-hidden="true">
              <span
                className={`bar ${bar.tone ?? tone ?? ''}`}
                style={{ width: `${(bar.value / max) * 100}%` }}
              />
            </span>
            <span className="bar-value">{formatNumber(bar.value)}</span>
          </li>
        ))}
      </ul>
    </figure>
  )
}
