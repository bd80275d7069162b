import { randomUUID } from 'node:crypto'
import type { TracingRepository } from '../domain/ports.js'
import type { Case, Exposure, Notification, TracingWork } from '../domain/tracing/tracing.js'
import { isoTimestamp } from './errors.js'
import { type RepositoryContext, optional, withConstraintErrors } from './repository-context.js'
import type { CaseRow, ExposureRow, NotificationRow, TracingWorkTable } from './schema.js'
import { timeOrderedUuid } from './time-ordered-uuid.js'

function caseRowToCase(row: CaseRow): Case {
  return {
    id: row.id,
    personId: row.person_id,
    confirmedAt: row.confirmed_at,
    source: row.source,
    recordId: optional(row.record_id),
    createdBy: row.created_by,
    publishedAt: optional(row.published_at),
    district: optional(row.district),
    closedAt: optional(row.closed_at),
  }
}

function exposureRowToExposure(row: ExposureRow): Exposure {
  return {
    id: row.id,
    personId: row.person_id,
    caseId: row.case_id,
    kind: row.kind,
    venueId: optional(row.venue_id),
    at: row.at,
    createdAt: row.created_at,
    district: optional(row.district),
  }
}

function notificationRowToNotification(row: NotificationRow): Notification {
  return {
    id: row.id,
    personId: row.person_id,
    kind: row.kind as Notification['kind'],
    data: JSON.parse(row.data),
    createdAt: row.created_at,
    readAt: optional(row.read_at),
  }
}

function workRowToWork(row: TracingWorkTable): TracingWork {
  return {
    caseId: row.case_id,
    tracedAt: row.traced_at,
    done: Number(row.done),
    reassess: JSON.parse(row.reassess) as string[],
    attempts: Number(row.attempts),
    closeContactsTold: Number(row.close_contacts_told) === 1,
  }
}

/** Cases, exposures, the people's feeds, and tracing's queue of background work. */
export class KyselyTracingRepository implements TracingRepository {
  constructor(private readonly context: RepositoryContext) {}

  /** @throws {StorageError} `ERR_STORAGE_UNIQUE` when the person is a case already. */
  async createCase(input: Omit<Case, 'id' | 'publishedAt' | 'closedAt'>): Promise<Case> {
    const row: CaseRow = {
      id: randomUUID(),
      person_id: input.personId,
      confirmed_at: isoTimestamp(input.confirmedAt),
      source: input.source,
      record_id: input.recordId ?? null,
      created_by: input.createdBy,
      published_at: null,
      district: input.district ?? null,
      closed_at: null,
    }
    await withConstraintErrors(
      this.context,
      this.context.db.insertInto('cases').values(row).execute(),
    )
    return caseRowToCase(row)
  }

  async findCase(id: string): Promise<Case | undefined> {
    const row = await this.context.db
      .selectFrom('cases')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst()
    return row && caseRowToCase(row)
  }

  async caseOf(personId: string): Promise<Case | undefined> {
    const row = await this.context.db
      .selectFrom('cases')
      .selectAll()
      .where('person_id', '=', personId)
      .executeTakeFirst()
    return row && caseRowToCase(row)
  }

  async listCases(filter: {
    issuerIds: readonly string[]
    status: 'open' | 'closed' | 'all'
    limit: number
    offset: number
  }): Promise<Case[]> {
    if (filter.issuerIds.length === 0) return []
    let query = this.context.db
      .selectFrom('cases')
      .innerJoin('people', 'people.id', 'cases.person_id')
      .selectAll('cases')
      .where('people.issuer_id', 'in', [...filter.issuerIds])
    if (filter.status === 'open') query = query.where('cases.closed_at', 'is', null)
    if (filter.status === 'closed') query = query.where('cases.closed_at', 'is not', null)
    const rows = await query
      .orderBy('cases.confirmed_at', 'desc')
      .orderBy('cases.id')
      .limit(filter.limit)
      .offset(filter.offset)
      .execute()
    return rows.map(caseRowToCase)
  }

  async setCaseClosed(id: string, closedAt: string | undefined): Promise<void> {
    await this.context.db
      .updateTable('cases')
      .set({ closed_at: closedAt === undefined ? null : isoTimestamp(closedAt) })
      .where('id', '=', id)
      .execute()
  }

  async publishCase(id: string, at: string): Promise<void> {
    await this.context.db
      .updateTable('cases')
      .set({ published_at: isoTimestamp(at) })
      .where('id', '=', id)
      .execute()
  }

  async publishedCases(since: string): Promise<Case[]> {
    const rows = await this.context.db
      .selectFrom('cases')
      .selectAll()
      .where('published_at', 'is not', null)
      .where('confirmed_at', '>=', since)
      .orderBy('confirmed_at', 'desc')
      .execute()
    return rows.map(caseRowToCase)
  }

  /**
   * Adds exposures, skipping one the person already has for the case and kind; returns the new
   * ones. Their ids, as the notifications', are time-ordered UUIDs (version 7): a case's thousands
   * of rows then go to the end of the id index rather than each to a page of its own.
   */
  async addExposures(exposures: readonly Omit<Exposure, 'id'>[]): Promise<Exposure[]> {
    const rows: ExposureRow[] = exposures.map((exposure) => ({
      id: timeOrderedUuid(),
      person_id: exposure.personId,
      case_id: exposure.caseId,
      kind: exposure.kind,
      venue_id: exposure.venueId ?? null,
      at: isoTimestamp(exposure.at),
      created_at: isoTimestamp(exposure.createdAt),
      district: exposure.district ?? null,
    }))
    const added: Exposure[] = []
    // 8 columns a row: 500 rows stay well under SQLite's parameter limit.
    for (let i = 0; i < rows.length; i += 500) {
      const chunk = rows.slice(i, i + 500)
      const inserted = await this.context.db
        .insertInto('exposures')
        .values(chunk)
        .onConflict((conflict) => conflict.columns(['person_id', 'case_id', 'kind']).doNothing())
        .returning('id')
        .execute()
      const ids = new Set(inserted.map((row) => row.id))
      for (const row of chunk) if (ids.has(row.id)) added.push(exposureRowToExposure(row))
    }
    return added
  }

  async exposuresOf(personId: string, since: string): Promise<Exposure[]> {
    const rows = await this.context.db
      .selectFrom('exposures')
      .selectAll()
      .where('person_id', '=', personId)
      .where('at', '>=', since)
      .orderBy('at')
      .execute()
    return rows.map(exposureRowToExposure)
  }

  async exposuresOfCase(caseId: string): Promise<Exposure[]> {
    const rows = await this.context.db
      .selectFrom('exposures')
      .selectAll()
      .where('case_id', '=', caseId)
      .orderBy('at')
      .execute()
    return rows.map(exposureRowToExposure)
  }

  async notify(notification: Omit<Notification, 'id' | 'readAt'>): Promise<Notification> {
    const row: NotificationRow = {
      id: timeOrderedUuid(),
      person_id: notification.personId,
      kind: notification.kind,
      data: JSON.stringify(notification.data),
      created_at: isoTimestamp(notification.createdAt),
      read_at: null,
    }
    await this.context.db.insertInto('notifications').values(row).execute()
    return notificationRowToNotification(row)
  }

  async notifyMany(notifications: readonly Omit<Notification, 'id' | 'readAt'>[]): Promise<void> {
    const rows: NotificationRow[] = notifications.map((notification) => ({
      id: timeOrderedUuid(),
      person_id: notification.personId,
      kind: notification.kind,
      data: JSON.stringify(notification.data),
      created_at: isoTimestamp(notification.createdAt),
      read_at: null,
    }))
    for (let i = 0; i < rows.length; i += 500) {
      await this.context.db
        .insertInto('notifications')
        .values(rows.slice(i, i + 500))
        .execute()
    }
  }

  async feed(personId: string, limit: number): Promise<Notification[]> {
    const rows = await this.context.db
      .selectFrom('notifications')
      .selectAll()
      .where('person_id', '=', personId)
      .orderBy('created_at', 'desc')
      .orderBy('id')
      .limit(limit)
      .execute()
    return rows.map(notificationRowToNotification)
  }

  async markRead(personId: string, ids: readonly string[], at: string): Promise<void> {
    if (ids.length === 0) return
    await this.context.db
      .updateTable('notifications')
      .set({ read_at: isoTimestamp(at) })
      .where('person_id', '=', personId)
      .where('id', 'in', [...ids])
      .where('read_at', 'is', null)
      .execute()
  }

  async unreadCount(personId: string): Promise<number> {
    const row = await this.context.db
      .selectFrom('notifications')
      .select((eb) => eb.fn.countAll<number | string | bigint>().as('count'))
      .where('person_id', '=', personId)
      .where('read_at', 'is', null)
      .executeTakeFirstOrThrow()
    // PostgreSQL answers a count as a bigint string; SQLite as a number.
    return Number(row.count)
  }

  async queueWork(work: {
    caseId: string
    tracedAt: string
    reassess: readonly string[]
  }): Promise<void> {
    const values = {
      traced_at: isoTimestamp(work.tracedAt),
      done: 0,
      reassess: JSON.stringify(work.reassess),
      attempts: 0,
      created_at: isoTimestamp(this.context.clock().toISOString()),
      close_contacts_told: 0,
    }
    await this.context.db
      .insertInto('tracing_work')
      .values({ case_id: work.caseId, ...values })
      .onConflict((conflict) => conflict.column('case_id').doUpdateSet(values))
      .execute()
  }

  async queuedWork(limit: number): Promise<TracingWork[]> {
    const rows = await this.context.db
      .selectFrom('tracing_work')
      .selectAll()
      .orderBy('created_at')
      .orderBy('case_id')
      .limit(limit)
      .execute()
    return rows.map(workRowToWork)
  }

  async findWork(caseId: string): Promise<TracingWork | undefined> {
    const row = await this.context.db
      .selectFrom('tracing_work')
      .selectAll()
      .where('case_id', '=', caseId)
      .$if(this.context.dialect.rowLocks, (query) => query.forUpdate())
      .executeTakeFirst()
    return row && workRowToWork(row)
  }

  async saveWork(
    caseId: string,
    progress: {
      done: number
      reassess: readonly string[]
      attempted?: boolean
      closeContactsTold?: boolean
    },
  ): Promise<void> {
    await this.context.db
      .updateTable('tracing_work')
      .set((eb) => ({
        done: progress.done,
        reassess: JSON.stringify(progress.reassess),
        ...(progress.attempted ? { attempts: eb('attempts', '+', 1) } : {}),
        ...(progress.closeContactsTold ? { close_contacts_told: 1 } : {}),
      }))
      .where('case_id', '=', caseId)
      .execute()
  }

  async finishWork(caseId: string, tracedAt: string): Promise<void> {
    await this.context.db
      .deleteFrom('tracing_work')
      .where('case_id', '=', caseId)
      .where('traced_at', '=', isoTimestamp(tracedAt))
      .execute()
  }
}
