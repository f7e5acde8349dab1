import BetterSqlite3 from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { startCore, type Core, type CoreOptions } from '../../electron/core';
import type { CommandName, InputOf, OutputOf } from '../../electron/commands/contract';
import { tempDir } from '../helpers/core';

export interface BackupTestCore extends Core {
  dataDir: string;
  call<N extends CommandName>(name: N, input: InputOf<N>): Promise<OutputOf<N>>;
  /** Invokes a command that must fail; returns its error. */
  fail<N extends CommandName>(name: N, input: InputOf<N>, lang?: 'nl' | 'en'): Promise<{ code: string; message: string }>;
  dispose(removeDir?: boolean): Promise<void>;
}

export async function startTestCore(options: Partial<CoreOptions> = {}): Promise<BackupTestCore> {
  const dataDir = options.dataDir ?? tempDir('schakel-backup-');
  const core = await startCore({ backup: { auto: false }, ...options, dataDir });
  return Object.assign(core, {
    dataDir,
    async call(name: CommandName, input: unknown) {
      const result = await core.registry.invoke(name, input);
      if (!result.ok) throw Object.assign(new Error(result.error.message), { code: result.error.code });
      return result.value as never;
    },
    async fail(name: CommandName, input: unknown, lang: 'nl' | 'en' = 'nl') {
      const result = await core.registry.invoke(name, input, lang);
      if (result.ok) throw new Error(`${name} was expected to fail`);
      return result.error;
    },
    async dispose(removeDir = true) {
      await core.close();
      if (removeDir) rmSync(dataDir, { recursive: true, force: true });
    },
  }) as BackupTestCore;
}

/** Adds people with raw prepared inserts (fast), each with an address and some notes. */
export function addPeople(sqlite: BetterSqlite3.Database, count: number, notesLength = 200, prefix = 'Bulk'): void {
  const person = sqlite.prepare(
    `INSERT INTO people (first_name, last_name, notes, sort_key, search_text, updated_at) VALUES (?, ?, ?, ?, ?, ?)`,
  );
  const email = sqlite.prepare(`INSERT INTO person_emails (person_id, email, email_norm, is_primary) VALUES (?, ?, ?, 1)`);
  const start = (sqlite.prepare('SELECT coalesce(max(id), 0) AS n FROM people').get() as { n: number }).n;
  const notes = 'x'.repeat(notesLength);
  sqlite.transaction(() => {
    for (let i = 1; i <= count; i++) {
      const n = start + i;
      const id = person.run(prefix, `Persoon ${n}`, notes, `persoon ${n}`, `${prefix} persoon ${n}`.toLowerCase(), new Date().toISOString()).lastInsertRowid;
      email.run(id, `${prefix.toLowerCase()}${n}@example.org`, `${prefix.toLowerCase()}${n}@example.org`);
    }
  })();
}

/** Overwrites the start of one b-tree page (by default an index that counting does not read) with garbage, as a failing disk would. */
export function corruptPage(file: string, table = 'person_emails_person'): number {
  const db = new BetterSqlite3(file, { readonly: true });
  const pageSize = db.pragma('page_size', { simple: true }) as number;
  const root = (db.prepare(`SELECT rootpage FROM sqlite_master WHERE name = ?`).get(table) as { rootpage: number }).rootpage;
  db.close();
  const fd = openSync(file, 'r+');
  try {
    writeSync(fd, Buffer.alloc(64, 0xa5), 0, 64, (root - 1) * pageSize);
  } finally {
    closeSync(fd);
  }
  return root;
}

export function sha256(file: string): string {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}

/** A digest of the register's content, to see that nothing changed. */
export function contentDigest(sqlite: BetterSqlite3.Database): string {
  const hash = createHash('sha256');
  for (const table of ['organisations', 'people', 'person_emails', 'person_tags', 'interactions']) {
    const rows = (sqlite.prepare(`SELECT * FROM ${table}`).all() as unknown[]).map((r) => JSON.stringify(r)).sort();
    hash.update(`${table}:${rows.join('\n')}`);
  }
  return hash.digest('hex');
}

export function countPeople(file: string): number {
  const db = new BetterSqlite3(file, { readonly: true, fileMustExist: true });
  try {
    return (db.prepare('SELECT count(*) AS n FROM people').get() as { n: number }).n;
  } finally {
    db.close();
  }
}
