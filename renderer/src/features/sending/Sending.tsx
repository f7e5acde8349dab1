import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import type { SendJobDetail, SendJobStatus, SendJobSummary, SendRecipientView, TestMailboxMessage } from '../../../../electron/commands/contract';
import { errorMessage, invoke } from '../../app/api';
import { ConfirmDialog } from '../../ui/Dialog';
import { DetailLoadState, EmptyState, ErrorBox, FormError, Loading, PageHeader, TextField, useToast } from '../../ui/ui';
import { useLoad } from '../../app/hooks';
import { useI18n, type Lang, type MessageKey } from '../../app/i18n';
import { href, idFrom, navigate } from '../../app/router';
import './sending.css';
import type { Messages } from '../../../../db/shared/messages';

const MAILBOX_PART = 'test-mailbox';

/** #/sending, #/sending/12, #/sending/test-mailbox, #/sending/test-mailbox/<message id> */
export function SendingRoutes({ part, sub }: { part: string | undefined; sub: string | undefined }) {
  if (part === MAILBOX_PART) return sub ? <MailboxMessageScreen key={sub} id={sub} /> : <MailboxScreen />;
  const id = idFrom(part);
  if (id) return <SendJobScreen key={id} id={id} />;
  return <SendJobsScreen />;
}

const msg = (m: Messages | null | undefined, lang: Lang) => (m ? m[lang] || m.nl : '');

function TestKindBadge() {
  const { t } = useI18n();
  return (
    <span className="badge badge-quiet" data-testid="job-kind-test">
      {t('sending.kind.test')}
    </span>
  );
}

function SendingTabs({ current }: { current: 'jobs' | 'mailbox' }) {
  const { t } = useI18n();
  const tabs: { key: 'jobs' | 'mailbox' | 'settings'; to: string; label: MessageKey }[] = [
    { key: 'jobs', to: '/sending', label: 'sending.tab.jobs' },
    { key: 'mailbox', to: `/sending/${MAILBOX_PART}`, label: 'sending.tab.mailbox' },
    { key: 'settings', to: '/settings/sending', label: 'sending.tab.settings' },
  ];
  return (
    <nav className="send-tabs" aria-label={t('sending.tabs')}>
      {tabs.map((tab) => (
        <a key={tab.key} href={href(tab.to)} className={tab.key === current ? 'send-tab active' : 'send-tab'} aria-current={tab.key === current ? 'page' : undefined}>
          {t(tab.label)}
        </a>
      ))}
    </nav>
  );
}

export function JobStatusBadge({ status, decide = false }: { status: SendJobStatus; decide?: boolean }) {
  const { t } = useI18n();
  return (
    <span className={`badge send-status send-status-${status}${decide ? ' send-status-decide' : ''}`} data-status={status}>
      {t(`sending.status.${status}`)}
    </span>
  );
}

/** A job whose outcome is unknown for some recipients is not simply done: a person has to decide. */
export function DecisionBadge({ count }: { count: number }) {
  const { tc, formatNumber } = useI18n();
  if (count <= 0) return null;
  return (
    <span className="badge send-decision" data-testid="decision-needed">
      {tc('sending.decisionNeeded', count, { count: formatNumber(count) })}
    </span>
  );
}

export function pauseShort(reason: string, t: ReturnType<typeof useI18n>['t']): string {
  const key = `sending.pauseShort.${reason}` as MessageKey;
  const text = t(key);
  return text === key ? reason : text;
}

function MailboxBadge({ mailbox }: { mailbox: 'test' | 'smtp' }) {
  const { t } = useI18n();
  return <span className={mailbox === 'test' ? 'badge send-mailbox-badge-test' : 'badge badge-quiet'}>{t(`sending.mailbox.${mailbox}`)}</span>;
}

// ---------- list ----------

function SendJobsScreen() {
  const { t, formatNumber, formatDateTime } = useI18n();
  const jobs = useLoad<SendJobSummary[]>(() => invoke('sending.jobs.list', {}), []);
  const active = (jobs.data ?? []).some((j) => j.status === 'running' || j.status === 'due');
  const { reload } = jobs;
  useEffect(() => {
    if (!active) return;
    const timer = window.setInterval(reload, 1500);
    return () => window.clearInterval(timer);
  }, [active, reload]);
  const all = jobs.data ?? [];
  return (
    <div className="page">
      <PageHeader title={t('sending.title')} subtitle={t('sending.subtitle')} />
      <SendingTabs current="jobs" />
      <ErrorBox message={jobs.error} onRetry={jobs.reload} />
      {jobs.loading && !jobs.data ? <Loading /> : null}
      {jobs.data && all.length === 0 ? (
        <div className="card">
          <EmptyState title={t('sending.empty')} text={t('sending.emptyText')}>
            <a className="button" href={href('/newsletters')}>
              {t('news.title')}
            </a>
          </EmptyState>
        </div>
      ) : null}
      {all.length > 0 ? (
        <div className="card table-card">
          <table className="table send-jobs-table">
            <caption className="visually-hidden">{t('sending.title')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('sending.col.edition')}</th>
                <th scope="col">{t('sending.col.status')}</th>
                <th scope="col">{t('sending.col.mailbox')}</th>
                <th scope="col" className="num">
                  {t('sending.col.progress')}
                </th>
                <th scope="col">{t('sending.col.problems')}</th>
                <th scope="col">{t('sending.col.when')}</th>
              </tr>
            </thead>
            <tbody>
              {all.map((job) => {
                const c = job.counts;
                const problems = (['failed', 'skipped', 'uncertain'] as const).filter((k) => c[k] > 0);
                return (
                  <tr key={job.id} data-job={job.id}>
                    <td>
                      <a className="strong-link" href={href(`/sending/${job.id}`)}>
                        {t('sending.editionN', { n: String(job.editionNumber) })}
                      </a>
                      {job.kind === 'test' ? <> <TestKindBadge /></> : null}
                      {job.parentJobId ? <span className="muted send-followup"> · {t('sending.followUp', { n: String(job.parentJobId) })}</span> : null}
                    </td>
                    <td>
                      <JobStatusBadge status={job.status} decide={c.uncertain > 0} /> <DecisionBadge count={c.uncertain} />
                      {job.status === 'paused' && job.pause ? <span className="send-pause-short" data-testid="pause-short">{pauseShort(job.pause.reason, t)}</span> : null}
                    </td>
                    <td>
                      <MailboxBadge mailbox={job.mailbox} />
                    </td>
                    <td className="num">{`${formatNumber(c.sent)} / ${formatNumber(c.total)}`}</td>
                    <td>
                      {problems.length === 0 ? (
                        <span className="muted">–</span>
                      ) : (
                        problems.map((k) => (
                          <span key={k} className={`send-chip send-chip-${k}`}>
                            {t(`sending.count.${k}`)}: {formatNumber(c[k])}
                          </span>
                        ))
                      )}
                    </td>
                    <td className="muted">{formatDateTime(job.finishedAt ?? job.startedAt ?? job.scheduledAt ?? job.createdAt)}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      ) : null}
    </div>
  );
}

// ---------- one job ----------

function useJob(id: number) {
  const [job, setJob] = useState<SendJobDetail | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const live = useRef(true);
  const refresh = useCallback(async () => {
    try {
      const detail = await invoke('sending.jobs.get', { id, limit: 1 });
      if (!live.current) return;
      setJob(detail);
      setError(null);
    } catch (err) {
      if (live.current) setError(errorMessage(err));
    } finally {
      if (live.current) setLoading(false);
    }
  }, [id]);
  useEffect(() => {
    live.current = true;
    void refresh();
    return () => {
      live.current = false;
    };
  }, [refresh]);
  const status = job?.status;
  useEffect(() => {
    const delay = status === 'running' || status === 'due' ? 500 : status === 'scheduled' ? 5000 : null;
    if (delay === null) return;
    const timer = window.setInterval(() => void refresh(), delay);
    return () => window.clearInterval(timer);
  }, [status, refresh]);
  return { job, setJob, error, loading, refresh };
}

function formatEta(seconds: number, t: ReturnType<typeof useI18n>['t'], tc: ReturnType<typeof useI18n>['tc']): string {
  if (seconds < 45) return t('sending.etaSoon');
  const minutes = Math.ceil(seconds / 60);
  if (minutes < 60) return t('sending.eta', { time: tc('sending.minutes', minutes) });
  return t('sending.eta', { time: t('sending.hours', { h: String(Math.floor(minutes / 60)), m: String(minutes % 60) }) });
}

function SendJobScreen({ id }: { id: number }) {
  const { t, tc, lang, formatNumber, formatDateTime } = useI18n();
  const toast = useToast();
  const { job, setJob, error, loading, refresh } = useJob(id);
  const [busy, setBusy] = useState(false);
  const [actionError, setActionError] = useState<string | null>(null);
  const [confirmCancel, setConfirmCancel] = useState(false);

  if (!job) {
    return <DetailLoadState loaded={{ data: undefined, error, loading, reload: () => void refresh() }} title={t('sending.notFound')} back={{ to: '/sending', label: t('sending.title') }} />;
  }

  const act = async (run: () => Promise<unknown>) => {
    setBusy(true);
    setActionError(null);
    try {
      await run();
      await refresh();
    } catch (err) {
      setActionError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  const c = job.counts;
  const done = c.sent + c.failed + c.skipped + c.uncertain + c.cancelled;
  const percent = c.total > 0 ? Math.round((done / c.total) * 100) : 100;
  const sentPercent = c.total > 0 ? (c.sent / c.total) * 100 : 0;
  const problemPercent = c.total > 0 ? ((c.failed + c.skipped + c.uncertain) / c.total) * 100 : 0;
  const open = job.status === 'running' || job.status === 'due' || job.status === 'scheduled' || job.status === 'paused';
  const canPause = job.status === 'running' || job.status === 'due' || job.status === 'scheduled';
  const canResume = job.status === 'paused' || job.status === 'due';
  const stats: { key: 'sent' | 'queued' | 'failed' | 'skipped' | 'uncertain'; value: number }[] = [
    { key: 'sent', value: c.sent },
    { key: 'queued', value: c.queued + c.sending + c.retry },
    { key: 'failed', value: c.failed },
    { key: 'skipped', value: c.skipped },
    { key: 'uncertain', value: c.uncertain },
  ];

  return (
    <div className="page">
      <PageHeader
        back={{ to: '/sending', label: t('sending.title') }}
        title={
          <>
            <span>{t('sending.editionN', { n: String(job.editionNumber) })}</span>
            {job.kind === 'test' ? <TestKindBadge /> : null}
            <JobStatusBadge status={job.status} decide={job.counts.uncertain > 0} />
            <DecisionBadge count={job.counts.uncertain} />
          </>
        }
        subtitle={
          <>
            {t('sending.jobN', { n: String(job.id) })}
            {job.parentJobId ? ` · ${t('sending.followUp', { n: String(job.parentJobId) })}` : ''}
          </>
        }
        actions={
          <>
            {canPause ? (
              <button type="button" className="button" onClick={() => void act(() => invoke('sending.jobs.pause', { id }))} disabled={busy}>
                {t('sending.pause')}
              </button>
            ) : null}
            {canResume ? (
              <button type="button" className="button button-primary" onClick={() => void act(() => invoke('sending.jobs.resume', { id }))} disabled={busy}>
                {job.status === 'due' ? t('sending.startNow') : t('sending.resume')}
              </button>
            ) : null}
            {open ? (
              <button type="button" className="button button-danger-quiet" onClick={() => setConfirmCancel(true)} disabled={busy}>
                {t('sending.cancel')}
              </button>
            ) : null}
          </>
        }
      />
      {job.mailbox === 'test' ? (
        <div className="send-test-banner" role="note" data-testid="test-mailbox-banner">
          <strong>{t('mailbox.banner')}</strong>
          <a href={href(`/sending/${MAILBOX_PART}`)}>{t('sending.toMailbox')}</a>
          {job.notice ? <p>{withoutBanner(msg(job.notice, lang), t('mailbox.banner'))}</p> : null}
        </div>
      ) : null}
      <ErrorBox message={actionError} />
      {job.pause && job.status === 'paused' ? (
        <div className="alert alert-warning send-pause" role="alert" data-testid="pause-reason">
          <div>
            <p className="send-pause-title">
              <strong>{t('sending.pausedBy')}</strong>: {msg(job.pause.message, lang)}
            </p>
            {job.pause.detail ? <p className="send-pause-detail">{t('sending.serverSaid', { detail: job.pause.detail })}</p> : null}
            {job.pause.reason === 'password_missing' ? (
              <PasswordResume busy={busy} onSubmit={(password) => void act(() => invoke('sending.jobs.resume', { id, password }))} />
            ) : (
              <p className="hint">{t('sending.pausedHint')}</p>
            )}
          </div>
        </div>
      ) : null}
      {job.notice && job.mailbox !== 'test' ? (
        <div className="alert" role="status">
          <p>{msg(job.notice, lang)}</p>
        </div>
      ) : null}

      <section className="card section send-progress-card" aria-labelledby="send-progress-title">
        <h2 id="send-progress-title" className="visually-hidden">
          {t('sending.progressLabel')}
        </h2>
        <div className="send-progress-head">
          <span className="send-progress-text" data-testid="progress-text">
            {t('sending.progressText', { done: formatNumber(done), total: formatNumber(c.total) })}
            {c.uncertain > 0 ? <> · {tc('sending.decisionNeeded', c.uncertain, { count: formatNumber(c.uncertain) })}</> : null}
          </span>
          <span className="muted" data-testid="eta">
            {job.status === 'scheduled' && job.scheduledAt
              ? t('sending.scheduledFor', { at: formatDateTime(job.scheduledAt) })
              : (job.status === 'running' || job.status === 'due') && job.etaSeconds !== null
                ? formatEta(job.etaSeconds, t, tc)
                : job.finishedAt
                  ? t('sending.finishedAt', { at: formatDateTime(job.finishedAt) })
                  : ''}
          </span>
        </div>
        <div className="send-progress" role="progressbar" aria-label={t('sending.progressLabel')} aria-valuemin={0} aria-valuemax={100} aria-valuenow={percent} data-testid="progress">
          <div className="send-progress-sent" style={{ width: `${sentPercent}%` }} />
          <div className="send-progress-problem" style={{ width: `${problemPercent}%` }} />
        </div>
        <dl className="send-counts">
          {stats.map((s) => (
            <div key={s.key} className={`send-count send-count-${s.key}${s.value > 0 ? ' nonzero' : ''}`} data-count={s.key}>
              <dt>{t(`sending.count.${s.key}`)}</dt>
              <dd data-testid={`count-${s.key}`}>{formatNumber(s.value)}</dd>
            </div>
          ))}
        </dl>
        {job.startedAt ? <p className="hint">{t('sending.startedAt', { at: formatDateTime(job.startedAt) })}</p> : null}
      </section>

      <JobReport
        job={job}
        busy={busy}
        onResolve={(action, recipientIds) => void act(async () => setJob({ ...job, ...(await invoke('sending.jobs.resolveUncertain', { id, action, recipientIds })) }))}
        onResendFailed={() =>
          void act(async () => {
            const next = await invoke('sending.jobs.resendFailed', { id });
            toast.show(t('sending.resendFailedDone'));
            navigate(`/sending/${next.id}`);
          })
        }
      />
      {confirmCancel ? (
        <ConfirmDialog
          title={t('sending.cancelTitle')}
          message={<p>{t('sending.cancelText')}</p>}
          confirmLabel={t('sending.cancelConfirm')}
          danger
          busy={busy}
          onCancel={() => setConfirmCancel(false)}
          onConfirm={() =>
            void act(async () => {
              await invoke('sending.jobs.cancel', { id });
              setConfirmCancel(false);
            })
          }
        />
      ) : null}
    </div>
  );
}

function PasswordResume({ busy, onSubmit }: { busy: boolean; onSubmit: (password: string) => void }) {
  const { t } = useI18n();
  const [password, setPassword] = useState('');
  return (
    <form
      className="send-password-form"
      onSubmit={(e) => {
        e.preventDefault();
        if (password) onSubmit(password);
      }}
    >
      <label className="field">
        <span>{t('sending.passwordLabel')}</span>
        <input type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} data-testid="resume-password" />
      </label>
      <button type="submit" className="button button-primary" disabled={busy || !password}>
        {t('sending.passwordResume')}
      </button>
    </form>
  );
}

const REPORT_STATES = ['failed', 'uncertain', 'skipped'] as const;
type ReportState = (typeof REPORT_STATES)[number];
const REPORT_LIMIT = 200;

function JobReport({
  job, busy, onResolve, onResendFailed,
}: {
  job: SendJobDetail;
  busy: boolean;
  onResolve: (action: 'resend' | 'markSent', recipientIds: number[] | null) => void;
  onResendFailed: () => void;
}) {
  const { t } = useI18n();
  const c = job.counts;
  const key = `${job.status}-${c.failed}-${c.skipped}-${c.uncertain}`;
  const rows = useLoad<Record<ReportState, { total: number; rows: SendRecipientView[] }>>(async () => {
    const out = {} as Record<ReportState, { total: number; rows: SendRecipientView[] }>;
    for (const state of REPORT_STATES) {
      out[state] = c[state] > 0 ? (await invoke('sending.jobs.get', { id: job.id, state, limit: REPORT_LIMIT })).recipients : { total: 0, rows: [] };
    }
    return out;
  }, [key]);
  const any = c.failed + c.skipped + c.uncertain > 0;
  const running = job.status === 'running' || job.status === 'due';

  return (
    <section className="card section" aria-labelledby="send-report-title">
      <div className="section-header">
        <h2 id="send-report-title">{t('sending.report')}</h2>
        {job.resendable > 0 && !running && job.kind !== 'test' ? (
          <div className="section-actions">
            <button type="button" className="button" onClick={onResendFailed} disabled={busy}>
              {t('sending.resendFailed')}
            </button>
          </div>
        ) : null}
      </div>
      <ErrorBox message={rows.error} onRetry={rows.reload} />
      {!any ? <p className="muted">{t('sending.reportEmpty')}</p> : null}
      {rows.data
        ? REPORT_STATES.filter((s) => rows.data![s].total > 0).map((state) => (
            <ReportGroup key={state} state={state} data={rows.data![state]} busy={busy} onResolve={onResolve} />
          ))
        : null}
    </section>
  );
}

function ReportGroup({
  state, data, busy, onResolve,
}: {
  state: ReportState;
  data: { total: number; rows: SendRecipientView[] };
  busy: boolean;
  onResolve: (action: 'resend' | 'markSent', recipientIds: number[] | null) => void;
}) {
  const { t, lang, formatNumber, formatDateTime } = useI18n();
  const title: Record<ReportState, MessageKey> = { failed: 'sending.failedTitle', skipped: 'sending.skippedTitle', uncertain: 'sending.uncertainTitle' };
  const decide = state === 'uncertain';
  const [selected, setSelected] = useState<ReadonlySet<number>>(new Set());
  const [confirm, setConfirm] = useState<'resend' | 'markSent' | null>(null);
  const allShown = data.rows.length > 0 && data.rows.every((r) => selected.has(r.id));
  // "Select all" with more rows than shown means every uncertain recipient of the job.
  const count = allShown ? data.total : selected.size;
  const toggle = (rowId: number) => setSelected((prev) => {
    const next = new Set(prev);
    if (next.has(rowId)) next.delete(rowId);
    else next.add(rowId);
    return next;
  });
  return (
    <div className={`send-report send-report-${state}`} data-report={state}>
      <div className="send-report-head">
        <h3>
          {t(title[state])} <span className="send-report-count">{formatNumber(data.total)}</span>
        </h3>
        {decide ? (
          <div className="button-row">
            <button type="button" className="button button-small" onClick={() => setConfirm('resend')} disabled={busy || count === 0}>
              {t('sending.resendSelected', { count: formatNumber(count) })}
            </button>
            <button type="button" className="button button-small" onClick={() => setConfirm('markSent')} disabled={busy || count === 0}>
              {t('sending.markSentSelected', { count: formatNumber(count) })}
            </button>
          </div>
        ) : null}
      </div>
      {state === 'uncertain' ? <p className="hint">{t('sending.uncertainText')}</p> : null}
      <div className="table-scroll">
        <table className="table table-compact send-report-table">
          <thead>
            <tr>
              {decide ? (
                <th scope="col" className="send-select">
                  <input type="checkbox" aria-label={t('sending.selectAll')} checked={allShown} onChange={() => setSelected(allShown ? new Set() : new Set(data.rows.map((r) => r.id)))} data-testid="select-all" />
                </th>
              ) : null}
              <th scope="col">{t('sending.col.recipient')}</th>
              {decide ? <th scope="col">{t('sending.col.attemptedAt')}</th> : null}
              <th scope="col">{t('sending.col.reason')}</th>
              <th scope="col" className="num">
                {t('sending.col.attempts')}
              </th>
            </tr>
          </thead>
          <tbody>
            {data.rows.map((r) => (
              <tr key={r.id} data-recipient={r.id}>
                {decide ? (
                  <td className="send-select">
                    <input type="checkbox" aria-label={t('sending.selectOne', { name: r.name || r.email })} checked={selected.has(r.id)} onChange={() => toggle(r.id)} />
                  </td>
                ) : null}
                <td>
                  <span className="send-recipient-name">{r.name || r.email}</span>
                  {r.name ? <span className="muted send-recipient-email">{r.email}</span> : null}
                </td>
                {decide ? <td className="muted">{r.attemptedAt ? formatDateTime(r.attemptedAt) : '–'}</td> : null}
                <td className="send-reason">
                  <span>{msg(r.reasonText, lang) || r.reason || ''}</span>
                  {r.detail ? <code className="send-detail">{r.detail}</code> : null}
                </td>
                <td className="num">{formatNumber(r.attempts)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {data.total > data.rows.length ? <p className="hint">{t('sending.moreRows', { count: formatNumber(data.total - data.rows.length) })}</p> : null}
      {confirm ? (
        <ConfirmDialog
          title={t(confirm === 'resend' ? 'sending.resendConfirmTitle' : 'sending.markSentConfirmTitle')}
          message={<p>{t(confirm === 'resend' ? 'sending.resendConfirmText' : 'sending.markSentConfirmText', { count: formatNumber(count) })}</p>}
          confirmLabel={t('sending.confirmDecision')}
          busy={busy}
          onCancel={() => setConfirm(null)}
          onConfirm={() => {
            onResolve(confirm, allShown && data.total > data.rows.length ? null : [...selected]);
            setConfirm(null);
            setSelected(new Set());
          }}
        />
      ) : null}
    </div>
  );
}

// ---------- test mailbox ----------

const PAGE = 100;

/** The backend's notice often starts with the banner's own words: show only the rest. */
function withoutBanner(text: string, banner: string): string {
  const stem = banner.replace(/[.:\s]+$/, '');
  return text.toLowerCase().startsWith(stem.toLowerCase()) ? text.slice(stem.length).replace(/^[.:\s]+/, '') : text;
}

function MailboxBanner({ notice }: { notice?: Messages | null }) {
  const { t, lang } = useI18n();
  const rest = notice ? withoutBanner(msg(notice, lang), t('mailbox.banner')) : '';
  return (
    <div className="send-test-banner" role="note" data-testid="test-mailbox-banner">
      <strong>{t('mailbox.banner')}</strong>
      {rest ? <p>{rest}</p> : null}
    </div>
  );
}

/** How many days the test mailbox keeps messages (older ones are removed); changeable here. */
function MailboxKeepDays({ keepDays, onSaved }: { keepDays: number; onSaved: () => void }) {
  const { t, tc, formatNumber } = useI18n();
  const toast = useToast();
  const [days, setDays] = useState(String(keepDays));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [daysFor, setDaysFor] = useState(keepDays);
  if (daysFor !== keepDays) {
    setDaysFor(keepDays);
    setDays(String(keepDays));
  }
  const save = async (e: FormEvent) => {
    e.preventDefault();
    const n = Number(days);
    if (!Number.isInteger(n) || n < 1 || n > 3650) {
      setError(t('mailbox.keepInvalid'));
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const r = await invoke('sending.testMailbox.saveSettings', { keepDays: n });
      toast.show(r.removed ? tc('mailbox.keepSavedRemoved', r.removed, { count: formatNumber(r.removed) }) : t('mailbox.keepSaved'));
      onSaved();
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form className="card form-card" onSubmit={(e) => void save(e)} noValidate data-testid="test-mailbox-keep">
      <p className="muted">{tc('mailbox.keepText', keepDays, { count: formatNumber(keepDays) })}</p>
      <FormError message={error} />
      <div className="inline-form">
        <TextField id="test-mailbox-keep-days" fieldClass="field-days" label={t('mailbox.keepDays')} type="number" min={1} max={3650} value={days} onChange={setDays} />
        <button type="submit" className="button" disabled={busy}>
          {t('mailbox.keepSave')}
        </button>
      </div>
    </form>
  );
}

function MailboxScreen() {
  const { t, tc, formatNumber, formatDateTime } = useI18n();
  const [limit, setLimit] = useState(PAGE);
  const list = useLoad(() => invoke('sending.testMailbox.list', { offset: 0, limit }), [limit]);
  const messages: TestMailboxMessage[] = list.data?.messages ?? [];
  const total = list.data?.total ?? 0;
  return (
    <div className="page">
      <PageHeader title={t('mailbox.title')} subtitle={t('mailbox.subtitle')} />
      <SendingTabs current="mailbox" />
      <MailboxBanner notice={list.data?.notice} />
      <ErrorBox message={list.error} onRetry={list.reload} />
      {list.loading && !list.data ? <Loading /> : null}
      {list.data ? <MailboxKeepDays keepDays={list.data.keepDays} onSaved={list.reload} /> : null}
      {list.data && total === 0 ? (
        <div className="card">
          <EmptyState title={t('mailbox.empty')} text={t('mailbox.emptyText')} />
        </div>
      ) : null}
      {messages.length > 0 ? (
        <>
          <div className="card table-card">
            <table className="table send-mailbox-table">
              <caption className="visually-hidden">{t('mailbox.title')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('mailbox.col.subject')}</th>
                  <th scope="col">{t('mailbox.col.to')}</th>
                  <th scope="col">{t('mailbox.col.received')}</th>
                  <th scope="col" className="num">
                    {t('mailbox.col.size')}
                  </th>
                </tr>
              </thead>
              <tbody>
                {messages.map((m) => (
                  <tr key={m.id}>
                    <td>
                      <a className="strong-link" href={href(`/sending/${MAILBOX_PART}/${encodeURIComponent(m.id)}`)}>
                        {m.subject || t('mailbox.noSubject')}
                      </a>
                    </td>
                    <td className="send-to">{m.to.join(', ')}</td>
                    <td className="muted">{formatDateTime(m.receivedAt)}</td>
                    <td className="num muted">{`${formatNumber(Math.max(1, Math.round(m.size / 1024)))} kB`}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <div className="send-more">
            <p className="hint">{total > messages.length ? t('mailbox.shownOf', { shown: formatNumber(messages.length), total: formatNumber(total) }) : tc('mailbox.count', total, { count: formatNumber(total) })}</p>
            {total > messages.length ? (
              <button type="button" className="button button-small" onClick={() => setLimit((n) => Math.min(1000, n + PAGE))} disabled={limit >= 1000}>
                {t('mailbox.more')}
              </button>
            ) : null}
          </div>
        </>
      ) : null}
    </div>
  );
}

function MailboxMessageScreen({ id }: { id: string }) {
  const { t, formatDateTime } = useI18n();
  const message = useLoad(() => invoke('sending.testMailbox.get', { id }), [id]);
  const back = { to: `/sending/${MAILBOX_PART}`, label: t('mailbox.back') };
  if (!message.data) return <DetailLoadState loaded={message} title={t('mailbox.title')} back={back} />;
  const m = message.data;
  const header = (name: string) => m.headers.find((h) => h.key.toLowerCase() === name.toLowerCase())?.value ?? null;
  const facts: { label: string; value: string | null; testId: string }[] = [
    { label: t('mailbox.from'), value: header('From') ?? m.from, testId: 'header-from' },
    { label: t('mailbox.to'), value: header('To') ?? m.to.join(', '), testId: 'header-to' },
    { label: t('mailbox.subject'), value: m.subject, testId: 'header-subject' },
    { label: t('mailbox.unsubscribe'), value: header('List-Unsubscribe'), testId: 'header-list-unsubscribe' },
  ];
  return (
    <div className="page">
      <PageHeader back={back} title={m.subject || t('mailbox.noSubject')} subtitle={formatDateTime(m.receivedAt)} />
      <MailboxBanner notice={m.notice} />
      <section className="card section" aria-labelledby="mail-headers-title">
        <div className="section-header">
          <h2 id="mail-headers-title">{t('mailbox.headers')}</h2>
        </div>
        <dl className="send-headers">
          {facts.map((f) => (
            <div key={f.testId} className="send-header-row">
              <dt>{f.label}</dt>
              <dd data-testid={f.testId}>{f.value ?? <span className="muted">{t('mailbox.none')}</span>}</dd>
            </div>
          ))}
        </dl>
        <details className="send-all-headers">
          <summary>{t('mailbox.allHeaders')}</summary>
          <pre>{m.headers.map((h) => `${h.key}: ${h.value}`).join('\n')}</pre>
        </details>
      </section>
      <section className="card section" aria-labelledby="mail-body-title">
        <div className="section-header">
          <h2 id="mail-body-title">{t('mailbox.body')}</h2>
        </div>
        {m.html !== null ? (
          <iframe className="send-frame" title={t('mailbox.frame')} sandbox="" srcDoc={m.html} data-testid="message-frame" />
        ) : null}
        {m.html === null || m.text ? (
          <details className="send-text" open={m.html === null}>
            <summary>{t('mailbox.text')}</summary>
            <pre>{m.text}</pre>
          </details>
        ) : null}
      </section>
    </div>
  );
}

export function SendingIcon() {
  return (
    <svg width="18" height="18" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="1.8" strokeLinecap="round" strokeLinejoin="round" focusable="false">
      <path d="M21 3.5 10.5 14" />
      <path d="M21 3.5 14.5 21l-4-7-7-4z" />
    </svg>
  );
}
