import { readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { brotliCompressSync, constants, gzipSync } from 'node:zlib'
import react from '@vitejs/plugin-react'
import { type Plugin, defineConfig } from 'vite'

/**
 * Renames @fontsource's Noto Sans SC to "Noto Sans SC Web" so that an installed Noto Sans SC keeps
 * its name and is used without a download (a web font would shadow it), and drops the WOFF
 * fallbacks every browser we serve can do without.
 */
function chineseWebFont(): Plugin {
  return {
    name: 'healthcode-chinese-web-font',
    enforce: 'pre',
    transform(code, id) {
      if (!/@fontsource[\\/]noto-sans-sc[\\/]\d+\.css$/.test(id)) return undefined
      return code
        .replaceAll("font-family: 'Noto Sans SC';", "font-family: 'Noto Sans SC Web';")
        .replaceAll(/, url\([^)]+\.woff\) format\('woff'\)/g, '')
    },
  }
}

/**
 * Writes `precache.json`: the app's scripts and styles, which the service worker (web/public/sw.js)
 * keeps at install so that the app, the door scanner included, opens without a network. The
 * scanner's WebAssembly and the Chinese font are kept when first used instead.
 */
function precacheList(): Plugin {
  return {
    name: 'healthcode-precache-list',
    apply: 'build',
    generateBundle(_options, bundle) {
      const base = '/app/'
      const files = Object.keys(bundle)
        .filter((file) => /\.(js|css)$/.test(file) && !file.includes('chinese-font'))
        .sort()
        .map((file) => `${base}${file}`)
      this.emitFile({
        type: 'asset',
        fileName: 'precache.json',
        source: `${JSON.stringify(files, null, 2)}\n`,
      })
    },
  }
}

/**
 * Writes a gzip and a brotli copy beside every compressible file of the build (public/ included),
 * once, at build time: the server (@fastify/static with preCompressed) sends the copy the client
 * takes and never compresses per request.
 */
function precompressed(): Plugin {
  const compressible = /\.(html|js|mjs|css|json|webmanifest|wasm|svg|map|txt)$/
  let outDir = ''
  return {
    name: 'healthcode-precompressed',
    apply: 'build',
    configResolved(config) {
      outDir = config.build.outDir
    },
    closeBundle() {
      const walk = (dir: string): string[] =>
        readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
          entry.isDirectory() ? walk(join(dir, entry.name)) : [join(dir, entry.name)],
        )
      for (const file of walk(outDir)) {
        if (!compressible.test(file) || statSync(file).size <= 1024) continue
        const body = readFileSync(file)
        writeFileSync(`${file}.gz`, gzipSync(body, { level: 9 }))
        writeFileSync(
          `${file}.br`,
          brotliCompressSync(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }),
        )
      }
    },
  }
}

// The app lives under /app/ (the API keeps /api and the server's own pages keep /); Fastify serves
// dist/web (src/api/routes/web/routes.ts).
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/app/',
  plugins: [react(), chineseWebFont(), precacheList(), precompressed()],
  build: {
    outDir: fileURLToPath(new URL('../dist/web', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    // The ZXing reader's WebAssembly (~1 MB) is an asset of its own, loaded only by the scanner.
    assetsInlineLimit: (file) => (file.endsWith('.wasm') ? false : undefined),
    chunkSizeWarningLimit: 600,
  },
  server: { proxy: { '/api': 'http://localhost:8080' } },
})
