import { parentPort, workerData } from 'node:worker_threads'
import { noSharedTrust, verifyContextOf } from './shared-trust.js'
import { TrustCertificateCache } from './verify-line.js'
import { verifyBatch, type LineBatch, type VerifyWorkerData } from './verify-pool.js'

/** A worker thread of `verify --jsonl`: verifies batches of lines and sends back the answers. */
const cache = new TrustCertificateCache()
// The command line's trust and revocation lists, parsed once for all the lines this worker takes.
const data = workerData as VerifyWorkerData | null
const context = verifyContextOf(data?.shared ?? noSharedTrust, data?.compact ?? false)
const port = parentPort
if (!port) throw new Error('verify-worker must run as a worker thread')

port.on('message', (batch: LineBatch) => {
  void verifyBatch(batch, cache, context).then((answers) =>
    port.postMessage(answers, [answers.answers.buffer as ArrayBuffer]),
  )
})
