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

/** The other threads of `pid` by name (`/proc/…/task/…/comm`), with their CPU seconds. */
export function threadCpuTimes(pid: number | undefined): ReadonlyMap<string, number> {
  const times = new Map<string, number>()
  if (pid === undefined || !existsSync(`/proc/${pid}/task`)) return times
  for (const task of readdirSync(`/proc/${pid}/task`)) {
    try {
      const name = readFileSync(`/proc/${pid}/task/${task}/comm`, 'utf8').trim()
      const seconds = statSeconds(readFileSync(`/proc/${pid}/task/${task}/stat`, 'utf8'))
      times.set(name, (times.get(name) ?? 0) + seconds)
    } catch {
      // The thread ended between the listing and the read.
    }
  }
  return times
}
