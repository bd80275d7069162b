import type { Case, Exposure, Notification, TracingWork } from './tracing.js'

/** Cases, exposures and the people's feeds. */
export interface TracingRepository {
  createCase(input: Omit<Case, 'id' | 'publishedAt' | 'closedAt'>): Promise<Case>
  findCase(id: string): Promise<Case | undefined>
  caseOf(personId: string): Promise<Case | undefined>
  /** Cases of people of these issuers, newest first, open, closed or all. */
  listCases(filter: {
    issuerIds: readonly string[]
    status: 'open' | 'closed' | 'all'
    limit: number
    offset: number
  }): Promise<Case[]>
  /** Closes a case at an instant, or reopens it (undefined). */
  setCaseClosed(id: string, closedAt: string | undefined): Promise<void>
  publishCase(id: string, at: string): Promise<void>
  publishedCases(since: string): Promise<Case[]>
  addExposures(exposures: readonly Omit<Exposure, 'id'>[]): Promise<Exposure[]>
  exposuresOf(personId: string, since: string): Promise<Exposure[]>
  exposuresOfCase(caseId: string): Promise<Exposure[]>
  notify(notification: Omit<Notification, 'id' | 'readAt'>): Promise<Notification>
  notifyMany(notifications: readonly Omit<Notification, 'id' | 'readAt'>[]): Promise<void>
  feed(personId: string, limit: number): Promise<Notification[]>
  markRead(personId: string, ids: readonly string[], at: string): Promise<void>
  /** How many of the person's notifications are not read yet. */
  unreadCount(personId: string): Promise<number>
  /**
   * Queues a case's background work, its close contacts not yet told; a case traced again replaces
   * what was left of the last.
   */
  queueWork(work: { caseId: string; tracedAt: string; reassess: readonly string[] }): Promise<void>
  /** The oldest queued work, at most `limit` cases. */
  queuedWork(limit: number): Promise<TracingWork[]>
  /** A case's queued work, locked for the rest of the transaction where writers run side by side. */
  findWork(caseId: string): Promise<TracingWork | undefined>
  /**
   * Records progress: what was handled, who is yet to be reassessed, one more attempt if asked, and
   * that the close contacts were told if they were.
   */
  saveWork(
    caseId: string,
    progress: {
      done: number
      reassess: readonly string[]
      attempted?: boolean
      closeContactsTold?: boolean
    },
  ): Promise<void>
  /** Removes a case's work, unless it was queued again (traced at another time) meanwhile. */
  finishWork(caseId: string, tracedAt: string): Promise<void>
}
