import { useEffect, useState } from 'react';
import type { ChecklistItem, ChecklistResult, EditionDetail } from '../../../../electron/commands/contract';
import { errorMessage, invoke } from '../../app/api';
import { useI18n } from '../../app/i18n';
import { href } from '../../app/router';
import { Dialog } from '../../ui/Dialog';
import { ErrorBox, Loading } from '../../ui/ui';

const ORDER = { error: 0, warning: 1, ok: 2 } as const;

/** The pre-send checklist: errors block "ready", warnings need a confirmation; every item can jump to its place. */
export function EditionChecklistDialog({
  editionId,
  onClose,
  onJump,
  onReady,
}: {
  editionId: number;
  onClose: () => void;
  onJump: (item: ChecklistItem) => void;
  onReady: (edition: EditionDetail) => void;
}) {
  const { t, tc, lang, formatNumber } = useI18n();
  const [result, setResult] = useState<ChecklistResult | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [tick, setTick] = useState(0);
  const [accepted, setAccepted] = useState(false);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    let live = true;
    setError(null);
    invoke('newsletter.checklist', { editionId }).then(
      (r) => {
        if (!live) return;
        setResult(r);
        setAccepted(false);
      },
      (err: unknown) => {
        if (live) setError(errorMessage(err));
      },
    );
    return () => {
      live = false;
    };
  }, [editionId, tick]);

  const markReady = async () => {
    setBusy(true);
    setError(null);
    try {
      const edition = await invoke('newsletter.editions.setStatus', { id: editionId, status: 'ready', acceptWarnings: accepted });
      onReady(edition);
    } catch (err) {
      setError(errorMessage(err));
      setTick((n) => n + 1);
    } finally {
      setBusy(false);
    }
  };

  const items = result ? [...result.items].sort((a, b) => ORDER[a.severity] - ORDER[b.severity]) : [];
  const canMark = result !== null && result.errors === 0 && (result.warnings === 0 || accepted);

  return (
    <Dialog
      title={t('news.check.title')}
      onClose={onClose}
      wide
      initialFocus="checklist-recheck"
      footer={
        <>
          <button type="button" className="button" onClick={onClose}>
            {t('common.close')}
          </button>
          <button type="button" id="checklist-recheck" className="button" onClick={() => setTick((n) => n + 1)}>
            {t('news.check.again')}
          </button>
          <button type="button" className="button button-primary" onClick={() => void markReady()} disabled={!canMark || busy} data-testid="mark-ready">
            {busy ? t('common.saving') : t('news.check.markReady')}
          </button>
        </>
      }
    >
      <ErrorBox message={error} />
      {!result && !error ? <Loading /> : null}
      {result ? (
        <>
          <p className={result.errors ? 'nl-check-summary bad' : result.warnings ? 'nl-check-summary warn' : 'nl-check-summary good'} data-testid="checklist-summary">
            {result.errors
              ? `${tc('news.check.errors', result.errors, { count: formatNumber(result.errors) })}${result.warnings ? `, ${tc('news.check.warnings', result.warnings, { count: formatNumber(result.warnings) })}` : ''}. ${t('news.check.blocked')}`
              : result.warnings
                ? `${tc('news.check.warnings', result.warnings, { count: formatNumber(result.warnings) })}. ${t('news.check.confirmNeeded')}`
                : t('news.check.allGood')}
          </p>
          <ul className="nl-check-list" data-testid="checklist">
            {items.map((item, i) => (
              <li key={`${item.check}-${i}`} className={`nl-check nl-check-${item.severity}`} data-severity={item.severity} data-check={item.check}>
                <span className="nl-check-icon" aria-hidden="true">
                  {item.severity === 'ok' ? '✓' : item.severity === 'error' ? '!' : '?'}
                </span>
                <span className="nl-check-text">
                  <span className="visually-hidden">{t(`news.check.severity.${item.severity}`)}: </span>
                  {item.message[lang]}
                </span>
                {item.path?.startsWith('settings.') ? (
                  <a className="button button-small" href={href('/newsletters/settings')} onClick={onClose}>
                    {t('news.check.toSettings')}
                  </a>
                ) : item.severity !== 'ok' && (item.path || item.blockIndex !== null) ? (
                  <button type="button" className="button button-small" onClick={() => onJump(item)} aria-label={t('news.check.goToLabel', { message: item.message[lang] })}>
                    {t('news.check.goTo')}
                  </button>
                ) : null}
              </li>
            ))}
          </ul>
          {result.errors === 0 && result.warnings > 0 ? (
            <label className="nl-accept">
              <input type="checkbox" checked={accepted} onChange={(e) => setAccepted(e.target.checked)} />
              {t('news.check.accept')}
            </label>
          ) : null}
        </>
      ) : null}
    </Dialog>
  );
}
