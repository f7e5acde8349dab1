import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { InboxStartOptions } from '../../db/inbox/service';
import type { TestCore } from '../helpers/core';
import { useTestMailbox } from '../helpers/inbox';
import { DOVEADM as DOVEADM_PACKAGE, DOVECOT, requireSystem } from '../helpers/system';
import type { InboxStatus } from '../../db/inbox/types';

requireSystem(DOVECOT, DOVEADM_PACKAGE);

const FIXTURES = path.join(__dirname, '../fixtures/mail');
const DOVEADM = DOVEADM_PACKAGE.binary;

async function until<T>(what: string, probe: () => Promise<T | null | undefined | false>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for: ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function resources(): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of process.getActiveResourcesInfo()) out[r] = (out[r] ?? 0) + 1;
  return out;
}

describe('the mailbox watcher against a real IMAP server (dovecot)', () => {
  const mailbox = useTestMailbox();

  /** A fixture under a fresh Message-ID into INBOX. */
  function append(name: string, id: string): Promise<void> {
    return mailbox.append(readFileSync(path.join(FIXTURES, name), 'utf8').replace(/Message-ID: <[^>]+>/i, `Message-ID: <${id}>`));
  }

  const core = (inbox: InboxStartOptions = {}) => mailbox.createCore({ inbox: { watch: true, debounceMs: 300, ...inbox } });

  const status = (c: TestCore) => c.call('inbox.status', {}) as Promise<InboxStatus>;
  const processed = (c: TestCore, id: string) => c.ctx.sqlite.prepare('SELECT outcome FROM inbox_messages WHERE message_id = ?').get(`<${id}>`);

  it('reports "off" without a mailbox, and keeps the interval and confirmation period in the settings', async () => {
    const c = await core();
    expect(await status(c)).toEqual({
      configured: false, watching: 'off', running: false, lastCheckAt: null, lastResult: null, lastError: null, nextCheckAt: null,
      confirmations: { unsent: 0, awaiting: 0, expiringSoon: 0, failed: 0, problem: null },
    });
    expect(await c.call('inbox.settings.get', {})).toMatchObject({ pollMinutes: 5, confirmationDays: 14 });
    const saved = await c.call('inbox.settings.save', mailbox.settings({ pollMinutes: 0, confirmationDays: 21 }));
    expect(saved).toMatchObject({ pollMinutes: 0, confirmationDays: 21, configured: true });
    expect(await c.call('inbox.settings.get', {})).toMatchObject({ pollMinutes: 0, confirmationDays: 21 });
    expect(await status(c)).toMatchObject({ configured: true, watching: 'off', nextCheckAt: null });
  });

  it('processes new mail as soon as the server reports it (IMAP IDLE), without "Nu controleren"', async () => {
    const c = await core();
    const before = Date.now();
    await c.call('inbox.settings.save', mailbox.settings({ pollMinutes: 5 }));
    const watching = await until('idle connection', async () => ((await status(c)).watching === 'idle' ? 'idle' : null));
    expect(watching).toBe('idle');
    const s = await status(c);
    // The next timed round is five minutes away: only IDLE can pick the message up within the wait below.
    expect(Date.parse(s.nextCheckAt!)).toBeGreaterThanOrEqual(before + 5 * 60_000 - 1000);
    expect(s.lastCheckAt).toBeNull();

    await append('free-nl.eml', 'watch-idle-1@example.net');
    await until('message processed', async () => processed(c, 'watch-idle-1@example.net'), 15_000);
    const after = await until('round finished', async () => {
      const x = await status(c);
      return x.lastResult && !x.running ? x : null;
    });
    expect(after.lastResult).toMatchObject({ processed: 1, byOutcome: { review: 1 }, confirmationsSent: 0, confirmationsExpired: 0 });
    expect(after.lastError).toBeNull();
    expect(after.lastCheckAt).not.toBeNull();
    expect(after.watching).toBe('idle');
    const x = await mailbox.imap();
    const inbox = await x.status('INBOX', { messages: true });
    expect(inbox && inbox.messages).toBe(0);
    await x.logout();
  }, 40_000);

  it('falls back to polling when the IDLE connection drops, and watches again after the next round', async () => {
    const c = await core({ minuteMs: 1_500 });
    await c.call('inbox.settings.save', mailbox.settings({ pollMinutes: 1 }));
    await until('idle connection', async () => (await status(c)).watching === 'idle');
    // The server drops every connection of the user.
    execFileSync(DOVEADM, ['-c', path.join(mailbox.dovecot.dir, 'dovecot.conf'), 'kick', mailbox.dovecot.user], { stdio: 'ignore' });
    await until('fallback to polling', async () => (await status(c)).watching === 'poll', 5_000);
    await append('free-en.eml', 'watch-poll-1@example.com');
    await until('message processed by a timed round', async () => processed(c, 'watch-poll-1@example.com'), 15_000);
    await until('idle again', async () => (await status(c)).watching === 'idle', 10_000);
  }, 40_000);

  it('checks only on request with an interval of 0, and the same round runs on "Nu controleren"', async () => {
    const c = await core({ minuteMs: 500 });
    await c.call('inbox.settings.save', mailbox.settings({ pollMinutes: 0 }));
    await append('free-nl.eml', 'watch-off-1@example.net');
    await new Promise((r) => setTimeout(r, 2_500));
    expect(processed(c, 'watch-off-1@example.net')).toBeUndefined();
    expect(await status(c)).toMatchObject({ watching: 'off', lastCheckAt: null, nextCheckAt: null });
    const [a, b] = await Promise.all([c.call('inbox.checkNow', {}), c.call('inbox.checkNow', {})]);
    expect(a.processed + b.processed).toBe(1);
    expect(processed(c, 'watch-off-1@example.net')).toEqual({ outcome: 'review' });
    expect(await status(c)).toMatchObject({ watching: 'off', running: false, lastError: null });

    // Switched on again: watched at once.
    await c.call('inbox.settings.save', mailbox.settings({ pollMinutes: 2 }));
    expect((await status(c)).nextCheckAt).not.toBeNull();
    await until('idle connection', async () => (await status(c)).watching === 'idle');
  }, 30_000);

  it('does not watch when switched off for the core', async () => {
    const c = await core({ watch: false });
    await c.call('inbox.settings.save', mailbox.settings({ pollMinutes: 1 }));
    expect(await status(c)).toMatchObject({ configured: true, watching: 'off', nextCheckAt: null });
  });

  it('reports a refused password in plain words, from the timed round and from "Nu controleren"', async () => {
    const c = await core({ minuteMs: 1_000 });
    await c.call('inbox.settings.save', mailbox.settings({ password: 'fout', pollMinutes: 1 }));
    const s = await until('failed round', async () => {
      const x = await status(c);
      return x.lastError ? x : null;
    }, 10_000);
    expect(s.lastError!.nl).toMatch(/wachtwoord/);
    expect(s.lastError!.en).toMatch(/password/);
    expect(s.watching).toBe('poll');
    expect(s.lastResult).toBeNull();
    await expect(c.call('inbox.checkNow', {})).rejects.toThrow(/wachtwoord/);
    await c.call('inbox.settings.save', mailbox.settings({ pollMinutes: 0 }));
    await c.call('inbox.checkNow', {});
    expect((await status(c)).lastError).toBeNull();
  }, 30_000);

  it('leaves no connection and no timer behind when the core closes', async () => {
    await new Promise((r) => setTimeout(r, 200));
    const baseline = resources();
    const c = await core({ minuteMs: 60_000 });
    await c.call('inbox.settings.save', mailbox.settings({ pollMinutes: 5 }));
    await until('idle connection', async () => (await status(c)).watching === 'idle');
    expect((resources().TCPSocketWrap ?? 0)).toBeGreaterThan(baseline.TCPSocketWrap ?? 0);
    await c.dispose();
    await until('sockets and timers gone', async () => {
      const now = resources();
      return (now.TCPSocketWrap ?? 0) <= (baseline.TCPSocketWrap ?? 0) && (now.Timeout ?? 0) <= (baseline.Timeout ?? 0);
    }, 5_000);
  }, 30_000);
});
