import { randomBytes } from 'node:crypto';
import {
  chmodSync, closeSync, type Dirent, existsSync, fsyncSync, lstatSync, mkdirSync, openSync, readdirSync, readFileSync, readSync, renameSync, statSync,
  unlinkSync, writeSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Messages } from '../shared/messages';

export type StorageFaultCode =
  | 'disk_full'
  | 'not_writable'
  | 'locked_by_other_instance'
  | 'database_busy'
  | 'not_schakel_database'
  | 'database_damaged'
  | 'newer_schema'
  | 'backup_damaged'
  | 'backup_not_found'
  | 'folder_unavailable'
  | 'io_error';

export interface StorageErrorDetails {
  /** The file or folder concerned. */
  path?: string;
  /** For locked_by_other_instance: who holds the data folder. */
  holder?: LockInfo;
  /** For database_damaged: the newest backup that passed its check, if any. */
  newestGoodBackup?: string | null;
}

/** A storage fault the user can understand and act on; its message exists in Dutch and English. */
export class StorageError extends Error {
  constructor(
    readonly code: StorageFaultCode,
    readonly messages: Messages,
    readonly details: StorageErrorDetails = {},
    options?: { cause?: unknown },
  ) {
    super(messages.en, options);
    this.name = 'StorageError';
  }

  /** The same fault, with a sentence put before its message (what was being done). */
  prefixed(before: Messages): StorageError {
    return new StorageError(
      this.code,
      { nl: `${before.nl} ${this.messages.nl}`, en: `${before.en} ${this.messages.en}` },
      this.details,
      { cause: this.cause ?? this },
    );
  }
}

function errorCodes(error: unknown): string[] {
  const codes: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current && depth < 5; depth++) {
    if (typeof current === 'object' && current !== null) {
      const code = (current as { code?: unknown }).code;
      if (typeof code === 'string') codes.push(code);
      current = (current as { cause?: unknown }).cause;
    } else break;
  }
  return codes;
}

const where = (p?: string): Messages => (p ? { nl: ` (${p})`, en: ` (${p})` } : { nl: '', en: '' });

export function faultMessages(code: StorageFaultCode, details: StorageErrorDetails = {}): Messages {
  const w = where(details.path);
  switch (code) {
    case 'disk_full':
      return {
        nl: `De schijf is vol${w.nl}. Er is niets half opgeslagen. Maak ruimte vrij en probeer het opnieuw.`,
        en: `The disk is full${w.en}. Nothing was half-written. Free up some space and try again.`,
      };
    case 'not_writable':
      return {
        nl: `Schakel mag niet schrijven in deze map${w.nl}. Kies een andere map of vraag om schrijfrechten.`,
        en: `Schakel is not allowed to write to this folder${w.en}. Choose another folder or ask for write access.`,
      };
    case 'locked_by_other_instance': {
      const h = details.holder;
      const who = h
        ? { nl: `proces ${h.pid} op computer ${h.hostname}, gestart ${h.startedAt}`, en: `process ${h.pid} on computer ${h.hostname}, started ${h.startedAt}` }
        : { nl: 'een ander proces', en: 'another process' };
      const base = {
        nl: `Deze gegevensmap${w.nl} is al geopend door een ander Schakel-venster (${who.nl}). Er mag maar één Schakel tegelijk met dezelfde gegevens werken. Sluit de andere Schakel en probeer het opnieuw.`,
        en: `This data folder${w.en} is already open in another Schakel (${who.en}). Only one Schakel at a time may work with the same data. Close the other Schakel and try again.`,
      };
      if (h && h.hostname !== os.hostname()) {
        base.nl += ` Is Schakel op die computer al gesloten? Verwijder dan het bestand ${LOCK_FILE} in de gegevensmap.`;
        base.en += ` If Schakel on that computer is already closed, delete the file ${LOCK_FILE} in the data folder.`;
      }
      return base;
    }
    case 'database_busy':
      return {
        nl: `Het gegevensbestand${w.nl} is bezet door een ander programma. Sluit dat programma en probeer het opnieuw.`,
        en: `The data file${w.en} is in use by another program. Close that program and try again.`,
      };
    case 'not_schakel_database':
      return {
        nl: `Dit bestand${w.nl} is geen Schakel-gegevensbestand; het hoort waarschijnlijk bij een ander programma. Schakel heeft het niet gewijzigd. Kies een andere gegevensmap.`,
        en: `This file${w.en} is not a Schakel data file; it probably belongs to another program. Schakel has not changed it. Choose another data folder.`,
      };
    case 'database_damaged':
      return details.newestGoodBackup
        ? {
            nl: `Het gegevensbestand${w.nl} is beschadigd. Schakel heeft er niets in geschreven. De nieuwste goede reservekopie is ${details.newestGoodBackup}; zet die terug om verder te werken.`,
            en: `The data file${w.en} is damaged. Schakel has not written to it. The newest good backup is ${details.newestGoodBackup}; restore it to carry on.`,
          }
        : {
            nl: `Het gegevensbestand${w.nl} is beschadigd. Schakel heeft er niets in geschreven. Er is geen goede reservekopie gevonden; neem contact op met uw ICT-ondersteuning.`,
            en: `The data file${w.en} is damaged. Schakel has not written to it. No good backup was found; contact your IT support.`,
          };
    case 'newer_schema':
      return {
        nl: `Dit gegevensbestand${w.nl} is gemaakt met een nieuwere versie van Schakel. Installeer die nieuwere versie; deze versie opent het niet, zodat er niets verloren gaat.`,
        en: `This data file${w.en} was made by a newer version of Schakel. Install that newer version; this version will not open it, so that nothing is lost.`,
      };
    case 'backup_damaged':
      return {
        nl: `Deze reservekopie${w.nl} is beschadigd en kan niet worden teruggezet. Kies een andere reservekopie.`,
        en: `This backup${w.en} is damaged and cannot be restored. Choose another backup.`,
      };
    case 'backup_not_found':
      return {
        nl: `Deze reservekopie${w.nl} bestaat niet (meer).`,
        en: `This backup${w.en} does not exist (any more).`,
      };
    case 'folder_unavailable':
      return {
        nl: `Deze map is niet bereikbaar${w.nl}: hij bestaat niet, of de schijf of netwerkverbinding ontbreekt. Sluit de schijf aan of kies een andere map.`,
        en: `This folder cannot be reached${w.en}: it does not exist, or the drive or network connection is missing. Connect the drive or choose another folder.`,
      };
    case 'io_error':
      return {
        nl: `De schijf gaf een fout bij lezen of schrijven${w.nl}. Er is niets half opgeslagen. Controleer de schijf of netwerkverbinding en probeer het opnieuw.`,
        en: `The disk reported an error while reading or writing${w.en}. Nothing was half-written. Check the disk or network connection and try again.`,
      };
  }
}

export function storageError(code: StorageFaultCode, details: StorageErrorDetails = {}, cause?: unknown): StorageError {
  return new StorageError(code, faultMessages(code, details), details, cause === undefined ? undefined : { cause });
}

/** Maps a file-system or SQLite error to a storage fault; null when it is something else. */
export function classifyStorageError(error: unknown, filePath?: string): StorageError | null {
  if (error instanceof StorageError) return error;
  const details = filePath ? { path: filePath } : {};
  for (const code of errorCodes(error)) {
    let fault: StorageFaultCode | null = null;
    if (code === 'ENOSPC' || code === 'EDQUOT' || code.startsWith('SQLITE_FULL')) fault = 'disk_full';
    else if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS' || code.startsWith('SQLITE_READONLY') || code.startsWith('SQLITE_PERM') || code.startsWith('SQLITE_AUTH')) fault = 'not_writable';
    else if (code.startsWith('SQLITE_CANTOPEN')) fault = 'not_writable';
    else if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED') || code === 'EBUSY') fault = 'database_busy';
    else if (code.startsWith('SQLITE_NOTADB')) fault = 'not_schakel_database';
    else if (code.startsWith('SQLITE_CORRUPT')) fault = 'database_damaged';
    else if (code.startsWith('SQLITE_IOERR') || code === 'EIO') fault = 'io_error';
    else if (code === 'ENOTDIR' || code === 'EEXIST') fault = 'folder_unavailable';
    if (fault) return storageError(fault, details, error);
  }
  return null;
}

/** Rethrows as a StorageError when the error is a storage fault. */
export function rethrowClassified(error: unknown, filePath?: string): never {
  throw classifyStorageError(error, filePath) ?? error;
}

// ---------------------------------------------------------------------------------------------
// The instance lock: one Schakel per data folder.

export const LOCK_FILE = 'schakel.lock';

export interface LockInfo {
  pid: number;
  hostname: string;
  startedAt: string;
  token: string;
}

export interface InstanceLock {
  file: string;
  info: LockInfo;
  release(): void;
}

const heldLocks = new Map<string, LockInfo>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const [file, info] of heldLocks) removeLockIfOurs(file, info.token);
  });
}

function readLock(file: string): LockInfo | null {
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as Partial<LockInfo>;
    if (typeof parsed.pid !== 'number' || typeof parsed.hostname !== 'string') return null;
    return { pid: parsed.pid, hostname: parsed.hostname, startedAt: String(parsed.startedAt ?? ''), token: String(parsed.token ?? '') };
  } catch {
    return null;
  }
}

function removeLockIfOurs(file: string, token: string): void {
  try {
    if (readLock(file)?.token === token) unlinkSync(file);
  } catch {
    // already gone
  }
}

function holderIsAlive(file: string, info: LockInfo): boolean {
  if (info.hostname !== os.hostname()) return true; // cannot tell from here: assume it is running
  if (info.pid === process.pid) return heldLocks.get(file)?.token === info.token;
  try {
    process.kill(info.pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

/**
 * Takes the data folder's lock file (pid, host, start time), created exclusively.
 * A lock whose process is gone is taken over; a live one throws locked_by_other_instance.
 */
export function acquireInstanceLock(dataDir: string, now: Date = new Date()): InstanceLock {
  const file = path.join(dataDir, LOCK_FILE);
  const info: LockInfo = { pid: process.pid, hostname: os.hostname(), startedAt: now.toISOString(), token: randomBytes(12).toString('hex') };
  for (let attempt = 0; attempt < 5; attempt++) {
    let fd: number | null = null;
    try {
      fd = openSync(file, 'wx', PRIVATE_FILE);
      writeSync(fd, JSON.stringify(info));
      fsyncSync(fd);
      closeSync(fd);
      fd = null;
      heldLocks.set(file, info);
      installExitHook();
      return {
        file,
        info,
        release() {
          if (heldLocks.get(file)?.token === info.token) heldLocks.delete(file);
          removeLockIfOurs(file, info.token);
        },
      };
    } catch (error) {
      if (fd !== null) {
        try { closeSync(fd); } catch { /* ignore */ }
        try { unlinkSync(file); } catch { /* ignore */ }
      }
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') rethrowClassified(error, dataDir);
    }
    const holder = readLock(file);
    if (holder === null) {
      // Unreadable: maybe another start is writing it right now. Give it a moment before taking over.
      let age: number;
      try { age = Date.now() - statSync(file).mtimeMs; } catch { continue; }
      if (age < 2000) {
        sleepSync(200);
        continue;
      }
    } else if (holderIsAlive(file, holder)) {
      throw storageError('locked_by_other_instance', { path: dataDir, holder });
    }
    // Stale: move it aside (atomic, so only one taker wins), then try again.
    try {
      const aside = `${file}.stale-${process.pid}-${randomBytes(4).toString('hex')}`;
      renameSync(file, aside);
      unlinkSync(aside);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') rethrowClassified(error, dataDir);
    }
  }
  throw storageError('locked_by_other_instance', { path: dataDir, holder: readLock(file) ?? undefined });
}

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

// ---------------------------------------------------------------------------------------------
// Files: the data folder and everything Schakel writes is for its user only.

/** Owner-only modes for what Schakel writes (not enforced on Windows). */
export const PRIVATE_DIR = 0o700;
export const PRIVATE_FILE = 0o600;

const modesApply = process.platform !== 'win32';
const ownUid = typeof process.getuid === 'function' ? process.getuid() : -1;

/** Sets an owner-only mode on a file or folder of ours; leaves symlinks and other users' files alone. */
export function restrictMode(p: string): void {
  if (!modesApply) return;
  try {
    const st = lstatSync(p);
    if (st.uid !== ownUid || st.isSymbolicLink()) return;
    const wanted = st.isDirectory() ? PRIVATE_DIR : PRIVATE_FILE;
    if ((st.mode & 0o777) !== wanted) chmodSync(p, wanted);
  } catch {
    // gone, or not ours to change
  }
}

/** Tightens a folder of ours and everything below it (files 0600, folders 0700). */
export function restrictTree(root: string, depth = 4): void {
  if (!modesApply) return;
  restrictMode(root);
  if (depth <= 0) return;
  let entries: Dirent[];
  try {
    entries = readdirSync(root, { withFileTypes: true });
  } catch {
    return;
  }
  for (const e of entries) {
    const p = path.join(root, e.name);
    if (e.isDirectory()) restrictTree(p, depth - 1);
    else if (e.isFile()) restrictMode(p);
  }
}

/** Creates an empty file readable by its owner only (so SQLite's -wal and -shm get the same mode); an existing one is tightened. */
export function createPrivateFile(file: string): void {
  try {
    closeSync(openSync(file, 'a', PRIVATE_FILE));
  } catch (error) {
    rethrowClassified(error, file);
  }
  restrictMode(file);
}

const SQLITE_HEADER = Buffer.from('SQLite format 3\0', 'latin1');

/** What a file looks like from its first bytes, without opening it as a database. */
export function inspectFileHeader(file: string): 'missing' | 'empty' | 'sqlite' | 'foreign' {
  if (!existsSync(file)) return 'missing';
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch (error) {
    rethrowClassified(error, file);
  }
  try {
    const buf = Buffer.alloc(16);
    const n = readSync(fd, buf, 0, 16, 0);
    if (n === 0) return 'empty';
    return n === 16 && buf.equals(SQLITE_HEADER) ? 'sqlite' : 'foreign';
  } finally {
    closeSync(fd);
  }
}

/**
 * Creates a folder and its parents. Node's recursive mkdir reports ENOENT for a read-only or
 * forbidden parent: then the first missing level is made on its own to get the real reason.
 */
export function makeDir(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') rethrowClassified(error, dir);
    let missing = path.resolve(dir);
    while (!existsSync(path.dirname(missing)) && path.dirname(missing) !== missing) missing = path.dirname(missing);
    try {
      mkdirSync(missing, { mode: PRIVATE_DIR });
    } catch (inner) {
      if ((inner as NodeJS.ErrnoException).code !== 'ENOENT') rethrowClassified(inner, dir);
    }
    throw storageError('folder_unavailable', { path: dir }, error);
  }
}

/** Checks that a folder exists (creating it) and can be written to. */
export function ensureWritableDir(dir: string): void {
  try {
    makeDir(dir);
    const probe = path.join(dir, `.schakel-write-test-${process.pid}-${randomBytes(4).toString('hex')}`);
    const fd = openSync(probe, 'wx');
    try {
      writeSync(fd, 'ok');
    } finally {
      closeSync(fd);
      unlinkSync(probe);
    }
  } catch (error) {
    rethrowClassified(error, dir);
  }
}

/** Writes a small file whole or not at all: temp file, fsync, rename. */
export function writeFileAtomic(file: string, data: string): void {
  const tmp = `${file}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    const fd = openSync(tmp, 'wx', PRIVATE_FILE);
    try {
      writeSync(fd, data);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, file);
  } catch (error) {
    try { unlinkSync(tmp); } catch { /* ignore */ }
    rethrowClassified(error, file);
  }
}

/** fsyncs a file (or a folder, where the platform allows it). */
export function fsyncPath(p: string): void {
  let fd: number | null = null;
  try {
    fd = openSync(p, 'r');
    fsyncSync(fd);
  } catch {
    // folders cannot be fsynced on every platform
  } finally {
    if (fd !== null) closeSync(fd);
  }
}

/** Removes a database file's companions (-wal, -shm, -journal). */
export function removeDatabaseFiles(file: string, withMain = true): void {
  for (const f of withMain ? [file, `${file}-wal`, `${file}-shm`, `${file}-journal`] : [`${file}-wal`, `${file}-shm`, `${file}-journal`]) {
    try { unlinkSync(f); } catch { /* not there */ }
  }
}

/** For a launcher without a window: the fault in Dutch and English, or null when it is no storage fault. */
export function formatStorageError(error: unknown): string | null {
  if (!(error instanceof StorageError)) return null;
  return `${error.messages.nl}\n\n${error.messages.en}`;
}

export type { Messages } from '../shared/messages';
