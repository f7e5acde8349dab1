import { useState, type FormEvent } from 'react';
import type { RetentionResult, RetentionReview, RetentionSettings } from '../../../../electron/commands/contract';
import { errorMessage, invoke } from '../../app/api';
import { Dialog, DialogFooter } from '../../ui/Dialog';
import { BackupCopies, confirmWord } from './EraseDialog';
import { ActorField, useActor } from './privacy';
import { EmptyState, ErrorBox, FormError, Loading, PageHeader, Section, TextField, useToast } from '../../ui/ui';
import { useLoad } from '../../app/hooks';
import { useI18n } from '../../app/i18n';
import { href } from '../../app/router';

/** Instellingen → Bewaartermijnen: the programme's end date and how long data is kept. */
export function RetentionSettingsSection() {
  const { t } = useI18n();
  const settings = useLoad<RetentionSettings>(() => invoke('retention.getSettings', {}), []);
  return (
    <Section id="retention" title={t('retention.title')}>
      <ErrorBox message={settings.error} onRetry={settings.reload} />
      {settings.loading && !settings.data ? <Loading /> : null}
      {settings.data ? <RetentionForm initial={settings.data} /> : null}
    </Section>
  );
}

function RetentionForm({ initial }: { initial: RetentionSettings }) {
  const { t } = useI18n();
  const toast = useToast();
  const [end, setEnd] = useState(initial.programmeEndDate);
  const [people, setPeople] = useState(String(initial.peopleMonths));
  const [requests, setRequests] = useState(String(initial.requestsMonths));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const save = async (event: FormEvent) => {
    event.preventDefault();
    const p = Number(people);
    const r = Number(requests);
    if (!/^\d{4}-\d{2}-\d{2}$/.test(end) || !Number.isInteger(p) || !Number.isInteger(r) || p < 1 || r < 1 || p > 240 || r > 240) {
      setError(t('retention.invalid'));
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await invoke('retention.saveSettings', { programmeEndDate: end, peopleMonths: p, requestsMonths: r });
      toast.show(t('retention.saved'));
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="form" onSubmit={(e) => void save(e)} noValidate>
      <p className="muted">{t('retention.intro')}</p>
      <ErrorBox message={error} />
      <div className="form-row form-row-3">
        <TextField id="retention-end" label={t('retention.programmeEnd')} type="date" value={end} onChange={setEnd} />
        <TextField id="retention-people" label={t('retention.peopleMonths')} type="number" min={1} max={240} value={people} onChange={setPeople} hint={t('retention.peopleHint')} />
        <TextField id="retention-requests" label={t('retention.requestsMonths')} type="number" min={1} max={240} value={requests} onChange={setRequests} hint={t('retention.requestsHint')} />
      </div>
      <div className="form-actions form-actions-split">
        <a href={href('/avg/retention')}>{t('retention.reviewLink')}</a>
        <button type="submit" className="button button-primary" disabled={busy}>
          {busy ? t('common.saving') : t('common.save')}
        </button>
      </div>
    </form>
  );
}

/** "Bewaartermijnen nakijken": a dry run of who the periods would remove; select and erase. */
export function RetentionReviewScreen() {
  const { t, tc, formatDate, formatNumber } = useI18n();
  const review = useLoad<RetentionReview>(() => invoke('retention.review', {}), []);
  const [selected, setSelected] = useState<Set<number>>(new Set());
  const [deleteRequests, setDeleteRequests] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const [result, setResult] = useState<RetentionResult | null>(null);

  const r = review.data;
  const all = r?.people ?? [];
  const allSelected = all.length > 0 && all.every((p) => selected.has(p.personId));
  const toggle = (id: number, on: boolean) =>
    setSelected((s) => {
      const next = new Set(s);
      if (on) next.add(id);
      else next.delete(id);
      return next;
    });

  return (
    <div className="page">
      <PageHeader back={{ to: '/avg', label: t('nav.avg') }} title={t('retention.reviewTitle')} subtitle={t('retention.reviewSubtitle')} />
      <ErrorBox message={review.error} onRetry={review.reload} />
      {review.loading && !r ? <Loading /> : null}
      {result ? (
        <div className="alert alert-success" role="status" data-testid="retention-result">
          <p>
            <strong>{tc('retention.erased', result.erased.length, { count: formatNumber(result.erased.length) })}</strong>
          </p>
          {result.skipped.length ? <p>{tc('retention.skipped', result.skipped.length, { count: formatNumber(result.skipped.length) })}</p> : null}
          {result.requestsDeleted ? <p>{tc('retention.requestsDeleted', result.requestsDeleted, { count: formatNumber(result.requestsDeleted) })}</p> : null}
          <BackupCopies backups={result.backups} />
        </div>
      ) : null}
      {r ? (
        <>
          <Section title={t('retention.rules')} actions={<a href={href('/settings/retention')}>{t('retention.change')}</a>}>
            <ul className="plain-list rule-list">
              <li>{t(r.programmeEnded ? 'retention.programmeEnded' : 'retention.programmeRuns', { date: formatDate(r.settings.programmeEndDate) })}</li>
              <li>{t('retention.peopleRule', { months: String(r.settings.peopleMonths), date: formatDate(r.peopleCutoff) })}</li>
              <li>{t('retention.requestsRule', { months: String(r.settings.requestsMonths), date: formatDate(r.requestsCutoff) })}</li>
            </ul>
            <p className="hint">{t('retention.dryRun', { date: formatDate(r.asOf) })}</p>
          </Section>
          <Section title={tc('retention.candidates', all.length, { count: formatNumber(all.length) })}>
            {all.length === 0 ? (
              <EmptyState title={t('retention.noneTitle')} text={t('retention.noneText')} />
            ) : (
              <table className="table" aria-label={t('retention.candidatesLabel')}>
                <thead>
                  <tr>
                    <th scope="col" className="col-check">
                      <input
                        type="checkbox"
                        aria-label={t('retention.selectAll')}
                        checked={allSelected}
                        onChange={(e) => setSelected(e.target.checked ? new Set(all.map((p) => p.personId)) : new Set())}
                      />
                    </th>
                    <th scope="col">{t('field.name')}</th>
                    <th scope="col">{t('retention.added')}</th>
                    <th scope="col">{t('retention.lastContact')}</th>
                    <th scope="col">{t('retention.lastConsent')}</th>
                  </tr>
                </thead>
                <tbody>
                  {all.map((p) => (
                    <tr key={p.personId}>
                      <td className="col-check">
                        <input type="checkbox" aria-label={t('retention.select', { name: p.name })} checked={selected.has(p.personId)} onChange={(e) => toggle(p.personId, e.target.checked)} />
                      </td>
                      <td>
                        <a href={href(`/people/${p.personId}`)} className="strong-link">
                          {p.name}
                        </a>
                        {p.organisationName ? <span className="cell-sub">{p.organisationName}</span> : null}
                      </td>
                      <td>{formatDate(p.createdAt)}</td>
                      <td>{p.lastInteraction ? formatDate(p.lastInteraction) : <span className="muted">—</span>}</td>
                      <td>{p.lastConsentEvent ? formatDate(p.lastConsentEvent) : <span className="muted">—</span>}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
            {r.closedRequests > 0 ? (
              <label className="checkbox retention-requests">
                <input type="checkbox" checked={deleteRequests} onChange={(e) => setDeleteRequests(e.target.checked)} />
                {tc('retention.deleteRequests', r.closedRequests, { count: formatNumber(r.closedRequests), date: formatDate(r.requestsCutoff) })}
              </label>
            ) : null}
            <div className="form-actions">
              <button type="button" className="button button-danger" disabled={selected.size === 0 && !deleteRequests} onClick={() => setConfirming(true)}>
                {tc('retention.eraseSelected', selected.size, { count: formatNumber(selected.size) })}
              </button>
            </div>
          </Section>
        </>
      ) : null}
      {confirming && r ? (
        <ApplyDialog
          personIds={[...selected]}
          deleteRequests={deleteRequests}
          closedRequests={r.closedRequests}
          onClose={() => setConfirming(false)}
          onDone={(res) => {
            setConfirming(false);
            setResult(res);
            setSelected(new Set());
            setDeleteRequests(false);
            review.reload();
          }}
        />
      ) : null}
    </div>
  );
}

function ApplyDialog({
  personIds,
  deleteRequests,
  closedRequests,
  onClose,
  onDone,
}: {
  personIds: number[];
  deleteRequests: boolean;
  closedRequests: number;
  onClose: () => void;
  onDone: (result: RetentionResult) => void;
}) {
  const { t, tc, lang, formatNumber } = useI18n();
  const [typed, setTyped] = useState('');
  const [actor, setActor, rememberActor] = useActor();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const word = confirmWord(lang);

  const apply = async () => {
    if (!actor.trim()) {
      setError(t('privacy.actorRequired'));
      return;
    }
    setBusy(true);
    setError(null);
    rememberActor();
    try {
      onDone(await invoke('retention.apply', { personIds, deleteClosedRequests: deleteRequests, actor }));
    } catch (err) {
      setError(errorMessage(err));
      setBusy(false);
    }
  };

  return (
    <Dialog
      title={t('retention.confirmTitle')}
      onClose={onClose}
      initialFocus="retention-word"
      footer={<DialogFooter onCancel={onClose} onConfirm={() => void apply()} label={t('erase.submit')} busyLabel={t('erase.busy')} busy={busy} disabled={typed.trim().toUpperCase() !== word} danger />}
    >
      <FormError message={error} />
      <div className="alert alert-warning">
        {personIds.length ? <p>{tc('retention.confirmPeople', personIds.length, { count: formatNumber(personIds.length) })}</p> : null}
        {deleteRequests ? <p>{tc('retention.confirmRequests', closedRequests, { count: formatNumber(closedRequests) })}</p> : null}
        <p>{t('erase.warningText')}</p>
      </div>
      <TextField id="retention-word" fieldClass="erase-confirm" label={t('erase.typeWord', { word })} value={typed} onChange={setTyped} autoComplete="off" spellCheck={false} />
      <ActorField id="retention-actor" value={actor} onChange={setActor} />
    </Dialog>
  );
}
