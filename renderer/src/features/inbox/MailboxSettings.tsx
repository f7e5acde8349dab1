import type { ImapSecurity, InboxConnectionResult, InboxSettingsInput, InboxSettingsView } from '../../../../electron/commands/contract';
import { invoke } from '../../app/api';
import { useI18n } from '../../app/i18n';
import { href } from '../../app/router';
import './inbox.css';
import '../sending/sending.css';
import { MailProviderChoice } from '../microsoft/MicrosoftSettings';
import { ConnectionTestResult, passwordChange, PasswordField, SettingsFooter, useSettingsForm } from '../../ui/settingsForm';
import { ErrorBox, FormError, Loading, Section, SegmentedField, TextField } from '../../ui/ui';

const SECURITIES: readonly ImapSecurity[] = ['tls', 'starttls', 'none'];
const DEFAULT_PORT: Record<ImapSecurity, number> = { tls: 993, starttls: 143, none: 143 };
const NUMBER = { type: 'number', inputMode: 'numeric', autoComplete: 'off' } as const;

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
  const { t } = useI18n();
  const { settings, view, form, setForm, password, bind, busy, error, testing, result, submit, test } = useSettingsForm<
    InboxSettingsView,
    FormState,
    InboxConnectionResult
  >({
    formId: 'imap-form',
    load: () => invoke('inbox.settings.get', {}),
    fromView,
    validate: (f) => {
      const local = new Map<string, string>();
      const numbers: [keyof FormState, string][] = [['port', f.port], ['pollMinutes', f.pollMinutes], ['confirmationDays', f.confirmationDays]];
      for (const [key, value] of numbers) if (!Number.isInteger(int(value))) local.set(key, t('inbox.wholeNumber'));
      return local;
    },
    save: (f) => {
      const input: InboxSettingsInput = {
        host: f.host, port: int(f.port), security: f.security, user: f.user,
        folder: f.folder, processedFolder: f.processedFolder,
        pollMinutes: int(f.pollMinutes), confirmationDays: int(f.confirmationDays),
        ...passwordChange(f),
      };
      return invoke('inbox.settings.save', input);
    },
    testConnection: () => invoke('inbox.settings.testConnection', {}),
    savedMessage: t('imap.saved'),
  });

  const setSecurity = (security: ImapSecurity) =>
    setForm((f) => {
      if (!f) return f;
      // Follow the usual port as long as the port was the usual one for the old choice.
      const port = f.port === String(DEFAULT_PORT[f.security]) ? String(DEFAULT_PORT[security]) : f.port;
      return { ...f, security, port };
    });

  return (
    <Section title={t('imap.title')} id="inbox" actions={view?.configured ? <a href={href('/mailbox')}>{t('imap.toMailbox')}</a> : undefined}>
      <ErrorBox message={settings.error} onRetry={settings.reload} />
      {settings.loading && !view ? <Loading /> : null}
      {view && form ? (
        <MailProviderChoice purpose="mailbox">
        <form id="imap-form" className="form imap-form" onSubmit={(e) => void submit(e)} noValidate data-testid="imap-form">
          <p className="muted">{t('imap.intro')}</p>
          <FormError message={error} />
          <div className="form-row">
            <TextField id="imap-host" fieldClass="field-grow" label={t('imap.host')} hint={t('imap.hostHint')} autoComplete="off" {...bind('host')} />
            <TextField id="imap-port" fieldClass="field-narrow" label={t('imap.port')} {...NUMBER} min={1} max={65535} {...bind('port')} />
          </div>
          <SegmentedField legend={t('imap.security')} name="imap-security" options={SECURITIES} value={form.security} onChange={setSecurity} label={(v) => t(`imap.security.${v}`)} />
          <div className="form-row">
            <TextField id="imap-user" label={t('imap.user')} autoComplete="username" {...bind('user')} />
            <PasswordField area="imap" passwordSet={view.passwordSet} storage={view.passwordStorage} {...password} />
          </div>
          <div className="form-row">
            <TextField id="imap-folder" label={t('imap.folder')} autoComplete="off" {...bind('folder')} />
            <TextField id="imap-processedFolder" label={t('imap.processedFolder')} hint={t('imap.processedHint')} autoComplete="off" {...bind('processedFolder')} />
          </div>
          <div className="form-row">
            <TextField id="imap-pollMinutes" label={t('imap.pollMinutes')} hint={t('imap.pollHint')} {...NUMBER} min={0} max={1440} {...bind('pollMinutes')} />
            <TextField id="imap-confirmationDays" label={t('imap.confirmationDays')} hint={t('imap.confirmationHint')} {...NUMBER} min={1} max={90} {...bind('confirmationDays')} />
          </div>
          <SettingsFooter
            busy={busy}
            testing={testing}
            canTest={view.configured}
            onTest={() => void test()}
            labels={{ test: t('imap.test'), testing: t('imap.testing'), save: t('imap.save'), testHint: t('imap.testHint') }}
          >
            <ConnectionTestResult
              result={result}
              testId="imap-test-result"
              heading={result && !result.ok ? t('imap.testFailed') : null}
              serverSaid={(detail) => t('imap.serverSaid', { detail })}
            />
          </SettingsFooter>
        </form>
        </MailProviderChoice>
      ) : null}
    </Section>
  );
}
