import BetterSqlite3 from 'better-sqlite3';
import { copyFileSync, existsSync, readdirSync, utimesSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  checkCopy, createBackup, listBackupFiles, listBackupsHolding, listBackupsWithExpiry, planRetention, type BackupFile,
} from '../../db/store/backup';
import { DATABASE_FILE, migrateToLatest, openDatabase } from '../../db/store/connection';
import { migrations } from '../../db/store/migrations/index';
import { StorageError } from '../../db/store/storage';
import { recoverFromBackup } from '../../db/store/backup-service';
import { startCore } from '../../electron/core';
import { tempDir } from '../helpers/core';
import { addPeople, contentDigest, corruptPage, countPeople, sha256, startTestCore, type BackupTestCore } from './backup-helpers';

const cores: BackupTestCore[] = [];
async function start(options: Parameters<typeof startTestCore>[0] = {}): Promise<BackupTestCore> {
  const core = await startTestCore(options);
  cores.push(core);
  return core;
}
afterEach(async () => {
  for (const core of cores.splice(0)) await core.dispose();
});

async function startFails(dataDir: string): Promise<StorageError> {
  const error = await startCore({ dataDir, backup: { auto: false } }).then(
    async (core) => {
      await core.close();
      throw new Error('startCore was expected to fail');
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(StorageError);
  return error as StorageError;
}

describe('online backup', () => {
  it('copies the database while writes go on, and the copy passes integrity_check', async () => {
    const core = await start();
    addPeople(core.ctx.sqlite, 5000, 500);
    const before = countPeople(path.join(core.dataDir, DATABASE_FILE));
    const folder = path.join(core.dataDir, 'backups');

    let done = false;
    let savedDuring = 0;
    const backup = createBackup(core.ctx.sqlite, { folder, kind: 'manual', now: new Date(), pagesPerStep: 20 }).finally(() => {
      done = true;
    });
    while (!done) {
      await core.call('people.save', { firstName: 'Tijdens', lastName: `Kopie ${savedDuring}`, emails: [{ email: `tijdens${savedDuring}@example.org`, primary: true }] });
      if (!done) savedDuring++;
      await new Promise((resolve) => setImmediate(resolve)); // as requests arriving over IPC/HTTP do
    }
    const made = await backup;

    expect(savedDuring).toBeGreaterThan(0); // the app kept writing while the copy was made
    expect(made.file).toMatch(/^schakel-\d{8}T\d{9}Z-manual\.db$/);
    const copy = new BetterSqlite3(made.path, { readonly: true });
    expect(copy.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(copy.pragma('journal_mode', { simple: true })).toBe('delete');
    const inCopy = (copy.prepare('SELECT count(*) AS n FROM people').get() as { n: number }).n;
    const savedInCopy = (copy.prepare(`SELECT count(*) AS n FROM people WHERE first_name = 'Tijdens'`).get() as { n: number }).n;
    copy.close();
    // Writes made through the app's connection during the copy are carried into it.
    expect(savedInCopy).toBeGreaterThanOrEqual(savedDuring);
    expect(inCopy).toBe(before + savedInCopy);
    expect(made.counts.people).toBe(inCopy);
    expect(made.schema.state).toBe('current');
    // Only the checked file is left: no temporary copy.
    expect(readdirSync(folder)).toEqual([made.file]);
  });

  it('backup.now, backup.list and backup.status show date, size and counts', async () => {
    const core = await start();
    await core.call('people.save', { firstName: 'Anna', lastName: 'de Vries', emails: [{ email: 'anna@example.org', primary: true }] });
    const made = await core.call('backup.now', {});
    expect(made.kind).toBe('manual');
    expect(made.counts).toMatchObject({ people: 1, organisations: 16 });
    const hasTable = (name: string) => Boolean(core.ctx.sqlite.prepare(`SELECT 1 FROM sqlite_master WHERE name = ?`).get(name));
    expect(made.counts?.subscribers).toBe(hasTable('subscriptions') ? 0 : null);
    expect(made.counts?.editions).toBe(hasTable('editions') ? 0 : null);
    expect(made.sizeBytes).toBeGreaterThan(4096);
    expect(made.problem).toBeNull();
    const list = await core.call('backup.list', {});
    expect(list.map((b) => b.path)).toEqual([made.path]);
    expect(new Date(list[0]!.expiresAt!).getTime() - new Date(list[0]!.createdAt).getTime()).toBe(35 * 86_400_000);
    const status = await core.call('backup.status', {});
    expect(status).toMatchObject({ count: 1, usesDefaultFolder: true, folder: path.join(core.dataDir, 'backups'), lastFailure: null });
    expect(status.lastBackup?.file).toBe(made.file);
  });

  it('makes the daily backup at start when the last one is older than a day, and not again within the day', async () => {
    let now = new Date('2026-03-02T09:00:00Z');
    const core = await start({ now: () => now, backup: { startupDelayMs: 0, checkIntervalMs: 60_000 } });
    await expect.poll(() => listBackupFiles(path.join(core.dataDir, 'backups')).length, { timeout: 5000 }).toBe(1);
    expect((await core.backups.tick())).toBeNull(); // same day: nothing
    now = new Date('2026-03-03T09:00:01Z');
    const next = await core.backups.tick();
    expect(next?.kind).toBe('auto');
    expect(listBackupFiles(path.join(core.dataDir, 'backups')).map((b) => b.createdAt)).toEqual([
      '2026-03-03T09:00:01.000Z', '2026-03-02T09:00:00.000Z',
    ]);
    const status = await core.call('backup.status', {});
    expect(status.nextAutoBackupAt).toBe('2026-03-04T09:00:01.000Z');
  });
});

describe('damaged files are refused', () => {
  it('a backup with an overwritten page fails its check and is not restored', async () => {
    const core = await start();
    await core.call('people.save', { firstName: 'Bram', lastName: 'Jansen' });
    const made = await core.call('backup.now', {});
    const damaged = path.join(core.dataDir, 'kapot.db');
    copyFileSync(made.path, damaged);
    corruptPage(damaged);
    const digest = contentDigest(core.ctx.sqlite);

    const error = await core.fail('backup.restore', { path: damaged });
    expect(error.code).toBe('backup_damaged');
    expect(error.message).toContain('Er is niets teruggezet.');
    expect(error.message).toContain('beschadigd');
    expect(contentDigest(core.ctx.sqlite)).toBe(digest);
    expect((await core.call('backup.list', {})).map((b) => b.kind)).toEqual(['manual']); // no safety backup made
    expect(readdirSync(core.dataDir).filter((f) => f.startsWith('.schakel-restore'))).toEqual([]);

    // The same check, on a fresh copy, is what makes a backup count.
    const copy = path.join(core.dataDir, 'kopie.db');
    copyFileSync(made.path, copy);
    corruptPage(copy);
    expect(() => checkCopy(copy)).toThrow(expect.objectContaining({ code: 'backup_damaged' }));
  });

  it('at start, a damaged database is reported with the newest good backup, and not written to', async () => {
    const first = await start();
    await first.call('people.save', { firstName: 'Carla', lastName: 'Smit' });
    const good = await first.call('backup.now', {});
    await first.call('people.save', { firstName: 'Daan', lastName: 'Bakker' });
    const dataDir = first.dataDir;
    await first.close();
    cores.splice(cores.indexOf(first), 1);

    const file = path.join(dataDir, DATABASE_FILE);
    corruptPage(file);
    const hash = sha256(file);
    const error = await startFails(dataDir);
    expect(error.code).toBe('database_damaged');
    expect(error.details.newestGoodBackup).toBe(good.path);
    expect(error.messages.nl).toContain('beschadigd');
    expect(error.messages.nl).toContain(good.path);
    expect(error.messages.en).toContain('restore it');
    expect(sha256(file)).toBe(hash);
    // The lock was released: asking again gives the same answer, not "in use".
    expect((await startFails(dataDir)).code).toBe('database_damaged');

    const { damagedFile } = await recoverFromBackup(dataDir, good.path);
    expect(sha256(damagedFile!)).toBe(hash); // kept aside, unchanged
    const core = await start({ dataDir });
    const people = await core.call('people.search', {});
    expect(people.rows.map((p) => p.name)).toEqual(['Carla Smit']);
  });

  it('refuses a data file from another program without touching it', async () => {
    const dataDir = tempDir('schakel-foreign-');
    const file = path.join(dataDir, DATABASE_FILE);
    const { writeFileSync } = await import('node:fs');
    writeFileSync(file, 'Dit is een tekstbestand van een ander programma.\n'.repeat(50));
    const hash = sha256(file);
    const error = await startFails(dataDir);
    expect(error.code).toBe('not_schakel_database');
    expect(error.messages.nl).toContain('geen Schakel-gegevensbestand');
    expect(sha256(file)).toBe(hash);

    const { rmSync } = await import('node:fs');
    rmSync(file);
    const other = new BetterSqlite3(file);
    other.exec('CREATE TABLE invoices (id INTEGER PRIMARY KEY, amount REAL); INSERT INTO invoices (amount) VALUES (12.5)');
    other.close();
    const hash2 = sha256(file);
    expect((await startFails(dataDir)).code).toBe('not_schakel_database');
    expect(sha256(file)).toBe(hash2);
    expect(existsSync(path.join(dataDir, 'schakel.lock'))).toBe(false);
    rmSync(dataDir, { recursive: true, force: true });
  });
});

describe('restore', () => {
  it('restores a backup: safety backup first, atomic swap, the app works on the restored data', async () => {
    const core = await start();
    const { id: annaId } = await core.call('people.save', { firstName: 'Anna', lastName: 'Visser', emails: [{ email: 'anna.visser@example.org', primary: true }] });
    const backup = await core.call('backup.now', {});
    await core.call('people.delete', { id: annaId });
    await core.call('people.save', { firstName: 'Bas', lastName: 'Mulder' });
    const oldSqlite = core.ctx.sqlite;

    const list = await core.call('backup.list', {});
    expect(list[0]).toMatchObject({ path: backup.path, counts: { people: 1 } });
    const result = await core.call('backup.restore', { path: backup.path });
    expect(result.counts.people).toBe(1);
    expect(result.migrated).toEqual([]);
    expect(result.safetyBackup.kind).toBe('safety');
    expect(countPeople(result.safetyBackup.path)).toBe(1);
    const safety = new BetterSqlite3(result.safetyBackup.path, { readonly: true });
    expect(safety.prepare('SELECT last_name FROM people').all()).toEqual([{ last_name: 'Mulder' }]);
    safety.close();

    expect(core.ctx.sqlite).not.toBe(oldSqlite);
    expect(oldSqlite.open).toBe(false);
    expect(core.database.sqlite).toBe(core.ctx.sqlite);
    const people = await core.call('people.search', {});
    expect(people.rows.map((p) => p.name)).toEqual(['Anna Visser']);
    await core.call('people.save', { firstName: 'Cees', lastName: 'Na' });
    expect(readdirSync(core.dataDir).filter((f) => f.includes('restore'))).toEqual([]);
    expect((await core.call('backup.list', {})).map((b) => b.kind).sort()).toEqual(['manual', 'safety']);

    // Survives a restart.
    const dataDir = core.dataDir;
    await core.close();
    cores.splice(cores.indexOf(core), 1);
    const again = await start({ dataDir });
    expect((await again.call('people.search', {})).rows.map((p) => p.name).sort()).toEqual(['Anna Visser', 'Cees Na']);
  });

  it('updates a backup with an older schema, and refuses one from a newer Schakel', async () => {
    const core = await start();
    const names = Object.keys(migrations).sort();

    const oldFile = path.join(core.dataDir, 'oud.db');
    const old = await openDatabase(oldFile, { migrate: false });
    await migrateToLatest(old.db, names[0]);
    old.sqlite.exec(`INSERT INTO organisations (name, kind, domain) VALUES ('Oude Gemeente', 'gemeente', 'sociaal_domein')`);
    old.sqlite.exec(`INSERT INTO people (first_name, last_name) VALUES ('Olga', 'Oud')`);
    await old.close();

    const inspected = await core.call('backup.inspect', { path: oldFile });
    expect(inspected.schema).toBe(names.length > 1 ? 'older' : 'current');
    expect(inspected.counts?.people).toBe(1);
    const result = await core.call('backup.restore', { path: oldFile });
    expect(result.migrated).toEqual(names.slice(1));
    const applied = (core.ctx.sqlite.prepare('SELECT name FROM kysely_migration ORDER BY name').all() as { name: string }[]).map((r) => r.name);
    expect(applied).toEqual(names);
    expect((await core.call('people.search', {})).rows.map((p) => p.name)).toEqual(['Olga Oud']);
    expect(countPeople(oldFile)).toBe(1); // the chosen file itself is left as it was

    const newer = path.join(core.dataDir, 'nieuw.db');
    copyFileSync((await core.call('backup.now', {})).path, newer);
    const n = new BetterSqlite3(newer);
    n.prepare('INSERT INTO kysely_migration (name, timestamp) VALUES (?, ?)').run('9999_future', new Date().toISOString());
    n.close();
    expect((await core.call('backup.inspect', { path: newer })).schema).toBe('newer');
    const error = await core.fail('backup.restore', { path: newer });
    expect(error.code).toBe('newer_schema');
    expect(error.message).toContain('nieuwere versie van Schakel');
    expect((await core.fail('backup.restore', { path: newer }, 'en')).message).toContain('newer version of Schakel');
    expect((await core.call('people.search', {})).rows.map((p) => p.name)).toEqual(['Olga Oud']);

    // The same database in the data folder is refused at start.
    const dir = tempDir('schakel-newer-');
    copyFileSync(newer, path.join(dir, DATABASE_FILE));
    const hash = sha256(path.join(dir, DATABASE_FILE));
    expect((await startFails(dir)).code).toBe('newer_schema');
    expect(sha256(path.join(dir, DATABASE_FILE))).toBe(hash);
  });

  it('refuses to restore the live file or a missing one', async () => {
    const core = await start();
    expect((await core.fail('backup.restore', { path: path.join(core.dataDir, DATABASE_FILE) })).message).toContain('in gebruik');
    expect((await core.fail('backup.restore', { path: path.join(core.dataDir, 'bestaat-niet.db') })).code).toBe('backup_not_found');
    expect((await core.fail('backup.restore', { path: 'relatief.db' })).code).toBe('invalid_input');
  });
});

describe('retention', () => {
  const day = 86_400_000;
  const at = (iso: string, kind: BackupFile['kind'] = 'auto'): BackupFile => ({
    file: `${iso}-${kind}`, path: `/b/${iso}-${kind}`, folder: '/b', kind, createdAt: new Date(iso).toISOString(), sizeBytes: 1,
  });

  it('keeps the last 7 daily and 4 weekly automatic backups', () => {
    const now = new Date('2026-06-30T12:00:00Z');
    const backups = Array.from({ length: 34 }, (_, i) => at(new Date(now.getTime() - i * day).toISOString()));
    const { keep, remove } = planRetention(backups, now, 35);
    const kept = keep.map((b) => b.createdAt.slice(0, 10));
    expect(kept.slice(0, 7)).toEqual(['2026-06-30', '2026-06-29', '2026-06-28', '2026-06-27', '2026-06-26', '2026-06-25', '2026-06-24']);
    // Weekly: the newest of each of the last 4 ISO weeks (Sundays of the weeks before, and today's week).
    expect(kept.slice(7)).toEqual(['2026-06-21', '2026-06-14']);
    expect(keep.length + remove.length).toBe(34);
  });

  it('keeps only the newest per day, caps by age, and never deletes the only good one', () => {
    const now = new Date('2026-06-30T12:00:00Z');
    const sameDay = [at('2026-06-30T08:00:00Z'), at('2026-06-30T11:00:00Z')];
    expect(planRetention(sameDay, now, 35).keep.map((b) => b.createdAt)).toEqual(['2026-06-30T11:00:00.000Z']);
    const old = [at('2026-01-01T12:00:00Z'), at('2026-01-02T12:00:00Z'), at('2026-01-03T12:00:00Z', 'manual')];
    const plan = planRetention(old, now, 35);
    expect(plan.keep.map((b) => b.createdAt)).toEqual(['2026-01-03T12:00:00.000Z']);
    expect(plan.remove).toHaveLength(2);
    const capped = planRetention([at('2026-06-28T12:00:00Z'), at('2026-06-20T12:00:00Z')], now, 7);
    expect(capped.keep.map((b) => b.createdAt)).toEqual(['2026-06-28T12:00:00.000Z']);
  });

  it('deletes expired backup files after a backup, and lists which backups hold a person until when', async () => {
    let now = new Date('2026-05-01T10:00:00Z');
    const core = await start({ now: () => now });
    const { id } = await core.call('people.save', { firstName: 'Eva', lastName: 'Erasmus', emails: [{ email: 'Eva.Erasmus@example.org', primary: true }] });
    const person = core.ctx.sqlite.prepare('SELECT created_at AS createdAt FROM people WHERE id = ?').get(id) as { createdAt: string };
    const first = await core.call('backup.now', {});
    now = new Date('2026-05-02T10:00:00Z');
    await core.call('people.delete', { id });
    const second = await core.call('backup.now', {});

    const holding = await listBackupsHolding(core.dataDir, { personId: id, createdAt: person.createdAt, emails: ['eva.erasmus@EXAMPLE.org'] }, now);
    expect(holding.map((b) => b.path)).toEqual([first.path]);
    expect(holding[0]).toMatchObject({ expiresAt: '2026-06-05T10:00:00.000Z', keptAsOnlyGoodBackup: false, unreadable: false });
    expect(await listBackupsHolding(core.dataDir, { emails: ['eva.erasmus@example.org'] }, now)).toHaveLength(1);
    expect(await listBackupsHolding(core.dataDir, { emails: ['niemand@example.org'] }, now)).toEqual([]);

    const status = await core.call('backup.setRetention', { days: 10 });
    expect(status.retentionDays).toBe(10);
    expect(listBackupsWithExpiry(core.dataDir, now).map((b) => b.expiresAt)).toEqual(['2026-05-12T10:00:00.000Z', '2026-05-11T10:00:00.000Z']);

    now = new Date('2026-05-11T12:00:00Z'); // the first one has expired
    const third = await core.call('backup.now', {});
    expect(existsSync(first.path)).toBe(false);
    expect(existsSync(second.path)).toBe(true);
    expect(await listBackupsHolding(core.dataDir, { personId: id, createdAt: person.createdAt }, now)).toEqual([]);

    now = new Date('2026-09-01T12:00:00Z'); // all past the cap: the newest is kept anyway
    await core.call('backup.setRetention', { days: 10 });
    expect(listBackupFiles(path.join(core.dataDir, 'backups')).map((b) => b.path)).toEqual([third.path]);
    expect(listBackupsWithExpiry(core.dataDir, now)[0]!.keptAsOnlyGoodBackup).toBe(true);
  });
});

describe('backup folder', () => {
  it('moves the existing backups to a folder the user picks, and back', async () => {
    const core = await start();
    const made = await core.call('backup.now', {});
    const share = tempDir('schakel-share-');
    const status = await core.call('backup.setFolder', { folder: share });
    expect(status).toMatchObject({ folder: share, usesDefaultFolder: false, count: 1 });
    expect(existsSync(made.path)).toBe(false);
    expect(readdirSync(share)).toEqual([made.file]);
    const next = await core.call('backup.now', {});
    expect(path.dirname(next.path)).toBe(share);
    const back = await core.call('backup.setFolder', { folder: null });
    expect(back).toMatchObject({ usesDefaultFolder: true, count: 2 });
    expect(readdirSync(share)).toEqual([]);
    // Leftovers of an interrupted backup never count and are cleaned up at start.
    const leftover = path.join(core.dataDir, 'backups', '.schakel-20260101T000000000Z-auto.db.partial');
    copyFileSync(next.path.replace(share, path.join(core.dataDir, 'backups')), leftover);
    utimesSync(leftover, new Date(), new Date());
    expect((await core.call('backup.list', {})).length).toBe(2);
    const dataDir = core.dataDir;
    await core.close();
    cores.splice(cores.indexOf(core), 1);
    await start({ dataDir });
    expect(existsSync(leftover)).toBe(false);
  });
});

describe('keys travel with the backups', () => {
  it('copies the per-installation secrets beside the backups, readable by the owner only', async () => {
    const core = await start();
    await core.call('consent.suppress', { email: 'weg@example.org', reason: 'manual', actor: 'Secretariaat' });
    const made = (await core.call('backup.now', {})) as { path?: string; file?: string };
    const secrets = path.join(core.dataDir, 'backups', 'secrets');
    const names = readdirSync(path.join(core.dataDir, 'secrets'));
    expect(names).toContain('suppression.key');
    expect(readdirSync(secrets).sort()).toEqual(expect.arrayContaining(names));
    const { statSync, readFileSync } = await import('node:fs');
    expect(statSync(path.join(secrets, 'suppression.key')).mode & 0o777).toBe(0o600);
    expect(readFileSync(path.join(secrets, 'suppression.key'), 'utf8')).toBe(readFileSync(path.join(core.dataDir, 'secrets', 'suppression.key'), 'utf8'));
    expect(made).toBeTruthy();
  });
});
