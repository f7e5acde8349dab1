import { useState } from 'react';
import { errorMessage, invoke } from '../../app/api';
import { ErrorBox, Loading, PageHeader, useToast } from '../../ui/ui';
import { useLoad } from '../../app/hooks';
import { pilotName, useI18n } from '../../app/i18n';
import { useNotices } from '../../app/notices';
import { href } from '../../app/router';
import type { AppInfo, PilotSummary } from '../../app/types';
import { pauseShort } from '../sending/Sending';
import './start.css';

export function StartScreen() {
  const { t, tc, lang, formatNumber } = useI18n();
  const toast = useToast();
  const info = useLoad<AppInfo>(() => invoke('app.info', {}), []);
  const pilots = useLoad<PilotSummary[]>(() => invoke('pilots.list', {}), []);
  const notices = useNotices();
  const [loadingDemo, setLoadingDemo] = useState(false);
  const [demoError, setDemoError] = useState<string | null>(null);

  const loadDemo = async () => {
    setLoadingDemo(true);
    setDemoError(null);
    try {
      const { added } = await invoke('app.loadDemo', {});
      toast.show(tc('start.demoAdded', added, { count: formatNumber(added) }));
      info.reload();
      pilots.reload();
    } catch (err) {
      setDemoError(errorMessage(err));
    } finally {
      setLoadingDemo(false);
    }
  };

  const counts = info.data?.counts;
  const tiles: { key: string; label: string; value: number | undefined; to?: string }[] = [
    { key: 'people', label: t('start.countPeople'), value: counts?.people, to: '/people' },
    { key: 'organisations', label: t('start.countOrganisations'), value: counts?.organisations, to: '/organisations' },
    { key: 'pilots', label: t('start.countPilots'), value: counts?.pilots, to: '/pilots' },
    { key: 'interactions', label: t('start.countInteractions'), value: counts?.interactions },
  ];

  return (
    <div className="page">
      <PageHeader title={t('start.title')} subtitle={t('start.subtitle')} />
      <ErrorBox message={info.error} onRetry={info.reload} />
      <SendingNotices />

      <section aria-labelledby="counts-title">
        <h2 id="counts-title" className="visually-hidden">
          {t('start.countsTitle')}
        </h2>
        <ul className="stat-grid">
          {tiles.map((tile) => (
            <li key={tile.key}>
              {tile.to ? (
                <a className="stat card" href={href(tile.to)} data-testid={`count-${tile.key}`}>
                  <span className="stat-value">{tile.value === undefined ? '…' : formatNumber(tile.value)}</span>
                  <span className="stat-label">{tile.label}</span>
                </a>
              ) : (
                <div className="stat card" data-testid={`count-${tile.key}`}>
                  <span className="stat-value">{tile.value === undefined ? '…' : formatNumber(tile.value)}</span>
                  <span className="stat-label">{tile.label}</span>
                </div>
              )}
            </li>
          ))}
        </ul>
      </section>

      {info.data && info.data.counts.people === 0 ? (
        <section className="card demo-card" aria-labelledby="demo-title">
          <h2 id="demo-title">{t('start.emptyTitle')}</h2>
          <p>{t('start.emptyText')}</p>
          <div className="button-row">
            <a className="button" href={href('/people/new')}>
              {t('people.new')}
            </a>
            <a className="button" href={href('/import')}>
              {t('start.importCsv')}
            </a>
            <button type="button" className="button button-primary" onClick={() => void loadDemo()} disabled={loadingDemo}>
              {loadingDemo ? t('start.demoLoading') : t('start.loadDemo')}
            </button>
          </div>
          <p className="hint">{t('start.demoExplain')}</p>
          <ErrorBox message={demoError} />
        </section>
      ) : null}

      {/* Later features (consent requests, review queue) add their warnings through notices.ts. */}
      <section className="card notices" aria-labelledby="notices-title" data-testid="dashboard-notices">
        <h2 id="notices-title">{t('start.noticesTitle')}</h2>
        {notices.length === 0 ? (
          <p className="muted">{t('start.noticesEmpty')}</p>
        ) : (
          <ul className="notice-list">
            {notices.map((notice) => (
              <li key={notice.id} className={`notice notice-${notice.tone}`}>
                <span>{notice.text[lang]}</span>
                {notice.href ? (
                  <a href={href(notice.href)} className="notice-link">
                    {t('start.noticeOpen')}
                  </a>
                ) : null}
              </li>
            ))}
          </ul>
        )}
      </section>

      <section aria-labelledby="pilots-title">
        <div className="section-header">
          <h2 id="pilots-title">{t('start.pilotsTitle')}</h2>
          <a href={href('/pilots')}>{t('start.allPilots')}</a>
        </div>
        <ErrorBox message={pilots.error} onRetry={pilots.reload} />
        {pilots.loading && !pilots.data ? <Loading /> : null}
        <ul className="pilot-grid">
          {(pilots.data ?? []).map((pilot) => (
            <li key={pilot.id}>
              <a className="card pilot-card" href={href(`/pilots/${pilot.id}`)}>
                <span className="pilot-card-title">{pilotName(pilot, lang)}</span>
                <span className="pilot-card-region">
                  {pilot.region}
                  {pilot.municipalities ? ` · ${pilot.municipalities}` : ''}
                </span>
                {pilot.phase ? <span className="badge">{pilot.phase}</span> : null}
                <span className="pilot-card-foot muted">{tc('pilots.peopleCount', pilot.peopleCount, { count: formatNumber(pilot.peopleCount) })}</span>
              </a>
            </li>
          ))}
        </ul>
      </section>
    </div>
  );
}

/** Send jobs that need someone: recipients with an unknown outcome, or a job that stopped by itself. */
function SendingNotices() {
  const { t, formatNumber } = useI18n();
  const jobs = useLoad(() => invoke('sending.jobs.list', {}), []);
  const open = (jobs.data ?? []).filter((j) => j.counts.uncertain > 0 || j.status === 'paused');
  if (!open.length) return null;
  return (
    <div className="alert alert-warning" role="status" data-testid="sending-notices">
      <ul className="plain-list">
        {open.map((j) => (
          <li key={j.id}>
            <a href={href(`/sending/${j.id}`)}>
              {j.counts.uncertain > 0
                ? t('start.sendingUncertain', { n: String(j.editionNumber), count: formatNumber(j.counts.uncertain) })
                : t('start.sendingPaused', { n: String(j.editionNumber), reason: pauseShort(j.pause?.reason ?? 'user', t) })}
            </a>
          </li>
        ))}
      </ul>
    </div>
  );
}
