import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { closeSync, cpSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, writeSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DATABASE_FILE } from '../../db/store/connection';
import { LOCK_FILE, StorageError } from '../../db/store/storage';
import { startCore } from '../../electron/core';
import { tempDir } from '../helpers/core';
import { addPeople, contentDigest, startTestCore, type BackupTestCore } from './backup-helpers';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');

const cores: BackupTestCore[] = [];
async function start(options: Parameters<typeof startTestCore>[0] = {}): Promise<BackupTestCore> {
  const core = await startTestCore(options);
  cores.push(core);
  return core;
}
afterEach(async () => {
  for (const core of cores.splice(0)) await core.dispose(false);
});

async function startError(dataDir: string): Promise<StorageError> {
  const outcome = await startCore({ dataDir, backup: { auto: false } }).then(
    async (core) => {
      await core.close();
      return null;
    },
    (e: unknown) => e,
  );
  expect(outcome).toBeInstanceOf(StorageError);
  return outcome as StorageError;
}

/** Fills the file system holding `dir` until it reports ENOSPC; returns the filler file. */
function fillDisk(dir: string): string {
  const filler = path.join(dir, `filler-${Date.now()}`);
  const fd = openSync(filler, 'w');
  const chunk = Buffer.alloc(4096, 1);
  try {
    for (;;) writeSync(fd, chunk);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
  } finally {
    closeSync(fd);
  }
  return filler;
}

describe('two instances on one data folder', () => {
  let child: ChildProcess | null = null;
  afterEach(() => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
    child = null;
  });

  function startChild(dataDir: string): Promise<{ pid: number; line: string }> {
    child = spawn(process.execPath, ['--import', 'tsx', path.join(here, 'backup-instance-child.ts'), dataDir], {
      cwd: root,
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    const proc = child;
    return new Promise((resolve, reject) => {
      let out = '';
      proc.stdout!.on('data', (d: Buffer) => {
        out += d.toString();
        const line = out.split('\n')[0]!;
        if (out.includes('\n')) resolve({ pid: proc.pid!, line });
      });
      proc.once('exit', (code) => reject(new Error(`child exited ${code}: ${out}`)));
    });
  }

  it('the second Schakel is refused and told which process holds the folder; a dead holder is taken over', async () => {
    const dataDir = tempDir('schakel-two-');
    const { pid, line } = await startChild(dataDir);
    expect(line).toBe(`ready ${pid}`);
    const lock = JSON.parse(readFileSync(path.join(dataDir, LOCK_FILE), 'utf8'));
    expect(lock).toMatchObject({ pid, hostname: os.hostname() });

    const error = await startError(dataDir);
    expect(error.code).toBe('locked_by_other_instance');
    expect(error.details.holder?.pid).toBe(pid);
    expect(error.messages.nl).toContain(`proces ${pid}`);
    expect(error.messages.nl).toContain('Er mag maar één Schakel tegelijk');
    expect(error.messages.en).toContain(`process ${pid}`);

    // The holder dies without cleaning up: its lock is stale and is taken over.
    const exited = new Promise((resolve) => child!.once('exit', resolve));
    child!.kill('SIGKILL');
    await exited;
    expect(existsSync(path.join(dataDir, LOCK_FILE))).toBe(true);
    const core = await start({ dataDir });
    expect(JSON.parse(readFileSync(path.join(dataDir, LOCK_FILE), 'utf8')).pid).toBe(process.pid);
    expect((await core.call('pilots.list', {})).length).toBe(4);
    await core.dispose();
    cores.splice(cores.indexOf(core), 1);
    expect(existsSync(path.join(dataDir, LOCK_FILE))).toBe(false); // close releases the lock
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('a second core in the same process is refused until the first closes', async () => {
    const first = await start();
    const error = await startError(first.dataDir);
    expect(error.code).toBe('locked_by_other_instance');
    expect(error.details.holder?.pid).toBe(process.pid);
    await first.close();
    cores.splice(cores.indexOf(first), 1);
    const second = await start({ dataDir: first.dataDir });
    expect((await second.call('pilots.list', {})).length).toBe(4);
    await second.dispose();
    cores.splice(cores.indexOf(second), 1);
  });

  it('a graceful second process gets the message too', async () => {
    const first = await start();
    const { line } = await startChild(first.dataDir);
    expect(line).toMatch(new RegExp(`^failed locked_by_other_instance .*process ${process.pid} `));
    await first.dispose();
    cores.splice(cores.indexOf(first), 1);
  });
});

const isRoot = process.getuid?.() === 0;
if (!isRoot) {
  console.warn('Skipping the full-disk and read-only tests: mounting a 1 MiB tmpfs needs root (mount -t tmpfs -o size=1m tmpfs DIR).');
}

describe.skipIf(!isRoot)('full disk and read-only folders (1 MiB tmpfs, needs root)', () => {
  const mounts: string[] = [];
  const base = mkdtempSync(path.join(os.tmpdir(), 'schakel-tmpfs-'));
  function mountTmpfs(name: string, readOnly = false): string {
    const dir = path.join(base, name);
    mkdirSync(dir, { recursive: true });
    execFileSync('mount', ['-t', 'tmpfs', '-o', `${readOnly ? 'ro,' : ''}size=1m`, 'tmpfs', dir]);
    mounts.push(dir);
    return dir;
  }
  let backupDisk: string;
  let dataDisk: string;
  let readOnlyDisk: string;

  beforeAll(() => {
    backupDisk = mountTmpfs('backups');
    dataDisk = mountTmpfs('data');
    readOnlyDisk = mountTmpfs('readonly', true);
  });
  afterAll(async () => {
    for (const core of cores.splice(0)) await core.dispose(false);
    for (const dir of mounts.reverse()) {
      try {
        execFileSync('umount', [dir]);
      } catch {
        execFileSync('umount', ['-l', dir]);
      }
    }
    rmSync(base, { recursive: true, force: true });
  });

  it('a backup into a full folder is reported, leaves nothing behind and is not counted; the database is unchanged', async () => {
    const core = await start();
    addPeople(core.ctx.sqlite, 4000, 500); // a few MiB: more than the 1 MiB disk
    const digest = contentDigest(core.ctx.sqlite);
    const status = await core.call('backup.setFolder', { folder: backupDisk });
    expect(status).toMatchObject({ folder: backupDisk, count: 0 });

    const error = await core.fail('backup.now', {});
    expect(error.code).toBe('disk_full');
    expect(error.message).toContain('De reservekopie is niet gemaakt.');
    expect(error.message).toContain('De schijf is vol');
    expect((await core.fail('backup.now', {}, 'en')).message).toContain('The disk is full');
    expect(readdirSync(backupDisk)).toEqual([]);
    expect(await core.call('backup.list', {})).toEqual([]);
    const after = await core.call('backup.status', {});
    expect(after.count).toBe(0);
    expect(after.lastFailure).toMatchObject({ code: 'disk_full' });
    expect(after.lastFailure!.message.nl).toContain('De schijf is vol');

    expect(contentDigest(core.ctx.sqlite)).toBe(digest);
    expect(core.ctx.sqlite.pragma('integrity_check', { simple: true })).toBe('ok');
    // The app carries on.
    await core.call('people.save', { firstName: 'Na', lastName: 'Volle Schijf' });
    await core.dispose();
    cores.splice(cores.indexOf(core), 1);
  });

  it('a write on a full data disk fails with a clear message and leaves the database as it was', async () => {
    // The schema no longer fits a 1 MiB disk while it is being created: prepare the folder elsewhere, then move it there.
    const prepared = tempDir('schakel-prepared-');
    await (await startCore({ dataDir: prepared, backup: { auto: false } })).close();
    const dataDir = path.join(dataDisk, 'schakel');
    cpSync(prepared, dataDir, { recursive: true, filter: (src) => !src.includes(`${path.sep}backups`) });
    rmSync(prepared, { recursive: true, force: true });
    const core = await start({ dataDir });
    const filler = fillDisk(dataDisk);
    let failure: { code: string; message: string } | null = null;
    let saved = 0;
    for (let i = 0; i < 400 && !failure; i++) {
      const before = contentDigest(core.ctx.sqlite);
      const result = await core.registry.invoke('people.save', {
        firstName: 'Vol', lastName: `Schijf ${i}`, notes: 'n'.repeat(9000), emails: [{ email: `vol${i}@example.org`, primary: true }],
      });
      if (result.ok) {
        saved++;
        continue;
      }
      failure = result.error;
      expect(contentDigest(core.ctx.sqlite)).toBe(before);
    }
    expect(failure).toMatchObject({ code: 'disk_full' });
    expect(failure!.message).toContain('De schijf is vol');
    expect(failure!.message).toContain('Er is niets half opgeslagen');
    expect(core.ctx.sqlite.pragma('quick_check', { simple: true })).toBe('ok');
    const count = (core.ctx.sqlite.prepare(`SELECT count(*) AS n FROM people WHERE first_name = 'Vol'`).get() as { n: number }).n;
    expect(count).toBe(saved);

    rmSync(filler);
    await core.call('people.save', { firstName: 'Weer', lastName: 'Ruimte' });
    await core.close();
    cores.splice(cores.indexOf(core), 1);
    const again = await start({ dataDir });
    expect(again.ctx.sqlite.pragma('integrity_check', { simple: true })).toBe('ok');
    expect((again.ctx.sqlite.prepare('SELECT count(*) AS n FROM people').get() as { n: number }).n).toBe(saved + 1);
    await again.close();
    cores.splice(cores.indexOf(again), 1);

    // Starting on a full disk: a plain message, and no half-made data file.
    const filler2 = fillDisk(dataDisk);
    const fresh = path.join(dataDisk, 'nieuw');
    const error = await startError(fresh);
    expect(error.code).toBe('disk_full');
    expect(error.messages.nl).toContain('De schijf is vol');
    expect(existsSync(path.join(fresh, DATABASE_FILE))).toBe(false);
    expect(existsSync(path.join(fresh, LOCK_FILE))).toBe(false);
    rmSync(filler2);
  });

  it('a folder that cannot be written to is named plainly, for data and for backups', async () => {
    const error = await startError(path.join(readOnlyDisk, 'schakel'));
    expect(error.code).toBe('not_writable');
    expect(error.messages.nl).toContain('Schakel mag niet schrijven in deze map');
    expect(error.messages.en).toContain('not allowed to write');

    const core = await start();
    const before = await core.call('backup.status', {});
    const failed = await core.fail('backup.setFolder', { folder: readOnlyDisk });
    expect(failed.code).toBe('not_writable');
    expect(failed.message).toContain('De map voor reservekopieën is niet gewijzigd.');
    expect(await core.call('backup.status', {})).toEqual(before);
    await core.dispose();
    cores.splice(cores.indexOf(core), 1);
  });
});
