// Loaded with `node --import` by the start-up bench: counts every module file the process loads
// (ESM and CommonJS, through Node's synchronous module hooks) and writes the count and the files
// to MODULE_COUNT_FILE when the process gets SIGUSR2.
import { writeFileSync } from 'node:fs'
import * as nodeModule from 'node:module'

// Node 22.15+ has module.registerHooks; the @types/node the project pins does not know it yet.
type LoadHook = (
  url: string,
  context: unknown,
  nextLoad: (url: string, context: unknown) => unknown,
) => unknown
const { registerHooks } = nodeModule as unknown as {
  registerHooks: (hooks: { load: LoadHook }) => void
}

const loaded = new Set<string>()
registerHooks({
  load(url, context, nextLoad) {
    if (!url.startsWith('node:')) loaded.add(url)
    return nextLoad(url, context)
  },
})
process.on('SIGUSR2', () => {
  const file = process.env['MODULE_COUNT_FILE']
  if (file) writeFileSync(file, JSON.stringify([...loaded]))
})
