import { existsSync } from 'node:fs'
import * as nodeModule from 'node:module'
import { fileURLToPath } from 'node:url'
import { workerData } from 'node:worker_threads'
import type { CompileCacheApi, VerifyWorkerData } from './verify-pool.js'

// A worker thread of `verify --jsonl` starts here, and loads the worker as the CLI loads itself
// (bin/healthcode.js): Node's compile cache on where the starting thread has it (the cache is
// enabled per thread, and must be before the worker's modules load), and the build's bundle of the
// worker (dist/server/verify-worker.js, scripts/bundle-server.js) where there is one, rather than
// its some 75 module files. Each worker then starts in a fraction of the time (docs/benchmarks.md,
// verify --jsonl).
const cacheDirectory = (workerData as VerifyWorkerData | null)?.compileCache
if (cacheDirectory !== undefined) {
  ;(nodeModule as unknown as CompileCacheApi).enableCompileCache(cacheDirectory)
}
// From dist/src/cli/jsonl, the bundle's folder; from src/cli/jsonl (tests), a path that is not.
const bundled = new URL('../../../server/verify-worker.js', import.meta.url)
await import(existsSync(fileURLToPath(bundled)) ? bundled.href : './verify-worker.js')
