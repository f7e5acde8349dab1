import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { ChecklistItem, EditionDetail, NewsletterSettingsView } from '../../../../electron/commands/contract';
import { ApiError, errorMessage, invoke } from '../../app/api';
import { blockCardId, BlockList } from './BlockEditors';
import { ConfirmDialog } from '../../ui/Dialog';
import { EditionChecklistDialog } from './EditionChecklist';
import { BiField, EditionEditorContext, LanguageSwitch, PlainField, type EditionEditorState } from './EditionFields';
import { EditionTestSendDialog } from './EditionTestSend';
import { SendEditionDialog } from '../sending/SendingDialog';
import { NewsletterAudience } from './NewsletterAudience';
import { NewsletterPreview } from './NewsletterPreview';
import { DetailLoadState, ErrorBox, PageHeader, useToast } from '../../ui/ui';
import { useLoad } from '../../app/hooks';
import { useI18n, type Lang } from '../../app/i18n';
import { navigate } from '../../app/router';
import { StatusBadge } from './EditionStatusBadge';
import './newsletter.css';
import { EditionArchive } from './NewsletterArchive';
import { SettingsMissingNotice } from './NewsletterSettings';
import type { EditionContent, EditionStatus } from '../../../../db/shared/newsletter';

/** Waits this long after the last change before saving. */
const AUTOSAVE_MS = 800;

export function NewsletterEditionScreen({ id }: { id: number }) {
  const { t } = useI18n();
  const edition = useLoad<EditionDetail>(() => invoke('newsletter.editions.get', { id }), [id]);
  if (!edition.data) return <DetailLoadState loaded={edition} title={t('news.edition')} back={{ to: '/newsletters', label: t('news.title') }} />;
  if (edition.data.frozen) return <EditionArchive edition={edition.data} onChanged={edition.reload} />;
  return <EditionEditor key={`${edition.data.id}-${edition.data.revision}-${edition.data.status}`} initial={edition.data} onReload={edition.reload} />;
}

type SaveState = 'saved' | 'dirty' | 'saving' | 'error';

/** Issue paths from a save: zod's start with "content.", the edition's own checks do not. */
function normalisedIssues(issues: { path: string; message: string }[]): Map<string, string> {
  const map = new Map<string, string>();
  for (const issue of issues) {
    const path = issue.path.replace(/^(content|draft)\./, '');
    const prev = map.get(path);
    map.set(path, prev ? `${prev} ${issue.message}` : issue.message);
  }
  return map;
}

function EditionEditor({ initial, onReload }: { initial: EditionDetail; onReload: () => void }) {
  const { t, lang: uiLang, formatDateTime } = useI18n();
  const toast = useToast();
  const id = initial.id;
  const [content, setContent] = useState<EditionContent>(initial.content);
  const [status, setStatus] = useState<EditionStatus>(initial.status);
  const [viewAs, setViewAs] = useState<{ personId: number; name: string } | null>(null);
  const [saveState, setSaveState] = useState<SaveState>('saved');
  const [saveError, setSaveError] = useState<{ code: string; message: string } | null>(null);
  const [savedAt, setSavedAt] = useState(initial.updatedAt);
  const [issues, setIssues] = useState<Map<string, string>>(new Map());
  const [lang, setLang] = useState<Lang>('nl');
  const [collapsed, setCollapsed] = useState<Set<string>>(new Set());
  const [dialog, setDialog] = useState<'test' | 'checklist' | 'delete' | null>(null);
  const [sendOpen, setSendOpen] = useState(false);
  const [actionError, setActionError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [jump, setJump] = useState<string | null>(null);
  const [numberText, setNumberText] = useState(String(initial.content.number));
  const settings = useLoad<NewsletterSettingsView>(() => invoke('newsletter.settings.get', {}), []);
  const readOnly = status === 'archived';

  const contentRef = useRef(content);
  contentRef.current = content;
  const revision = useRef(initial.revision);
  const savedJson = useRef(JSON.stringify(initial.content));
  const failedJson = useRef<string | null>(null);
  const inFlight = useRef<Promise<boolean> | null>(null);
  const timer = useRef<number | undefined>(undefined);
  const mounted = useRef(true);

  const saveNow = useCallback(async (): Promise<boolean> => {
    window.clearTimeout(timer.current);
    if (inFlight.current) await inFlight.current;
    const snapshot = contentRef.current;
    const json = JSON.stringify(snapshot);
    if (json === savedJson.current) return true;
    if (json === failedJson.current) return false;
    const run = (async () => {
      if (mounted.current) setSaveState('saving');
      try {
        const saved = await invoke('newsletter.editions.save', { id, revision: revision.current, content: snapshot });
        revision.current = saved.revision;
        savedJson.current = json;
        failedJson.current = null;
        if (mounted.current) {
          setStatus(saved.status);
          setSavedAt(saved.updatedAt);
          setIssues(new Map());
          setSaveError(null);
          setSaveState(JSON.stringify(contentRef.current) === json ? 'saved' : 'dirty');
        }
        return true;
      } catch (err) {
        failedJson.current = json;
        if (mounted.current) {
          setIssues(err instanceof ApiError ? normalisedIssues(err.issues) : new Map());
          setSaveError({ code: err instanceof ApiError ? err.code : 'error', message: errorMessage(err) });
          setSaveState('error');
        }
        return false;
      }
    })();
    inFlight.current = run;
    try {
      return await run;
    } finally {
      inFlight.current = null;
    }
  }, [id]);

  // Autosave: a while after the last change.
  useEffect(() => {
    const json = JSON.stringify(content);
    if (json === savedJson.current) return;
    if (saveState === 'saved') setSaveState('dirty');
    window.clearTimeout(timer.current);
    timer.current = window.setTimeout(() => void saveNow(), AUTOSAVE_MS);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [content]);

  // Leaving the screen saves what is left.
  useEffect(() => {
    mounted.current = true;
    const beforeUnload = (event: BeforeUnloadEvent) => {
      if (JSON.stringify(contentRef.current) !== savedJson.current) {
        void saveNow();
        event.preventDefault();
      }
    };
    window.addEventListener('beforeunload', beforeUnload);
    return () => {
      mounted.current = false;
      window.removeEventListener('beforeunload', beforeUnload);
      if (JSON.stringify(contentRef.current) !== savedJson.current) void saveNow();
    };
  }, [saveNow]);

  // Ctrl/Cmd+S saves at once.
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if ((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === 's') {
        event.preventDefault();
        void saveNow();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [saveNow]);

  const update = useCallback((fn: (c: EditionContent) => EditionContent) => setContent((c) => fn(c)), []);

  // Jump to a field named by a content path (from the checklist or a save error).
  useEffect(() => {
    if (!jump) return;
    setJump(null);
    const base = jump.replace(/\.(nl|en)$/, '');
    const parts = base.split('.');
    let target: HTMLElement | null = null;
    for (let n = parts.length; n > 0 && !target; n--) {
      const p = parts.slice(0, n).join('.');
      target = document.querySelector<HTMLElement>(`[data-path="${CSS.escape(p)}"]`);
      const block = /^blocks\.(\d+)$/.exec(p);
      if (!target && block) {
        const b = contentRef.current.blocks[Number(block[1])];
        if (b) target = document.getElementById(blockCardId(b.id));
      }
    }
    target ??= document.getElementById('edition-head');
    if (!target) return;
    const focusable = target.matches('fieldset') ? target.querySelector<HTMLElement>('input') : target;
    focusable?.focus({ preventScroll: true });
    target.scrollIntoView({ block: 'center' });
  }, [jump]);

  const jumpTo = (path: string | null, blockIndex: number | null) => {
    const p = path ?? (blockIndex !== null ? `blocks.${blockIndex}` : null);
    if (!p) return;
    const m = /\.(nl|en)$/.exec(p);
    if (m) setLang(m[1] as Lang);
    const b = /^blocks\.(\d+)/.exec(p);
    const block = b ? contentRef.current.blocks[Number(b[1])] : undefined;
    if (block) {
      setCollapsed((s) => {
        if (!s.has(block.id)) return s;
        const next = new Set(s);
        next.delete(block.id);
        return next;
      });
    }
    setJump(p);
  };

  const openChecklist = async () => {
    setActionError(null);
    const ok = await saveNow();
    if (ok) setDialog('checklist');
  };

  const changeStatus = async (next: 'draft' | 'archived') => {
    setBusy(true);
    setActionError(null);
    try {
      if (next !== 'archived' || status !== 'archived') await saveNow();
      const edition = await invoke('newsletter.editions.setStatus', { id, status: next });
      setStatus(edition.status);
      toast.show(t(next === 'draft' ? 'news.toDraftDone' : 'news.archiveDone'));
    } catch (err) {
      setActionError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  const makeCopy = async () => {
    setBusy(true);
    setActionError(null);
    try {
      await saveNow();
      const created = await invoke('newsletter.editions.create', { copyFromId: id });
      toast.show(t('news.copyDone', { n: String(created.number) }));
      navigate(`/newsletters/${created.id}`);
    } catch (err) {
      setActionError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  const remove = async () => {
    setBusy(true);
    try {
      window.clearTimeout(timer.current);
      savedJson.current = JSON.stringify(contentRef.current);
      await invoke('newsletter.editions.delete', { id });
      toast.show(t('news.deleted'));
      navigate('/newsletters');
    } catch (err) {
      setActionError(errorMessage(err));
      setDialog(null);
    } finally {
      setBusy(false);
    }
  };

  const editorState = useMemo<EditionEditorState>(() => ({ lang, issues, readOnly }), [lang, issues, readOnly]);
  const title = (uiLang === 'en' && content.title.en) || content.title.nl || content.title.en;
  const blockPaths = /^blocks\.\d+/;
  const headPaths = new Set(['number', 'date', 'title', 'subject', 'preheader', 'audience', 'audience.listIds']);
  const unplaced = [...issues.entries()].filter(([p]) => !blockPaths.test(p) && !headPaths.has(p.replace(/\.(nl|en)$/, '')));

  return (
    <div className="page nl-editor-page">
      <PageHeader
        back={{ to: '/newsletters', label: t('news.title') }}
        title={
          <>
            <span>{t('news.editionN', { n: String(content.number) })}</span>
            <StatusBadge status={status} />
          </>
        }
        subtitle={title || t('news.noTitle')}
        actions={
          <>
            <button type="button" className="button" onClick={() => setDialog('test')} disabled={busy}>
              {t('news.test.open')}
            </button>
            {status === 'archived' ? null : (
              <button type="button" className="button button-primary" onClick={() => void openChecklist()} disabled={busy} data-testid="open-checklist">
                {status === 'ready' ? t('news.check.open') : t('news.check.openReady')}
              </button>
            )}
            {status === 'ready' ? (
              <button type="button" className="button button-primary" onClick={() => setSendOpen(true)} disabled={busy} data-testid="send-edition">
                {t('send.open')}
              </button>
            ) : null}
          </>
        }
      />
      {settings.data ? <SettingsMissingNotice missing={settings.data.missing} /> : null}
      {status === 'ready' ? (
        <div className="alert nl-alert-ready" role="status">
          <p>{t('news.readyBanner')}</p>
          <button type="button" className="button button-small" onClick={() => void changeStatus('draft')} disabled={busy}>
            {t('news.toDraft')}
          </button>
        </div>
      ) : null}
      {status === 'archived' ? (
        <div className="alert alert-warning">
          <p>{t('news.archivedBanner')}</p>
          <button type="button" className="button button-small" onClick={() => void changeStatus('draft')} disabled={busy}>
            {t('news.toDraft')}
          </button>
        </div>
      ) : null}
      {saveError ? (
        <div className="alert alert-error" role="alert" data-testid="save-error">
          <p>{saveError.message}</p>
          {unplaced.length ? (
            <ul>
              {unplaced.map(([p, m]) => (
                <li key={p}>{m}</li>
              ))}
            </ul>
          ) : null}
          {saveError.code === 'edition_changed' ? (
            <p>
              <button type="button" className="button button-small" onClick={onReload}>
                {t('news.reload')}
              </button>
            </p>
          ) : null}
        </div>
      ) : null}
      <ErrorBox message={actionError} />

      <div className="nl-editor-grid">
        <EditionEditorContext.Provider value={editorState}>
          <div className="nl-editor-main" id="edition-form">
            <div className="nl-lang-bar">
              <span className="nl-lang-bar-label" id="edit-lang-label">
                {t('news.editLanguage')}
              </span>
              <LanguageSwitch id="edit-lang" value={lang} onChange={setLang} label={t('news.editLanguage')} />
              <span className="hint nl-lang-bar-hint">{lang === 'en' ? t('news.editLanguageHintEn') : null}</span>
              <SaveIndicator
                state={saveState}
                savedAt={savedAt}
                formatDateTime={formatDateTime}
                onRetry={() => {
                  failedJson.current = null;
                  void saveNow();
                }}
              />
            </div>

            <section className="card section" aria-labelledby="edition-head">
              <h2 id="edition-head" tabIndex={-1}>
                {t('news.section.edition')}
              </h2>
              <div className="nl-head-row">
                <PlainField
                  path="number"
                  label={t('news.field.number')}
                  type="number"
                  className="nl-number"
                  value={numberText}
                  onChange={(v) => {
                    setNumberText(v);
                    const n = Number(v);
                    if (/^\d{1,7}$/.test(v.trim()) && n >= 1) update((c) => ({ ...c, number: n }));
                  }}
                />
                <PlainField path="date" label={t('news.field.date')} type="date" className="nl-date" value={content.date} onChange={(date) => update((c) => ({ ...c, date }))} />
              </div>
              <BiField path="title" label={t('news.field.title')} value={content.title} onChange={(v) => update((c) => ({ ...c, title: v }))} />
              <BiField path="subject" label={t('news.field.subject')} value={content.subject} onChange={(v) => update((c) => ({ ...c, subject: v }))} merge hint={t('news.field.subjectHint')} />
              <BiField path="preheader" label={t('news.field.preheader')} value={content.preheader} onChange={(v) => update((c) => ({ ...c, preheader: v }))} merge hint={t('news.field.preheaderHint')} />
            </section>

            <section className="card section" aria-labelledby="audience-title">
              <h2 id="audience-title">{t('news.section.audience')}</h2>
              <NewsletterAudience audience={content.audience} onChange={(audience) => update((c) => ({ ...c, audience }))} />
            </section>

            <section className="section nl-content-section" aria-labelledby="content-title">
              <div className="section-header">
                <h2 id="content-title">{t('news.section.content')}</h2>
                {content.blocks.length > 1 ? (
                  <button
                    type="button"
                    className="button button-small button-quiet"
                    onClick={() => setCollapsed((s) => (s.size === content.blocks.length ? new Set() : new Set(content.blocks.map((b) => b.id))))}
                  >
                    {collapsed.size === content.blocks.length ? t('news.block.expandAll') : t('news.block.collapseAll')}
                  </button>
                ) : null}
              </div>
              <BlockList
                blocks={content.blocks}
                onChange={(blocks) => update((c) => ({ ...c, blocks }))}
                collapsed={collapsed}
                onToggleCollapsed={(blockId) =>
                  setCollapsed((s) => {
                    const next = new Set(s);
                    if (next.has(blockId)) next.delete(blockId);
                    else next.add(blockId);
                    return next;
                  })
                }
              />
            </section>

            <section className="card section nl-manage" aria-labelledby="manage-title">
              <h2 id="manage-title">{t('news.section.manage')}</h2>
              <div className="button-row">
                <button type="button" className="button button-small" onClick={() => void makeCopy()} disabled={busy}>
                  {t('news.copy')}
                </button>
                {status !== 'archived' ? (
                  <button type="button" className="button button-small" onClick={() => void changeStatus('archived')} disabled={busy}>
                    {t('news.archive')}
                  </button>
                ) : null}
                <button type="button" className="button button-small button-danger-quiet" onClick={() => setDialog('delete')} disabled={busy}>
                  {t('news.delete')}
                </button>
              </div>
            </section>
          </div>
        </EditionEditorContext.Provider>

        <aside className="nl-editor-side" aria-label={t('news.preview.title')}>
          <NewsletterPreview editionId={id} content={content} onViewAs={setViewAs} />
        </aside>
      </div>

      {sendOpen ? <SendEditionDialog editionId={id} editionNumber={content.number} onClose={() => setSendOpen(false)} /> : null}
      {dialog === 'test' ? (
        <EditionTestSendDialog editionId={id} draft={content} viewAs={viewAs} defaultAddress={settings.data?.senderEmail ?? ''} onClose={() => setDialog(null)} />
      ) : null}
      {dialog === 'checklist' ? (
        <EditionChecklistDialog
          editionId={id}
          onClose={() => setDialog(null)}
          onJump={(item: ChecklistItem) => {
            setDialog(null);
            jumpTo(item.path, item.blockIndex);
          }}
          onReady={(edition) => {
            setDialog(null);
            setStatus(edition.status);
            revision.current = edition.revision;
            toast.show(t('news.readyDone'));
          }}
        />
      ) : null}
      {dialog === 'delete' ? (
        <ConfirmDialog
          title={t('news.deleteTitle')}
          message={<p>{t('news.deleteConfirm', { n: String(content.number) })}</p>}
          confirmLabel={t('news.delete')}
          danger
          busy={busy}
          onConfirm={() => void remove()}
          onCancel={() => setDialog(null)}
        />
      ) : null}
    </div>
  );
}

function SaveIndicator({ state, savedAt, formatDateTime, onRetry }: { state: SaveState; savedAt: string; formatDateTime: (iso: string) => string; onRetry: () => void }) {
  const { t } = useI18n();
  return (
    <span className={`nl-save nl-save-${state}`} role="status" data-testid="save-state" data-state={state} title={state === 'saved' ? t('news.save.savedAt', { at: formatDateTime(savedAt) }) : undefined}>
      {state === 'saved' ? t('news.save.saved') : state === 'saving' ? t('news.save.saving') : state === 'dirty' ? t('news.save.dirty') : t('news.save.failed')}
      {state === 'error' ? (
        <button type="button" className="link-button" onClick={onRetry} title={t('common.retry')}>
          {t('news.save.retry')}
        </button>
      ) : null}
    </span>
  );
}
