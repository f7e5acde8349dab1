import { useEffect, useRef } from 'react';
import { invoke } from '../../app/api';
import { BackupSection } from '../backup/BackupSection';
import { MailboxSettingsSection } from '../inbox/MailboxSettings';
import { SendingSettingsSection } from '../sending/SendingSettings';
import { ErrorBox, Facts, Loading, PageHeader, Section, SegmentedField } from '../../ui/ui';
import { LANGUAGE_LIST } from '../../app/constants';
import { useLoad } from '../../app/hooks';
import { useI18n } from '../../app/i18n';
import { href, navigate, useRoute } from '../../app/router';
import type { AppInfo } from '../../app/types';
import { RetentionSettingsSection } from '../consent/Retention';
import './settings.css';

export const SETTINGS_SECTIONS = ['general', 'sending', 'mailbox', 'backups', 'retention'] as const;
export type SettingsSectionKey = (typeof SETTINGS_SECTIONS)[number];
const LEGACY: Record<string, SettingsSectionKey> = { smtp: 'sending', inbox: 'mailbox', backups: 'backups', retention: 'retention' };

export function isSettingsSection(part: string): part is SettingsSectionKey {
  return (SETTINGS_SECTIONS as readonly string[]).includes(part);
}

/** Settings in sections, each at its own route (#/settings/mailbox); opening one focuses its heading. */
export function SettingsScreen({ part }: { part?: SettingsSectionKey }) {
  const { t } = useI18n();
  const legacy = useRoute().query.get('section');
  const current = part ?? 'general';
  const panel = useRef<HTMLDivElement>(null);
  useEffect(() => {
    // Old links (?section=inbox) still land on their section.
    if (legacy) navigate(`/settings/${LEGACY[legacy] ?? 'general'}`, { replace: true });
  }, [legacy]);
  useEffect(() => {
    if (!part) return;
    const timer = window.setTimeout(() => {
      const heading = panel.current?.querySelector('h2');
      if (!heading) return;
      heading.setAttribute('tabindex', '-1');
      heading.focus();
    }, 60);
    return () => window.clearTimeout(timer);
  }, [part]);
  return (
    <div className="page">
      <PageHeader title={t('settings.title')} />
      <div className="settings-layout">
        <nav className="settings-nav" aria-label={t('settings.sections')}>
          <ul>
            {SETTINGS_SECTIONS.map((key) => (
              <li key={key}>
                <a href={href(`/settings/${key}`)} className={key === current ? 'settings-link active' : 'settings-link'} aria-current={key === current ? 'page' : undefined}>
                  {t(`settings.section.${key}`)}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <div className="settings-panel" ref={panel}>
          {current === 'general' ? <GeneralSettings /> : null}
          {current === 'sending' ? <SendingSettingsSection /> : null}
          {current === 'mailbox' ? <MailboxSettingsSection /> : null}
          {current === 'backups' ? <BackupSection /> : null}
          {current === 'retention' ? <RetentionSettingsSection /> : null}
        </div>
      </div>
    </div>
  );
}

function GeneralSettings() {
  const { t, lang, setLang } = useI18n();
  const info = useLoad<AppInfo>(() => invoke('app.info', {}), []);
  return (
    <>
      <Section title={t('settings.language')}>
        <SegmentedField legend={t('settings.languageText')} name="ui-language" options={LANGUAGE_LIST} value={lang} onChange={setLang} label={(l) => t(`language.native.${l}`)} />
      </Section>
      <Section title={t('settings.data')}>
        <ErrorBox message={info.error} onRetry={info.reload} />
        {info.loading && !info.data ? <Loading /> : null}
        {info.data ? (
          <>
            <p className="muted">{t('settings.dataText')}</p>
            <Facts
              stacked
              items={[
                { label: t('settings.dataDir'), value: <code className="path">{info.data.dataDir}</code> },
                { label: t('settings.databaseFile'), value: <code className="path">{info.data.databaseFile}</code> },
                { label: t('settings.version'), value: info.data.version },
              ]}
            />
          </>
        ) : null}
      </Section>
    </>
  );
}
