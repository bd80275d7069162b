import en from './en.json'
import ru from './ru.json'
import zh from './zh.json'

/** Every UI text's key; en.json is the reference, and the others must have the same keys. */
export type MessageKey = keyof typeof en

/** The languages of the UI, as the API names them. */
export const languages = ['en', 'ru', 'zh'] as const
export type Language = (typeof languages)[number]

// Typed as complete catalogues: a key missing from ru.json or zh.json does not compile (and
// test/web/i18n.test.ts says which).
const catalogues: Record<Language, Record<MessageKey, string>> = { en, ru, zh }

/** The text of `key` in `language`, with `{name}` placeholders filled from `values`. */
export function translate(
  language: Language,
  key: MessageKey,
  values?: Readonly<Record<string, string | number>>,
): string {
  const text = catalogues[language][key]
  if (values === undefined) return text
  return text.replace(/\{(\w+)\}/g, (whole, name: string) =>
    name in values ? String(values[name]) : whole,
  )
}

/** Whether a string names a language of the UI. */
export function isLanguage(value: unknown): value is Language {
  return typeof value === 'string' && (languages as readonly string[]).includes(value)
}

/** The language to start in: the one chosen before, else the browser's, else English. */
export function initialLanguage(stored: string | null, preferred: readonly string[]): Language {
  if (isLanguage(stored)) return stored
  for (const tag of preferred) {
    const base = tag.toLowerCase().split('-')[0]
    if (isLanguage(base)) return base
  }
  return 'en'
}
