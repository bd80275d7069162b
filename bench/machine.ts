import { availableParallelism, cpus, totalmem } from 'node:os'

/** The machine a bench ran on, for reading its figures later. */
export interface Machine {
  readonly cpu: string
  /** Logical cores, as `os.cpus()` lists them. */
  readonly cores: number
  /** What `verify --jsonl` takes as its default worker count. */
  readonly availableParallelism: number
  readonly memoryGiB: number
  readonly node: string
  /** When the bench ran, ISO 8601 UTC. */
  readonly date: string
}

/** Describes this machine and the Node.js running the bench. */
export function describeMachine(at = new Date()): Machine {
  const processors = cpus()
  return {
    cpu: processors[0]?.model.trim() ?? 'unknown',
    cores: processors.length,
    availableParallelism: availableParallelism(),
    memoryGiB: totalmem() / 1024 ** 3,
    node: process.version,
    date: at.toISOString(),
  }
}
