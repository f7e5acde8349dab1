import { useState } from 'react';
import type { BackupCopy, DataLocation, ErasurePreview, ErasureResult } from '../../../../electron/commands/contract';
import { errorMessage, invoke } from '../../app/api';
import { useLoad } from '../../app/hooks';
import { useI18n } from '../../app/i18n';
import { Dialog, DialogFooter } from '../../ui/Dialog';
import { ActorField, CountList, useRequiredActor } from './privacy';
import { ErrorBox, FormError, Loading, TextField } from '../../ui/ui';

/** The word to type before erasing; compared without regard to case. */
export function confirmWord(lang: 'nl' | 'en'): string {
  return lang === 'nl' ? 'WISSEN' : 'ERASE';
}

/** Backups that still hold a copy of erased data, each with the date it is deleted at the latest. */
export function BackupCopies({ backups }: { backups: BackupCopy[] }) {
  const { t, formatDateTime } = useI18n();
  if (!backups.length) return <p className="muted">{t('erase.noBackups')}</p>;
  const last = backups.reduce((a, b) => (a.expiresAt > b.expiresAt ? a : b));
  return (
    <>
      <p>{t('erase.backupsUntil', { count: String(backups.length), date: formatDateTime(last.expiresAt) })}</p>
      <ul className="problem-list backup-copies" data-testid="erase-backups">
        {backups.map((b) => (
          <li key={b.file}>
            <span>
              {t('erase.backupOf', { date: formatDateTime(b.createdAt) })}
              {b.unreadable ? <span className="badge badge-warn">{t('erase.unreadable')}</span> : null}
            </span>
            <span className="muted">{t('erase.deletedBy', { date: formatDateTime(b.expiresAt) })}</span>
          </li>
        ))}
      </ul>
    </>
  );
}

function Places({ places }: { places: DataLocation[] }) {
  const { t } = useI18n();
  return (
    <ul className="plain-list">
      {places.map((s) => (
        <li key={`${s.table}.${s.column}`}>
          <code>
            {s.table}.{s.column}
          </code>{' '}
          · {t('erase.rows', { count: String(s.rows) })}
        </li>
      ))}
    </ul>
  );
}

/** Places that refuse the change (a sent newsletter is frozen): a person decides what to do there. */
function KeptPlaces({ places }: { places: DataLocation[] }) {
  const { t } = useI18n();
  if (!places.length) return null;
  return (
    <div className="alert alert-warning" data-testid="erase-kept">
      <p>
        <strong>{t('erase.keptPlacesTitle')}</strong>
      </p>
      <p>{t('erase.keptPlacesText')}</p>
      <Places places={places} />
    </div>
  );
}

/**
 * "Wissen": shows what erasure removes (a dry run), asks to type a word, erases, and then shows
 * what was erased and which backups still hold copies until when.
 */
export function EraseDialog({
  personId,
  requestId,
  onClose,
  onErased,
}: {
  personId: number;
  requestId?: number;
  onClose: () => void;
  /** Called after the dialog with the result is closed. */
  onErased: (result: ErasureResult) => void;
}) {
  const { t, lang } = useI18n();
  const preview = useLoad<ErasurePreview>(() => invoke('avg.erasePreview', { personId }), [personId]);
  const [typed, setTyped] = useState('');
  const { actor, check: checkActor, field: actorField } = useRequiredActor('erase-actor');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [result, setResult] = useState<ErasureResult | null>(null);
  const word = confirmWord(lang);
  const ready = typed.trim().toUpperCase() === word;

  const erase = async () => {
    if (!checkActor()) return;
    setBusy(true);
    setError(null);
    try {
      setResult(await invoke('avg.erase', { personId, requestId: requestId ?? null, actor, confirm: true }));
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  if (result) {
    return (
      <Dialog
        title={t('erase.doneTitle')}
        onClose={() => onErased(result)}
        wide
        footer={
          <button type="button" className="button button-primary" onClick={() => onErased(result)}>
            {t('common.close')}
          </button>
        }
      >
        <div data-testid="erase-result">
          <p className="alert alert-success" role="status">
            {t('erase.doneText', { name: preview.data?.name ?? '' })}
          </p>
          <h3>{t('erase.erasedTitle')}</h3>
          <CountList counts={result.counts} />
          {result.scrubbed.length ? (
            <>
              <h3>{t('erase.scrubbedTitle')}</h3>
              <Places places={result.scrubbed} />
            </>
          ) : null}
          <KeptPlaces places={result.kept} />
          <p>{t('erase.suppressedText', { count: String(result.suppressedAddresses) })}</p>
          <h3>{t('erase.backupsTitle')}</h3>
          <BackupCopies backups={result.backups} />
        </div>
      </Dialog>
    );
  }

  const p = preview.data;
  return (
    <Dialog
      title={t('erase.title', { name: p?.name ?? '' })}
      onClose={onClose}
      wide
      initialFocus="erase-confirm-word"
      footer={<DialogFooter onCancel={onClose} onConfirm={() => void erase()} label={t('erase.submit')} busyLabel={t('erase.busy')} busy={busy} disabled={!ready || !p} danger />}
    >
      <FormError message={error} />
      <ErrorBox message={preview.error} onRetry={preview.reload} />
      {preview.loading && !p ? <Loading /> : null}
      {p ? (
        <>
          <div className="alert alert-warning">
            <p>
              <strong>{t('erase.warning')}</strong>
            </p>
            <p>{t('erase.warningText')}</p>
          </div>
          <h3>{t('erase.willErase')}</h3>
          <CountList counts={p.counts} />
          {p.occurrences.length ? (
            <>
              <h3>{t('erase.occurrencesTitle')}</h3>
              <Places places={p.occurrences} />
            </>
          ) : null}
          <KeptPlaces places={p.kept} />
          <h3>{t('erase.keptTitle')}</h3>
          <p className="muted">{t('erase.keptText')}</p>
          <h3>{t('erase.backupsTitle')}</h3>
          <BackupCopies backups={p.backups} />
          <TextField id="erase-confirm-word" fieldClass="erase-confirm" label={t('erase.typeWord', { word })} value={typed} onChange={setTyped} autoComplete="off" spellCheck={false} />
          <ActorField {...actorField} />
        </>
      ) : null}
    </Dialog>
  );
}
