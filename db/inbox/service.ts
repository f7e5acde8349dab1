import type { Context } from '../store/context';
import type { AddressHasher } from '../consent/suppression';
import type { UnsubscribeTokens } from '../newsletter/newsletter';
import { confirmationCounts, expireConfirmations, sendConfirmations, smtpSender, type SendConfirmation } from '../consent/confirmations';
import { MemoryPasswordStore, type PasswordStore, type TransportTarget } from '../mail/smtp';
import type { MicrosoftService } from '../mail/microsoft/service';
import type { MicrosoftResource, MicrosoftToken } from '../mail/microsoft/auth';
import { microsoftImapOptions, MICROSOFT_IMAP } from '../mail/microsoft/endpoints';
import { MicrosoftAuthError, mapMicrosoftError } from '../mail/microsoft/errors';
import { GraphMailbox } from '../mail/microsoft/graph-mailbox';
import { getMicrosoftSettings } from '../mail/microsoft';
import { CommandError } from '../shared/errors';
import type { Messages } from '../shared/messages';
import {
  actOnReview, checkMailbox, checkMailboxReader, getImapSettings, imapConfigured, imapSettingsView, imapTarget, pruneHistory,
  saveImapSettings, testImapConnection, type CheckOptions, type InboxEnv,
} from './inbox';
import { traceSigner } from './inbox-trace';
import { InboxWatcher, roundErrorText } from './watch';
import type { ImapSettings, InboxCheckResult } from './types';

export interface InboxStartOptions {
  /** The IMAP password's store (desktop: the operating system's key store, in its own file). */
  passwords?: PasswordStore;
  check?: CheckOptions;
  /** Automatic rounds (timer and IMAP IDLE) while the core runs; default true. "Nu controleren" works either way. */
  watch?: boolean;
  /** Wait after the server reports new mail before a round starts (ms). */
  debounceMs?: number;
  /** Length of a poll "minute" in ms (default 60,000; tests shorten it). */
  minuteMs?: number;
}

export interface InboxDeps {
  hasher: () => Promise<AddressHasher>;
  tokens: () => UnsubscribeTokens;
  microsoft: Pick<MicrosoftService, 'mailbox' | 'accessToken' | 'endpoints'>;
  /** Where confirmation mails go: the SMTP account, or the built-in test mailbox. */
  confirmationTarget: () => Promise<TransportTarget>;
}

const NOT_CONFIGURED = {
  nl: 'Er is nog geen postvak ingesteld. Vul eerst de IMAP-gegevens in bij Instellingen.',
  en: 'No mailbox has been set up yet. Fill in the IMAP details under Settings first.',
};

type SettingsInput = Parameters<typeof saveImapSettings>[2];

/** The mailbox of one running core: its password store, the watcher that runs rounds, and what the last round found. */
export class InboxService {
  readonly passwords: PasswordStore;
  readonly watcher: InboxWatcher;
  private readonly check: CheckOptions;
  /** Why the last round could not send confirmation mails. */
  private confirmationsBlocked: Messages | null = null;

  constructor(private readonly ctx: Context, private readonly deps: InboxDeps, private readonly options: InboxStartOptions = {}) {
    this.passwords = options.passwords ?? new MemoryPasswordStore({ SCHAKEL_SMTP_PASSWORD: process.env.SCHAKEL_IMAP_PASSWORD });
    this.check = options.check ?? {};
    this.watcher = new InboxWatcher({
      now: ctx.now,
      debounceMs: options.debounceMs,
      minuteMs: options.minuteMs,
      round: () => this.round(),
      plan: async () => {
        const s = await getImapSettings(this.ctx.db);
        const ms = await this.deps.microsoft.mailbox();
        if (ms) return { configured: ms.configured, pollMinutes: s.pollMinutes, target: null };
        const configured = imapConfigured(s);
        return { configured, pollMinutes: s.pollMinutes, target: configured ? imapTarget(s, this.passwords) : null };
      },
    });
  }

  start(): void {
    if (this.options.watch !== false) void this.watcher.start();
  }

  /** Stops the watcher: no timers, no IMAP connections; waits for a running round. */
  async stop(): Promise<void> {
    await this.watcher.stop();
  }

  async env(): Promise<InboxEnv> {
    return { hasher: await this.deps.hasher(), tokens: this.deps.tokens(), trace: traceSigner(this.ctx.dataDir), now: this.ctx.now() };
  }

  private async configured(s: ImapSettings): Promise<boolean> {
    const ms = await this.deps.microsoft.mailbox();
    return ms ? ms.configured : imapConfigured(s);
  }

  /** The SMTP account when configured, else the built-in test mailbox; made on first use. */
  private lazySender(): { send: SendConfirmation; close(): void } {
    let sender: ReturnType<typeof smtpSender> | null = null;
    return {
      send: async (mail) => {
        sender ??= smtpSender(await this.deps.confirmationTarget());
        await sender.send(mail);
      },
      close: () => sender?.close(),
    };
  }

  /** One round: the mailbox first (replies confirm), then expiry, then new confirmation mails. */
  private async round(): Promise<InboxCheckResult> {
    const { db } = this.ctx;
    const s = await getImapSettings(db);
    const ms = await this.deps.microsoft.mailbox();
    if (!(ms ? ms.configured : imapConfigured(s))) throw new CommandError('not_configured', NOT_CONFIGURED);
    const env = () => this.env();
    await pruneHistory(db, this.ctx.now());
    const result = ms ? await this.microsoftRound(s, env) : await checkMailbox(db, env, imapTarget(s, this.passwords), this.check);
    const cenv = { ...(await env()), days: s.confirmationDays };
    result.confirmationsExpired = await expireConfirmations(db, cenv);
    const sender = this.lazySender();
    try {
      const c = await sendConfirmations(db, cenv, sender.send);
      result.confirmationsSent = c.sent;
      this.confirmationsBlocked = c.blocked;
    } finally {
      sender.close();
    }
    return result;
  }

  /**
   * One mailbox round over the Microsoft 365 account: a silent token first (none: "Meld je opnieuw
   * aan bij Microsoft", nothing read, nothing lost), then IMAP with XOAUTH2 or Microsoft Graph.
   */
  private async microsoftRound(s: ImapSettings, env: () => Promise<InboxEnv>): Promise<InboxCheckResult> {
    const { db } = this.ctx;
    const { microsoft } = this.deps;
    const ms = await getMicrosoftSettings(db);
    const o = microsoft.endpoints();
    const resource: MicrosoftResource = ms.mailboxMethod === 'graph' ? 'graph' : 'outlook';
    let token: MicrosoftToken;
    try {
      token = await microsoft.accessToken(resource);
    } catch (error) {
      throw new CommandError('mailbox_failed', mapMicrosoftError(error).messages);
    }
    try {
      if (ms.mailboxMethod === 'graph') {
        const reader = new GraphMailbox({
          baseUrl: o.graphBaseUrl, fetch: o.fetch,
          getAccessToken: async ({ forceRefresh }) => (forceRefresh ? (await microsoft.accessToken('graph', { forceRefresh })).accessToken : token.accessToken),
        });
        return await checkMailboxReader(db, env, reader, s, this.check);
      }
      const imap = microsoftImapOptions(token.account.username, token.accessToken, o.imap);
      return await checkMailbox(db, env, {
        ...s, host: o.imap?.host ?? MICROSOFT_IMAP.host, port: imap.port, security: imap.secure ? 'tls' : 'none',
        user: token.account.username, password: null, accessToken: token.accessToken,
      }, this.check);
    } catch (error) {
      if (error instanceof MicrosoftAuthError) throw new CommandError('mailbox_failed', error.messages);
      throw error;
    }
  }

  // ---------- commands ----------

  async settings() {
    return imapSettingsView(await getImapSettings(this.ctx.db), this.passwords);
  }

  async saveSettings(input: SettingsInput) {
    const saved = await saveImapSettings(this.ctx.db, this.passwords, input);
    await this.watcher.settingsChanged();
    return imapSettingsView(saved, this.passwords);
  }

  async testConnection() {
    const s = await getImapSettings(this.ctx.db);
    if (!imapConfigured(s)) throw new CommandError('not_configured', NOT_CONFIGURED);
    return testImapConnection(imapTarget(s, this.passwords));
  }

  /** "Nu controleren": one round now, whether or not the mailbox is watched. */
  async checkNow(): Promise<InboxCheckResult> {
    if (!(await this.configured(await getImapSettings(this.ctx.db)))) throw new CommandError('not_configured', NOT_CONFIGURED);
    try {
      return await this.watcher.run();
    } catch (error) {
      if (error instanceof CommandError) throw error;
      throw new CommandError('mailbox_failed', roundErrorText(error));
    }
  }

  async actOnReview(input: Parameters<typeof actOnReview>[2]) {
    return actOnReview(this.ctx.db, { hasher: await this.deps.hasher(), now: this.ctx.now() }, input);
  }

  async status() {
    const s = await getImapSettings(this.ctx.db);
    const configured = await this.configured(s);
    const w = this.watcher;
    const confirmations = await confirmationCounts(this.ctx.db, await this.deps.hasher(), this.ctx.now(), s.confirmationDays, configured);
    if (!confirmations.problem && confirmations.unsent > 0 && this.confirmationsBlocked) confirmations.problem = this.confirmationsBlocked;
    return {
      configured, watching: w.watching, running: w.running, lastCheckAt: w.lastCheckAt, lastResult: w.lastResult, lastError: w.lastError,
      nextCheckAt: w.nextCheckAt, confirmations,
    };
  }
}
