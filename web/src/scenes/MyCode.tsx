import { useEffect, useState } from 'react'
import { NetworkError, apiRequest } from '../api/api-client'
import type { HealthCodeToken, Me } from '../api/types'
import { useMe } from '../api/use-me'
import { ErrorMessage } from '../components/ErrorMessage'
import { QrCanvas } from '../components/QrCanvas'
import { SaveQrImage } from '../components/SaveQrImage'
import { colourName, qrInk } from '../components/colours'
import { useI18n } from '../i18n/LanguageProvider'
import { readCodeHolder } from '../wallet/read-code'
import { useKept } from '../wallet/use-kept'
import { keep, kept, walletKey } from '../wallet/wallet-store'
import { LinkRecord } from './LinkRecord'

/** Fetch a new code this long before the current one expires, so a door never sees a stale one. */
const REFRESH_BEFORE_MS = 30_000
const MIN_REFRESH_MS = 5_000
const RETRY_MS = 15_000

/** "My code": the dynamic health code in its colour, with its reasons and the day it turns green. */
export function MyCode() {
  const { t } = useI18n()
  const fetched = useMe()
  const me = useKept<Me>(walletKey.me, fetched)
  const personId = me.data?.person?.id
  if (me.loading && !me.data) return <p role="status">{t('common.loading')}</p>
  if (me.error) return <ErrorMessage error={me.error} />
  if (!personId) return <LinkRecord onLinked={fetched.reload} />
  return <HealthCode personId={personId} />
}

function HealthCode({ personId }: { personId: string }) {
  const { t, language, formatDate, formatDateTime, formatClock } = useI18n()
  const [token, setToken] = useState<HealthCodeToken | undefined>(undefined)
  const [error, setError] = useState<unknown>(undefined)
  // Set when the token shown is the device's copy: when it was fetched.
  const [fetchedAt, setFetchedAt] = useState<string | undefined>(undefined)
  const [holder, setHolder] = useState<string | undefined>(undefined)
  const now = useNow()
  useEffect(() => {
    let live = true
    if (token) readCodeHolder(token.qr).then((name) => live && setHolder(name))
    return () => {
      live = false
    }
  }, [token])
  useEffect(() => {
    let live = true
    let timer: number | undefined
    const load = async () => {
      try {
        const answer = await apiRequest<HealthCodeToken>(
          'GET',
          `/api/v1/people/${encodeURIComponent(personId)}/health-code/token`,
        )
        if (!live) return
        setToken(answer)
        setFetchedAt(undefined)
        setError(undefined)
        void keep(walletKey.code(personId), answer)
        const wait = Date.parse(answer.expiresAt) - Date.now() - REFRESH_BEFORE_MS
        timer = window.setTimeout(load, Math.max(MIN_REFRESH_MS, wait))
      } catch (failure) {
        if (!live) return
        // Without a network, the code last fetched on this device (its expiry is checked below).
        const copy =
          failure instanceof NetworkError
            ? await kept<HealthCodeToken>(walletKey.code(personId))
            : undefined
        if (!live) return
        if (copy) {
          setToken((current) =>
            current && Date.parse(current.expiresAt) >= Date.parse(copy.value.expiresAt)
              ? current
              : copy.value,
          )
          setFetchedAt((current) => current ?? copy.fetchedAt)
          setError(undefined)
        } else {
          setError(failure)
        }
        timer = window.setTimeout(load, RETRY_MS)
      }
    }
    // A phone wakes with an old page: fetch at once if the code has expired meanwhile.
    const onVisible = () => {
      if (document.visibilityState !== 'visible') return
      window.clearTimeout(timer)
      void load()
    }
    void load()
    document.addEventListener('visibilitychange', onVisible)
    return () => {
      live = false
      window.clearTimeout(timer)
      document.removeEventListener('visibilitychange', onVisible)
    }
  }, [personId])

  const code = token?.healthCode
  // A token past its expiry is refused at every door: offline, say so rather than show it.
  const expired = token !== undefined && Date.parse(token.expiresAt) <= now
  return (
    <section aria-labelledby="page-title" className="my-code">
      <h1 id="page-title" tabIndex={-1}>
        {t('code.title')}
      </h1>
      <ErrorMessage error={error} />
      {!token && !error && <p role="status">{t('common.loading')}</p>}
      {fetchedAt && (
        <p className="notice kept" role="status" data-kept-at={fetchedAt}>
          {t('wallet.keptAt', { time: formatDateTime(fetchedAt) })}
        </p>
      )}
      {token && expired && (
        <p className="notice code-expired" role="alert" data-code-expired="true">
          {t('code.expiredOffline', { time: formatDateTime(token.expiresAt) })}
        </p>
      )}
      {token && code && !expired && (
        <div className={`code-card colour-${code.colour}`} data-colour={code.colour}>
          <p className="code-banner">{t(colourName[code.colour])}</p>
          {holder && <p className="code-holder">{holder}</p>}
          <div className="code-live" aria-hidden="true">
            <span className="code-live-mark" />
          </div>
          <p className="code-clock" data-clock={now}>
            <time dateTime={new Date(now).toISOString()}>{formatClock(now)}</time>
          </p>
          <QrCanvas
            text={token.qr}
            colour={qrInk[code.colour]}
            size={280}
            label={t('code.qrLabel', { colour: t(colourName[code.colour]) })}
          />
          <p className="code-valid">
            {t('code.validUntil', { time: formatDateTime(token.expiresAt) })}
          </p>
          <SaveQrImage text={token.qr} colour={qrInk[code.colour]} fileName="health-code" />
          {code.colour !== 'green' && code.greenOn && (
            <p className="code-green-on">{t('code.greenOn', { date: formatDate(code.greenOn) })}</p>
          )}
          {code.reasons.length > 0 && (
            <>
              <h2>{t('code.reasons')}</h2>
              <ul className="reasons">
                {code.reasons.map((reason) => (
                  <li key={reason.ruleId} className={`reason colour-${reason.colour}`}>
                    {reason.text[language]}
                    {reason.greenOn && (
                      <span className="muted">
                        {' '}
                        {t('code.reasonUntil', { date: formatDate(reason.greenOn) })}
                      </span>
                    )}
                  </li>
                ))}
              </ul>
            </>
          )}
          {code.reasons.length === 0 && <p>{t('code.noReasons')}</p>}
        </div>
      )}
    </section>
  )
}

/** The time now, renewed every second: the code's running clock. */
function useNow(): number {
  const [now, setNow] = useState(() => Date.now())
  useEffect(() => {
    const timer = window.setInterval(() => setNow(Date.now()), 1_000)
    return () => window.clearInterval(timer)
  }, [])
  return now
}
