import {
  createContext,
  useCallback,
  useContext,
  useEffect,
  useRef,
  useState,
  type InputHTMLAttributes,
  type ReactNode,
  type TextareaHTMLAttributes,
} from 'react';
import { ApiError, errorMessage } from '../app/api';
import { useI18n } from '../app/i18n';
import type { Loaded } from '../app/hooks';
import { href } from '../app/router';

export function PageHeader({
  title,
  subtitle,
  actions,
  back,
}: {
  title: ReactNode;
  subtitle?: ReactNode;
  actions?: ReactNode;
  back?: { to: string; label: string };
}) {
  return (
    <header className="page-header">
      {back ? (
        <a className="back-link" href={href(back.to)}>
          <span aria-hidden="true">←</span> {back.label}
        </a>
      ) : null}
      <div className="page-header-row">
        <div className="page-header-text">
          <h1>{title}</h1>
          {subtitle ? <p className="page-subtitle">{subtitle}</p> : null}
        </div>
        {actions ? <div className="page-actions">{actions}</div> : null}
      </div>
    </header>
  );
}

export function ErrorBox({ message, onRetry }: { message: string | null | undefined; onRetry?: () => void }) {
  const { t } = useI18n();
  if (!message) return null;
  return (
    <div className="alert alert-error" role="alert">
      <span>{message}</span>
      {onRetry ? (
        <button type="button" className="button button-small" onClick={onRetry}>
          {t('common.retry')}
        </button>
      ) : null}
    </div>
  );
}

/** The message of a failed save, at the top of a form or dialog. */
export function FormError({ message }: { message: string | null | undefined }) {
  if (!message) return null;
  return (
    <p className="alert alert-error" role="alert">
      {message}
    </p>
  );
}

export function Loading() {
  const { t } = useI18n();
  return (
    <p className="loading" role="status">
      {t('common.loading')}
    </p>
  );
}

/** A page without its data yet: the loading notice, or the page header with the error and a retry. */
export function DetailLoadState({ loaded, title, back }: { loaded: Loaded<unknown>; title: string; back: { to: string; label: string } }) {
  if (loaded.loading) return <Loading />;
  return (
    <div className="page">
      <PageHeader title={title} back={back} />
      <ErrorBox message={loaded.error} onRetry={loaded.reload} />
    </div>
  );
}

/** The buttons on a register detail page: log a contact, edit and, where allowed, delete. */
export function DetailActions({ onLog, editPath, onDelete }: { onLog: () => void; editPath: string; onDelete?: () => void }) {
  const { t } = useI18n();
  return (
    <>
      <button type="button" className="button button-primary" onClick={onLog}>
        {t('interaction.log')}
      </button>
      <a className="button" href={href(editPath)}>
        {t('common.edit')}
      </a>
      {onDelete ? (
        <button type="button" className="button button-danger-quiet" onClick={onDelete}>
          {t('common.delete')}
        </button>
      ) : null}
    </>
  );
}

/** Cancel (a link back) and save, at the bottom of an edit page. */
export function EditFormActions({ cancelTo, busy }: { cancelTo: string; busy: boolean }) {
  const { t } = useI18n();
  return (
    <div className="form-actions">
      <a className="button" href={href(cancelTo)}>
        {t('common.cancel')}
      </a>
      <button type="submit" className="button button-primary" disabled={busy}>
        {busy ? t('common.saving') : t('common.save')}
      </button>
    </div>
  );
}

export function EmptyState({ title, text, children }: { title: string; text?: string; children?: ReactNode }) {
  return (
    <div className="empty-state">
      <p className="empty-title">{title}</p>
      {text ? <p className="empty-text">{text}</p> : null}
      {children ? <div className="empty-actions">{children}</div> : null}
    </div>
  );
}

/** The table card of a list page: the error with a retry, a status line, the empty notice or the table, and the loading notice. */
export function ListPanel({ loaded, count, status, empty, children }: { loaded: Loaded<unknown>; count: number; status: ReactNode; empty: ReactNode; children: ReactNode }) {
  return (
    <>
      <ErrorBox message={loaded.error} onRetry={loaded.reload} />
      <div className="card list-panel-static">
        <div className="list-status">{status}</div>
        {loaded.data && count === 0 ? empty : null}
        {count > 0 ? children : null}
        {loaded.loading && !loaded.data ? <Loading /> : null}
      </div>
    </>
  );
}

export function Section({ title, actions, children, id }: { title: string; actions?: ReactNode; children: ReactNode; id?: string }) {
  const headingId = `${id ?? title.replace(/\W+/g, '-').toLowerCase()}-title`;
  return (
    <section className="card section" aria-labelledby={headingId}>
      <div className="section-header">
        <h2 id={headingId}>{title}</h2>
        {actions ? <div className="section-actions">{actions}</div> : null}
      </div>
      {children}
    </section>
  );
}

export function SearchIcon() {
  return (
    <svg width="16" height="16" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" focusable="false" aria-hidden="true">
      <circle cx="10.5" cy="10.5" r="6.5" />
      <path d="m15.5 15.5 5 5" />
    </svg>
  );
}

/** A label/value list for detail pages; empty values show a dash. */
export function Facts({ items, stacked }: { items: { label: string; value: ReactNode; wide?: boolean }[]; stacked?: boolean }) {
  return (
    <dl className={stacked ? 'facts facts-stacked' : 'facts'}>
      {items.map((item) => (
        <div key={item.label} className={item.wide ? 'fact fact-wide' : 'fact'}>
          <dt>{item.label}</dt>
          <dd>{item.value === null || item.value === undefined || item.value === '' ? <span className="muted">—</span> : item.value}</dd>
        </div>
      ))}
    </dl>
  );
}

interface ToastApi {
  show: (message: string) => void;
}
const ToastContext = createContext<ToastApi>({ show: () => undefined });

export function ToastProvider({ children }: { children: ReactNode }) {
  const [message, setMessage] = useState<string | null>(null);
  const timer = useRef<number | undefined>(undefined);
  const show = useCallback((text: string) => {
    setMessage(text);
    window.clearTimeout(timer.current);
    timer.current = window.setTimeout(() => setMessage(null), 4000);
  }, []);
  return (
    <ToastContext.Provider value={{ show }}>
      {children}
      <div className="toast-region" role="status" aria-live="polite">
        {message ? <div className="toast">{message}</div> : null}
      </div>
    </ToastContext.Provider>
  );
}

export function useToast(): ToastApi {
  return useContext(ToastContext);
}

/** Issues from the server, keyed by their path ("emails.0.email"). */
export function issuesByPath(issues: { path: string; message: string }[]): Map<string, string> {
  const map = new Map<string, string>();
  for (const issue of issues) {
    const prev = map.get(issue.path);
    map.set(issue.path, prev ? `${prev} ${issue.message}` : issue.message);
  }
  return map;
}

export function FieldError({ id, message }: { id: string; message: string | undefined }) {
  if (!message) return null;
  return (
    <p className="field-error" id={id}>
      {message}
    </p>
  );
}

/** Props for an input that may carry an error shown by <FieldError id={`${id}-error`} />. */
export function describe(id: string, error: string | undefined) {
  return error ? { 'aria-invalid': true as const, 'aria-describedby': `${id}-error` } : {};
}

/** What a labelled field shows around its control: the label, an error and a hint below it. */
interface FieldFrame {
  id: string;
  label: ReactNode;
  hint?: ReactNode;
  error?: string;
  /** Extra classes on the wrapper, e.g. "field-narrow". */
  fieldClass?: string;
}

/** aria-invalid and aria-describedby for a control in a <Field>, pointing at its hint and error. */
export function fieldAria(id: string, error: string | undefined, hint: ReactNode) {
  const describedBy = [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ');
  return { 'aria-invalid': error ? (true as const) : undefined, 'aria-describedby': describedBy || undefined };
}

/** A label, the control (children), its error and its hint. */
export function Field({ id, label, hint, error, fieldClass, children }: FieldFrame & { children: ReactNode }) {
  return (
    <div className={fieldClass ? `field ${fieldClass}` : 'field'}>
      <label className="field-label" htmlFor={id}>
        {label}
      </label>
      {children}
      <FieldError id={`${id}-error`} message={error} />
      {hint ? (
        <p className="hint" id={`${id}-hint`}>
          {hint}
        </p>
      ) : null}
    </div>
  );
}

type LabelledControl<A> = FieldFrame & A & { value: string; onChange: (value: string) => void; after?: ReactNode };

/** Splits a labelled control's props into what the frame shows and what goes on the control itself. */
function splitControl<A>({ id, label, hint, error, fieldClass, value, onChange, after, ...rest }: LabelledControl<A>) {
  return {
    frame: { id, label, hint, error, fieldClass },
    after,
    control: { ...rest, id, value, onChange: (e: { target: { value: string } }) => onChange(e.target.value), ...fieldAria(id, error, hint) },
  };
}

type InputProps = Omit<InputHTMLAttributes<HTMLInputElement>, 'id' | 'value' | 'onChange' | 'children'>;

/** A labelled text input; `after` stands right below the input (a datalist, a note). */
export function TextField({ type = 'text', ...props }: LabelledControl<InputProps>) {
  const { frame, control, after } = splitControl(props);
  return (
    <Field {...frame}>
      <input type={type} {...control} />
      {after}
    </Field>
  );
}

type TextAreaProps = Omit<TextareaHTMLAttributes<HTMLTextAreaElement>, 'id' | 'value' | 'onChange' | 'children'>;

/** A labelled textarea. */
export function TextAreaField(props: LabelledControl<TextAreaProps>) {
  const { frame, control, after } = splitControl(props);
  return (
    <Field {...frame}>
      <textarea {...control} />
      {after}
    </Field>
  );
}

/** A labelled <select> over a fixed list of values. */
export function ChoiceField<T extends string>({
  id,
  label,
  hint,
  error,
  fieldClass,
  ...choice
}: FieldFrame & { value: T; options: readonly T[]; optionLabel: (option: T) => string; onChange: (value: T) => void; disabled?: boolean }) {
  return (
    <Field id={id} label={label} hint={hint} error={error} fieldClass={fieldClass}>
      <ChoiceSelect id={id} value={choice.value} options={choice.options} label={choice.optionLabel} onChange={choice.onChange} disabled={choice.disabled} aria={fieldAria(id, error, hint)} />
    </Field>
  );
}

/** A labelled choice of a few options, shown as one row of switch-like radio buttons. */
export function SegmentedField<T extends string>({
  legend,
  name,
  options,
  value,
  onChange,
  label,
}: {
  legend: string;
  name: string;
  options: readonly T[];
  value: T;
  onChange: (value: T) => void;
  label: (option: T) => string;
}) {
  return (
    <fieldset className="field">
      <legend className="field-label">{legend}</legend>
      <div className="segmented">
        {options.map((option) => (
          <label key={option} className={value === option ? 'segment selected' : 'segment'}>
            <input type="radio" name={name} value={option} checked={value === option} onChange={() => onChange(option)} />
            {label(option)}
          </label>
        ))}
      </div>
    </fieldset>
  );
}

/** A <select> over a fixed list of values, each shown by its label. */
export function ChoiceSelect<T extends string>({
  id,
  value,
  options,
  label,
  onChange,
  disabled,
  aria,
}: {
  id: string;
  value: T;
  options: readonly T[];
  label: (option: T) => string;
  onChange: (value: T) => void;
  disabled?: boolean;
  aria?: ReturnType<typeof fieldAria>;
}) {
  return (
    <select id={id} value={value} disabled={disabled} onChange={(e) => onChange(e.target.value as T)} {...aria}>
      {options.map((option) => (
        <option key={option} value={option}>
          {label(option)}
        </option>
      ))}
    </select>
  );
}

export function Chip({ children, onRemove, removeLabel }: { children: ReactNode; onRemove?: () => void; removeLabel?: string }) {
  return (
    <span className="chip">
      <span className="chip-text">{children}</span>
      {onRemove ? (
        <button type="button" className="chip-remove" onClick={onRemove} aria-label={removeLabel}>
          <span aria-hidden="true">×</span>
        </button>
      ) : null}
    </span>
  );
}

/**
 * A form that saves to the server: busy, the message at the top and the problems per field, which
 * are keyed like the server's issues ("emails.0.email").
 */
export function useFormSave(formId: string) {
  const { t } = useI18n();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [issues, setIssues] = useState<Map<string, string>>(new Map());
  const focusProblem = useProblemFocus(formId);

  /** Shows problems found before saving; true when the save should not go ahead. */
  const refuse = (local: Map<string, string>, opts: { message?: string | null; always?: boolean } = {}): boolean => {
    if (!local.size && !opts.always) return false;
    setIssues(local);
    setError(opts.message === undefined ? t('form.fixErrors') : opts.message);
    focusProblem();
    return true;
  };

  /** Runs the save; when it fails, shows why and marks the fields the server named. */
  const save = async (action: () => Promise<void>, mapIssues?: (issues: ApiError['issues']) => ApiError['issues']) => {
    setBusy(true);
    setError(null);
    setIssues(new Map());
    try {
      await action();
    } catch (err) {
      setIssues(err instanceof ApiError ? issuesByPath(mapIssues ? mapIssues(err.issues) : err.issues) : new Map());
      setError(errorMessage(err));
      focusProblem();
    } finally {
      setBusy(false);
    }
  };

  return { busy, error, setError, issues, setIssues, refuse, save };
}

/**
 * After a failed save: move the cursor to the first field marked invalid (which scrolls it into
 * view), or else bring the message at the top into view. Call the returned function together with
 * the state updates that mark the fields; the focus happens once they are on screen.
 */
export function useProblemFocus(formId: string): () => void {
  const [tick, setTick] = useState(0);
  useEffect(() => {
    if (tick === 0) return;
    const form = document.getElementById(formId);
    if (!form) return;
    const invalid = form.querySelector<HTMLElement>('[aria-invalid="true"]');
    if (invalid) invalid.focus();
    else form.querySelector('[role="alert"]')?.scrollIntoView({ block: 'center' });
  }, [tick, formId]);
  return useCallback(() => setTick((n) => n + 1), []);
}
