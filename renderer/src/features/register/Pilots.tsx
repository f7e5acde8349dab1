import { useEffect, useState, type FormEvent } from 'react';
import { errorMessage, invoke } from '../../app/api';
import { InteractionDialog } from './InteractionDialog';
import { Combobox, searchPeople, type Option } from '../../ui/Picker';
import { PilotPartners } from './PilotPartners';
import { PilotRoleSelect } from './PilotRoleSelect';
import { TimelineSection } from './Timeline';
import { DetailActions, DetailLoadState, EditFormActions, EmptyState, ErrorBox, Facts, Field, FormError, Loading, PageHeader, Section, TextAreaField, TextField, useFormSave, useToast } from '../../ui/ui';
import { PILOT_ROLE_LIST } from '../../app/constants';
import { useLoad } from '../../app/hooks';
import { pilotName, useI18n } from '../../app/i18n';
import { href, navigate } from '../../app/router';
import type { PilotDetail, PilotRole, PilotSummary } from '../../app/types';
import './register.css';

export function PilotsScreen() {
  const { t, tc, lang, formatNumber } = useI18n();
  const pilots = useLoad<PilotSummary[]>(() => invoke('pilots.list', {}), []);
  return (
    <div className="page">
      <PageHeader title={t('pilots.title')} subtitle={t('pilots.subtitle')} />
      <ErrorBox message={pilots.error} onRetry={pilots.reload} />
      {pilots.loading && !pilots.data ? <Loading /> : null}
      {pilots.data && pilots.data.length === 0 ? <EmptyState title={t('pilots.emptyTitle')} text={t('pilots.emptyText')} /> : null}
      <ul className="pilot-list">
        {(pilots.data ?? []).map((p) => (
          <li key={p.id}>
            <a className="card pilot-row" href={href(`/pilots/${p.id}`)}>
              <span className="pilot-row-main">
                <span className="pilot-card-title">{pilotName(p, lang)}</span>
                <span className="pilot-card-region">
                  {p.region}
                  {p.municipalities ? ` · ${p.municipalities}` : ''}
                </span>
              </span>
              <span className="pilot-row-meta">
                {p.phase ? <span className="badge">{p.phase}</span> : null}
                {p.contactName ? <span className="muted">{t('pilots.contact', { name: p.contactName })}</span> : null}
                <span className="muted">{tc('pilots.peopleCount', p.peopleCount, { count: formatNumber(p.peopleCount) })}</span>
              </span>
            </a>
          </li>
        ))}
      </ul>
    </div>
  );
}

export function PilotDetailScreen({ id }: { id: number }) {
  const { t, lang } = useI18n();
  const pilot = useLoad<PilotDetail>(() => invoke('pilots.get', { id }), [id]);
  const [logging, setLogging] = useState(false);

  if (!pilot.data) return <DetailLoadState loaded={pilot} title={t('pilot.title')} back={{ to: '/pilots', label: t('nav.pilots') }} />;
  const p = pilot.data;
  const otherName = lang === 'en' ? (p.nameEn && p.nameEn !== p.name ? p.name : null) : p.nameEn && p.nameEn !== p.name ? p.nameEn : null;

  return (
    <div className="page">
      <PageHeader
        back={{ to: '/pilots', label: t('nav.pilots') }}
        title={pilotName(p, lang)}
        subtitle={[p.region, p.municipalities, otherName].filter(Boolean).join(' · ')}
        actions={<DetailActions onLog={() => setLogging(true)} editPath={`/pilots/${id}/edit`} />}
      />
      <ErrorBox message={pilot.error} onRetry={pilot.reload} />
      <div className="detail-grid">
        <div className="detail-main">
          <Section title={t('pilot.about')}>
            <Facts
              items={[
                { label: t('field.region'), value: p.region },
                { label: t('pilot.municipalities'), value: p.municipalities },
                { label: t('pilot.phase'), value: p.phase },
                { label: t('pilot.contactName'), value: p.contactName },
              ]}
            />
            <TextBlock title={t('pilot.aim')} text={p.aim} />
            <TextBlock title={t('pilot.results')} text={p.results} />
            <TextBlock title={t('pilot.nextSteps')} text={p.nextSteps} />
          </Section>
          <PilotPartners pilotId={p.id} organisations={p.organisations} onChanged={pilot.reload} />
          <PilotPeople pilot={p} onChanged={pilot.reload} />
        </div>
        <div className="detail-side">
          <TimelineSection entries={p.interactions} onChanged={pilot.reload} onLog={() => setLogging(true)} context={{ type: 'pilot', id }} />
        </div>
      </div>
      {logging ? <InteractionDialog prefill={{ pilotIds: [p.id] }} onClose={() => setLogging(false)} onSaved={pilot.reload} /> : null}
    </div>
  );
}

function TextBlock({ title, text }: { title: string; text: string | null }) {
  const { t } = useI18n();
  return (
    <div className="text-block">
      <h3>{title}</h3>
      {text ? <p className="prewrap">{text}</p> : <p className="muted">{t('pilot.notFilled')}</p>}
    </div>
  );
}

function PilotPeople({ pilot, onChanged }: { pilot: PilotDetail; onChanged: () => void }) {
  const { t } = useI18n();
  const toast = useToast();
  const [adding, setAdding] = useState<Option | null>(null);
  const [role, setRole] = useState<PilotRole>('deelnemer');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const setPersonRole = async (personId: number, next: PilotRole | null, done: string) => {
    setBusy(true);
    setError(null);
    try {
      await invoke('pilots.setRole', { pilotId: pilot.id, personId, role: next });
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

  const sorted = [...pilot.people].sort((a, b) => PILOT_ROLE_LIST.indexOf(a.role) - PILOT_ROLE_LIST.indexOf(b.role) || a.name.localeCompare(b.name));

  return (
    <Section title={t('pilot.people')}>
      <ErrorBox message={error} />
      {sorted.length === 0 ? (
        <p className="muted">{t('pilot.noPeople')}</p>
      ) : (
        <ul className="role-list">
          {sorted.map((person) => (
            <li key={person.id} className="role-row">
              <span className="role-name">
                <a href={href(`/people/${person.id}`)} className="strong-link">
                  {person.name}
                </a>
                {person.organisationName ? <span className="muted"> · {person.organisationName}</span> : null}
              </span>
              <label className="visually-hidden" htmlFor={`pilot-role-${person.id}`}>
                {t('pilot.roleOf', { name: person.name })}
              </label>
              <PilotRoleSelect id={`pilot-role-${person.id}`} value={person.role} disabled={busy} onChange={(r) => void setPersonRole(person.id, r, t('person.roleChanged'))} />
              <button
                type="button"
                className="link-button"
                disabled={busy}
                onClick={() => void setPersonRole(person.id, null, t('pilot.personRemoved', { name: person.name }))}
                aria-label={t('pilot.removePerson', { name: person.name })}
              >
                {t('common.remove')}
              </button>
            </li>
          ))}
        </ul>
      )}
      <form
        className="inline-form"
        onSubmit={(e) => {
          e.preventDefault();
          if (!adding) return;
          void setPersonRole(adding.id, role, t('pilot.personAdded', { name: adding.label })).then((ok) => {
            if (ok) setAdding(null);
          });
        }}
      >
        <div className="field field-grow">
          {adding ? (
            <>
              <span className="field-label">{t('pilot.addPerson')}</span>
              <span className="chosen">
                <strong>{adding.label}</strong>
                <button type="button" className="link-button" onClick={() => setAdding(null)}>
                  {t('picker.changeShort')}
                </button>
              </span>
            </>
          ) : (
            <Combobox
              id="pilot-add-person"
              label={t('pilot.addPerson')}
              placeholder={t('picker.searchPeople')}
              search={searchPeople}
              exclude={pilot.people.map((x) => x.id)}
              onSelect={setAdding}
            />
          )}
        </div>
        <Field id="pilot-add-role" fieldClass="field-role" label={t('field.role')}>
          <PilotRoleSelect id="pilot-add-role" value={role} onChange={setRole} />
        </Field>
        <button type="submit" className="button" disabled={busy || !adding}>
          {t('common.add')}
        </button>
      </form>
    </Section>
  );
}

interface PilotForm {
  name: string;
  nameEn: string;
  region: string;
  municipalities: string;
  phase: string;
  aim: string;
  results: string;
  nextSteps: string;
  contactName: string;
}

export function PilotEditScreen({ id }: { id: number }) {
  const { t } = useI18n();
  const pilot = useLoad<PilotDetail>(() => invoke('pilots.get', { id }), [id]);
  if (pilot.loading || !pilot.data) return <DetailLoadState loaded={pilot} title={t('pilot.editTitle')} back={{ to: '/pilots', label: t('nav.pilots') }} />;
  const p = pilot.data;
  return (
    <PilotEditForm
      id={id}
      initial={{
        name: p.name,
        nameEn: p.nameEn ?? '',
        region: p.region,
        municipalities: p.municipalities,
        phase: p.phase ?? '',
        aim: p.aim ?? '',
        results: p.results ?? '',
        nextSteps: p.nextSteps ?? '',
        contactName: p.contactName ?? '',
      }}
    />
  );
}

function PilotEditForm({ id, initial }: { id: number; initial: PilotForm }) {
  const { t } = useI18n();
  const toast = useToast();
  const [form, setForm] = useState(initial);
  const { busy, error, issues, save } = useFormSave('pilot-form');
  const set = <K extends keyof PilotForm>(key: K, value: PilotForm[K]) => setForm((f) => ({ ...f, [key]: value }));

  useEffect(() => {
    document.getElementById('pilot-nextSteps')?.focus();
  }, []);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    await save(async () => {
      await invoke('pilots.save', { id, ...form });
      toast.show(t('pilot.saved'));
      navigate(`/pilots/${id}`);
    });
  };

  const area = (key: 'aim' | 'results' | 'nextSteps', label: string, hint?: string) => (
    <TextAreaField id={`pilot-${key}`} label={label} rows={5} value={form[key]} onChange={(v) => set(key, v)} error={issues.get(key)} hint={hint} />
  );

  return (
    <div className="page">
      <PageHeader title={t('pilot.editTitle')} back={{ to: `/pilots/${id}`, label: t('common.back') }} />
      <form id="pilot-form" className="form card form-card" onSubmit={(e) => void submit(e)} noValidate aria-label={t('pilot.editTitle')}>
        <FormError message={error} />
        <div className="form-row">
          <TextField id="pilot-name" label={t('pilot.name')} value={form.name} onChange={(v) => set('name', v)} error={issues.get('name')} />
          <TextField id="pilot-nameEn" label={t('pilot.nameEn')} value={form.nameEn} onChange={(v) => set('nameEn', v)} error={issues.get('nameEn')} />
        </div>
        <div className="form-row">
          <TextField id="pilot-region" label={t('field.region')} value={form.region} onChange={(v) => set('region', v)} error={issues.get('region')} />
          <TextField id="pilot-municipalities" label={t('pilot.municipalities')} value={form.municipalities} onChange={(v) => set('municipalities', v)} error={issues.get('municipalities')} />
        </div>
        <div className="form-row">
          <TextField id="pilot-phase" label={t('pilot.phase')} value={form.phase} onChange={(v) => set('phase', v)} error={issues.get('phase')} hint={t('pilot.phaseHint')} />
          <TextField id="pilot-contactName" label={t('pilot.contactName')} value={form.contactName} onChange={(v) => set('contactName', v)} error={issues.get('contactName')} hint={t('pilot.contactHint')} />
        </div>
        {area('aim', t('pilot.aim'))}
        {area('results', t('pilot.results'))}
        {area('nextSteps', t('pilot.nextSteps'), t('pilot.nextStepsHint'))}
        <EditFormActions cancelTo={`/pilots/${id}`} busy={busy} />
      </form>
    </div>
  );
}
