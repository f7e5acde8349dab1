import { useState } from 'react';
import type { ArchivedEdition, EditionDetail } from '../../../../electron/commands/contract';
import { errorMessage, invoke } from '../../app/api';
import { LanguageSwitch } from './EditionFields';
import { PreviewFrame } from './NewsletterPreview';
import { ErrorBox, Facts, Loading, PageHeader, useToast } from '../../ui/ui';
import { useLoad } from '../../app/hooks';
import { useI18n, type Lang } from '../../app/i18n';
import { navigate } from '../../app/router';
import { StatusBadge } from './EditionStatusBadge';
import './newsletter.css';

/** Hands a text to the browser as a file download. */
function download(fileName: string, html: string) {
  const url = URL.createObjectURL(new Blob([html], { type: 'text/html;charset=utf-8' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.rel = 'noopener';
  document.body.append(a);
  a.click();
  a.remove();
  window.setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** A sent edition: frozen, its final HTML per language, export as a standalone HTML file. */
export function EditionArchive({ edition, onChanged }: { edition: EditionDetail; onChanged: () => void }) {
  const { t, lang: uiLang, formatDate, formatDateTime } = useI18n();
  const toast = useToast();
  const languages = edition.archiveLanguages.length ? edition.archiveLanguages : (['nl'] as Lang[]);
  const [lang, setLang] = useState<Lang>(languages.includes(uiLang) ? uiLang : languages[0]!);
  const [width, setWidth] = useState<'desktop' | 'mobile'>('desktop');
  const archived = useLoad<ArchivedEdition>(() => invoke('newsletter.archive.get', { editionId: edition.id, language: lang }), [edition.id, lang]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [exported, setExported] = useState<string | null>(null);
  const title = (uiLang === 'en' && edition.title.en) || edition.title.nl || edition.title.en;

  const exportHtml = async () => {
    setBusy(true);
    setError(null);
    try {
      const file = await invoke('newsletter.archive.export', { editionId: edition.id, language: lang });
      download(file.fileName, file.html);
      setExported(file.path);
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  const act = async (fn: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await fn();
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="page nl-editor-page">
      <PageHeader
        back={{ to: '/newsletters', label: t('news.title') }}
        title={
          <>
            <span>{t('news.editionN', { n: String(edition.number) })}</span>
            <StatusBadge status={edition.status} />
          </>
        }
        subtitle={title || t('news.noTitle')}
        actions={
          <>
            <button
              type="button"
              className="button"
              disabled={busy}
              onClick={() =>
                void act(async () => {
                  const created = await invoke('newsletter.editions.create', { copyFromId: edition.id });
                  toast.show(t('news.copyDone', { n: String(created.number) }));
                  navigate(`/newsletters/${created.id}`);
                })
              }
            >
              {t('news.copy')}
            </button>
            {edition.status === 'sent' ? (
              <button
                type="button"
                className="button"
                disabled={busy}
                onClick={() =>
                  void act(async () => {
                    await invoke('newsletter.editions.setStatus', { id: edition.id, status: 'archived' });
                    toast.show(t('news.archiveDone'));
                    onChanged();
                  })
                }
              >
                {t('news.archive')}
              </button>
            ) : null}
            <button type="button" className="button button-primary" onClick={() => void exportHtml()} disabled={busy || !archived.data} data-testid="export-html">
              {t('news.archiveView.export')}
            </button>
          </>
        }
      />
      <p className="alert nl-alert-info">{t('news.archiveView.frozen')}</p>
      <ErrorBox message={error} />
      {exported ? (
        <div className="alert nl-alert-info" role="status" data-testid="export-result">
          <p>{t('news.archiveView.exported')}</p>
          <code className="path">{exported}</code>
        </div>
      ) : null}
      <div className="nl-archive-grid">
        <section className="card section" aria-labelledby="archive-facts">
          <h2 id="archive-facts">{t('news.section.edition')}</h2>
          <Facts
            stacked
            items={[
              { label: t('news.field.number'), value: String(edition.number) },
              { label: t('news.field.date'), value: formatDate(edition.date) },
              { label: t('news.archiveView.sentAt'), value: edition.sentAt ? formatDateTime(edition.sentAt) : null },
              { label: t('news.field.subject'), value: archived.data?.subject },
              { label: t('news.field.preheader'), value: archived.data?.preheader },
              { label: t('news.archiveView.languages'), value: languages.map((l) => t(`language.${l}`)).join(', ') },
            ]}
          />
        </section>
        <section className="nl-preview card" aria-labelledby="archive-preview-title">
          <div className="nl-preview-bar">
            <h2 id="archive-preview-title" className="nl-preview-title">
              {t('news.archiveView.final')}
            </h2>
            <div className="nl-preview-controls">
              {languages.length > 1 ? <LanguageSwitch id="archive-lang" value={lang} onChange={setLang} label={t('news.preview.language')} /> : null}
              <div className="segmented" role="radiogroup" aria-label={t('news.preview.width')}>
                {(['desktop', 'mobile'] as const).map((w) => (
                  <label key={w} className={width === w ? 'segment selected' : 'segment'}>
                    <input type="radio" name="archive-width" value={w} checked={width === w} onChange={() => setWidth(w)} />
                    {t(`news.preview.${w}`)}
                  </label>
                ))}
              </div>
            </div>
          </div>
          <ErrorBox message={archived.error} onRetry={archived.reload} />
          {archived.loading && !archived.data ? <Loading /> : null}
          <PreviewFrame html={archived.data?.html ?? ''} width={width} title={t('news.archiveView.frameTitle', { lang: t(`language.${lang}`) })} testId="archive-frame" />
        </section>
      </div>
    </div>
  );
}
