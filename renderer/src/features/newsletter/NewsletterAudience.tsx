import { useEffect, useState } from 'react';
import type { AudienceSummary, MailingListSummary } from '../../../../electron/commands/contract';
import { errorMessage, invoke } from '../../app/api';
import { ORGANISATION_KIND_LIST } from '../../app/constants';
import { useDebounced, useLoad } from '../../app/hooks';
import { pilotName, useI18n } from '../../app/i18n';
import type { PilotSummary } from '../../app/types';
import { useEditionEditor } from './EditionFields';
import { ErrorBox } from '../../ui/ui';
import type { Audience } from '../../../../db/shared/newsletter';

function toggle<T>(list: readonly T[], value: T): T[] {
  return list.includes(value) ? list.filter((v) => v !== value) : [...list, value];
}

/** Mailing lists, optionally narrowed by kind of organisation, pilot, region or tag; with the number of recipients. */
export function NewsletterAudience({ audience, onChange }: { audience: Audience; onChange: (audience: Audience) => void }) {
  const { t, tc, lang, formatNumber } = useI18n();
  const { issues, readOnly } = useEditionEditor();
  const lists = useLoad<MailingListSummary[]>(() => invoke('lists.list', {}), []);
  const pilots = useLoad<PilotSummary[]>(() => invoke('pilots.list', {}), []);
  const facets = useLoad(() => invoke('people.facets', {}), []);
  const [summary, setSummary] = useState<AudienceSummary | null>(null);
  const [summaryError, setSummaryError] = useState<string | null>(null);
  const debounced = useDebounced(audience, 250);
  const key = JSON.stringify(debounced);

  useEffect(() => {
    let live = true;
    invoke('newsletter.audience.summary', { audience: JSON.parse(key) as Audience }).then(
      (s) => {
        if (!live) return;
        setSummary(s);
        setSummaryError(null);
      },
      (err: unknown) => {
        if (live) setSummaryError(errorMessage(err));
      },
    );
    return () => {
      live = false;
    };
  }, [key]);

  const narrowed = audience.organisationKinds.length + audience.pilotIds.length + audience.regions.length + audience.tags.length;
  const listError = issues.get('audience.listIds') ?? issues.get('audience');
  const regions = [...new Set([...(facets.data?.regions ?? []), ...audience.regions])];
  const tags = [...new Set([...(facets.data?.tags ?? []), ...audience.tags])];

  return (
    <div className="nl-audience" data-path="audience">
      <fieldset className="field" data-path="audience.listIds" tabIndex={-1} aria-invalid={listError ? true : undefined} aria-describedby={listError ? 'audience-lists-error' : undefined}>
        <legend className="field-label">{t('news.audience.lists')}</legend>
        <ErrorBox message={lists.error} onRetry={lists.reload} />
        {lists.data && lists.data.length === 0 ? <p className="muted">{t('news.audience.noLists')}</p> : null}
        <div className="nl-pills">
          {(lists.data ?? []).map((list) => (
            <label key={list.id} className={audience.listIds.includes(list.id) ? 'nl-pill selected' : 'nl-pill'}>
              <input
                type="checkbox"
                checked={audience.listIds.includes(list.id)}
                disabled={readOnly}
                onChange={() => onChange({ ...audience, listIds: toggle(audience.listIds, list.id) })}
              />
              <span>{list.name}</span>
              <span className="nl-pill-count">{tc('news.audience.subscribed', list.counts.subscribed, { count: formatNumber(list.counts.subscribed) })}</span>
            </label>
          ))}
        </div>
        {listError ? (
          <p className="field-error" id="audience-lists-error">
            {listError}
          </p>
        ) : null}
      </fieldset>

      <details className="nl-narrow" open={narrowed > 0 || undefined}>
        <summary>
          {t('news.audience.narrow')}
          {narrowed > 0 ? <span className="badge">{formatNumber(narrowed)}</span> : null}
        </summary>
        <p className="hint">{t('news.audience.narrowHint')}</p>
        <PillGroup
          legend={t('news.audience.kinds')}
          options={ORGANISATION_KIND_LIST.map((k) => ({ value: k, label: t(`kind.${k}`) }))}
          selected={audience.organisationKinds}
          onToggle={(v) => onChange({ ...audience, organisationKinds: toggle(audience.organisationKinds, v) })}
          disabled={readOnly}
        />
        <PillGroup
          legend={t('news.audience.pilots')}
          options={(pilots.data ?? []).map((p) => ({ value: p.id, label: pilotName(p, lang) }))}
          selected={audience.pilotIds}
          onToggle={(v) => onChange({ ...audience, pilotIds: toggle(audience.pilotIds, v) })}
          disabled={readOnly}
        />
        {regions.length ? (
          <PillGroup
            legend={t('news.audience.regions')}
            options={regions.map((r) => ({ value: r, label: r }))}
            selected={audience.regions}
            onToggle={(v) => onChange({ ...audience, regions: toggle(audience.regions, v) })}
            disabled={readOnly}
          />
        ) : null}
        {tags.length ? (
          <PillGroup
            legend={t('news.audience.tags')}
            options={tags.map((r) => ({ value: r, label: r }))}
            selected={audience.tags}
            onToggle={(v) => onChange({ ...audience, tags: toggle(audience.tags, v) })}
            disabled={readOnly}
          />
        ) : null}
      </details>

      <p className="nl-audience-total" role="status" data-testid="audience-total">
        {summaryError ? (
          <span className="field-error">{summaryError}</span>
        ) : summary ? (
          <>
            <strong>{tc('news.audience.total', summary.total, { count: formatNumber(summary.total) })}</strong>{' '}
            <span className="muted">
              {t('news.audience.byLanguage', { nl: formatNumber(summary.byLanguage.nl), en: formatNumber(summary.byLanguage.en) })}
            </span>
          </>
        ) : (
          <span className="muted">{t('common.loading')}</span>
        )}
      </p>
    </div>
  );
}

function PillGroup<V extends string | number>({
  legend,
  options,
  selected,
  onToggle,
  disabled,
}: {
  legend: string;
  options: { value: V; label: string }[];
  selected: readonly V[];
  onToggle: (value: V) => void;
  disabled?: boolean;
}) {
  return (
    <fieldset className="field nl-pill-group">
      <legend className="field-label">{legend}</legend>
      <div className="nl-pills">
        {options.map((o) => (
          <label key={String(o.value)} className={selected.includes(o.value) ? 'nl-pill selected' : 'nl-pill'}>
            <input type="checkbox" checked={selected.includes(o.value)} disabled={disabled} onChange={() => onToggle(o.value)} />
            <span>{o.label}</span>
          </label>
        ))}
      </div>
    </fieldset>
  );
}
