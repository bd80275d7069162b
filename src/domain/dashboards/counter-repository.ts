/** The dashboards' daily counters. */
export interface CounterRepository {
  add(
    increments: readonly { day: string; district: string; metric: string; by: number }[],
  ): Promise<void>
  read(filter: {
    from: string
    until: string
    metrics: readonly string[]
    districts?: readonly string[]
  }): Promise<{ day: string; district: string; metric: string; value: number }[]>
}
