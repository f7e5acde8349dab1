import { useEffect, useLayoutEffect, useRef, useState } from 'react';
import type { PreviewResult, RecipientRow } from '../../../../electron/commands/contract';
import { ApiError, errorMessage, invoke } from '../../app/api';
import { useI18n, type Lang } from '../../app/i18n';
import { LanguageSwitch } from './EditionFields';
import { Combobox, type Option } from '../../ui/Picker';
import { Chip } from '../../ui/ui';
import { type EditionContent, PREVIEW_DEBOUNCE_MS } from '../../../../db/shared/newsletter';

const WIDTHS = { desktop: 700, mobile: 375 } as const;
type Width = keyof typeof WIDTHS;

/** The rendered mail beside the editor: desktop or mobile width, per language, as any recipient of the audience. */
export function NewsletterPreview({
  editionId,
  content,
  onViewAs,
}: {
  editionId: number;
  content: EditionContent;
  /** Who the preview shows the mail as (for a test mail with their values). */
  onViewAs?: (row: RecipientRow | null) => void;
}) {
  const { t, formatNumber } = useI18n();
  const [lang, setLang] = useState<Lang>('nl');
  const [width, setWidth] = useState<Width>('desktop');
  const [viewAs, setViewAsState] = useState<RecipientRow | null>(null);
  const setViewAs = (row: RecipientRow | null) => {
    setViewAsState(row);
    onViewAs?.(row);
  };
  const [result, setResult] = useState<PreviewResult | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(true);
  const seq = useRef(0);
  const key = JSON.stringify({ content, lang, personId: viewAs?.personId ?? null });

  useEffect(() => {
    setPending(true);
    const mine = ++seq.current;
    const timer = window.setTimeout(() => {
      invoke('newsletter.preview', { editionId, draft: content, language: lang, personId: viewAs?.personId ?? null }).then(
        (r) => {
          if (mine !== seq.current) return;
          setResult(r);
          setError(null);
          setPending(false);
        },
        (err: unknown) => {
          if (mine !== seq.current) return;
          // A half-typed value (a time, a date) makes the draft invalid for a moment: say so plainly.
          setError(err instanceof ApiError && err.code === 'invalid_input' ? t('news.preview.invalid') : errorMessage(err));
          setPending(false);
        },
      );
    }, PREVIEW_DEBOUNCE_MS);
    return () => window.clearTimeout(timer);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key, editionId]);

  // The audience changes as the draft changes: search its recipients for "view as".
  const audienceRef = useRef(content.audience);
  audienceRef.current = content.audience;
  const rowsRef = useRef(new Map<number, RecipientRow>());
  const searchRecipients = async (query: string): Promise<Option[]> => {
    const { rows } = await invoke('newsletter.audience.recipients', { audience: audienceRef.current, query, limit: 12, offset: 0 });
    const seen = new Set<number>();
    const options: Option[] = [];
    for (const r of rows) {
      if (seen.has(r.personId)) continue;
      seen.add(r.personId);
      rowsRef.current.set(r.personId, r);
      options.push({ id: r.personId, label: r.name, detail: [r.email, r.organisationName, r.language.toUpperCase()].filter(Boolean).join(' · ') });
    }
    return options;
  };

  return (
    <section className="nl-preview card" aria-labelledby="preview-title">
      <div className="nl-preview-bar">
        <h2 id="preview-title" className="nl-preview-title">
          {t('news.preview.title')}
          <span className={pending ? 'nl-preview-state busy' : 'nl-preview-state'} role="status" data-testid="preview-state">
            {pending ? t('news.preview.updating') : error ? t('news.preview.stale') : t('news.preview.upToDate')}
          </span>
        </h2>
        <div className="nl-preview-controls">
          <LanguageSwitch id="preview-lang" value={lang} onChange={setLang} label={t('news.preview.language')} />
          <div className="segmented" role="radiogroup" aria-label={t('news.preview.width')}>
            {(['desktop', 'mobile'] as const).map((w) => (
              <label key={w} className={width === w ? 'segment selected' : 'segment'}>
                <input type="radio" name="preview-width" value={w} checked={width === w} onChange={() => setWidth(w)} />
                {t(`news.preview.${w}`)}
              </label>
            ))}
          </div>
        </div>
      </div>
      <div className="nl-viewas">
        {viewAs ? (
          <div className="nl-viewas-chosen">
            <span className="field-label">{t('news.preview.viewAs')}</span>
            <Chip onRemove={() => setViewAs(null)} removeLabel={t('news.preview.viewAsClear', { name: viewAs.name })}>
              {viewAs.name} · {viewAs.language.toUpperCase()}
            </Chip>
          </div>
        ) : (
          <Combobox
            id="preview-view-as"
            label={t('news.preview.viewAs')}
            placeholder={t('news.preview.viewAsPlaceholder')}
            search={searchRecipients}
            onSelect={(o) => {
              const row = rowsRef.current.get(o.id);
              if (!row) return;
              setViewAs(row);
              setLang(row.language);
            }}
          />
        )}
      </div>
      {error ? (
        <p className="nl-preview-error" role="alert">
          {error}
        </p>
      ) : null}
      {result ? (
        <div className="nl-inbox" aria-label={t('news.preview.inbox')}>
          <p>
            <span className="nl-inbox-label">{t('news.field.subject')}</span> <strong data-testid="preview-subject">{result.subject || '—'}</strong>
          </p>
          <p className="muted">
            <span className="nl-inbox-label">{t('news.field.preheader')}</span> {result.preheader || '—'}
          </p>
          {result.recipient && !result.recipient.inAudience ? <p className="nl-inbox-note">{t('news.preview.notInAudience', { name: result.recipient.name })}</p> : null}
        </div>
      ) : null}
      <PreviewFrame html={result?.html ?? ''} width={width} title={t('news.preview.frameTitle', { lang: t(`language.${lang}`) })} />
      {result ? (
        <p className="hint nl-preview-foot">
          {t('news.preview.size', { kb: formatNumber(Math.round(result.bytes / 1024)) })}
        </p>
      ) : null}
    </section>
  );
}

/** A sandboxed frame without scripts; a desktop-width mail is scaled down to fit the pane. */
export function PreviewFrame({ html, width, title, testId = 'preview-frame' }: { html: string; width: Width; title: string; testId?: string }) {
  const boxRef = useRef<HTMLDivElement>(null);
  const [box, setBox] = useState({ w: 0, h: 0 });
  useLayoutEffect(() => {
    const el = boxRef.current;
    if (!el) return;
    const measure = () => setBox({ w: el.clientWidth, h: el.clientHeight });
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(el);
    return () => observer.disconnect();
  }, []);
  const frameWidth = WIDTHS[width];
  const available = Math.max(0, box.w - 16);
  const scale = available > 0 ? Math.min(1, available / frameWidth) : 1;
  const padding = width === 'mobile' ? 28 : 16;
  const height = box.h > 0 ? Math.max(200, (box.h - padding) / scale) : 600;
  return (
    <div className={`nl-frame-box nl-frame-${width}`} ref={boxRef}>
      <div className="nl-frame-holder" style={{ width: frameWidth * scale, height: height * scale }}>
        <iframe
          className="nl-preview-frame"
          data-testid={testId}
          title={title}
          sandbox=""
          srcDoc={html}
          style={{ width: frameWidth, height, transform: `scale(${scale})` }}
        />
      </div>
    </div>
  );
}

export { PREVIEW_DEBOUNCE_MS } from '../../../../db/shared/newsletter';
