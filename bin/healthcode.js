#!/usr/bin/env node
import { enableCompileCache } from 'node:module'

// Node keeps the compiled code of the modules it loads in a cache on disk (the OS temporary
// folder, or NODE_COMPILE_CACHE; NODE_DISABLE_COMPILE_CACHE=1 turns it off) and checks it against
// each file's contents, so later starts skip compiling about a thousand modules again.
enableCompileCache()
const { main } = await import('../dist/src/cli/main.js')

process.exitCode = await main(process.argv.slice(2))
