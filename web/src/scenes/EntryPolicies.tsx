import { type FormEvent, useState } from 'react'
import { apiRequest } from '../api/api-client'
import type { CertificateKindAdmitted, EntryPolicy } from '../api/types'
import { useAction } from '../api/use-action'
import { useApi } from '../api/use-api'
import { ErrorMessage } from '../components/ErrorMessage'
import { venueCategoryName } from '../components/venue-categories'
import { useI18n } from '../i18n/LanguageProvider'
import type { MessageKey } from '../i18n/messages'
import { useSession } from '../session/SessionProvider'

const kinds: readonly { kind: CertificateKindAdmitted; label: MessageKey }[] = [
  { kind: 'vaccination', label: 'policies.kind.vaccination' },
  { kind: 'recovery', label: 'policies.kind.recovery' },
  { kind: 'test', label: 'policies.kind.test' },
  { kind: 'antibody', label: 'policies.kind.antibody' },
]

/**
 * The authority's entry-policy editor: what each kind of venue in its region admits (the code
 * colours: green, or green and yellow; which certificate kinds; the validity rule set and its
 * region; how long a test counts), read from `GET /api/v1/entry-policies` and saved per kind with
 * `PUT /api/v1/entry-policies/{kind}`.
 */
export function EntryPolicies() {
  const { t } = useI18n()
  const { session } = useSession()
  const query = session?.issuerId ? `?issuerId=${encodeURIComponent(session.issuerId)}` : ''
  const policies = useApi<Record<string, EntryPolicy>>(`/api/v1/entry-policies${query}`)
  const [category, setCategory] = useState('theatre')
  const [saved, setSaved] = useState<string | undefined>(undefined)
  const label = (name: string) => t(venueCategoryName[name] ?? 'venue.category.other')
  const summary = (policy: EntryPolicy) =>
    [
      ...(policy.acceptGreenCode ? [t('policies.summaryGreen')] : []),
      ...(policy.acceptGreenCode && policy.admitYellowCode ? [t('policies.summaryYellow')] : []),
      ...kinds.filter((k) => policy.acceptCertificates.includes(k.kind)).map((k) => t(k.label)),
    ].join(', ')
  const current = policies.data?.[category]
  return (
    <>
      <h2 id="policies-title">{t('policies.title')}</h2>
      <p>{t('policies.intro')}</p>
      <ErrorMessage error={policies.error} />
      {policies.data && (
        <ul className="feed policy-list">
          {Object.entries(policies.data).map(([name, policy]) => (
            <li key={name} data-category={name}>
              <p>
                <strong>{label(name)}</strong>: {summary(policy)}
                {policy.ruleSet && ` · ${policy.ruleSet}`}
              </p>
              <button
                type="button"
                className="link"
                onClick={() => {
                  setSaved(undefined)
                  setCategory(name)
                  document.getElementById('policy-category')?.focus()
                }}
              >
                {t('policies.edit')}
                <span className="visually-hidden"> {label(name)}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
      {policies.data && (
        <>
          <label htmlFor="policy-category">{t('policies.category')}</label>
          <select
            id="policy-category"
            value={category}
            onChange={(event) => {
              setSaved(undefined)
              setCategory(event.target.value)
            }}
          >
            {Object.keys(policies.data).map((name) => (
              <option key={name} value={name}>
                {label(name)}
              </option>
            ))}
          </select>
        </>
      )}
      {current && (
        <PolicyForm
          key={`${category} ${JSON.stringify(current)}`}
          category={category}
          categoryLabel={label(category)}
          initial={current}
          issuerQuery={query}
          onSaved={() => {
            setSaved(category)
            policies.reload()
          }}
        />
      )}
      {saved && (
        <p role="status" className="notice allowed">
          {t('policies.saved', { category: label(saved) })}
        </p>
      )}
    </>
  )
}

function PolicyForm({
  category,
  categoryLabel,
  initial,
  issuerQuery,
  onSaved,
}: {
  category: string
  categoryLabel: string
  initial: EntryPolicy
  issuerQuery: string
  onSaved: () => void
}) {
  const { t } = useI18n()
  const [green, setGreen] = useState(initial.acceptGreenCode)
  const [yellow, setYellow] = useState(initial.admitYellowCode === true)
  const [accepted, setAccepted] = useState<readonly CertificateKindAdmitted[]>(
    initial.acceptCertificates,
  )
  const [hours, setHours] = useState(String(initial.testMaxAgeHours))
  const [ruleSet, setRuleSet] = useState(initial.ruleSet ?? '')
  const [region, setRegion] = useState(initial.region ?? '')
  const { busy, error, run } = useAction()
  const submit = async (event: FormEvent) => {
    event.preventDefault()
    const ok = await run(async () => {
      await apiRequest('PUT', `/api/v1/entry-policies/${category}${issuerQuery}`, {
        acceptGreenCode: green,
        ...(green && yellow ? { admitYellowCode: true } : {}),
        acceptCertificates: kinds.map((k) => k.kind).filter((kind) => accepted.includes(kind)),
        testMaxAgeHours: Number(hours),
        ...(ruleSet.trim() ? { ruleSet: ruleSet.trim() } : {}),
        ...(region.trim() ? { region: region.trim().toUpperCase() } : {}),
      })
    })
    if (ok) onSaved()
  }
  return (
    <form className="form" onSubmit={submit} aria-labelledby="policies-title">
      <label className="check">
        <input
          id="policy-green"
          type="checkbox"
          checked={green}
          onChange={(event) => setGreen(event.target.checked)}
        />
        {t('policies.greenCode')}
      </label>
      <label className="check">
        <input
          id="policy-yellow"
          type="checkbox"
          checked={green && yellow}
          disabled={!green}
          onChange={(event) => setYellow(event.target.checked)}
        />
        {t('policies.yellowCode')}
      </label>
      <fieldset>
        <legend>{t('policies.certificates')}</legend>
        {kinds.map(({ kind, label }) => (
          <label key={kind} className="check">
            <input
              id={`policy-kind-${kind}`}
              type="checkbox"
              checked={accepted.includes(kind)}
              onChange={(event) =>
                setAccepted((old) =>
                  event.target.checked ? [...old, kind] : old.filter((k) => k !== kind),
                )
              }
            />
            {t(label)}
          </label>
        ))}
      </fieldset>
      <label htmlFor="policy-test-hours">{t('policies.testHours')}</label>
      <input
        id="policy-test-hours"
        type="number"
        min={1}
        max={336}
        required
        value={hours}
        onChange={(event) => setHours(event.target.value)}
      />
      <label htmlFor="policy-rule-set">{t('policies.ruleSet')}</label>
      <input
        id="policy-rule-set"
        maxLength={40}
        placeholder={t('policies.ruleSetDefault')}
        value={ruleSet}
        onChange={(event) => setRuleSet(event.target.value)}
      />
      <label htmlFor="policy-region">{t('policies.region')}</label>
      <input
        id="policy-region"
        maxLength={20}
        value={region}
        onChange={(event) => setRegion(event.target.value)}
      />
      <ErrorMessage error={error} />
      <button type="submit" className="primary" disabled={busy}>
        {t('policies.save', { category: categoryLabel })}
      </button>
    </form>
  )
}
