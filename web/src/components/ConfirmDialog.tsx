import { useI18n } from '../i18n/LanguageProvider'

/**
 * Asks before a step that cannot be taken back (rotating a key, publishing rules): the question
 * and its two answers, focused on Yes so that it is not missed below the form.
 */
export function ConfirmDialog({
  id,
  question,
  yes,
  busy,
  onYes,
  onNo,
}: {
  id: string
  question: string
  yes: string
  busy: boolean
  onYes: () => void
  onNo: () => void
}) {
  const { t } = useI18n()
  return (
    <div role="alertdialog" aria-labelledby={id} className="notice refused">
      <p id={id}>
        <strong>{question}</strong>
      </p>
      <div className="actions">
        <button type="button" className="primary" disabled={busy} autoFocus onClick={onYes}>
          {yes}
        </button>
        <button type="button" disabled={busy} onClick={onNo}>
          {t('common.cancel')}
        </button>
      </div>
    </div>
  )
}
