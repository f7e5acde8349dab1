import { useEffect, useState, type FormEvent } from 'react';
import { invoke } from '../../app/api';
import { ConfirmDialog } from '../../ui/Dialog';
import { InteractionDialog } from './InteractionDialog';
import { OrganisationPilots } from './PilotPartners';
import { TimelineSection } from './Timeline';
import { ChoiceField, DetailActions, DetailLoadState, EditFormActions, EmptyState, ErrorBox, Facts, ListPanel, PageHeader, SearchIcon, Section, TextAreaField, TextField, useFormSave, useToast } from '../../ui/ui';
import { DEFAULT_DOMAIN, DOMAIN_LIST, ORGANISATION_KIND_LIST } from '../../app/constants';
import { useConfirmAction, useDebounced, useLoad } from '../../app/hooks';
import { useI18n } from '../../app/i18n';
import { href, navigate } from '../../app/router';
import type { Domain, OrganisationDetail, OrganisationKind, OrganisationSummary } from '../../app/types';
import './register.css';

let rememberedFilters = { query: '', kind: '' as OrganisationKind | '', domain: '' as Domain | '' };

export function OrganisationsScreen() {
  const { t, tc, formatNumber } = useI18n();
  const [filters, setFilters] = useState(rememberedFilters);
  const debounced = useDebounced(filters, 120);
  const list = useLoad<OrganisationSummary[]>(
    () => invoke('organisations.list', { query: debounced.query.trim(), kind: debounced.kind || null, domain: debounced.domain || null }),
    [debounced.query, debounced.kind, debounced.domain],
  );
  useEffect(() => {
    rememberedFilters = filters;
  }, [filters]);
  const hasCriteria = Boolean(filters.query.trim() || filters.kind || filters.domain);
  const rows = list.data ?? [];

  return (
    <div className="page">
      <PageHeader
        title={t('organisations.title')}
        actions={
          <a className="button button-primary" href={href('/organisations/new')}>
            {t('organisations.new')}
          </a>
        }
      />
      <div className="toolbar" role="search">
        <div className="search-field">
          <label htmlFor="org-search" className="visually-hidden">
            {t('organisations.searchLabel')}
          </label>
          <span className="search-icon" aria-hidden="true">
            <SearchIcon />
          </span>
          <input
            id="org-search"
            type="search"
            placeholder={t('organisations.searchPlaceholder')}
            value={filters.query}
            onChange={(e) => setFilters({ ...filters, query: e.target.value })}
            autoComplete="off"
          />
        </div>
        <div className="filters">
          <div className="filter">
            <label className="filter-label" htmlFor="org-kind">
              {t('field.kind')}
            </label>
            <select id="org-kind" value={filters.kind} onChange={(e) => setFilters({ ...filters, kind: e.target.value as OrganisationKind | '' })}>
              <option value="">{t('filter.allKinds')}</option>
              {ORGANISATION_KIND_LIST.map((k) => (
                <option key={k} value={k}>
                  {t(`kind.${k}`)}
                </option>
              ))}
            </select>
          </div>
          <div className="filter">
            <label className="filter-label" htmlFor="org-domain">
              {t('field.domain')}
            </label>
            <select id="org-domain" value={filters.domain} onChange={(e) => setFilters({ ...filters, domain: e.target.value as Domain | '' })}>
              <option value="">{t('filter.allDomains')}</option>
              {DOMAIN_LIST.map((d) => (
                <option key={d} value={d}>
                  {t(`domain.${d}`)}
                </option>
              ))}
            </select>
          </div>
          {hasCriteria ? (
            <button type="button" className="button button-small button-quiet" onClick={() => setFilters({ query: '', kind: '', domain: '' })}>
              {t('filter.clear')}
            </button>
          ) : null}
        </div>
      </div>
      <ListPanel
        loaded={list}
        count={rows.length}
        status={
          <span role="status" aria-live="polite">
            {list.data ? tc('organisations.total', rows.length, { count: formatNumber(rows.length) }) : t('common.loading')}
          </span>
        }
        empty={
          hasCriteria ? (
            <EmptyState title={t('organisations.noMatchTitle')} text={t('organisations.noMatchText')}>
              <button type="button" className="button" onClick={() => setFilters({ query: '', kind: '', domain: '' })}>
                {t('filter.clear')}
              </button>
            </EmptyState>
          ) : (
            <EmptyState title={t('organisations.emptyTitle')} text={t('organisations.emptyText')}>
              <a className="button button-primary" href={href('/organisations/new')}>
                {t('organisations.new')}
              </a>
            </EmptyState>
          )
        }
      >
        <table className="table">
          <thead>
            <tr>
              <th scope="col">{t('field.name')}</th>
              <th scope="col">{t('field.kind')}</th>
              <th scope="col">{t('field.domain')}</th>
              <th scope="col">{t('field.place')}</th>
              <th scope="col" className="num">
                {t('organisations.people')}
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.map((o) => (
              <tr key={o.id}>
                <td>
                  <a href={href(`/organisations/${o.id}`)} className="strong-link">
                    {o.name}
                  </a>
                </td>
                <td>{t(`kind.${o.kind}`)}</td>
                <td>{t(`domain.${o.domain}`)}</td>
                <td>{[o.municipality, o.region].filter(Boolean).join(' · ')}</td>
                <td className="num">{formatNumber(o.peopleCount)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </ListPanel>
    </div>
  );
}

export function OrganisationDetailScreen({ id }: { id: number }) {
  const { t } = useI18n();
  const toast = useToast();
  const org = useLoad<OrganisationDetail>(() => invoke('organisations.get', { id }), [id]);
  const [logging, setLogging] = useState(false);
  const deletion = useConfirmAction();

  if (!org.data) return <DetailLoadState loaded={org} title={t('organisation.title')} back={{ to: '/organisations', label: t('nav.organisations') }} />;
  const o = org.data;

  const remove = () =>
    deletion.run(async () => {
      await invoke('organisations.delete', { id });
      toast.show(t('organisation.deleted', { name: o.name }));
      navigate('/organisations');
    });

  return (
    <div className="page">
      <PageHeader
        back={{ to: '/organisations', label: t('nav.organisations') }}
        title={o.name}
        subtitle={`${t(`kind.${o.kind}`)} · ${t(`domain.${o.domain}`)}`}
        actions={<DetailActions onLog={() => setLogging(true)} editPath={`/organisations/${id}/edit`} onDelete={deletion.ask} />}
      />
      <ErrorBox message={org.error} onRetry={org.reload} />
      <div className="detail-grid">
        <div className="detail-main">
          <Section title={t('organisation.details')}>
            <Facts
              items={[
                { label: t('field.kind'), value: t(`kind.${o.kind}`) },
                { label: t('field.domain'), value: t(`domain.${o.domain}`) },
                { label: t('field.region'), value: o.region },
                { label: t('field.municipality'), value: o.municipality },
                {
                  label: t('field.website'),
                  value: o.website ? (
                    <a href={o.website} target="_blank" rel="noreferrer noopener">
                      {o.website}
                    </a>
                  ) : null,
                },
              ]}
            />
            {o.notes ? (
              <div className="notes">
                <h3>{t('field.notes')}</h3>
                <p className="prewrap">{o.notes}</p>
              </div>
            ) : null}
          </Section>
          <OrganisationPilots organisationId={o.id} pilots={o.pilots} onChanged={org.reload} />
          <Section
            title={t('organisation.peopleTitle', { count: String(o.people.length) })}
            actions={
              <a className="button button-small" href={href(`/people/new?organisation=${id}`)}>
                {t('organisation.addPerson')}
              </a>
            }
          >
            {o.people.length === 0 ? (
              <p className="muted">{t('organisation.noPeople')}</p>
            ) : (
              <ul className="people-mini">
                {o.people.map((p) => (
                  <li key={p.id}>
                    <a href={href(`/people/${p.id}`)} className="strong-link">
                      {p.name}
                    </a>
                    <span className="muted">{[p.jobTitle, p.email].filter(Boolean).join(' · ')}</span>
                  </li>
                ))}
              </ul>
            )}
          </Section>
        </div>
        <div className="detail-side">
          <TimelineSection entries={o.interactions} onChanged={org.reload} onLog={() => setLogging(true)} context={{ type: 'organisation', id }} />
        </div>
      </div>
      {logging ? (
        <InteractionDialog prefill={{ organisations: [{ id: o.id, label: o.name }] }} onClose={() => setLogging(false)} onSaved={org.reload} />
      ) : null}
      {deletion.open ? (
        <ConfirmDialog
          title={t('organisation.deleteTitle')}
          message={
            <>
              <p>{t('organisation.deleteText', { name: o.name })}</p>
              {o.people.length > 0 ? <p className="muted">{t('organisation.deletePeopleNote', { count: String(o.people.length) })}</p> : null}
            </>
          }
          confirmLabel={t('organisation.deleteConfirm')}
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

interface OrgForm {
  name: string;
  kind: OrganisationKind;
  domain: Domain;
  region: string;
  municipality: string;
  website: string;
  notes: string;
}

export function OrganisationEditScreen({ id }: { id: number | null }) {
  const { t } = useI18n();
  const existing = useLoad<OrganisationDetail | null>(() => (id ? invoke('organisations.get', { id }) : Promise.resolve(null)), [id]);
  if (existing.loading || (id && !existing.data)) return <DetailLoadState loaded={existing} title={t('organisation.editTitle')} back={{ to: '/organisations', label: t('nav.organisations') }} />;
  const o = existing.data;
  const initial: OrgForm = o
    ? {
        name: o.name,
        kind: o.kind,
        domain: o.domain,
        region: o.region ?? '',
        municipality: o.municipality ?? '',
        website: o.website ?? '',
        notes: o.notes ?? '',
      }
    : { name: '', kind: 'gemeente', domain: 'sociaal_domein', region: '', municipality: '', website: '', notes: '' };
  return <OrganisationForm key={id ?? 'new'} id={id} initial={initial} />;
}

function OrganisationForm({ id, initial }: { id: number | null; initial: OrgForm }) {
  const { t } = useI18n();
  const toast = useToast();
  const [form, setForm] = useState(initial);
  const { busy, error, issues, refuse, save } = useFormSave('organisation-form');
  const [domainTouched, setDomainTouched] = useState(id !== null);
  const set = <K extends keyof OrgForm>(key: K, value: OrgForm[K]) => setForm((f) => ({ ...f, [key]: value }));
  const back = id ? `/organisations/${id}` : '/organisations';

  useEffect(() => {
    document.getElementById('org-name')?.focus();
  }, []);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!form.name.trim() && refuse(new Map([['name', t('organisation.nameRequired')]]))) return;
    await save(async () => {
      const saved = await invoke('organisations.save', { ...(id ? { id } : {}), ...form });
      toast.show(t('organisation.saved'));
      navigate(`/organisations/${saved.id}`);
    });
  };

  const known = new Set(['name', 'kind', 'domain', 'region', 'municipality', 'website', 'notes']);
  const general = [...issues.entries()].filter(([path]) => !known.has(path));

  return (
    <div className="page">
      <PageHeader title={id ? t('organisation.editTitle') : t('organisation.newTitle')} back={{ to: back, label: t('common.back') }} />
      <form id="organisation-form" className="form card form-card" onSubmit={(e) => void submit(e)} noValidate aria-label={id ? t('organisation.editTitle') : t('organisation.newTitle')}>
        {error ? (
          <div className="alert alert-error" role="alert">
            <p>{error}</p>
            {general.length ? (
              <ul>
                {general.map(([path, message]) => (
                  <li key={path}>{message}</li>
                ))}
              </ul>
            ) : null}
          </div>
        ) : null}
        <TextField id="org-name" label={t('field.name')} value={form.name} onChange={(v) => set('name', v)} error={issues.get('name')} />
        <div className="form-row">
          <ChoiceField
            id="org-form-kind"
            label={t('field.kind')}
            value={form.kind}
            options={ORGANISATION_KIND_LIST}
            optionLabel={(k) => t(`kind.${k}`)}
            onChange={(kind: OrganisationKind) => setForm((f) => ({ ...f, kind, domain: domainTouched ? f.domain : DEFAULT_DOMAIN[kind] }))}
            error={issues.get('kind')}
          />
          <ChoiceField
            id="org-form-domain"
            label={t('field.domain')}
            value={form.domain}
            options={DOMAIN_LIST}
            optionLabel={(d) => t(`domain.${d}`)}
            onChange={(domain: Domain) => {
              setDomainTouched(true);
              set('domain', domain);
            }}
            error={issues.get('domain')}
          />
        </div>
        <div className="form-row">
          <TextField id="org-municipality" label={t('field.municipality')} value={form.municipality} onChange={(v) => set('municipality', v)} error={issues.get('municipality')} />
          <TextField id="org-region" label={t('field.region')} value={form.region} onChange={(v) => set('region', v)} error={issues.get('region')} hint={t('organisation.regionHint')} />
        </div>
        <TextField id="org-website" label={t('field.website')} type="url" value={form.website} onChange={(v) => set('website', v)} error={issues.get('website')} hint={t('organisation.websiteHint')} />
        <TextAreaField id="org-notes" label={t('field.notes')} rows={4} value={form.notes} onChange={(v) => set('notes', v)} error={issues.get('notes')} />
        <EditFormActions cancelTo={back} busy={busy} />
      </form>
    </div>
  );
}
