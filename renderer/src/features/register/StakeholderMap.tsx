import { useState } from 'react';
import { invoke } from '../../app/api';
import { EmptyState, ErrorBox, Loading, PageHeader } from '../../ui/ui';
import { ORGANISATION_KIND_LIST } from '../../app/constants';
import { useLoad } from '../../app/hooks';
import { pilotName, useI18n } from '../../app/i18n';
import { href } from '../../app/router';
import type { MapPoint, OrganisationKind, PilotSummary } from '../../app/types';
import './stakeholder-map.css';

const CELL = 112;
const LEFT = 64;
const TOP = 16;
const BOTTOM = 56;
const RIGHT = 16;
const GRID = CELL * 5;
const WIDTH = LEFT + GRID + RIGHT;
const HEIGHT = TOP + GRID + BOTTOM;
const MAX_DOTS_PER_CELL = 25;

/** x of interest 1..5 (left→right), y of power 1..5 (bottom→top), both as the cell's top-left. */
const cellX = (interest: number) => LEFT + (interest - 1) * CELL;
const cellY = (power: number) => TOP + (5 - power) * CELL;

interface PlacedDot {
  point: MapPoint;
  cx: number;
  cy: number;
  r: number;
}

function layout(points: MapPoint[]): { dots: PlacedDot[]; overflow: { x: number; y: number; count: number }[] } {
  const cells = new Map<string, MapPoint[]>();
  for (const p of points) {
    const power = Math.min(5, Math.max(1, Math.round(p.power)));
    const interest = Math.min(5, Math.max(1, Math.round(p.interest)));
    const key = `${power}:${interest}`;
    const list = cells.get(key) ?? [];
    list.push({ ...p, power, interest });
    cells.set(key, list);
  }
  const dots: PlacedDot[] = [];
  const overflow: { x: number; y: number; count: number }[] = [];
  for (const [key, list] of cells) {
    const [power, interest] = key.split(':').map(Number) as [number, number];
    const shown = list.slice(0, MAX_DOTS_PER_CELL);
    const cols = Math.ceil(Math.sqrt(shown.length));
    const rows = Math.ceil(shown.length / cols);
    const pad = 14;
    const stepX = (CELL - 2 * pad) / cols;
    const stepY = (CELL - 2 * pad) / rows;
    const r = Math.max(5, Math.min(14, Math.min(stepX, stepY) / 2 - 2));
    shown.forEach((point, i) => {
      const col = i % cols;
      const row = Math.floor(i / cols);
      dots.push({
        point,
        cx: cellX(interest) + pad + stepX * (col + 0.5),
        cy: cellY(power) + pad + stepY * (row + 0.5),
        r,
      });
    });
    if (list.length > shown.length) overflow.push({ x: cellX(interest) + CELL - 6, y: cellY(power) + CELL - 6, count: list.length - shown.length });
  }
  return { dots, overflow };
}

function initialsOf(name: string): string {
  const parts = name.split(/\s+/).filter((p) => /^\p{Lu}/u.test(p));
  return ((parts[0]?.[0] ?? name[0] ?? '') + (parts.length > 1 ? (parts[parts.length - 1]?.[0] ?? '') : '')).toUpperCase();
}

export function StakeholderMapScreen() {
  const { t, tc, lang, formatNumber } = useI18n();
  const [pilotId, setPilotId] = useState('');
  const [kind, setKind] = useState<OrganisationKind | ''>('');
  const pilots = useLoad<PilotSummary[]>(() => invoke('pilots.list', {}), []);
  const points = useLoad<MapPoint[]>(
    () => invoke('map.people', { pilotId: pilotId ? Number(pilotId) : null, organisationKind: kind || null }),
    [pilotId, kind],
  );
  const { dots, overflow } = layout(points.data ?? []);
  const quadrants = [
    { key: 'keepSatisfied', x: LEFT, y: TOP, anchor: 'start' as const, className: 'q-satisfied' },
    { key: 'manageClosely', x: LEFT + GRID, y: TOP, anchor: 'end' as const, className: 'q-closely' },
    { key: 'monitor', x: LEFT, y: TOP + GRID / 2, anchor: 'start' as const, className: 'q-monitor' },
    { key: 'keepInformed', x: LEFT + GRID, y: TOP + GRID / 2, anchor: 'end' as const, className: 'q-informed' },
  ] as const;

  return (
    <div className="page">
      <PageHeader title={t('map.title')} subtitle={t('map.subtitle')} />
      <div className="toolbar">
        <div className="filters">
          <div className="filter">
            <label className="filter-label" htmlFor="map-pilot">
              {t('people.filterPilot')}
            </label>
            <select id="map-pilot" value={pilotId} onChange={(e) => setPilotId(e.target.value)}>
              <option value="">{t('filter.allPilots')}</option>
              {(pilots.data ?? []).map((p) => (
                <option key={p.id} value={p.id}>
                  {pilotName(p, lang)}
                </option>
              ))}
            </select>
          </div>
          <div className="filter">
            <label className="filter-label" htmlFor="map-kind">
              {t('people.filterKind')}
            </label>
            <select id="map-kind" value={kind} onChange={(e) => setKind(e.target.value as OrganisationKind | '')}>
              <option value="">{t('filter.allKinds')}</option>
              {ORGANISATION_KIND_LIST.map((k) => (
                <option key={k} value={k}>
                  {t(`kind.${k}`)}
                </option>
              ))}
            </select>
          </div>
        </div>
        <span className="muted" role="status" aria-live="polite">
          {points.data ? tc('map.count', points.data.length, { count: formatNumber(points.data.length) }) : ''}
        </span>
      </div>
      <ErrorBox message={points.error} onRetry={points.reload} />
      {points.loading && !points.data ? <Loading /> : null}
      {points.data && points.data.length === 0 ? (
        <div className="card map-empty">
          <EmptyState title={t('map.emptyTitle')} text={t('map.emptyText')}>
            <a className="button" href={href('/people')}>
              {t('map.toPeople')}
            </a>
          </EmptyState>
        </div>
      ) : null}
      <div className="map-layout">
        <div className="card map-card">
          <svg className="stakeholder-map" viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="group" aria-labelledby="map-svg-title" data-testid="stakeholder-map">
            <title id="map-svg-title">{t('map.svgTitle')}</title>
            {quadrants.map((q, i) => (
              <rect key={q.key} className={`quadrant ${q.className}`} x={LEFT + (i % 2) * (GRID / 2)} y={TOP + Math.floor(i / 2) * (GRID / 2)} width={GRID / 2} height={GRID / 2} />
            ))}
            {[0, 1, 2, 3, 4, 5].map((i) => (
              <g key={i} className="grid-lines">
                <line x1={LEFT + i * CELL} y1={TOP} x2={LEFT + i * CELL} y2={TOP + GRID} />
                <line x1={LEFT} y1={TOP + i * CELL} x2={LEFT + GRID} y2={TOP + i * CELL} />
              </g>
            ))}
            <line className="midline" x1={LEFT + GRID / 2} y1={TOP} x2={LEFT + GRID / 2} y2={TOP + GRID} />
            <line className="midline" x1={LEFT} y1={TOP + GRID / 2} x2={LEFT + GRID} y2={TOP + GRID / 2} />
            {quadrants.map((q) => (
              <text key={q.key} className="quadrant-label" x={q.anchor === 'start' ? q.x + 10 : q.x - 10} y={q.y + 20} textAnchor={q.anchor} aria-hidden="true">
                {t(`map.${q.key}`)}
              </text>
            ))}
            {[1, 2, 3, 4, 5].map((n) => (
              <g key={n} className="tick" aria-hidden="true">
                <text x={LEFT - 10} y={cellY(n) + CELL / 2 + 4} textAnchor="end">
                  {n}
                </text>
                <text x={cellX(n) + CELL / 2} y={TOP + GRID + 18} textAnchor="middle">
                  {n}
                </text>
              </g>
            ))}
            <text className="axis-label" x={LEFT + GRID / 2} y={HEIGHT - 10} textAnchor="middle" aria-hidden="true">
              {t('map.axisInterest')} →
            </text>
            <text className="axis-label" transform={`translate(20 ${TOP + GRID / 2}) rotate(-90)`} textAnchor="middle" aria-hidden="true">
              {t('map.axisPower')} →
            </text>
            {dots.map(({ point, cx, cy, r }) => {
              const label = t('map.dotLabel', {
                name: point.name,
                organisation: point.organisationName ? `, ${point.organisationName}` : '',
                power: String(point.power),
                interest: String(point.interest),
              });
              return (
                <a key={point.id} href={href(`/people/${point.id}`)} className="map-dot" aria-label={label}>
                  <title>{label}</title>
                  <circle cx={cx} cy={cy} r={r} />
                  {r >= 11 ? (
                    <text x={cx} y={cy + 4} textAnchor="middle" className="dot-initials" aria-hidden="true">
                      {initialsOf(point.name)}
                    </text>
                  ) : null}
                </a>
              );
            })}
            {overflow.map((o) => (
              <text key={`${o.x}:${o.y}`} x={o.x} y={o.y} textAnchor="end" className="overflow-label">
                {t('map.more', { count: String(o.count) })}
              </text>
            ))}
          </svg>
        </div>
        <aside className="map-legend card" aria-labelledby="map-legend-title">
          <h2 id="map-legend-title">{t('map.legendTitle')}</h2>
          <dl className="legend-list">
            <div>
              <dt>{t('map.manageClosely')}</dt>
              <dd>{t('map.manageCloselyText')}</dd>
            </div>
            <div>
              <dt>{t('map.keepSatisfied')}</dt>
              <dd>{t('map.keepSatisfiedText')}</dd>
            </div>
            <div>
              <dt>{t('map.keepInformed')}</dt>
              <dd>{t('map.keepInformedText')}</dd>
            </div>
            <div>
              <dt>{t('map.monitor')}</dt>
              <dd>{t('map.monitorText')}</dd>
            </div>
          </dl>
          <p className="hint">{t('map.onlyScored')}</p>
        </aside>
      </div>
    </div>
  );
}
