import { useEffect, useState, type FormEvent } from 'react';
import type { AddressLookup, LawfulBasis, ListMember, MailingListDetail, MailingListSummary, SubscriptionStatus } from '../../../../electron/commands/contract';
import { errorMessage, invoke } from '../../app/api';
import { ConfirmDialog } from '../../ui/Dialog';
import { ActorField, LAWFUL_BASIS_LIST, StatusBadge, useActor } from './privacy';
import { describe, DetailLoadState, EditFormActions, EmptyState, ErrorBox, Facts, FieldError, ListPanel, Loading, PageHeader, Section, SegmentedField, TextField, useFormSave, useToast } from '../../ui/ui';
import { LANGUAGE_LIST } from '../../app/constants';
import { useConfirmAction, useLoad } from '../../app/hooks';
import { useI18n } from '../../app/i18n';
import { href, navigate } from '../../app/router';
import type { Language } from '../../app/types';

/** "Lijsten": the mailing lists with their purpose text, basis and subscriber counts. */
export function ListsScreen() {
  const { t, tc, formatNumber } = useI18n();
  const [showArchived, setShowArchived] = useState(false);
  const lists = useLoad<MailingListSummary[]>(() => invoke('lists.list', { includeArchived: showArchived }), [showArchived]);
  const rows = lists.data ?? [];
  return (
    <div className="page">
      <PageHeader
        title={t('lists.title')}
        subtitle={t('lists.subtitle')}
        actions={
          <a className="button button-primary" href={href('/lists/new')}>
            {t('lists.new')}
          </a>
        }
      />
      <ListPanel
        loaded={lists}
        count={rows.length}
        status={
          <>
            <span>{tc('lists.count', rows.length, { count: formatNumber(rows.length) })}</span>
            <label className="checkbox">
              <input type="checkbox" checked={showArchived} onChange={(e) => setShowArchived(e.target.checked)} />
              {t('lists.showArchived')}
            </label>
          </>
        }
        empty={
          <EmptyState title={t('lists.emptyTitle')} text={t('lists.emptyText')}>
            <a className="button button-primary" href={href('/lists/new')}>
              {t('lists.new')}
            </a>
          </EmptyState>
        }
      >
        <table className="table" aria-label={t('lists.title')}>
          <thead>
            <tr>
              <th scope="col">{t('field.name')}</th>
              <th scope="col">{t('list.lawfulBasis')}</th>
              <th scope="col">{t('field.language')}</th>
              <th scope="col" className="num">
                {t('subscription.subscribed')}
              </th>
              <th scope="col" className="num">
                {t('subscription.pending')}
              </th>
              <th scope="col" className="num">
                {t('subscription.unsubscribed')}
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.map((l) => (
              <tr key={l.id}>
                <td>
                  <a href={href(`/lists/${l.id}`)} className="strong-link">
                    {l.name}
                  </a>
                  {l.archived ? <span className="badge badge-quiet">{t('list.archived')}</span> : null}
                  <span className="cell-sub">
                    {l.purpose ? t('list.versionShort', { version: String(l.purpose.version) }) : t('list.noPurpose')}
                    {l.doubleOptIn ? ` · ${t('list.doubleOptInShort')}` : ''}
                  </span>
                </td>
                <td>{t(`basis.${l.lawfulBasis}`)}</td>
                <td>{t(`language.${l.language}`)}</td>
                <td className="num">{formatNumber(l.counts.subscribed)}</td>
                <td className="num">{formatNumber(l.counts.pending)}</td>
                <td className="num">{formatNumber(l.counts.unsubscribed)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </ListPanel>
      <AddressLookupSection />
    </div>
  );
}

/** "Waarom krijgt dit adres (geen) mail?": the answer, the person, the subscriptions and the suppression. */
function AddressLookupSection() {
  const { t, lang, formatDateTime } = useI18n();
  const [email, setEmail] = useState('');
  const [result, setResult] = useState<AddressLookup | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const lookup = async (event: FormEvent) => {
    event.preventDefault();
    if (!email.trim()) return;
    setBusy(true);
    setError(null);
    try {
      setResult(await invoke('consent.lookupAddress', { email: email.trim() }));
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Section id="lookup" title={t('lookup.title')}>
      <p className="muted">{t('lookup.text')}</p>
      <form className="inline-form lookup-form" onSubmit={(e) => void lookup(e)}>
        <TextField id="lookup-email" fieldClass="field-grow" label={t('field.email')} type="email" value={email} onChange={setEmail} autoComplete="off" spellCheck={false} />
        <button type="submit" className="button" disabled={busy || !email.trim()}>
          {t('lookup.submit')}
        </button>
      </form>
      <ErrorBox message={error} />
      {result ? (
        <div className="lookup-result" data-testid="lookup-result" role="status">
          <p className={result.suppression ? 'alert alert-warning' : 'alert alert-info'}>{result.explanation[lang]}</p>
          {result.person ? (
            <p>
              {t('lookup.person')} <a href={href(`/people/${result.person.id}`)}>{result.person.name}</a>
            </p>
          ) : null}
          {result.subscriptions.length ? (
            <ul className="plain-list">
              {result.subscriptions.map((sub) => (
                <li key={sub.listId}>
                  {sub.listName} <StatusBadge status={sub.status} /> <span className="muted">{formatDateTime(sub.since)}</span>
                </li>
              ))}
            </ul>
          ) : null}
        </div>
      ) : null}
    </Section>
  );
}

export function ListDetailScreen({ id }: { id: number }) {
  const { t, formatDateTime } = useI18n();
  const toast = useToast();
  const list = useLoad<MailingListDetail>(() => invoke('lists.get', { id }), [id]);
  const archiving = useConfirmAction();

  if (!list.data) return <DetailLoadState loaded={list} title={t('list.title')} back={{ to: '/lists', label: t('nav.lists') }} />;
  const l = list.data;

  const toggleArchive = () =>
    archiving.run(async () => {
      await invoke('lists.archive', { id, archived: !l.archived });
      toast.show(l.archived ? t('list.unarchived') : t('list.archivedDone'));
      archiving.cancel();
      list.reload();
    });

  return (
    <div className="page">
      <PageHeader
        back={{ to: '/lists', label: t('nav.lists') }}
        title={
          <>
            {l.name}
            {l.archived ? <span className="badge badge-quiet">{t('list.archived')}</span> : null}
          </>
        }
        subtitle={`${t(`basis.${l.lawfulBasis}`)} · ${t(`language.${l.language}`)}`}
        actions={
          <>
            <a className="button" href={href(`/lists/${id}/edit`)}>
              {t('common.edit')}
            </a>
            <button type="button" className="button button-quiet" onClick={archiving.ask}>
              {l.archived ? t('list.unarchive') : t('list.archive')}
            </button>
          </>
        }
      />
      <div className="detail-grid">
        <div className="detail-main">
          <Section title={t('list.details')}>
            <Facts
              items={[
                { label: t('list.lawfulBasis'), value: t(`basis.${l.lawfulBasis}`) },
                { label: t('field.language'), value: t(`language.${l.language}`) },
                { label: t('list.doubleOptIn'), value: l.doubleOptIn ? t('list.yes') : t('list.no') },
                { label: t('subscription.subscribed'), value: String(l.counts.subscribed) },
                { label: t('subscription.pending'), value: String(l.counts.pending) },
                { label: t('subscription.unsubscribed'), value: String(l.counts.unsubscribed) },
              ]}
            />
            <p className="hint">{t(`basis.${l.lawfulBasis}.explain`)}</p>
          </Section>
        </div>
        <div className="detail-side">
          <Section title={t('list.purpose')}>
            {l.purpose ? (
              <>
                <p className="muted">{t('list.versionLabel', { version: String(l.purpose.version), date: formatDateTime(l.purpose.createdAt) })}</p>
                <blockquote className="purpose-text" data-testid="purpose-current">
                  {l.purpose.text}
                </blockquote>
              </>
            ) : (
              <p className="muted">{t('list.noPurpose')}</p>
            )}
            {l.versions.length > 1 ? (
              <details className="versions">
                <summary>{t('list.olderVersions', { count: String(l.versions.length - 1) })}</summary>
                <ol className="version-list">
                  {l.versions
                    .filter((v) => v.id !== l.purpose?.id)
                    .map((v) => (
                      <li key={v.id}>
                        <p className="muted">
                          {t('list.versionLabel', { version: String(v.version), date: formatDateTime(v.createdAt) })} · {v.createdBy}
                        </p>
                        <blockquote className="purpose-text">{v.text}</blockquote>
                      </li>
                    ))}
                </ol>
              </details>
            ) : null}
          </Section>
        </div>
      </div>
      <Members listId={id} />
      {archiving.open ? (
        <ConfirmDialog
          title={l.archived ? t('list.unarchiveTitle') : t('list.archiveTitle')}
          message={<p>{l.archived ? t('list.unarchiveText', { name: l.name }) : t('list.archiveText', { name: l.name })}</p>}
          confirmLabel={l.archived ? t('list.unarchive') : t('list.archive')}
          busy={archiving.busy}
          error={archiving.error}
          onConfirm={() => void toggleArchive()}
          onCancel={archiving.cancel}
        />
      ) : null}
    </div>
  );
}

const MEMBER_PAGE = 200;
type MemberSort = 'name' | 'email' | 'status' | 'since';
const MEMBER_STATUSES: SubscriptionStatus[] = ['subscribed', 'pending', 'unsubscribed'];

function Members({ listId }: { listId: number }) {
  const { t, formatDateTime, formatNumber } = useI18n();
  const [query, setQuery] = useState('');
  const [debounced, setDebounced] = useState('');
  const [status, setStatus] = useState<SubscriptionStatus | ''>('');
  const [sort, setSort] = useState<{ by: MemberSort; desc: boolean }>({ by: 'name', desc: false });
  const [offset, setOffset] = useState(0);
  const [exporting, setExporting] = useState(false);
  const [exportError, setExportError] = useState<string | null>(null);
  useEffect(() => {
    const timer = window.setTimeout(() => { setDebounced(query.trim()); setOffset(0); }, 200);
    return () => window.clearTimeout(timer);
  }, [query]);
  const filter = { listId, query: debounced || null, status: status || null, sort: sort.by, desc: sort.desc };
  const members = useLoad<{ total: number; counts: Record<SubscriptionStatus, number>; rows: ListMember[] }>(
    () => invoke('lists.members', { ...filter, offset, limit: MEMBER_PAGE }),
    [listId, debounced, status, sort.by, sort.desc, offset],
  );
  const total = members.data?.total ?? 0;
  const counts = members.data?.counts;
  const everyone = counts ? counts.pending + counts.subscribed + counts.unsubscribed : 0;
  const pick = (s: SubscriptionStatus | '') => { setOffset(0); setStatus(s); };
  const sortBy = (by: MemberSort) => { setOffset(0); setSort((cur) => ({ by, desc: cur.by === by ? !cur.desc : false })); };
  const exportCsv = async () => {
    setExporting(true);
    setExportError(null);
    try {
      const result = await invoke('lists.exportMembers', filter);
      const url = URL.createObjectURL(new Blob([result.csv], { type: 'text/csv;charset=utf-8' }));
      const link = document.createElement('a');
      link.href = url;
      link.download = result.fileName;
      document.body.appendChild(link);
      link.click();
      link.remove();
      window.setTimeout(() => URL.revokeObjectURL(url), 10_000);
    } catch (err) {
      setExportError(errorMessage(err));
    } finally {
      setExporting(false);
    }
  };
  const header = (by: MemberSort, label: string) => (
    <th scope="col" aria-sort={sort.by === by ? (sort.desc ? 'descending' : 'ascending') : 'none'}>
      <button type="button" className="sort-button" onClick={() => sortBy(by)}>
        {label}
        {sort.by === by ? <span aria-hidden="true">{sort.desc ? ' ▼' : ' ▲'}</span> : null}
      </button>
    </th>
  );
  const listEmpty = counts !== undefined && everyone === 0 && !debounced;
  return (
    <Section
      title={t('list.members')}
      actions={
        <button type="button" className="button button-small" onClick={() => void exportCsv()} disabled={exporting || total === 0}>
          {exporting ? t('list.exporting') : t('list.export')}
        </button>
      }
    >
      <ErrorBox message={members.error ?? exportError} onRetry={members.error ? members.reload : undefined} />
      {listEmpty ? (
        <EmptyState title={t('list.emptyTitle')} text={t('list.emptyText')}>
          <a className="button" href={href('/people')}>{t('list.toRegister')}</a>
          <a className="button" href={href('/import')}>{t('list.toImport')}</a>
        </EmptyState>
      ) : (
        <>
          <div className="member-toolbar" role="search">
            <input
              type="search"
              className="member-search"
              aria-label={t('list.search')}
              placeholder={t('list.search')}
              value={query}
              onChange={(e) => setQuery(e.target.value)}
            />
            <div className="member-counts" role="group" aria-label={t('list.filterStatus')}>
              <button type="button" className="status-count" aria-pressed={status === ''} onClick={() => pick('')}>
                {t('list.allStatuses')} <span className="status-count-n">{formatNumber(everyone)}</span>
              </button>
              {MEMBER_STATUSES.map((s) => (
                <button key={s} type="button" className="status-count" aria-pressed={status === s} onClick={() => pick(s)}>
                  {t(`subscription.${s}`)} <span className="status-count-n">{formatNumber(counts?.[s] ?? 0)}</span>
                </button>
              ))}
            </div>
          </div>
          {members.data && members.data.rows.length === 0 ? <p className="muted">{t('list.noMembers')}</p> : null}
          {members.data && members.data.rows.length > 0 ? (
            <>
              <div className="table-scroll">
                <table className="table member-table" aria-label={t('list.members')}>
                  <thead>
                    <tr>
                      {header('name', t('list.colName'))}
                      {header('email', t('list.colEmail'))}
                      {header('status', t('list.colStatus'))}
                      {header('since', t('list.colSince'))}
                    </tr>
                  </thead>
                  <tbody>
                    {members.data.rows.map((m) => (
                      <tr key={m.personId}>
                        <td>
                          <a href={href(`/people/${m.personId}`)}>{m.name}</a>
                          {m.organisationName ? <span className="cell-sub">{m.organisationName}</span> : null}
                        </td>
                        <td>{m.email ?? '—'}</td>
                        <td><StatusBadge status={m.status} /></td>
                        <td>{formatDateTime(m.since)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
              {total > MEMBER_PAGE ? (
                <div className="pager">
                  <button type="button" className="button button-small" disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - MEMBER_PAGE))}>
                    {t('list.previous')}
                  </button>
                  <span className="muted">
                    {t('list.range', { from: formatNumber(offset + 1), to: formatNumber(Math.min(total, offset + MEMBER_PAGE)), total: formatNumber(total) })}
                  </span>
                  <button type="button" className="button button-small" disabled={offset + MEMBER_PAGE >= total} onClick={() => setOffset(offset + MEMBER_PAGE)}>
                    {t('list.next')}
                  </button>
                </div>
              ) : null}
            </>
          ) : null}
        </>
      )}
      {members.loading && !members.data ? <Loading /> : null}
    </Section>
  );
}

interface ListForm {
  name: string;
  purposeText: string;
  language: Language;
  lawfulBasis: LawfulBasis;
  doubleOptIn: boolean;
}

export function ListEditScreen({ id }: { id: number | null }) {
  const { t } = useI18n();
  const existing = useLoad<MailingListDetail | null>(() => (id ? invoke('lists.get', { id }) : Promise.resolve(null)), [id]);
  if (existing.loading || (id && !existing.data)) return <DetailLoadState loaded={existing} title={t('list.editTitle')} back={{ to: '/lists', label: t('nav.lists') }} />;
  const l = existing.data;
  const initial: ListForm = l
    ? { name: l.name, purposeText: l.purpose?.text ?? '', language: l.language, lawfulBasis: l.lawfulBasis, doubleOptIn: l.doubleOptIn }
    : { name: '', purposeText: '', language: 'nl', lawfulBasis: 'consent', doubleOptIn: true };
  return <ListFormView key={id ?? 'new'} id={id} initial={initial} hasSignups={Boolean(l && l.counts.subscribed + l.counts.pending + l.counts.unsubscribed > 0)} />;
}

function ListFormView({ id, initial, hasSignups }: { id: number | null; initial: ListForm; hasSignups: boolean }) {
  const { t } = useI18n();
  const toast = useToast();
  const [form, setForm] = useState(initial);
  const [actor, setActor, rememberActor] = useActor();
  const { busy, error, issues, refuse, save } = useFormSave('list-form');
  const set = <K extends keyof ListForm>(key: K, value: ListForm[K]) => setForm((f) => ({ ...f, [key]: value }));
  const back = id ? `/lists/${id}` : '/lists';
  const textChanged = id !== null && form.purposeText.trim() !== initial.purposeText.trim();

  useEffect(() => {
    document.getElementById('list-name')?.focus();
  }, []);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const local = new Map<string, string>();
    if (!form.name.trim()) local.set('name', t('list.nameRequired'));
    if (!form.purposeText.trim()) local.set('purposeText', t('list.purposeRequired'));
    if (!actor.trim()) local.set('actor', t('privacy.actorRequired'));
    if (refuse(local)) return;
    rememberActor();
    await save(async () => {
      const saved = await invoke('lists.save', { ...(id ? { id } : {}), ...form, actor });
      toast.show(saved.newVersion && id ? t('list.savedNewVersion') : t('list.saved'));
      navigate(`/lists/${saved.id}`);
    });
  };

  return (
    <div className="page">
      <PageHeader title={id ? t('list.editTitle') : t('list.newTitle')} back={{ to: back, label: t('common.back') }} />
      <form id="list-form" className="form card form-card" onSubmit={(e) => void submit(e)} noValidate aria-label={id ? t('list.editTitle') : t('list.newTitle')}>
        {error ? (
          <div className="alert alert-error" role="alert">
            <p>{error}</p>
          </div>
        ) : null}
        <TextField id="list-name" label={t('field.name')} value={form.name} onChange={(v) => set('name', v)} error={issues.get('name')} />
        <div className="field">
          <label className="field-label" htmlFor="list-purpose">
            {t('list.purpose')}
          </label>
          <textarea id="list-purpose" rows={6} value={form.purposeText} onChange={(e) => set('purposeText', e.target.value)} {...describe('list-purpose', issues.get('purposeText'))} />
          <FieldError id="list-purpose-error" message={issues.get('purposeText')} />
          <p className="hint">{t('list.purposeHint')}</p>
          {textChanged ? <p className="alert alert-warning">{t('list.newVersionWarning')}</p> : null}
        </div>
        <SegmentedField legend={t('field.language')} name="list-language" options={LANGUAGE_LIST} value={form.language} onChange={(v) => set('language', v)} label={(l) => t(`language.${l}`)} />
        <fieldset className="field">
          <legend className="field-label">{t('list.lawfulBasis')}</legend>
          {LAWFUL_BASIS_LIST.map((b) => (
            <label key={b} className="radio-block">
              <input type="radio" name="list-basis" value={b} checked={form.lawfulBasis === b} onChange={() => set('lawfulBasis', b)} />
              <span>
                <strong>{t(`basis.${b}`)}</strong>
                <span className="hint block">{t(`basis.${b}.explain`)}</span>
              </span>
            </label>
          ))}
          {hasSignups ? <p className="hint">{t('list.basisLockedHint')}</p> : null}
          <FieldError id="list-basis-error" message={issues.get('lawfulBasis')} />
        </fieldset>
        <label className="checkbox">
          <input type="checkbox" checked={form.doubleOptIn} onChange={(e) => set('doubleOptIn', e.target.checked)} />
          {t('list.doubleOptInLabel')}
        </label>
        <p className="hint">{t('list.doubleOptInHint')}</p>
        <ActorField id="list-actor" value={actor} onChange={setActor} error={issues.get('actor')} />
        <EditFormActions cancelTo={back} busy={busy} />
      </form>
    </div>
  );
}
