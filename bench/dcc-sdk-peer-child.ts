import { readFileSync } from 'node:fs'
import * as nodeModule from 'node:module'
import { createInterface } from 'node:readline'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { cpuMilliseconds } from './rate.js'

// Runs @pathcheck/dcc-sdk's `unpackAndVerify` for the bench, in its own process, from the scratch
// folder that dcc-sdk-peer.ts installed it in (GPL-3.0: never one of our dependencies).
// Arguments: the scratch folder and a JSON file of [{qr, kid, certificate}]. It prints
// "ready <count verified>", then answers each line "<ms>" with the calls per CPU second it made
// in that much of its CPU time.

interface PeerVector {
  readonly qr: string
  readonly kid: string
  readonly certificate: string
}

interface DccSdk {
  addCachedCerts(certificates: Record<string, string>): void
  unpackAndVerify(qr: string): Promise<{ status: string }>
}

const [folder, vectorFile] = process.argv.slice(2)
if (folder === undefined || vectorFile === undefined) {
  throw new Error('usage: dcc-sdk-peer-child.js FOLDER VECTORS.json')
}
// Its ES module entry: the CommonJS one goes through the `esm` loader, which Node 24 breaks. The
// ES modules import their neighbours without the `.js` that Node requires; added when missing.
// The peer logs what it finds wrong with console.log; stdout carries only this child's answers.
console.log = console.error.bind(console)

type Resolve = (specifier: string, context: unknown) => unknown
// In Node 24, missing from the typings this project has.
const { registerHooks } = nodeModule as unknown as {
  registerHooks(hooks: {
    resolve(specifier: string, context: unknown, nextResolve: Resolve): unknown
  }): void
}
registerHooks({
  resolve(specifier, context, nextResolve) {
    try {
      return nextResolve(specifier, context)
    } catch (error) {
      if (!specifier.startsWith('.') || specifier.endsWith('.js')) throw error
      return nextResolve(`${specifier}.js`, context)
    }
  },
})
const sdk = (await import(
  pathToFileURL(join(folder, 'node_modules', '@pathcheck', 'dcc-sdk', 'lib', 'main.js')).href
)) as DccSdk
const all = JSON.parse(readFileSync(vectorFile, 'utf8')) as PeerVector[]
sdk.addCachedCerts(Object.fromEntries(all.map((vector) => [vector.kid, vector.certificate])))

const verified: PeerVector[] = []
for (const vector of all) {
  if ((await sdk.unpackAndVerify(vector.qr)).status === 'verified') verified.push(vector)
}
process.stdout.write(`ready ${verified.length}\n`)

let next = 0
for await (const line of createInterface({ input: process.stdin })) {
  const durationMs = Number(line)
  const start = cpuMilliseconds()
  let calls = 0
  let elapsed = 0
  while (elapsed < durationMs && verified.length > 0) {
    const vector = verified[next] as PeerVector
    next = (next + 1) % verified.length
    await sdk.unpackAndVerify(vector.qr)
    calls++
    elapsed = cpuMilliseconds() - start
  }
  process.stdout.write(`${(calls * 1000) / Math.max(elapsed, 1e-9)}\n`)
}
