import type { Context } from '../store/context';
import type { AddressHasher } from '../consent/suppression';
import type { UnsubscribeTokens } from '../newsletter/newsletter';
import { CommandError } from '../shared/errors';
import {
  getSmtpSettings, isConfigured, limitsFor, MemoryPasswordStore, saveSmtpSettings, smtpSettingsView, targetFor, testConnection,
  testMailboxConnectionResult, type PasswordStore, type TransportTarget,
} from '../mail/smtp';
import { getTestMailboxSettings, saveTestMailboxSettings, TestMailbox } from '../mail/test-mailbox';
import {
  createJob, createTestJob, getJob, listJobs, recoverOutbox, resendFailed, resolveUncertain, setJobStatus, testQueuedMessage,
  type CreateTestJobInput, type ViewEnv,
} from './outbox';
import { SendWorker, type SendingOptions } from './sending';

export interface SendingStartOptions extends SendingOptions {
  passwords?: PasswordStore;
  /** Start the background worker (default true). */
  worker?: boolean;
}

export interface SendingDeps {
  /** The suppression key and unsubscribe tokens, read when a job runs (the worker never reaches for them itself). */
  env: () => Promise<{ hasher: AddressHasher; tokens: UnsubscribeTokens }>;
}

type SmtpInput = Parameters<typeof saveSmtpSettings>[3];
type JobStatusAction = Parameters<typeof setJobStatus>[2];

/**
 * The outbox, its worker, the built-in test mailbox and the SMTP password store of one running core. Every change to
 * the outbox wakes the worker.
 */
export class SendingService {
  readonly worker: SendWorker;
  readonly mailbox: TestMailbox;
  readonly passwords: PasswordStore;

  constructor(private readonly ctx: Context, private readonly deps: SendingDeps, private readonly options: SendingStartOptions = {}) {
    this.mailbox = new TestMailbox(ctx.dataDir, ctx.now);
    this.passwords = options.passwords ?? new MemoryPasswordStore();
    this.worker = new SendWorker({ db: () => ctx.db, dataDir: ctx.dataDir, passwords: this.passwords, mailbox: this.mailbox, env: deps.env }, options);
  }

  /**
   * Marks what was being sent when Schakel stopped as uncertain, asks before starting jobs that became due while
   * closed, and resumes running jobs. The test mailbox starts only when something is sent to it.
   */
  async start(): Promise<void> {
    await recoverOutbox(this.ctx.db, this.ctx.now());
    this.mailbox.keepDays = (await getTestMailboxSettings(this.ctx.db)).keepDays;
    this.mailbox.prune();
    if (this.options.worker !== false) this.worker.start();
  }

  async stop(): Promise<void> {
    await this.worker.stop();
    await this.mailbox.stop();
  }

  // ---------- the account ----------

  settings() {
    return smtpSettingsView(this.ctx.db, this.ctx.dataDir, this.passwords, this.ctx.now().getTime());
  }

  async saveSettings(input: SmtpInput) {
    await saveSmtpSettings(this.ctx.db, this.ctx.dataDir, this.passwords, input);
    return this.settings();
  }

  async testConnection() {
    const s = await getSmtpSettings(this.ctx.db);
    if (!isConfigured(s)) return testMailboxConnectionResult();
    return testConnection(s, targetFor(s, this.passwords, this.ctx.dataDir));
  }

  /** Where mail goes now: the SMTP account when set up, otherwise the built-in test mailbox. */
  async currentMailbox(): Promise<'test' | 'smtp'> {
    return isConfigured(await getSmtpSettings(this.ctx.db)) ? 'smtp' : 'test';
  }

  /** The same choice as a connection target (confirmation mails), starting the test mailbox when that is it. */
  async currentTarget(): Promise<TransportTarget> {
    const s = await getSmtpSettings(this.ctx.db);
    return isConfigured(s)
      ? targetFor(s, this.passwords, this.ctx.dataDir)
      : { host: '127.0.0.1', port: await this.mailbox.start(), security: 'none', user: '', password: null, allowSelfSigned: true };
  }

  // ---------- jobs ----------

  private async viewEnv(): Promise<ViewEnv> {
    const { db } = this.ctx;
    const s = await getSmtpSettings(db);
    const since = this.ctx.now().getTime() - 86_400_000;
    const { n } = await db.selectFrom('send_events').select((eb) => eb.fn.countAll<number>().as('n')).where('at', '>', since).executeTakeFirstOrThrow();
    return { limits: (mailbox) => (mailbox === 'test' ? null : limitsFor(s)), usedLastDay: Number(n) };
  }

  private async outboxEnv() {
    return { ...(await this.deps.env()), now: this.ctx.now() };
  }

  private async summary(id: number) {
    const [s] = await listJobs(this.ctx.db, await this.viewEnv(), [id]);
    return s!;
  }

  async createJob(input: { editionId: number; scheduledAt?: string | null }) {
    const id = await createJob(this.ctx.db, await this.outboxEnv(), { ...input, mailbox: await this.currentMailbox() });
    this.worker.kick();
    return getJob(this.ctx.db, await this.viewEnv(), id);
  }

  /** A test send of an edition (or its unsaved draft), to the same mailbox an edition would go to. */
  async queueTest(input: Omit<CreateTestJobInput, 'mailbox'>) {
    const mailbox = await this.currentMailbox();
    const r = await createTestJob(this.ctx.db, await this.outboxEnv(), { ...input, mailbox });
    this.worker.kick();
    return { jobId: r.jobId, mailbox, message: testQueuedMessage(r, mailbox) };
  }

  async listJobs() {
    return listJobs(this.ctx.db, await this.viewEnv());
  }

  async getJob(id: number, f: Parameters<typeof getJob>[3] = {}) {
    return getJob(this.ctx.db, await this.viewEnv(), id, f);
  }

  async setJobStatus(id: number, action: JobStatusAction) {
    await setJobStatus(this.ctx.db, id, action, this.ctx.now());
    this.worker.kick();
    return this.summary(id);
  }

  /** Resume, first keeping the password typed in the dialog (refused when it could only be kept unsafely). */
  async resume(id: number, password?: string) {
    if (password !== undefined) {
      const refusal = this.passwords.refusal();
      if (refusal) throw new CommandError('password_storage_unsafe', refusal);
      this.passwords.set(password);
    }
    return this.setJobStatus(id, 'resume');
  }

  async resolveUncertain(id: number, action: Parameters<typeof resolveUncertain>[2], recipientIds: readonly number[] | null) {
    await resolveUncertain(this.ctx.db, id, action, recipientIds, this.ctx.now());
    this.worker.kick();
    return this.summary(id);
  }

  async resendFailed(id: number) {
    const next = await resendFailed(this.ctx.db, await this.outboxEnv(), id, await this.currentMailbox());
    this.worker.kick();
    return getJob(this.ctx.db, await this.viewEnv(), next);
  }

  // ---------- the built-in test mailbox ----------

  async saveTestMailboxSettings(input: Parameters<typeof saveTestMailboxSettings>[1]) {
    const saved = await saveTestMailboxSettings(this.ctx.db, input);
    this.mailbox.keepDays = saved.keepDays;
    return { ...saved, removed: this.mailbox.prune() };
  }
}
