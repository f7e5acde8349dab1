import { useState } from 'react';
import { errorMessage, invoke } from '../../app/api';
import { pilotName, useI18n } from '../../app/i18n';
import { href } from '../../app/router';
import type { OrganisationKind } from '../../app/types';
import { Combobox, searchOrganisations, type Option } from '../../ui/Picker';
import { ErrorBox, Section, useToast } from '../../ui/ui';

/** One pilot–organisation partnership set or ended, with a toast; the error stays in the section. */
function usePartnership(onChanged: () => void) {
  const toast = useToast();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const set = async (pilotId: number, organisationId: number, partner: boolean, done: string) => {
    setBusy(true);
    setError(null);
    try {
      await invoke('pilots.setOrganisation', { pilotId, organisationId, partner });
      toast.show(done);
      onChanged();
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };
  return { busy, error, set };
}

interface Linked {
  id: number;
  name: string;
  detail?: string | null;
  to: string;
}

function PartnerList({ items, busy, removeLabel, onRemove }: { items: Linked[]; busy: boolean; removeLabel: (name: string) => string; onRemove: (item: Linked) => void }) {
  const { t } = useI18n();
  return (
    <ul className="role-list">
      {items.map((item) => (
        <li key={item.id} className="role-row">
          <span className="role-name">
            <a href={href(item.to)} className="strong-link">
              {item.name}
            </a>
            {item.detail ? <span className="muted"> · {item.detail}</span> : null}
          </span>
          <button type="button" className="link-button" disabled={busy} onClick={() => onRemove(item)} aria-label={removeLabel(item.name)}>
            {t('common.remove')}
          </button>
        </li>
      ))}
    </ul>
  );
}

/** The pilot page's partner organisations: add and remove. */
export function PilotPartners({ pilotId, organisations, onChanged }: {
  pilotId: number;
  organisations: { id: number; name: string; kind: OrganisationKind }[];
  onChanged: () => void;
}) {
  const { t } = useI18n();
  const { busy, error, set } = usePartnership(onChanged);
  return (
    <Section title={t('pilot.organisations')}>
      <ErrorBox message={error} />
      {organisations.length === 0 ? (
        <p className="muted">{t('pilot.noOrganisations')}</p>
      ) : (
        <PartnerList
          items={organisations.map((o) => ({ id: o.id, name: o.name, detail: t(`kind.${o.kind}`), to: `/organisations/${o.id}` }))}
          busy={busy}
          removeLabel={(name) => t('partner.removeOrganisation', { name })}
          onRemove={(o) => void set(pilotId, o.id, false, t('partner.removed', { name: o.name }))}
        />
      )}
      <div className="inline-form">
        <div className="field field-grow">
          <Combobox
            id="pilot-add-organisation"
            label={t('partner.addOrganisation')}
            placeholder={t('partner.searchOrganisations')}
            search={searchOrganisations}
            exclude={organisations.map((o) => o.id)}
            onSelect={(o: Option) => void set(pilotId, o.id, true, t('partner.added', { name: o.label }))}
          />
        </div>
      </div>
    </Section>
  );
}

/** The organisation page's pilots it is a partner in: add and remove. */
export function OrganisationPilots({ organisationId, pilots, onChanged }: {
  organisationId: number;
  pilots: { id: number; name: string }[];
  onChanged: () => void;
}) {
  const { t, lang } = useI18n();
  const { busy, error, set } = usePartnership(onChanged);
  const searchPilots = async (query: string): Promise<Option[]> => {
    const all = await invoke('pilots.list', {});
    const q = query.trim().toLowerCase();
    return all.map((p) => ({ id: p.id, label: pilotName(p, lang), detail: p.region }))
      .filter((p) => !q || p.label.toLowerCase().includes(q) || (p.detail ?? '').toLowerCase().includes(q));
  };
  return (
    <Section title={t('organisation.pilots')}>
      <ErrorBox message={error} />
      {pilots.length === 0 ? (
        <p className="muted">{t('partner.noPilots')}</p>
      ) : (
        <PartnerList
          items={pilots.map((p) => ({ id: p.id, name: p.name, to: `/pilots/${p.id}` }))}
          busy={busy}
          removeLabel={(name) => t('partner.removePilot', { name })}
          onRemove={(p) => void set(p.id, organisationId, false, t('partner.removedFromPilot', { name: p.name }))}
        />
      )}
      <div className="inline-form">
        <div className="field field-grow">
          <Combobox
            id="organisation-add-pilot"
            label={t('partner.addPilot')}
            placeholder={t('partner.searchPilots')}
            search={searchPilots}
            exclude={pilots.map((p) => p.id)}
            onSelect={(p: Option) => void set(p.id, organisationId, true, t('partner.addedToPilot', { name: p.label }))}
          />
        </div>
      </div>
    </Section>
  );
}
