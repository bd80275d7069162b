// The service worker of the Healthcode web app: keeps the shell (the page and its hashed assets) so
// the app opens without a network; never caches the API, whose answers are personal and short-lived.
const CACHE = 'healthcode-shell-v2'
const SCOPE = new URL('./', self.location.href).pathname
const SHELL = [SCOPE, `${SCOPE}manifest.webmanifest`, `${SCOPE}icon.svg`]

self.addEventListener('install', (event) => {
  // The shell and every script and style of this release (precache.json, written by the build),
  // so that a page reloaded without a network, the door scanner's included, still opens.
  event.waitUntil(
    fetch(`${SCOPE}precache.json`, { cache: 'no-cache' })
      .then((answer) => (answer.ok ? answer.json() : []))
      .catch(() => [])
      .then((assets) => caches.open(CACHE).then((cache) => cache.addAll([...SHELL, ...assets])))
      .then(() => self.skipWaiting()),
  )
})

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((names) =>
        Promise.all(names.filter((name) => name !== CACHE).map((name) => caches.delete(name))),
      )
      .then(() => self.clients.claim()),
  )
})

self.addEventListener('fetch', (event) => {
  const request = event.request
  const url = new URL(request.url)
  if (request.method !== 'GET' || url.origin !== self.location.origin) return
  if (!url.pathname.startsWith(SCOPE)) return
  if (request.mode === 'navigate') {
    // Network first: a new release shows at once; offline, the cached shell opens.
    event.respondWith(
      fetch(request)
        .then((response) => {
          if (response.ok) {
            const copy = response.clone()
            caches.open(CACHE).then((cache) => cache.put(SCOPE, copy))
          }
          return response
        })
        .catch(() => caches.match(SCOPE).then((cached) => cached ?? Response.error())),
    )
    return
  }
  if (url.pathname.startsWith(`${SCOPE}assets/`)) {
    // Hashed names never change content: the cache answers first.
    event.respondWith(
      caches.match(request).then(
        (cached) =>
          cached ??
          fetch(request).then((response) => {
            if (response.ok) {
              const copy = response.clone()
              caches.open(CACHE).then((cache) => cache.put(request, copy))
            }
            return response
          }),
      ),
    )
  }
})
