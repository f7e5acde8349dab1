import { useCallback, useEffect, useLayoutEffect, useRef, useState, type KeyboardEvent, type ReactNode } from 'react';
import { errorMessage, invoke } from '../../app/api';
import { SubscribeDialog, type SubscribeTarget } from '../consent/ConsentDialogs';
import { ErrorBox, PageHeader, SearchIcon, useToast } from '../../ui/ui';
import { LANGUAGE_LIST, ORGANISATION_KIND_LIST } from '../../app/constants';
import { useDebounced, useLoad } from '../../app/hooks';
import { isMac, pilotName, useI18n } from '../../app/i18n';
import { href } from '../../app/router';
import { consumeSearchFocus, SEARCH_FOCUS_EVENT } from '../../app/shortcuts';
import type { Language, OrganisationKind, PersonRow, PilotSummary, SortKey } from '../../app/types';
import './register.css';

const ROW_HEIGHT = 52;
const PAGE_SIZE = 100;
const OVERSCAN = 8;

interface Filters {
  query: string;
  organisationKind: OrganisationKind | '';
  pilotId: number | '';
  tag: string;
  region: string;
  language: Language | '';
  sort: SortKey;
}

const EMPTY_FILTERS: Filters = { query: '', organisationKind: '', pilotId: '', tag: '', region: '', language: '', sort: 'name' };

// Kept while the app runs, so coming back from a person restores the list as it was.
let remembered: { filters: Filters; scrollTop: number } = { filters: EMPTY_FILTERS, scrollTop: 0 };

function toInput(f: Filters) {
  return {
    query: f.query.trim(),
    organisationKind: f.organisationKind || null,
    pilotId: f.pilotId === '' ? null : f.pilotId,
    tag: f.tag || null,
    region: f.region || null,
    language: f.language || null,
  };
}

export function PeopleScreen() {
  const { t, tc, lang, formatNumber } = useI18n();
  const toast = useToast();
  const [filters, setFilters] = useState<Filters>(remembered.filters);
  const debounced = useDebounced(filters, 120);
  const searchRef = useRef<HTMLInputElement>(null);
  const [exporting, setExporting] = useState(false);
  const [exportError, setExportError] = useState<string | null>(null);
  // Bulk sign-up: pick people in the list, or take everyone the search finds.
  const [selecting, setSelecting] = useState(false);
  const [selected, setSelected] = useState<Map<number, string>>(new Map());
  const [total, setTotal] = useState<number | null>(null);
  const [bulk, setBulk] = useState<SubscribeTarget | null>(null);
  const [collecting, setCollecting] = useState(false);

  const facets = useLoad(() => invoke('people.facets', {}), []);
  const pilots = useLoad<PilotSummary[]>(() => invoke('pilots.list', {}), []);

  useEffect(() => {
    const focus = () => {
      consumeSearchFocus();
      searchRef.current?.focus();
      searchRef.current?.select();
    };
    if (consumeSearchFocus()) focus();
    window.addEventListener(SEARCH_FOCUS_EVENT, focus);
    return () => window.removeEventListener(SEARCH_FOCUS_EVENT, focus);
  }, []);

  useEffect(() => {
    remembered = { ...remembered, filters };
  }, [filters]);

  const set = <K extends keyof Filters>(key: K, value: Filters[K]) => setFilters((f) => ({ ...f, [key]: value }));
  const filtered =
    filters.organisationKind !== '' || filters.pilotId !== '' || filters.tag !== '' || filters.region !== '' || filters.language !== '';

  const exportCsv = async () => {
    setExporting(true);
    setExportError(null);
    try {
      const result = await invoke('people.exportCsv', toInput(filters));
      const blob = new Blob([result.csv], { type: 'text/csv;charset=utf-8' });
      const url = URL.createObjectURL(blob);
      const link = document.createElement('a');
      link.href = url;
      link.download = result.fileName;
      document.body.appendChild(link);
      link.click();
      link.remove();
      window.setTimeout(() => URL.revokeObjectURL(url), 10_000);
      toast.show(tc('people.exported', result.count, { count: formatNumber(result.count) }));
    } catch (err) {
      setExportError(errorMessage(err));
    } finally {
      setExporting(false);
    }
  };

  const toggleSelected = useCallback((id: number, name: string, on: boolean) => {
    setSelected((current) => {
      const next = new Map(current);
      if (on) next.set(id, name);
      else next.delete(id);
      return next;
    });
  }, []);

  const subscribeFound = async () => {
    setCollecting(true);
    setExportError(null);
    try {
      const ids: number[] = [];
      for (let offset = 0; ; offset += 500) {
        const page = await invoke('people.search', { ...toInput(filters), sort: filters.sort, offset, limit: 500 });
        ids.push(...page.rows.map((r) => r.id));
        if (page.rows.length < 500 || ids.length >= page.total) break;
      }
      if (ids.length) setBulk({ kind: 'many', personIds: ids, description: tc('bulk.found', ids.length, { count: formatNumber(ids.length) }) });
    } catch (err) {
      setExportError(errorMessage(err));
    } finally {
      setCollecting(false);
    }
  };

  return (
    <div className="page page-fill">
      <PageHeader
        title={t('people.title')}
        actions={
          <>
            <button type="button" className={selecting ? 'button button-pressed' : 'button'} aria-pressed={selecting} onClick={() => setSelecting((v) => !v)}>
              {t('bulk.start')}
            </button>
            <button type="button" className="button" onClick={() => void exportCsv()} disabled={exporting}>
              {exporting ? t('people.exporting') : t('people.export')}
            </button>
            <a className="button button-primary" href={href('/people/new')}>
              {t('people.new')}
            </a>
          </>
        }
      />
      <ErrorBox message={exportError} />
      <div className="toolbar" role="search">
        <div className="search-field">
          <label htmlFor="people-search" className="visually-hidden">
            {t('people.searchLabel')}
          </label>
          <span className="search-icon" aria-hidden="true">
            <SearchIcon />
          </span>
          <input
            ref={searchRef}
            id="people-search"
            type="search"
            placeholder={t('people.searchPlaceholder')}
            value={filters.query}
            onChange={(e) => set('query', e.target.value)}
            autoComplete="off"
            spellCheck={false}
          />
          <kbd className="search-kbd" aria-hidden="true">{t(isMac() ? 'shortcut.searchMac' : 'shortcut.search')}</kbd>
        </div>
        <div className="filters">
          <FilterSelect id="filter-kind" label={t('people.filterKind')} value={filters.organisationKind} onChange={(v) => set('organisationKind', v as OrganisationKind | '')}>
            <option value="">{t('filter.allKinds')}</option>
            {ORGANISATION_KIND_LIST.map((k) => (
              <option key={k} value={k}>
                {t(`kind.${k}`)}
              </option>
            ))}
          </FilterSelect>
          <FilterSelect id="filter-pilot" label={t('people.filterPilot')} value={String(filters.pilotId)} onChange={(v) => set('pilotId', v ? Number(v) : '')}>
            <option value="">{t('filter.allPilots')}</option>
            {(pilots.data ?? []).map((p) => (
              <option key={p.id} value={p.id}>
                {pilotName(p, lang)}
              </option>
            ))}
          </FilterSelect>
          <FilterSelect id="filter-tag" label={t('people.filterTag')} value={filters.tag} onChange={(v) => set('tag', v)}>
            <option value="">{t('filter.allTags')}</option>
            {(facets.data?.tags ?? []).map((tag) => (
              <option key={tag} value={tag}>
                {tag}
              </option>
            ))}
          </FilterSelect>
          <FilterSelect id="filter-region" label={t('people.filterRegion')} value={filters.region} onChange={(v) => set('region', v)}>
            <option value="">{t('filter.allRegions')}</option>
            {(facets.data?.regions ?? []).map((region) => (
              <option key={region} value={region}>
                {region}
              </option>
            ))}
          </FilterSelect>
          <FilterSelect id="filter-language" label={t('people.filterLanguage')} value={filters.language} onChange={(v) => set('language', v as Language | '')}>
            <option value="">{t('filter.allLanguages')}</option>
            {LANGUAGE_LIST.map((l) => (
              <option key={l} value={l}>
                {t(`language.${l}`)}
              </option>
            ))}
          </FilterSelect>
          {filtered || filters.query ? (
            <button type="button" className="button button-small button-quiet" onClick={() => setFilters({ ...EMPTY_FILTERS, sort: filters.sort })}>
              {t('filter.clear')}
            </button>
          ) : null}
        </div>
      </div>
      {selecting ? (
        <div className="selection-bar" role="region" aria-label={t('bulk.barLabel')}>
          <span className="selection-count" role="status">
            {tc('bulk.selected', selected.size, { count: formatNumber(selected.size) })}
          </span>
          <button
            type="button"
            className="button button-small button-primary"
            disabled={selected.size === 0}
            onClick={() =>
              setBulk({ kind: 'many', personIds: [...selected.keys()], description: tc('bulk.chosen', selected.size, { count: formatNumber(selected.size), names: [...selected.values()].slice(0, 5).join(', ') + (selected.size > 5 ? ' …' : '') }) })
            }
          >
            {t('bulk.subscribeSelected')}
          </button>
          <button type="button" className="button button-small" disabled={!total || collecting} onClick={() => void subscribeFound()}>
            {collecting ? t('bulk.collecting') : tc('bulk.subscribeFound', total ?? 0, { count: formatNumber(total ?? 0) })}
          </button>
          {selected.size ? (
            <button type="button" className="button button-small button-quiet" onClick={() => setSelected(new Map())}>
              {t('bulk.clear')}
            </button>
          ) : null}
          <button type="button" className="button button-small button-quiet selection-done" onClick={() => setSelecting(false)}>
            {t('bulk.done')}
          </button>
        </div>
      ) : null}
      <PeopleList
        selection={selecting ? { selected, toggle: toggleSelected } : null}
        onTotal={setTotal}
        filters={debounced}
        hasCriteria={filtered || debounced.query.trim() !== ''}
        onClear={() => setFilters({ ...EMPTY_FILTERS, sort: filters.sort })}
        sortControl={
          <div className="sort-control">
            <label htmlFor="people-sort">{t('people.sort')}</label>
            <select id="people-sort" value={filters.sort} onChange={(e) => set('sort', e.target.value as SortKey)}>
              <option value="name">{t('sort.name')}</option>
              <option value="organisation">{t('sort.organisation')}</option>
              <option value="updated">{t('sort.updated')}</option>
            </select>
          </div>
        }
      />
      {bulk ? <SubscribeDialog target={bulk} onClose={() => setBulk(null)} onDone={() => setSelected(new Map())} /> : null}
    </div>
  );
}

function FilterSelect({
  id,
  label,
  value,
  onChange,
  children,
}: {
  id: string;
  label: string;
  value: string;
  onChange: (value: string) => void;
  children: ReactNode;
}) {
  return (
    <div className="filter">
      <label htmlFor={id} className="filter-label">
        {label}
      </label>
      <select id={id} value={value} onChange={(e) => onChange(e.target.value)}>
        {children}
      </select>
    </div>
  );
}

/**
 * A virtualised list: one fixed row height, only the rows in view are in the DOM, and rows are
 * fetched in pages of PAGE_SIZE (offset/limit) as they scroll into view.
 */
function PeopleList({
  filters,
  hasCriteria,
  onClear,
  sortControl,
  selection,
  onTotal,
}: {
  selection: { selected: Map<number, string>; toggle: (id: number, name: string, on: boolean) => void } | null;
  onTotal: (total: number | null) => void;
  filters: Filters;
  hasCriteria: boolean;
  onClear: () => void;
  sortControl: ReactNode;
}) {
  const { t, tc, formatNumber } = useI18n();
  const scroller = useRef<HTMLDivElement>(null);
  const [total, setTotal] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [, setVersion] = useState(0);
  const [scrollTop, setScrollTop] = useState(0);
  const [height, setHeight] = useState(600);
  const pages = useRef(new Map<number, PersonRow[]>());
  const pending = useRef(new Set<number>());
  const generation = useRef(0);
  /** Which generation (set of filters) the rows in `pages` belong to. */
  const pagesGeneration = useRef(0);
  const focusAfterRender = useRef<number | null>(null);
  const firstLoad = useRef(true);
  const restoreTo = useRef<number | null>(null);
  const filterKey = JSON.stringify(filters);

  const fetchPage = useCallback(
    (page: number, gen: number) => {
      if ((pagesGeneration.current === gen && pages.current.has(page)) || pending.current.has(page)) return;
      pending.current.add(page);
      invoke('people.search', { ...toInput(filters), sort: filters.sort, offset: page * PAGE_SIZE, limit: PAGE_SIZE }).then(
        (result) => {
          if (gen !== generation.current) return;
          pending.current.delete(page);
          // The first answer for new filters replaces the old rows (shown until now, so nothing flickers).
          if (pagesGeneration.current !== gen) {
            pages.current = new Map();
            pagesGeneration.current = gen;
          }
          pages.current.set(page, result.rows);
          setTotal(result.total);
          setError(null);
          setVersion((v) => v + 1);
        },
        (err: unknown) => {
          if (gen !== generation.current) return;
          pending.current.delete(page);
          setError(errorMessage(err));
        },
      );
    },
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [filterKey],
  );

  // New filters: start at the top (or where we were, the first time); the old rows stay until
  // the first page for the new filters arrives.
  useEffect(() => {
    generation.current += 1;
    pending.current = new Set();
    const startAt = firstLoad.current ? remembered.scrollTop : 0;
    firstLoad.current = false;
    restoreTo.current = startAt > 0 ? startAt : null;
    if (scroller.current) scroller.current.scrollTop = 0;
    setScrollTop(startAt);
    fetchPage(Math.floor(startAt / ROW_HEIGHT / PAGE_SIZE), generation.current);
  }, [fetchPage]);

  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el) return;
    setHeight(el.clientHeight);
    const observer = new ResizeObserver(() => setHeight(el.clientHeight));
    observer.observe(el);
    return () => observer.disconnect();
  }, []);

  // Coming back to the list: scroll to where we were once the list has its height again.
  useLayoutEffect(() => {
    if (total === null || restoreTo.current === null || !scroller.current) return;
    scroller.current.scrollTop = restoreTo.current;
    setScrollTop(scroller.current.scrollTop);
    restoreTo.current = null;
  }, [total]);

  useEffect(() => {
    onTotal(total);
  }, [total, onTotal]);

  const count = total ?? 0;
  const first = Math.max(0, Math.floor(scrollTop / ROW_HEIGHT) - OVERSCAN);
  const last = Math.min(count - 1, Math.ceil((scrollTop + height) / ROW_HEIGHT) + OVERSCAN);

  // Fetch the pages in view once scrolling pauses briefly (dragging the scrollbar skips pages).
  useEffect(() => {
    if (total === null || count === 0) return;
    const gen = generation.current;
    const timer = window.setTimeout(() => {
      for (let page = Math.floor(first / PAGE_SIZE); page <= Math.floor(last / PAGE_SIZE); page++) fetchPage(page, gen);
    }, 40);
    return () => window.clearTimeout(timer);
  }, [first, last, total, count, fetchPage]);

  useEffect(() => {
    if (focusAfterRender.current === null) return;
    const el = scroller.current?.querySelector<HTMLElement>(`[data-index="${focusAfterRender.current}"] a`);
    if (el) {
      el.focus({ preventScroll: true });
      focusAfterRender.current = null;
    }
  });

  const rowAt = (index: number): PersonRow | undefined => pages.current.get(Math.floor(index / PAGE_SIZE))?.[index % PAGE_SIZE];

  const moveFocus = (index: number) => {
    const target = Math.max(0, Math.min(count - 1, index));
    const el = scroller.current;
    if (!el) return;
    const top = target * ROW_HEIGHT;
    if (top < el.scrollTop) el.scrollTop = top;
    else if (top + ROW_HEIGHT > el.scrollTop + el.clientHeight) el.scrollTop = top + ROW_HEIGHT - el.clientHeight;
    const rendered = el.querySelector<HTMLElement>(`[data-index="${target}"] a`);
    if (rendered) {
      rendered.focus({ preventScroll: true });
      return;
    }
    focusAfterRender.current = target;
    setScrollTop(el.scrollTop);
    setVersion((v) => v + 1);
  };

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    const current = (event.target as HTMLElement).closest<HTMLElement>('[data-index]');
    if (!current) return;
    const index = Number(current.dataset.index);
    const pageRows = Math.max(1, Math.floor(height / ROW_HEIGHT) - 1);
    const moves: Record<string, number> = { ArrowDown: index + 1, ArrowUp: index - 1, PageDown: index + pageRows, PageUp: index - pageRows, Home: 0, End: count - 1 };
    const target = moves[event.key];
    if (target === undefined) return;
    event.preventDefault();
    moveFocus(target);
  };

  const rows = [];
  for (let i = first; i <= last; i++) {
    const row = rowAt(i);
    rows.push(
      <div key={i} role="listitem" className="vrow" data-index={i} aria-setsize={count} aria-posinset={i + 1} style={{ top: i * ROW_HEIGHT, height: ROW_HEIGHT }}>
        {row && selection ? (
          <input
            type="checkbox"
            className="vrow-check"
            checked={selection.selected.has(row.id)}
            onChange={(e) => selection.toggle(row.id, row.name, e.target.checked)}
            aria-label={t('bulk.select', { name: row.name })}
          />
        ) : null}
        {row ? (
          <a className="vrow-link" href={href(`/people/${row.id}`)}>
            <span className="col-name">
              <span className="avatar" aria-hidden="true">
                {initials(row.name)}
              </span>
              <span className="cell-text">{row.name}</span>
            </span>
            <span className="col-org cell-text">{row.organisationName ?? ''}</span>
            <span className="col-job cell-text">{row.jobTitle ?? ''}</span>
            <span className="col-email cell-text">{row.email ?? ''}</span>
            <span className="col-lang">{row.language.toUpperCase()}</span>
          </a>
        ) : (
          <span className="vrow-placeholder" aria-hidden="true">
            <span className="skeleton" />
          </span>
        )}
      </div>,
    );
  }

  const empty = total === 0;
  return (
    <div className={selection ? 'list-panel card selecting' : 'list-panel card'}>
      <div className="list-status">
        <span role="status" aria-live="polite" data-testid="people-total">
          {total === null ? t('common.loading') : tc('people.total', total, { count: formatNumber(total) })}
        </span>
        {sortControl}
      </div>
      <ErrorBox message={error} />
      {empty ? (
        hasCriteria ? (
          <div className="empty-state">
            <p className="empty-title">{t('people.noMatchTitle')}</p>
            <p className="empty-text">{t('people.noMatchText')}</p>
            <div className="empty-actions">
              <button type="button" className="button" onClick={onClear}>
                {t('filter.clear')}
              </button>
            </div>
          </div>
        ) : (
          <div className="empty-state">
            <p className="empty-title">{t('people.emptyTitle')}</p>
            <p className="empty-text">{t('people.emptyText')}</p>
            <div className="empty-actions">
              <a className="button button-primary" href={href('/people/new')}>
                {t('people.new')}
              </a>
              <a className="button" href={href('/import')}>
                {t('start.importCsv')}
              </a>
              <a className="button" href={href('/')}>
                {t('people.toStart')}
              </a>
            </div>
          </div>
        )
      ) : (
        <div className="vlist-header" aria-hidden="true">
            <span className="col-name">{t('field.name')}</span>
            <span className="col-org">{t('field.organisation')}</span>
            <span className="col-job">{t('field.jobTitle')}</span>
            <span className="col-email">{t('field.email')}</span>
            <span className="col-lang">{t('field.languageShort')}</span>
        </div>
      )}
      <div
            ref={scroller}
            hidden={empty}
            className="vlist"
            onScroll={(e) => {
              const top = e.currentTarget.scrollTop;
              setScrollTop(top);
              remembered = { ...remembered, scrollTop: top };
            }}
            onKeyDown={onKeyDown}
          >
            <div role="list" aria-label={t('people.listLabel')} className="vlist-inner" style={{ height: count * ROW_HEIGHT }}>
              {rows}
            </div>
          </div>
    </div>
  );
}

export function initials(name: string): string {
  const parts = name
    .replace(/\(.*?\)/g, '')
    .split(/\s+/)
    .filter((p) => p && /^\p{Lu}/u.test(p));
  const first = parts[0]?.[0] ?? name[0] ?? '?';
  const last = parts.length > 1 ? (parts[parts.length - 1]?.[0] ?? '') : '';
  return (first + last).toUpperCase();
}

