import { useState, type FormEvent } from 'react';
import type { NewsletterSettingsView } from '../../../../electron/commands/contract';
import { invoke } from '../../app/api';
import { ErrorBox, Loading, PageHeader, TextAreaField, TextField, useFormSave, useToast } from '../../ui/ui';
import { useLoad } from '../../app/hooks';
import { useI18n } from '../../app/i18n';
import { href } from '../../app/router';
import './newsletter.css';

type SettingKey = NewsletterSettingsView['missing'][number];
const KEYS: SettingKey[] = ['senderName', 'senderEmail', 'postalAddress', 'privacyUrl', 'unsubscribeAddress'];

/** Says plainly which newsletter settings are still missing, with a way to fill them in. */
export function SettingsMissingNotice({ missing, compact }: { missing: SettingKey[]; compact?: boolean }) {
  const { t } = useI18n();
  if (missing.length === 0) return null;
  return (
    <div className="alert alert-warning nl-settings-missing" data-testid="settings-missing">
      <p>
        <strong>{t('news.settings.missingTitle')}</strong> {missing.map((k) => t(`news.settings.${k}`).toLowerCase()).join(', ')}.
        {compact ? null : ` ${t('news.settings.missingText')}`}
      </p>
      <p>
        <a href={href('/newsletters/settings')}>{t('news.settings.fillIn')}</a>
      </p>
    </div>
  );
}

export function NewsletterSettingsScreen() {
  const { t } = useI18n();
  const loaded = useLoad<NewsletterSettingsView>(() => invoke('newsletter.settings.get', {}), []);
  if (loaded.loading && !loaded.data) return <Loading />;
  return (
    <div className="page">
      <PageHeader title={t('news.settings.title')} subtitle={t('news.settings.subtitle')} back={{ to: '/newsletters', label: t('news.title') }} />
      <ErrorBox message={loaded.error} onRetry={loaded.reload} />
      {loaded.data ? <SettingsForm initial={loaded.data} /> : null}
    </div>
  );
}

function SettingsForm({ initial }: { initial: NewsletterSettingsView }) {
  const { t } = useI18n();
  const toast = useToast();
  const [form, setForm] = useState(() => Object.fromEntries(KEYS.map((k) => [k, initial[k]])) as Record<SettingKey, string>);
  const [missing, setMissing] = useState(initial.missing);
  const { busy, error, issues, save } = useFormSave('newsletter-settings-form');

  const [missingFor, setMissingFor] = useState(initial);
  if (missingFor !== initial) {
    setMissingFor(initial);
    setMissing(initial.missing);
  }

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    await save(async () => {
      const saved = await invoke('newsletter.settings.save', form);
      setMissing(saved.missing);
      setForm(Object.fromEntries(KEYS.map((k) => [k, saved[k]])) as Record<SettingKey, string>);
      toast.show(t('news.settings.saved'));
    });
  };

  const field = (key: SettingKey, type: string = 'text') => (
    <TextField
      id={`newsletter-${key}`}
      label={t(`news.settings.${key}`)}
      type={type}
      value={form[key]}
      onChange={(v) => setForm((f) => ({ ...f, [key]: v }))}
      error={issues.get(key)}
      hint={t(`news.settings.${key}Hint`)}
    />
  );

  return (
    <form id="newsletter-settings-form" className="form card form-card" onSubmit={(e) => void submit(e)} noValidate aria-label={t('news.settings.title')}>
      {error ? (
        <div className="alert alert-error" role="alert">
          <p>{error}</p>
        </div>
      ) : null}
      {missing.length ? (
        <SettingsMissingNotice missing={missing} compact />
      ) : (
        <p className="nl-settings-ok" role="status">
          {t('news.settings.complete')}
        </p>
      )}
      <fieldset className="form-section">
        <legend>{t('news.settings.sender')}</legend>
        <div className="form-row">
          {field('senderName')}
          {field('senderEmail', 'email')}
        </div>
      </fieldset>
      <fieldset className="form-section">
        <legend>{t('news.settings.footer')}</legend>
        <TextAreaField
          id="newsletter-postalAddress"
          label={t('news.settings.postalAddress')}
          rows={3}
          value={form.postalAddress}
          onChange={(v) => setForm((f) => ({ ...f, postalAddress: v }))}
          error={issues.get('postalAddress')}
          hint={t('news.settings.postalAddressHint')}
        />
        <div className="form-row">
          {field('privacyUrl', 'url')}
          {field('unsubscribeAddress', 'email')}
        </div>
      </fieldset>
      <div className="form-actions">
        <a className="button" href={href('/newsletters')}>
          {t('common.back')}
        </a>
        <button type="submit" className="button button-primary" disabled={busy}>
          {busy ? t('common.saving') : t('common.save')}
        </button>
      </div>
    </form>
  );
}
