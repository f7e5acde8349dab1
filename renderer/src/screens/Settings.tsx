import { useEffect } from 'react';
import { invoke } from '../api';
import { BackupSection } from '../components/BackupSection';
import { MailboxSettingsSection } from '../components/MailboxSettings';
import { SendingSettingsSection } from '../components/SendingSettings';
import { ErrorBox, Facts, Loading, PageHeader, Section, SegmentedField } from '../components/ui';
import { LANGUAGE_LIST } from '../constants';
import { useLoad } from '../hooks';
import { useI18n } from '../i18n';
import { useRoute } from '../router';
import type { AppInfo } from '../types';
import { RetentionSettingsSection } from './Retention';

export function SettingsScreen() {
  const { t, lang, setLang } = useI18n();
  const info = useLoad<AppInfo>(() => invoke('app.info', {}), []);
  const section = useRoute().query.get('section');
  // Opened from a notice or a link (?section=backups): bring that section into view.
  useEffect(() => {
    if (!section) return;
    // After the shell has put the new screen at the top.
    const timer = window.setTimeout(() => document.getElementById(`${section}-title`)?.scrollIntoView({ block: 'start' }), 60);
    return () => window.clearTimeout(timer);
  }, [section]);
  return (
    <div className="page">
      <PageHeader title={t('settings.title')} />
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
      <SendingSettingsSection />
      <MailboxSettingsSection />
      <BackupSection />
      <RetentionSettingsSection />
    </div>
  );
}
