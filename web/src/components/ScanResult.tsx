import { useEffect, useRef } from 'react'
import type { ScanAnswer } from '../api/types'
import { useI18n } from '../i18n/LanguageProvider'
import type { MessageKey } from '../i18n/messages'
import { bundleAgeText, bundleFreshness } from '../scanner/bundle-age'
import type { UncheckedReason } from '../scanner/offline-door'
import { entryReasonKey } from './entry-reason'

/**
 * What the door shows: an answer (the server's, or the scanner's own from its offline bundle,
 * `answer.offline`), or a scan saved for the server because it could not be judged here.
 */
export type DoorResult =
  | {
      readonly kind: 'answer'
      readonly answer: ScanAnswer
      /** For an answer reached offline: when the bundle it was judged with was made. */
      readonly bundleAt?: string | undefined
    }
  | {
      readonly kind: 'queued'
      readonly why?: UncheckedReason | undefined
      readonly bundleAt?: string | undefined
    }

/** Why a saved scan was not judged on the device, in words. */
const uncheckedText: Readonly<Record<UncheckedReason, MessageKey>> = {
  'no-bundle': 'scan.offlineNoData',
  'stale-bundle': 'scan.offlineStaleData',
  'smart-health-card': 'scan.offlineCannotCheck',
  'no-rule-set': 'scan.offlineCannotCheck',
}

/** The reason in words; a refusal by validity rules or revocation is named as such. */
function reasonKey(answer: ScanAnswer): MessageKey {
  if (answer.reason === 'RULES_NOT_MET') return 'scan.rulesNotMet'
  if (answer.reason === 'CODE_INVALID' && answer.verification?.stage === 'revoked') {
    return 'scan.revoked'
  }
  return entryReasonKey(answer.reason, answer.verification?.stage)
}

/**
 * The full-screen answer, readable at arm's length: ALLOWED or NOT ALLOWED in large type and
 * colour, the masked name and birth date to match an ID, and the reason — nothing else about
 * the visitor's health. An answer reached without the network says so.
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
      data-offline={answer?.offline ? 'true' : undefined}
    >
      <p id="scan-verdict" className="verdict">
        {tone === 'allowed' && t('scan.allowed')}
        {tone === 'refused' && t('scan.refused')}
        {tone === 'queued' && t('scan.queued')}
      </p>
      {answer?.offline && (
        <p className="offline-note">
          <strong>{t('scan.checkedOffline')}</strong>
        </p>
      )}
      {answer?.holder?.name && <p className="holder">{answer.holder.name}</p>}
      {answer?.holder?.birthDate && (
        <p className="holder-birth">
          {t('scan.birthDate', { date: formatDate(answer.holder.birthDate) })}
        </p>
      )}
      <p className="why">{answer ? t(reasonKey(answer)) : t('scan.queuedHint')}</p>
      {answer?.reason === 'RULES_NOT_MET' && (answer.rules?.failed?.length ?? 0) > 0 && (
        <ul className="why rules-failed">
          {answer.rules?.failed?.map((failure) => (
            <li key={failure.identifier}>{failure.text}</li>
          ))}
        </ul>
      )}
      {result.kind === 'queued' && result.why && (
        <p className="why">{t(uncheckedText[result.why])}</p>
      )}
      {result.bundleAt && <BundleAge at={result.bundleAt} />}
      {answer?.offline && answer.colour && <p className="why">{t('scan.offlineColour')}</p>}
      {answer?.duplicate && <p className="why">{t('scan.duplicate')}</p>}
      <button ref={next} type="button" className="next" onClick={onNext}>
        {t('scan.next')}
      </button>
    </div>
  )
}

/** The age of the offline data a scan was judged (or not judged) with; flagged once old. */
function BundleAge({ at }: { at: string }) {
  const { t, formatDateTime, language } = useI18n()
  const now = Date.now()
  const freshness = bundleFreshness(at, now)
  const values = { time: formatDateTime(at), age: bundleAgeText(at, now, language) }
  return (
    <p className={`bundle-age ${freshness}`} data-bundle-age={freshness}>
      {freshness === 'fresh' && t('scan.bundleFresh', values)}
      {freshness === 'old' && <strong>{t('scan.bundleOld', values)}</strong>}
      {freshness === 'stale' && <strong>{t('scan.bundleStale', values)}</strong>}
    </p>
  )
}
