import { useEffect, useState, type FormEvent } from 'react';
import type { AvgRequestChannel, AvgRequestKind, AvgRequestStatus, AvgRequestView, AvgSummary, PersonConsent } from '../../../../electron/commands/contract';
import { errorMessage, invoke } from '../../app/api';
import { UnsubscribeDialog } from './ConsentDialogs';
import { Dialog, DialogFooter } from '../../ui/Dialog';
import { EraseDialog } from './EraseDialog';
import { searchPeople, SinglePicker, type Option } from '../../ui/Picker';
import {
  ActorField,
  AVG_CHANNEL_LIST,
  AVG_KIND_LIST,
  AVG_STATUS_LIST,
  downloadDocument,
  localToday,
  useActor,
  useRequiredActor,
} from './privacy';
import { ChoiceField, DetailLoadState, EmptyState, ErrorBox, Facts, FormError, ListPanel, PageHeader, Section, SegmentedField, TextAreaField, TextField, useFormSave, useToast } from '../../ui/ui';
import { useLoad } from '../../app/hooks';
import { makeI18n, translate, useI18n, type Lang } from '../../app/i18n';
import { registerNoticeProvider, type Notice } from '../../app/notices';
import { href, navigate, useRoute } from '../../app/router';

/** Start screen: overdue requests, requests due within a week, and a missing suppression key. */
export async function avgNotices(): Promise<Notice[]> {
  const s: AvgSummary = await invoke('avg.summary', {});
  const both = (make: (lang: Lang) => string) => ({ nl: make('nl'), en: make('en') });
  const notices: Notice[] = [];
  if (s.suppressionKey !== 'ok') {
    notices.push({ id: 'suppression-key', tone: 'warning', text: both((lang) => translate(lang, s.suppressionKey === 'missing' ? 'avg.noticeKeyMissing' : 'avg.noticeKeyMismatch')) });
  }
  for (const r of s.overdue) {
    notices.push({
      id: `avg-overdue-${r.id}`,
      tone: 'warning',
      text: both((lang) =>
        translate(lang, 'avg.noticeOverdue', {
          kind: translate(lang, `avgKind.${r.kind}`).toLowerCase(),
          who: r.personName ?? r.subjectName ?? r.subjectEmail ?? '',
          date: makeI18n(lang, () => undefined).formatDate(r.dueOn),
        }),
      ),
      href: `/avg/${r.id}`,
    });
  }
  for (const r of s.dueSoon) {
    notices.push({
      id: `avg-due-${r.id}`,
      tone: 'info',
      text: both((lang) =>
        translate(lang, 'avg.noticeDueSoon', {
          kind: translate(lang, `avgKind.${r.kind}`).toLowerCase(),
          who: r.personName ?? r.subjectName ?? r.subjectEmail ?? '',
          date: makeI18n(lang, () => undefined).formatDate(r.dueOn),
        }),
      ),
      href: `/avg/${r.id}`,
    });
  }
  if (s.pendingConfirmations > 0) {
    notices.push({
      id: 'pending-confirmations',
      tone: 'info',
      text: both((lang) =>
        translate(lang, s.pendingConfirmations === 1 ? 'avg.noticePending.one' : 'avg.noticePending.other', { count: String(s.pendingConfirmations) }),
      ),
      href: '/lists',
    });
  }
  return notices;
}

registerNoticeProvider(avgNotices);

function subjectOf(r: AvgRequestView, erased: string): string {
  return r.personName ?? r.subjectName ?? r.subjectEmail ?? (r.erasureId ? erased : '—');
}

/** "AVG-verzoeken": the register of data-subject requests, overdue ones marked. */
export function AvgRequestsScreen() {
  const { t, formatDate, formatNumber } = useI18n();
  const route = useRoute();
  const [openOnly, setOpenOnly] = useState(true);
  const requests = useLoad<AvgRequestView[]>(() => invoke('avg.listRequests', { openOnly }), [openOnly]);
  const summary = useLoad<AvgSummary>(() => invoke('avg.summary', {}), []);
  const preset = route.query.get('new') === '1' ? Number(route.query.get('person') ?? '') || null : undefined;
  const [creating, setCreating] = useState<boolean>(preset !== undefined);

  const rows = requests.data ?? [];
  return (
    <div className="page">
      <PageHeader
        title={t('avg.title')}
        subtitle={t('avg.subtitle')}
        actions={
          <>
            <a className="button" href={href('/avg/retention')}>
              {t('retention.reviewLink')}
            </a>
            <button type="button" className="button button-primary" onClick={() => setCreating(true)}>
              {t('avg.new')}
            </button>
          </>
        }
      />
      {summary.data ? (
        <ul className="stat-grid stat-grid-small avg-stats">
          <li>
            <div className="stat card">
              <span className="stat-value">{formatNumber(summary.data.open)}</span>
              <span className="stat-label">{t('avg.statOpen')}</span>
            </div>
          </li>
          <li>
            <div className={summary.data.overdueCount ? 'stat card stat-danger' : 'stat card'} data-testid="avg-overdue-count">
              <span className="stat-value">{formatNumber(summary.data.overdueCount)}</span>
              <span className="stat-label">{t('avg.statOverdue')}</span>
            </div>
          </li>
          <li>
            <div className={summary.data.dueSoon.length ? 'stat card stat-warn' : 'stat card'}>
              <span className="stat-value">{formatNumber(summary.data.dueSoon.length)}</span>
              <span className="stat-label">{t('avg.statDueSoon')}</span>
            </div>
          </li>
        </ul>
      ) : null}
      <ListPanel
        loaded={requests}
        count={rows.length}
        status={
          <div className="segmented" role="group" aria-label={t('avg.show')}>
            <label className={openOnly ? 'segment selected' : 'segment'}>
              <input type="radio" name="avg-filter" checked={openOnly} onChange={() => setOpenOnly(true)} />
              {t('avg.filterOpen')}
            </label>
            <label className={!openOnly ? 'segment selected' : 'segment'}>
              <input type="radio" name="avg-filter" checked={!openOnly} onChange={() => setOpenOnly(false)} />
              {t('avg.filterAll')}
            </label>
          </div>
        }
        empty={<EmptyState title={openOnly ? t('avg.emptyOpen') : t('avg.empty')} text={t('avg.emptyText')} />}
      >
        <table className="table avg-table" aria-label={t('avg.title')}>
          <thead>
            <tr>
              <th scope="col">{t('avg.kind')}</th>
              <th scope="col">{t('avg.subject')}</th>
              <th scope="col">{t('avg.received')}</th>
              <th scope="col">{t('avg.due')}</th>
              <th scope="col">{t('avg.status')}</th>
              <th scope="col">{t('avg.handledBy')}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.id} className={r.overdue ? 'row-overdue' : undefined}>
                <td>
                  <a href={href(`/avg/${r.id}`)} className="strong-link">
                    {t(`avgKind.${r.kind}`)}
                  </a>
                </td>
                <td>{subjectOf(r, t('avg.erasedSubject'))}</td>
                <td>{formatDate(r.receivedOn)}</td>
                <td>
                  <DueCell r={r} />
                </td>
                <td>
                  <span className={`badge avg-status-${r.status}`}>{t(`avgStatus.${r.status}`)}</span>
                </td>
                <td>{r.handledBy ?? <span className="muted">—</span>}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </ListPanel>
      {creating ? (
        <NewRequestDialog
          personId={preset ?? null}
          onClose={() => {
            setCreating(false);
            if (route.query.get('new')) navigate('/avg', { replace: true });
          }}
          onCreated={(r) => navigate(`/avg/${r.id}`)}
        />
      ) : null}
    </div>
  );
}

function DueCell({ r }: { r: AvgRequestView }) {
  const { t, formatDate } = useI18n();
  const open = r.status === 'open' || r.status === 'in_progress';
  return (
    <>
      <span className={r.overdue ? 'due-date danger-text strong' : 'due-date'}>{formatDate(r.dueOn)}</span>
      {r.extendedTo ? <span className="badge badge-quiet">{t('avg.extended')}</span> : null}
      {open ? (
        <span className={r.overdue ? 'cell-sub danger-text' : r.daysLeft <= 7 ? 'cell-sub warn-text' : 'cell-sub'}>
          {r.overdue
            ? t('avg.daysOverdue', { count: String(-r.daysLeft) })
            : r.daysLeft === 0
              ? t('avg.dueToday')
              : t('avg.daysLeft', { count: String(r.daysLeft) })}
        </span>
      ) : null}
    </>
  );
}

function NewRequestDialog({ personId, onClose, onCreated }: { personId: number | null; onClose: () => void; onCreated: (r: AvgRequestView) => void }) {
  const { t, formatDate } = useI18n();
  const toast = useToast();
  const [kind, setKind] = useState<AvgRequestKind>('access');
  const [person, setPerson] = useState<Option | null>(null);
  const [subjectName, setSubjectName] = useState('');
  const [subjectEmail, setSubjectEmail] = useState('');
  const [channel, setChannel] = useState<AvgRequestChannel>('email');
  const [receivedOn, setReceivedOn] = useState(localToday());
  const [notes, setNotes] = useState('');
  const [actor, setActor, rememberActor] = useActor();
  const { busy, error, issues, refuse, save } = useFormSave('avg-form');

  useEffect(() => {
    if (!personId) return;
    invoke('people.get', { id: personId }).then(
      (p) => setPerson({ id: p.id, label: p.name }),
      () => undefined,
    );
  }, [personId]);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const local = new Map<string, string>();
    if (!actor.trim()) local.set('actor', t('privacy.actorRequired'));
    if (!person && !subjectName.trim() && !subjectEmail.trim()) local.set('subjectName', t('avg.subjectRequired'));
    if (refuse(local)) return;
    rememberActor();
    await save(async () => {
      const created = await invoke('avg.createRequest', {
        kind,
        personId: person?.id ?? null,
        subjectName,
        subjectEmail,
        channel,
        receivedOn,
        notes,
        actor,
      });
      toast.show(t('avg.created', { date: formatDate(created.dueOn) }));
      onCreated(created);
    });
  };

  return (
    <Dialog
      title={t('avg.new')}
      onClose={onClose}
      wide
      initialFocus="avg-kind"
      footer={<DialogFooter form="avg-form" onCancel={onClose} label={t('common.save')} busy={busy} />}
    >
      <form id="avg-form" className="form" onSubmit={(e) => void submit(e)} noValidate>
        <FormError message={error} />
        <div className="form-row">
          <ChoiceField id="avg-kind" label={t('avg.kind')} value={kind} options={AVG_KIND_LIST} optionLabel={(k) => t(`avgKind.${k}`)} onChange={setKind} hint={t(`avgKind.${kind}.hint`)} />
          <TextField id="avg-received" label={t('avg.received')} type="date" value={receivedOn} max={localToday()} onChange={setReceivedOn} hint={t('avg.deadlineHint')} />
        </div>
        <div className="field">
          <SinglePicker id="avg-person" label={t('avg.person')} value={person} onChange={setPerson} search={searchPeople} placeholder={t('picker.searchPeople')} />
          <p className="hint">{t('avg.personHint')}</p>
        </div>
        {!person ? (
          <div className="form-row">
            <TextField id="avg-subject-name" label={t('avg.subjectName')} value={subjectName} onChange={setSubjectName} error={issues.get('subjectName')} />
            <TextField id="avg-subject-email" label={t('avg.subjectEmail')} type="email" value={subjectEmail} onChange={setSubjectEmail} />
          </div>
        ) : null}
        <SegmentedField legend={t('avg.channel')} name="avg-channel" options={AVG_CHANNEL_LIST} value={channel} onChange={setChannel} label={(c) => t(`avgChannel.${c}`)} />
        <TextAreaField id="avg-notes" label={t('field.notes')} rows={3} value={notes} onChange={setNotes} />
        <ActorField id="avg-actor" value={actor} onChange={setActor} error={issues.get('actor')} />
      </form>
    </Dialog>
  );
}

export function AvgRequestDetailScreen({ id }: { id: number }) {
  const { t, formatDate } = useI18n();
  const toast = useToast();
  const request = useLoad<AvgRequestView>(() => invoke('avg.getRequest', { id }), [id]);
  const [extending, setExtending] = useState(false);
  const [erasing, setErasing] = useState(false);
  const [objecting, setObjecting] = useState<PersonConsent | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  if (!request.data) return <DetailLoadState loaded={request} title={t('avg.requestTitle')} back={{ to: '/avg', label: t('nav.avg') }} />;
  const r = request.data;
  const open = r.status === 'open' || r.status === 'in_progress';

  const exportData = async () => {
    if (!r.personId) return;
    setBusy(true);
    setError(null);
    try {
      downloadDocument(await invoke('avg.exportPerson', { personId: r.personId }));
      toast.show(t('privacy.exportDone'));
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  const startObjection = async () => {
    if (!r.personId) return;
    setError(null);
    try {
      setObjecting(await invoke('consent.person', { personId: r.personId }));
    } catch (err) {
      setError(errorMessage(err));
    }
  };

  return (
    <div className="page">
      <PageHeader
        back={{ to: '/avg', label: t('nav.avg') }}
        title={
          <>
            {t(`avgKind.${r.kind}`)}: {subjectOf(r, t('avg.erasedSubject'))}
            {r.overdue ? <span className="badge badge-overdue">{t('avg.overdue')}</span> : null}
          </>
        }
        subtitle={t('avg.receivedVia', { date: formatDate(r.receivedOn), channel: t(`avgChannel.${r.channel}`).toLowerCase() })}
      />
      <ErrorBox message={error} />
      <div className="detail-grid">
        <div className="detail-main">
          <Section title={t('avg.details')}>
            <Facts
              items={[
                { label: t('avg.kind'), value: t(`avgKind.${r.kind}`) },
                {
                  label: t('avg.subject'),
                  value: r.personId ? <a href={href(`/people/${r.personId}`)}>{r.personName}</a> : [r.subjectName, r.subjectEmail].filter(Boolean).join(' · '),
                },
                { label: t('avg.received'), value: formatDate(r.receivedOn) },
                { label: t('avg.deadline'), value: formatDate(r.deadlineOn) },
                { label: t('avg.due'), value: <DueCell r={r} /> },
                { label: t('avg.status'), value: <span className={`badge avg-status-${r.status}`}>{t(`avgStatus.${r.status}`)}</span> },
                { label: t('avg.handledBy'), value: r.handledBy },
                { label: t('avg.closedOn'), value: r.closedOn ? formatDate(r.closedOn) : null },
                ...(r.extendedTo ? [{ label: t('avg.extensionReason'), value: r.extensionReason, wide: true }] : []),
              ]}
            />
            {open && !r.extendedTo ? (
              <div className="button-row">
                <button type="button" className="button button-small" onClick={() => setExtending(true)}>
                  {t('avg.extend')}
                </button>
                <span className="hint">{t('avg.extendHint')}</span>
              </div>
            ) : null}
          </Section>
          <RequestUpdateForm key={`${r.id}-${r.status}-${r.outcome ?? ''}`} request={r} onSaved={request.reload} />
        </div>
        <div className="detail-side">
          <Section title={t('avg.actions')}>
            {!r.personId ? <p className="muted">{t('avg.noPersonActions')}</p> : null}
            {r.personId ? (
              <div className="privacy-actions">
                <a className="button" href={href(`/people/${r.personId}`)}>
                  {t('avg.toPerson')}
                </a>
                {r.kind === 'access' || r.kind === 'portability' || r.kind === 'correction' ? (
                  <button type="button" className="button" onClick={() => void exportData()} disabled={busy}>
                    {busy ? t('privacy.working') : t('privacy.export')}
                  </button>
                ) : null}
                {r.kind === 'objection' && open ? (
                  <button type="button" className="button" onClick={() => void startObjection()}>
                    {t('avg.recordObjection')}
                  </button>
                ) : null}
                {r.kind === 'erasure' && open ? (
                  <button type="button" className="button button-danger" onClick={() => setErasing(true)}>
                    {t('privacy.erase')}
                  </button>
                ) : null}
              </div>
            ) : null}
            <p className="hint">{t(`avgKind.${r.kind}.hint`)}</p>
          </Section>
        </div>
      </div>
      {extending ? <ExtendDialog request={r} onClose={() => setExtending(false)} onDone={request.reload} /> : null}
      {erasing && r.personId ? (
        <EraseDialog
          personId={r.personId}
          requestId={r.id}
          onClose={() => setErasing(false)}
          onErased={() => {
            setErasing(false);
            request.reload();
          }}
        />
      ) : null}
      {objecting && r.personId ? (
        <UnsubscribeDialog
          personId={r.personId}
          name={objecting.name}
          subscriptions={objecting.subscriptions}
          initialListId={null}
          objection
          requestId={r.id}
          onClose={() => setObjecting(null)}
          onDone={request.reload}
        />
      ) : null}
    </div>
  );
}

function RequestUpdateForm({ request, onSaved }: { request: AvgRequestView; onSaved: () => void }) {
  const { t } = useI18n();
  const toast = useToast();
  const [status, setStatus] = useState<AvgRequestStatus>(request.status);
  const [handledBy, setHandledBy] = useState(request.handledBy ?? '');
  const [notes, setNotes] = useState(request.notes ?? '');
  const [outcome, setOutcome] = useState(request.outcome ?? '');
  const { actor, check: checkActor, field: actorField } = useRequiredActor('avg-update-actor');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const save = async (event: FormEvent) => {
    event.preventDefault();
    if (!checkActor()) return;
    setBusy(true);
    setError(null);
    try {
      await invoke('avg.updateRequest', {
        id: request.id,
        status,
        handledBy,
        notes,
        outcome,
        actor,
      });
      toast.show(t('avg.saved'));
      onSaved();
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  const closing = status === 'done' || status === 'refused';
  return (
    <Section title={t('avg.handling')}>
      <form className="form" onSubmit={(e) => void save(e)} noValidate>
        <FormError message={error} />
        <div className="form-row">
          <ChoiceField id="avg-status" label={t('avg.status')} value={status} options={AVG_STATUS_LIST} optionLabel={(s) => t(`avgStatus.${s}`)} onChange={setStatus} />
          <TextField id="avg-handled-by" label={t('avg.handledBy')} value={handledBy} onChange={setHandledBy} />
        </div>
        <TextAreaField id="avg-update-notes" label={t('field.notes')} rows={3} value={notes} onChange={setNotes} />
        <TextAreaField id="avg-outcome" label={t('avg.outcome')} rows={3} value={outcome} onChange={setOutcome} hint={closing ? t('avg.outcomeHint') : undefined} />
        <ActorField {...actorField} />
        <div className="form-actions">
          <button type="submit" className="button button-primary" disabled={busy}>
            {busy ? t('common.saving') : t('common.save')}
          </button>
        </div>
      </form>
    </Section>
  );
}

function ExtendDialog({ request, onClose, onDone }: { request: AvgRequestView; onClose: () => void; onDone: () => void }) {
  const { t, formatDate } = useI18n();
  const toast = useToast();
  const [reason, setReason] = useState('');
  const [actor, setActor, rememberActor] = useActor();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (reason.trim().length < 5) {
      setError(t('avg.reasonRequired'));
      return;
    }
    if (!actor.trim()) {
      setError(t('privacy.actorRequired'));
      return;
    }
    setBusy(true);
    setError(null);
    rememberActor();
    try {
      const r = await invoke('avg.extendRequest', { id: request.id, reason, actor });
      toast.show(t('avg.extendedDone', { date: formatDate(r.dueOn) }));
      onDone();
      onClose();
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dialog
      title={t('avg.extend')}
      onClose={onClose}
      initialFocus="avg-extend-reason"
      footer={<DialogFooter form="avg-extend-form" onCancel={onClose} label={t('avg.extendSubmit')} busyLabel={t('avg.extendSubmit')} busy={busy} />}
    >
      <form id="avg-extend-form" className="form" onSubmit={(e) => void submit(e)} noValidate>
        <FormError message={error} />
        <p>{t('avg.extendText', { date: formatDate(request.deadlineOn) })}</p>
        <TextAreaField id="avg-extend-reason" label={t('avg.extensionReason')} rows={3} value={reason} onChange={setReason} hint={t('avg.extendReasonHint')} />
        <ActorField id="avg-extend-actor" value={actor} onChange={setActor} />
      </form>
    </Dialog>
  );
}
