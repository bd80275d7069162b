import { parentPort } from 'node:worker_threads'
import { TrustCertificateCache } from './verify-line.js'
import { verifyBatch, type LineBatch } from './verify-pool.js'

/** A worker thread of `verify --jsonl`: verifies batches of lines and sends back the answers. */
const cache = new TrustCertificateCache()
const port = parentPort
if (!port) throw new Error('verify-worker must run as a worker thread')

port.on('message', (batch: LineBatch) => {
  void verifyBatch(batch, cache).then((answers) => port.postMessage(answers))
})
