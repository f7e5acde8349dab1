import { useEffect, useRef, useState, type DragEvent } from 'react';
import { errorMessage, invoke } from '../../app/api';
import { ErrorBox, PageHeader } from '../../ui/ui';
import { IMPORT_FIELD_LIST, ORGANISATION_KIND_LIST } from '../../app/constants';
import { useI18n } from '../../app/i18n';
import { href, navigate, useRoute } from '../../app/router';
import type { DuplicateMode, ImportField, ImportPreview, ImportProgress, ImportReport, ImportResult, OrganisationKind } from '../../app/types';
import './import.css';

type Step = 'choose' | 'map' | 'check' | 'run' | 'done';
type Mapping = Partial<Record<ImportField, number>>;
type KindChoice = Record<string, OrganisationKind>;

const MAX_FILE_BYTES = 30 * 1024 * 1024;
const LIST_LIMIT = 200;

function toBase64(buffer: ArrayBuffer): string {
  const bytes = new Uint8Array(buffer);
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}

function columnName(index: number): string {
  let n = index + 1;
  let s = '';
  while (n > 0) {
    const m = (n - 1) % 26;
    s = String.fromCharCode(65 + m) + s;
    n = Math.floor((n - 1) / 26);
  }
  return s;
}

export function ImportScreen() {
  const { t, lang } = useI18n();
  const [step, setStep] = useState<Step>('choose');
  const [preview, setPreview] = useState<ImportPreview | null>(null);
  const [mapping, setMapping] = useState<Mapping>({});
  const [duplicates, setDuplicates] = useState<DuplicateMode>('skip');
  const [kinds, setKinds] = useState<KindChoice>({});
  const [report, setReport] = useState<ImportReport | null>(null);
  const [progress, setProgress] = useState<ImportProgress | null>(null);
  const [result, setResult] = useState<ImportResult | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const importId = useRef<string | null>(null);
  const committed = useRef(false);
  const route = useRoute();

  // Leaving the screen half-way throws the parsed file away on the server.
  useEffect(
    () => () => {
      if (importId.current && !committed.current) void invoke('import.discard', { importId: importId.current }).catch(() => undefined);
    },
    [],
  );

  const reset = () => {
    setStep('choose');
    setPreview(null);
    setMapping({});
    setKinds({});
    setReport(null);
    setProgress(null);
    setResult(null);
    setError(null);
    importId.current = null;
    committed.current = false;
  };

  // The finished screen lives at #/import?done, so the sidebar's #/import starts a new import.
  const atDone = route.query.has('done');
  useEffect(() => {
    if (step === 'done' && !atDone) reset();
  }, [step, atDone]);

  const cancel = async () => {
    const id = importId.current;
    reset();
    if (id) await invoke('import.discard', { importId: id }).catch(() => undefined);
  };

  const readFile = async (file: File) => {
    setError(null);
    if (file.size > MAX_FILE_BYTES) {
      setError(t('import.tooLarge'));
      return;
    }
    setBusy(true);
    try {
      const buffer = await file.arrayBuffer();
      const previous = importId.current;
      const next = await invoke('import.preview', { fileName: file.name, contentBase64: toBase64(buffer) });
      if (previous) void invoke('import.discard', { importId: previous }).catch(() => undefined);
      importId.current = next.importId;
      committed.current = false;
      setPreview(next);
      setMapping({ ...next.suggestedMapping });
      setKinds({});
      setReport(null);
      setStep('map');
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  const validate = async () => {
    if (!preview) return;
    setBusy(true);
    setError(null);
    try {
      const next = await invoke('import.validate', { importId: preview.importId, mapping, duplicates, lang, organisationKinds: kinds });
      setReport(next);
      setStep('check');
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  const commit = async () => {
    if (!preview) return;
    setBusy(true);
    setError(null);
    setStep('run');
    setProgress({ phase: 'validating', done: 0, total: report?.total ?? preview.rowCount });
    let running = true;
    const poll = async () => {
      while (running) {
        await new Promise((r) => window.setTimeout(r, 200));
        if (!running) break;
        try {
          const p = await invoke('import.progress', { importId: preview.importId });
          if (running) setProgress(p);
        } catch {
          // The import may already be finished and forgotten; the commit's answer decides.
        }
      }
    };
    void poll();
    try {
      const done = await invoke('import.commit', { importId: preview.importId, mapping, duplicates, lang, organisationKinds: kinds });
      committed.current = true;
      importId.current = null;
      if (window.location.hash.startsWith('#/import')) navigate('/import?done', { replace: true });
      setResult(done);
      setStep('done');
    } catch (err) {
      setError(errorMessage(err));
      setStep('check');
    } finally {
      running = false;
      setBusy(false);
    }
  };

  const steps: { key: Step; label: string }[] = [
    { key: 'choose', label: t('import.stepChoose') },
    { key: 'map', label: t('import.stepMap') },
    { key: 'check', label: t('import.stepCheck') },
    { key: 'done', label: t('import.stepDone') },
  ];
  const stepIndex = step === 'run' ? 3 : steps.findIndex((s) => s.key === step);

  return (
    <div className="page">
      <PageHeader title={t('import.title')} subtitle={t('import.subtitle')} />
      <ol className="steps" aria-label={t('import.stepsLabel')}>
        {steps.map((s, i) => (
          <li key={s.key} className={i === stepIndex ? 'step current' : i < stepIndex ? 'step done' : 'step'} aria-current={i === stepIndex ? 'step' : undefined}>
            <span className="step-number" aria-hidden="true">
              {i < stepIndex ? '✓' : i + 1}
            </span>
            {s.label}
          </li>
        ))}
      </ol>
      <ErrorBox message={error} />
      {step === 'choose' ? <ChooseStep busy={busy} onFile={(v) => void readFile(v)} /> : null}
      {step === 'map' && preview ? (
        <MapStep
          preview={preview}
          mapping={mapping}
          onMapping={setMapping}
          duplicates={duplicates}
          onDuplicates={setDuplicates}
          busy={busy}
          onValidate={() => void validate()}
          onCancel={() => void cancel()}
        />
      ) : null}
      {step === 'check' && report ? (
        <CheckStep
          report={report}
          duplicates={duplicates}
          kinds={kinds}
          onKind={(name, kind) => setKinds((k) => ({ ...k, [name]: kind }))}
          busy={busy}
          onBack={() => setStep('map')}
          onCommit={() => void commit()}
          onCancel={() => void cancel()}
        />
      ) : null}
      {step === 'run' ? <RunStep progress={progress} /> : null}
      {step === 'done' && result ? <DoneStep result={result} onAgain={reset} /> : null}
    </div>
  );
}

function ChooseStep({ busy, onFile }: { busy: boolean; onFile: (file: File) => void }) {
  const { t } = useI18n();
  const [dragging, setDragging] = useState(false);
  const onDrop = (event: DragEvent) => {
    event.preventDefault();
    setDragging(false);
    const file = event.dataTransfer.files[0];
    if (file) onFile(file);
  };
  return (
    <section className="card section" aria-labelledby="choose-title">
      <h2 id="choose-title">{t('import.chooseTitle')}</h2>
      <div
        className={dragging ? 'dropzone dragging' : 'dropzone'}
        onDragOver={(e) => {
          e.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={onDrop}
      >
        <p>{t('import.dropHint')}</p>
        <label className="button button-primary file-button">
          {busy ? t('import.reading') : t('import.chooseFile')}
          <input
            type="file"
            accept=".csv,.txt,text/csv"
            className="file-input"
            disabled={busy}
            data-testid="import-file"
            onChange={(e) => {
              const file = e.target.files?.[0];
              if (file) onFile(file);
              e.target.value = '';
            }}
          />
        </label>
      </div>
      <ul className="hint-list">
        <li>{t('import.hintOutlook')}</li>
        <li>{t('import.hintExcel')}</li>
        <li>{t('import.hintSafe')}</li>
      </ul>
    </section>
  );
}

function MapStep({
  preview,
  mapping,
  onMapping,
  duplicates,
  onDuplicates,
  busy,
  onValidate,
  onCancel,
}: {
  preview: ImportPreview;
  mapping: Mapping;
  onMapping: (m: Mapping) => void;
  duplicates: DuplicateMode;
  onDuplicates: (d: DuplicateMode) => void;
  busy: boolean;
  onValidate: () => void;
  onCancel: () => void;
}) {
  const { t, tc, formatNumber } = useI18n();
  const delimiterName = preview.delimiter === ';' ? t('import.delimSemicolon') : preview.delimiter === ',' ? t('import.delimComma') : t('import.delimTab');
  const hasName = mapping.fullName !== undefined || mapping.firstName !== undefined || mapping.lastName !== undefined;
  const headerLabel = (i: number) => `${columnName(i)}: ${preview.headers[i] || t('import.noHeader')}`;

  return (
    <>
      <section className="card section" aria-labelledby="file-title">
        <h2 id="file-title">{preview.fileName}</h2>
        <dl className="file-facts">
          <div>
            <dt>{t('import.rows')}</dt>
            <dd>{formatNumber(preview.rowCount)}</dd>
          </div>
          <div>
            <dt>{t('import.encoding')}</dt>
            <dd>{preview.encoding === 'utf-8' ? 'UTF-8' : 'Windows-1252'}</dd>
          </div>
          <div>
            <dt>{t('import.delimiter')}</dt>
            <dd>{delimiterName}</dd>
          </div>
          <div>
            <dt>{t('import.layout')}</dt>
            <dd>{t(`import.layout.${preview.layout}`)}</dd>
          </div>
        </dl>
        <h3>{t('import.previewTitle', { count: String(preview.sampleRows.length) })}</h3>
        <div className="table-scroll" tabIndex={0} role="region" aria-label={t('import.previewTitle', { count: String(preview.sampleRows.length) })}>
          <table className="table table-compact">
            <thead>
              <tr>
                {preview.headers.map((h, i) => (
                  <th key={i} scope="col">
                    <span className="col-letter">{columnName(i)}</span> {h}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {preview.sampleRows.map((row, r) => (
                <tr key={r}>
                  {preview.headers.map((_, c) => (
                    <td key={c}>{row[c] ?? ''}</td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>

      <section className="card section" aria-labelledby="mapping-title">
        <h2 id="mapping-title">{t('import.mappingTitle')}</h2>
        <p className="muted">{t('import.mappingText')}</p>
        <div className="mapping-grid">
          {IMPORT_FIELD_LIST.map((field) => (
            <div key={field} className="mapping-row">
              <label htmlFor={`map-${field}`}>{t(`importField.${field}`)}</label>
              <select
                id={`map-${field}`}
                value={mapping[field] === undefined ? '' : String(mapping[field])}
                onChange={(e) => {
                  const next = { ...mapping };
                  if (e.target.value === '') delete next[field];
                  else next[field] = Number(e.target.value);
                  onMapping(next);
                }}
              >
                <option value="">{t('import.notUsed')}</option>
                {preview.headers.map((_, i) => (
                  <option key={i} value={i}>
                    {headerLabel(i)}
                  </option>
                ))}
              </select>
            </div>
          ))}
        </div>
        {!hasName ? (
          <p className="alert alert-warning" role="status">
            {t('import.needName')}
          </p>
        ) : null}
        <fieldset className="field duplicates-choice">
          <legend className="field-label">{t('import.duplicatesTitle')}</legend>
          <label className="radio-block">
            <input type="radio" name="duplicates" value="skip" checked={duplicates === 'skip'} onChange={() => onDuplicates('skip')} />
            <span>
              <strong>{t('import.dupSkip')}</strong>
              <span className="muted"> — {t('import.dupSkipText')}</span>
            </span>
          </label>
          <label className="radio-block">
            <input type="radio" name="duplicates" value="merge" checked={duplicates === 'merge'} onChange={() => onDuplicates('merge')} />
            <span>
              <strong>{t('import.dupMerge')}</strong>
              <span className="muted"> — {t('import.dupMergeText')}</span>
            </span>
          </label>
        </fieldset>
        <div className="form-actions">
          <button type="button" className="button" onClick={onCancel}>
            {t('common.cancel')}
          </button>
          <button type="button" className="button button-primary" onClick={onValidate} disabled={busy || !hasName}>
            {busy ? t('import.checking') : t('import.check')}
          </button>
        </div>
        <p className="hint">{tc('import.nothingWritten', preview.rowCount, { count: formatNumber(preview.rowCount) })}</p>
      </section>
    </>
  );
}

function CheckStep({
  report,
  duplicates,
  kinds,
  onKind,
  busy,
  onBack,
  onCommit,
  onCancel,
}: {
  report: ImportReport;
  duplicates: DuplicateMode;
  kinds: KindChoice;
  onKind: (name: string, kind: OrganisationKind) => void;
  busy: boolean;
  onBack: () => void;
  onCommit: () => void;
  onCancel: () => void;
}) {
  const { t, tc, formatNumber, formatDate } = useI18n();
  const willWrite = report.toCreate + report.toUpdate;
  const nothingText =
    report.duplicates.length === 0 ? 'import.nothingValid' : duplicates === 'merge' ? 'import.nothingToMerge' : 'import.nothingToImport';
  return (
    <section className="card section" aria-labelledby="report-title">
      <h2 id="report-title">{t('import.reportTitle')}</h2>
      <ul className="stat-grid stat-grid-small" data-testid="import-report">
        <li className="stat">
          <span className="stat-value">{formatNumber(report.total)}</span>
          <span className="stat-label">{t('import.statTotal')}</span>
        </li>
        <li className="stat">
          <span className="stat-value">{formatNumber(report.toCreate)}</span>
          <span className="stat-label">{t('import.statNew')}</span>
        </li>
        <li className="stat">
          <span className="stat-value">{formatNumber(report.duplicates.length)}</span>
          <span className="stat-label">{t('import.statDuplicates')}</span>
        </li>
        <li className={report.invalid.length ? 'stat stat-warn' : 'stat'}>
          <span className="stat-value">{formatNumber(report.invalid.length)}</span>
          <span className="stat-label">{t('import.statInvalid')}</span>
        </li>
      </ul>

      {report.invalid.length > 0 ? (
        <div className="report-block">
          <h3>{t('import.invalidTitle')}</h3>
          <p className="muted">{t('import.invalidText')}</p>
          <ul className="problem-list" data-testid="import-invalid">
            {report.invalid.slice(0, LIST_LIMIT).map((problem) => (
              <li key={problem.line}>
                <span className="line-no">{t('import.line', { line: String(problem.line) })}</span>
                <span>{problem.reasons.join(' · ')}</span>
              </li>
            ))}
          </ul>
          {report.invalid.length > LIST_LIMIT ? <p className="muted">{t('import.andMore', { count: formatNumber(report.invalid.length - LIST_LIMIT) })}</p> : null}
        </div>
      ) : null}

      {report.duplicates.length > 0 ? (
        <div className="report-block">
          <h3>{t('import.duplicatesListTitle')}</h3>
          <p className="muted">{duplicates === 'merge' ? t('import.dupWillMerge') : t('import.dupWillSkip')}</p>
          <ul className="problem-list" data-testid="import-duplicates">
            {report.duplicates.slice(0, LIST_LIMIT).map((d) => (
              <li key={`${d.line}-${d.email}`}>
                <span className="line-no">{t('import.line', { line: String(d.line) })}</span>
                <span>
                  {d.email} — {d.inFile ? t('import.dupInFile') : t('import.dupExisting')}:{' '}
                  <strong>{d.name || t('import.dupNoName')}</strong>
                  {d.organisation ? ` (${d.organisation})` : ''}
                </span>
              </li>
            ))}
          </ul>
          {report.duplicates.length > LIST_LIMIT ? <p className="muted">{t('import.andMore', { count: formatNumber(report.duplicates.length - LIST_LIMIT) })}</p> : null}
        </div>
      ) : null}

      {report.suppressed.length > 0 ? (
        <div className="report-block">
          <h3>{t('import.suppressedTitle')}</h3>
          <p className="muted">{t('import.suppressedText')}</p>
          <ul className="problem-list" data-testid="import-suppressed">
            {report.suppressed.slice(0, LIST_LIMIT).map((d) => (
              <li key={`${d.line}-${d.email}`}>
                <span className="line-no">{t('import.line', { line: String(d.line) })}</span>
                <span>
                  {d.email} — {d.reason} ({formatDate(d.since)})
                </span>
              </li>
            ))}
          </ul>
          {report.suppressed.length > LIST_LIMIT ? <p className="muted">{t('import.andMore', { count: formatNumber(report.suppressed.length - LIST_LIMIT) })}</p> : null}
        </div>
      ) : null}

      {report.newOrganisations.length > 0 ? (
        <div className="report-block">
          <h3 id="new-orgs-title">{t('import.newOrganisations')}</h3>
          <p className="muted">{t('import.newOrganisationsText')}</p>
          <table className="table table-compact" aria-labelledby="new-orgs-title" data-testid="import-organisations">
            <thead>
              <tr>
                <th scope="col">{t('import.orgName')}</th>
                <th scope="col">{t('import.orgKind')}</th>
                <th scope="col">{t('import.orgKindSource')}</th>
              </tr>
            </thead>
            <tbody>
              {report.newOrganisations.slice(0, LIST_LIMIT).map((o) => (
                <tr key={o.name}>
                  <td>{o.name}</td>
                  <td>
                    <select
                      aria-label={t('import.orgKindOf', { name: o.name })}
                      value={kinds[o.name] ?? o.kind}
                      onChange={(e) => onKind(o.name, e.target.value as OrganisationKind)}
                    >
                      {ORGANISATION_KIND_LIST.map((k) => (
                        <option key={k} value={k}>
                          {t(`kind.${k}`)}
                        </option>
                      ))}
                    </select>
                  </td>
                  <td className="muted">{o.kindFromFile ? t('import.orgKindFromFile') : t('import.orgKindGuessed')}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {report.newOrganisations.length > LIST_LIMIT ? <p className="muted">{t('import.andMore', { count: formatNumber(report.newOrganisations.length - LIST_LIMIT) })}</p> : null}
        </div>
      ) : null}

      {willWrite > 0 ? (
        <>
          <p className="confirm-line">
            {report.toUpdate > 0 && report.toCreate === 0
              ? tc('import.confirmUpdate', willWrite, { count: formatNumber(willWrite) })
              : report.toUpdate > 0
              ? tc('import.confirmMerge', willWrite, { count: formatNumber(willWrite), created: formatNumber(report.toCreate), updated: formatNumber(report.toUpdate) })
              : tc('import.confirmText', willWrite, { count: formatNumber(willWrite) })}
          </p>
          <div className="form-actions">
            <button type="button" className="button" onClick={onCancel}>
              {t('common.cancel')}
            </button>
            <button type="button" className="button" onClick={onBack}>
              {t('import.backToMapping')}
            </button>
            <button type="button" className="button button-primary" onClick={onCommit} disabled={busy}>
              {t('import.commit')}
            </button>
          </div>
        </>
      ) : (
        <>
          <p className="confirm-line" role="status" data-testid="import-nothing">
            {t(nothingText)}
          </p>
          <div className="form-actions">
            <button type="button" className="button" onClick={onBack}>
              {t('import.backToMapping')}
            </button>
            <button type="button" className="button button-primary" onClick={onCancel}>
              {t('import.finish')}
            </button>
          </div>
        </>
      )}
    </section>
  );
}

function RunStep({ progress }: { progress: ImportProgress | null }) {
  const { t, formatNumber } = useI18n();
  const total = progress?.total ?? 0;
  const done = progress?.done ?? 0;
  const pct = total > 0 ? Math.round((done / total) * 100) : 0;
  return (
    <section className="card section" aria-labelledby="run-title">
      <h2 id="run-title">{t('import.running')}</h2>
      <div className="progress" role="progressbar" aria-valuemin={0} aria-valuemax={100} aria-valuenow={pct} aria-label={t('import.progressLabel')}>
        <div className="progress-bar" style={{ width: `${pct}%` }} />
      </div>
      <p className="muted">
        {t(`import.phase.${progress?.phase ?? 'validating'}`)} — {t('import.progressText', { done: formatNumber(done), total: formatNumber(total), pct: String(pct) })}
      </p>
      <p className="hint">{t('import.keepOpen')}</p>
    </section>
  );
}

function DoneStep({ result, onAgain }: { result: ImportResult; onAgain: () => void }) {
  const { t, formatNumber } = useI18n();
  const items = [
    { label: t('import.resCreated'), value: result.created },
    { label: t('import.resMerged'), value: result.merged },
    { label: t('import.resSkipped'), value: result.skipped },
    { label: t('import.resInvalid'), value: result.invalid },
    { label: t('import.resOrganisations'), value: result.organisationsCreated },
  ];
  return (
    <section className="card section" aria-labelledby="done-title">
      <h2 id="done-title">{t('import.doneTitle')}</h2>
      <ul className="stat-grid stat-grid-small" data-testid="import-result">
        {items.map((item) => (
          <li key={item.label} className="stat">
            <span className="stat-value">{formatNumber(item.value)}</span>
            <span className="stat-label">{item.label}</span>
          </li>
        ))}
      </ul>
      <div className="form-actions">
        <button type="button" className="button" onClick={onAgain}>
          {t('import.again')}
        </button>
        <a className="button button-primary" href={href('/people')}>
          {t('import.toPeople')}
        </a>
      </div>
    </section>
  );
}
