import { rmSync } from 'node:fs';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { startCore, type Core } from '../../electron/core';
import type { SendingOptions } from '../../db/sending/sending';
import { FakeClock } from './clock';
import type { PasswordStore } from '../../db/mail/smtp';
import { tempDir } from './core';
import { caller, TestSmtpServer, type SmtpBehaviour } from './smtp';

/** The sending account for a test SMTP server on 127.0.0.1 (input for sending.settings.save). */
export const smtpAccount = (port: number) => ({
  host: '127.0.0.1', port, security: 'none', senderEmail: 'nieuwsbrief@example.org', profile: 'custom', perSecond: 1000,
});

/**
 * Cores, data folders and SMTP servers made during one test; `cleanup()` (in afterEach) closes and removes them.
 * Cores come with the account saved and a worker that does not run by itself: the test drives it on a fake clock.
 */
export class SendingBench {
  cores: Core[] = [];
  servers: TestSmtpServer[] = [];
  dirs: string[] = [];

  constructor(private readonly defaults: { t0: number; retryDelaysMs: number[] }) {}

  /** A test SMTP server; port -1: made but not started. */
  async server(behaviour: SmtpBehaviour = {}, port = 0): Promise<TestSmtpServer> {
    const s = new TestSmtpServer(behaviour);
    this.servers.push(s);
    if (port >= 0) await s.start(port);
    return s;
  }

  /** A temp data folder removed after the test. */
  dir(): string {
    const d = tempDir();
    this.dirs.push(d);
    return d;
  }

  /** Closes this core after the test (for cores the test starts itself). */
  track(c: Core): Core {
    this.cores.push(c);
    return c;
  }

  /** Closes a core now (as when Schakel is quit), keeping its data folder. */
  async close(c: Core): Promise<void> {
    await c.close();
    this.cores = this.cores.filter((x) => x !== c);
  }

  /**
   * saved: the worker takes the account, pacing and password from the saved settings (as the app does), instead of
   * the injected target without limits. account: saved over the default test account.
   */
  async core(port: number, options: SendingOptions & { saved?: boolean; account?: Record<string, unknown>; passwords?: PasswordStore } = {}, dataDir = this.dir()) {
    if (!this.dirs.includes(dataDir)) this.dirs.push(dataDir);
    const { saved, account, ...rest } = options;
    const clock = options.clock ?? new FakeClock(this.defaults.t0);
    const injected = saved ? {} : { limits: null, target: { host: '127.0.0.1', port, security: 'none' as const, user: '', password: null, connections: 2 } };
    const c = this.track(await startCore({
      dataDir, now: () => new Date(clock.now()), backup: { auto: false },
      sending: { worker: false, clock, retryDelaysMs: this.defaults.retryDelaysMs, ...injected, ...rest },
    }));
    const call = caller(c.registry);
    await call('sending.settings.save', { ...smtpAccount(port), ...account });
    return { c, call, clock, worker: c.services.sending.worker };
  }

  async cleanup(): Promise<void> {
    for (const c of this.cores) await c.close();
    for (const s of this.servers) await s.stop();
    for (const d of this.dirs) rmSync(d, { recursive: true, force: true });
    this.cores = [];
    this.servers = [];
    this.dirs = [];
  }
}

/** A test SMTP server for the enclosing describe; after each test its received messages and behaviour are cleared. */
export function useTestSmtpServer(): TestSmtpServer {
  const s = new TestSmtpServer({});
  beforeAll(async () => {
    await s.start(0);
  });
  afterAll(() => s.stop());
  afterEach(() => {
    s.received.length = 0;
    s.behaviour = {};
  });
  return s;
}
