import { useEffect, useState, type FormEvent } from 'react';
import type { SendJobDetail, TestSendResult } from '../../../../electron/commands/contract';
import { ApiError, errorMessage, invoke } from '../../app/api';
import { useI18n, type Lang } from '../../app/i18n';
import { href } from '../../app/router';
import '../sending/sending.css';
import { Dialog } from '../../ui/Dialog';
import { TextAreaField } from '../../ui/ui';
import type { EditionContent } from '../../../../db/shared/newsletter';

const FINISHED = ['done', 'paused', 'cancelled'];

/** "Testmail": a test send through the outbox to one or more addresses, followed here until it is done. */
export function EditionTestSendDialog({
  editionId,
  draft,
  viewAs = null,
  defaultAddress,
  onClose,
}: {
  editionId: number;
  draft: EditionContent | null;
  /** The recipient the preview shows: the test mail carries their merge values. */
  viewAs?: { personId: number; name: string } | null;
  defaultAddress: string;
  onClose: () => void;
}) {
  const { t, lang } = useI18n();
  const [addresses, setAddresses] = useState(defaultAddress);
  const [languages, setLanguages] = useState<Lang[]>(['nl', 'en']);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [fieldError, setFieldError] = useState<string | undefined>(undefined);
  const [result, setResult] = useState<TestSendResult | null>(null);
  const [job, setJob] = useState<SendJobDetail | null>(null);
  const [followError, setFollowError] = useState<string | null>(null);

  const jobId = result?.jobId ?? null;
  useEffect(() => {
    if (jobId === null) return;
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const poll = async () => {
      try {
        const next = await invoke('sending.jobs.get', { id: jobId, limit: 100 });
        if (stopped) return;
        setJob(next);
        setFollowError(null);
        if (FINISHED.includes(next.status)) return;
      } catch (err) {
        if (stopped) return;
        setFollowError(errorMessage(err));
      }
      timer = setTimeout(() => void poll(), 500);
    };
    void poll();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [jobId]);

  const list = addresses
    .split(/[\s,;]+/)
    .map((a) => a.trim())
    .filter(Boolean);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    setFieldError(undefined);
    setResult(null);
    setJob(null);
    setFollowError(null);
    if (list.length === 0) {
      setFieldError(t('news.test.addressRequired'));
      return;
    }
    if (list.length > 10) {
      setFieldError(t('news.test.tooMany'));
      return;
    }
    if (languages.length === 0) {
      setError(t('news.test.languageRequired'));
      return;
    }
    setBusy(true);
    try {
      setResult(await invoke('newsletter.testSend', { editionId, draft, addresses: list, languages, personId: viewAs?.personId ?? null }));
    } catch (err) {
      if (err instanceof ApiError && err.issues.some((i) => i.path.startsWith('addresses'))) {
        setFieldError(err.issues.filter((i) => i.path.startsWith('addresses')).map((i) => i.message).join(' '));
      }
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dialog
      title={t('news.test.title')}
      onClose={onClose}
      initialFocus="test-addresses"
      footer={
        <>
          <button type="button" className="button" onClick={onClose}>
            {result ? t('common.close') : t('common.cancel')}
          </button>
          <button type="submit" form="test-send-form" className="button button-primary" disabled={busy || (job !== null && !FINISHED.includes(job.status)) || (result !== null && job === null)}>
            {busy ? t('news.test.busy') : t('news.test.send')}
          </button>
        </>
      }
    >
      <form id="test-send-form" className="form" onSubmit={(e) => void submit(e)} noValidate>
        <p className="muted">{t('news.test.intro')}</p>
        <p className="muted" data-testid="test-send-view-as">
          {viewAs ? t('news.test.viewAs', { name: viewAs.name }) : t('news.test.placeholders')}
        </p>
        {error ? (
          <p className="alert alert-error" role="alert">
            {error}
          </p>
        ) : null}
        <TextAreaField
          id="test-addresses"
          label={t('news.test.addresses')}
          rows={2}
          value={addresses}
          onChange={setAddresses}
          spellCheck={false}
          error={fieldError}
          hint={t('news.test.addressesHint')}
        />
        <fieldset className="field">
          <legend className="field-label">{t('news.test.languages')}</legend>
          <div className="nl-pills">
            {(['nl', 'en'] as const).map((l) => (
              <label key={l} className={languages.includes(l) ? 'nl-pill selected' : 'nl-pill'}>
                <input
                  type="checkbox"
                  checked={languages.includes(l)}
                  onChange={() => setLanguages((ls) => (ls.includes(l) ? ls.filter((x) => x !== l) : [...ls, l]))}
                />
                {t(`language.${l}`)}
              </label>
            ))}
          </div>
        </fieldset>
        {result ? (
          <div className="alert nl-alert-info" role="status" data-testid="test-send-result">
            <p>{result.message[lang]}</p>
          </div>
        ) : null}
        {result && job ? <TestJobProgress job={job} mailbox={result.mailbox} /> : null}
        {followError ? (
          <p className="alert alert-error" role="alert">
            {followError}
          </p>
        ) : null}
      </form>
    </Dialog>
  );
}

function TestJobProgress({ job, mailbox }: { job: SendJobDetail; mailbox: 'test' | 'smtp' }) {
  const { t, lang } = useI18n();
  const summary =
    job.status === 'done'
      ? t('news.test.done', { sent: String(job.counts.sent), total: String(job.counts.total) })
      : job.status === 'paused'
        ? t('news.test.paused', { reason: job.pause ? job.pause.message[lang] : '' })
        : job.status === 'cancelled'
          ? t('news.test.cancelled')
          : null;
  return (
    <div className="test-send-progress" data-testid="test-send-progress" data-status={job.status}>
      <h3 className="field-label">{t('news.test.progress')}</h3>
      <ul className="plain-list" aria-live="polite">
        {job.recipients.rows.map((r) => (
          <li key={r.id} data-state={r.state} data-testid="test-send-row">
            <span className="strong">{r.email}</span> <span className="muted">({t(`language.${r.language}`)})</span>
            {' '}
            <span className={`send-chip send-chip-${r.state}`}>{t(`news.test.row.${r.state}`)}</span>
            {r.state !== 'sent' && r.reasonText ? <span className="muted">{`: ${r.reasonText[lang]}`}</span> : null}
            {r.state === 'failed' && r.detail ? <span className="muted">{` (${r.detail})`}</span> : null}
          </li>
        ))}
      </ul>
      {summary ? (
        <p className={job.status === 'done' && job.counts.failed === 0 ? undefined : 'alert alert-warning'} data-testid="test-send-summary">
          {summary}
        </p>
      ) : null}
      <p>
        <a href={href(`/sending/${job.id}`)}>{t('news.test.openJob')}</a>
        {mailbox === 'test' ? (
          <>
            {' · '}
            <a href={href('/sending/test-mailbox')}>{t('news.test.toMailbox')}</a>
          </>
        ) : null}
      </p>
    </div>
  );
}
