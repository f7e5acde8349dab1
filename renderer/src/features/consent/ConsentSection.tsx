import { useState } from 'react';
import type { AvgRequestView, ConsentEventView, PersonConsent, SubscriptionView } from '../../../../electron/commands/contract';
import { errorMessage, invoke } from '../../app/api';
import { useLoad } from '../../app/hooks';
import { useI18n } from '../../app/i18n';
import { href, navigate } from '../../app/router';
import { ConfirmSignupDialog, SubscribeDialog, UnsubscribeDialog } from './ConsentDialogs';
import { EraseDialog } from './EraseDialog';
import { downloadDocument, sourceKey, StatusBadge } from './privacy';
import { ErrorBox, Loading, Section, useToast } from '../../ui/ui';

type Open =
  | { kind: 'subscribe' }
  | { kind: 'unsubscribe'; listId: number | null }
  | { kind: 'confirm'; sub: SubscriptionView }
  | null;

/** The person page's newsletters: subscriptions, suppression, sign up, unsubscribe, and the consent timeline. */
export function ConsentSection({ personId, onChanged }: { personId: number; onChanged?: () => void }) {
  const { t, formatDateTime } = useI18n();
  const consent = useLoad<PersonConsent>(() => invoke('consent.person', { personId }), [personId]);
  const [open, setOpen] = useState<Open>(null);
  const c = consent.data;
  const changed = () => {
    consent.reload();
    onChanged?.();
  };
  const suppressed = c?.addresses.filter((a) => a.suppression) ?? [];
  const primary = c?.addresses.find((a) => a.primary) ?? null;
  const active = c?.subscriptions.filter((s) => s.status !== 'unsubscribed') ?? [];

  return (
    <Section
      id="consent"
      title={t('consent.title')}
      actions={
        c ? (
          <>
            <button type="button" className="button button-small" onClick={() => setOpen({ kind: 'subscribe' })} disabled={!c.addresses.length}>
              {t('consent.subscribe')}
            </button>
            <button
              type="button"
              className="button button-small"
              onClick={() => setOpen({ kind: 'unsubscribe', listId: active.length === 1 ? active[0]!.listId : null })}
              disabled={!c.addresses.length && !active.length}
            >
              {t('consent.unsubscribe')}
            </button>
          </>
        ) : null
      }
    >
      <ErrorBox message={consent.error} onRetry={consent.reload} />
      {consent.loading && !c ? <Loading /> : null}
      {c ? (
        <>
          {suppressed.length ? (
            <div className="alert alert-warning" data-testid="suppression-notice">
              {suppressed.map((a) => (
                <p key={a.email}>
                  {t('consent.suppressed', {
                    email: a.email,
                    reason: t(`suppression.${a.suppression!.reason}`),
                    date: formatDateTime(a.suppression!.since),
                  })}
                </p>
              ))}
              <p>{t('consent.suppressedText')}</p>
            </div>
          ) : null}
          {!c.addresses.length ? <p className="muted">{t('consent.noAddress')}</p> : null}
          {c.subscriptions.length === 0 ? (
            c.addresses.length ? <p className="muted">{t('consent.none')}</p> : null
          ) : (
            <table className="table subscription-table" aria-label={t('consent.subscriptionsLabel')}>
              <thead>
                <tr>
                  <th scope="col">{t('consent.list')}</th>
                  <th scope="col">{t('consent.status')}</th>
                  <th scope="col">{t('consent.since')}</th>
                  <th scope="col">
                    <span className="visually-hidden">{t('consent.actions')}</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {c.subscriptions.map((s) => (
                  <tr key={s.listId}>
                    <td>
                      <a href={href(`/lists/${s.listId}`)} className="strong-link">
                        {s.listName}
                      </a>
                      <span className="cell-sub">
                        {t(`basis.${s.lawfulBasis}`)}
                        {s.purposeVersion ? ` · ${t('consent.purposeVersion', { version: String(s.purposeVersion.version) })}` : ''}
                      </span>
                    </td>
                    <td>
                      <StatusBadge status={s.status} />
                      {s.status === 'subscribed' && !s.mayMail ? <span className="cell-sub warn-text">{t('consent.notMailed')}</span> : null}
                    </td>
                    <td>{formatDateTime(s.since)}</td>
                    <td className="row-actions">
                      {s.status === 'pending' ? (
                        <button type="button" className="link-button" onClick={() => setOpen({ kind: 'confirm', sub: s })}>
                          {t('consent.confirm')}
                        </button>
                      ) : null}
                      {s.status !== 'unsubscribed' ? (
                        <button
                          type="button"
                          className="link-button"
                          onClick={() => setOpen({ kind: 'unsubscribe', listId: s.listId })}
                          aria-label={t('consent.unsubscribeFrom', { list: s.listName })}
                        >
                          {t('consent.unsubscribe')}
                        </button>
                      ) : null}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          <h3 className="subhead">{t('consent.timeline')}</h3>
          <ConsentTimeline events={c.events} />
        </>
      ) : null}
      {c && open?.kind === 'subscribe' ? (
        <SubscribeDialog
          target={{ kind: 'person', personId, name: c.name, suppression: primary?.suppression ?? null, subscriptions: c.subscriptions }}
          onClose={() => setOpen(null)}
          onDone={changed}
        />
      ) : null}
      {c && open?.kind === 'unsubscribe' ? (
        <UnsubscribeDialog personId={personId} name={c.name} subscriptions={c.subscriptions} initialListId={open.listId} onClose={() => setOpen(null)} onDone={changed} />
      ) : null}
      {c && open?.kind === 'confirm' ? (
        <ConfirmSignupDialog personId={personId} listId={open.sub.listId} listName={open.sub.listName} onClose={() => setOpen(null)} onDone={changed} />
      ) : null}
    </Section>
  );
}

/** The ledger of consent events, newest first. */
export function ConsentTimeline({ events }: { events: ConsentEventView[] }) {
  const { t, formatDateTime } = useI18n();
  if (!events.length) return <p className="muted">{t('consent.noEvents')}</p>;
  return (
    <ol className="timeline consent-timeline" aria-label={t('consent.timeline')}>
      {events.map((e) => (
        <li key={e.id} className="timeline-item">
          <span className={`timeline-dot event-${e.type}`} aria-hidden="true" />
          <div className="timeline-content">
            <div className="timeline-meta">
              <span className={`badge event-${e.type}`}>{t(`event.${e.type}`)}</span>
              <time dateTime={e.occurredAt}>{formatDateTime(e.occurredAt)}</time>
              {e.listName ? <span className="muted">{e.listName}</span> : null}
            </div>
            <p className="event-line">
              <span>{t(sourceKey(e.source))}</span>
              <span className="muted"> · {t('consent.recordedBy', { name: e.actor })}</span>
              {e.recordedAt.slice(0, 16) !== e.occurredAt.slice(0, 16) ? (
                <span className="muted"> · {t('consent.recordedAt', { date: formatDateTime(e.recordedAt) })}</span>
              ) : null}
            </p>
            {e.purposeVersion ? (
              <details className="event-purpose">
                <summary>{t('consent.purposeVersion', { version: String(e.purposeVersion.version) })}</summary>
                <blockquote className="purpose-text">{e.purposeVersion.text}</blockquote>
              </details>
            ) : null}
            {e.evidence.text || e.evidence.file || e.evidence.messageId ? (
              <p className="event-line">
                <span className="muted">{t('consent.evidence')}: </span>
                {[e.evidence.text, e.evidence.file ? `${t('consent.evidenceFile')} ${e.evidence.file}` : null, e.evidence.messageId ? `${t('consent.evidenceMessage')} ${e.evidence.messageId}` : null]
                  .filter(Boolean)
                  .join(' · ')}
              </p>
            ) : null}
            {e.note ? (
              <p className="event-line">
                <span className="muted">{t('consent.note')}: </span>
                {e.note}
              </p>
            ) : null}
            {e.email ? <p className="event-line muted">{e.email}</p> : null}
            {e.doubleOptIn && e.type === 'subscribed' ? <p className="event-line muted">{t('consent.doubleOptIn')}</p> : null}
            {e.batchId ? <p className="event-line muted">{t('consent.batch', { id: e.batchId.slice(0, 8) })}</p> : null}
            {e.erased ? <p className="event-line muted">{t('consent.erasedEvent')}</p> : null}
          </div>
        </li>
      ))}
    </ol>
  );
}

/** The person page's AVG actions: proof, access export, erasure, and this person's requests. */
export function PrivacySection({ personId, name }: { personId: number; name: string }) {
  const { t, lang, formatDate } = useI18n();
  const toast = useToast();
  const requests = useLoad<AvgRequestView[]>(() => invoke('avg.listRequests', { personId }), [personId]);
  const [busy, setBusy] = useState<'proof' | 'export' | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [erasing, setErasing] = useState(false);

  const download = async (what: 'proof' | 'export') => {
    setBusy(what);
    setError(null);
    try {
      const doc = what === 'proof' ? await invoke('consent.proof', { personId, language: lang }) : await invoke('avg.exportPerson', { personId });
      downloadDocument(doc);
      toast.show(t(what === 'proof' ? 'privacy.proofDone' : 'privacy.exportDone'));
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(null);
    }
  };

  const open = (requests.data ?? []).filter((r) => r.status === 'open' || r.status === 'in_progress');
  const openErasure = open.find((r) => r.kind === 'erasure');

  return (
    <Section id="privacy" title={t('privacy.title')}>
      <ErrorBox message={error} />
      <div className="privacy-actions">
        <div className="privacy-action">
          <button type="button" className="button" onClick={() => void download('proof')} disabled={busy !== null}>
            {busy === 'proof' ? t('privacy.working') : t('privacy.proof')}
          </button>
          <p className="hint">{t('privacy.proofHint')}</p>
        </div>
        <div className="privacy-action">
          <button type="button" className="button" onClick={() => void download('export')} disabled={busy !== null}>
            {busy === 'export' ? t('privacy.working') : t('privacy.export')}
          </button>
          <p className="hint">{t('privacy.exportHint')}</p>
        </div>
        <div className="privacy-action">
          <button type="button" className="button button-danger-quiet" onClick={() => setErasing(true)}>
            {t('privacy.erase')}
          </button>
          <p className="hint">{t('privacy.eraseHint')}</p>
        </div>
      </div>
      <h3 className="subhead">{t('privacy.requests')}</h3>
      {requests.data && requests.data.length === 0 ? <p className="muted">{t('privacy.noRequests')}</p> : null}
      {requests.data && requests.data.length > 0 ? (
        <ul className="plain-list request-mini">
          {requests.data.map((r) => (
            <li key={r.id}>
              <a href={href(`/avg/${r.id}`)}>{t(`avgKind.${r.kind}`)}</a>
              <span className="muted"> · {t('avg.receivedOn', { date: formatDate(r.receivedOn) })} · </span>
              <span className={`badge avg-status-${r.status}${r.overdue ? ' badge-overdue' : ''}`}>{r.overdue ? t('avg.overdue') : t(`avgStatus.${r.status}`)}</span>
            </li>
          ))}
        </ul>
      ) : null}
      <a className="button button-small" href={href(`/avg?new=1&person=${personId}`)}>
        {t('privacy.newRequest')}
      </a>
      {erasing ? (
        <EraseDialog
          personId={personId}
          requestId={openErasure?.id}
          onClose={() => setErasing(false)}
          onErased={() => {
            setErasing(false);
            toast.show(t('erase.toast', { name }));
            navigate('/people');
          }}
        />
      ) : null}
    </Section>
  );
}
