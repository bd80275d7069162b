import type en from './en.json'

/** Every UI text's key; en.json is the reference, and the others must have the same keys. */
export type MessageKey = keyof typeof en

/** The languages of the UI, as the API names them. */
export const languages = ['en', 'ru', 'zh'] as const
export type Language = (typeof languages)[number]

type Catalogue = Readonly<Record<MessageKey, string>>

// Each language's texts are a file of their own, fetched when the language is first used, so a
// page downloads one language, not three. Typed as complete catalogues: a key missing from
// ru.json or zh.json does not compile (and test/web/i18n.test.ts says which).
const loaders: Readonly<Record<Language, () => Promise<{ default: Catalogue }>>> = {
  en: () => import('./en.json'),
  ru: () => import('./ru.json'),
  zh: () => import('./zh.json'),
}
const loaded: Partial<Record<Language, Catalogue>> = {}

/** Fetches a language's texts, once; `translate` needs them. */
export async function loadCatalogue(language: Language): Promise<void> {
  loaded[language] ??= (await loaders[language]()).default
}

/** Whether a language's texts are here. */
export function hasCatalogue(language: Language): boolean {
  return loaded[language] !== undefined
}

/**
 * The text of `key` in `language`, with `{name}` placeholders filled from `values`; the key itself
 * while the language's texts are not loaded (`loadCatalogue`).
 */
export function translate(
  language: Language,
  key: MessageKey,
  values?: Readonly<Record<string, string | number>>,
): string {
  const text = loaded[language]?.[key] ?? key
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
