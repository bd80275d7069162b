import { parentPort, workerData } from 'node:worker_threads'
import { type CityJob, cityChunks } from './city-chunks.js'

// The seeder's generator thread: makes the city's chunks and posts them to the writer, at most
// `ahead` of them unwritten (the writer counts them down in `pending` as it writes), so memory
// holds a few chunks whatever the city's size.
const { job, pending, ahead } = workerData as {
  job: CityJob
  pending: SharedArrayBuffer
  ahead: number
}
const unwritten = new Int32Array(pending)
const port = parentPort
if (!port) throw new Error('expected to run as a worker thread')
try {
  for (const chunk of cityChunks(job)) {
    for (let n = Atomics.load(unwritten, 0); n >= ahead; n = Atomics.load(unwritten, 0)) {
      Atomics.wait(unwritten, 0, n)
    }
    Atomics.add(unwritten, 0, 1)
    port.postMessage({ chunk })
  }
  port.postMessage({ end: true })
} catch (error) {
  port.postMessage({
    error: error instanceof Error ? (error.stack ?? error.message) : String(error),
  })
}
