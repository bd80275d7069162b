import { useEffect, useRef } from 'react'
import type { ScanAnswer } from '../api/types'
import { useI18n } from '../i18n/LanguageProvider'
import { entryReasonKey } from './entry-reason'

/** What the door shows: queued offline, or the server's answer. */
export type DoorResult =
  { readonly kind: 'answer'; readonly answer: ScanAnswer } | { readonly kind: 'queued' }

/**
 * The full-screen answer, readable at arm's length: ALLOWED or NOT ALLOWED in large type and
 * colour, the masked name and birth date to match an ID, and the reason — nothing else about
 * the visitor's health.
 */
export function ScanResult({ result, onNext }: { result: DoorResult; onNext: () => void }) {
  const { t, formatDate } = useI18n()
  const next = useRef<HTMLButtonElement>(null)
  useEffect(() => next.current?.focus(), [])
  const answer = result.kind === 'answer' ? result.answer : undefined
  const tone = answer ? (answer.entryAllowed ? 'allowed' : 'refused') : 'queued'
  return (
    <div
      className={`scan-result ${tone}`}
      role="alertdialog"
      aria-modal="true"
      aria-labelledby="scan-verdict"
      data-verdict={tone}
    >
      <p id="scan-verdict" className="verdict">
        {tone === 'allowed' && t('scan.allowed')}
        {tone === 'refused' && t('scan.refused')}
        {tone === 'queued' && t('scan.queued')}
      </p>
      {answer?.holder?.name && <p className="holder">{answer.holder.name}</p>}
      {answer?.holder?.birthDate && (
        <p className="holder-birth">
          {t('scan.birthDate', { date: formatDate(answer.holder.birthDate) })}
        </p>
      )}
      <p className="why">
        {answer
          ? t(entryReasonKey(answer.reason, answer.verification?.stage))
          : t('scan.queuedHint')}
      </p>
      {answer?.duplicate && <p className="why">{t('scan.duplicate')}</p>}
      <button ref={next} type="button" className="next" onClick={onNext}>
        {t('scan.next')}
      </button>
    </div>
  )
}
