import { useEffect, useState, type FormEvent } from 'react';
import type { BackupEntry, BackupStatus, RestoreResult } from '../../../../electron/commands/contract';
import { errorMessage, invoke } from '../../app/api';
import { useLoad } from '../../app/hooks';
import { makeI18n, translate, useI18n, type Lang } from '../../app/i18n';
import { registerNoticeProvider, type Notice } from '../../app/notices';
import { ConfirmDialog } from '../../ui/Dialog';
import { formatBytes } from '../consent/privacy';
import { ErrorBox, Facts, Loading, Section, TextField, useToast } from '../../ui/ui';
import './backup.css';

const RESTORED_KEY = 'schakel.restored';
const DAY_MS = 24 * 60 * 60 * 1000;
/** Older than this, the start screen warns. */
const STALE_MS = 2 * DAY_MS;

/** Start screen: warn when the last backup failed, or the newest one is more than two days old. */
export async function backupNotices(): Promise<Notice[]> {
  const status = await invoke('backup.status', {});
  const both = (make: (lang: Lang) => string) => ({ nl: make('nl'), en: make('en') });
  if (status.lastFailure) {
    const failure = status.lastFailure;
    return [
      {
        id: 'backup-failed',
        tone: 'warning',
        text: both((lang) => translate(lang, 'backup.noticeFailed', { message: failure.message[lang] })),
        href: '/settings/backups',
      },
    ];
  }
  const now = Date.now();
  if (!status.lastBackup) {
    const soon = status.nextAutoBackupAt && Date.parse(status.nextAutoBackupAt) - now < 60 * 60 * 1000;
    if (soon) return [];
    return [{ id: 'backup-none', tone: 'warning', text: both((lang) => translate(lang, 'backup.noticeNone')), href: '/settings/backups' }];
  }
  const last = status.lastBackup;
  const age = now - Date.parse(last.createdAt);
  if (age <= STALE_MS) return [];
  return [
    {
      id: 'backup-stale',
      tone: 'warning',
      text: both((lang) =>
        translate(lang, 'backup.noticeStale', {
          date: makeI18n(lang, () => undefined).formatDateTime(last.createdAt),
          days: String(Math.floor(age / DAY_MS)),
        }),
      ),
      href: '/settings/backups',
    },
  ];
}

registerNoticeProvider(backupNotices);

/** "Reservekopieën" in Instellingen: status, backup now, the list with restore, folder and retention. */
export function BackupSection() {
  const { t, tc, lang, formatDateTime, formatNumber } = useI18n();
  const toast = useToast();
  const status = useLoad<BackupStatus>(() => invoke('backup.status', {}), []);
  const list = useLoad<BackupEntry[]>(() => invoke('backup.list', {}), []);
  const [making, setMaking] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [restoring, setRestoring] = useState<BackupEntry | null>(null);
  const [restoreBusy, setRestoreBusy] = useState(false);
  const [restoreError, setRestoreError] = useState<string | null>(null);
  const [restored, setRestored] = useState<RestoreResult | null>(() => {
    try {
      const raw = sessionStorage.getItem(RESTORED_KEY);
      return raw ? (JSON.parse(raw) as RestoreResult) : null;
    } catch {
      return null;
    }
  });

  // The app reloaded after a restore: say what came back, once.
  useEffect(() => {
    if (!restored) return;
    try {
      sessionStorage.removeItem(RESTORED_KEY);
    } catch {
      // nothing to clean up
    }
    // After the shell has put a new screen at the top.
    const timer = window.setTimeout(() => document.getElementById('backups-title')?.scrollIntoView({ block: 'start' }), 60);
    return () => window.clearTimeout(timer);
  }, [restored]);

  const refresh = () => {
    status.reload();
    list.reload();
  };

  const makeNow = async () => {
    setMaking(true);
    setError(null);
    try {
      const entry = await invoke('backup.now', {});
      toast.show(t('backup.made', { date: formatDateTime(entry.createdAt) }));
      refresh();
    } catch (err) {
      setError(errorMessage(err));
      refresh();
    } finally {
      setMaking(false);
    }
  };

  const restore = async () => {
    if (!restoring) return;
    setRestoreBusy(true);
    setRestoreError(null);
    try {
      const result = await invoke('backup.restore', { path: restoring.path });
      // Every screen loads its data again: reload the app and show the result here afterwards.
      try {
        sessionStorage.setItem(RESTORED_KEY, JSON.stringify(result));
        window.location.reload();
      } catch {
        setRestored(result);
        setRestoring(null);
        refresh();
      }
    } catch (err) {
      setRestoreError(errorMessage(err));
      setRestoreBusy(false);
    }
  };

  const s = status.data;
  const running = making || s?.running === 'backup';

  // A job is running (the daily backup, a move): look again until it has finished.
  const busyJob = s?.running ?? null;
  const reloadStatus = status.reload;
  const reloadList = list.reload;
  useEffect(() => {
    if (!busyJob) return;
    const timer = window.setTimeout(() => {
      reloadStatus();
      reloadList();
    }, 1000);
    return () => window.clearTimeout(timer);
  }, [busyJob, status.data, reloadStatus, reloadList]);
  return (
    <Section id="backups" title={t('backup.title')}>
      <ErrorBox message={status.error} onRetry={refresh} />
      {restored ? <RestoredReport result={restored} onDismiss={() => setRestored(null)} /> : null}
      {s?.lastFailure ? (
        <div className="alert alert-error" role="alert">
          <p>
            <strong>{t('backup.failedTitle', { date: formatDateTime(s.lastFailure.at) })}</strong>
          </p>
          <p>{s.lastFailure.message[lang]}</p>
        </div>
      ) : null}
      <p className="muted">{t('backup.intro')}</p>
      {s ? (
        <Facts
          stacked
          items={[
            {
              label: t('backup.last'),
              value: s.lastBackup ? (
                <span data-testid="backup-last">
                  {formatDateTime(s.lastBackup.createdAt)} <span className="badge badge-quiet">{t(`backupKind.${s.lastBackup.kind}`)}</span>
                </span>
              ) : (
                <span className="warn-text">{t('backup.never')}</span>
              ),
            },
            { label: t('backup.folder'), value: <code className="path">{s.folder}</code> },
            { label: t('backup.retention'), value: tc('backup.days', s.retentionDays, { count: formatNumber(s.retentionDays) }) },
            { label: t('backup.next'), value: s.nextAutoBackupAt ? formatDateTime(s.nextAutoBackupAt) : t('backup.autoOff') },
          ]}
        />
      ) : null}
      <div className="button-row backup-now">
        <button type="button" className="button button-primary" onClick={() => void makeNow()} disabled={running || !s}>
          {running ? t('backup.making') : t('backup.makeNow')}
        </button>
        {running ? (
          <span className="busy-note" role="status">
            <span className="spinner" aria-hidden="true" /> {t('backup.makingText')}
          </span>
        ) : null}
      </div>
      {/* A failed backup is already shown above with its reason. */}
      {s?.lastFailure ? null : <ErrorBox message={error} />}

      <h3 className="subhead">{t('backup.listTitle')}</h3>
      <ErrorBox message={list.error} onRetry={list.reload} />
      {list.loading && !list.data ? <Loading /> : null}
      {list.data && list.data.length === 0 ? <p className="muted">{t('backup.empty')}</p> : null}
      {list.data && list.data.length > 0 ? (
        <div className="table-scroll">
          <table className="table backup-table" aria-label={t('backup.listTitle')} data-testid="backup-list">
            <thead>
              <tr>
                <th scope="col">{t('backup.date')}</th>
                <th scope="col">{t('backup.contents')}</th>
                <th scope="col" className="num">
                  {t('backup.size')}
                </th>
                <th scope="col">{t('backup.expires')}</th>
                <th scope="col">
                  <span className="visually-hidden">{t('backup.actions')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {list.data.map((b) => (
                <tr key={b.path}>
                  <td>
                    <span className="strong">{formatDateTime(b.createdAt)}</span>
                    <span className="cell-sub">{t(`backupKind.${b.kind}`)}</span>
                  </td>
                  <td>
                    <BackupCounts entry={b} />
                    {b.problem ? <span className="cell-sub danger-text">{b.problem[lang]}</span> : null}
                    {!b.problem && b.schema === 'older' ? <span className="cell-sub">{t('backup.older')}</span> : null}
                  </td>
                  <td className="num">{formatBytes(b.sizeBytes, lang)}</td>
                  <td>{b.expiresAt ? formatDateTime(b.expiresAt) : '—'}</td>
                  <td className="row-actions">
                    <button
                      type="button"
                      className="button button-small"
                      disabled={Boolean(b.problem) || s?.running != null}
                      onClick={() => {
                        setRestoreError(null);
                        setRestoring(b);
                      }}
                      aria-label={t('backup.restoreLabel', { date: formatDateTime(b.createdAt) })}
                    >
                      {t('backup.restore')}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}

      <OtherFile onRestore={(entry) => setRestoring(entry)} />

      {s ? <FolderForm status={s} onChanged={refresh} /> : null}
      {s ? <RetentionDaysForm status={s} onChanged={refresh} /> : null}

      {restoring ? (
        <ConfirmDialog
          title={t('backup.restoreTitle')}
          message={
            <>
              <p>{t('backup.restoreText', { date: formatDateTime(restoring.createdAt) })}</p>
              {restoring.counts ? (
                <p>
                  {t('backup.restoreContents')} <BackupCounts entry={restoring} />
                </p>
              ) : null}
              <p className="alert alert-info">{t('backup.restoreSafety')}</p>
              {restoring.schema === 'older' ? <p className="muted">{t('backup.older')}</p> : null}
            </>
          }
          confirmLabel={restoreBusy ? t('backup.restoring') : t('backup.restoreConfirm')}
          busy={restoreBusy}
          error={restoreError}
          onConfirm={() => void restore()}
          onCancel={() => setRestoring(null)}
        />
      ) : null}
    </Section>
  );
}

function useCountParts(): (c: BackupEntry['counts']) => string[] {
  const { tc, formatNumber } = useI18n();
  return (c) =>
    c
      ? [
          tc('backup.countPeople', c.people, { count: formatNumber(c.people) }),
          tc('backup.countOrganisations', c.organisations, { count: formatNumber(c.organisations) }),
          c.subscribers === null ? null : tc('backup.countSubscribers', c.subscribers, { count: formatNumber(c.subscribers) }),
          c.editions === null ? null : tc('backup.countEditions', c.editions, { count: formatNumber(c.editions) }),
        ].filter((p): p is string => p !== null)
      : [];
}

function BackupCounts({ entry }: { entry: BackupEntry }) {
  const parts = useCountParts()(entry.counts);
  if (!parts.length) return <span className="muted">—</span>;
  return <span className="backup-counts">{parts.join(' · ')}</span>;
}

function RestoredReport({ result, onDismiss }: { result: RestoreResult; onDismiss: () => void }) {
  const { t, formatDateTime } = useI18n();
  const parts = useCountParts()(result.counts);
  return (
    <div className="alert alert-success" role="status" data-testid="restore-result">
      <p>
        <strong>{t('backup.restoredTitle')}</strong>
      </p>
      <p>{t('backup.restoredFrom', { file: result.restoredFrom })}</p>
      <p>{t('backup.restoredCounts', { counts: parts.join(', ') })}</p>
      <p>{t('backup.restoredSafety', { date: formatDateTime(result.safetyBackup.createdAt) })}</p>
      {result.migrated.length ? <p className="muted">{t('backup.restoredMigrated', { count: String(result.migrated.length) })}</p> : null}
      <p className="muted">{t('backup.restoredJournal')}</p>
      <div>
        <button type="button" className="button button-small" onClick={onDismiss}>
          {t('common.close')}
        </button>
      </div>
    </div>
  );
}

/** A backup kept elsewhere (a USB stick, another folder): check it by path, then restore it. */
function OtherFile({ onRestore }: { onRestore: (entry: BackupEntry) => void }) {
  const { t, lang, formatDateTime } = useI18n();
  const [path, setPath] = useState('');
  const [entry, setEntry] = useState<BackupEntry | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const inspect = async (event: FormEvent) => {
    event.preventDefault();
    if (!path.trim()) return;
    setBusy(true);
    setError(null);
    setEntry(null);
    try {
      setEntry(await invoke('backup.inspect', { path: path.trim() }));
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <details className="backup-other">
      <summary>{t('backup.otherTitle')}</summary>
      <form className="inline-form" onSubmit={(e) => void inspect(e)}>
        <TextField id="backup-other-path" fieldClass="field-grow" label={t('backup.otherPath')} value={path} onChange={setPath} placeholder={t('backup.pathPlaceholder')} spellCheck={false} />
        <button type="submit" className="button" disabled={busy || !path.trim()}>
          {t('backup.inspect')}
        </button>
      </form>
      <p className="hint">{t('backup.pathHint')}</p>
      <ErrorBox message={error} />
      {entry ? (
        <div className="inspected">
          <p>
            <strong>{entry.file}</strong> · {formatDateTime(entry.createdAt)} · {formatBytes(entry.sizeBytes, lang)}
          </p>
          <p>
            <BackupCounts entry={entry} />
          </p>
          {entry.problem ? <p className="danger-text">{entry.problem[lang]}</p> : null}
          <button type="button" className="button button-small" disabled={Boolean(entry.problem)} onClick={() => onRestore(entry)}>
            {t('backup.restore')}
          </button>
        </div>
      ) : null}
    </details>
  );
}

function FolderForm({ status, onChanged }: { status: BackupStatus; onChanged: () => void }) {
  const { t } = useI18n();
  const toast = useToast();
  const [folder, setFolder] = useState(status.usesDefaultFolder ? '' : status.folder);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const save = async (value: string | null) => {
    setBusy(true);
    setError(null);
    try {
      const next = await invoke('backup.setFolder', { folder: value });
      setFolder(next.usesDefaultFolder ? '' : next.folder);
      toast.show(t('backup.folderSaved'));
      onChanged();
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form
      className="settings-form"
      onSubmit={(e) => {
        e.preventDefault();
        if (folder.trim()) void save(folder.trim());
      }}
    >
      <h3 className="subhead">{t('backup.folderTitle')}</h3>
      <p className="muted">{t('backup.folderText')}</p>
      <div className="inline-form">
        <TextField id="backup-folder" fieldClass="field-grow" label={t('backup.folderLabel')} value={folder} onChange={setFolder} placeholder={status.defaultFolder} spellCheck={false} />
        <button type="submit" className="button" disabled={busy || !folder.trim()}>
          {busy ? t('backup.moving') : t('backup.useFolder')}
        </button>
        {!status.usesDefaultFolder ? (
          <button type="button" className="button button-quiet" disabled={busy} onClick={() => void save(null)}>
            {t('backup.defaultFolder')}
          </button>
        ) : null}
      </div>
      <p className="hint">{t('backup.folderHint')}</p>
      <ErrorBox message={error} />
    </form>
  );
}

function RetentionDaysForm({ status, onChanged }: { status: BackupStatus; onChanged: () => void }) {
  const { t } = useI18n();
  const toast = useToast();
  const [days, setDays] = useState(String(status.retentionDays));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const save = async (event: FormEvent) => {
    event.preventDefault();
    const n = Number(days);
    if (!Number.isInteger(n) || n < 1 || n > 3650) {
      setError(t('backup.retentionInvalid'));
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await invoke('backup.setRetention', { days: n });
      toast.show(t('backup.retentionSaved'));
      onChanged();
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="settings-form" onSubmit={(e) => void save(e)}>
      <h3 className="subhead">{t('backup.retentionTitle')}</h3>
      <div className="inline-form">
        <TextField id="backup-retention" fieldClass="field-days" label={t('backup.retentionLabel')} type="number" min={1} max={3650} value={days} onChange={setDays} />
        <button type="submit" className="button" disabled={busy}>
          {t('common.save')}
        </button>
      </div>
      <p className="hint">{t('backup.retentionHint')}</p>
      <ErrorBox message={error} />
    </form>
  );
}
