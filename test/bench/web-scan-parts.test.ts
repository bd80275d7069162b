import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { NEXT_SCANS, type PageRecord, sessionOf } from '../../bench/web-bench.js'

/** A session of one first scan and the next visitors, each 100 ms after the previous result. */
function record(firstReadOffset: number): PageRecord {
  const scans = NEXT_SCANS + 1
  const frames: number[] = []
  const results: number[] = []
  const reads: PageRecord['frames'] = []
  const judged: PageRecord['judged'] = []
  for (let scan = 0; scan < scans; scan++) {
    const presented = 1_000 + scan * 1_000
    // The read starts `firstReadOffset` ms after the frame's presentation (before it when < 0),
    // takes 30 ms; judging takes 40 ms and painting 5 ms.
    const read = presented + firstReadOffset
    frames.push(presented)
    reads.push({ start: read, duration: 30, detail: { width: 640, height: 480, thorough: false } })
    judged.push({ start: read + 30, duration: 40 })
    results.push(read + 30 + 40 + 5)
  }
  return { marks: { frames, results }, hasDetector: false, reader: 300, frames: reads, judged }
}

describe('the web bench splitting a door session into scans', () => {
  it('times a scan from the frame presentation when the first read comes after it', () => {
    const session = sessionOf(record(20))
    assert.deepEqual(session.scansMs, Array(NEXT_SCANS + 1).fill(20 + 75))
    assert.deepEqual(session.parts[0], { waitMs: 20, framesMs: 30, judgeMs: 40, showMs: 5 })
  })

  it('times a scan from the first read when the scanner read the video before its presentation time', () => {
    const session = sessionOf(record(-35))
    assert.deepEqual(session.scansMs, Array(NEXT_SCANS + 1).fill(75))
    assert.deepEqual(
      session.parts.map((part) => part.waitMs),
      Array(NEXT_SCANS + 1).fill(0),
    )
  })
})
