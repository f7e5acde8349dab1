import { useState, type FormEvent } from 'react';
import type { AudienceSummary, SendingSettingsView } from '../../../../electron/commands/contract';
import { errorMessage, invoke } from '../../app/api';
import { useLoad } from '../../app/hooks';
import { useI18n } from '../../app/i18n';
import { navigate } from '../../app/router';
import './sending.css';
import { Dialog, DialogFooter } from '../../ui/Dialog';
import { FormError } from '../../ui/ui';

/** Confirms sending a ready edition: who gets it, through which mailbox, now or later. */
export function SendEditionDialog({ editionId, editionNumber, onClose }: { editionId: number; editionNumber: number; onClose: () => void }) {
  const { t, tc, formatNumber } = useI18n();
  const audience = useLoad<AudienceSummary>(() => invoke('newsletter.audience.summary', { editionId }), [editionId]);
  const settings = useLoad<SendingSettingsView>(() => invoke('sending.settings.get', {}), []);
  const [later, setLater] = useState(false);
  const [at, setAt] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    let scheduledAt: string | null = null;
    if (later) {
      const when = at ? new Date(at) : null;
      if (!when || Number.isNaN(when.getTime()) || when.getTime() <= Date.now()) {
        setError(t('send.atMissing'));
        return;
      }
      scheduledAt = when.toISOString();
    }
    setBusy(true);
    try {
      const job = await invoke('sending.jobs.create', { editionId, scheduledAt });
      navigate(`/sending/${job.id}`);
    } catch (err) {
      setError(errorMessage(err));
      setBusy(false);
    }
  };

  const test = settings.data?.mailbox === 'test';
  return (
    <Dialog
      title={t('send.dialogTitle', { n: String(editionNumber) })}
      onClose={onClose}
      initialFocus="send-confirm"
      footer={<DialogFooter id="send-confirm" form="send-edition-form" onCancel={onClose} label={later ? t('send.confirmLater') : t('send.confirm')} busy={busy} busyLabel={t('send.busy')} disabled={!settings.data || !audience.data} />}
    >
      <form id="send-edition-form" className="form" onSubmit={(e) => void submit(e)} noValidate>
        <FormError message={error ?? audience.error ?? settings.error} />
        <div className="send-audience" data-testid="send-audience">
          <span className="send-audience-label">{t('send.audience')}</span>
          <strong className="send-audience-count">{audience.data ? tc('send.audienceCount', audience.data.total, { count: formatNumber(audience.data.total) }) : '…'}</strong>
          {audience.data && audience.data.byList.length > 0 ? (
            <ul className="send-audience-lists">
              {audience.data.byList.map((l) => (
                <li key={l.listId}>
                  {l.name}: {formatNumber(l.count)}
                </li>
              ))}
            </ul>
          ) : null}
          <p className="hint">{t('send.audienceHint')}</p>
        </div>
        {settings.data ? (
          test ? (
            <div className="send-mailbox send-mailbox-test" data-testid="send-mailbox" data-mailbox="test">
              <strong>{t('send.testMailbox')}</strong>
              <p>{t('send.testMailboxText')}</p>
            </div>
          ) : (
            <div className="send-mailbox send-mailbox-smtp" data-testid="send-mailbox" data-mailbox="smtp">
              <strong>{t('send.smtpMailbox', { sender: settings.data.senderEmail || settings.data.host })}</strong>
              <p>{t('send.smtpMailboxText')}</p>
            </div>
          )
        ) : null}
        <fieldset className="field">
          <legend className="field-label">{t('send.when')}</legend>
          <label className="radio-block">
            <input type="radio" name="send-when" checked={!later} onChange={() => setLater(false)} />
            {t('send.now')}
          </label>
          <label className="radio-block">
            <input type="radio" name="send-when" checked={later} onChange={() => setLater(true)} />
            {t('send.later')}
          </label>
          {later ? (
            <div className="send-at">
              <label className="field-label" htmlFor="send-at">
                {t('send.at')}
              </label>
              <input id="send-at" type="datetime-local" value={at} onChange={(e) => setAt(e.target.value)} aria-describedby="send-at-hint" />
              <p className="hint" id="send-at-hint">
                {t('send.atHint')}
              </p>
            </div>
          ) : null}
        </fieldset>
      </form>
    </Dialog>
  );
}
