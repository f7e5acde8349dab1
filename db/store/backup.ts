import BetterSqlite3 from 'better-sqlite3';
import { existsSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync } from 'node:fs';
import path from 'node:path';
import { migrations } from './migrations/index';
import { SECRETS_DIR } from './secrets';
import { normaliseEmail } from '../shared/text';
import {
  classifyStorageError, createPrivateFile, fsyncPath, inspectFileHeader, makeDir, removeDatabaseFiles, restrictMode, storageError, StorageError,
  writeFileAtomic, type Messages,
} from './storage';
import type { BackupKind } from '../shared/status';

export const DEFAULT_BACKUP_FOLDER = 'backups';
export const BACKUP_SETTINGS_FILE = 'backup-settings.json';
export const DEFAULT_RETENTION_DAYS = 35;
export const KEEP_DAILY = 7;
export const KEEP_WEEKLY = 4;
/** Manual, safety and update backups kept besides the daily/weekly rotation (newest first). */
export const KEEP_OTHER = 10;
const DAY_MS = 24 * 60 * 60 * 1000;
const PAGES_PER_STEP = 2000;

export interface BackupSettings {
  /** Absolute folder chosen by the user; null: `backups/` in the data folder. */
  folder: string | null;
  /** No backup is kept longer than this (AVG); the newest good one excepted. */
  retentionDays: number;
}

export interface BackupCounts {
  people: number;
  organisations: number;
  /** null: the database has no such table (yet). */
  subscribers: number | null;
  editions: number | null;
}

export type SchemaState = 'current' | 'older' | 'newer' | 'foreign' | 'empty';

export interface SchemaStatus {
  state: SchemaState;
  applied: string[];
  /** Migrations this app has that the file lacks. */
  pending: string[];
  /** Migrations the file has that this app does not know (made by a newer Schakel). */
  unknown: string[];
}

export interface BackupFile {
  file: string;
  path: string;
  folder: string;
  kind: BackupKind;
  createdAt: string;
  sizeBytes: number;
}

export interface VerifiedBackup extends BackupFile {
  counts: BackupCounts;
  schema: SchemaStatus;
}

export interface BackupWithExpiry extends BackupFile {
  /** Deleted no later than this (the retention cap); rotation may delete it sooner. */
  expiresAt: string;
  /** Past its expiry but kept because it is the only good backup left. */
  keptAsOnlyGoodBackup: boolean;
}

let nativeBinding: string | undefined;

/** The better-sqlite3 build to use for the extra connections made here (the desktop shell's). */
export function useNativeBinding(binding: string | undefined): void {
  nativeBinding = binding;
}

/** A plain connection to a database file (not the app's), with the right native build. */
export function openSqliteFile(file: string, options: { readonly?: boolean } = {}): BetterSqlite3.Database {
  return new BetterSqlite3(file, { readonly: options.readonly ?? false, fileMustExist: true, ...(nativeBinding ? { nativeBinding } : {}) });
}

// ---------------------------------------------------------------------------------------------
// Settings (a small file in the data folder: it must be readable when the database is not)

export function readBackupSettings(dataDir: string): BackupSettings {
  const fallback: BackupSettings = { folder: null, retentionDays: DEFAULT_RETENTION_DAYS };
  try {
    const raw = JSON.parse(readFileSync(path.join(dataDir, BACKUP_SETTINGS_FILE), 'utf8')) as Partial<BackupSettings>;
    return {
      folder: typeof raw.folder === 'string' && path.isAbsolute(raw.folder) ? raw.folder : null,
      retentionDays:
        typeof raw.retentionDays === 'number' && Number.isInteger(raw.retentionDays) && raw.retentionDays >= 1
          ? raw.retentionDays
          : DEFAULT_RETENTION_DAYS,
    };
  } catch {
    return fallback;
  }
}

export function writeBackupSettings(dataDir: string, settings: BackupSettings): void {
  writeFileAtomic(path.join(dataDir, BACKUP_SETTINGS_FILE), JSON.stringify(settings, null, 2));
}

export function backupFolderOf(dataDir: string, settings: BackupSettings = readBackupSettings(dataDir)): string {
  return settings.folder ?? path.join(dataDir, DEFAULT_BACKUP_FOLDER);
}

// ---------------------------------------------------------------------------------------------
// Names: schakel-20261123T100000123Z-auto.db (UTC, milliseconds), -2, -3 … on a clash

const NAME = /^schakel-(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})(\d{3})Z-(auto|manual|safety|update)(?:-(\d+))?\.db$/;

function stamp(date: Date): string {
  return date.toISOString().replace(/[-:.]/g, '');
}

export function parseBackupName(file: string): { createdAt: string; kind: BackupKind } | null {
  const m = NAME.exec(file);
  if (!m) return null;
  const [, y, mo, d, h, mi, s, ms, kind] = m;
  const date = new Date(`${y}-${mo}-${d}T${h}:${mi}:${s}.${ms}Z`);
  if (Number.isNaN(date.getTime())) return null;
  return { createdAt: date.toISOString(), kind: kind as BackupKind };
}

function freeName(folder: string, date: Date, kind: BackupKind): string {
  const base = `schakel-${stamp(date)}-${kind}`;
  for (let n = 1; ; n++) {
    const name = n === 1 ? `${base}.db` : `${base}-${n}.db`;
    if (!existsSync(path.join(folder, name)) && !existsSync(path.join(folder, partialName(name)))) return name;
  }
}

const partialName = (name: string) => `.${name}.partial`;

/** Verified backups in a folder, newest first. Only files that passed their check carry a backup name. */
export function listBackupFiles(folder: string): BackupFile[] {
  let names: string[];
  try {
    names = readdirSync(folder);
  } catch {
    return [];
  }
  const out: BackupFile[] = [];
  for (const file of names) {
    const parsed = parseBackupName(file);
    if (!parsed) continue;
    const full = path.join(folder, file);
    let sizeBytes: number;
    try {
      const st = statSync(full);
      if (!st.isFile()) continue;
      sizeBytes = st.size;
    } catch {
      continue;
    }
    out.push({ file, path: full, folder, kind: parsed.kind, createdAt: parsed.createdAt, sizeBytes });
  }
  return out.sort((a, b) => (a.createdAt === b.createdAt ? b.file.localeCompare(a.file) : b.createdAt.localeCompare(a.createdAt)));
}

/** Makes the backups in a folder (and the keys beside them) owner-only; the folder itself only when it is ours to tighten. */
export function restrictBackupFolder(folder: string, includeFolder: boolean): void {
  if (includeFolder) restrictMode(folder);
  let names: string[];
  try {
    names = readdirSync(folder);
  } catch {
    return;
  }
  for (const name of names) {
    if (parseBackupName(name) || name === SECRETS_DIR) restrictMode(path.join(folder, name));
  }
  try {
    for (const name of readdirSync(path.join(folder, SECRETS_DIR))) restrictMode(path.join(folder, SECRETS_DIR, name));
  } catch {
    // no keys beside the backups
  }
}

/** Removes leftovers of backups that were interrupted (never counted as backups). */
export function removePartialBackups(folder: string): void {
  let names: string[];
  try {
    names = readdirSync(folder);
  } catch {
    return;
  }
  for (const name of names) {
    if (name.startsWith('.schakel-') && /\.partial(-wal|-shm|-journal)?$/.test(name)) {
      try { unlinkSync(path.join(folder, name)); } catch { /* ignore */ }
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Checks on a database file

const KNOWN = Object.keys(migrations).sort();
const FIRST_MIGRATION = KNOWN[0]!;

function tableNames(sqlite: BetterSqlite3.Database): Set<string> {
  const rows = sqlite.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`).all() as { name: string }[];
  return new Set(rows.map((r) => r.name));
}

/** Compares the file's migration table with the migrations this app knows. */
export function schemaStatus(sqlite: BetterSqlite3.Database): SchemaStatus {
  const tables = tableNames(sqlite);
  if (tables.size === 0) return { state: 'empty', applied: [], pending: [...KNOWN], unknown: [] };
  if (!tables.has('kysely_migration')) return { state: 'foreign', applied: [], pending: [], unknown: [] };
  const applied = (sqlite.prepare('SELECT name FROM kysely_migration ORDER BY name').all() as { name: string }[]).map((r) => r.name);
  if (!applied.includes(FIRST_MIGRATION) || !tables.has('people')) return { state: 'foreign', applied, pending: [], unknown: [] };
  const unknown = applied.filter((name) => !KNOWN.includes(name));
  const pending = KNOWN.filter((name) => !applied.includes(name));
  return { state: unknown.length ? 'newer' : pending.length ? 'older' : 'current', applied, pending, unknown };
}

const EDITION_TABLES = ['editions', 'newsletter_editions', 'newsletters'];

function columnsOf(sqlite: BetterSqlite3.Database, table: string): string[] {
  return (sqlite.prepare(`PRAGMA table_info("${table}")`).all() as { name: string }[]).map((c) => c.name);
}

/** Row counts; data whose tables do not exist (yet) count as null. */
export function countsOf(sqlite: BetterSqlite3.Database): BackupCounts {
  const tables = tableNames(sqlite);
  const scalar = (query: string) => Number((sqlite.prepare(query).get() as { n: number }).n);
  const count = (name: string) => scalar(`SELECT count(*) AS n FROM "${name}"`);
  let subscribers: number | null = null;
  if (tables.has('subscriptions') && ['person_id', 'status'].every((c) => columnsOf(sqlite, 'subscriptions').includes(c))) {
    subscribers = scalar(`SELECT count(DISTINCT person_id) AS n FROM subscriptions WHERE status = 'subscribed'`);
  } else if (tables.has('subscribers')) {
    subscribers = count('subscribers');
  }
  const editions = EDITION_TABLES.find((t) => tables.has(t));
  return {
    people: tables.has('people') ? count('people') : 0,
    organisations: tables.has('organisations') ? count('organisations') : 0,
    subscribers,
    editions: editions ? count(editions) : null,
  };
}

/** Runs PRAGMA integrity_check (or quick_check); a thrown corruption error counts as a failure. */
export function checkIntegrity(sqlite: BetterSqlite3.Database, mode: 'integrity_check' | 'quick_check' = 'integrity_check'): { ok: boolean; problems: string[] } {
  try {
    const rows = sqlite.pragma(mode) as Record<string, unknown>[];
    const problems = rows.map((r) => String(Object.values(r)[0])).filter((v) => v !== 'ok');
    return { ok: problems.length === 0 && rows.length > 0, problems };
  } catch (error) {
    const code = String((error as { code?: unknown }).code ?? '');
    if (code.startsWith('SQLITE_CORRUPT') || code.startsWith('SQLITE_NOTADB')) return { ok: false, problems: [String((error as Error).message)] };
    throw error;
  }
}

function openReadonly(file: string): BetterSqlite3.Database {
  try {
    return openSqliteFile(file, { readonly: true });
  } catch (error) {
    throw classifyStorageError(error, file) ?? error;
  }
}

/** Date, size, counts and schema of a backup file, or the reason it cannot be used. */
export function describeBackup(file: BackupFile): VerifiedBackup | (BackupFile & { problem: Messages }) {
  try {
    const sqlite = openReadonly(file.path);
    try {
      const schema = schemaStatus(sqlite);
      if (schema.state === 'foreign' || schema.state === 'empty') throw storageError('not_schakel_database', { path: file.path });
      return { ...file, counts: countsOf(sqlite), schema };
    } finally {
      sqlite.close();
    }
  } catch (error) {
    const fault = classifyStorageError(error, file.path);
    if (!fault) throw error;
    return { ...file, problem: fault.messages };
  }
}

// ---------------------------------------------------------------------------------------------
// Making a backup

async function waitUntilIdle(sqlite: BetterSqlite3.Database, timeoutMs = 60_000): Promise<void> {
  const start = Date.now();
  while (sqlite.inTransaction) {
    if (Date.now() - start > timeoutMs) throw storageError('database_busy');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/**
 * Online copy with SQLite's backup API: the app keeps reading and writing meanwhile
 * (writes through this connection are carried into the copy).
 */
export async function onlineCopy(sqlite: BetterSqlite3.Database, destination: string, pagesPerStep = PAGES_PER_STEP): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt++) {
    await waitUntilIdle(sqlite);
    createPrivateFile(destination);
    // A copy that starts while a write transaction is open transfers nothing: start again.
    const result = await sqlite.backup(destination, { progress: () => pagesPerStep });
    if (result.totalPages > 0 && existsSync(destination)) return;
    removeDatabaseFiles(destination);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw storageError('database_busy');
}

/**
 * Makes a fresh copy self-contained (rollback journal), runs integrity_check, checks it is a
 * Schakel database this app can open, and reads its counts. Faults name `reportPath`.
 */
export function checkCopy(file: string, reportPath: string = file): { counts: BackupCounts; schema: SchemaStatus } {
  let sqlite: BetterSqlite3.Database | null = null;
  try {
    sqlite = openSqliteFile(file);
    sqlite.pragma('journal_mode = DELETE');
    const integrity = checkIntegrity(sqlite, 'integrity_check');
    if (!integrity.ok) throw storageError('backup_damaged', { path: reportPath });
    const schema = schemaStatus(sqlite);
    if (schema.state === 'foreign' || schema.state === 'empty') throw storageError('not_schakel_database', { path: reportPath });
    if (schema.state === 'newer') throw storageError('newer_schema', { path: reportPath });
    return { counts: countsOf(sqlite), schema };
  } catch (error) {
    if (error instanceof StorageError) throw error;
    const fault = classifyStorageError(error, reportPath);
    if (fault?.code === 'database_damaged') throw storageError('backup_damaged', { path: reportPath }, error);
    throw fault ?? error;
  } finally {
    sqlite?.close();
  }
}

export interface CreateBackupOptions {
  folder: string;
  kind: BackupKind;
  now: Date;
  /** Pages copied between two turns of the event loop (default 2000, 8 MB). */
  pagesPerStep?: number;
}

const BACKUP_FAILED: Messages = { nl: 'De reservekopie is niet gemaakt.', en: 'The backup was not made.' };

/**
 * Online backup into `folder`, written under a temporary name, checked with integrity_check,
 * and only then given its backup name. A failed or unchecked copy leaves nothing behind.
 */
export async function createBackup(sqlite: BetterSqlite3.Database, options: CreateBackupOptions): Promise<VerifiedBackup> {
  const { folder, kind, now } = options;
  let partial: string | null = null;
  try {
    makeDir(folder);
    const name = freeName(folder, now, kind);
    partial = path.join(folder, partialName(name));
    removeDatabaseFiles(partial);
    await onlineCopy(sqlite, partial, options.pagesPerStep);
    const { counts, schema } = checkCopy(partial);
    fsyncPath(partial);
    const final = path.join(folder, name);
    renameSync(partial, final);
    partial = null;
    fsyncPath(folder);
    return { file: name, path: final, folder, kind, createdAt: now.toISOString(), sizeBytes: statSync(final).size, counts, schema };
  } catch (error) {
    if (partial) removeDatabaseFiles(partial);
    const fault = classifyStorageError(error, folder);
    if (!fault) throw error;
    throw fault.prefixed(BACKUP_FAILED);
  }
}

/** Copies any database file (also one in WAL mode) into `destination` through SQLite. */
export async function copyDatabaseFile(source: string, destination: string): Promise<void> {
  const header = inspectFileHeader(source);
  if (header === 'missing') throw storageError('backup_not_found', { path: source });
  if (header !== 'sqlite') throw storageError('not_schakel_database', { path: source });
  const sqlite = openReadonly(source);
  try {
    removeDatabaseFiles(destination);
    await onlineCopy(sqlite, destination);
  } catch (error) {
    removeDatabaseFiles(destination);
    throw classifyStorageError(error, source) ?? error;
  } finally {
    sqlite.close();
  }
}

// ---------------------------------------------------------------------------------------------
// Retention: 7 daily and 4 weekly automatic backups, other kinds up to 10, nothing past the cap,
// and never the only good one.

function localDayKey(iso: string): string {
  const d = new Date(iso);
  return `${d.getFullYear()}-${d.getMonth() + 1}-${d.getDate()}`;
}

function isoWeekKey(iso: string): string {
  const d = new Date(iso);
  const date = new Date(Date.UTC(d.getFullYear(), d.getMonth(), d.getDate()));
  date.setUTCDate(date.getUTCDate() + 4 - (date.getUTCDay() || 7)); // Thursday of this ISO week
  const yearStart = Date.UTC(date.getUTCFullYear(), 0, 1);
  return `${date.getUTCFullYear()}-W${Math.ceil(((date.getTime() - yearStart) / DAY_MS + 1) / 7)}`;
}

export function expiryOf(backup: BackupFile, retentionDays: number): Date {
  return new Date(new Date(backup.createdAt).getTime() + retentionDays * DAY_MS);
}

/** Which backups to keep and which to delete (input in any order). */
export function planRetention(backups: BackupFile[], now: Date, retentionDays: number): { keep: BackupFile[]; remove: BackupFile[] } {
  const sorted = [...backups].sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  const keep = new Set<BackupFile>();
  const withinCap = sorted.filter((b) => expiryOf(b, retentionDays).getTime() > now.getTime());
  const auto = withinCap.filter((b) => b.kind === 'auto');
  const newestPer = (key: (iso: string) => string, limit: number) => {
    const seen = new Set<string>();
    for (const b of auto) {
      const k = key(b.createdAt);
      if (seen.has(k)) continue;
      seen.add(k);
      if (seen.size > limit) break;
      keep.add(b);
    }
  };
  newestPer(localDayKey, KEEP_DAILY);
  newestPer(isoWeekKey, KEEP_WEEKLY);
  withinCap.filter((b) => b.kind !== 'auto').slice(0, KEEP_OTHER).forEach((b) => keep.add(b));
  if (keep.size === 0 && sorted.length > 0) keep.add(sorted[0]!);
  return { keep: sorted.filter((b) => keep.has(b)), remove: sorted.filter((b) => !keep.has(b)) };
}

/** Deletes the backups retention no longer keeps; returns the deleted ones. */
export function pruneBackups(folder: string, now: Date, retentionDays: number): BackupFile[] {
  const { remove } = planRetention(listBackupFiles(folder), now, retentionDays);
  const removed: BackupFile[] = [];
  for (const b of remove) {
    try {
      unlinkSync(b.path);
      removed.push(b);
    } catch {
      // tried again at the next backup
    }
  }
  return removed;
}

// ---------------------------------------------------------------------------------------------
// For the erasure feature

/** Every backup in the data folder's backup folder with the date it is deleted at the latest. */
export function listBackupsWithExpiry(dataDir: string, now: Date = new Date()): BackupWithExpiry[] {
  const settings = readBackupSettings(dataDir);
  const backups = listBackupFiles(backupFolderOf(dataDir, settings));
  const { keep } = planRetention(backups, now, settings.retentionDays);
  return backups.map((b) => {
    const expiresAt = expiryOf(b, settings.retentionDays);
    return {
      ...b,
      expiresAt: expiresAt.toISOString(),
      keptAsOnlyGoodBackup: expiresAt.getTime() <= now.getTime() && keep.includes(b),
    };
  });
}

export interface PersonRef {
  /** people.id; with createdAt, an id reused later for someone else does not match. */
  personId?: number;
  createdAt?: string;
  /** Any of the person's e-mail addresses (normalised here). */
  emails?: string[];
}

export interface BackupHolding extends BackupWithExpiry {
  /** The file could not be read: it may hold the person. */
  unreadable: boolean;
}

const EMAIL_COLUMNS = ['email_norm', 'email', 'subject_email'];

function holdsPerson(sqlite: BetterSqlite3.Database, person: PersonRef): boolean {
  const tables = tableNames(sqlite);
  if (person.personId !== undefined && tables.has('people')) {
    const row = sqlite.prepare('SELECT created_at FROM people WHERE id = ?').get(person.personId) as { created_at: string } | undefined;
    if (row && (person.createdAt === undefined || row.created_at === person.createdAt)) return true;
  }
  const emails = [...new Set((person.emails ?? []).map(normaliseEmail).filter(Boolean))];
  if (emails.length === 0) return false;
  const marks = emails.map(() => '?').join(',');
  for (const table of tables) {
    for (const col of columnsOf(sqlite, table).filter((c) => EMAIL_COLUMNS.includes(c))) {
      const expr = col === 'email_norm' ? `"${col}"` : `lower(trim("${col}"))`;
      if (sqlite.prepare(`SELECT 1 FROM "${table}" WHERE ${expr} IN (${marks}) LIMIT 1`).get(...emails)) return true;
    }
  }
  return false;
}

/**
 * The backups that still hold a person (by id, and/or by any of their e-mail addresses), with
 * the date each is deleted at the latest. Call it with the person's data from before the erasure.
 */
export async function listBackupsHolding(dataDir: string, person: PersonRef, now: Date = new Date()): Promise<BackupHolding[]> {
  const out: BackupHolding[] = [];
  for (const backup of listBackupsWithExpiry(dataDir, now)) {
    let holds: boolean;
    let unreadable = false;
    try {
      const sqlite = openSqliteFile(backup.path, { readonly: true });
      try {
        holds = holdsPerson(sqlite, person);
      } finally {
        sqlite.close();
      }
    } catch {
      holds = true;
      unreadable = true;
    }
    if (holds) out.push({ ...backup, unreadable });
    await new Promise((resolve) => setImmediate(resolve));
  }
  return out;
}

// ---------------------------------------------------------------------------------------------

/** The newest backup in the folder that passes quick_check and is a Schakel database this app can open. */
export function newestGoodBackup(folder: string): BackupFile | null {
  for (const backup of listBackupFiles(folder)) {
    try {
      const sqlite = openSqliteFile(backup.path, { readonly: true });
      try {
        const state = schemaStatus(sqlite).state;
        if (checkIntegrity(sqlite, 'quick_check').ok && (state === 'current' || state === 'older')) return backup;
      } finally {
        sqlite.close();
      }
    } catch {
      // try the next one
    }
  }
  return null;
}

export { StorageError };
export { BACKUP_KINDS } from '../shared/status';
export type { BackupKind } from '../shared/status';
