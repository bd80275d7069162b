/** Past this many days a daily chart is drawn by week: 90 daily bars are a page of bars. */
export const DAILY_BARS_UP_TO = 30

/**
 * Days (`YYYY-MM-DD`, in order) with a count each, summed into weeks starting on Monday when there
 * are more than `DAILY_BARS_UP_TO` of them; each week is named by its first day in the data.
 */
export function byWeekWhenLong(
  days: readonly { readonly day: string; readonly value: number }[],
): { readonly from: string; readonly until: string; readonly value: number }[] {
  if (days.length <= DAILY_BARS_UP_TO) {
    return days.map((day) => ({ from: day.day, until: day.day, value: day.value }))
  }
  const weeks: { from: string; until: string; value: number }[] = []
  for (const day of days) {
    const last = weeks[weeks.length - 1]
    if (last && mondayOf(last.from) === mondayOf(day.day)) {
      last.until = day.day
      last.value += day.value
    } else {
      weeks.push({ from: day.day, until: day.day, value: day.value })
    }
  }
  return weeks
}

/** The Monday of a day's week, `YYYY-MM-DD`. */
function mondayOf(day: string): string {
  const date = new Date(`${day}T00:00:00Z`)
  return new Date(date.getTime() - ((date.getUTCDay() + 6) % 7) * 86_400_000)
    .toISOString()
    .slice(0, 10)
}
