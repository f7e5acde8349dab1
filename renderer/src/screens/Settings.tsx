import { useEffect } from 'react';
import { invoke } from '../api';
import { BackupSection } from '../components/BackupSection';
import { ErrorBox, Facts, Loading, PageHeader, Section } from '../components/ui';
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
        <fieldset className="field">
          <legend className="field-label">{t('settings.languageText')}</legend>
          <div className="segmented">
            {LANGUAGE_LIST.map((l) => (
              <label key={l} className={lang === l ? 'segment selected' : 'segment'}>
                <input type="radio" name="ui-language" value={l} checked={lang === l} onChange={() => setLang(l)} />
                {t(`language.native.${l}`)}
              </label>
            ))}
          </div>
        </fieldset>
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
      <BackupSection />
      <RetentionSettingsSection />
    </div>
  );
}
