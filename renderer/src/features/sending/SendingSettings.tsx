import type { ConnectionTestResult as TestResult, ProviderProfile, SendingSettingsInput, SendingSettingsView, SmtpSecurity } from '../../../../electron/commands/contract';
import { invoke } from '../../app/api';
import { useI18n } from '../../app/i18n';
import './sending.css';
import { MailProviderChoice } from '../microsoft/MicrosoftSettings';
import { ConnectionTestResult, passwordChange, PasswordField, SettingsFooter, useSettingsForm } from '../../ui/settingsForm';
import { ChoiceField, ErrorBox, FormError, Loading, Section, SegmentedField, TextField } from '../../ui/ui';

const SECURITIES: readonly SmtpSecurity[] = ['tls', 'starttls', 'none'];
const PROFILES: readonly ProviderProfile[] = ['m365', 'relay', 'custom'];
const LIMIT_FIELDS = [
  ['perSecond', 'smtp-per-second'],
  ['perMinute', 'smtp-per-minute'],
  ['perDay', 'smtp-per-day'],
  ['connections', 'smtp-connections'],
] as const;

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
  const { t, formatNumber } = useI18n();
  const { settings, view, form, set, password, bind, busy, error, testing, result, submit, test } = useSettingsForm<SendingSettingsView, FormState, TestResult>({
    formId: 'smtp-form',
    load: () => invoke('sending.settings.get', {}),
    fromView,
    save: (f, v) => {
      const input: SendingSettingsInput = {
        host: f.host, port: Number(f.port) || 0, security: f.security, user: f.user,
        senderName: f.senderName, senderEmail: f.senderEmail, replyTo: f.replyTo, profile: f.profile,
        perSecond: num(f.perSecond), perMinute: num(f.perMinute), perDay: num(f.perDay), connections: Number(f.connections) || 0,
        httpsUnsubscribeUrl: v.httpsUnsubscribeUrl, dkimDomain: v.dkimDomain, dkimSelector: v.dkimSelector,
        ...passwordChange(f),
      };
      return invoke('sending.settings.save', input);
    },
    testConnection: () => invoke('sending.settings.testConnection', {}),
    savedMessage: t('smtp.saved'),
  });

  const limits = view?.limits;
  const limitText = limits
    ? [
        limits.perSecond !== null ? `${formatNumber(limits.perSecond)} ${t('smtp.perSecond').toLowerCase()}` : null,
        limits.perMinute !== null ? `${formatNumber(limits.perMinute)} ${t('smtp.perMinute').toLowerCase()}` : null,
        limits.perDay !== null ? `${formatNumber(limits.perDay)} ${t('smtp.perDay').toLowerCase()}` : null,
      ].filter(Boolean).join(', ') || t('smtp.noLimit')
    : '';

  return (
    <Section title={t('smtp.title')} id="smtp">
      <ErrorBox message={settings.error} onRetry={settings.reload} />
      {settings.loading && !view ? <Loading /> : null}
      {view && form ? (
        <MailProviderChoice purpose="sending">
        <form id="smtp-form" className="form smtp-form" onSubmit={(e) => void submit(e)} noValidate data-testid="smtp-form">
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
            <TextField id="smtp-host" fieldClass="field-grow" label={t('smtp.host')} hint={t('smtp.hostHint')} autoComplete="off" {...bind('host')} />
            <TextField id="smtp-port" fieldClass="field-narrow" label={t('smtp.port')} type="number" autoComplete="off" {...bind('port')} />
          </div>
          <SegmentedField legend={t('smtp.security')} name="smtp-security" options={SECURITIES} value={form.security} onChange={(v) => set('security', v)} label={(v) => t(`smtp.security.${v}`)} />
          <div className="form-row">
            <TextField id="smtp-user" label={t('smtp.user')} autoComplete="username" {...bind('user')} />
            <PasswordField area="smtp" passwordSet={view.passwordSet} storage={view.passwordStorage} {...password} />
          </div>
          <div className="form-row">
            <TextField id="smtp-sender-name" label={t('smtp.senderName')} autoComplete="off" {...bind('senderName')} />
            <TextField id="smtp-sender-email" label={t('smtp.senderEmail')} type="email" autoComplete="off" {...bind('senderEmail')} />
          </div>
          <TextField id="smtp-reply-to" label={t('smtp.replyTo')} hint={t('smtp.replyToHint')} type="email" autoComplete="off" {...bind('replyTo')} />
          <ChoiceField
            id="smtp-profile"
            label={t('smtp.profile')}
            value={form.profile}
            options={PROFILES}
            optionLabel={(p) => t(`smtp.profile.${p}`)}
            onChange={(p) => set('profile', p)}
            hint={t(`smtp.profileHint.${form.profile}`)}
          />
          {form.profile === 'custom' ? (
            <div className="form-row smtp-limits">
              {LIMIT_FIELDS.map(([key, id]) => (
                <TextField key={key} id={id} fieldClass="field-narrow" label={t(`smtp.${key}`)} type="number" autoComplete="off" {...bind(key)} />
              ))}
            </div>
          ) : null}
          {view.mailbox === 'smtp' ? <p className="hint">{t('smtp.limitsNow', { limits: limitText, sent: formatNumber(view.sentLast24h) })}</p> : null}
          <SettingsFooter
            busy={busy}
            testing={testing}
            canTest
            onTest={() => void test()}
            labels={{ test: t('smtp.test'), testing: t('smtp.testing'), save: t('smtp.save'), testHint: t('smtp.testHint') }}
          >
            <ConnectionTestResult
              result={result}
              testId="smtp-test-result"
              heading={result ? (result.ok ? t('smtp.testOk') : t('smtp.testFailed')) : null}
              serverSaid={(detail) => t('sending.serverSaid', { detail })}
            />
          </SettingsFooter>
        </form>
        </MailProviderChoice>
      ) : null}
    </Section>
  );
}
