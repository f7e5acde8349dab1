import { useEffect, useState, type FormEvent } from 'react';
import type {
  BulkSubscribeResult,
  ConsentMethod,
  MailingListDetail,
  MailingListSummary,
  SubscriptionView,
  SuppressionReason,
  UnsubscribeChannel,
} from '../../../../electron/commands/contract';
import { errorMessage, invoke } from '../../app/api';
import { useLoad } from '../../app/hooks';
import { useI18n } from '../../app/i18n';
import { Dialog, DialogFooter } from '../../ui/Dialog';
import { ActorField, CONSENT_METHOD_LIST, HAND_UNSUBSCRIBE_CHANNELS, localNow, localToIso, useActor, useRequiredActor } from './privacy';
import { ChoiceField, describe, Field, FieldError, FormError, SegmentedField, TextAreaField, TextField, useFormSave, useToast } from '../../ui/ui';

const CONFIRM_METHODS = ['email', 'website_form'] as const;

export type SubscribeTarget =
  | {
      kind: 'person';
      personId: number;
      name: string;
      suppression: { reason: SuppressionReason; since: string } | null;
      subscriptions: SubscriptionView[];
    }
  | { kind: 'many'; personIds: number[]; description: string };

interface ConsentForm {
  givenAt: string;
  method: ConsentMethod;
  purposeVersionId: string;
  evidenceText: string;
  evidenceFile: string;
  evidenceMessageId: string;
}

/**
 * "Aanmelden": adds one person or a batch to a mailing list. For a consent list the dialog records
 * the consent (when, how, the purpose text shown, evidence); for other lists it names the basis.
 */
export function SubscribeDialog({ target, onClose, onDone }: { target: SubscribeTarget; onClose: () => void; onDone: () => void }) {
  const { t, tc, lang, formatNumber, formatDateTime } = useI18n();
  const toast = useToast();
  const lists = useLoad<MailingListSummary[]>(() => invoke('lists.list', {}), []);
  const [listId, setListId] = useState<number | null>(null);
  const [detail, setDetail] = useState<MailingListDetail | null>(null);
  const [form, setForm] = useState<ConsentForm>({
    givenAt: localNow(),
    method: target.kind === 'many' ? 'import' : 'website_form',
    purposeVersionId: '',
    evidenceText: '',
    evidenceFile: '',
    evidenceMessageId: '',
  });
  const [fresh, setFresh] = useState(false);
  const [actor, setActor, rememberActor] = useActor();
  const [bulkResult, setBulkResult] = useState<BulkSubscribeResult | null>(null);
  const { busy, error, setError, issues, refuse, save } = useFormSave('subscribe-form');

  const active = new Set(target.kind === 'person' ? target.subscriptions.filter((s) => s.status !== 'unsubscribed').map((s) => s.listId) : []);
  const available = (lists.data ?? []).filter((l) => !l.archived);

  useEffect(() => {
    if (listId !== null || !available.length) return;
    const first = available.find((l) => !active.has(l.id) && l.language === lang) ?? available.find((l) => !active.has(l.id)) ?? available[0];
    if (first) setListId(first.id);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [lists.data]);

  useEffect(() => {
    if (listId === null) return;
    let live = true;
    setDetail(null);
    invoke('lists.get', { id: listId }).then(
      (d) => {
        if (!live) return;
        setDetail(d);
        setForm((f) => ({ ...f, purposeVersionId: d.purpose ? String(d.purpose.id) : '' }));
      },
      (err: unknown) => live && setError(errorMessage(err)),
    );
    return () => {
      live = false;
    };
  }, [listId]);

  const set = <K extends keyof ConsentForm>(key: K, value: ConsentForm[K]) => setForm((f) => ({ ...f, [key]: value }));
  const suppressed = target.kind === 'person' ? target.suppression : null;
  const needsConsent = detail?.lawfulBasis === 'consent' || (suppressed !== null && fresh);
  const chosenVersion = detail?.versions.find((v) => String(v.id) === form.purposeVersionId) ?? detail?.purpose ?? null;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const local = new Map<string, string>();
    if (!actor.trim()) local.set('actor', t('privacy.actorRequired'));
    if (needsConsent && !form.evidenceText.trim() && !form.evidenceFile.trim() && !form.evidenceMessageId.trim()) {
      local.set('consent.evidenceText', t('subscribe.evidenceRequired'));
    }
    if (suppressed && !fresh) local.set('fresh', t('subscribe.freshRequired'));
    if (refuse(local, { always: listId === null }) || listId === null) return;
    const consent = needsConsent
      ? {
          givenAt: localToIso(form.givenAt),
          method: form.method,
          purposeVersionId: form.purposeVersionId ? Number(form.purposeVersionId) : undefined,
          evidenceText: form.evidenceText,
          evidenceFile: form.evidenceFile,
          evidenceMessageId: form.evidenceMessageId,
        }
      : null;
    rememberActor();
    await save(async () => {
      if (target.kind === 'person') {
        const result = await invoke('consent.subscribe', {
          personId: target.personId,
          listId,
          consent,
          overrideSuppression: Boolean(suppressed && fresh),
          actor,
        });
        toast.show(result.status === 'pending' ? t('subscribe.donePending', { list: detail?.name ?? '' }) : t('subscribe.done', { list: detail?.name ?? '' }));
        onDone();
        onClose();
      } else {
        const result = await invoke('consent.subscribeMany', { personIds: target.personIds, listId, consent, actor, source: 'register' });
        setBulkResult(result);
        onDone();
      }
    });
  };

  if (bulkResult) {
    const r = bulkResult;
    return (
      <Dialog
        title={t('subscribe.bulkDoneTitle')}
        onClose={onClose}
        wide
        footer={
          <button type="button" className="button button-primary" onClick={onClose}>
            {t('common.close')}
          </button>
        }
      >
        <ul className="stat-grid stat-grid-small" data-testid="bulk-result">
          <li>
            <div className="stat">
              <span className="stat-value">{formatNumber(r.subscribed.length)}</span>
              <span className="stat-label">{t('subscribe.bulkSubscribed')}</span>
            </div>
          </li>
          <li>
            <div className="stat">
              <span className="stat-value">{formatNumber(r.pending.length)}</span>
              <span className="stat-label">{t('subscribe.bulkPending')}</span>
            </div>
          </li>
          <li>
            <div className="stat">
              <span className="stat-value">{formatNumber(r.alreadySubscribed.length)}</span>
              <span className="stat-label">{t('subscribe.bulkAlready')}</span>
            </div>
          </li>
          <li>
            <div className={r.suppressed.length ? 'stat stat-warn' : 'stat'}>
              <span className="stat-value">{formatNumber(r.suppressed.length)}</span>
              <span className="stat-label">{t('subscribe.bulkSuppressed')}</span>
            </div>
          </li>
          <li>
            <div className={r.noAddress.length ? 'stat stat-warn' : 'stat'}>
              <span className="stat-value">{formatNumber(r.noAddress.length)}</span>
              <span className="stat-label">{t('subscribe.bulkNoAddress')}</span>
            </div>
          </li>
        </ul>
        {r.suppressed.length ? (
          <div className="report-block">
            <h3>{t('subscribe.bulkSuppressedTitle')}</h3>
            <p className="muted">{t('subscribe.bulkSuppressedText')}</p>
            <ul className="problem-list">
              {r.suppressed.slice(0, 100).map((s) => (
                <li key={s.personId}>
                  <span>
                    <strong>{s.name}</strong> · {s.email}
                  </span>
                  <span className="muted">
                    {t(`suppression.${s.reason}`)} · {formatDateTime(s.since)}
                  </span>
                </li>
              ))}
            </ul>
          </div>
        ) : null}
        {r.noAddress.length ? (
          <div className="report-block">
            <h3>{t('subscribe.bulkNoAddressTitle')}</h3>
            <p>{r.noAddress.slice(0, 50).map((p) => p.name).join(', ')}{r.noAddress.length > 50 ? ' …' : ''}</p>
          </div>
        ) : null}
        <p className="hint">{t('subscribe.bulkBatch', { id: r.batchId.slice(0, 8) })}</p>
      </Dialog>
    );
  }

  return (
    <Dialog
      title={target.kind === 'person' ? t('subscribe.title', { name: target.name }) : t('subscribe.bulkTitle')}
      onClose={onClose}
      wide
      initialFocus="subscribe-list"
      footer={<DialogFooter form="subscribe-form" onCancel={onClose} label={target.kind === 'many' ? tc('subscribe.submitMany', target.personIds.length, { count: formatNumber(target.personIds.length) }) : t('subscribe.submit')} busy={busy} disabled={!detail} />}
    >
      <form id="subscribe-form" className="form" onSubmit={(e) => void submit(e)} noValidate>
        <FormError message={error} />
        {target.kind === 'many' ? <p className="subscribe-who">{target.description}</p> : null}
        <Field id="subscribe-list" label={t('subscribe.list')} error={lists.error ?? undefined}>
          <select id="subscribe-list" value={listId ?? ''} onChange={(e) => setListId(Number(e.target.value))}>
            {available.map((l) => (
              <option key={l.id} value={l.id}>
                {l.name}
                {active.has(l.id) ? ` (${t('subscribe.alreadyOn')})` : ''}
              </option>
            ))}
          </select>
        </Field>

        {suppressed ? (
          <div className="alert alert-warning">
            <p>{t('subscribe.suppressedWarning', { reason: t(`suppression.${suppressed.reason}`), date: formatDateTime(suppressed.since) })}</p>
            <label className="checkbox">
              <input type="checkbox" checked={fresh} onChange={(e) => setFresh(e.target.checked)} {...describe('subscribe-fresh', issues.get('fresh'))} id="subscribe-fresh" />
              {t('subscribe.freshConsent')}
            </label>
            <FieldError id="subscribe-fresh-error" message={issues.get('fresh')} />
          </div>
        ) : null}

        {detail && !needsConsent ? (
          <div className="basis-note" data-testid="basis-note">
            <p>
              <strong>{t('list.lawfulBasis')}:</strong> {t(`basis.${detail.lawfulBasis}`)}
            </p>
            <p className="muted">{t(`basis.${detail.lawfulBasis}.subscribe`)}</p>
          </div>
        ) : null}

        {detail && needsConsent ? (
          <fieldset className="form-section consent-fields">
            <legend>{t('subscribe.consentTitle')}</legend>
            <div className="form-row">
              <TextField id="consent-when" label={t('subscribe.when')} type="datetime-local" value={form.givenAt} onChange={(v) => set('givenAt', v)} />
              <ChoiceField id="consent-method" label={t('subscribe.how')} value={form.method} options={CONSENT_METHOD_LIST} optionLabel={(m) => t(`source.${m}`)} onChange={(v) => set('method', v)} />
            </div>
            <Field id="consent-version" label={t('subscribe.purposeShown')}>
              <select id="consent-version" value={form.purposeVersionId} onChange={(e) => set('purposeVersionId', e.target.value)}>
                {detail.versions.map((v) => (
                  <option key={v.id} value={v.id}>
                    {t('list.versionLabel', { version: String(v.version), date: formatDateTime(v.createdAt) })}
                    {v.id === detail.purpose?.id ? ` · ${t('list.current')}` : ''}
                  </option>
                ))}
              </select>
              {chosenVersion ? <blockquote className="purpose-text">{chosenVersion.text}</blockquote> : null}
            </Field>
            <TextAreaField
              id="consent-evidence"
              label={t('subscribe.evidenceText')}
              rows={3}
              value={form.evidenceText}
              onChange={(v) => set('evidenceText', v)}
              placeholder={t('subscribe.evidencePlaceholder')}
              error={issues.get('consent.evidenceText')}
            />
            <div className="form-row">
              <TextField id="consent-file" label={t('subscribe.evidenceFile')} value={form.evidenceFile} onChange={(v) => set('evidenceFile', v)} placeholder={t('subscribe.evidenceFilePlaceholder')} />
              <TextField id="consent-message" label={t('subscribe.evidenceMessageId')} value={form.evidenceMessageId} onChange={(v) => set('evidenceMessageId', v)} placeholder="<…@…>" />
            </div>
            <p className="hint">{t('subscribe.evidenceHint')}</p>
          </fieldset>
        ) : null}
        {detail?.doubleOptIn ? <p className="hint">{t('subscribe.doubleOptInHint')}</p> : null}
        <ActorField id="subscribe-actor" value={actor} onChange={setActor} error={issues.get('actor')} />
      </form>
    </Dialog>
  );
}

/**
 * "Afmelden": from one list or from everything (which also blocks every address for all mail).
 * Two clicks from the person page: the button, then "Afmelden" here.
 */
export function UnsubscribeDialog({
  personId,
  name,
  subscriptions,
  initialListId,
  objection: initialObjection = false,
  requestId,
  onClose,
  onDone,
}: {
  personId: number;
  name: string;
  subscriptions: SubscriptionView[];
  /** null: from everything */
  initialListId: number | null;
  objection?: boolean;
  requestId?: number;
  onClose: () => void;
  onDone: () => void;
}) {
  const { t } = useI18n();
  const toast = useToast();
  const activeLists = subscriptions.filter((s) => s.status !== 'unsubscribed');
  const [scope, setScope] = useState<string>(initialListId === null ? 'all' : String(initialListId));
  const [channel, setChannel] = useState<UnsubscribeChannel>('email');
  const [note, setNote] = useState('');
  const [objection, setObjection] = useState(initialObjection);
  const { actor, check: checkActor, field: actorField } = useRequiredActor('unsubscribe-actor');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!checkActor()) return;
    setBusy(true);
    setError(null);
    try {
      const result = await invoke('consent.unsubscribe', {
        personId,
        listId: scope === 'all' ? null : Number(scope),
        channel,
        note,
        objection,
        requestId: requestId ?? null,
        actor,
      });
      toast.show(
        scope === 'all'
          ? t('unsubscribe.doneAll', { name })
          : t('unsubscribe.doneList', { name, list: result.lists[0]?.listName ?? '' }),
      );
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
      title={t('unsubscribe.title', { name })}
      onClose={onClose}
      initialFocus="unsubscribe-submit"
      footer={<DialogFooter id="unsubscribe-submit" form="unsubscribe-form" onCancel={onClose} label={t('unsubscribe.submit')} busy={busy} />}
    >
      <form id="unsubscribe-form" className="form" onSubmit={(e) => void submit(e)} noValidate>
        <FormError message={error} />
        <fieldset className="field">
          <legend className="field-label">{t('unsubscribe.from')}</legend>
          {activeLists.map((s) => (
            <label key={s.listId} className="radio-block">
              <input type="radio" name="unsubscribe-scope" value={s.listId} checked={scope === String(s.listId)} onChange={() => setScope(String(s.listId))} />
              <span>{s.listName}</span>
            </label>
          ))}
          <label className="radio-block">
            <input type="radio" name="unsubscribe-scope" value="all" checked={scope === 'all'} onChange={() => setScope('all')} />
            <span>
              {t('unsubscribe.all')}
              <span className="hint block">{t('unsubscribe.allHint')}</span>
            </span>
          </label>
        </fieldset>
        <SegmentedField legend={t('unsubscribe.channel')} name="unsubscribe-channel" options={HAND_UNSUBSCRIBE_CHANNELS} value={channel} onChange={setChannel} label={(c) => t(`source.${c}`)} />
        <TextAreaField id="unsubscribe-note" label={t('unsubscribe.note')} rows={2} value={note} onChange={setNote} placeholder={t('unsubscribe.notePlaceholder')} />
        <label className="checkbox">
          <input type="checkbox" checked={objection} onChange={(e) => setObjection(e.target.checked)} />
          {t('unsubscribe.objection')}
        </label>
        <ActorField {...actorField} />
      </form>
    </Dialog>
  );
}

/** Records the double opt-in confirmation of a pending sign-up. */
export function ConfirmSignupDialog({
  personId,
  listId,
  listName,
  onClose,
  onDone,
}: {
  personId: number;
  listId: number;
  listName: string;
  onClose: () => void;
  onDone: () => void;
}) {
  const { t } = useI18n();
  const toast = useToast();
  const [when, setWhen] = useState(localNow());
  const [method, setMethod] = useState<'email' | 'website_form'>('email');
  const [evidenceText, setEvidenceText] = useState('');
  const [messageId, setMessageId] = useState('');
  const [actor, setActor, rememberActor] = useActor();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [actorError, setActorError] = useState<string | undefined>(undefined);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!actor.trim()) {
      setActorError(t('privacy.actorRequired'));
      return;
    }
    setBusy(true);
    setError(null);
    rememberActor();
    try {
      await invoke('consent.confirm', { personId, listId, confirmedAt: localToIso(when), method, evidenceText, evidenceMessageId: messageId, actor });
      toast.show(t('confirmSignup.done', { list: listName }));
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
      title={t('confirmSignup.title', { list: listName })}
      onClose={onClose}
      footer={<DialogFooter form="confirm-signup-form" onCancel={onClose} label={t('confirmSignup.submit')} busy={busy} />}
    >
      <form id="confirm-signup-form" className="form" onSubmit={(e) => void submit(e)} noValidate>
        <FormError message={error} />
        <p className="muted">{t('confirmSignup.text')}</p>
        <div className="form-row">
          <TextField id="confirm-when" label={t('confirmSignup.when')} type="datetime-local" value={when} onChange={setWhen} />
          <ChoiceField id="confirm-method" label={t('subscribe.how')} value={method} options={CONFIRM_METHODS} optionLabel={(m) => t(`source.${m}`)} onChange={setMethod} />
        </div>
        <TextAreaField id="confirm-evidence" label={t('subscribe.evidenceText')} rows={2} value={evidenceText} onChange={setEvidenceText} />
        <TextField id="confirm-message" label={t('subscribe.evidenceMessageId')} value={messageId} onChange={setMessageId} />
        <ActorField id="confirm-actor" value={actor} onChange={setActor} error={actorError} />
      </form>
    </Dialog>
  );
}
