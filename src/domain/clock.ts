/** Where the domain reads the time: the system clock in production, a fixed one in tests. */
export type Clock = () => Date

export const systemClock: Clock = () => new Date()
