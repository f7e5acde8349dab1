import { createContext, useContext, useEffect, useId, useRef, useState, type KeyboardEvent, type ReactNode } from 'react';
import { translate, useI18n, type Lang, type MessageKey } from '../../app/i18n';
import { MERGE_FIELD_INFO, type Bilingual } from '../../../../db/shared/newsletter';

/** What every field of the edition editor needs: the language being edited, the save issues, read-only. */
export interface EditionEditorState {
  lang: Lang;
  /** Issues by content path, e.g. "blocks.2.url" or "blocks.0.text.en". */
  issues: Map<string, string>;
  readOnly: boolean;
}

export const EditionEditorContext = createContext<EditionEditorState>({ lang: 'nl', issues: new Map(), readOnly: false });

export function useEditionEditor(): EditionEditorState {
  return useContext(EditionEditorContext);
}

/** A DOM id for a content path. */
export function pathId(path: string): string {
  return `ed-${path.replace(/[^a-zA-Z0-9]+/g, '-')}`;
}

/** Issues for a field: its own path and its per-language paths. The other language's issue says which language. */
function fieldIssues(issues: Map<string, string>, path: string, lang: Lang | null, langName: (l: Lang) => string): string | undefined {
  const out: string[] = [];
  const own = issues.get(path);
  if (own) out.push(own);
  for (const l of ['nl', 'en'] as const) {
    const m = issues.get(`${path}.${l}`);
    if (!m) continue;
    out.push(lang === null || l === lang ? m : `${langName(l)}: ${m}`);
  }
  return out.length ? out.join(' ') : undefined;
}

function useFieldError(path: string, bilingual: boolean): string | undefined {
  const { issues, lang } = useEditionEditor();
  const { t } = useI18n();
  return fieldIssues(issues, path, bilingual ? lang : null, (l) => t(`language.${l}`));
}

/** Replaces the selection of an input or textarea and puts the caret after the new text. */
function insertAt(el: HTMLInputElement | HTMLTextAreaElement, current: string, make: (selected: string) => { text: string; select?: [number, number] }, onChange: (v: string) => void) {
  const start = el.selectionStart ?? current.length;
  const end = el.selectionEnd ?? current.length;
  const { text, select } = make(current.slice(start, end));
  const next = current.slice(0, start) + text + current.slice(end);
  onChange(next);
  window.requestAnimationFrame(() => {
    el.focus();
    const [a, b] = select ? [start + select[0], start + select[1]] : [start + text.length, start + text.length];
    el.setSelectionRange(a, b);
  });
}

interface BiFieldProps {
  path: string;
  label: string;
  value: Bilingual;
  onChange: (value: Bilingual) => void;
  /** A textarea with the intro markup (bold, italic, links, lists). */
  rich?: boolean;
  /** A plain textarea. */
  multiline?: boolean;
  /** Offer merge fields (first name, organisation, …). */
  merge?: boolean;
  hint?: string;
  hideLabel?: boolean;
  rows?: number;
}

/** A text in two languages: shows and edits the language chosen for the editor. */
export function BiField({ path, label, value, onChange, rich, multiline, merge, hint, hideLabel, rows }: BiFieldProps) {
  const { lang, readOnly } = useEditionEditor();
  const { t } = useI18n();
  const id = pathId(path);
  const error = useFieldError(path, true);
  const ref = useRef<HTMLInputElement & HTMLTextAreaElement>(null);
  const current = value[lang];
  const set = (v: string) => onChange({ ...value, [lang]: v });
  // Writing English: the Dutch text as the placeholder, so the translator sees what to translate.
  const placeholder = lang === 'en' && value.nl.trim() && !current ? `NL: ${value.nl.replace(/\s+/g, ' ').slice(0, 140)}` : undefined;
  const describedBy = [error ? `${id}-error` : null, hint || rich ? `${id}-hint` : null].filter(Boolean).join(' ') || undefined;
  const common = {
    id,
    ref,
    value: current,
    placeholder,
    lang,
    'data-path': path,
    'aria-invalid': error ? (true as const) : undefined,
    'aria-describedby': describedBy,
    readOnly,
  };
  const insert = (make: Parameters<typeof insertAt>[2]) => {
    if (ref.current && !readOnly) insertAt(ref.current, current, make, set);
  };
  return (
    <div className="field nl-field">
      <div className="nl-field-head">
        <label className={hideLabel ? 'visually-hidden' : 'field-label'} htmlFor={id}>
          {label}
          {hideLabel ? null : <span className="nl-lang-tag" aria-hidden="true">{lang.toUpperCase()}</span>}
          <span className="visually-hidden"> ({t(`language.${lang}`)})</span>
        </label>
        {(rich || merge) && !readOnly ? (
          <div className="nl-field-tools">
            {rich ? <MarkupTools label={label} insert={insert} /> : null}
            {merge ? <MergeFieldMenu label={label} insert={(token) => insert(() => ({ text: token }))} /> : null}
          </div>
        ) : null}
      </div>
      {rich || multiline ? (
        <textarea {...common} rows={rows ?? (rich ? 5 : 3)} onChange={(e) => set(e.target.value)} />
      ) : (
        <input {...common} type="text" onChange={(e) => set(e.target.value)} />
      )}
      {error ? (
        <p className="field-error" id={`${id}-error`}>
          {error}
        </p>
      ) : null}
      {hint || rich ? (
        <p className="hint" id={`${id}-hint`}>
          {hint ?? t('news.markupHint')}
        </p>
      ) : null}
    </div>
  );
}

interface PlainFieldProps {
  path: string;
  label: string;
  value: string;
  onChange: (value: string) => void;
  type?: 'text' | 'email' | 'url' | 'date' | 'number';
  hint?: string;
  placeholder?: string;
  hideLabel?: boolean;
  className?: string;
  inputMode?: 'numeric' | 'text' | 'email' | 'url';
}

/** A single-language value: a name, an address, a link, a date. */
export function PlainField({ path, label, value, onChange, type = 'text', hint, placeholder, hideLabel, className, inputMode }: PlainFieldProps) {
  const { readOnly } = useEditionEditor();
  const id = pathId(path);
  const error = useFieldError(path, false);
  const describedBy = [error ? `${id}-error` : null, hint ? `${id}-hint` : null].filter(Boolean).join(' ') || undefined;
  return (
    <div className={className ? `field ${className}` : 'field'}>
      {hideLabel ? (
        <label className="visually-hidden" htmlFor={id}>
          {label}
        </label>
      ) : (
        <div className="nl-field-head">
          <label className="field-label" htmlFor={id}>
            {label}
          </label>
        </div>
      )}
      <input
        id={id}
        type={type === 'number' ? 'text' : type}
        inputMode={type === 'number' ? 'numeric' : inputMode}
        value={value}
        placeholder={placeholder}
        data-path={path}
        readOnly={readOnly}
        spellCheck={type === 'url' || type === 'email' ? false : undefined}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy}
        onChange={(e) => onChange(e.target.value)}
      />
      {error ? (
        <p className="field-error" id={`${id}-error`}>
          {error}
        </p>
      ) : null}
      {hint ? (
        <p className="hint" id={`${id}-hint`}>
          {hint}
        </p>
      ) : null}
    </div>
  );
}

/** Buttons for the only markup the newsletter knows: bold, italic, a link, a list. */
function MarkupTools({ label, insert }: { label: string; insert: (make: (selected: string) => { text: string; select?: [number, number] }) => void }) {
  const { t } = useI18n();
  const wrap = (mark: string, fallback: string) => (sel: string) => {
    const inner = sel || fallback;
    return { text: `${mark}${inner}${mark}`, select: [mark.length, mark.length + inner.length] as [number, number] };
  };
  const tools: { key: string; text: ReactNode; title: string; make: (sel: string) => { text: string; select?: [number, number] } }[] = [
    { key: 'bold', text: <b>B</b>, title: t('news.markup.bold'), make: wrap('**', t('news.markup.boldSample')) },
    { key: 'italic', text: <i>I</i>, title: t('news.markup.italic'), make: wrap('*', t('news.markup.italicSample')) },
    {
      key: 'link',
      text: t('news.markup.linkShort'),
      title: t('news.markup.link'),
      make: (sel) => {
        const label = sel || t('news.markup.linkSample');
        const text = `[${label}](https://)`;
        return { text, select: [label.length + 3, label.length + 11] };
      },
    },
    {
      key: 'list',
      text: t('news.markup.listShort'),
      title: t('news.markup.list'),
      make: (sel) => {
        const lines = (sel || t('news.markup.listSample')).split('\n').map((l) => (/^\s*[-*•]\s/.test(l) ? l : `- ${l}`));
        return { text: `\n${lines.join('\n')}\n` };
      },
    },
  ];
  return (
    <div className="nl-tools" role="group" aria-label={t('news.markup.tools', { field: label })}>
      {tools.map((tool) => (
        <button key={tool.key} type="button" className="nl-tool" title={tool.title} aria-label={`${tool.title} (${label})`} onMouseDown={(e) => e.preventDefault()} onClick={() => insert(tool.make)}>
          {tool.text}
        </button>
      ))}
    </div>
  );
}

/** Inserts {{voornaam|fallback}} and friends at the cursor. */
export function MergeFieldMenu({ label, insert }: { label: string; insert: (token: string) => void }) {
  const { t, lang } = useI18n();
  const textLang = useEditionEditor().lang;
  const [open, setOpen] = useState(false);
  const panelId = useId();
  const rootRef = useRef<HTMLDivElement>(null);
  // The fallback is written in the language of the text being edited.
  const [fallbacks, setFallbacks] = useState<Record<string, string>>({});
  const fallbackOf = (key: string) => fallbacks[`${textLang}.${key}`] ?? translate(textLang, `news.merge.default.${key}` as MessageKey);

  useEffect(() => {
    if (!open) return;
    const onDown = (event: MouseEvent) => {
      if (rootRef.current && !rootRef.current.contains(event.target as Node)) setOpen(false);
    };
    document.addEventListener('mousedown', onDown);
    return () => document.removeEventListener('mousedown', onDown);
  }, [open]);

  const onKey = (event: KeyboardEvent) => {
    if (event.key === 'Escape' && open) {
      event.preventDefault();
      event.stopPropagation();
      setOpen(false);
      rootRef.current?.querySelector<HTMLButtonElement>('.nl-merge-toggle')?.focus();
    }
  };

  return (
    <div className="nl-merge" ref={rootRef} onKeyDown={onKey}>
      <button
        type="button"
        className="nl-tool nl-merge-toggle"
        aria-expanded={open}
        aria-controls={panelId}
        aria-label={t('news.merge.open', { field: label })}
        title={t('news.merge.title')}
        onMouseDown={(e) => e.preventDefault()}
        onClick={() => setOpen((o) => !o)}
      >
        {'{ }'} {t('news.merge.button')}
      </button>
      {open ? (
        <div className="nl-merge-panel" id={panelId} role="group" aria-label={t('news.merge.title')}>
          <p className="hint nl-merge-intro">{t('news.merge.intro')}</p>
          <ul className="nl-merge-list">
            {MERGE_FIELD_INFO.map((f) => {
              const fallback = fallbackOf(f.key);
              const token = fallback.trim() ? `{{${f.key}|${fallback.trim()}}}` : `{{${f.key}}}`;
              return (
                <li key={f.key}>
                  <button
                    type="button"
                    className="button button-small"
                    onMouseDown={(e) => e.preventDefault()}
                    onClick={() => {
                      insert(token);
                      setOpen(false);
                    }}
                  >
                    {f.label[lang]}
                  </button>
                  <label className="nl-merge-fallback">
                    <span className="visually-hidden">{t('news.merge.fallbackFor', { field: f.label[lang] })}</span>
                    <span aria-hidden="true" className="muted">
                      {t('news.merge.fallback')}
                    </span>
                    <input type="text" value={fallback} onChange={(e) => setFallbacks((m) => ({ ...m, [`${textLang}.${f.key}`]: e.target.value }))} />
                  </label>
                  <code className="nl-merge-token">{token}</code>
                </li>
              );
            })}
          </ul>
        </div>
      ) : null}
    </div>
  );
}

/** A small tabs-like switch for NL / EN. */
export function LanguageSwitch({ value, onChange, label, id }: { value: Lang; onChange: (lang: Lang) => void; label: string; id: string }) {
  const { t } = useI18n();
  return (
    <div className="segmented nl-lang-switch" role="radiogroup" aria-label={label}>
      {(['nl', 'en'] as const).map((l) => (
        <label key={l} className={value === l ? 'segment selected' : 'segment'}>
          <input type="radio" name={id} value={l} checked={value === l} onChange={() => onChange(l)} />
          <span aria-hidden="true">{l.toUpperCase()}</span>
          <span className="visually-hidden">{t(`language.${l}`)}</span>
        </label>
      ))}
    </div>
  );
}

export function newId(): string {
  try {
    return crypto.randomUUID();
  } catch {
    return `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;
  }
}
