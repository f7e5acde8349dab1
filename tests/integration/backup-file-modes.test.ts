import { chmodSync, existsSync, lstatSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import nodemailer from 'nodemailer';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startCore, type Core } from '../../electron/core';
import { tempDir } from '../helpers/core';

// The umask of a shared machine: without care, files come out 0644 and folders 0755.
let umask = 0;
beforeAll(() => {
  umask = process.umask(0o022);
});
afterAll(() => {
  process.umask(umask);
});

const roots: string[] = [];
const cores: Core[] = [];
afterEach(async () => {
  for (const core of cores.splice(0)) await core.close();
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
});

async function start(dataDir: string): Promise<Core> {
  const core = await startCore({ dataDir, backup: { auto: false } });
  cores.push(core);
  return core;
}

async function call(core: Core, name: Parameters<Core['registry']['invoke']>[0], input: object): Promise<unknown> {
  const r = await core.registry.invoke(name, input as never);
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}

/** Every file and folder below root (root included) whose mode lets anyone but the owner in. */
function openToOthers(root: string): string[] {
  const out: string[] = [];
  const visit = (p: string) => {
    const st = lstatSync(p);
    const mode = st.mode & 0o777;
    if (st.isDirectory()) {
      if (mode !== 0o700) out.push(`${path.relative(root, p) || '.'}/ ${mode.toString(8)}`);
      for (const name of readdirSync(p)) visit(path.join(p, name));
    } else if (mode !== 0o600) out.push(`${path.relative(root, p)} ${mode.toString(8)}`);
  };
  visit(root);
  return out;
}

/** Everything a working installation writes: data, WAL, lock, keys, a backup with its keys, settings, the test mailbox. */
async function useEverything(core: Core): Promise<void> {
  await call(core, 'people.save', { firstName: 'Anna', lastName: 'Privé', emails: [{ email: 'anna@example.org', primary: true }] });
  await call(core, 'consent.lookupAddress', { email: 'anna@example.org' });
  await call(core, 'backup.setRetention', { days: 30 });
  await call(core, 'backup.now', {});
  const port = await core.services.sending.mailbox.start();
  const transport = nodemailer.createTransport({ host: '127.0.0.1', port, secure: false, ignoreTLS: true });
  await transport.sendMail({ from: 'a@example.net', to: 'anna@example.org', subject: 'Test', text: 'Hallo Anna' });
  transport.close();
}

describe.skipIf(process.platform === 'win32')('file modes on a shared machine (umask 022)', () => {
  it('creates the data folder 0700 and every file in it 0600: database, WAL, lock, keys, backups, settings, test mailbox', async () => {
    const root = tempDir();
    roots.push(root);
    const dataDir = path.join(root, 'Schakel', 'data');
    const core = await start(dataDir);
    await useEverything(core);
    const names = readdirSync(dataDir);
    expect(names).toEqual(expect.arrayContaining(['schakel.db', 'schakel.db-wal', 'schakel.db-shm', 'schakel.lock', 'backups', 'secrets', 'test-mailbox', 'backup-settings.json']));
    expect(readdirSync(path.join(dataDir, 'backups'))).toEqual(expect.arrayContaining(['secrets']));
    expect(readdirSync(path.join(dataDir, 'test-mailbox'))).toEqual(expect.arrayContaining(['index.jsonl']));
    expect(openToOthers(dataDir)).toEqual([]);
    expect(statSync(path.join(root, 'Schakel')).mode & 0o777).toBe(0o700);
  });

  it('tightens the folders and files an older version left open, and the backups in a chosen folder, on start', async () => {
    const root = tempDir();
    roots.push(root);
    const dataDir = path.join(root, 'data');
    const chosen = path.join(root, 'chosen-backups');
    mkdirSync(chosen, { mode: 0o755 });
    const core = await start(dataDir);
    await useEverything(core);
    await call(core, 'backup.setFolder', { folder: chosen });
    await call(core, 'backup.now', {});
    await core.close();
    cores.length = 0;

    const loosen = (p: string) => {
      chmodSync(p, lstatSync(p).isDirectory() ? 0o755 : 0o644);
      if (lstatSync(p).isDirectory()) for (const name of readdirSync(p)) loosen(path.join(p, name));
    };
    loosen(dataDir);
    loosen(chosen);
    expect(openToOthers(dataDir).length).toBeGreaterThan(5);

    await start(dataDir);
    expect(openToOthers(dataDir)).toEqual([]);
    // The chosen folder is the user's: its own mode stays, the backups and keys in it are tightened.
    expect(statSync(chosen).mode & 0o777).toBe(0o755);
    const backups = readdirSync(chosen).filter((f) => f.endsWith('.db'));
    expect(backups.length).toBeGreaterThan(0);
    for (const f of backups) expect(statSync(path.join(chosen, f)).mode & 0o777).toBe(0o600);
    expect(existsSync(path.join(chosen, 'secrets'))).toBe(true);
    expect(openToOthers(path.join(chosen, 'secrets'))).toEqual([]);
  });
});
