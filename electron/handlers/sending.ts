import {
  createJob, getJob, listJobs, recoverOutbox, resendFailed, resolveUncertain, setJobStatus, type ViewEnv,
} from '../../db/sending/outbox';
import { SendWorker, type SendingOptions } from '../../db/sending/sending';
import {
  getSmtpSettings, isConfigured, limitsFor, MemoryPasswordStore, saveSmtpSettings, smtpSettingsView, targetFor, testConnection,
  testMailboxConnectionResult, type PasswordStore,
} from '../../db/mail/smtp';
import { getTestMailboxSettings, saveTestMailboxSettings, TestMailbox } from '../../db/mail/test-mailbox';
import { CommandError } from '../../db/shared/errors';
import type { sendingContract } from '../commands/sending.contract';
import type { Handlers } from '../commands/registry';
import { hasherFor } from './consent';
import { tokensFor } from './newsletter';
import type { Context } from '../../db/store/context';

export interface SendingRuntime {
  worker: SendWorker;
  mailbox: TestMailbox;
  passwords: PasswordStore;
  stop(): Promise<void>;
}

const runtimes = new WeakMap<Context, SendingRuntime>();

export interface SendingStartOptions extends SendingOptions {
  passwords?: PasswordStore;
  /** Start the background worker (default true). */
  worker?: boolean;
}

/**
 * With the core: marks what was being sent when Schakel stopped as uncertain, asks before starting jobs that became
 * due while closed, and resumes running jobs. The test mailbox starts only when something is sent to it.
 */
export async function startSending(ctx: Context, options: SendingStartOptions = {}): Promise<SendingRuntime> {
  const mailbox = new TestMailbox(ctx.dataDir, ctx.now);
  const passwords = options.passwords ?? new MemoryPasswordStore();
  const worker = new SendWorker({
    db: () => ctx.db, dataDir: ctx.dataDir, passwords, mailbox,
    env: async () => ({ hasher: await hasherFor(ctx), tokens: tokensFor(ctx) }),
  }, options);
  await recoverOutbox(ctx.db, ctx.now());
  mailbox.keepDays = (await getTestMailboxSettings(ctx.db)).keepDays;
  mailbox.prune();
  const runtime: SendingRuntime = {
    worker, mailbox, passwords,
    async stop() {
      await worker.stop();
      await mailbox.stop();
    },
  };
  runtimes.set(ctx, runtime);
  if (options.worker !== false) worker.start();
  return runtime;
}

export function sendingRuntime(ctx: Context): SendingRuntime {
  const r = runtimes.get(ctx);
  if (!r) throw new Error('Sending is not started');
  return r;
}

async function viewEnv(ctx: Context): Promise<ViewEnv> {
  const s = await getSmtpSettings(ctx.db);
  const since = ctx.now().getTime() - 86_400_000;
  const { n } = await ctx.db.selectFrom('send_events').select((eb) => eb.fn.countAll<number>().as('n')).where('at', '>', since).executeTakeFirstOrThrow();
  return { limits: (mailbox) => (mailbox === 'test' ? null : limitsFor(s)), usedLastDay: Number(n) };
}

async function outboxEnv(ctx: Context) {
  return { hasher: await hasherFor(ctx), tokens: tokensFor(ctx), now: ctx.now() };
}

async function currentMailbox(ctx: Context): Promise<'test' | 'smtp'> {
  return isConfigured(await getSmtpSettings(ctx.db)) ? 'smtp' : 'test';
}

async function summary(ctx: Context, id: number) {
  const [s] = await listJobs(ctx.db, await viewEnv(ctx), [id]);
  return s!;
}

export const sendingHandlers: Handlers<typeof sendingContract> = {
  'sending.settings.get': (ctx) => smtpSettingsView(ctx.db, ctx.dataDir, sendingRuntime(ctx).passwords, ctx.now().getTime()),
  'sending.settings.save': async (ctx, input) => {
    const { passwords } = sendingRuntime(ctx);
    await saveSmtpSettings(ctx.db, ctx.dataDir, passwords, input);
    return smtpSettingsView(ctx.db, ctx.dataDir, passwords, ctx.now().getTime());
  },
  'sending.settings.testConnection': async (ctx) => {
    const s = await getSmtpSettings(ctx.db);
    if (!isConfigured(s)) return testMailboxConnectionResult();
    return testConnection(s, targetFor(s, sendingRuntime(ctx).passwords, ctx.dataDir));
  },

  'sending.jobs.create': async (ctx, { editionId, scheduledAt }) => {
    const id = await createJob(ctx.db, await outboxEnv(ctx), { editionId, scheduledAt, mailbox: await currentMailbox(ctx) });
    sendingRuntime(ctx).worker.kick();
    return getJob(ctx.db, await viewEnv(ctx), id);
  },
  'sending.jobs.list': async (ctx) => listJobs(ctx.db, await viewEnv(ctx)),
  'sending.jobs.get': async (ctx, { id, ...f }) => getJob(ctx.db, await viewEnv(ctx), id, f),
  'sending.jobs.pause': async (ctx, { id }) => {
    await setJobStatus(ctx.db, id, 'pause', ctx.now());
    sendingRuntime(ctx).worker.kick();
    return summary(ctx, id);
  },
  'sending.jobs.resume': async (ctx, { id, password }) => {
    if (password !== undefined) {
      const { passwords } = sendingRuntime(ctx);
      const refusal = passwords.refusal();
      if (refusal) throw new CommandError('password_storage_unsafe', refusal);
      passwords.set(password);
    }
    await setJobStatus(ctx.db, id, 'resume', ctx.now());
    sendingRuntime(ctx).worker.kick();
    return summary(ctx, id);
  },
  'sending.jobs.cancel': async (ctx, { id }) => {
    await setJobStatus(ctx.db, id, 'cancel', ctx.now());
    sendingRuntime(ctx).worker.kick();
    return summary(ctx, id);
  },
  'sending.jobs.resolveUncertain': async (ctx, { id, action, recipientIds }) => {
    await resolveUncertain(ctx.db, id, action, recipientIds ?? null, ctx.now());
    sendingRuntime(ctx).worker.kick();
    return summary(ctx, id);
  },
  'sending.jobs.resendFailed': async (ctx, { id }) => {
    const next = await resendFailed(ctx.db, await outboxEnv(ctx), id, await currentMailbox(ctx));
    sendingRuntime(ctx).worker.kick();
    return getJob(ctx.db, await viewEnv(ctx), next);
  },

  'sending.testMailbox.list': (ctx, { offset, limit }) => sendingRuntime(ctx).mailbox.list(offset, limit),
  'sending.testMailbox.get': (ctx, { id }) => sendingRuntime(ctx).mailbox.get(id),
  'sending.testMailbox.saveSettings': async (ctx, input) => {
    const { mailbox } = sendingRuntime(ctx);
    const saved = await saveTestMailboxSettings(ctx.db, input);
    mailbox.keepDays = saved.keepDays;
    return { ...saved, removed: mailbox.prune() };
  },
};
