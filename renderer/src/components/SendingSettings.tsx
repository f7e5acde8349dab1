import { useEffect, useState, type FormEvent } from 'react';
import type { ConnectionTestResult, ProviderProfile, SendingSettingsInput, SendingSettingsView, SmtpSecurity } from '../../../electron/commands/contract';
import { errorMessage, invoke } from '../api';
import { useLoad } from '../hooks';
import { useI18n } from '../i18n';
import '../sending.css';
import { ChoiceSelect, ErrorBox, FieldError, FormError, issuesByPath, Loading, Section, SegmentedField, useToast } from './ui';
import { ApiError } from '../api';

const SECURITIES: readonly SmtpSecurity[] = ['tls', 'starttls', 'none'];
const PROFILES: readonly ProviderProfile[] = ['m365', 'relay', 'custom'];

interface FormState {
  host: string;
  port: string;
  security: SmtpSecurity;
  user: string;
  password: string;
  clearPassword: boolean;
  senderName: string;
  senderEmail: string;
  replyTo: string;
  profile: ProviderProfile;
  perSecond: string;
  perMinute: string;
  perDay: string;
  connections: string;
}

function fromView(v: SendingSettingsView): FormState {
  const n = (x: number | null) => (x === null ? '' : String(x));
  return {
    host: v.host, port: String(v.port), security: v.security, user: v.user, password: '', clearPassword: false,
    senderName: v.senderName, senderEmail: v.senderEmail, replyTo: v.replyTo, profile: v.profile,
    perSecond: n(v.perSecond), perMinute: n(v.perMinute), perDay: n(v.perDay), connections: String(v.connections),
  };
}

const num = (s: string): number | null => (s.trim() === '' ? null : Number(s));

/** The SMTP account the newsletter is sent through (Instellingen → Mailaccount). */
export function SendingSettingsSection() {
  const { t, lang, formatNumber } = useI18n();
  const toast = useToast();
  const settings = useLoad<SendingSettingsView>(() => invoke('sending.settings.get', {}), []);
  const [form, setForm] = useState<FormState | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [issues, setIssues] = useState<Map<string, string>>(new Map());
  const [testing, setTesting] = useState(false);
  const [result, setResult] = useState<ConnectionTestResult | null>(null);

  useEffect(() => {
    if (settings.data) setForm(fromView(settings.data));
  }, [settings.data]);

  const view = settings.data;
  const set = <K extends keyof FormState>(key: K, value: FormState[K]) => setForm((f) => (f ? { ...f, [key]: value } : f));

  const save = async (event: FormEvent) => {
    event.preventDefault();
    if (!form || !view) return;
    setBusy(true);
    setError(null);
    setIssues(new Map());
    setResult(null);
    const input: SendingSettingsInput = {
      host: form.host, port: Number(form.port) || 0, security: form.security, user: form.user,
      senderName: form.senderName, senderEmail: form.senderEmail, replyTo: form.replyTo, profile: form.profile,
      perSecond: num(form.perSecond), perMinute: num(form.perMinute), perDay: num(form.perDay), connections: Number(form.connections) || 0,
      httpsUnsubscribeUrl: view.httpsUnsubscribeUrl, dkimDomain: view.dkimDomain, dkimSelector: view.dkimSelector,
      ...(form.password ? { password: form.password } : form.clearPassword ? { password: '' } : {}),
    };
    try {
      const saved = await invoke('sending.settings.save', input);
      settings.reload();
      setForm(fromView(saved));
      toast.show(t('smtp.saved'));
    } catch (err) {
      setError(errorMessage(err));
      if (err instanceof ApiError) setIssues(issuesByPath(err.issues));
    } finally {
      setBusy(false);
    }
  };

  const test = async () => {
    setTesting(true);
    setResult(null);
    setError(null);
    try {
      setResult(await invoke('sending.settings.testConnection', {}));
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setTesting(false);
    }
  };

  const storage = view?.passwordStorage;
  const limits = view?.limits;
  const limitText = limits
    ? [
        limits.perSecond !== null ? `${formatNumber(limits.perSecond)} ${t('smtp.perSecond').toLowerCase()}` : null,
        limits.perMinute !== null ? `${formatNumber(limits.perMinute)} ${t('smtp.perMinute').toLowerCase()}` : null,
        limits.perDay !== null ? `${formatNumber(limits.perDay)} ${t('smtp.perDay').toLowerCase()}` : null,
      ].filter(Boolean).join(', ') || t('smtp.noLimit')
    : '';

  const text = (key: keyof FormState, id: string, label: string, opts: { type?: string; hint?: string; autoComplete?: string; narrow?: boolean } = {}) => (
    <div className={opts.narrow ? 'field field-narrow' : 'field'}>
      <label className="field-label" htmlFor={id}>
        {label}
      </label>
      <input
        id={id}
        type={opts.type ?? 'text'}
        value={String(form?.[key] ?? '')}
        autoComplete={opts.autoComplete ?? 'off'}
        onChange={(e) => set(key, e.target.value as never)}
        aria-invalid={issues.has(key) || undefined}
        aria-describedby={[opts.hint ? `${id}-hint` : '', issues.has(key) ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined}
      />
      {opts.hint ? (
        <p className="hint" id={`${id}-hint`}>
          {opts.hint}
        </p>
      ) : null}
      <FieldError id={`${id}-error`} message={issues.get(key)} />
    </div>
  );

  return (
    <Section title={t('smtp.title')} id="smtp">
      <ErrorBox message={settings.error} onRetry={settings.reload} />
      {settings.loading && !view ? <Loading /> : null}
      {view && form ? (
        <form className="form smtp-form" onSubmit={save} noValidate data-testid="smtp-form">
          <p className="muted">{t('smtp.intro')}</p>
          {view.mailbox === 'test' ? (
            <div className="send-test-banner" role="note">
              <strong>{t('smtp.usingTest')}</strong>
            </div>
          ) : (
            <p className="send-using">{t('smtp.usingSmtp', { host: view.host })}</p>
          )}
          <FormError message={error} />
          <div className="form-row">
            <div className="field field-grow">
              <label className="field-label" htmlFor="smtp-host">
                {t('smtp.host')}
              </label>
              <input id="smtp-host" type="text" value={form.host} onChange={(e) => set('host', e.target.value)} aria-describedby="smtp-host-hint" autoComplete="off" />
              <p className="hint" id="smtp-host-hint">
                {t('smtp.hostHint')}
              </p>
              <FieldError id="smtp-host-error" message={issues.get('host')} />
            </div>
            {text('port', 'smtp-port', t('smtp.port'), { type: 'number', narrow: true })}
          </div>
          <SegmentedField legend={t('smtp.security')} name="smtp-security" options={SECURITIES} value={form.security} onChange={(v) => set('security', v)} label={(v) => t(`smtp.security.${v}`)} />
          <div className="form-row">
            {text('user', 'smtp-user', t('smtp.user'), { autoComplete: 'username' })}
            <div className="field">
              <label className="field-label" htmlFor="smtp-password">
                {t('smtp.password')}
              </label>
              <input id="smtp-password" type="password" value={form.password} autoComplete="new-password" onChange={(e) => set('password', e.target.value)} aria-describedby="smtp-password-hint" />
              <div id="smtp-password-hint">
                {view.passwordSet ? <p className="hint">{t('smtp.passwordSet')}</p> : null}
                {storage?.kind === 'memory' ? <p className="hint smtp-memory">{t('smtp.passwordMemory')}</p> : null}
                {storage?.kind === 'safeStorage' ? <p className="hint">{t('smtp.passwordSafe')}</p> : null}
                {storage?.kind === 'environment' ? <p className="hint">{t('smtp.passwordEnv')}</p> : null}
                {storage?.refusal ? <p className="hint smtp-memory">{storage.refusal[lang]}</p> : null}
              </div>
              {view.passwordSet ? (
                <label className="checkbox">
                  <input type="checkbox" checked={form.clearPassword} onChange={(e) => set('clearPassword', e.target.checked)} />
                  {t('smtp.passwordClear')}
                </label>
              ) : null}
              <FieldError id="smtp-password-error" message={issues.get('password')} />
            </div>
          </div>
          <div className="form-row">
            {text('senderName', 'smtp-sender-name', t('smtp.senderName'))}
            {text('senderEmail', 'smtp-sender-email', t('smtp.senderEmail'), { type: 'email' })}
          </div>
          {text('replyTo', 'smtp-reply-to', t('smtp.replyTo'), { type: 'email', hint: t('smtp.replyToHint') })}
          <div className="field">
            <label className="field-label" htmlFor="smtp-profile">
              {t('smtp.profile')}
            </label>
            <ChoiceSelect id="smtp-profile" value={form.profile} options={PROFILES} label={(p) => t(`smtp.profile.${p}`)} onChange={(p) => set('profile', p)} />
            <p className="hint">{t(`smtp.profileHint.${form.profile}`)}</p>
          </div>
          {form.profile === 'custom' ? (
            <div className="form-row smtp-limits">
              {text('perSecond', 'smtp-per-second', t('smtp.perSecond'), { type: 'number', narrow: true })}
              {text('perMinute', 'smtp-per-minute', t('smtp.perMinute'), { type: 'number', narrow: true })}
              {text('perDay', 'smtp-per-day', t('smtp.perDay'), { type: 'number', narrow: true })}
              {text('connections', 'smtp-connections', t('smtp.connections'), { type: 'number', narrow: true })}
            </div>
          ) : null}
          {view.mailbox === 'smtp' ? <p className="hint">{t('smtp.limitsNow', { limits: limitText, sent: formatNumber(view.sentLast24h) })}</p> : null}
          <div className="form-actions smtp-actions">
            <button type="button" className="button" onClick={() => void test()} disabled={testing || busy}>
              {testing ? t('smtp.testing') : t('smtp.test')}
            </button>
            <button type="submit" className="button button-primary" disabled={busy}>
              {busy ? t('common.saving') : t('smtp.save')}
            </button>
          </div>
          <p className="hint">{t('smtp.testHint')}</p>
          {result ? (
            <div className={result.ok ? 'alert smtp-result smtp-result-ok' : 'alert alert-error smtp-result'} role="status" data-testid="smtp-test-result" data-ok={result.ok}>
              <div>
                <p>
                  <strong>{result.ok ? t('smtp.testOk') : t('smtp.testFailed')}</strong>: {result.message[lang]}
                </p>
                {result.detail ? <p className="send-pause-detail">{t('sending.serverSaid', { detail: result.detail })}</p> : null}
              </div>
            </div>
          ) : null}
        </form>
      ) : null}
    </Section>
  );
}
