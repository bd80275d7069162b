import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { App } from './App'
import { LanguageProvider, startingLanguage } from './i18n/LanguageProvider'
import { loadCatalogue } from './i18n/messages'
import { SessionProvider } from './session/SessionProvider'
import './styles.css'

const root = document.getElementById('root')
if (!root) throw new Error('index.html has no #root')
// Only the starting language's texts are fetched; the page shows once they are here.
await loadCatalogue(startingLanguage())
createRoot(root).render(
  <StrictMode>
    <LanguageProvider>
      <SessionProvider>
        <App />
      </SessionProvider>
    </LanguageProvider>
  </StrictMode>,
)

// The service worker keeps the shell for offline starts; the API is never cached.
// Registered once the page has loaded, which may already be so: the texts were awaited above.
if ('serviceWorker' in navigator && import.meta.env.PROD) {
  const register = () => {
    navigator.serviceWorker.register(`${import.meta.env.BASE_URL}sw.js`).catch(() => undefined)
  }
  if (document.readyState === 'complete') register()
  else window.addEventListener('load', register)
}
