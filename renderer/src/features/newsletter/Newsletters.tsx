import { useState, type FormEvent } from 'react';
import type { EditionSummary, NewsletterSettingsView } from '../../../../electron/commands/contract';
import { errorMessage, invoke } from '../../app/api';
import { Dialog, DialogFooter } from '../../ui/Dialog';
import { StatusBadge } from './EditionStatusBadge';
import { EmptyState, ErrorBox, Loading, PageHeader, TextField } from '../../ui/ui';
import { useLoad } from '../../app/hooks';
import { useI18n } from '../../app/i18n';
import { href, idFrom, navigate } from '../../app/router';
import './newsletter.css';
import { NewsletterEditionScreen } from './NewsletterEditor';
import { NewsletterSettingsScreen, SettingsMissingNotice } from './NewsletterSettings';
import type { EditionStatus } from '../../../../db/shared/newsletter';

const STATUSES: EditionStatus[] = ['draft', 'ready', 'sent', 'archived'];

/** #/newsletters, #/newsletters/settings, #/newsletters/12 */
export function NewsletterRoutes({ part }: { part: string | undefined }) {
  if (!part) return <NewslettersScreen />;
  if (part === 'settings') return <NewsletterSettingsScreen />;
  const id = idFrom(part);
  if (id) return <NewsletterEditionScreen key={id} id={id} />;
  return <NewslettersScreen />;
}

export function NewslettersScreen() {
  const { t, tc, lang, formatDate, formatDateTime, formatNumber } = useI18n();
  const [filter, setFilter] = useState<EditionStatus | 'all'>('all');
  const editions = useLoad<EditionSummary[]>(() => invoke('newsletter.editions.list', {}), []);
  const settings = useLoad<NewsletterSettingsView>(() => invoke('newsletter.settings.get', {}), []);
  const [creating, setCreating] = useState(false);
  const all = editions.data ?? [];
  const shown = filter === 'all' ? all : all.filter((e) => e.status === filter);
  const count = (s: EditionStatus) => all.filter((e) => e.status === s).length;

  return (
    <div className="page">
      <PageHeader
        title={t('news.title')}
        subtitle={t('news.subtitle')}
        actions={
          <>
            <a className="button" href={href('/newsletters/settings')}>
              {t('news.settings.title')}
            </a>
            <button type="button" className="button button-primary" onClick={() => setCreating(true)}>
              {t('news.new')}
            </button>
          </>
        }
      />
      {settings.data ? <SettingsMissingNotice missing={settings.data.missing} /> : null}
      <ErrorBox message={editions.error} onRetry={editions.reload} />
      {editions.loading && !editions.data ? <Loading /> : null}
      {editions.data && all.length === 0 ? (
        <div className="card">
          <EmptyState title={t('news.emptyTitle')} text={t('news.emptyText')}>
            <button type="button" className="button button-primary" onClick={() => setCreating(true)}>
              {t('news.new')}
            </button>
          </EmptyState>
        </div>
      ) : null}
      {all.length > 0 ? (
        <>
          <div className="toolbar nl-list-toolbar">
            <div className="segmented" role="radiogroup" aria-label={t('news.filter')}>
              {(['all', ...STATUSES] as const).map((s) => (
                <label key={s} className={filter === s ? 'segment selected' : 'segment'}>
                  <input type="radio" name="edition-status" checked={filter === s} onChange={() => setFilter(s)} />
                  {s === 'all' ? t('news.filterAll') : t(`news.status.${s}`)}
                  <span className="nl-segment-count">{formatNumber(s === 'all' ? all.length : count(s))}</span>
                </label>
              ))}
            </div>
          </div>
          <div className="card table-card">
            <table className="table nl-edition-table">
              <caption className="visually-hidden">{t('news.title')}</caption>
              <thead>
                <tr>
                  <th scope="col" className="num">
                    {t('news.col.number')}
                  </th>
                  <th scope="col">{t('news.col.title')}</th>
                  <th scope="col">{t('news.col.date')}</th>
                  <th scope="col">{t('news.col.status')}</th>
                  <th scope="col" className="num">
                    {t('news.col.blocks')}
                  </th>
                  <th scope="col">{t('news.col.updated')}</th>
                </tr>
              </thead>
              <tbody>
                {shown.map((e) => {
                  const title = (lang === 'en' && e.title.en) || e.title.nl || e.title.en;
                  return (
                    <tr key={e.id}>
                      <td className="num">{e.number}</td>
                      <td>
                        <a className="strong-link" href={href(`/newsletters/${e.id}`)}>
                          {title || <span className="muted">{t('news.untitled', { n: String(e.number) })}</span>}
                        </a>
                      </td>
                      <td>{formatDate(e.date)}</td>
                      <td>
                        <StatusBadge status={e.status} />
                      </td>
                      <td className="num">{formatNumber(e.blockCount)}</td>
                      <td className="muted">{formatDateTime(e.sentAt ?? e.updatedAt)}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
            {shown.length === 0 ? <p className="muted nl-table-empty">{t('news.filterEmpty')}</p> : null}
          </div>
          <p className="hint">{tc('news.count', all.length, { count: formatNumber(all.length) })}</p>
        </>
      ) : null}
      {creating ? <NewEditionDialog editions={all} onClose={() => setCreating(false)} /> : null}
    </div>
  );
}

function NewEditionDialog({ editions, onClose }: { editions: EditionSummary[]; onClose: () => void }) {
  const { t, lang } = useI18n();
  const [title, setTitle] = useState('');
  const [copy, setCopy] = useState(false);
  const [copyFrom, setCopyFrom] = useState<number | null>(editions[0]?.id ?? null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const created = await invoke('newsletter.editions.create', {
        ...(title.trim() ? { title: title.trim() } : {}),
        ...(copy && copyFrom ? { copyFromId: copyFrom } : {}),
      });
      navigate(`/newsletters/${created.id}`);
    } catch (err) {
      setError(errorMessage(err));
      setBusy(false);
    }
  };

  return (
    <Dialog
      title={t('news.new')}
      onClose={onClose}
      initialFocus="new-edition-title"
      footer={<DialogFooter form="new-edition-form" onCancel={onClose} label={t('news.create')} busy={busy} />}
    >
      <form id="new-edition-form" className="form" onSubmit={(e) => void submit(e)} noValidate>
        <ErrorBox message={error} />
        <TextField id="new-edition-title" label={t('news.field.title')} value={title} onChange={setTitle} hint={t('news.newTitleHint')} />
        {editions.length > 0 ? (
          <fieldset className="field">
            <legend className="field-label">{t('news.newStart')}</legend>
            <label className="radio-block">
              <input type="radio" name="new-edition-start" checked={!copy} onChange={() => setCopy(false)} />
              {t('news.newEmpty')}
            </label>
            <label className="radio-block">
              <input type="radio" name="new-edition-start" checked={copy} onChange={() => setCopy(true)} />
              {t('news.newCopy')}
            </label>
            {copy ? (
              <div className="nl-copy-select">
                <label className="visually-hidden" htmlFor="new-edition-copy">
                  {t('news.newCopyOf')}
                </label>
                <select id="new-edition-copy" value={copyFrom ?? ''} onChange={(e) => setCopyFrom(Number(e.target.value))}>
                  {editions.map((e) => (
                    <option key={e.id} value={e.id}>
                      {`${e.number}. ${(lang === 'en' && e.title.en) || e.title.nl || t('news.untitled', { n: String(e.number) })}`}
                    </option>
                  ))}
                </select>
                <p className="hint">{t('news.newCopyHint')}</p>
              </div>
            ) : null}
          </fieldset>
        ) : null}
      </form>
    </Dialog>
  );
}

export function NewsletterIcon() {
  return (
    <svg width="18" height="18" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="1.8" strokeLinecap="round" strokeLinejoin="round" focusable="false">
      <path d="M6.5 4.5h12a1 1 0 0 1 1 1v12.5a1.5 1.5 0 0 1-1.5 1.5H6" />
      <path d="M6.5 4.5V18a1.5 1.5 0 0 1-3 0v-8h3" />
      <path d="M9.5 8.5h7M9.5 12h7M9.5 15.5h4" />
    </svg>
  );
}
