import { useEffect, useEffectEvent, useRef, useState, type ReactNode } from 'react';
import type { MicrosoftStatus, MicrosoftTestResult, MsMailboxMethod, MsProvider, MsSendMethod } from '../../../../electron/commands/contract';
import { invoke } from '../../app/api';
import { useI18n } from '../../app/i18n';
import { ConnectionTestResult } from '../../ui/settingsForm';
import { FormError, Loading, SegmentedField, TextField } from '../../ui/ui';

const PROVIDERS: readonly MsProvider[] = ['password', 'microsoft'];
const SEND_METHODS: readonly MsSendMethod[] = ['smtp', 'graph'];
const MAILBOX_METHODS: readonly MsMailboxMethod[] = ['imap', 'graph'];

type Purpose = 'sending' | 'mailbox';

/**
 * The provider choice above a mail account form: "Gebruikersnaam en wachtwoord" shows the form
 * (children); "Microsoft 365" shows the sign-in with Microsoft instead, without a password field.
 */
export function MailProviderChoice({ purpose, children }: { purpose: Purpose; children: ReactNode }) {
  const { t } = useI18n();
  const [status, setStatus] = useState<MicrosoftStatus | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    invoke('microsoft.status', {}).then(setStatus, (e: Error) => setError(e.message));
  }, []);
  if (!status) return error ? <FormError message={error} /> : <Loading />;
  const provider = purpose === 'sending' ? status.settings.sendProvider : status.settings.mailboxProvider;
  const choose = (p: MsProvider) =>
    invoke('microsoft.settings.save', purpose === 'sending' ? { sendProvider: p } : { mailboxProvider: p }).then(setStatus, (e: Error) => setError(e.message));
  return (
    <>
      <SegmentedField
        legend={t('ms.provider')}
        name={`${purpose}-provider`}
        options={PROVIDERS}
        value={provider}
        onChange={(p) => void choose(p)}
        label={(p) => t(`ms.provider.${p}`)}
      />
      {provider === 'microsoft' ? <MicrosoftPanel purpose={purpose} status={status} setStatus={setStatus} /> : children}
    </>
  );
}

function MicrosoftPanel({ purpose, status, setStatus }: { purpose: Purpose; status: MicrosoftStatus; setStatus: (s: MicrosoftStatus) => void }) {
  const { t } = useI18n();
  const [error, setError] = useState<string | null>(null);
  const [clientId, setClientId] = useState(status.settings.clientId);
  const [tenant, setTenant] = useState(status.settings.tenant);
  const [testing, setTesting] = useState(false);
  const [result, setResult] = useState<MicrosoftTestResult | null>(null);
  const mounted = useRef(true);
  useEffect(() => () => void (mounted.current = false), []);
  const fail = (e: unknown) => setError(e instanceof Error ? e.message : String(e));
  const id = (name: string) => `${purpose}-ms-${name}`;

  const waitUntilDone = async () => {
    for (;;) {
      const s = await invoke('microsoft.signIn.wait', { timeoutMs: 5_000 });
      if (!mounted.current) return;
      setStatus(s);
      if (s.signIn.state !== 'waiting') return;
    }
  };
  // A sign-in still waiting (the screen was left and opened again) is followed further.
  const followWaiting = useEffectEvent(() => {
    if (status.signIn.state === 'waiting') waitUntilDone().catch(fail);
  });
  useEffect(() => followWaiting(), []);

  const signIn = async () => {
    setError(null);
    setResult(null);
    // Browser mode: the tab is opened within the click, then pointed at Microsoft's page.
    const tab = window.schakel ? null : window.open('about:blank', '_blank');
    try {
      const started = await invoke('microsoft.signIn.start', {});
      if (tab && started.url) tab.location.href = started.url;
      else tab?.close();
      setStatus(await invoke('microsoft.status', {}));
      await waitUntilDone();
    } catch (e) {
      tab?.close();
      fail(e);
    }
  };
  const run = (p: Promise<MicrosoftStatus>) => p.then(setStatus, fail);
  const test = async () => {
    setTesting(true);
    setResult(null);
    try {
      setResult(await invoke('microsoft.test', { purpose }));
    } catch (e) {
      fail(e);
    } finally {
      setTesting(false);
    }
  };

  const waiting = status.signIn.state === 'waiting';
  return (
    <div className="form ms-panel" data-testid={`${purpose}-microsoft`}>
      <p className="muted">{t('ms.intro')}</p>
      <FormError message={error} />
      <details open={!status.configured}>
        <summary>{t('ms.clientId')}</summary>
        <div className="form-row">
          <TextField id={id('client-id')} fieldClass="field-grow" label={t('ms.clientId')} hint={t('ms.registrationHint')} placeholder={status.effective.clientId} autoComplete="off" value={clientId} onChange={setClientId} />
          <TextField id={id('tenant')} label={t('ms.tenant')} placeholder={status.effective.tenant} autoComplete="off" value={tenant} onChange={setTenant} />
        </div>
        <div className="form-actions">
          <button type="button" className="button" onClick={() => void run(invoke('microsoft.settings.save', { clientId, tenant }))}>{t('ms.saveRegistration')}</button>
        </div>
      </details>
      {!status.configured ? <p className="hint">{t('ms.notConfigured')}</p> : null}
      <p data-testid={`${purpose}-ms-account`} aria-live="polite">
        {status.account ? <strong>{t('ms.signedInAs', { name: status.account.name, username: status.account.username })}</strong> : t('ms.notSignedIn')}
      </p>
      {!status.persistentCache ? <p className="hint">{t('ms.sessionOnly')}</p> : null}
      {waiting ? (
        <div className="form-actions" role="status">
          <span>{t('ms.signingIn')}</span>
          {status.signIn.url ? <a href={status.signIn.url} target="_blank" rel="noreferrer">{t('ms.openAgain')}</a> : null}
          <button type="button" className="button" onClick={() => void run(invoke('microsoft.signIn.cancel', {}))}>{t('ms.cancel')}</button>
        </div>
      ) : (
        <div className="form-actions">
          <button type="button" className="button button-primary" disabled={!status.configured} onClick={() => void signIn()}>{t('ms.signIn')}</button>
          {status.account ? <button type="button" className="button" onClick={() => void run(invoke('microsoft.signOut', {}))}>{t('ms.signOut')}</button> : null}
        </div>
      )}
      {status.signIn.state === 'failed' && status.signIn.error ? (
        <ConnectionTestResult
          result={{ ok: false, message: status.signIn.error.message, detail: status.signIn.error.detail || null }}
          testId={`${purpose}-ms-signin-error`}
          heading={null}
          serverSaid={(detail) => t('ms.serverSaid', { detail })}
        />
      ) : null}
      {purpose === 'sending' ? (
        <SegmentedField legend={t('ms.method')} name="sending-ms-method" options={SEND_METHODS} value={status.settings.sendMethod}
          onChange={(m) => void run(invoke('microsoft.settings.save', { sendMethod: m }))} label={(m) => t(`ms.method.${m}`)} />
      ) : (
        <SegmentedField legend={t('ms.mailboxMethod')} name="mailbox-ms-method" options={MAILBOX_METHODS} value={status.settings.mailboxMethod}
          onChange={(m) => void run(invoke('microsoft.settings.save', { mailboxMethod: m }))} label={(m) => t(`ms.mailboxMethod.${m}`)} />
      )}
      <div className="form-actions">
        <button type="button" className="button" disabled={testing || !status.account} onClick={() => void test()}>{testing ? t('ms.testing') : t('ms.test')}</button>
      </div>
      <ConnectionTestResult
        result={result && { ...result, detail: result.ok ? null : result.detail }}
        testId={`${purpose}-ms-test-result`}
        heading={result ? (result.ok ? t('ms.testOk') : t('ms.testFailed')) : null}
        serverSaid={(detail) => t('ms.serverSaid', { detail })}
      />
    </div>
  );
}
