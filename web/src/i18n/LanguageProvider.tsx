import { type ReactNode, createContext, useCallback, useContext, useEffect, useMemo } from 'react'
import { useState } from 'react'
import {
  type Language,
  type MessageKey,
  initialLanguage,
  loadCatalogue,
  translate,
} from './messages'

const STORAGE_KEY = 'hc.language'

/** The current language, a way to change it, and formatting in it. */
export interface I18n {
  readonly language: Language
  readonly setLanguage: (language: Language) => void
  readonly t: (key: MessageKey, values?: Readonly<Record<string, string | number>>) => string
  /** A calendar day (`YYYY-MM-DD`, UTC) or an instant, as a date in the current language. */
  readonly formatDate: (value: string) => string
  /** An instant as a date and time in the current language. */
  readonly formatDateTime: (value: string) => string
  /** An instant (ms) as a running clock: weekday, date with the year, time to the second. */
  readonly formatClock: (value: number) => string
  readonly formatNumber: (value: number, options?: Intl.NumberFormatOptions) => string
}

const I18nContext = createContext<I18n | undefined>(undefined)

const INTL_LOCALE: Record<Language, string> = { en: 'en-GB', ru: 'ru-RU', zh: 'zh-CN' }

function readStored(): string | null {
  try {
    return localStorage.getItem(STORAGE_KEY)
  } catch {
    return null
  }
}

/** The language the app starts in: the one chosen before on this device, else the browser's. */
export function startingLanguage(): Language {
  return initialLanguage(readStored(), navigator.languages ?? [navigator.language])
}

/**
 * Gives the tree its language; the choice is kept in localStorage. The starting language's texts
 * must be loaded before (`loadCatalogue(startingLanguage())`); another language's are fetched when
 * it is chosen, and the switch happens once they are here.
 */
export function LanguageProvider({ children }: { children: ReactNode }) {
  const [language, setLanguageState] = useState<Language>(startingLanguage)
  useEffect(() => {
    document.documentElement.lang = language
    // Loaded on demand: only Chinese pages need it, and only where the device has no Chinese font.
    if (language === 'zh') void import('./chinese-font')
    document.title = translate(language, 'app.name')
  }, [language])
  const setLanguage = useCallback((next: Language) => {
    loadCatalogue(next).then(
      () => {
        setLanguageState(next)
        try {
          localStorage.setItem(STORAGE_KEY, next)
        } catch {
          // Private modes may refuse storage; the choice then lasts for this page only.
        }
      },
      // Not fetched (offline before the service worker kept it): the page stays as it is.
      () => undefined,
    )
  }, [])
  const value = useMemo<I18n>(() => {
    const locale = INTL_LOCALE[language]
    const day = new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeZone: 'UTC' })
    const instant = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' })
    const clock = new Intl.DateTimeFormat(locale, {
      weekday: 'short',
      day: 'numeric',
      month: 'short',
      year: 'numeric',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    })
    return {
      language,
      setLanguage,
      t: (key, values) => translate(language, key, values),
      // A bare day is a UTC calendar day (docs/health-code.md); shown in UTC so it never shifts.
      formatDate: (value) => {
        const date = new Date(/^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00Z` : value)
        return Number.isNaN(date.getTime()) ? value : day.format(date)
      },
      formatDateTime: (value) => {
        const date = new Date(value)
        return Number.isNaN(date.getTime()) ? value : instant.format(date)
      },
      formatClock: (value) => clock.format(value),
      formatNumber: (value, options) => new Intl.NumberFormat(locale, options).format(value),
    }
  }, [language, setLanguage])
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>
}

/** The current language and `t()`. */
export function useI18n(): I18n {
  const value = useContext(I18nContext)
  if (value === undefined) throw new Error('useI18n is used outside LanguageProvider')
  return value
}
