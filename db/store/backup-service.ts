import type BetterSqlite3 from 'better-sqlite3';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readdirSync, renameSync, statSync, unlinkSync } from 'node:fs';
import path from 'node:path';
import { SECRETS_DIR } from './secrets';
import {
  backupFolderOf, checkCopy, expiryOf, checkIntegrity, copyDatabaseFile, createBackup, DEFAULT_BACKUP_FOLDER, describeBackup,
  listBackupFiles, listBackupsWithExpiry, newestGoodBackup, openSqliteFile, useNativeBinding, parseBackupName, pruneBackups, readBackupSettings,
  removePartialBackups, restrictBackupFolder, schemaStatus, writeBackupSettings,
  type BackupCounts, type BackupFile, type BackupSettings, type VerifiedBackup,
} from './backup';
import { DATABASE_FILE, migrateToLatest, openDatabase, type OpenedDatabase } from './connection';
import {
  acquireInstanceLock, classifyStorageError, ensureWritableDir, fsyncPath, inspectFileHeader, removeDatabaseFiles, restrictMode, restrictTree,
  storageError, StorageError, type InstanceLock, type Messages,
} from './storage';
import type { BackupKind } from '../shared/status';
import type { BackupEntry, BackupStatus, RestoreResult } from './backup-types';
import type { Context } from './context';

export type { BackupEntry, BackupStatus, RestoreResult };

const DAY_MS = 24 * 60 * 60 * 1000;
const RESTORE_STAGE = '.schakel-restore.db';

export interface BackupScheduleOptions {
  /** Daily automatic backups while running (default true). */
  auto?: boolean;
  /** Delay of the start-up check, so the window comes up first (default 5 s). */
  startupDelayMs?: number;
  /** How often to check whether a daily backup is due (default 1 h). */
  checkIntervalMs?: number;
}

// ---------------------------------------------------------------------------------------------
// Opening a data folder: lock, file checks, quick_check, backup before a schema update, migrate

export interface OpenDataFolderOptions {
  dataDir: string;
  nativeBinding?: string;
  now: () => Date;
}

/**
 * Opens the data folder's database for the app, or throws a StorageError saying why not.
 * Never writes to a file that failed a check.
 */
export async function openDataFolder(options: OpenDataFolderOptions): Promise<{ database: OpenedDatabase; lock: InstanceLock }> {
  const { dataDir } = options;
  const file = path.join(dataDir, DATABASE_FILE);
  useNativeBinding(options.nativeBinding);
  ensureWritableDir(dataDir);
  const lock = acquireInstanceLock(dataDir, options.now());
  let database: OpenedDatabase | null = null;
  let fresh = false;
  try {
    removeDatabaseFiles(path.join(dataDir, RESTORE_STAGE));
    // Folders and files of older versions were readable by other users of the computer.
    restrictTree(dataDir);
    const settings = readBackupSettings(dataDir);
    if (settings.folder) restrictBackupFolder(settings.folder, false);
    const header = inspectFileHeader(file);
    if (header === 'foreign') throw storageError('not_schakel_database', { path: file });
    fresh = header === 'missing';
    // A -wal or -shm without its database belongs to another file: SQLite must not replay it into a new one.
    if (fresh) removeDatabaseFiles(file, false);
    let needsUpdate = false;
    if (header === 'sqlite') {
      const ro = openReadonly(file);
      try {
        if (!checkIntegrity(ro, 'quick_check').ok) {
          throw storageError('database_damaged', { path: file, newestGoodBackup: newestGoodBackup(backupFolderOf(dataDir))?.path ?? null });
        }
        const schema = schemaStatus(ro);
        if (schema.state === 'foreign') throw storageError('not_schakel_database', { path: file });
        if (schema.state === 'newer') throw storageError('newer_schema', { path: file });
        needsUpdate = schema.state === 'older';
      } finally {
        ro.close();
      }
    }
    database = await openDatabase(file, { nativeBinding: options.nativeBinding, migrate: false });
    if (needsUpdate) {
      const folder = backupFolderOf(dataDir);
      try {
        await createBackup(database.sqlite, { folder, kind: 'update', now: options.now() });
      } catch (error) {
        const fault = error instanceof StorageError ? error : null;
        if (!fault) throw error;
        throw fault.prefixed({
          nl: 'Schakel werkt de gegevens pas bij als er eerst een reservekopie is gemaakt.',
          en: 'Schakel updates the data only after first making a backup.',
        });
      }
    }
    await migrateToLatest(database.db);
    return { database, lock };
  } catch (error) {
    if (database) await database.close().catch(() => undefined);
    if (fresh) removeDatabaseFiles(file);
    lock.release();
    if (error instanceof StorageError) throw error;
    const fault = classifyStorageError(error, file);
    if (fault?.code === 'database_damaged') {
      throw storageError('database_damaged', { path: file, newestGoodBackup: newestGoodBackup(backupFolderOf(dataDir))?.path ?? null }, error);
    }
    throw fault ?? error;
  }
}

function openReadonly(file: string): BetterSqlite3.Database {
  try {
    return openSqliteFile(file, { readonly: true });
  } catch (error) {
    throw classifyStorageError(error, file) ?? error;
  }
}

/**
 * For a data folder whose database failed its check: sets the damaged file aside (renamed,
 * not changed) and puts a checked copy of the backup in its place. Run it while no Schakel has
 * the folder open; then start again.
 */
export async function recoverFromBackup(
  dataDir: string,
  backupPath: string,
  options: { now?: Date; nativeBinding?: string } = {},
): Promise<{ damagedFile: string | null }> {
  const now = options.now ?? new Date();
  useNativeBinding(options.nativeBinding);
  const lock = acquireInstanceLock(dataDir, now);
  const live = path.join(dataDir, DATABASE_FILE);
  const stage = path.join(dataDir, RESTORE_STAGE);
  try {
    await stageRestore(backupPath, stage, options.nativeBinding);
    let damagedFile: string | null = null;
    if (existsSync(live)) {
      damagedFile = `${live}.damaged-${now.toISOString().replace(/[-:.]/g, '')}`;
      for (const suffix of ['', '-wal', '-shm', '-journal']) {
        if (existsSync(live + suffix)) renameSync(live + suffix, damagedFile + suffix);
      }
    }
    renameSync(stage, live);
    fsyncPath(dataDir);
    return { damagedFile };
  } catch (error) {
    throw classifyStorageError(error, dataDir) ?? error;
  } finally {
    removeDatabaseFiles(stage);
    lock.release();
  }
}

/** Copies a chosen backup into `stage`, checks it, and brings its schema up to date. */
async function stageRestore(source: string, stage: string, nativeBinding?: string): Promise<{ counts: BackupCounts; migrated: string[] }> {
  removeDatabaseFiles(stage);
  await copyDatabaseFile(source, stage);
  const checked = checkCopy(stage, source);
  if (checked.schema.state === 'older') {
    const opened = await openDatabase(stage, { nativeBinding, migrate: false });
    try {
      await migrateToLatest(opened.db);
      opened.sqlite.pragma('wal_checkpoint(TRUNCATE)');
    } finally {
      await opened.close();
    }
    removeDatabaseFiles(stage, false);
    return { counts: checkCopy(stage, source).counts, migrated: checked.schema.pending };
  }
  fsyncPath(stage);
  return { counts: checked.counts, migrated: [] };
}

// ---------------------------------------------------------------------------------------------
// The running app's backups: schedule, backup now, restore, folder and retention

export interface BackupServiceOptions extends BackupScheduleOptions {
  ctx: Context;
  database: OpenedDatabase;
  nativeBinding?: string;
  /** Called after the database was closed and opened again (ctx.db and ctx.sqlite are new). */
  onReopen?: (database: OpenedDatabase) => Promise<void> | void;
}

/** A folder or a named pipe (which would block every read) is refused before it is opened. */
function requireRegularFile(file: string): void {
  let st: ReturnType<typeof statSync>;
  try {
    st = statSync(file);
  } catch {
    return; // missing or unreadable: the callers report that themselves
  }
  if (!st.isFile()) {
    throw new StorageError('not_schakel_database', {
      nl: `${file} is geen bestand maar een map of een speciaal bestand. Kies een reservekopie (een .db-bestand).`,
      en: `${file} is not a file but a folder or a special file. Choose a backup (a .db file).`,
    });
  }
}

export class BackupService {
  private readonly ctx: Context;
  private databaseValue: OpenedDatabase;
  private readonly options: BackupServiceOptions;
  private queue: Promise<unknown> = Promise.resolve();
  private runningJob: BackupStatus['running'] = null;
  private lastFailure: BackupStatus['lastFailure'] = null;
  private timers: NodeJS.Timeout[] = [];
  private closed = false;

  constructor(options: BackupServiceOptions) {
    this.options = options;
    this.ctx = options.ctx;
    this.databaseValue = options.database;
  }

  get database(): OpenedDatabase {
    return this.databaseValue;
  }

  private get dataDir(): string {
    return this.ctx.dataDir;
  }

  private settings(): BackupSettings {
    return readBackupSettings(this.dataDir);
  }

  folder(): string {
    return backupFolderOf(this.dataDir, this.settings());
  }

  /** Starts the daily schedule: a check soon after start, then every hour. */
  start(): void {
    removePartialBackups(this.folder());
    if (this.options.auto === false) return;
    const first = setTimeout(() => void this.tick(), this.options.startupDelayMs ?? 5000);
    const every = setInterval(() => void this.tick(), this.options.checkIntervalMs ?? 60 * 60 * 1000);
    first.unref();
    every.unref();
    this.timers.push(first, every);
  }

  /** Stops the schedule and waits for a running job. */
  async stop(): Promise<void> {
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers = [];
    await this.queue.catch(() => undefined);
  }

  private lastAuto(): BackupFile | null {
    return listBackupFiles(this.folder()).find((b) => b.kind === 'auto') ?? null;
  }

  /** Makes the daily backup when the last one is a day old or older. */
  async tick(): Promise<VerifiedBackup | null> {
    if (this.closed || this.runningJob) return null;
    const last = this.lastAuto();
    if (last && this.ctx.now().getTime() - new Date(last.createdAt).getTime() < DAY_MS) return null;
    try {
      return await this.backupNow('auto');
    } catch {
      return null; // recorded in lastFailure
    }
  }

  private exclusive<T>(job: NonNullable<BackupStatus['running']>, fn: () => Promise<T>): Promise<T> {
    const run = async () => {
      this.runningJob = job;
      try {
        return await fn();
      } finally {
        this.runningJob = null;
      }
    };
    const result = this.queue.then(run, run);
    this.queue = result.catch(() => undefined);
    return result;
  }

  private recordFailure(error: unknown): void {
    const fault = error instanceof StorageError ? error : classifyStorageError(error);
    this.lastFailure = {
      at: this.ctx.now().toISOString(),
      code: fault?.code ?? 'internal',
      message: fault?.messages ?? { nl: 'De reservekopie is niet gemaakt door een onverwachte fout.', en: 'The backup was not made because of an unexpected error.' },
    };
    console.error(`Schakel backup failed: ${fault?.messages.en ?? String(error)}`);
  }

  /** Online backup, checked, then the retention rules. A failure is recorded and thrown. */
  backupNow(kind: BackupKind = 'manual'): Promise<VerifiedBackup> {
    return this.exclusive('backup', () => this.makeBackup(kind));
  }

  private async makeBackup(kind: BackupKind): Promise<VerifiedBackup> {
    try {
      const backup = await createBackup(this.ctx.sqlite, { folder: this.folder(), kind, now: this.ctx.now() });
      copySecrets(path.join(this.dataDir, SECRETS_DIR), path.join(backup.folder, SECRETS_DIR), true);
      this.lastFailure = null;
      pruneBackups(backup.folder, this.ctx.now(), this.settings().retentionDays);
      return backup;
    } catch (error) {
      this.recordFailure(error);
      throw error;
    }
  }

  entryOf(backup: VerifiedBackup): BackupEntry {
    return toEntry(backup, expiryOf(backup, this.settings().retentionDays).toISOString());
  }

  list(): BackupEntry[] {
    const expiries = new Map(listBackupsWithExpiry(this.dataDir, this.ctx.now()).map((b) => [b.path, b.expiresAt]));
    return listBackupFiles(this.folder()).map((file) => toEntry(describeBackup(file), expiries.get(file.path) ?? null));
  }

  /** Date, size, counts and schema of any database file the user picked. */
  inspect(filePath: string): BackupEntry {
    const resolved = path.resolve(filePath);
    requireRegularFile(resolved);
    const header = inspectFileHeader(resolved);
    if (header === 'missing') throw storageError('backup_not_found', { path: resolved });
    const st = statSync(resolved);
    const parsed = parseBackupName(path.basename(resolved));
    const file: BackupFile = {
      file: path.basename(resolved),
      path: resolved,
      folder: path.dirname(resolved),
      kind: parsed?.kind ?? 'manual',
      createdAt: parsed?.createdAt ?? st.mtime.toISOString(),
      sizeBytes: st.size,
    };
    if (header !== 'sqlite') return toEntry({ ...file, problem: storageError('not_schakel_database', { path: resolved }).messages }, null);
    return toEntry(describeBackup(file), null);
  }

  status(): BackupStatus {
    const settings = this.settings();
    const folder = backupFolderOf(this.dataDir, settings);
    const backups = listBackupFiles(folder);
    const lastAuto = backups.find((b) => b.kind === 'auto');
    const newest = backups[0];
    return {
      folder,
      defaultFolder: path.join(this.dataDir, DEFAULT_BACKUP_FOLDER),
      usesDefaultFolder: settings.folder === null,
      retentionDays: settings.retentionDays,
      running: this.runningJob,
      count: backups.length,
      lastBackup: newest ? { file: newest.file, kind: newest.kind, createdAt: newest.createdAt } : null,
      lastFailure: this.lastFailure,
      nextAutoBackupAt:
        this.options.auto === false
          ? null
          : lastAuto
            ? new Date(new Date(lastAuto.createdAt).getTime() + DAY_MS).toISOString()
            : this.ctx.now().toISOString(),
    };
  }

  /**
   * Restores a backup: checks the chosen file (integrity, schema), makes a safety backup of the
   * current data, updates an older schema, and swaps the database file atomically.
   */
  restore(sourcePath: string): Promise<RestoreResult> {
    return this.exclusive('restore', async () => {
      const source = path.resolve(sourcePath);
      const live = path.join(this.dataDir, DATABASE_FILE);
      if (source === path.resolve(live)) {
        throw new StorageError('backup_not_found', {
          nl: 'Dit is het gegevensbestand dat nu in gebruik is, geen reservekopie. Kies een reservekopie.',
          en: 'This is the data file now in use, not a backup. Choose a backup.',
        });
      }
      requireRegularFile(source);
      const stage = path.join(this.dataDir, RESTORE_STAGE);
      let before: Messages = { nl: 'Er is niets teruggezet.', en: 'Nothing was restored.' };
      try {
        const staged = await stageRestore(source, stage, this.options.nativeBinding);
        // A new data folder gets the keys that travelled with the backups; existing keys are never replaced.
        copySecrets(path.join(path.dirname(source), SECRETS_DIR), path.join(this.dataDir, SECRETS_DIR), false);
        before = {
          nl: 'Er is niets teruggezet, omdat eerst een reservekopie van de huidige gegevens nodig is.',
          en: 'Nothing was restored, because a backup of the current data is needed first.',
        };
        const safety = await this.makeBackup('safety');
        before = { nl: 'Het terugzetten is mislukt; de gegevens van vóór het terugzetten zijn bewaard.', en: 'The restore failed; the data from before the restore were kept.' };
        await this.swap(() => {
          removeDatabaseFiles(live, false);
          renameSync(stage, live);
          fsyncPath(this.dataDir);
        });
        pruneBackups(safety.folder, this.ctx.now(), this.settings().retentionDays);
        return {
          restoredFrom: source,
          safetyBackup: this.entryOf(safety),
          counts: staged.counts,
          migrated: staged.migrated,
        };
      } catch (error) {
        const fault = error instanceof StorageError ? error : classifyStorageError(error, source);
        if (!fault) throw error;
        throw fault.prefixed(before);
      } finally {
        removeDatabaseFiles(stage);
      }
    });
  }

  /** Closes the live database, runs `replace` on the files, and opens the database again. */
  private async swap(replace: () => void): Promise<void> {
    const old = this.databaseValue;
    const start = Date.now();
    while (old.sqlite.inTransaction && Date.now() - start < 10_000) await new Promise((r) => setTimeout(r, 5));
    try {
      old.sqlite.pragma('wal_checkpoint(TRUNCATE)');
    } catch {
      // closing checkpoints too
    }
    await old.close();
    let replaceError: unknown = null;
    try {
      replace();
    } catch (error) {
      replaceError = error;
    }
    const file = path.join(this.dataDir, DATABASE_FILE);
    const reopened = await openDatabase(file, { nativeBinding: this.options.nativeBinding });
    this.databaseValue = reopened;
    this.ctx.db = reopened.db;
    this.ctx.sqlite = reopened.sqlite;
    await this.options.onReopen?.(reopened);
    if (replaceError) throw replaceError;
  }

  /** Moves the existing backups into the new folder (all or none), then uses it. */
  async setFolder(folder: string | null): Promise<BackupStatus> {
    await this.exclusive('move', async () => {
      const settings = this.settings();
      const from = backupFolderOf(this.dataDir, settings);
      const target = folder === null ? path.join(this.dataDir, DEFAULT_BACKUP_FOLDER) : path.resolve(folder);
      const notMoved: Messages = { nl: 'De map voor reservekopieën is niet gewijzigd.', en: 'The backup folder was not changed.' };
      try {
        ensureWritableDir(target);
      } catch (error) {
        const fault = error instanceof StorageError ? error : classifyStorageError(error, target);
        if (!fault) throw error;
        throw fault.prefixed(notMoved);
      }
      if (path.resolve(from) !== target) {
        const backups = listBackupFiles(from);
        const copied: { partial: string; final: string; source: string }[] = [];
        try {
          for (const b of backups) {
            const final = path.join(target, b.file);
            const partial = path.join(target, `.${b.file}.partial`);
            copyFileSync(b.path, partial);
            restrictMode(partial);
            fsyncPath(partial);
            copied.push({ partial, final, source: b.path });
          }
          for (const c of copied) renameSync(c.partial, c.final);
          fsyncPath(target);
        } catch (error) {
          for (const c of copied) {
            removeDatabaseFiles(c.partial);
          }
          const fault = classifyStorageError(error, target);
          if (!fault) throw error;
          throw fault.prefixed(notMoved);
        }
        writeBackupSettings(this.dataDir, { ...settings, folder: folder === null ? null : target });
        for (const c of copied) {
          try { unlinkSync(c.source); } catch { /* left behind: harmless duplicate */ }
        }
      } else {
        writeBackupSettings(this.dataDir, { ...settings, folder: folder === null ? null : target });
      }
    });
    return this.status();
  }

  /** Sets how many days backups are kept at most, and applies it now. */
  async setRetention(days: number): Promise<BackupStatus> {
    await this.exclusive('backup', async () => {
      writeBackupSettings(this.dataDir, { ...this.settings(), retentionDays: days });
      pruneBackups(this.folder(), this.ctx.now(), days);
    });
    return this.status();
  }
}

function toEntry(b: VerifiedBackup | (BackupFile & { problem: Messages }), expiresAt: string | null): BackupEntry {
  const problem = 'problem' in b ? b.problem : null;
  return {
    file: b.file,
    path: b.path,
    kind: b.kind,
    createdAt: b.createdAt,
    sizeBytes: b.sizeBytes,
    expiresAt,
    counts: 'counts' in b ? b.counts : null,
    schema: 'schema' in b ? b.schema.state : null,
    problem:
      problem ??
      ('schema' in b && b.schema.state === 'newer' ? storageError('newer_schema', { path: b.path }).messages : null),
  };
}

/** Copies the per-installation keys and journal beside the backups (or back), owner-only. */
function copySecrets(from: string, to: string, overwrite: boolean): void {
  if (!existsSync(from)) return;
  mkdirSync(to, { recursive: true, mode: 0o700 });
  restrictMode(to);
  for (const name of readdirSync(from)) {
    const target = path.join(to, name);
    if (!overwrite && existsSync(target)) continue;
    copyFileSync(path.join(from, name), target);
    if (process.platform !== 'win32') chmodSync(target, 0o600);
  }
}
