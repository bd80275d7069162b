import { existsSync, readFileSync, readdirSync } from 'node:fs'

/** CPU seconds a process has used, in all and on its main thread (Linux `/proc`). */
export interface CpuTime {
  readonly process: number
  readonly mainThread: number
}

/** The kernel's clock ticks per second for `/proc/…/stat` times (USER_HZ, 100 on Linux). */
const TICKS_PER_SECOND = 100

/** User plus system time from a `/proc/…/stat` line, in seconds. */
export function statSeconds(line: string): number {
  // The command name (field 2) is in parentheses and may hold spaces: read after the last ')'.
  const fields = line.slice(line.lastIndexOf(')') + 2).split(' ')
  // utime and stime are fields 14 and 15 of the line; fields[0] is field 3 (state).
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND
}

/**
 * The CPU time of process `pid` so far, and of its main thread (the thread whose id is the
 * process's); undefined where `/proc` is not there or the process has gone.
 */
export function cpuTimeOf(pid: number | undefined): CpuTime | undefined {
  if (pid === undefined || !existsSync(`/proc/${pid}/stat`)) return undefined
  try {
    return {
      process: statSeconds(readFileSync(`/proc/${pid}/stat`, 'utf8')),
      mainThread: statSeconds(readFileSync(`/proc/${pid}/task/${pid}/stat`, 'utf8')),
    }
  } catch {
    return undefined
  }
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
      const line = readFileSync(`/proc/${process}/stat`, 'utf8')
      // The parent's id is field 4, the second after the command name's closing parenthesis.
      const parent = Number(line.slice(line.lastIndexOf(')') + 2).split(' ')[1])
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
