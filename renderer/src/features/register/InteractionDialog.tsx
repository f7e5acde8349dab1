import { useState, type FormEvent } from 'react';
import type { InteractionKind, PilotSummary } from '../../app/types';
import { invoke } from '../../app/api';
import { useLoad } from '../../app/hooks';
import { INTERACTION_KIND_LIST } from '../../app/constants';
import { pilotName, useI18n } from '../../app/i18n';
import { Dialog, DialogFooter } from '../../ui/Dialog';
import { MultiPicker, searchOrganisations, searchPeople, type Option } from '../../ui/Picker';
import { FormError, SegmentedField, TextAreaField, TextField, useFormSave, useToast } from '../../ui/ui';

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
  const { busy, error, issues, refuse, save } = useFormSave('interaction-form');
  const pilots = useLoad<PilotSummary[]>(() => invoke('pilots.list', {}), []);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const local = new Map<string, string>();
    if (!summary.trim()) local.set('summary', t('interaction.summaryRequired'));
    if (!/^\d{4}-\d{2}-\d{2}$/.test(occurredOn)) local.set('occurredOn', t('interaction.dateRequired'));
    if (refuse(local, { message: null })) return;
    await save(async () => {
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
    });
  };

  return (
    <Dialog
      title={t('interaction.log')}
      onClose={onClose}
      wide
      initialFocus="interaction-summary"
      footer={<DialogFooter form="interaction-form" onCancel={onClose} label={t('common.save')} busy={busy} />}
    >
      <form id="interaction-form" className="form" onSubmit={(e) => void submit(e)} noValidate>
        <FormError message={error} />
        <SegmentedField legend={t('interaction.kind')} name="interaction-kind" options={INTERACTION_KIND_LIST} value={kind} onChange={setKind} label={(k) => t(`interaction.${k}`)} />
        <TextField
          id="interaction-date"
          fieldClass="field-narrow"
          label={t('interaction.date')}
          type="date"
          value={occurredOn}
          onChange={setOccurredOn}
          required
          error={issues.get('occurredOn')}
        />
        <TextAreaField
          id="interaction-summary"
          label={t('interaction.summary')}
          rows={4}
          value={summary}
          onChange={setSummary}
          placeholder={t('interaction.summaryPlaceholder')}
          required
          error={issues.get('summary')}
        />
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
