import { useState } from 'react';
import type { InteractionEntry } from '../../app/types';
import { errorMessage, invoke } from '../../app/api';
import { useI18n } from '../../app/i18n';
import { href } from '../../app/router';
import { ConfirmDialog } from '../../ui/Dialog';
import { EmptyState, Section, useToast } from '../../ui/ui';
import './register.css';

interface TimelineProps {
  entries: InteractionEntry[];
  onChanged: () => void;
  onLog?: () => void;
  /** What the page is about, so its own link is not repeated on each entry. */
  context?: { type: 'person' | 'organisation' | 'pilot'; id: number };
}

/** The contact log in its own section on a detail page, with a button to log a contact. */
export function TimelineSection({ onLog, ...props }: TimelineProps & { onLog: () => void }) {
  const { t } = useI18n();
  return (
    <Section
      title={t('timeline.title')}
      actions={
        <button type="button" className="button button-small" onClick={onLog}>
          {t('interaction.logShort')}
        </button>
      }
    >
      <Timeline {...props} onLog={onLog} />
    </Section>
  );
}

/** The contact log of a person, organisation or pilot, newest first. */
export function Timeline({ entries, onChanged, onLog, context }: TimelineProps) {
  const { t, formatDate } = useI18n();
  const toast = useToast();
  const [deleting, setDeleting] = useState<InteractionEntry | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  if (entries.length === 0) {
    return (
      <EmptyState title={t('timeline.emptyTitle')} text={t('timeline.emptyText')}>
        {onLog ? (
          <button type="button" className="button" onClick={onLog}>
            {t('interaction.log')}
          </button>
        ) : null}
      </EmptyState>
    );
  }

  const sorted = [...entries].sort((a, b) => (a.occurredOn < b.occurredOn ? 1 : a.occurredOn > b.occurredOn ? -1 : b.id - a.id));

  const confirmDelete = async () => {
    if (!deleting) return;
    setBusy(true);
    try {
      await invoke('interactions.delete', { id: deleting.id });
      setDeleting(null);
      setError(null);
      toast.show(t('timeline.deleted'));
      onChanged();
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <ol className="timeline" aria-label={t('timeline.title')}>
        {sorted.map((entry) => {
          const people = entry.people.filter((p) => !(context?.type === 'person' && context.id === p.id));
          const organisations = entry.organisations.filter((o) => !(context?.type === 'organisation' && context.id === o.id));
          const pilots = entry.pilots.filter((p) => !(context?.type === 'pilot' && context.id === p.id));
          return (
            <li key={entry.id} className="timeline-item">
              <span className={`timeline-dot kind-${entry.kind}`} aria-hidden="true" />
              <div className="timeline-content">
                <div className="timeline-meta">
                  <span className={`badge kind-${entry.kind}`}>{t(`interaction.${entry.kind}`)}</span>
                  <time dateTime={entry.occurredOn}>{formatDate(entry.occurredOn)}</time>
                  <button
                    type="button"
                    className="link-button timeline-delete"
                    onClick={() => {
                      setError(null);
                      setDeleting(entry);
                    }}
                    aria-label={t('timeline.deleteLabel', { date: formatDate(entry.occurredOn) })}
                  >
                    {t('common.delete')}
                  </button>
                </div>
                <p className="timeline-summary">{entry.summary}</p>
                {people.length + organisations.length + pilots.length > 0 ? (
                  <p className="timeline-links">
                    {people.length > 0 ? (
                      <span>
                        <span className="muted">{t('timeline.with')} </span>
                        {people.map((p, i) => (
                          <span key={p.id}>
                            {i > 0 ? ', ' : ''}
                            <a href={href(`/people/${p.id}`)}>{p.name}</a>
                          </span>
                        ))}
                      </span>
                    ) : null}
                    {organisations.length > 0 ? (
                      <span>
                        <span className="muted">{t('timeline.organisations')} </span>
                        {organisations.map((o, i) => (
                          <span key={o.id}>
                            {i > 0 ? ', ' : ''}
                            <a href={href(`/organisations/${o.id}`)}>{o.name}</a>
                          </span>
                        ))}
                      </span>
                    ) : null}
                    {pilots.length > 0 ? (
                      <span>
                        <span className="muted">{t('timeline.pilots')} </span>
                        {pilots.map((p, i) => (
                          <span key={p.id}>
                            {i > 0 ? ', ' : ''}
                            <a href={href(`/pilots/${p.id}`)}>{p.name}</a>
                          </span>
                        ))}
                      </span>
                    ) : null}
                  </p>
                ) : null}
              </div>
            </li>
          );
        })}
      </ol>
      {deleting ? (
        <ConfirmDialog
          title={t('timeline.deleteTitle')}
          message={<p>{t('timeline.deleteText', { date: formatDate(deleting.occurredOn) })}</p>}
          confirmLabel={t('common.delete')}
          danger
          busy={busy}
          error={error}
          onConfirm={() => void confirmDelete()}
          onCancel={() => setDeleting(null)}
        />
      ) : null}
    </>
  );
}
