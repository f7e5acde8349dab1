import { useCallback, useEffect, useRef, useState } from 'react';
import type {
  InboxCheckResult, InboxHistoryFilter, InboxHistoryPage, InboxHistoryRow, InboxSettingsView, InboxStatus, InboxSummary, ReviewAction, ReviewItemView,
} from '../../../../electron/commands/contract';
import { errorMessage, invoke } from '../../app/api';
import { ConfirmDialog } from '../../ui/Dialog';
import { searchPeople, SinglePicker, type Option } from '../../ui/Picker';
import { ActorField, useRequiredActor } from '../consent/privacy';
import { EmptyState, ErrorBox, Facts, Field, Loading, PageHeader, Section } from '../../ui/ui';
import { useLoad } from '../../app/hooks';
import { translate, useI18n, type I18n, type Lang } from '../../app/i18n';
import './inbox.css';
import { registerNoticeProvider, type Notice } from '../../app/notices';
import { href } from '../../app/router';

/** Fired after the review queue changed, so the menu badge follows. */
const CHANGED = 'schakel:inbox-changed';
const announceChange = () => window.dispatchEvent(new Event(CHANGED));

/** Start screen: open review items, and as a warning those waiting for more than a day. */
export async function inboxNotices(): Promise<Notice[]> {
  const s: InboxSummary = await invoke('inbox.summary', {});
  const plural = (lang: Lang, key: 'inbox.notice.open' | 'inbox.notice.old', n: number) =>
    translate(lang, `${key}.${n === 1 ? 'one' : 'other'}`, { count: String(n) });
  const notices: Notice[] = [];
  if (s.openReviewOlderThan24h > 0) {
    notices.push({
      id: 'inbox-review-old', tone: 'warning', href: '/mailbox',
      text: { nl: plural('nl', 'inbox.notice.old', s.openReviewOlderThan24h), en: plural('en', 'inbox.notice.old', s.openReviewOlderThan24h) },
    });
  }
  if (s.openReview > 0) {
    notices.push({
      id: 'inbox-review-open', tone: 'info', href: '/mailbox',
      text: { nl: plural('nl', 'inbox.notice.open', s.openReview), en: plural('en', 'inbox.notice.open', s.openReview) },
    });
  }
  return notices;
}

registerNoticeProvider(inboxNotices);

export function MailboxIcon() {
  return (
    <svg width="18" height="18" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="1.8" strokeLinecap="round" strokeLinejoin="round" focusable="false">
      <path d="M3.5 13.5 6 5.5h12l2.5 8" />
      <path d="M3.5 13.5v5h17v-5h-5l-1 2h-5l-1-2z" />
    </svg>
  );
}

/** The number of open review items, next to "Postvak" in the menu. */
export function MailboxNavBadge() {
  const { tc } = useI18n();
  const [count, setCount] = useState(0);
  useEffect(() => {
    let live = true;
    const load = () => {
      void invoke('inbox.summary', {}).then(
        (s) => live && setCount(s.openReview),
        () => undefined,
      );
    };
    load();
    window.addEventListener(CHANGED, load);
    window.addEventListener('hashchange', load);
    return () => {
      live = false;
      window.removeEventListener(CHANGED, load);
      window.removeEventListener('hashchange', load);
    };
  }, []);
  if (count === 0) return null;
  return (
    <span className="nav-badge" data-testid="mailbox-nav-badge">
      <span aria-hidden="true">{count}</span>
      <span className="visually-hidden">{tc('inbox.navOpen', count)}</span>
    </span>
  );
}

type Confirmable = Exclude<ReviewAction, 'ignore'>;
const isConfirmable = (a: ReviewAction): a is Confirmable => a !== 'ignore';

/** An ISO instant as the local calendar day (YYYY-MM-DD). */
function localDay(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

function checkSummary(r: InboxCheckResult, i18n: I18n): string {
  const { tc, formatNumber, t } = i18n;
  const o = r.byOutcome;
  const n = (...keys: string[]) => keys.reduce((sum, k) => sum + (o[k] ?? 0), 0);
  const parts = ([
    ['inbox.result.unsubscribes', n('unsubscribed', 'already_unsubscribed')],
    ['inbox.result.hardBounces', n('hard_bounce')],
    ['inbox.result.softBounces', n('soft_bounce', 'soft_bounce_suppressed')],
    ['inbox.result.complaints', n('complaint')],
    ['inbox.result.confirmations', n('confirmed')],
    ['inbox.result.review', n('review')],
    ['inbox.result.noAction', n('ignored', 'no_person')],
    ['inbox.result.duplicates', r.duplicates],
    ['inbox.result.confirmSent', r.confirmationsSent],
    ['inbox.result.expired', r.confirmationsExpired],
  ] as const)
    .filter(([, count]) => count > 0)
    .map(([key, count]) => tc(key, count, { count: formatNumber(count) }));
  if (r.seen === 0 && parts.length === 0) return t('inbox.result.nothing');
  const seen = tc('inbox.result.seen', r.seen, { count: formatNumber(r.seen) });
  return parts.length ? `${seen}: ${parts.join(', ')}.` : `${seen}.`;
}

interface ActedMessage {
  text: string;
  requestId: number | null;
}

/** "Postvak": how the mailbox is watched, "Nu controleren", and the messages Schakel left for a person. */
export function MailboxScreen() {
  const i18n = useI18n();
  const { t, tc, lang, formatDateTime, formatNumber } = i18n;
  const settings = useLoad<InboxSettingsView>(() => invoke('inbox.settings.get', {}), []);
  const status = useLoad<InboxStatus>(() => invoke('inbox.status', {}), []);
  const [tab, setTab] = useState<'open' | 'done'>('open');
  const items = useLoad<ReviewItemView[]>(() => invoke('inbox.review.list', { status: tab }), [tab]);
  const summary = useLoad<InboxSummary>(() => invoke('inbox.summary', {}), []);
  const [checking, setChecking] = useState(false);
  const [checkResult, setCheckResult] = useState<string | null>(null);
  const [checkError, setCheckError] = useState<string | null>(null);
  const [selectedId, setSelectedId] = useState<number | null>(null);
  const [acted, setActed] = useState<ActedMessage | null>(null);
  const focusDetail = useRef(false);
  const resultRef = useRef<HTMLDivElement>(null);

  const rows = items.data ?? [];
  const selected = rows.find((r) => r.id === selectedId) ?? rows[0] ?? null;

  // While a check runs in the background (IDLE or polling), follow it.
  const { reload: reloadStatus } = status;
  const running = status.data?.running ?? false;
  useEffect(() => {
    if (!running) return;
    const timer = window.setInterval(reloadStatus, 2000);
    return () => window.clearInterval(timer);
  }, [running, reloadStatus]);

  useEffect(() => {
    if (!focusDetail.current || items.loading) return;
    focusDetail.current = false;
    const heading = document.getElementById('inbox-item-title');
    if (heading) heading.focus();
    else resultRef.current?.focus();
  }, [selected?.id, items.loading]);

  const [historyVersion, setHistoryVersion] = useState(0);
  const refresh = useCallback(() => {
    items.reload();
    summary.reload();
    status.reload();
    setHistoryVersion((v) => v + 1);
    announceChange();
  }, [items, summary, status]);

  const checkNow = async () => {
    setChecking(true);
    setCheckError(null);
    setCheckResult(null);
    try {
      const r = await invoke('inbox.checkNow', {});
      setCheckResult(checkSummary(r, i18n));
      refresh();
    } catch (err) {
      setCheckError(errorMessage(err));
      status.reload();
    } finally {
      setChecking(false);
    }
  };

  const onActed = (item: ReviewItemView, message: ActedMessage) => {
    const index = rows.findIndex((r) => r.id === item.id);
    const next = rows[index + 1] ?? rows[index - 1] ?? null;
    setActed(message);
    setSelectedId(next && next.id !== item.id ? next.id : null);
    focusDetail.current = true;
    refresh();
  };

  const view = settings.data;
  const configured = view?.configured ?? false;
  const st = status.data;
  const openCount = summary.data?.openReview;

  return (
    <div className="page inbox-page">
      <PageHeader
        title={t('inbox.title')}
        subtitle={t('inbox.subtitle')}
        actions={
          <>
            <a className="button" href={href('/settings/mailbox')}>
              {t('inbox.settingsLink')}
            </a>
            {configured ? (
              <button type="button" className="button button-primary" onClick={() => void checkNow()} disabled={checking} data-testid="inbox-check-now">
                {checking ? t('inbox.checking') : t('inbox.checkNow')}
              </button>
            ) : null}
          </>
        }
      />
      <ErrorBox message={settings.error} onRetry={settings.reload} />
      {settings.loading && !view ? <Loading /> : null}

      {view && !configured ? (
        <div className="card">
          <EmptyState title={t('inbox.notConfigured')} text={t('inbox.notConfiguredText')}>
            <a className="button button-primary" href={href('/settings/mailbox')}>
              {t('inbox.toSettings')}
            </a>
          </EmptyState>
        </div>
      ) : null}

      {view && configured ? (
        <Section title={t('inbox.statusTitle')} id="inbox-status">
          <div data-testid="inbox-status">
            {st ? (
              <>
                <p className="inbox-watch">
                  <span className={`inbox-dot inbox-dot-${st.lastError ? 'error' : st.watching}`} aria-hidden="true" />
                  {st.watching === 'idle'
                    ? t('inbox.watch.idle')
                    : st.watching === 'poll'
                      ? tc('inbox.watch.poll', view.pollMinutes, { count: formatNumber(view.pollMinutes) })
                      : t('inbox.watch.off')}
                  {st.running ? <span className="muted"> {t('inbox.running')}</span> : null}
                </p>
                <Facts
                  items={[
                    { label: t('inbox.lastCheck'), value: st.lastCheckAt ? formatDateTime(st.lastCheckAt) : t('inbox.lastCheckNever') },
                    ...(st.lastResult && !checkResult ? [{ label: t('inbox.lastResult'), value: checkSummary(st.lastResult, i18n) }] : []),
                    ...(st.nextCheckAt && st.watching === 'poll' ? [{ label: t('inbox.nextCheck'), value: formatDateTime(st.nextCheckAt) }] : []),
                    {
                      label: t('inbox.confirmations'),
                      wide: true,
                      value: t('inbox.confirmationsText', {
                        unsent: formatNumber(st.confirmations.unsent),
                        awaiting: formatNumber(st.confirmations.awaiting),
                        soon: formatNumber(st.confirmations.expiringSoon),
                      }),
                    },
                  ]}
                />
                {st.lastError && !checkError ? (
                  <p className="alert alert-error inbox-last-error">
                    <span>
                      <strong>{t('inbox.lastError')}:</strong> {st.lastError[lang] || st.lastError.nl}
                    </span>
                  </p>
                ) : null}
              </>
            ) : status.loading ? (
              <Loading />
            ) : (
              <p className="muted">{t('inbox.statusUnavailable')}</p>
            )}
          </div>
          <div className="inbox-check-result" aria-live="polite" data-testid="inbox-check-result">
            {checkResult ? (
              <p className="alert inbox-ok">
                <span>
                  <strong>{t('inbox.checkDone')}</strong>: {checkResult}
                </span>
              </p>
            ) : null}
            {checkError ? (
              <p className="alert alert-error" role="alert">
                {checkError}
              </p>
            ) : null}
          </div>
        </Section>
      ) : null}

      {view && (configured || (openCount ?? 0) > 0) ? (
        <section className="inbox-queue" aria-labelledby="inbox-queue-title">
          <div className="section-header inbox-queue-header">
            <h2 id="inbox-queue-title">
              {t('inbox.queueTitle')}
              {openCount ? <span className="badge inbox-count" data-testid="inbox-open-count">{formatNumber(openCount)}</span> : null}
            </h2>
            <div className="segmented" role="group" aria-label={t('inbox.tabs')}>
              {(['open', 'done'] as const).map((key) => (
                <label key={key} className={tab === key ? 'segment selected' : 'segment'}>
                  <input
                    type="radio"
                    name="inbox-tab"
                    checked={tab === key}
                    onChange={() => {
                      setTab(key);
                      setSelectedId(null);
                      setActed(null);
                    }}
                  />
                  {t(`inbox.tab.${key}`)}
                </label>
              ))}
            </div>
          </div>
          <div className="inbox-acted" aria-live="polite" ref={resultRef} tabIndex={-1} data-testid="inbox-acted">
            {acted ? (
              <p className="alert inbox-ok inbox-acted-message">
                <span>{acted.text}</span>
                {acted.requestId ? (
                  <a className="inbox-acted-link" href={href(`/avg/${acted.requestId}`)}>
                    {t('inbox.openRequest')}
                  </a>
                ) : null}
              </p>
            ) : null}
          </div>
          <ErrorBox message={items.error} onRetry={items.reload} />
          {items.loading && !items.data ? <Loading /> : null}
          {items.data && rows.length === 0 ? (
            <div className="card">
              {tab === 'open' ? <EmptyState title={t('inbox.emptyOpen')} text={t('inbox.emptyOpenText')} /> : <EmptyState title={t('inbox.emptyDone')} />}
            </div>
          ) : null}
          {rows.length > 0 && selected ? (
            <div className="inbox-split">
              <ul className="inbox-list card" aria-label={t('inbox.itemsLabel')}>
                {rows.map((r) => (
                  <li key={r.id}>
                    <button
                      type="button"
                      className={r.id === selected.id ? 'inbox-list-item selected' : 'inbox-list-item'}
                      aria-current={r.id === selected.id ? 'true' : undefined}
                      onClick={() => {
                        setSelectedId(r.id);
                        focusDetail.current = true;
                      }}
                      data-review={r.id}
                    >
                      <span className="inbox-list-from">
                        {r.person?.name ?? r.fromAddress ?? t('inbox.unknownAddress')}
                        {r.person?.organisation ? <span className="muted"> · {r.person.organisation}</span> : null}
                      </span>
                      <span className="inbox-list-subject">{r.subject || t('inbox.noSubject')}</span>
                      <span className="inbox-list-meta">
                        {formatDateTime(r.receivedAt ?? r.createdAt)}
                        {!r.person ? <span className="badge badge-quiet">{t('inbox.unknownSender')}</span> : null}
                      </span>
                    </button>
                  </li>
                ))}
              </ul>
              <ReviewItemDetail key={selected.id} item={selected} onActed={onActed} />
            </div>
          ) : null}
        </section>
      ) : null}

      {view && configured ? <MailboxHistory version={historyVersion} /> : null}
    </div>
  );
}

const HISTORY_FILTERS: InboxHistoryFilter[] = ['all', 'unsubscribe', 'hard_bounce', 'soft_bounce', 'complaint', 'confirm', 'review', 'no_action'];
const HISTORY_PAGE = 50;

function historyDid(r: InboxHistoryRow, i18n: I18n): string {
  const { t, lang } = i18n;
  if (r.outcome === 'review') {
    const reason = r.review ? r.review.reasonText[lang] || r.review.reasonText.nl : '';
    return t(r.review?.status === 'done' ? 'inbox.outcome.reviewDone' : 'inbox.outcome.review', { reason });
  }
  const known = ['unsubscribed', 'already_unsubscribed', 'confirmed', 'hard_bounce', 'soft_bounce', 'soft_bounce_suppressed', 'complaint', 'ignored', 'no_person'];
  if (!known.includes(r.outcome)) return r.outcome;
  return t(`inbox.outcome.${r.outcome as 'ignored'}`, { list: r.listName ?? '—', address: r.address ?? '—', detail: r.detail ?? '—' });
}

/** Every processed message: when, what, whom, and what Schakel did; survives the next check. */
function MailboxHistory({ version }: { version: number }) {
  const i18n = useI18n();
  const { t, formatDateTime, formatNumber } = i18n;
  const [filter, setFilter] = useState<InboxHistoryFilter>('all');
  const [limit, setLimit] = useState(HISTORY_PAGE);
  const history = useLoad<InboxHistoryPage>(() => invoke('inbox.history.list', { filter, limit, offset: 0 }), [filter, limit, version]);
  const rows = history.data?.rows ?? [];
  const total = history.data?.total ?? 0;
  return (
    <Section title={t('inbox.history.title')} id="inbox-history">
      <div data-testid="inbox-history">
        <p className="muted">{t('inbox.history.intro')}</p>
        <div className="inbox-history-filter">
          <Field id="inbox-history-filter" label={t('inbox.history.filter')}>
            <select
              id="inbox-history-filter"
              value={filter}
              onChange={(e) => {
                setFilter(e.target.value as InboxHistoryFilter);
                setLimit(HISTORY_PAGE);
              }}
            >
              {HISTORY_FILTERS.map((f) => (
                <option key={f} value={f}>
                  {t(`inbox.history.filter.${f}`)}
                </option>
              ))}
            </select>
          </Field>
        </div>
        <ErrorBox message={history.error} onRetry={history.reload} />
        {history.loading && !history.data ? <Loading /> : null}
        {history.data && rows.length === 0 ? <p className="muted">{t('inbox.history.empty')}</p> : null}
        {rows.length > 0 ? (
          <>
            <table className="table inbox-history-table" aria-label={t('inbox.history.title')}>
              <thead>
                <tr>
                  <th scope="col">{t('inbox.history.col.when')}</th>
                  <th scope="col">{t('inbox.history.col.kind')}</th>
                  <th scope="col">{t('inbox.history.col.person')}</th>
                  <th scope="col">{t('inbox.history.col.did')}</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((r) => (
                  <tr key={r.id} data-outcome={r.outcome}>
                    <td className="inbox-history-when">{formatDateTime(r.receivedAt)}</td>
                    <td>
                      {t(`inbox.kind.${r.kind}`)}
                      <span className="cell-sub">{r.subject || t('inbox.noSubject')}</span>
                    </td>
                    <td>
                      {r.person ? (
                        <>
                          <a className="strong-link" href={href(`/people/${r.person.id}`)}>
                            {r.person.name}
                          </a>
                          {r.person.organisation ? <span className="cell-sub">{r.person.organisation}</span> : null}
                        </>
                      ) : (
                        <span className="muted">{r.address ?? r.fromAddress ?? '—'}</span>
                      )}
                    </td>
                    <td>{historyDid(r, i18n)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            <p className="inbox-history-more">
              <span className="muted">{t('inbox.history.shown', { shown: formatNumber(rows.length), total: formatNumber(total) })}</span>
              {rows.length < total ? (
                <button type="button" className="button button-quiet" onClick={() => setLimit((l) => l + HISTORY_PAGE)}>
                  {t('inbox.history.more')}
                </button>
              ) : null}
            </p>
          </>
        ) : null}
      </div>
    </Section>
  );
}

function ReviewItemDetail({ item, onActed }: { item: ReviewItemView; onActed: (item: ReviewItemView, message: ActedMessage) => void }) {
  const { t, lang, formatDateTime, formatDate } = useI18n();
  const [picked, setPicked] = useState<Option | null>(null);
  const [loadedLists, setLoadedLists] = useState<{ personId: number; lists: ReviewItemView['lists'] } | null>(null);
  const pickedLists = picked && loadedLists?.personId === picked.id ? loadedLists.lists : [];
  const actorField = useRequiredActor('inbox-actor');
  const [confirm, setConfirm] = useState<Confirmable | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const open = item.status === 'open';

  useEffect(() => {
    if (!picked) return;
    let live = true;
    invoke('consent.person', { personId: picked.id }).then(
      (p) =>
        live &&
        setLoadedLists({ personId: picked.id, lists: p.subscriptions.map((s) => ({ listId: s.listId, listName: s.listName, status: s.status })) }),
      (err: unknown) => live && setError(errorMessage(err)),
    );
    return () => {
      live = false;
    };
  }, [picked]);

  const person = item.person ? { id: item.person.id, name: item.person.name } : picked ? { id: picked.id, name: picked.label } : null;
  const lists = item.person ? item.lists : pickedLists;
  const activeLists = lists.filter((l) => l.status !== 'unsubscribed');
  const [listId, setListId] = useState<number | null>(null);
  const chosenList = activeLists.find((l) => l.listId === listId) ?? activeLists[0] ?? null;
  const received = item.receivedAt ?? item.createdAt;

  const run = async (action: ReviewAction) => {
    setBusy(true);
    setError(null);
    try {
      const done = await invoke('inbox.review.act', {
        id: item.id,
        action,
        ...(action === 'unsubscribe_list' && chosenList ? { listId: chosenList.listId } : {}),
        ...(!item.person && picked ? { personId: picked.id } : {}),
        actor: actorField.actor.trim(),
      });
      const name = done.person?.name ?? person?.name ?? '';
      setConfirm(null);
      onActed(done, { text: t(`inbox.done.${action}`, { name, list: chosenList?.listName ?? '' }), requestId: done.requestId });
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  const ask = (action: ReviewAction) => {
    setError(null);
    if (action !== 'ignore' && !person) {
      setError(t('inbox.needPerson'));
      document.getElementById('inbox-person')?.focus();
      return;
    }
    if (!actorField.check()) return;
    if (isConfirmable(action)) setConfirm(action);
    else void run(action);
  };

  return (
    <article className="card inbox-detail" aria-labelledby="inbox-item-title" data-testid="inbox-item">
      <h3 id="inbox-item-title" tabIndex={-1} className="inbox-detail-title">
        {item.subject || t('inbox.noSubject')}
      </h3>
      <Facts
        items={[
          { label: t('inbox.from'), value: item.fromAddress ?? t('inbox.unknownAddress') },
          { label: t('inbox.received'), value: formatDateTime(received) },
          ...(item.reportAddress ? [{ label: t('inbox.reportAddress'), value: item.reportAddress }] : []),
          ...(item.sentAddress ? [{ label: t('inbox.sentAddress'), value: item.sentAddress }] : []),
        ]}
      />
      <div className="inbox-reason" data-testid="inbox-reason">
        <span className="inbox-reason-label">{t('inbox.reason')}</span>
        <span>{item.reasonText[lang] || item.reasonText.nl}</span>
      </div>
      <div className="inbox-body-wrap">
        <span className="field-label" id="inbox-body-label">
          {t('inbox.body')}
        </span>
        {/* Plain text only: React escapes it; mail is never rendered as HTML here. */}
        <pre className="inbox-body" aria-labelledby="inbox-body-label" tabIndex={0} data-testid="inbox-body">
          {item.body.trim() ? item.body : t('inbox.bodyEmpty')}
        </pre>
      </div>

      <div className="inbox-person" data-testid="inbox-person">
        {item.person ? (
          <p>
            <span className="muted">{t(item.reportAddress || item.sentAddress ? 'inbox.personGuessReport' : 'inbox.personGuess')} </span>
            <a className="strong-link" href={href(`/people/${item.person.id}`)}>
              {item.person.name}
            </a>
            <span className="inbox-person-meta" data-testid="inbox-person-meta">
              {' '}
              ({[item.person.organisation ?? t('inbox.noOrganisation'), item.person.email].filter(Boolean).join(' · ')})
            </span>
          </p>
        ) : open ? (
          <>
            <p>
              <strong>{t('inbox.unknownSender')}</strong> <span className="muted">{t('inbox.unknownSenderText')}</span>
            </p>
            <SinglePicker id="inbox-person" label={t('inbox.pickPerson')} value={picked} onChange={setPicked} search={searchPeople} placeholder={t('picker.searchPeople')} />
          </>
        ) : (
          <p>
            <strong>{t('inbox.unknownSender')}</strong>
          </p>
        )}
      </div>

      {open ? (
        <div className="inbox-actions" role="group" aria-labelledby="inbox-actions-title">
          <h4 id="inbox-actions-title">{t('inbox.actions')}</h4>
          {error ? (
            <p className="alert alert-error" role="alert">
              {error}
            </p>
          ) : null}
          {person ? (
            activeLists.length > 0 ? (
              <div className="inbox-list-action">
                <Field id="inbox-list" label={t('inbox.list')}>
                  <select id="inbox-list" value={chosenList?.listId ?? ''} onChange={(e) => setListId(Number(e.target.value))}>
                    {activeLists.map((l) => (
                      <option key={l.listId} value={l.listId}>
                        {`${l.listName} (${t(`inbox.listStatus.${l.status as 'subscribed' | 'pending'}`)})`}
                      </option>
                    ))}
                  </select>
                </Field>
                <button type="button" className="button" onClick={() => ask('unsubscribe_list')} disabled={busy || !chosenList}>
                  {t('inbox.action.unsubscribe_list')}
                </button>
              </div>
            ) : (
              <p className="muted">{t('inbox.noLists')}</p>
            )
          ) : null}
          <div className="button-row inbox-buttons">
            <button type="button" className="button button-primary" onClick={() => ask('unsubscribe_all')} disabled={busy}>
              {t('inbox.action.unsubscribe_all')}
            </button>
            <button type="button" className="button" onClick={() => ask('erase_request')} disabled={busy}>
              {t('inbox.action.erase_request')}
            </button>
            <button type="button" className="button button-quiet" onClick={() => ask('ignore')} disabled={busy}>
              {t('inbox.action.ignore')}
            </button>
          </div>
          <p className="hint">{t('inbox.actionHint')}</p>
          <ActorField {...actorField.field} />
        </div>
      ) : (
        <div className="inbox-handled" data-testid="inbox-handled">
          <p>
            <span className="badge inbox-handled-badge">{t('inbox.handled')}</span>{' '}
            {t('inbox.handledBy', {
              action: item.action ? t(`inbox.action.${item.action}`) : '',
              who: item.handledBy ?? '—',
              date: item.handledAt ? formatDateTime(item.handledAt) : '—',
            })}
          </p>
          {item.requestId ? <a href={href(`/avg/${item.requestId}`)}>{t('inbox.requestLink')}</a> : null}
        </div>
      )}

      {confirm && person ? (
        <ConfirmDialog
          title={t(`inbox.confirm.${confirm}.title`, { list: chosenList?.listName ?? '' })}
          message={<p>{t(`inbox.confirm.${confirm}.text`, { name: person.name, list: chosenList?.listName ?? '', date: formatDate(localDay(received)) })}</p>}
          confirmLabel={t(`inbox.action.${confirm}`)}
          danger={confirm === 'erase_request'}
          busy={busy}
          error={error}
          onConfirm={() => void run(confirm)}
          onCancel={() => setConfirm(null)}
        />
      ) : null}
    </article>
  );
}
