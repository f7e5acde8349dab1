import { useCallback, useEffect, useEffectEvent, useMemo, useRef, useState, type ReactNode } from 'react';
import { invoke, setApiLanguage } from './api';
import { PageHeader, SearchIcon, ToastProvider } from '../ui/ui';
import { LANGUAGE_LIST } from './constants';
import { I18nContext, isMac, makeI18n, storedLanguage, storeLanguage, useI18n, type Lang, type MessageKey } from './i18n';
import { href, idFrom, navigate, useRoute, type Route } from './router';
import { AvgRequestDetailScreen, AvgRequestsScreen } from '../features/consent/AvgRequests';
import { ImportScreen } from '../features/import/Import';
import { NewsletterIcon, NewsletterRoutes } from '../features/newsletter/Newsletters';
import { MailboxIcon, MailboxNavBadge, MailboxScreen } from '../features/inbox/Mailbox';
import { ListDetailScreen, ListEditScreen, ListsScreen } from '../features/consent/Lists';
import { OrganisationDetailScreen, OrganisationEditScreen, OrganisationsScreen } from '../features/register/Organisations';
import { PeopleScreen } from '../features/register/People';
import { PersonDetailScreen } from '../features/register/PersonDetail';
import { PersonEditScreen } from '../features/register/PersonEdit';
import { PilotDetailScreen, PilotEditScreen, PilotsScreen } from '../features/register/Pilots';
import { RetentionReviewScreen } from '../features/consent/Retention';
import { SendingIcon, SendingRoutes } from '../features/sending/Sending';
import { isSettingsSection, SettingsScreen } from '../features/settings/Settings';
import { StakeholderMapScreen } from '../features/register/StakeholderMap';
import { StartScreen } from '../features/start/Start';
import { isTyping, requestSearchFocus } from './shortcuts';

const NAV: { path: string; label: MessageKey; icon: ReactNode; badge?: ReactNode }[] = [
  { path: '/', label: 'nav.start', icon: <IconHome /> },
  { path: '/people', label: 'nav.people', icon: <IconPeople /> },
  { path: '/organisations', label: 'nav.organisations', icon: <IconBuilding /> },
  { path: '/pilots', label: 'nav.pilots', icon: <IconFlag /> },
  { path: '/map', label: 'nav.map', icon: <IconGrid /> },
  { path: '/lists', label: 'nav.lists', icon: <IconList /> },
  { path: '/avg', label: 'nav.avg', icon: <IconShield /> },
  { path: '/newsletters', label: 'nav.newsletters', icon: <NewsletterIcon /> },
  { path: '/sending', label: 'nav.sending', icon: <SendingIcon /> },
  { path: '/mailbox', label: 'nav.mailbox', icon: <MailboxIcon />, badge: <MailboxNavBadge /> },
  { path: '/import', label: 'nav.import', icon: <IconUpload /> },
  { path: '/settings', label: 'nav.settings', icon: <IconGear /> },
];

export function App() {
  const [lang, setLangState] = useState<Lang>(() => storedLanguage() ?? 'nl');
  setApiLanguage(lang);

  // No choice stored in this browser yet: follow the language saved in the data folder.
  const followStoredLanguage = useEffectEvent((language: Lang) => {
    if (!storedLanguage() && language !== lang) setLangState(language);
  });
  useEffect(() => {
    if (storedLanguage()) return;
    invoke('app.info', {}).then(
      (info) => followStoredLanguage(info.language),
      () => undefined,
    );
  }, []);

  useEffect(() => {
    document.documentElement.lang = lang;
  }, [lang]);

  const setLang = useCallback((next: Lang) => {
    setApiLanguage(next);
    storeLanguage(next);
    setLangState(next);
    void invoke('settings.setLanguage', { language: next }).catch(() => undefined);
  }, []);

  const i18n = useMemo(() => makeI18n(lang, setLang), [lang, setLang]);

  return (
    <I18nContext.Provider value={i18n}>
      <ToastProvider>
        <Shell />
      </ToastProvider>
    </I18nContext.Provider>
  );
}

function Shell() {
  const route = useRoute();
  const mainRef = useRef<HTMLElement>(null);
  const { t, lang, setLang } = useI18n();

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      const mod = event.ctrlKey || event.metaKey;
      if ((mod && event.key.toLowerCase() === 'k') || (event.key === '/' && !mod && !event.altKey && !isTyping(event.target))) {
        if (document.querySelector('dialog[open]')) return;
        event.preventDefault();
        requestSearchFocus();
        if (route.path !== '/people') navigate('/people');
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [route.path]);

  const section = `/${route.parts[0] ?? ''}`;
  const navItem = NAV.find((item) => item.path === section);

  // A new screen starts at the top; the window title names the section.
  useEffect(() => {
    mainRef.current?.scrollTo({ top: 0 });
  }, [route.path]);
  useEffect(() => {
    document.title = navItem ? `${t(navItem.label)} · ${t('app.name')}` : t('app.name');
  }, [navItem, t]);

  return (
    <div className="app">
      <button type="button" className="skip-link" onClick={() => mainRef.current?.focus()}>
        {t('nav.skip')}
      </button>
      <nav className="sidebar" aria-label={t('nav.label')}>
        <div className="brand">
          <span className="brand-mark" aria-hidden="true">
            S
          </span>
          <span className="brand-text">
            <span className="brand-name">{t('app.name')}</span>
            <span className="brand-sub">{t('app.programme')}</span>
          </span>
        </div>
        <button type="button" className="sidebar-search" onClick={() => {
            requestSearchFocus();
            if (route.path !== '/people') navigate('/people');
          }}
        >
          <SearchIcon />
          <span className="sidebar-search-text">{t('nav.search')}</span>
          <kbd aria-hidden="true">{t(isMac() ? 'shortcut.searchMac' : 'shortcut.search')}</kbd>
        </button>
        <ul className="nav-list">
          {NAV.map((item) => {
            const active = item.path === section;
            return (
              <li key={item.path}>
                <a href={href(item.path)} className={active ? 'nav-link active' : 'nav-link'} aria-current={active ? 'page' : undefined}>
                  <span className="nav-icon" aria-hidden="true">
                    {item.icon}
                  </span>
                  {t(item.label)}
                  {item.badge}
                </a>
              </li>
            );
          })}
        </ul>
        <div className="sidebar-footer">
          <div className="lang-switch" role="group" aria-label={t('settings.language')}>
            {LANGUAGE_LIST.map((l) => (
              <button key={l} type="button" className={lang === l ? 'lang-button active' : 'lang-button'} aria-pressed={lang === l} onClick={() => setLang(l)} lang={l} title={t(`language.native.${l}`)}>
                {l.toUpperCase()}
              </button>
            ))}
          </div>
        </div>
      </nav>
      <main className="main" id="main" ref={mainRef} tabIndex={-1}>
        <Screen route={route} />
      </main>
    </div>
  );
}

function Screen({ route }: { route: Route }) {
  const [a, b, c] = route.parts;
  const id = idFrom(b);
  if (!a) return <StartScreen />;
  if (a === 'people') {
    if (!b) return <PeopleScreen />;
    if (b === 'new') return <PersonEditScreen id={null} organisationId={idFrom(route.query.get('organisation') ?? undefined)} />;
    if (id && !c) return <PersonDetailScreen key={id} id={id} />;
    if (id && c === 'edit') return <PersonEditScreen key={id} id={id} />;
  }
  if (a === 'organisations') {
    if (!b) return <OrganisationsScreen />;
    if (b === 'new') return <OrganisationEditScreen id={null} />;
    if (id && !c) return <OrganisationDetailScreen key={id} id={id} />;
    if (id && c === 'edit') return <OrganisationEditScreen key={id} id={id} />;
  }
  if (a === 'pilots') {
    if (!b) return <PilotsScreen />;
    if (id && !c) return <PilotDetailScreen key={id} id={id} />;
    if (id && c === 'edit') return <PilotEditScreen key={id} id={id} />;
  }
  if (a === 'map' && !b) return <StakeholderMapScreen />;
  if (a === 'lists') {
    if (!b) return <ListsScreen />;
    if (b === 'new') return <ListEditScreen id={null} />;
    if (id && !c) return <ListDetailScreen key={id} id={id} />;
    if (id && c === 'edit') return <ListEditScreen key={id} id={id} />;
  }
  if (a === 'avg') {
    if (!b) return <AvgRequestsScreen key={route.query.toString()} />;
    if (b === 'retention' && !c) return <RetentionReviewScreen />;
    if (id && !c) return <AvgRequestDetailScreen key={id} id={id} />;
  }
  if (a === 'newsletters') return <NewsletterRoutes part={b} />;
  if (a === 'sending') return <SendingRoutes part={b} sub={c} />;
  if (a === 'mailbox' && !b) return <MailboxScreen />;
  if (a === 'import' && !b) return <ImportScreen />;
  if (a === 'settings' && !c) {
    if (!b) return <SettingsScreen />;
    if (isSettingsSection(b)) return <SettingsScreen key={b} part={b} />;
  }
  return <NotFound />;
}

function NotFound() {
  const { t } = useI18n();
  return (
    <div className="page">
      <PageHeader title={t('notFound.title')} subtitle={t('notFound.text')} />
      <a className="button" href={href('/')}>
        {t('notFound.toStart')}
      </a>
    </div>
  );
}

function Svg({ children }: { children: ReactNode }) {
  return (
    <svg width="18" height="18" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="1.8" strokeLinecap="round" strokeLinejoin="round" focusable="false">
      {children}
    </svg>
  );
}
function IconHome() {
  return (
    <Svg>
      <path d="M3 11.5 12 4l9 7.5" />
      <path d="M5.5 10v9.5h13V10" />
    </Svg>
  );
}
function IconPeople() {
  return (
    <Svg>
      <circle cx="9" cy="8" r="3.2" />
      <path d="M3 19.5c.6-3.4 3-5.2 6-5.2s5.4 1.8 6 5.2" />
      <circle cx="17" cy="9" r="2.4" />
      <path d="M16.5 14.3c2.4.2 4 1.8 4.5 4.7" />
    </Svg>
  );
}
function IconBuilding() {
  return (
    <Svg>
      <rect x="4" y="3.5" width="11" height="17" rx="1" />
      <path d="M15 9h4.5v11.5H15" />
      <path d="M7.5 7.5h4M7.5 11h4M7.5 14.5h4" />
    </Svg>
  );
}
function IconFlag() {
  return (
    <Svg>
      <path d="M5 21V4" />
      <path d="M5 4.5h11l-2 4 2 4H5" />
    </Svg>
  );
}
function IconGrid() {
  return (
    <Svg>
      <rect x="3.5" y="3.5" width="17" height="17" rx="1.5" />
      <path d="M12 3.5v17M3.5 12h17" />
      <circle cx="16.5" cy="7.5" r="1.2" fill="currentColor" />
      <circle cx="8" cy="16" r="1.2" fill="currentColor" />
    </Svg>
  );
}
function IconList() {
  return (
    <Svg>
      <rect x="3.5" y="5" width="17" height="14" rx="1.5" />
      <path d="m3.5 6.5 8.5 6 8.5-6" />
    </Svg>
  );
}
function IconShield() {
  return (
    <Svg>
      <path d="M12 3.5 5 6v5.5c0 4.2 2.9 7.6 7 9 4.1-1.4 7-4.8 7-9V6z" />
      <path d="m9 12 2.2 2.2L15.5 10" />
    </Svg>
  );
}
function IconUpload() {
  return (
    <Svg>
      <path d="M12 15.5V4" />
      <path d="m7.5 8.5 4.5-4.5 4.5 4.5" />
      <path d="M4 15v4.5h16V15" />
    </Svg>
  );
}
function IconGear() {
  return (
    <Svg>
      <circle cx="12" cy="12" r="3" />
      <path d="M12 2.8v2.4M12 18.8v2.4M4.6 4.6l1.7 1.7M17.7 17.7l1.7 1.7M2.8 12h2.4M18.8 12h2.4M4.6 19.4l1.7-1.7M17.7 6.3l1.7-1.7" />
    </Svg>
  );
}
