import type { Evidence } from '../api/types'
import { useI18n } from '../i18n/LanguageProvider'
import type { MessageKey } from '../i18n/messages'

const testTypes: Readonly<Record<string, MessageKey>> = {
  'LP6464-4': 'clinic.testType.pcr',
  'LP217198-3': 'clinic.testType.antigen',
}
const results: Readonly<Record<string, MessageKey>> = {
  '260373001': 'clinic.result.positive',
  '260415000': 'clinic.result.negative',
}

const text = (value: unknown): string =>
  typeof value === 'string' || typeof value === 'number' ? String(value) : ''

/** What a commission request's evidence says, as a definition list. */
export function EvidenceDetails({ evidence }: { evidence: Evidence }) {
  const { t, formatDate, formatDateTime } = useI18n()
  const data = evidence.data
  if (evidence.kind === 'test') {
    const type = text(data['testType'])
    const result = text(data['result'])
    return (
      <dl className="facts">
        <dt>{t('commission.evidence')}</dt>
        <dd>{t('commission.evidence.test')}</dd>
        <dt>{t('clinic.testType')}</dt>
        <dd>{testTypes[type] ? t(testTypes[type]) : type}</dd>
        {text(data['name']) && (
          <>
            <dt>{t('clinic.testName')}</dt>
            <dd>{text(data['name'])}</dd>
          </>
        )}
        <dt>{t('clinic.sampledAt')}</dt>
        <dd>{formatDateTime(text(data['sampledAt']))}</dd>
        <dt>{t('clinic.result')}</dt>
        <dd>{results[result] ? t(results[result]) : result}</dd>
        <dt>{t('clinic.centre')}</dt>
        <dd>{text(data['centre'])}</dd>
      </dl>
    )
  }
  return (
    <dl className="facts">
      <dt>{t('commission.evidence')}</dt>
      <dd>{t('commission.evidence.antibody')}</dd>
      <dt>{t('commission.assay')}</dt>
      <dd>{text(data['assay'])}</dd>
      <dt>{t('commission.level')}</dt>
      <dd>
        {text(data['value'])} {text(data['unit'])} ({t('commission.threshold')}{' '}
        {text(data['threshold'])})
      </dd>
      <dt>{t('clinic.date')}</dt>
      <dd>{formatDate(text(data['date']))}</dd>
    </dl>
  )
}
