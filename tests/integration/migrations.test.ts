import path from 'node:path';
import { Kysely, SqliteDialect } from 'kysely';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { migrateToLatest, openDatabase } from '../../db/store/connection';
import { migrations } from '../../db/store/migrations/index';
import type { Database } from '../../db/store/schema';
import { tempDir } from '../helpers/core';

const open: BetterSqlite3.Database[] = [];
afterEach(() => {
  for (const db of open.splice(0)) if (db.open) db.close();
});

function schemaOf(sqlite: BetterSqlite3.Database): string[] {
  const rows = sqlite
    .prepare(`SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' AND name NOT LIKE 'kysely_%' ORDER BY type, name`)
    .all() as { type: string; name: string; sql: string | null }[];
  return rows.map((r) => `${r.type} ${r.name}: ${String(r.sql).replace(/\s+/g, ' ')}`);
}

function rawDb(file: string) {
  const sqlite = new BetterSqlite3(file);
  open.push(sqlite);
  return { sqlite, db: new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) }) };
}

describe('migrations', () => {
  const names = Object.keys(migrations).sort();

  it('are listed in order with unique, zero-padded names', () => {
    expect(names.length).toBeGreaterThan(0);
    names.forEach((n, i) => expect(n.startsWith(String(i + 1).padStart(4, '0') + '_')).toBe(true));
  });

  it('build the schema from an empty database, with foreign keys on and WAL', async () => {
    const file = path.join(tempDir(), 'fresh.db');
    const opened = await openDatabase(file);
    expect(opened.sqlite.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(opened.sqlite.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(Number(opened.sqlite.pragma('busy_timeout', { simple: true }))).toBeGreaterThan(0);
    expect(opened.sqlite.pragma('foreign_key_check')).toEqual([]);
    const tables = schemaOf(opened.sqlite).filter((s) => s.startsWith('table ')).map((s) => s.split(':')[0]);
    expect(tables).toContain('table people');
    await opened.close();
  });

  it.each(names.map((n, i) => [n, i] as const))('upgrade from %s to the latest gives the same schema as a fresh database', async (name) => {
    const dir = tempDir();
    const fresh = rawDb(path.join(dir, 'fresh.db'));
    await migrateToLatest(fresh.db);
    const old = rawDb(path.join(dir, 'old.db'));
    await migrateToLatest(old.db, name);
    // The older database holds data that must survive the upgrade.
    old.sqlite.prepare(`INSERT INTO organisations (name, kind, domain) VALUES ('Behouden', 'overig', 'overig')`).run();
    await migrateToLatest(old.db);
    expect(schemaOf(old.sqlite)).toEqual(schemaOf(fresh.sqlite));
    expect(old.sqlite.prepare(`SELECT name FROM organisations`).pluck().all()).toContain('Behouden');
    await fresh.db.destroy();
    await old.db.destroy();
  });

  it('run again changes nothing', async () => {
    const file = path.join(tempDir(), 'twice.db');
    const first = await openDatabase(file);
    const before = schemaOf(first.sqlite);
    await first.close();
    const second = await openDatabase(file);
    expect(schemaOf(second.sqlite)).toEqual(before);
    await second.close();
  });
});
