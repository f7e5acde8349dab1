import { useState } from 'react';
import { errorMessage, invoke } from '../../app/api';
import { ConsentSection, PrivacySection } from '../consent/ConsentSection';
import { ConfirmDialog } from '../../ui/Dialog';
import { InteractionDialog } from './InteractionDialog';
import { PilotRoleSelect } from './PilotRoleSelect';
import { TimelineSection } from './Timeline';
import { Chip, DetailActions, DetailLoadState, ErrorBox, Facts, Field, PageHeader, Section, useToast } from '../../ui/ui';
import { useConfirmAction, useLoad } from '../../app/hooks';
import { pilotName, useI18n } from '../../app/i18n';
import { href, navigate } from '../../app/router';
import type { PersonDetail, PilotRole, PilotSummary } from '../../app/types';

export function PersonDetailScreen({ id }: { id: number }) {
  const { t, formatDateTime } = useI18n();
  const toast = useToast();
  const person = useLoad<PersonDetail>(() => invoke('people.get', { id }), [id]);
  const [logging, setLogging] = useState(false);
  const deletion = useConfirmAction();

  if (!person.data) return <DetailLoadState loaded={person} title={t('person.title')} back={{ to: '/people', label: t('nav.people') }} />;
  const p = person.data;

  const remove = () =>
    deletion.run(async () => {
      await invoke('people.delete', { id });
      toast.show(t('person.deleted', { name: p.name }));
      navigate('/people');
    });

  const subtitle = [p.jobTitle, p.organisationName].filter(Boolean).length ? (
    <>
      {p.jobTitle}
      {p.jobTitle && p.organisationId ? ' · ' : ''}
      {p.organisationId ? <a href={href(`/organisations/${p.organisationId}`)}>{p.organisationName}</a> : null}
    </>
  ) : undefined;

  return (
    <div className="page">
      <PageHeader
        back={{ to: '/people', label: t('nav.people') }}
        title={
          <>
            {p.name}
            {p.isDemo ? <span className="badge badge-demo">{t('person.demo')}</span> : null}
          </>
        }
        subtitle={subtitle}
        actions={<DetailActions onLog={() => setLogging(true)} editPath={`/people/${id}/edit`} onDelete={deletion.ask} />}
      />
      <ErrorBox message={person.error} onRetry={person.reload} />
      <div className="detail-grid">
        <div className="detail-main">
          <Section title={t('person.details')}>
            <Facts
              items={[
                {
                  label: t('field.emails'),
                  wide: p.emails.length > 1,
                  value: p.emails.length ? (
                    <ul className="plain-list">
                      {p.emails.map((e) => (
                        <li key={e.email}>
                          <a href={`mailto:${e.email}`}>{e.email}</a>
                          {e.primary && p.emails.length > 1 ? <span className="badge badge-quiet">{t('field.primary')}</span> : null}
                        </li>
                      ))}
                    </ul>
                  ) : null,
                },
                { label: t('field.phone'), value: p.phone ? <a href={`tel:${p.phone.replace(/\s+/g, '')}`}>{p.phone}</a> : null },
                {
                  label: t('field.organisation'),
                  value: p.organisationId ? <a href={href(`/organisations/${p.organisationId}`)}>{p.organisationName}</a> : null,
                },
                { label: t('field.jobTitle'), value: p.jobTitle },
                { label: t('field.language'), value: t(`language.${p.language}`) },
                { label: t('field.owner'), value: p.owner },
                {
                  label: t('field.tags'),
                  value: p.tags.length ? (
                    <span className="chips">
                      {p.tags.map((tag) => (
                        <Chip key={tag}>{tag}</Chip>
                      ))}
                    </span>
                  ) : null,
                },
                { label: t('field.power'), value: p.power === null ? null : <Score value={p.power} /> },
                { label: t('field.interest'), value: p.interest === null ? null : <Score value={p.interest} /> },
              ]}
            />
            {p.notes ? (
              <div className="notes">
                <h3>{t('field.notes')}</h3>
                <p className="prewrap">{p.notes}</p>
              </div>
            ) : null}
            <p className="hint">{t('person.updatedAt', { date: formatDateTime(p.updatedAt) })}</p>
          </Section>
          <ConsentSection personId={id} />
          <PersonPilots person={p} onChanged={person.reload} />
        </div>
        <div className="detail-side">
          <TimelineSection entries={p.interactions} onChanged={person.reload} onLog={() => setLogging(true)} context={{ type: 'person', id }} />
          <PrivacySection personId={id} name={p.name} />
        </div>
      </div>
      {logging ? (
        <InteractionDialog
          prefill={{
            people: [{ id: p.id, label: p.name }],
            organisations: p.organisationId ? [{ id: p.organisationId, label: p.organisationName ?? '' }] : [],
            pilotIds: [],
          }}
          onClose={() => setLogging(false)}
          onSaved={person.reload}
        />
      ) : null}
      {deletion.open ? (
        <ConfirmDialog
          title={t('person.deleteTitle')}
          message={
            <>
              <p>{t('person.deleteText', { name: p.name })}</p>
              <p className="muted">{t('person.deleteNote')}</p>
            </>
          }
          confirmLabel={t('person.deleteConfirm')}
          danger
          busy={deletion.busy}
          error={deletion.error}
          onConfirm={() => void remove()}
          onCancel={deletion.cancel}
        />
      ) : null}
    </div>
  );
}

function Score({ value }: { value: number }) {
  const { t } = useI18n();
  return (
    <span className="score" role="img" aria-label={t('score.label', { value: String(value) })}>
      {[1, 2, 3, 4, 5].map((n) => (
        <span key={n} className={n <= value ? 'score-pip on' : 'score-pip'} aria-hidden="true" />
      ))}
      <span className="score-value" aria-hidden="true">
        {value}/5
      </span>
    </span>
  );
}

function PersonPilots({ person, onChanged }: { person: PersonDetail; onChanged: () => void }) {
  const { t, lang } = useI18n();
  const toast = useToast();
  const pilots = useLoad<PilotSummary[]>(() => invoke('pilots.list', {}), []);
  const [pilotId, setPilotId] = useState('');
  const [role, setRole] = useState<PilotRole>('deelnemer');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const setPilotRole = async (id: number, next: PilotRole | null, done: string) => {
    setBusy(true);
    setError(null);
    try {
      await invoke('pilots.setRole', { pilotId: id, personId: person.id, role: next });
      toast.show(done);
      onChanged();
      return true;
    } catch (err) {
      setError(errorMessage(err));
      return false;
    } finally {
      setBusy(false);
    }
  };

  const available = (pilots.data ?? []).filter((p) => !person.pilots.some((x) => x.pilotId === p.id));
  const nameOf = (id: number, fallback: string) => {
    const found = pilots.data?.find((p) => p.id === id);
    return found ? pilotName(found, lang) : fallback;
  };

  return (
    <Section title={t('person.pilots')}>
      <ErrorBox message={error} />
      {person.pilots.length === 0 ? (
        <p className="muted">{t('person.noPilots')}</p>
      ) : (
        <ul className="role-list">
          {person.pilots.map((pp) => {
            const name = nameOf(pp.pilotId, pp.name);
            return (
              <li key={pp.pilotId} className="role-row">
                <a href={href(`/pilots/${pp.pilotId}`)} className="role-name">
                  {name}
                </a>
                <label className="visually-hidden" htmlFor={`role-${pp.pilotId}`}>
                  {t('person.roleIn', { pilot: name })}
                </label>
                <PilotRoleSelect id={`role-${pp.pilotId}`} value={pp.role} disabled={busy} onChange={(r) => void setPilotRole(pp.pilotId, r, t('person.roleChanged'))} />
                <button
                  type="button"
                  className="link-button"
                  disabled={busy}
                  onClick={() => void setPilotRole(pp.pilotId, null, t('person.removedFromPilot', { pilot: name }))}
                  aria-label={t('person.removeFromPilot', { pilot: name })}
                >
                  {t('common.remove')}
                </button>
              </li>
            );
          })}
        </ul>
      )}
      {available.length > 0 ? (
        <form
          className="inline-form"
          onSubmit={(e) => {
            e.preventDefault();
            if (!pilotId) return;
            void setPilotRole(Number(pilotId), role, t('person.addedToPilot')).then((ok) => {
              if (ok) setPilotId('');
            });
          }}
        >
          <Field id="add-pilot" label={t('person.addToPilot')}>
            <select id="add-pilot" value={pilotId} onChange={(e) => setPilotId(e.target.value)}>
              <option value="">{t('person.choosePilot')}</option>
              {available.map((p) => (
                <option key={p.id} value={p.id}>
                  {pilotName(p, lang)}
                </option>
              ))}
            </select>
          </Field>
          <Field id="add-pilot-role" fieldClass="field-role" label={t('field.role')}>
            <PilotRoleSelect id="add-pilot-role" value={role} onChange={setRole} />
          </Field>
          <button type="submit" className="button" disabled={busy || !pilotId}>
            {t('common.add')}
          </button>
        </form>
      ) : null}
      {pilots.error ? <ErrorBox message={pilots.error} onRetry={pilots.reload} /> : null}
    </Section>
  );
}
