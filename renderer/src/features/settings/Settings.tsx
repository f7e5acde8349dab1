import { useEffect } from 'react';
import { invoke } from '../../app/api';
import { BackupSection } from '../backup/BackupSection';
import { MailboxSettingsSection } from '../inbox/MailboxSettings';
import { SendingSettingsSection } from '../sending/SendingSettings';
import { ErrorBox, Facts, Loading, PageHeader, Section, SegmentedField } from '../../ui/ui';
import { LANGUAGE_LIST } from '../../app/constants';
import { useLoad } from '../../app/hooks';
import { useI18n } from '../../app/i18n';
import { useRoute } from '../../app/router';
import type { AppInfo } from '../../app/types';
import { RetentionSettingsSection } from '../consent/Retention';

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
