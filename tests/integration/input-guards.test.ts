import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestCore, type TestCore } from '../helpers/core';

let core: TestCore;
beforeEach(async () => {
  core = await createTestCore();
});
afterEach(async () => {
  await core.dispose();
});

const failure = async (name: string, input: unknown, lang: 'nl' | 'en' = 'nl') => {
  const result = await core.registry.invoke(name, input, lang);
  expect(result.ok).toBe(false);
  if (result.ok) throw new Error('expected a failure');
  return result.error;
};

describe('mail settings without TLS', () => {
  const smtp = { port: 25, security: 'none', user: 'secretariaat', password: 'geheim', senderEmail: 'nieuwsbrief@example.org', profile: 'relay' };
  const imap = { port: 143, security: 'none', user: 'secretariaat', password: 'geheim' };

  it('refuses "none" to a server that is not this computer, in Dutch and English, and saves nothing', async () => {
    const nl = await failure('sending.settings.save', { ...smtp, host: 'smtp.example.org' });
    expect(nl.code).toBe('invalid_settings');
    expect(nl.message).toContain('onversleuteld');
    expect(nl.issues?.[0]?.path).toBe('security');
    const en = await failure('sending.settings.save', { ...smtp, host: '192.168.1.10' }, 'en');
    expect(en.message).toContain('unencrypted');
    expect((await core.call('sending.settings.get', {})).host).toBe('');

    const inbox = await failure('inbox.settings.save', { ...imap, host: 'imap.example.org' });
    expect(inbox.code).toBe('invalid_settings');
    expect(inbox.issues?.[0]?.path).toBe('security');
    expect((await failure('inbox.settings.save', { ...imap, host: 'mail.example.org' }, 'en')).message).toContain('unencrypted');
    const view = await core.call('inbox.settings.get', {});
    expect(view.host).toBe('');
    expect(view.passwordSet).toBe(false);
  });

  it('allows "none" to 127.0.0.1, localhost and ::1, and TLS anywhere', async () => {
    for (const host of ['127.0.0.1', 'localhost', '::1']) {
      expect((await core.call('sending.settings.save', { ...smtp, host } as never)).host).toBe(host);
      expect((await core.call('inbox.settings.save', { ...imap, host } as never)).host).toBe(host);
    }
    expect((await core.call('sending.settings.save', { ...smtp, host: 'smtp.example.org', security: 'starttls', port: 587 } as never)).host).toBe('smtp.example.org');
    expect((await core.call('inbox.settings.save', { ...imap, host: 'imap.example.org', security: 'tls', port: 993 } as never)).host).toBe('imap.example.org');
  });
});

describe('backup.inspect on something that is not a file', () => {
  it('refuses a folder with a clear message', async () => {
    const folder = path.join(core.dataDir, 'een-map.db');
    mkdirSync(folder);
    const error = await failure('backup.inspect', { path: folder });
    expect(error.message).toContain('is geen bestand maar een map');
    expect((await failure('backup.inspect', { path: folder }, 'en')).message).toContain('is not a file but a folder');
  });

  it('refuses a named pipe without opening it (opening would block the whole server)', async () => {
    const fifo = path.join(core.dataDir, 'pijp.db');
    execFileSync('mkfifo', [fifo]);
    // Should the pipe be opened after all, this writer unblocks it after a while, so the test fails instead of hanging.
    const writer = spawn('sh', ['-c', `sleep 2; printf x > "${fifo}"`], { stdio: 'ignore' });
    try {
      const started = Date.now();
      const error = await failure('backup.inspect', { path: fifo });
      expect(error.message).toContain('is geen bestand maar een map of een speciaal bestand');
      expect(Date.now() - started).toBeLessThan(1500);
    } finally {
      writer.kill('SIGKILL');
    }
  });
});
