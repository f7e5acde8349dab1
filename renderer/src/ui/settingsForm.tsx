import { useState, type FormEvent, type ReactNode } from 'react';
import type { InboxSettingsView } from '../../../electron/commands/contract';
import { errorMessage } from '../app/api';
import { useLoad, type Loaded } from '../app/hooks';
import { useI18n } from '../app/i18n';
import { FieldError, useFormSave, useToast } from './ui';

/** The part of a settings form that holds a stored password. */
export interface PasswordFormState {
  password: string;
  clearPassword: boolean;
}

/** What a save sends about the password: a new one, an empty one to forget it, or nothing to keep it. */
export function passwordChange(form: PasswordFormState): { password?: string } {
  return form.password ? { password: form.password } : form.clearPassword ? { password: '' } : {};
}

/** The keys of a form whose values are text. */
type TextKey<F> = { [K in keyof F]: F[K] extends string ? K : never }[keyof F];

export interface SettingsForm<V, F extends PasswordFormState, R> {
  settings: Loaded<V>;
  view: V | undefined;
  form: F | null;
  setForm: (update: (form: F | null) => F | null) => void;
  set: <K extends keyof F>(key: K, value: F[K]) => void;
  /** Everything a <PasswordField> takes from the form. */
  password: { value: string; onChange: (value: string) => void; clear: boolean; onClear: (clear: boolean) => void; error: string | undefined };
  /** Value, change handler and server issue of a text field of the form. */
  bind: (key: TextKey<F>) => { value: string; onChange: (value: string) => void; error: string | undefined };
  busy: boolean;
  error: string | null;
  issues: Map<string, string>;
  testing: boolean;
  result: R | null;
  submit: (event: FormEvent) => Promise<void>;
  test: () => Promise<void>;
}

/**
 * A settings form over a loaded view: the form state taken from the view, a save with its busy
 * state, error and per-field issues, and a connection test with its result.
 */
export function useSettingsForm<V, F extends PasswordFormState, R>({
  formId,
  load,
  fromView,
  save,
  testConnection,
  savedMessage,
  validate,
}: {
  formId: string;
  load: () => Promise<V>;
  fromView: (view: V) => F;
  save: (form: F, view: V) => Promise<V>;
  testConnection: () => Promise<R>;
  savedMessage: string;
  /** Problems found before saving, keyed like the server's issues. */
  validate?: (form: F) => Map<string, string>;
}): SettingsForm<V, F, R> {
  const toast = useToast();
  const settings = useLoad<V>(load, []);
  const [form, setForm] = useState<F | null>(null);
  const { busy, error, setError, issues, refuse, save: run } = useFormSave(formId);
  const [testing, setTesting] = useState(false);
  const [result, setResult] = useState<R | null>(null);

  const [formFor, setFormFor] = useState<V | undefined>(undefined);
  if (settings.data !== formFor) {
    setFormFor(settings.data);
    if (settings.data) setForm(fromView(settings.data));
  }

  const view = settings.data;
  const set = <K extends keyof F>(key: K, value: F[K]) => setForm((f) => (f ? { ...f, [key]: value } : f));
  const password = {
    value: form?.password ?? '',
    onChange: (value: string) => setForm((f) => (f ? { ...f, password: value } : f)),
    clear: form?.clearPassword ?? false,
    onClear: (clear: boolean) => setForm((f) => (f ? { ...f, clearPassword: clear } : f)),
    error: issues.get('password'),
  };
  const bind = (key: TextKey<F>) => ({
    value: form ? String(form[key]) : '',
    onChange: (value: string) => set(key, value as F[TextKey<F>]),
    error: issues.get(String(key)),
  });

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!form || !view) return;
    setResult(null);
    if (validate && refuse(validate(form))) return;
    await run(async () => {
      const saved = await save(form, view);
      settings.reload();
      setForm(fromView(saved));
      toast.show(savedMessage);
    });
  };

  const test = async () => {
    setTesting(true);
    setResult(null);
    setError(null);
    try {
      setResult(await testConnection());
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setTesting(false);
    }
  };

  return { settings, view, form, setForm, set, password, bind, busy, error, issues, testing, result, submit, test };
}

type PasswordStorage = InboxSettingsView['passwordStorage'];

/**
 * The password of a stored account (`area` names its texts and ids: "imap-password", "imap.passwordSet"):
 * never shown, kept when left empty, with where it is kept and a way to forget it.
 */
export function PasswordField({
  area,
  value,
  onChange,
  passwordSet,
  clear,
  onClear,
  storage,
  error,
}: {
  area: 'imap' | 'smtp';
  value: string;
  onChange: (value: string) => void;
  passwordSet: boolean;
  clear: boolean;
  onClear: (clear: boolean) => void;
  storage: PasswordStorage | undefined;
  error: string | undefined;
}) {
  const { t, lang } = useI18n();
  const id = `${area}-password`;
  return (
    <div className="field">
      <label className="field-label" htmlFor={id}>
        {t(`${area}.password`)}
      </label>
      <input
        id={id}
        type="password"
        value={value}
        autoComplete="new-password"
        onChange={(e) => onChange(e.target.value)}
        aria-invalid={error ? true : undefined}
        aria-describedby={`${id}-hint${error ? ` ${id}-error` : ''}`}
      />
      <div id={`${id}-hint`}>
        {passwordSet ? <p className="hint">{t(`${area}.passwordSet`)}</p> : null}
        {storage?.kind === 'memory' ? <p className="hint smtp-memory">{t('smtp.passwordMemory')}</p> : null}
        {storage?.kind === 'safeStorage' ? <p className="hint">{t('smtp.passwordSafe')}</p> : null}
        {storage?.kind === 'environment' ? <p className="hint">{t('smtp.passwordEnv')}</p> : null}
        {storage?.refusal ? (
          <p className="hint smtp-memory" data-testid={`${id}-refusal`}>
            {storage.refusal[lang] || storage.refusal.nl}
          </p>
        ) : null}
      </div>
      {passwordSet ? (
        <label className="checkbox">
          <input type="checkbox" checked={clear} disabled={value !== ''} onChange={(e) => onClear(e.target.checked)} />
          {t(`${area}.passwordClear`)}
        </label>
      ) : null}
      <FieldError id={`${id}-error`} message={error} />
    </div>
  );
}

/** The outcome of "Verbinding testen": the server's answer in plain words, and its own words when it gave some. */
export function ConnectionTestResult({
  result,
  testId,
  heading,
  serverSaid,
}: {
  result: { ok: boolean; message: { nl: string; en: string }; detail: string | null } | null;
  testId: string;
  /** Bold words before the message, or null for none. */
  heading: string | null;
  serverSaid: (detail: string) => string;
}) {
  const { lang } = useI18n();
  return (
    <div aria-live="polite">
      {result ? (
        <div className={result.ok ? 'alert smtp-result smtp-result-ok' : 'alert alert-error smtp-result'} data-testid={testId} data-ok={result.ok}>
          <div>
            <p>
              {heading ? (
                <>
                  <strong>{heading}</strong>:{' '}
                </>
              ) : null}
              {result.message[lang] || result.message.nl}
            </p>
            {result.detail ? <p className="send-pause-detail">{serverSaid(result.detail)}</p> : null}
          </div>
        </div>
      ) : null}
    </div>
  );
}

/** The bottom of a settings form: test the connection, save, what the test does, and its outcome. */
export function SettingsFooter({
  busy,
  testing,
  canTest,
  onTest,
  labels,
  children,
}: {
  busy: boolean;
  testing: boolean;
  canTest: boolean;
  onTest: () => void;
  labels: { test: string; testing: string; save: string; testHint: string };
  /** The outcome of the last test. */
  children: ReactNode;
}) {
  const { t } = useI18n();
  return (
    <>
      <div className="form-actions smtp-actions">
        <button type="button" className="button" onClick={onTest} disabled={testing || busy || !canTest}>
          {testing ? labels.testing : labels.test}
        </button>
        <button type="submit" className="button button-primary" disabled={busy}>
          {busy ? t('common.saving') : labels.save}
        </button>
      </div>
      <p className="hint">{labels.testHint}</p>
      {children}
    </>
  );
}
