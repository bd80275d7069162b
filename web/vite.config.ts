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

// The app lives under /app/ (the API keeps /api and the server's own pages keep /); Fastify serves
// dist/web (src/api/routes/web/routes.ts).
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/app/',
  plugins: [react(), chineseWebFont()],
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
