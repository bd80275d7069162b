// The end of start-up leaves V8's young generation grown to its largest (loading a thousand
// modules and building every route allocates fast), and V8 keeps it while the process is idle
// until its memory reducer runs, some 10 s later: a server at rest held some 15 MiB it did not
// use. One collection that reduces memory (V8's "last resort" collection, as on a low-memory
// notification), half a second after the server listens, gives it back at once; see
// docs/benchmarks.md, start-up. Jest fetches `gc` the same way.
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'

type GcOptions = { type: 'major'; execution: 'sync'; flavor: 'last-resort' }
let collect: ((options: GcOptions) => void) | undefined

/** How long after listening the collection runs: the first requests (a health check) come first. */
export const START_UP_GARBAGE_DELAY_MS = 500

/**
 * Runs one full garbage collection that gives unused heap back to the system, without
 * `--expose-gc` on the command line: the flag is set only while a fresh context fetches the `gc`
 * function, and no other context sees it.
 */
export function collectStartUpGarbage(): void {
  if (collect === undefined) {
    setFlagsFromString('--expose-gc')
    try {
      collect = runInNewContext('gc') as (options: GcOptions) => void
    } finally {
      setFlagsFromString('--no-expose-gc')
    }
  }
  collect({ type: 'major', execution: 'sync', flavor: 'last-resort' })
}
