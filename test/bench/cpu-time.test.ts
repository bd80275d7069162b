import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { existsSync } from 'node:fs'
import { describe, it } from 'node:test'
import { statSeconds, threadCpuTimes } from '../../bench/cpu-time.js'

describe('the check-in bench reads CPU time from /proc', () => {
  it('reads user plus system time after a command name holding spaces and parentheses', () => {
    // Fields 14 and 15 (utime, stime) are 250 and 50 ticks: 3 s at 100 ticks a second.
    const fields = ['S', '1', '2', '3', '0', '-1', '4194560', '10', '0', '0', '0', '250', '50']
    assert.equal(statSeconds(`4242 (node (a) b) ${fields.join(' ')} 0 0 20 0 7`), 3)
  })

  it(
    'sees this process spend CPU time on its main thread',
    { skip: existsSync('/proc/self/stat') ? false : 'no /proc here' },
    () => {
      const before = threadCpuTimes(process.pid).get('MainThread') ?? 0
      // Busy for at least 100 ms of CPU time (10 ticks), so that the counters must move.
      const start = process.cpuUsage()
      while (process.cpuUsage(start).user < 100_000) Math.sqrt(Math.random())
      const after = threadCpuTimes(process.pid).get('MainThread')
      assert.ok(after !== undefined, 'Node names its main thread MainThread')
      assert.ok(after > before, 'the main thread used CPU time')
      assert.equal(threadCpuTimes(2 ** 30).size, 0, 'no such process')
    },
  )

  it(
    'counts the CPU time of the processes a server started (serve --workers)',
    { skip: existsSync('/proc/self/stat') ? false : 'no /proc here' },
    async () => {
      const total = () =>
        [...threadCpuTimes(process.pid).values()].reduce((sum, seconds) => sum + seconds, 0)
      const before = total()
      // A child busy for 300 ms of CPU time, which then waits to be ended.
      const child = spawn(
        process.execPath,
        [
          '-e',
          'const s = process.cpuUsage(); while (process.cpuUsage(s).user < 300000); console.log("done"); setInterval(() => {}, 1000)',
        ],
        { stdio: ['ignore', 'pipe', 'inherit'] },
      )
      try {
        await once(child.stdout, 'data')
        assert.ok(total() - before >= 0.2, 'the child’s time is in its parent’s')
      } finally {
        child.kill()
        await once(child, 'exit')
      }
    },
  )
})
