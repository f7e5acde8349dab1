import { useEffect, useState, type FormEvent, type KeyboardEvent } from 'react';
import { invoke } from '../../app/api';
import { SinglePicker, searchOrganisations, type Option } from '../../ui/Picker';
import { Chip, ChoiceField, describe, DetailLoadState, EditFormActions, FieldError, Loading, PageHeader, TextAreaField, TextField, useFormSave, useToast } from '../../ui/ui';
import { LANGUAGE_LIST } from '../../app/constants';
import { useLoad } from '../../app/hooks';
import { useI18n } from '../../app/i18n';
import { href, navigate } from '../../app/router';
import type { Language, PersonDetail } from '../../app/types';

interface FormState {
  firstName: string;
  lastName: string;
  emails: { email: string; primary: boolean }[];
  phone: string;
  organisation: Option | null;
  jobTitle: string;
  language: Language;
  tags: string[];
  notes: string;
  owner: string;
  power: number | null;
  interest: number | null;
}

const BLANK: FormState = {
  firstName: '',
  lastName: '',
  emails: [{ email: '', primary: true }],
  phone: '',
  organisation: null,
  jobTitle: '',
  language: 'nl',
  tags: [],
  notes: '',
  owner: '',
  power: null,
  interest: null,
};

function fromPerson(p: PersonDetail): FormState {
  return {
    firstName: p.firstName,
    lastName: p.lastName,
    emails: p.emails.length ? p.emails.map((e) => ({ ...e })) : [{ email: '', primary: true }],
    phone: p.phone ?? '',
    organisation: p.organisationId ? { id: p.organisationId, label: p.organisationName ?? '' } : null,
    jobTitle: p.jobTitle ?? '',
    language: p.language,
    tags: [...p.tags],
    notes: p.notes ?? '',
    owner: p.owner ?? '',
    power: p.power,
    interest: p.interest,
  };
}

/** New person (id null) or edit an existing one. */
export function PersonEditScreen({ id, organisationId }: { id: number | null; organisationId?: number | null }) {
  const { t } = useI18n();
  const existing = useLoad<PersonDetail | null>(() => (id ? invoke('people.get', { id }) : Promise.resolve(null)), [id]);
  const prefillOrg = useLoad(
    () => (!id && organisationId ? invoke('organisations.get', { id: organisationId }) : Promise.resolve(null)),
    [id, organisationId],
  );

  if (prefillOrg.loading) return <Loading />;
  if (existing.loading || (id && !existing.data)) return <DetailLoadState loaded={existing} title={t('person.editTitle')} back={{ to: '/people', label: t('nav.people') }} />;
  const initial = existing.data
    ? fromPerson(existing.data)
    : { ...BLANK, organisation: prefillOrg.data ? { id: prefillOrg.data.id, label: prefillOrg.data.name } : null };
  return <PersonForm key={id ?? 'new'} id={id} initial={initial} />;
}

function PersonForm({ id, initial }: { id: number | null; initial: FormState }) {
  const { t } = useI18n();
  const toast = useToast();
  const [form, setForm] = useState<FormState>(initial);
  const { busy, error, issues, refuse, save } = useFormSave('person-form');
  const [tagDraft, setTagDraft] = useState('');
  const facets = useLoad(() => invoke('people.facets', {}), []);
  const set = <K extends keyof FormState>(key: K, value: FormState[K]) => setForm((f) => ({ ...f, [key]: value }));
  const back = id ? `/people/${id}` : '/people';

  useEffect(() => {
    document.getElementById('person-firstName')?.focus();
  }, []);

  const addTag = (raw: string) => {
    const parts = raw
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    if (parts.length === 0) return;
    setForm((f) => ({ ...f, tags: [...f.tags, ...parts.filter((p) => !f.tags.some((x) => x.toLowerCase() === p.toLowerCase()))] }));
    setTagDraft('');
  };

  const onTagKey = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === 'Enter' || event.key === ',') {
      event.preventDefault();
      addTag(tagDraft);
    } else if (event.key === 'Backspace' && tagDraft === '' && form.tags.length > 0) {
      set('tags', form.tags.slice(0, -1));
    }
  };

  const setEmail = (index: number, email: string) =>
    set(
      'emails',
      form.emails.map((e, i) => (i === index ? { ...e, email } : e)),
    );
  const setPrimary = (index: number) =>
    set(
      'emails',
      form.emails.map((e, i) => ({ ...e, primary: i === index })),
    );
  const removeEmail = (index: number) => {
    const next = form.emails.filter((_, i) => i !== index);
    if (next.length > 0 && !next.some((e) => e.primary)) next[0] = { ...next[0]!, primary: true };
    set('emails', next.length ? next : [{ email: '', primary: true }]);
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const local = new Map<string, string>();
    if (!form.firstName.trim() && !form.lastName.trim()) local.set('firstName', t('person.nameRequired'));
    if (refuse(local)) return;
    // Keep the rows the user filled in; indexes in server issues refer to this list.
    const kept = form.emails.map((e) => ({ email: e.email.trim(), primary: e.primary })).filter((e) => e.email !== '');
    if (kept.length > 0 && !kept.some((e) => e.primary)) kept[0]!.primary = true;
    const allTags = tagDraft.trim() ? [...form.tags, ...tagDraft.split(',').map((s) => s.trim()).filter(Boolean)] : form.tags;
    // Map indexes of the saved list back onto the rows on screen.
    const rowOf = new Map<number, number>();
    let k = 0;
    form.emails.forEach((e, i) => {
      if (e.email.trim() !== '') rowOf.set(k++, i);
    });
    const onScreen = (found: { path: string; message: string }[]) =>
      found.map((issue) => {
        const m = /^emails\.(\d+)(\..*)?$/.exec(issue.path);
        if (!m) return issue;
        const row = rowOf.get(Number(m[1]));
        return { ...issue, path: row === undefined ? 'emails' : `emails.${row}.email` };
      });
    await save(async () => {
      const saved = await invoke('people.save', {
        ...(id ? { id } : {}),
        firstName: form.firstName,
        lastName: form.lastName,
        emails: kept,
        phone: form.phone,
        organisationId: form.organisation?.id ?? null,
        jobTitle: form.jobTitle,
        language: form.language,
        tags: allTags,
        notes: form.notes,
        owner: form.owner,
        power: form.power,
        interest: form.interest,
      });
      toast.show(t('person.saved'));
      navigate(`/people/${saved.id}`);
    }, onScreen);
  };

  const known = new Set(['firstName', 'lastName', 'phone', 'organisationId', 'jobTitle', 'language', 'tags', 'notes', 'owner', 'power', 'interest']);
  const general = [...issues.entries()].filter(([path]) => !known.has(path) && !/^emails\.\d+\.email$/.test(path) && !path.startsWith('tags.'));
  const tagError = [...issues.entries()].filter(([path]) => path === 'tags' || path.startsWith('tags.')).map(([, m]) => m).join(' ') || undefined;

  return (
    <div className="page">
      <PageHeader title={id ? t('person.editTitle') : t('person.newTitle')} back={{ to: back, label: t('common.back') }} />
      <form id="person-form" className="form card form-card" onSubmit={(e) => void submit(e)} noValidate aria-label={id ? t('person.editTitle') : t('person.newTitle')}>
        {error ? (
          <div className="alert alert-error" role="alert">
            <p>{error}</p>
            {general.length > 0 ? (
              <ul>
                {general.map(([path, message]) => (
                  <li key={path}>{message}</li>
                ))}
              </ul>
            ) : null}
          </div>
        ) : null}

        <fieldset className="form-section">
          <legend>{t('person.sectionName')}</legend>
          <div className="form-row">
            <TextField id="person-firstName" label={t('field.firstName')} value={form.firstName} onChange={(v) => set('firstName', v)} error={issues.get('firstName')} autoComplete="off" />
            <TextField id="person-lastName" label={t('field.lastName')} value={form.lastName} onChange={(v) => set('lastName', v)} error={issues.get('lastName')} hint={t('person.lastNameHint')} autoComplete="off" />
          </div>
        </fieldset>

        <fieldset className="form-section">
          <legend>{t('person.sectionContact')}</legend>
          <div className="field">
            <span className="field-label" id="emails-label">
              {t('field.emails')}
            </span>
            <div className="email-rows" role="group" aria-labelledby="emails-label">
              {form.emails.map((e, i) => {
                const fieldId = `person-email-${i}`;
                const err = issues.get(`emails.${i}.email`);
                return (
                  <div key={i} className="email-row">
                    <div className="email-input">
                      <label htmlFor={fieldId} className="visually-hidden">
                        {t('person.emailN', { n: String(i + 1) })}
                      </label>
                      <input id={fieldId} type="email" value={e.email} onChange={(ev) => setEmail(i, ev.target.value)} autoComplete="off" {...describe(fieldId, err)} />
                      <FieldError id={`${fieldId}-error`} message={err} />
                    </div>
                    <label className="radio-inline">
                      <input type="radio" name="primary-email" checked={e.primary} onChange={() => setPrimary(i)} />
                      {t('field.primary')}
                    </label>
                    {form.emails.length > 1 || e.email ? (
                      <button type="button" className="link-button" onClick={() => removeEmail(i)} aria-label={t('person.removeEmail', { n: String(i + 1) })}>
                        {t('common.remove')}
                      </button>
                    ) : (
                      <span className="email-spacer" />
                    )}
                  </div>
                );
              })}
            </div>
            <FieldError id="emails-error" message={issues.get('emails')} />
            {form.emails.length < 10 ? (
              <button type="button" className="button button-small button-quiet" onClick={() => set('emails', [...form.emails, { email: '', primary: false }])}>
                {t('person.addEmail')}
              </button>
            ) : null}
          </div>
          <div className="form-row">
            <TextField id="person-phone" label={t('field.phone')} type="tel" value={form.phone} onChange={(v) => set('phone', v)} error={issues.get('phone')} />
            <ChoiceField
              id="person-language"
              label={t('field.language')}
              value={form.language}
              options={LANGUAGE_LIST}
              optionLabel={(l) => t(`language.${l}`)}
              onChange={(v) => set('language', v)}
              hint={t('person.languageHint')}
            />
          </div>
        </fieldset>

        <fieldset className="form-section">
          <legend>{t('person.sectionWork')}</legend>
          <div className="form-row">
            <div className="field">
              <SinglePicker
                id="person-organisation"
                label={t('field.organisation')}
                value={form.organisation}
                onChange={(o) => set('organisation', o)}
                search={searchOrganisations}
                placeholder={t('picker.searchOrganisations')}
                error={issues.get('organisationId')}
              />
              <FieldError id="person-organisation-error" message={issues.get('organisationId')} />
              <p className="hint">
                {t('person.organisationHint')} <a href={href('/organisations/new')}>{t('organisations.new')}</a>
              </p>
            </div>
            <TextField id="person-jobTitle" label={t('field.jobTitle')} value={form.jobTitle} onChange={(v) => set('jobTitle', v)} error={issues.get('jobTitle')} />
          </div>
        </fieldset>

        <fieldset className="form-section">
          <legend>{t('person.sectionRelation')}</legend>
          <div className="form-row">
            <TextField
              id="person-owner"
              label={t('field.owner')}
              list="owner-options"
              value={form.owner}
              onChange={(v) => set('owner', v)}
              error={issues.get('owner')}
              hint={t('person.ownerHint')}
              after={
                <datalist id="owner-options">
                  {(facets.data?.owners ?? []).map((o) => (
                    <option key={o} value={o} />
                  ))}
                </datalist>
              }
            />
            <div className="field">
              <label className="field-label" htmlFor="person-tags">
                {t('field.tags')}
              </label>
              <div className="tag-input">
                {form.tags.map((tag) => (
                  <Chip key={tag} onRemove={() => set('tags', form.tags.filter((x) => x !== tag))} removeLabel={t('picker.remove', { name: tag })}>
                    {tag}
                  </Chip>
                ))}
                <input
                  id="person-tags"
                  type="text"
                  list="tag-options"
                  value={tagDraft}
                  onChange={(e) => setTagDraft(e.target.value)}
                  onKeyDown={onTagKey}
                  onBlur={() => addTag(tagDraft)}
                  placeholder={form.tags.length ? '' : t('person.tagsPlaceholder')}
                  {...describe('person-tags', tagError)}
                />
              </div>
              <datalist id="tag-options">
                {(facets.data?.tags ?? []).filter((tag) => !form.tags.includes(tag)).map((tag) => (
                  <option key={tag} value={tag} />
                ))}
              </datalist>
              <FieldError id="person-tags-error" message={tagError} />
              <p className="hint">{t('person.tagsHint')}</p>
            </div>
          </div>
          <div className="form-row">
            <ScoreField id="person-power" label={t('field.power')} hint={t('person.powerHint')} value={form.power} onChange={(v) => set('power', v)} error={issues.get('power')} />
            <ScoreField id="person-interest" label={t('field.interest')} hint={t('person.interestHint')} value={form.interest} onChange={(v) => set('interest', v)} error={issues.get('interest')} />
          </div>
          <TextAreaField id="person-notes" label={t('field.notes')} rows={4} value={form.notes} onChange={(v) => set('notes', v)} error={issues.get('notes')} />
        </fieldset>

        <EditFormActions cancelTo={back} busy={busy} />
      </form>
    </div>
  );
}

function ScoreField({
  id,
  label,
  hint,
  value,
  onChange,
  error,
}: {
  id: string;
  label: string;
  hint: string;
  value: number | null;
  onChange: (value: number | null) => void;
  error?: string;
}) {
  const { t } = useI18n();
  return (
    <fieldset className="field" aria-describedby={`${id}-hint`}>
      <legend className="field-label">{label}</legend>
      <div className="segmented">
        <label className={value === null ? 'segment selected' : 'segment'}>
          <input type="radio" name={id} checked={value === null} onChange={() => onChange(null)} />
          {t('score.none')}
        </label>
        {[1, 2, 3, 4, 5].map((n) => (
          <label key={n} className={value === n ? 'segment selected' : 'segment'}>
            <input type="radio" name={id} checked={value === n} onChange={() => onChange(n)} aria-label={`${label} ${n}`} />
            {n}
          </label>
        ))}
      </div>
      <FieldError id={`${id}-error`} message={error} />
      <p className="hint" id={`${id}-hint`}>
        {hint}
      </p>
    </fieldset>
  );
}
