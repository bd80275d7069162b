import { fileURLToPath } from 'node:url'
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

// The app lives under /app/ (the API keeps /api and the server's own pages keep /); Fastify serves
// dist/web (src/api/routes/web/routes.ts).
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/app/',
  plugins: [react(), chineseWebFont(), precacheList()],
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
