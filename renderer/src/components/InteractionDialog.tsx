import { useState, type FormEvent } from 'react';
import type { InteractionKind, PilotSummary } from '../types';
import { ApiError, errorMessage, invoke } from '../api';
import { useLoad } from '../hooks';
import { INTERACTION_KIND_LIST } from '../constants';
import { pilotName, useI18n } from '../i18n';
import { Dialog, DialogFooter } from './Dialog';
import { MultiPicker, searchOrganisations, searchPeople, type Option } from './Picker';
import { describe, FieldError, FormError, issuesByPath, SegmentedField, useProblemFocus, useToast } from './ui';

export interface InteractionPrefill {
  people?: Option[];
  organisations?: Option[];
  pilotIds?: number[];
}

function today(): string {
  const d = new Date();
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** "Contactmoment vastleggen": kind, date, summary and who/what it was about. */
export function InteractionDialog({ prefill, onClose, onSaved }: { prefill?: InteractionPrefill; onClose: () => void; onSaved: () => void }) {
  const { t, lang } = useI18n();
  const toast = useToast();
  const [kind, setKind] = useState<InteractionKind>('meeting');
  const [occurredOn, setOccurredOn] = useState(today());
  const [summary, setSummary] = useState('');
  const [people, setPeople] = useState<Option[]>(prefill?.people ?? []);
  const [organisations, setOrganisations] = useState<Option[]>(prefill?.organisations ?? []);
  const [pilotIds, setPilotIds] = useState<number[]>(prefill?.pilotIds ?? []);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [issues, setIssues] = useState<Map<string, string>>(new Map());
  const focusProblem = useProblemFocus('interaction-form');
  const pilots = useLoad<PilotSummary[]>(() => invoke('pilots.list', {}), []);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const local = new Map<string, string>();
    if (!summary.trim()) local.set('summary', t('interaction.summaryRequired'));
    if (!/^\d{4}-\d{2}-\d{2}$/.test(occurredOn)) local.set('occurredOn', t('interaction.dateRequired'));
    if (local.size > 0) {
      setIssues(local);
      setError(null);
      focusProblem();
      return;
    }
    setBusy(true);
    try {
      await invoke('interactions.create', {
        kind,
        occurredOn,
        summary,
        personIds: people.map((p) => p.id),
        organisationIds: organisations.map((o) => o.id),
        pilotIds,
      });
      toast.show(t('interaction.saved'));
      onSaved();
      onClose();
    } catch (err) {
      setIssues(err instanceof ApiError ? issuesByPath(err.issues) : new Map());
      setError(errorMessage(err));
      focusProblem();
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dialog
      title={t('interaction.log')}
      onClose={onClose}
      wide
      initialFocus="interaction-summary"
      footer={<DialogFooter form="interaction-form" onCancel={onClose} label={t('common.save')} busy={busy} />}
    >
      <form id="interaction-form" className="form" onSubmit={submit} noValidate>
        <FormError message={error} />
        <SegmentedField legend={t('interaction.kind')} name="interaction-kind" options={INTERACTION_KIND_LIST} value={kind} onChange={setKind} label={(k) => t(`interaction.${k}`)} />
        <div className="field field-narrow">
          <label className="field-label" htmlFor="interaction-date">
            {t('interaction.date')}
          </label>
          <input
            id="interaction-date"
            type="date"
            value={occurredOn}
            onChange={(e) => setOccurredOn(e.target.value)}
            required
            {...describe('interaction-date', issues.get('occurredOn'))}
          />
          <FieldError id="interaction-date-error" message={issues.get('occurredOn')} />
        </div>
        <div className="field">
          <label className="field-label" htmlFor="interaction-summary">
            {t('interaction.summary')}
          </label>
          <textarea
            id="interaction-summary"
            rows={4}
            value={summary}
            onChange={(e) => setSummary(e.target.value)}
            placeholder={t('interaction.summaryPlaceholder')}
            required
            {...describe('interaction-summary', issues.get('summary'))}
          />
          <FieldError id="interaction-summary-error" message={issues.get('summary')} />
        </div>
        <div className="field">
          <MultiPicker id="interaction-people" label={t('interaction.people')} selected={people} onChange={setPeople} search={searchPeople} placeholder={t('picker.searchPeople')} />
        </div>
        <div className="field">
          <MultiPicker
            id="interaction-organisations"
            label={t('interaction.organisations')}
            selected={organisations}
            onChange={setOrganisations}
            search={searchOrganisations}
            placeholder={t('picker.searchOrganisations')}
          />
        </div>
        <fieldset className="field">
          <legend className="field-label">{t('interaction.pilots')}</legend>
          <div className="checkbox-list">
            {(pilots.data ?? []).map((p) => (
              <label key={p.id} className="checkbox">
                <input
                  type="checkbox"
                  checked={pilotIds.includes(p.id)}
                  onChange={(e) => setPilotIds(e.target.checked ? [...pilotIds, p.id] : pilotIds.filter((id) => id !== p.id))}
                />
                {pilotName(p, lang)}
              </label>
            ))}
          </div>
        </fieldset>
      </form>
    </Dialog>
  );
}
