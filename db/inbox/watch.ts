import type { ImapFlow } from 'imapflow';
import { CommandError } from '../shared/errors';
import { imapClient, type ImapTarget } from './inbox';
import type { Messages } from '../shared/messages';
import type { InboxCheckResult, InboxStatus } from './types';

export interface WatchPlan {
  configured: boolean;
  pollMinutes: number;
  /** null with configured: no IDLE connection, timed rounds only (Microsoft 365, a token per round). */
  target: ImapTarget | null;
}

export interface WatcherDeps {
  /** The current settings (read again before every scheduling decision). */
  plan(): Promise<WatchPlan>;
  /** One round: read the mailbox, then the confirmations. */
  round(): Promise<InboxCheckResult>;
  now(): Date;
  /** Debounce after the server reports new mail (ms). */
  debounceMs?: number;
  /** Length of a poll "minute" in ms (tests shorten it). */
  minuteMs?: number;
}

/** Plain words for a failed round, for the secretariat. */
export function roundErrorText(error: unknown): Messages {
  if (error instanceof CommandError) return error.messages;
  const e = error as { authenticationFailed?: boolean; code?: string; responseText?: string; message?: string };
  if (e?.authenticationFailed) {
    return { nl: 'De server weigerde de gebruikersnaam of het wachtwoord van het postvak.', en: 'The server refused the mailbox user name or password.' };
  }
  if (e?.code === 'ENOTFOUND' || e?.code === 'EAI_AGAIN') {
    return { nl: 'De servernaam van het postvak is niet gevonden.', en: 'The mailbox server name was not found.' };
  }
  if (e?.code === 'ECONNREFUSED' || e?.code === 'ETIMEDOUT' || e?.code === 'ECONNRESET') {
    return { nl: 'De server van het postvak is niet bereikbaar.', en: 'The mailbox server cannot be reached.' };
  }
  const detail = String(e?.responseText ?? e?.message ?? '').slice(0, 300);
  return {
    nl: `Het postvak lezen is mislukt; wat al verwerkt was, blijft verwerkt.${detail ? ` (${detail})` : ''}`,
    en: `Reading the mailbox failed; what was already processed stays processed.${detail ? ` (${detail})` : ''}`,
  };
}

type Watching = InboxStatus['watching'];

/**
 * Runs a round every pollMinutes while Schakel runs and, where the server offers IMAP IDLE, as soon as new mail
 * arrives in the watched folder. One round at a time; every timer is unref'd and stop() closes everything.
 */
export class InboxWatcher {
  private timer: NodeJS.Timeout | null = null;
  private debounce: NodeJS.Timeout | null = null;
  private idle: ImapFlow | null = null;
  private idleOpening: Promise<void> | null = null;
  private current: Promise<InboxCheckResult> | null = null;
  private stopped = false;
  private active = false;
  private scheduling: Promise<void> = Promise.resolve();
  private pollMinutes = 0;
  private configured = false;

  lastCheckAt: string | null = null;
  lastResult: InboxCheckResult | null = null;
  lastError: Messages | null = null;
  nextCheckAt: string | null = null;

  constructor(private readonly deps: WatcherDeps) {}

  get running(): boolean {
    return this.current !== null;
  }

  get watching(): Watching {
    if (!this.active || !this.configured || this.pollMinutes === 0) return 'off';
    return this.idle?.usable ? 'idle' : 'poll';
  }

  /** Starts automatic rounds (the core's start). */
  start(): Promise<void> {
    this.active = true;
    return this.reschedule();
  }

  /** Reads the settings again: after a save, and after each round. */
  reschedule(): Promise<void> {
    this.scheduling = this.scheduling.then(() => this.plan()).catch(() => {});
    return this.scheduling;
  }

  private async plan(): Promise<void> {
    if (this.stopped) return;
    let p: WatchPlan;
    try {
      p = await this.deps.plan();
    } catch {
      return;
    }
    this.configured = p.configured;
    this.pollMinutes = p.pollMinutes;
    this.clearTimer();
    if (!this.active || !p.configured || p.pollMinutes === 0) {
      this.nextCheckAt = null;
      await this.closeIdle();
      return;
    }
    const delay = p.pollMinutes * (this.deps.minuteMs ?? 60_000);
    this.nextCheckAt = new Date(this.deps.now().getTime() + delay).toISOString();
    this.timer = setTimeout(() => { void this.automatic(); }, delay);
    this.timer.unref();
    // No IMAP target (Microsoft 365 with a token per round): timed rounds only.
    if (!p.target) await this.closeIdle();
    else if (!this.idle && !this.idleOpening) {
      const opening = this.openIdle(p.target).catch(() => {}).finally(() => { if (this.idleOpening === opening) this.idleOpening = null; });
      this.idleOpening = opening;
    }
  }

  /** Reconnects the IDLE connection on the next plan when the target changed (settings saved). */
  async settingsChanged(): Promise<void> {
    await this.closeIdle();
    await this.reschedule();
  }

  private async openIdle(target: ImapTarget): Promise<void> {
    const c = imapClient(target, { autoIdleDelay: 1_000, maxIdleTime: 4 * 60_000, socketTimeout: 6 * 60_000 });
    try {
      await c.connect();
      if (this.stopped || !this.active || !c.capabilities.has('IDLE')) {
        await c.logout().catch(() => c.close());
        return;
      }
      await c.mailboxOpen(target.folder, { readOnly: true });
    } catch {
      c.close();
      return;
    }
    c.on('exists', () => this.soon());
    c.on('close', () => {
      if (this.idle === c) this.idle = null;
    });
    if (this.stopped) {
      c.close();
      return;
    }
    this.idle = c;
  }

  private async closeIdle(): Promise<void> {
    await this.idleOpening?.catch(() => {});
    const c = this.idle;
    this.idle = null;
    if (!c) return;
    await Promise.race([c.logout().catch(() => {}), new Promise((r) => setTimeout(r, 2_000).unref())]);
    c.close();
  }

  private soon(): void {
    if (this.stopped) return;
    if (this.debounce) clearTimeout(this.debounce);
    this.debounce = setTimeout(() => {
      this.debounce = null;
      void this.automatic();
    }, this.deps.debounceMs ?? 1_500);
    this.debounce.unref();
  }

  private async automatic(): Promise<void> {
    if (this.stopped) return;
    try {
      await this.run();
    } catch {
      // recorded in lastError
    }
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  /**
   * One round, never two at once: a request while a round runs waits for it and then starts a fresh one,
   * so mail that arrived meanwhile is read too.
   */
  async run(): Promise<InboxCheckResult> {
    while (this.current) await this.current.catch(() => {});
    if (this.stopped) throw new Error('Inbox watcher stopped');
    const round = (async () => {
      try {
        const result = await this.deps.round();
        this.lastResult = result;
        this.lastError = null;
        return result;
      } catch (error) {
        this.lastError = roundErrorText(error);
        throw error;
      } finally {
        this.lastCheckAt = this.deps.now().toISOString();
      }
    })();
    this.current = round;
    try {
      return await round;
    } finally {
      this.current = null;
      if (!this.stopped) void this.reschedule();
    }
  }

  /** No timers, no connections; waits for a running round. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.active = false;
    this.clearTimer();
    if (this.debounce) clearTimeout(this.debounce);
    this.debounce = null;
    this.nextCheckAt = null;
    await this.current?.catch(() => {});
    await this.scheduling.catch(() => {});
    await this.closeIdle();
  }
}
