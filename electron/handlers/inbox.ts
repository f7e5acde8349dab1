import {
  actOnReview, checkMailbox, getImapSettings, imapConfigured, imapSettingsView, imapTarget, inboxSummary, listHistory, listReview, pruneHistory,
  saveImapSettings, testImapConnection, type CheckOptions,
} from '../../db/inbox/inbox';
import { traceSigner } from '../../db/inbox/inbox-trace';
import {
  confirmationCounts, expireConfirmations, sendConfirmations, smtpSender, type SendConfirmation,
} from '../../db/consent/confirmations';
import { InboxWatcher, roundErrorText } from '../../db/inbox/watch';
import { getSmtpSettings, isConfigured, MemoryPasswordStore, targetFor, type PasswordStore, type TransportTarget } from '../../db/mail/smtp';
import { CommandError } from '../../db/shared/errors';
import type { inboxContract } from '../commands/inbox.contract';
import type { Handlers } from '../commands/registry';
import { hasherFor } from './consent';
import { tokensFor } from './newsletter';
import { sendingRuntime } from './sending';
import { microsoftMailbox, microsoftMailboxRound } from './microsoft';
import type { Messages } from '../../db/shared/messages';
import type { InboxCheckResult } from '../../db/inbox/types';
import type { Context } from '../../db/store/context';

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

interface InboxRuntime {
  passwords: PasswordStore;
  check: CheckOptions;
  watcher: InboxWatcher;
  /** Why the last round could not send confirmation mails. */
  confirmationsBlocked: Messages | null;
}

const runtimes = new WeakMap<Context, InboxRuntime>();

const NOT_CONFIGURED = {
  nl: 'Er is nog geen postvak ingesteld. Vul eerst de IMAP-gegevens in bij Instellingen.',
  en: 'No mailbox has been set up yet. Fill in the IMAP details under Settings first.',
};

/** The SMTP account when configured, else the built-in test mailbox; made on first use. */
function lazySender(ctx: Context): { send: SendConfirmation; close(): void } {
  let sender: ReturnType<typeof smtpSender> | null = null;
  return {
    async send(mail) {
      if (!sender) {
        const s = await getSmtpSettings(ctx.db);
        const sending = sendingRuntime(ctx);
        const target: TransportTarget = isConfigured(s)
          ? targetFor(s, sending.passwords, ctx.dataDir)
          : { host: '127.0.0.1', port: await sending.mailbox.start(), security: 'none', user: '', password: null, allowSelfSigned: true };
        sender = smtpSender(target);
      }
      await sender.send(mail);
    },
    close: () => sender?.close(),
  };
}

/** One round: the mailbox first (replies confirm), then expiry, then new confirmation mails. */
async function round(ctx: Context, r: InboxRuntime): Promise<InboxCheckResult> {
  const s = await getImapSettings(ctx.db);
  const ms = await microsoftMailbox(ctx);
  if (!(ms ? ms.configured : imapConfigured(s))) throw new CommandError('not_configured', NOT_CONFIGURED);
  const env = async () => ({ hasher: await hasherFor(ctx), tokens: tokensFor(ctx), trace: traceSigner(ctx.dataDir), now: ctx.now() });
  await pruneHistory(ctx.db, ctx.now());
  const result = ms ? await microsoftMailboxRound(ctx, s, env, r.check) : await checkMailbox(ctx.db, env, imapTarget(s, r.passwords), r.check);
  const cenv = { ...(await env()), days: s.confirmationDays };
  result.confirmationsExpired = await expireConfirmations(ctx.db, cenv);
  const sender = lazySender(ctx);
  try {
    const c = await sendConfirmations(ctx.db, cenv, sender.send);
    result.confirmationsSent = c.sent;
    r.confirmationsBlocked = c.blocked;
  } finally {
    sender.close();
  }
  return result;
}

export function startInbox(ctx: Context, options: InboxStartOptions = {}): void {
  const r: InboxRuntime = {
    passwords: options.passwords ?? new MemoryPasswordStore({ SCHAKEL_SMTP_PASSWORD: process.env.SCHAKEL_IMAP_PASSWORD }),
    check: options.check ?? {},
    confirmationsBlocked: null,
    watcher: null as unknown as InboxWatcher,
  };
  r.watcher = new InboxWatcher({
    now: ctx.now,
    debounceMs: options.debounceMs,
    minuteMs: options.minuteMs,
    round: () => round(ctx, r),
    plan: async () => {
      const s = await getImapSettings(ctx.db);
      const ms = await microsoftMailbox(ctx);
      if (ms) return { configured: ms.configured, pollMinutes: s.pollMinutes, target: null };
      const configured = imapConfigured(s);
      return { configured, pollMinutes: s.pollMinutes, target: configured ? imapTarget(s, r.passwords) : null };
    },
  });
  runtimes.set(ctx, r);
  if (options.watch !== false) void r.watcher.start();
}

function runtime(ctx: Context): InboxRuntime {
  let r = runtimes.get(ctx);
  if (!r) {
    startInbox(ctx, { watch: false });
    r = runtimes.get(ctx)!;
  }
  return r;
}

export const inboxHandlers: Handlers<typeof inboxContract> = {
  'inbox.settings.get': async (ctx) => imapSettingsView(await getImapSettings(ctx.db), runtime(ctx).passwords),
  'inbox.settings.save': async (ctx, input) => {
    const r = runtime(ctx);
    const saved = await saveImapSettings(ctx.db, r.passwords, input);
    await r.watcher.settingsChanged();
    return imapSettingsView(saved, r.passwords);
  },
  'inbox.settings.testConnection': async (ctx) => {
    const s = await getImapSettings(ctx.db);
    if (!imapConfigured(s)) throw new CommandError('not_configured', NOT_CONFIGURED);
    return testImapConnection(imapTarget(s, runtime(ctx).passwords));
  },
  'inbox.checkNow': async (ctx) => {
    const r = runtime(ctx);
    const s = await getImapSettings(ctx.db);
    const ms = await microsoftMailbox(ctx);
    if (!(ms ? ms.configured : imapConfigured(s))) throw new CommandError('not_configured', NOT_CONFIGURED);
    try {
      return await r.watcher.run();
    } catch (error) {
      if (error instanceof CommandError) throw error;
      throw new CommandError('mailbox_failed', roundErrorText(error));
    }
  },
  'inbox.review.list': async (ctx, input) => listReview(ctx.db, input.status),
  'inbox.review.act': async (ctx, input) => actOnReview(ctx.db, { hasher: await hasherFor(ctx), now: ctx.now() }, input),
  'inbox.history.list': async (ctx, input) => listHistory(ctx.db, input),
  'inbox.summary': async (ctx) => inboxSummary(ctx.db, ctx.now()),
  'inbox.status': async (ctx) => {
    const r = runtime(ctx);
    const s = await getImapSettings(ctx.db);
    const ms = await microsoftMailbox(ctx);
    const configured = ms ? ms.configured : imapConfigured(s);
    const w = r.watcher;
    const confirmations = await confirmationCounts(ctx.db, await hasherFor(ctx), ctx.now(), s.confirmationDays, configured);
    if (!confirmations.problem && confirmations.unsent > 0 && r.confirmationsBlocked) confirmations.problem = r.confirmationsBlocked;
    return {
      configured, watching: w.watching, running: w.running, lastCheckAt: w.lastCheckAt, lastResult: w.lastResult, lastError: w.lastError,
      nextCheckAt: w.nextCheckAt, confirmations,
    };
  },
};

/** Stops the watcher: no timers, no IMAP connections; waits for a running round (the core's close). */
export async function stopInbox(ctx: Context): Promise<void> {
  await runtimes.get(ctx)?.watcher.stop();
}
