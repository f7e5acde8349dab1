import {
  actOnReview, checkMailbox, getImapSettings, imapConfigured, imapSettingsView, imapTarget, inboxSummary, listReview, saveImapSettings,
  testImapConnection, type CheckOptions,
} from '../../db/services/inbox';
import { MemoryPasswordStore, type PasswordStore } from '../../db/services/smtp';
import { CommandError } from '../commands/errors';
import type { inboxContract } from '../commands/inbox.contract';
import type { Context, Handlers } from '../commands/registry';
import { hasherFor } from './consent';
import { tokensFor } from './newsletter';

export interface InboxStartOptions {
  /** The IMAP password's store (desktop: the operating system's key store, in its own file). */
  passwords?: PasswordStore;
  check?: CheckOptions;
}

interface InboxRuntime {
  passwords: PasswordStore;
  check: CheckOptions;
  running: Promise<unknown> | null;
}

const runtimes = new WeakMap<Context, InboxRuntime>();

export function startInbox(ctx: Context, options: InboxStartOptions = {}): void {
  runtimes.set(ctx, {
    passwords: options.passwords ?? new MemoryPasswordStore({ SCHAKEL_SMTP_PASSWORD: process.env.SCHAKEL_IMAP_PASSWORD }),
    check: options.check ?? {},
    running: null,
  });
}

function runtime(ctx: Context): InboxRuntime {
  let r = runtimes.get(ctx);
  if (!r) {
    startInbox(ctx);
    r = runtimes.get(ctx)!;
  }
  return r;
}

const NOT_CONFIGURED = {
  nl: 'Er is nog geen postvak ingesteld. Vul eerst de IMAP-gegevens in bij Instellingen.',
  en: 'No mailbox has been set up yet. Fill in the IMAP details under Settings first.',
};

export const inboxHandlers: Handlers<typeof inboxContract> = {
  'inbox.settings.get': async (ctx) => imapSettingsView(await getImapSettings(ctx.db), runtime(ctx).passwords),
  'inbox.settings.save': async (ctx, input) => imapSettingsView(await saveImapSettings(ctx.db, runtime(ctx).passwords, input), runtime(ctx).passwords),
  'inbox.settings.testConnection': async (ctx) => {
    const s = await getImapSettings(ctx.db);
    if (!imapConfigured(s)) throw new CommandError('not_configured', NOT_CONFIGURED);
    return testImapConnection(imapTarget(s, runtime(ctx).passwords));
  },
  'inbox.checkNow': async (ctx) => {
    const r = runtime(ctx);
    const s = await getImapSettings(ctx.db);
    if (!imapConfigured(s)) throw new CommandError('not_configured', NOT_CONFIGURED);
    if (r.running) {
      throw new CommandError('busy', { nl: 'Het postvak wordt al gelezen. Probeer het zo opnieuw.', en: 'The mailbox is already being read. Try again shortly.' });
    }
    const env = async () => ({ hasher: await hasherFor(ctx), tokens: tokensFor(ctx), now: ctx.now() });
    const run = checkMailbox(ctx.db, env, imapTarget(s, r.passwords), r.check);
    r.running = run;
    try {
      return await run;
    } catch (error) {
      if (error instanceof CommandError) throw error;
      const e = error as { authenticationFailed?: boolean; responseText?: string; message?: string };
      throw new CommandError('mailbox_failed', e.authenticationFailed
        ? { nl: 'De server weigerde de gebruikersnaam of het wachtwoord van het postvak.', en: 'The server refused the mailbox user name or password.' }
        : {
          nl: `Het postvak lezen is mislukt; wat al verwerkt was, blijft verwerkt. (${e.responseText ?? e.message ?? ''})`,
          en: `Reading the mailbox failed; what was already processed stays processed. (${e.responseText ?? e.message ?? ''})`,
        });
    } finally {
      r.running = null;
    }
  },
  'inbox.review.list': async (ctx, input) => listReview(ctx.db, input.status),
  'inbox.review.act': async (ctx, input) => actOnReview(ctx.db, { hasher: await hasherFor(ctx), now: ctx.now() }, input),
  'inbox.summary': async (ctx) => inboxSummary(ctx.db, ctx.now()),
};

/** Waits for a running check (the core's close). */
export async function stopInbox(ctx: Context): Promise<void> {
  const r = runtimes.get(ctx);
  await r?.running?.catch(() => {});
}
