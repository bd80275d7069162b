import { type FormEvent, useId, useState } from 'react'
import { useI18n } from '../i18n/LanguageProvider'

/** The fallback to a camera: paste or type the text of a code. */
export function ManualEntry({
  onSubmit,
  busy,
}: {
  onSubmit: (text: string) => void
  busy?: boolean
}) {
  const { t } = useI18n()
  const id = useId()
  const [text, setText] = useState('')
  const submit = (event: FormEvent) => {
    event.preventDefault()
    const value = text.trim()
    if (value === '') return
    onSubmit(value)
    setText('')
  }
  return (
    <form onSubmit={submit} className="form manual-entry">
      <label htmlFor={id}>{t('manual.label')}</label>
      <textarea
        id={id}
        rows={3}
        required
        spellCheck={false}
        autoCapitalize="off"
        autoCorrect="off"
        value={text}
        onChange={(event) => setText(event.target.value)}
      />
      <button type="submit" className="primary" disabled={busy}>
        {t('manual.submit')}
      </button>
    </form>
  )
}
