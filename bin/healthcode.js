#!/usr/bin/env node
import { existsSync } from 'node:fs'
import { enableCompileCache } from 'node:module'

// Node keeps the compiled code of the modules it loads in a cache on disk (the OS temporary
// folder, or NODE_COMPILE_CACHE; NODE_DISABLE_COMPILE_CACHE=1 turns it off) and checks it against
// each file's contents, so later starts skip compiling them again.
enableCompileCache()
// The build bundles the CLI into dist/server (scripts/bundle-server.js), which starts faster than
// the thousand module files of dist/src; without it (a TypeScript build alone) dist/src runs.
const bundled = new URL('../dist/server/main.js', import.meta.url)
const { main } = await import(existsSync(bundled) ? bundled.href : '../dist/src/cli/main.js')

process.exitCode = await main(process.argv.slice(2))
