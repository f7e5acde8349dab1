import { useEffect, useState, type FormEvent } from 'react';
import type { ImapSecurity, InboxConnectionResult, InboxSettingsInput, InboxSettingsView } from '../../../electron/commands/contract';
import { ApiError, errorMessage, invoke } from '../api';
import { useLoad } from '../hooks';
import { useI18n, type MessageKey } from '../i18n';
import { href } from '../router';
import '../inbox.css';
import '../sending.css';
import { ErrorBox, FieldError, FormError, issuesByPath, Loading, Section, SegmentedField, useToast } from './ui';

const SECURITIES: readonly ImapSecurity[] = ['tls', 'starttls', 'none'];
const DEFAULT_PORT: Record<ImapSecurity, number> = { tls: 993, starttls: 143, none: 143 };

interface FormState {
  host: string;
  port: string;
  security: ImapSecurity;
  user: string;
  password: string;
  clearPassword: boolean;
  folder: string;
  processedFolder: string;
  pollMinutes: string;
  confirmationDays: string;
}

function fromView(v: InboxSettingsView): FormState {
  return {
    host: v.host, port: String(v.port), security: v.security, user: v.user, password: '', clearPassword: false,
    folder: v.folder, processedFolder: v.processedFolder,
    pollMinutes: String(v.pollMinutes ?? 5), confirmationDays: String(v.confirmationDays ?? 14),
  };
}

/** A whole number from a field; NaN when empty or not a number. */
const int = (s: string): number => (s.trim() === '' ? Number.NaN : Number(s));

/** The IMAP mailbox Schakel reads (Instellingen → Postvak). */
export function MailboxSettingsSection() {
  const { t, lang } = useI18n();
  const toast = useToast();
  const settings = useLoad<InboxSettingsView>(() => invoke('inbox.settings.get', {}), []);
  const [form, setForm] = useState<FormState | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [issues, setIssues] = useState<Map<string, string>>(new Map());
  const [testing, setTesting] = useState(false);
  const [result, setResult] = useState<InboxConnectionResult | null>(null);

  useEffect(() => {
    if (settings.data) setForm(fromView(settings.data));
  }, [settings.data]);

  const view = settings.data;
  const set = <K extends keyof FormState>(key: K, value: FormState[K]) => setForm((f) => (f ? { ...f, [key]: value } : f));

  const setSecurity = (security: ImapSecurity) =>
    setForm((f) => {
      if (!f) return f;
      // Follow the usual port as long as the port was the usual one for the old choice.
      const port = f.port === String(DEFAULT_PORT[f.security]) ? String(DEFAULT_PORT[security]) : f.port;
      return { ...f, security, port };
    });

  const save = async (event: FormEvent) => {
    event.preventDefault();
    if (!form) return;
    const local = new Map<string, string>();
    const numbers: [keyof FormState, string][] = [['port', form.port], ['pollMinutes', form.pollMinutes], ['confirmationDays', form.confirmationDays]];
    for (const [key, value] of numbers) if (!Number.isInteger(int(value))) local.set(key, t('inbox.wholeNumber'));
    setResult(null);
    if (local.size) {
      setIssues(local);
      setError(t('form.fixErrors'));
      document.querySelector<HTMLElement>('#imap-form [aria-invalid="true"]')?.focus();
      return;
    }
    setBusy(true);
    setError(null);
    setIssues(new Map());
    const input: InboxSettingsInput = {
      host: form.host, port: int(form.port), security: form.security, user: form.user,
      folder: form.folder, processedFolder: form.processedFolder,
      pollMinutes: int(form.pollMinutes), confirmationDays: int(form.confirmationDays),
      ...(form.password ? { password: form.password } : form.clearPassword ? { password: '' } : {}),
    };
    try {
      const saved = await invoke('inbox.settings.save', input);
      settings.reload();
      setForm(fromView(saved));
      toast.show(t('imap.saved'));
    } catch (err) {
      setError(errorMessage(err));
      if (err instanceof ApiError) {
        setIssues(issuesByPath(err.issues));
        if (err.issues.length) window.setTimeout(() => document.querySelector<HTMLElement>('#imap-form [aria-invalid="true"]')?.focus(), 0);
      }
    } finally {
      setBusy(false);
    }
  };

  const test = async () => {
    setTesting(true);
    setResult(null);
    setError(null);
    try {
      setResult(await invoke('inbox.settings.testConnection', {}));
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setTesting(false);
    }
  };

  const field = (
    key: keyof FormState,
    label: MessageKey,
    opts: { type?: string; hint?: MessageKey; autoComplete?: string; narrow?: boolean; grow?: boolean; min?: number; max?: number } = {},
  ) => {
    const id = `imap-${key}`;
    const problem = issues.get(key);
    return (
      <div className={opts.narrow ? 'field field-narrow' : opts.grow ? 'field field-grow' : 'field'}>
        <label className="field-label" htmlFor={id}>
          {t(label)}
        </label>
        <input
          id={id}
          type={opts.type ?? 'text'}
          inputMode={opts.type === 'number' ? 'numeric' : undefined}
          min={opts.min}
          max={opts.max}
          value={String(form?.[key] ?? '')}
          autoComplete={opts.autoComplete ?? 'off'}
          onChange={(e) => set(key, e.target.value as never)}
          aria-invalid={problem ? true : undefined}
          aria-describedby={[opts.hint ? `${id}-hint` : '', problem ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined}
        />
        {opts.hint ? (
          <p className="hint" id={`${id}-hint`}>
            {t(opts.hint)}
          </p>
        ) : null}
        <FieldError id={`${id}-error`} message={problem} />
      </div>
    );
  };

  const storage = view?.passwordStorage;
  return (
    <Section title={t('imap.title')} id="inbox" actions={view?.configured ? <a href={href('/mailbox')}>{t('imap.toMailbox')}</a> : undefined}>
      <ErrorBox message={settings.error} onRetry={settings.reload} />
      {settings.loading && !view ? <Loading /> : null}
      {view && form ? (
        <form id="imap-form" className="form imap-form" onSubmit={save} noValidate data-testid="imap-form">
          <p className="muted">{t('imap.intro')}</p>
          <FormError message={error} />
          <div className="form-row">
            {field('host', 'imap.host', { hint: 'imap.hostHint', grow: true })}
            {field('port', 'imap.port', { type: 'number', narrow: true, min: 1, max: 65535 })}
          </div>
          <SegmentedField legend={t('imap.security')} name="imap-security" options={SECURITIES} value={form.security} onChange={setSecurity} label={(v) => t(`imap.security.${v}`)} />
          <div className="form-row">
            {field('user', 'imap.user', { autoComplete: 'username' })}
            <div className="field">
              <label className="field-label" htmlFor="imap-password">
                {t('imap.password')}
              </label>
              <input
                id="imap-password"
                type="password"
                value={form.password}
                autoComplete="new-password"
                onChange={(e) => set('password', e.target.value)}
                aria-invalid={issues.has('password') || undefined}
                aria-describedby={`imap-password-hint${issues.has('password') ? ' imap-password-error' : ''}`}
              />
              <div id="imap-password-hint">
                {view.passwordSet ? <p className="hint">{t('imap.passwordSet')}</p> : null}
                {storage?.kind === 'memory' ? <p className="hint smtp-memory">{t('smtp.passwordMemory')}</p> : null}
                {storage?.kind === 'safeStorage' ? <p className="hint">{t('smtp.passwordSafe')}</p> : null}
                {storage?.kind === 'environment' ? <p className="hint">{t('smtp.passwordEnv')}</p> : null}
                {storage?.refusal ? (
                  <p className="hint smtp-memory" data-testid="imap-password-refusal">
                    {storage.refusal[lang] || storage.refusal.nl}
                  </p>
                ) : null}
              </div>
              {view.passwordSet ? (
                <label className="checkbox">
                  <input type="checkbox" checked={form.clearPassword} disabled={form.password !== ''} onChange={(e) => set('clearPassword', e.target.checked)} />
                  {t('imap.passwordClear')}
                </label>
              ) : null}
              <FieldError id="imap-password-error" message={issues.get('password')} />
            </div>
          </div>
          <div className="form-row">
            {field('folder', 'imap.folder')}
            {field('processedFolder', 'imap.processedFolder', { hint: 'imap.processedHint' })}
          </div>
          <div className="form-row">
            {field('pollMinutes', 'imap.pollMinutes', { type: 'number', hint: 'imap.pollHint', min: 0, max: 1440 })}
            {field('confirmationDays', 'imap.confirmationDays', { type: 'number', hint: 'imap.confirmationHint', min: 1, max: 90 })}
          </div>
          <div className="form-actions smtp-actions">
            <button type="button" className="button" onClick={() => void test()} disabled={testing || busy || !view.configured}>
              {testing ? t('imap.testing') : t('imap.test')}
            </button>
            <button type="submit" className="button button-primary" disabled={busy}>
              {busy ? t('common.saving') : t('imap.save')}
            </button>
          </div>
          <p className="hint">{t('imap.testHint')}</p>
          <div aria-live="polite">
            {result ? (
              <div className={result.ok ? 'alert smtp-result smtp-result-ok' : 'alert alert-error smtp-result'} data-testid="imap-test-result" data-ok={result.ok}>
                <div>
                  <p>
                    {result.ok ? null : <strong>{t('imap.testFailed')}: </strong>}
                    {result.message[lang] || result.message.nl}
                  </p>
                  {result.detail ? <p className="send-pause-detail">{t('imap.serverSaid', { detail: result.detail })}</p> : null}
                </div>
              </div>
            ) : null}
          </div>
        </form>
      ) : null}
    </Section>
  );
}
