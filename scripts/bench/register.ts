import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startCore, type Core } from '../../electron/core';
import type { Report } from './types';

// Fictional people only: invented name parts, addresses on example.org.
const FIRST = [
  'Jan', 'Anna', 'Pieter', 'Sanne', 'Daan', 'Emma', 'Lotte', 'Noah', 'Zoë', 'Noël', 'René', 'Chloë', 'Özlem', 'Mohammed',
  'Fatima', 'Sem', 'Julia', 'Lucas', 'Mila', 'Thijs', 'Eva', 'Bram', 'Iris', 'Ruben', 'Anouk', 'Joëlle', 'Anaïs', 'Hüseyin',
  'Björn', 'Sophie', 'Jesse', 'Fleur', 'Kees', 'Marieke', 'Youssef', 'Naomi', 'Wouter', 'Ilse', 'Gerrit', 'Esmée',
];
const LAST = [
  'Jansen', 'de Vries', 'van den Berg', 'Bakker', 'Visser', 'Smit', 'Meijer', 'de Boer', 'Mulder', 'de Groot', 'Bos', 'Vos',
  'Peters', 'Hendriks', 'van Leeuwen', 'Dekker', 'Brouwer', 'de Wit', 'Dijkstra', 'Smits', 'de Graaf', 'van der Meer',
  'van der Linden', 'Kok', 'Jacobs', 'de Haan', 'Vermeulen', 'van den Heuvel', 'van der Veen', 'van den Broek',
  "Huis in 't Veld", 'Yılmaz', 'Öztürk', 'Çelik', 'El Amrani', 'Müller', 'Kuipers', 'Veenstra', 'Wolters', 'ten Brink',
];
const PLACES = [
  'Almelo', 'Enschede', 'Hengelo', 'Zwolle', 'Deventer', 'Apeldoorn', 'Arnhem', 'Nijmegen', 'Ede', 'Barneveld', 'Renkum',
  'Wageningen', 'Oldenzaal', 'Kampen', 'Harderwijk', 'Doetinchem', 'Zutphen', 'Tiel', 'Culemborg', 'Hardenberg',
];
const ORG_KINDS = ['Gemeente', 'Politie team', 'Stichting Jeugdzorg', 'Scholengroep', 'Wijkteam', 'Jeugdbescherming', 'HALT team', 'Kennispunt'];
const JOBS = ['Beleidsmedewerker jeugd', 'Wijkagent', 'Jeugdconsulent', 'Teamleider', 'Officier van justitie', 'Raadsonderzoeker', 'Mentor', 'Onderzoeker', 'Zorgcoördinator', 'Projectleider'];

/** Deterministic pseudo-random numbers, so every run imports the same file. */
function rng(seed: number) {
  let s = seed >>> 0;
  return (n: number) => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s % n;
  };
}

interface Row {
  first: string;
  last: string;
  email: string;
  organisation: string;
  job: string;
  phone: string;
  language: 'nl' | 'en';
}

const ascii = (s: string) => s.normalize('NFKD').replace(/\p{M}/gu, '').replace(/ı/g, 'i').replace(/[^A-Za-z]+/g, '').toLowerCase();

export function makeRows(count: number): Row[] {
  const pick = rng(20251001);
  const rows: Row[] = [];
  for (let i = 0; i < count; i++) {
    const first = FIRST[pick(FIRST.length)]!;
    const last = LAST[pick(LAST.length)]!;
    rows.push({
      first,
      last,
      email: `${ascii(first)}.${ascii(last)}.${i}@example.org`,
      organisation: `${ORG_KINDS[pick(ORG_KINDS.length)]} ${PLACES[pick(PLACES.length)]}`,
      job: JOBS[pick(JOBS.length)]!,
      phone: `06 ${String(10_000_000 + pick(89_999_999))}`,
      language: pick(10) === 0 ? 'en' : 'nl',
    });
  }
  return rows;
}

export function toCsv(rows: Row[]): string {
  const field = (v: string) => (/[";\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
  const lines = ['Voornaam;Achternaam;E-mail;Organisatie;Functie;Telefoon;Taal'];
  for (const r of rows) lines.push([r.first, r.last, r.email, r.organisation, r.job, r.phone, r.language].map(field).join(';'));
  return '\ufeff' + lines.join('\r\n') + '\r\n';
}

async function withCore<T>(fn: (core: Core) => Promise<T>): Promise<T> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'schakel-bench-'));
  const core = await startCore({ dataDir, backup: { auto: false } });
  try {
    return await fn(core);
  } finally {
    await core.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function call<T>(core: Core, name: string, input: unknown): Promise<T> {
  const result = await core.registry.invoke(name, input);
  if (!result.ok) throw new Error(`${name}: ${result.error.message}`);
  return result.value as T;
}

/** Preview, validate and commit through the commands the import screen uses. */
async function importCsv(core: Core, csv: string): Promise<number> {
  const contentBase64 = Buffer.from(csv, 'utf8').toString('base64');
  const started = performance.now();
  const preview = await call<{ importId: string; suggestedMapping: Record<string, number> }>(core, 'import.preview', { fileName: 'bench.csv', contentBase64 });
  const options = { importId: preview.importId, mapping: preview.suggestedMapping, duplicates: 'skip' };
  const report = await call<{ invalid: unknown[] }>(core, 'import.validate', options);
  const result = await call<{ created: number }>(core, 'import.commit', options);
  const seconds = (performance.now() - started) / 1000;
  if (report.invalid.length) throw new Error(`bench file has ${report.invalid.length} invalid rows`);
  await call(core, 'import.discard', { importId: preview.importId });
  return result.created === 0 ? Number.NaN : seconds;
}

/**
 * The floor: the same people and addresses straight into SQLite, one prepared INSERT each, one transaction.
 * Sort key and search text are plain lower-cased strings of about the same size, so the indexes do the same
 * work; no parsing, no checks, no organisations.
 */
function rawInsert(core: Core, rows: Row[]): number {
  const { sqlite } = core.ctx;
  const person = sqlite.prepare(
    `INSERT INTO people (first_name, last_name, phone, job_title, language, sort_key, search_text, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const email = sqlite.prepare('INSERT INTO person_emails (person_id, email, email_norm, is_primary) VALUES (?, ?, ?, 1)');
  const now = new Date().toISOString();
  const started = performance.now();
  sqlite.transaction(() => {
    for (const r of rows) {
      const id = person.run(
        r.first, r.last, r.phone, r.job, r.language, `${r.last} ${r.first}`.toLowerCase(),
        `${r.first} ${r.last} ${r.email} ${r.organisation} ${r.job}`.toLowerCase(), now, now,
      ).lastInsertRowid;
      email.run(id, r.email, r.email);
    }
  })();
  return (performance.now() - started) / 1000;
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil(sorted.length * p) - 1)]!;
}

/** What people type into the search box: the first 1–6 characters of names, places, organisations, addresses. */
function searchQueries(): string[] {
  const words = [
    'zoë', 'noël', 'rené', 'özlem', 'chloë', 'joëlle', 'anaïs', 'hüseyin', 'esmée', 'björn', 'yılmaz', 'öztürk', 'çelik', 'müller',
    'jansen', 'van den', 'de vri', 'bakker', 'huis in', 'ten bri', 'el amr', 'dijkstra', 'hendriks', 'visser', 'meijer',
    'gemeen', 'politie', 'stichti', 'wijkteam', 'halt', 'enschede', 'zwolle', 'apeldo', 'wagening', 'doetinch',
    'beleid', 'wijkage', 'onderzo', 'zorgco', 'jan.', 'fleur.', 'example', 'sanne', 'thijs', 'mila', 'kees',
  ];
  const set = new Set<string>();
  for (const w of words) for (let n = 1; n <= Math.min(6, w.length); n++) set.add(w.slice(0, n).trimEnd());
  return [...set].filter(Boolean);
}

export async function run(report: Report): Promise<void> {
  const rows = makeRows(100_000);
  const csv = toCsv(rows);

  const raw = await withCore(async (core) => rawInsert(core, rows));
  const ours = await withCore((core) => importCsv(core, csv));
  report('import_100k_rows_s', ours, 's');
  report('raw_insert_100k_rows_s', raw, 's');
  report('import_vs_raw_insert_ratio', ours / raw, 'ratio');

  await withCore(async (core) => {
    await importCsv(core, toCsv(rows.slice(0, 50_000)));
    const queries = searchQueries();
    for (const q of queries.slice(0, 20)) await call(core, 'people.search', { query: q, limit: 100 });
    const times: number[] = [];
    const cpu: number[] = [];
    for (const query of queries) {
      const started = performance.now();
      const used = process.cpuUsage();
      await call(core, 'people.search', { query, limit: 100 });
      times.push(performance.now() - started);
      const spent = process.cpuUsage(used);
      cpu.push((spent.user + spent.system) / 1000);
    }
    const p95 = percentile(times, 0.95);
    console.error(
      `[bench] search: ${times.length} queries, median ${percentile(times, 0.5).toFixed(2)} ms, max ${percentile(times, 1).toFixed(2)} ms, ` +
        `p95 of CPU time ${percentile(cpu, 0.95).toFixed(2)} ms, load average ${os.loadavg()[0]!.toFixed(1)}`,
    );
    report('search_p95_ms_50k', p95, 'ms');
  });
}
