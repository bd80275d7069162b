import { existsSync, readFileSync, readdirSync } from 'node:fs'

/** The kernel's clock ticks per second for `/proc/…/stat` times (USER_HZ, 100 on Linux). */
const TICKS_PER_SECOND = 100

/**
 * The fields of a `/proc/…/stat` line from field 3 (state) on: the command name (field 2) is in
 * parentheses and may hold spaces and parentheses, so the line is read after the last ')'.
 */
function statFields(line: string): string[] {
  return line.slice(line.lastIndexOf(')') + 2).split(' ')
}

/** User plus system time from a `/proc/…/stat` line, in seconds. */
export function statSeconds(line: string): number {
  const fields = statFields(line)
  // utime and stime are fields 14 and 15 of the line; fields[0] is field 3.
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND
}

/**
 * The CPU seconds of the threads of `pid` and of every process it started (`serve --workers`),
 * added up by thread name (`/proc/…/task/…/comm`: `MainThread`, `WorkerThread`, `V8Worker`, …);
 * and, when `alsoCommand` is given, of every process of that command name under `postgres` say,
 * the database's own processes, as one entry named after it.
 */
export function threadCpuTimes(
  pid: number | undefined,
  alsoCommand?: string,
): ReadonlyMap<string, number> {
  const times = new Map<string, number>()
  if (pid === undefined || !existsSync(`/proc/${pid}/task`)) return times
  const add = (name: string, seconds: number) => times.set(name, (times.get(name) ?? 0) + seconds)
  for (const process of [pid, ...descendantsOf(pid)]) {
    for (const task of readOr(() => readdirSync(`/proc/${process}/task`), [])) {
      readOr(() => {
        const name = readFileSync(`/proc/${process}/task/${task}/comm`, 'utf8').trim()
        add(name, statSeconds(readFileSync(`/proc/${process}/task/${task}/stat`, 'utf8')))
      }, undefined)
    }
  }
  if (alsoCommand !== undefined) {
    for (const process of processIds()) {
      readOr(() => {
        if (readFileSync(`/proc/${process}/comm`, 'utf8').trim() !== alsoCommand) return
        add(`${alsoCommand} (all)`, statSeconds(readFileSync(`/proc/${process}/stat`, 'utf8')))
      }, undefined)
    }
  }
  return times
}

/** Every process id `/proc` lists. */
function processIds(): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .map(Number)
}

/** The processes started by `pid`, and by them, from the parent ids in `/proc/…/stat`. */
function descendantsOf(pid: number): number[] {
  const children = new Map<number, number[]>()
  for (const process of processIds()) {
    readOr(() => {
      // The parent's id is field 4.
      const parent = Number(statFields(readFileSync(`/proc/${process}/stat`, 'utf8'))[1])
      children.set(parent, [...(children.get(parent) ?? []), process])
    }, undefined)
  }
  const found: number[] = []
  const queue = [pid]
  while (queue.length > 0) {
    for (const child of children.get(queue.shift() as number) ?? []) {
      found.push(child)
      queue.push(child)
    }
  }
  return found
}

/** What `read` answers, or `otherwise` when the process or thread ended meanwhile. */
function readOr<T>(read: () => T, otherwise: T): T {
  try {
    return read()
  } catch {
    return otherwise
  }
}
