import { type ReactNode, Suspense, lazy, useEffect } from 'react'
import { ErrorMessage } from './components/ErrorMessage'
import { Link } from './components/Link'
import { useI18n } from './i18n/LanguageProvider'
import { type Language, type MessageKey, languages } from './i18n/messages'
import { type Route, useRoute } from './router'
import { About } from './scenes/About'
import { MyCode } from './scenes/MyCode'
import { SignIn } from './scenes/SignIn'
import { hasRole, isCitizen, isScannerRole, useSession } from './session/SessionProvider'
import { NetworkError } from './api/api-client'
import { useUnreadCount } from './api/use-unread'

// Pages a citizen opens less often load on demand, so "My code" appears fast on a slow network.
const Declare = lazy(() => import('./scenes/Declare').then((m) => ({ default: m.Declare })))
const Certificates = lazy(() =>
  import('./scenes/Certificates').then((m) => ({ default: m.Certificates })),
)
const CheckIn = lazy(() => import('./scenes/CheckIn').then((m) => ({ default: m.CheckIn })))
const Notifications = lazy(() =>
  import('./scenes/Notifications').then((m) => ({ default: m.Notifications })),
)
const Scanner = lazy(() => import('./scenes/Scanner').then((m) => ({ default: m.Scanner })))
const Clinic = lazy(() => import('./scenes/Clinic').then((m) => ({ default: m.Clinic })))
const Commission = lazy(() =>
  import('./scenes/Commission').then((m) => ({ default: m.Commission })),
)
const Authority = lazy(() => import('./scenes/Authority').then((m) => ({ default: m.Authority })))
const Company = lazy(() => import('./scenes/Company').then((m) => ({ default: m.Company })))
const Trust = lazy(() => import('./scenes/Trust').then((m) => ({ default: m.Trust })))
const Requests = lazy(() => import('./scenes/Requests').then((m) => ({ default: m.Requests })))
const Profile = lazy(() => import('./scenes/Profile').then((m) => ({ default: m.Profile })))
const Register = lazy(() => import('./scenes/Register').then((m) => ({ default: m.Register })))
const Revocations = lazy(() =>
  import('./scenes/Revocations').then((m) => ({ default: m.Revocations })),
)
const Cases = lazy(() => import('./scenes/Cases').then((m) => ({ default: m.Cases })))
const ExposureSites = lazy(() =>
  import('./scenes/ExposureSites').then((m) => ({ default: m.ExposureSites })),
)

const languageName: Readonly<Record<Language, string>> = {
  en: 'English',
  ru: 'Русский',
  zh: '中文',
}

interface NavItem {
  readonly route: Route
  readonly label: MessageKey
}

const citizenNav: readonly NavItem[] = [
  { route: 'code', label: 'nav.code' },
  { route: 'declare', label: 'nav.declare' },
  { route: 'certificates', label: 'nav.certificates' },
  { route: 'check-in', label: 'nav.checkIn' },
  { route: 'requests', label: 'nav.requests' },
  { route: 'notifications', label: 'nav.notifications' },
  { route: 'exposure-sites', label: 'nav.exposureSites' },
  { route: 'profile', label: 'nav.profile' },
]

/** The shell: header with language and sign-out, navigation by role, and the current page. */
export function App() {
  const { t, language, setLanguage } = useI18n()
  const { status, session, offline, signOut, accountCreated } = useSession()
  const route = useRoute()
  const citizen = isCitizen(session)
  const unread = useUnreadCount(status === 'signedIn' && citizen)
  const scanner = isScannerRole(session)
  const roles: StaffRoles = {
    clinic: hasRole(session, 'clinician'),
    commission: hasRole(session, 'commission_member'),
    authority: hasRole(session, 'health_authority'),
    company: hasRole(session, 'company_admin'),
    trust: hasRole(session, 'administrator'),
    revocations: hasRole(session, 'administrator', 'health_authority'),
  }
  const nav: NavItem[] = [
    ...(citizen ? citizenNav : []),
    ...(roles.clinic ? [{ route: 'clinic', label: 'nav.clinic' } as const] : []),
    ...(roles.commission ? [{ route: 'commission', label: 'nav.commission' } as const] : []),
    ...(roles.authority ? [{ route: 'authority', label: 'nav.authority' } as const] : []),
    ...(roles.authority ? [{ route: 'cases', label: 'nav.cases' } as const] : []),
    ...(roles.authority ? [{ route: 'exposure-sites', label: 'nav.exposureSites' } as const] : []),
    ...(roles.company ? [{ route: 'company', label: 'nav.company' } as const] : []),
    ...(roles.trust ? [{ route: 'trust', label: 'nav.trust' } as const] : []),
    ...(roles.revocations ? [{ route: 'revocations', label: 'nav.revocations' } as const] : []),
    ...(scanner ? [{ route: 'scanner', label: 'nav.scanner' } as const] : []),
    { route: 'about', label: 'nav.about' },
  ]
  const home: Route = citizen
    ? 'code'
    : roles.clinic
      ? 'clinic'
      : roles.commission
        ? 'commission'
        : roles.authority
          ? 'authority'
          : roles.company
            ? 'company'
            : roles.trust
              ? 'trust'
              : scanner
                ? 'scanner'
                : 'about'
  // Signed in, the registration page has done its work: the account's first page instead.
  const shown = route === 'home' || route === 'register' ? home : route

  // Moves focus to the new page's heading, so a screen reader announces the page change.
  useEffect(() => {
    document.getElementById('page-title')?.focus()
  }, [shown, status])

  let page: ReactNode
  if (status === 'loading') page = <p role="status">{t('common.loading')}</p>
  else if (status === 'unreachable') page = <ErrorMessage error={new NetworkError('offline')} />
  else if (status === 'signedOut')
    page =
      route === 'about' ? (
        <About />
      ) : route === 'register' ? (
        <Register />
      ) : route === 'exposure-sites' ? (
        <ExposureSites />
      ) : (
        <SignIn />
      )
  else page = <Page route={shown} citizen={citizen} scanner={scanner} roles={roles} />

  return (
    <>
      <a className="skip-link" href="#main">
        {t('nav.skip')}
      </a>
      <header className="app-header">
        <p className="app-name">{t('app.name')}</p>
        <div className="header-tools">
          <label htmlFor="language" className="visually-hidden">
            {t('nav.language')}
          </label>
          <select
            id="language"
            value={language}
            onChange={(event) => setLanguage(event.target.value as Language)}
          >
            {languages.map((item) => (
              <option key={item} value={item} lang={item}>
                {languageName[item]}
              </option>
            ))}
          </select>
          {status === 'signedIn' && (
            <button type="button" onClick={() => void signOut()}>
              {t('nav.signOut')}
            </button>
          )}
          {status === 'signedOut' &&
            !accountCreated &&
            (route === 'about' || route === 'register') && (
              <Link to="home" className="button">
                {t('signIn.title')}
              </Link>
            )}
        </div>
      </header>
      {status === 'signedIn' && (
        <nav className="app-nav" aria-label={t('nav.label')}>
          <ul>
            {nav.map((item) => (
              <li key={item.route}>
                <Link to={item.route} current={item.route === shown}>
                  {t(item.label)}
                  {item.route === 'notifications' && unread > 0 && (
                    <>
                      {' '}
                      <span className="badge" aria-hidden="true" data-unread={unread}>
                        {unread > 99 ? '99+' : unread}
                      </span>
                      <span className="visually-hidden">{t('nav.unread', { count: unread })}</span>
                    </>
                  )}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
      )}
      <main id="main" tabIndex={-1}>
        {offline && (
          <p className="notice offline" role="status">
            {t('session.offline')}
          </p>
        )}
        <Suspense fallback={<p role="status">{t('common.loading')}</p>}>{page}</Suspense>
      </main>
    </>
  )
}

interface StaffRoles {
  readonly clinic: boolean
  readonly commission: boolean
  readonly authority: boolean
  readonly company: boolean
  readonly trust: boolean
  readonly revocations: boolean
}

function Page({
  route,
  citizen,
  scanner,
  roles,
}: {
  route: Route
  citizen: boolean
  scanner: boolean
  roles: StaffRoles
}) {
  const { t } = useI18n()
  const forbidden = <p>{t('common.notForYou')}</p>
  switch (route) {
    case 'code':
      return citizen ? <MyCode /> : forbidden
    case 'declare':
      return citizen ? <Declare /> : forbidden
    case 'certificates':
      return citizen ? <Certificates /> : forbidden
    case 'check-in':
      return citizen ? <CheckIn /> : forbidden
    case 'notifications':
      return citizen ? <Notifications /> : forbidden
    case 'requests':
      return citizen ? <Requests /> : forbidden
    case 'profile':
      return citizen ? <Profile /> : forbidden
    case 'scanner':
      return scanner ? <Scanner /> : forbidden
    case 'clinic':
      return roles.clinic ? <Clinic /> : forbidden
    case 'commission':
      return roles.commission ? <Commission /> : forbidden
    case 'authority':
      return roles.authority ? <Authority /> : forbidden
    case 'company':
      return roles.company ? <Company /> : forbidden
    case 'trust':
      return roles.trust ? <Trust /> : forbidden
    case 'revocations':
      return roles.revocations ? <Revocations /> : forbidden
    case 'cases':
      return roles.authority ? <Cases /> : forbidden
    case 'exposure-sites':
      return <ExposureSites />
    case 'about':
    case 'home':
    case 'register':
      return <About />
  }
}
