import { randomBytes } from 'node:crypto';
import type { Readable } from 'node:stream';
import { sql } from 'kysely';
import nodemailer from 'nodemailer';
import type { Db, DbOrTx } from '../store/connection';
import type { SendJobRow } from '../store/schema';
import { suppress } from '../consent/consent';
import { loadEdition, parseContent } from '../newsletter/editions';
import { signedTrace } from '../inbox/inbox-trace';
import { getNewsletterSettings, TEST_TOKEN, toMergeRecipient, viewAs, type UnsubscribeTokens } from '../newsletter/newsletter';
import { logSent, parseTestPayload, startDueJobs } from './outbox';
import { compileCached, createMerger, unsubscribeUrl, type MergeRecipient, type MergedMessage } from '../newsletter/render';
import {
  classifySmtpError, connectionsFor, getSmtpSettings, limitsFor, targetFor, transportOptions, type AccountFault, type PasswordStore,
  type SmtpErrorLike, type TransportTarget,
} from '../mail/smtp';
import type { AddressHasher } from '../consent/suppression';
import type { TestMailbox } from '../mail/test-mailbox';
import type { Language } from '../shared/register';
import type { SendJobStatus } from '../shared/status';
import type { PacingLimits } from './types';

// ---------- time, injectable so pacing and retries are testable without waiting ----------

export interface Clock {
  now(): number;
  /** Resolves after ms, or earlier when the signal aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const realClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) => new Promise<void>((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, Math.max(0, ms));
    timer.unref?.();
    function done() {
      signal?.removeEventListener('abort', done);
      clearTimeout(timer);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  }),
};

// ---------- pacing: rolling windows over the messages handed to the account ----------

interface Window {
  ms: number;
  max: number;
}

export function windowsFor(limits: PacingLimits | null): Window[] {
  if (!limits) return [];
  const w: Window[] = [];
  if (limits.perSecond) w.push({ ms: 1000, max: limits.perSecond });
  if (limits.perMinute) w.push({ ms: 60_000, max: limits.perMinute });
  if (limits.perDay) w.push({ ms: 86_400_000, max: limits.perDay });
  return w;
}

export class Pacer {
  private times: number[] = [];
  private head = 0;
  private readonly span: number;

  constructor(private readonly windows: Window[], history: readonly number[] = []) {
    this.span = Math.max(0, ...windows.map((w) => w.ms));
    this.times = [...history].sort((a, b) => a - b);
  }

  private prune(now: number): void {
    while (this.head < this.times.length && this.times[this.head]! <= now - this.span) this.head++;
    if (this.head > 4096 && this.head * 2 > this.times.length) {
      this.times = this.times.slice(this.head);
      this.head = 0;
    }
  }

  /** Index of the first recorded time after t. */
  private firstAfter(t: number): number {
    let lo = this.head;
    let hi = this.times.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.times[mid]! > t) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }

  /** How many messages may go now, and otherwise how long to wait. */
  allowance(now: number): { n: number; waitMs: number } {
    if (!this.windows.length) return { n: Number.MAX_SAFE_INTEGER, waitMs: 0 };
    this.prune(now);
    let n = Number.MAX_SAFE_INTEGER;
    let waitMs = 0;
    for (const w of this.windows) {
      const from = this.firstAfter(now - w.ms);
      const count = this.times.length - from;
      const left = w.max - count;
      n = Math.min(n, left);
      if (left <= 0) waitMs = Math.max(waitMs, this.times[from + (count - w.max)]! + w.ms - now + 1);
    }
    return { n: Math.max(0, n), waitMs };
  }

  record(at: number, count: number): void {
    if (!this.windows.length) return;
    for (let i = 0; i < count; i++) this.times.push(at);
  }

  usedIn(now: number, ms: number): number {
    return this.times.length - this.firstAfter(now - ms);
  }
}

// ---------- the worker ----------

export interface SendingOptions {
  clock?: Clock;
  /** Messages fetched from the outbox per round (the transport never holds more). */
  batchSize?: number;
  /** Delays before the 1st, 2nd, … retry of a temporary failure; after the last, the recipient failed. */
  retryDelaysMs?: number[];
  /** Overrides the account's pacing (tests, bench). */
  limits?: PacingLimits | null;
  /** Overrides the account (tests, bench); also used for the connection count. */
  target?: TransportTarget & { connections?: number };
  timeoutMs?: number;
  onProgress?: (jobId: number, event: { sent: number; failed: number; retry: number }) => void;
}

export interface WorkerDeps {
  db: () => Db;
  dataDir: string;
  passwords: PasswordStore;
  mailbox: TestMailbox;
  env: () => Promise<{ hasher: AddressHasher; tokens: UnsubscribeTokens }>;
}

const DEFAULT_RETRY = [60_000, 5 * 60_000, 15 * 60_000, 30 * 60_000, 60 * 60_000];

type Outcome = { kind: 'sent'; response: string } | { kind: 'error'; error: SmtpErrorLike } | { kind: 'uncertain'; error: SmtpErrorLike };

type Write = { kind: 'sending'; r: Prepared; at: string } | { kind: 'outcome'; r: Prepared; o: Outcome } | { kind: 'release'; r: Prepared };

/**
 * Group commit: writes added while a commit runs (or in the same tick) go into the next one, so many outcomes share
 * one synchronous=FULL commit without any weaker syncing. add() resolves once its write is durable.
 */
export class GroupCommit<T> {
  private queue: { item: T; resolve: () => void; reject: (e: unknown) => void }[] = [];
  private running = false;

  constructor(private readonly flush: (items: T[]) => Promise<void>) {}

  add(item: T): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      if (!this.running) {
        this.running = true;
        setImmediate(() => void this.run());
      }
    });
  }

  private async run(): Promise<void> {
    while (this.queue.length) {
      const batch = this.queue;
      this.queue = [];
      try {
        await this.flush(batch.map((b) => b.item));
        for (const b of batch) b.resolve();
      } catch (error) {
        for (const b of batch) b.reject(error);
      }
    }
    this.running = false;
  }
}

/** Per message: whether the whole body, up to the final dot of DATA, went to the connection. */
interface Gate {
  transmitted: boolean;
}

const GATE = 'schakelGate';

/**
 * nodemailer 'stream' plugin: notes when the message's stream (made when a pooled connection takes it) has been read to
 * the end; the data stream then writes the final dot at once. nodemailer reports a lost connection the same way at
 * every step ('CONN'), so this is how a loss after the dot is told apart from one before it.
 */
function gateStream(mail: { data: object; message: { createReadStream: (options?: never) => Readable } }, done: (err?: Error | null) => void): void {
  const gate = (mail.data as { [GATE]?: Gate })[GATE];
  if (gate) {
    const create = mail.message.createReadStream.bind(mail.message);
    mail.message.createReadStream = (options?: never) => {
      const source = create(options);
      gate.transmitted = false;
      source.once('end', () => { gate.transmitted = true; });
      return source;
    };
  }
  done();
}

interface Prepared {
  rowId: number;
  /** null for a test send */
  personId: number | null;
  email: string;
  language: Language;
  messageId: string;
  attempts: number;
  token: string;
  merge: MergeRecipient | null;
}

type RunResult = { status: SendJobStatus } | { status: 'waiting'; until: number } | { status: 'yielded' };

/** Outbox writes go through here: synchronous=FULL, so a commit survives a power cut, not only a crash. */
export async function writeFull<T>(db: Db, fn: (trx: DbOrTx) => Promise<T>): Promise<T> {
  return db.connection().execute(async (conn) => {
    await sql`PRAGMA synchronous = FULL`.execute(conn);
    try {
      return await conn.transaction().execute(fn);
    } finally {
      await sql`PRAGMA synchronous = NORMAL`.execute(conn);
    }
  });
}

function domainOf(email: string): string {
  return email.slice(email.lastIndexOf('@') + 1) || 'schakel.invalid';
}

export function httpsUnsubscribe(template: string, token: string): string {
  if (!template) return '';
  if (template.includes('{token}')) return template.replace('{token}', encodeURIComponent(token));
  return `${template}${template.includes('?') ? '&' : '?'}token=${encodeURIComponent(token)}`;
}

export class SendWorker {
  readonly clock: Clock;
  private stopped = false;
  private wake = new AbortController();
  private loop: Promise<void> | null = null;
  /** Rounds in a row in which the server could not be reached, per job. */
  private readonly unreachable = new Map<number, number>();

  constructor(private readonly deps: WorkerDeps, private readonly options: SendingOptions = {}) {
    this.clock = options.clock ?? realClock;
  }

  /** Background loop: runs due jobs one after another, sleeps until woken or the next scheduled time. */
  start(): void {
    if (this.loop) return;
    this.loop = (async () => {
      while (!this.stopped) {
        try {
          await startDueJobs(this.deps.db(), new Date(this.clock.now()));
          // Test sends first: a test is not kept waiting behind a large edition.
          const jobs = await this.deps.db().selectFrom('send_jobs').select('id').where('status', '=', 'running')
            .orderBy(sql`kind = 'test'`, 'desc').orderBy('id').execute();
          let waitMs = 60_000;
          let progressed = false;
          for (const job of jobs) {
            const r = await this.runJob(job.id);
            if (r.status !== 'waiting') {
              progressed = true;
              break;
            }
            waitMs = Math.min(waitMs, Math.max(0, r.until - this.clock.now()));
          }
          if (progressed) continue;
          const next = await this.deps.db().selectFrom('send_jobs').select('scheduled_at').where('status', '=', 'scheduled').orderBy('scheduled_at').executeTakeFirst();
          if (next?.scheduled_at) waitMs = Math.min(waitMs, Math.max(0, Date.parse(next.scheduled_at) - this.clock.now()));
          if (this.stopped) break;
          await realClock.sleep(waitMs, this.wake.signal);
        } catch (error) {
          if (this.stopped) break;
          console.error('Sending failed:', error);
          await realClock.sleep(5_000, this.wake.signal);
        }
        if (this.wake.signal.aborted) this.wake = new AbortController();
      }
    })();
  }

  /** Something changed (new job, resume, pause): look again now. */
  kick(): void {
    this.wake.abort();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.wake.abort();
    await this.loop;
  }

  private async resolveTarget(job: SendJobRow): Promise<{ target: TransportTarget; connections: number; limits: PacingLimits | null; from: { name: string; address: string }; replyTo: string; https: string }> {
    const db = this.deps.db();
    const [smtp, letter] = await Promise.all([getSmtpSettings(db), getNewsletterSettings(db)]);
    const from = { name: smtp.senderName || letter.senderName, address: smtp.senderEmail || letter.senderEmail };
    if (this.options.target) {
      return {
        target: this.options.target, connections: this.options.target.connections ?? 2, limits: this.options.limits ?? null, from,
        replyTo: smtp.replyTo, https: smtp.httpsUnsubscribeUrl,
      };
    }
    if (job.mailbox === 'test') {
      const port = await this.deps.mailbox.start();
      return {
        target: { host: '127.0.0.1', port, security: 'none', user: '', password: null }, connections: 2, limits: this.options.limits ?? null, from,
        replyTo: smtp.replyTo, https: smtp.httpsUnsubscribeUrl,
      };
    }
    return {
      target: targetFor(smtp, this.deps.passwords, this.deps.dataDir), connections: connectionsFor(smtp),
      limits: this.options.limits !== undefined ? this.options.limits : limitsFor(smtp), from, replyTo: smtp.replyTo, https: smtp.httpsUnsubscribeUrl,
    };
  }

  /** Runs until the job is finished, paused or cancelled; with only retries left, sleeps on the clock until they are due. */
  async runToEnd(jobId: number): Promise<SendJobStatus> {
    for (;;) {
      const r = await this.runJob(jobId);
      if (r.status === 'yielded') {
        await this.runDueTestJobs();
        continue;
      }
      if (r.status !== 'waiting') return r.status;
      await this.clock.sleep(r.until - this.clock.now(), this.wake.signal);
      if (this.stopped) return 'running';
      if (this.wake.signal.aborted) this.wake = new AbortController();
    }
  }

  /** A running test job with a message to send now. Two small indexed queries: the join alone would scan the outbox every batch. */
  private async testJobDue(now: number): Promise<boolean> {
    const db = this.deps.db();
    const jobs = await db.selectFrom('send_jobs').select('id').where('kind', '=', 'test').where('status', '=', 'running').execute();
    for (const job of jobs) {
      const row = await db.selectFrom('send_recipients').select('id').where('job_id', '=', job.id)
        .where((eb) => eb.or([eb('state', '=', 'queued'), eb.and([eb('state', '=', 'retry'), eb.or([eb('next_attempt_at', 'is', null), eb('next_attempt_at', '<=', now)])])]))
        .limit(1).executeTakeFirst();
      if (row) return true;
    }
    return false;
  }

  private async runDueTestJobs(): Promise<void> {
    const jobs = await this.deps.db().selectFrom('send_jobs').select('id').where('kind', '=', 'test').where('status', '=', 'running').orderBy('id').execute();
    for (const job of jobs) await this.runJob(job.id);
  }

  /** The mergers per language: the edition for everyone, or for a test the kept content as the "view as" person (or placeholders). */
  private async mergersFor(job: SendJobRow, sign: (personId: number, listId: number) => string, hasher: AddressHasher) {
    const db = this.deps.db();
    const letter = await getNewsletterSettings(db);
    const mergers = {} as Record<Language, (r: MergeRecipient | null) => MergedMessage>;
    if (job.kind === 'test') {
      const payload = parseTestPayload(job);
      let seen: MergeRecipient | null = null;
      if (payload.personId) {
        // Erased since the test was asked for: the readable placeholders instead.
        seen = await viewAs(db, hasher, payload.content, payload.personId).then((v) => toMergeRecipient(v.recipient), () => null);
      }
      for (const lang of ['nl', 'en'] as const) {
        const compiled = await compileCached({ content: payload.content, language: lang, settings: letter, mode: 'mail' }).compiled;
        // Never a real person's token in a test mail.
        const merge = createMerger(compiled, { settings: letter, sign: () => TEST_TOKEN, placeholders: true });
        mergers[lang] = () => merge(seen);
      }
      return { mergers, number: payload.content.number, letter };
    }
    const edition = await loadEdition(db, job.edition_id);
    const content = parseContent(edition);
    for (const lang of ['nl', 'en'] as const) {
      const compiled = await compileCached({ content, language: lang, settings: letter, mode: 'mail' }).compiled;
      const merge = createMerger(compiled, { settings: letter, sign });
      mergers[lang] = (r) => merge(r);
    }
    return { mergers, number: edition.number, letter };
  }

  /**
   * One pass over a running job: batches of due recipients, consent checked again right before each message,
   * "sending" written before the SMTP call, the outcome after. Returns 'waiting' when only later retries remain.
   */
  async runJob(jobId: number): Promise<RunResult> {
    const db = this.deps.db();
    const job = await db.selectFrom('send_jobs').selectAll().where('id', '=', jobId).executeTakeFirstOrThrow();
    if (job.status !== 'running') return { status: job.status };
    const { hasher, tokens } = await this.deps.env();
    const t = await this.resolveTarget(job);
    const isTest = job.kind === 'test';
    const { mergers, number: editionNumber, letter } = await this.mergersFor(job, tokens.sign, hasher);
    const windows = windowsFor(t.limits);
    const span = Math.max(0, ...windows.map((w) => w.ms));
    const history = windows.length
      ? (await db.selectFrom('send_events').select('at').where('at', '>', this.clock.now() - span).execute()).map((r) => r.at)
      : [];
    const pacer = new Pacer(windows, history);
    if (t.target.user && !t.target.password && job.mailbox === 'smtp') {
      // Nothing to log in with (browser mode after a restart): ask for the password instead of blaming the server.
      const at = new Date(this.clock.now()).toISOString();
      await writeFull(db, async (trx) => {
        await trx.updateTable('send_jobs').set({ status: 'paused', pause_reason: 'password_missing', pause_detail: null, updated_at: at })
          .where('id', '=', jobId).where('status', '=', 'running').execute();
      });
      return { status: 'paused' };
    }
    const transport = nodemailer.createTransport(transportOptions(t.target, { pool: true, maxConnections: t.connections, timeoutMs: this.options.timeoutMs }));
    transport.use('stream', gateStream);
    const retryDelays = this.options.retryDelaysMs ?? DEFAULT_RETRY;
    const batchSize = this.options.batchSize ?? Math.max(16, t.connections * 24);
    // Few messages alive at once keeps the heap small; the batch stays larger for fewer outbox writes.
    const inFlight = Math.max(4, t.connections * 4);
    try {
      for (;;) {
        if (this.stopped) return { status: 'running' };
        const now = this.clock.now();
        const current = await db.selectFrom('send_jobs').select('status').where('id', '=', jobId).executeTakeFirstOrThrow();
        if (current.status !== 'running') return { status: current.status };
        if (!isTest && await this.testJobDue(now)) return { status: 'yielded' };
        const allowance = pacer.allowance(now);
        if (allowance.n === 0) {
          await this.clock.sleep(allowance.waitMs, this.wake.signal);
          if (this.wake.signal.aborted && !this.stopped) this.wake = new AbortController();
          continue;
        }
        const due = await db.selectFrom('send_recipients').select(['id', 'person_id', 'list_id', 'attempts', 'message_id', 'language', 'email'])
          .where('job_id', '=', jobId)
          .where((eb) => eb.or([eb('state', '=', 'queued'), eb.and([eb('state', '=', 'retry'), eb.or([eb('next_attempt_at', 'is', null), eb('next_attempt_at', '<=', now)])])]))
          .orderBy('id').limit(Math.min(batchSize, allowance.n)).execute();
        if (!due.length) {
          const later = await db.selectFrom('send_recipients').select((eb) => eb.fn.min('next_attempt_at').as('at'))
            .where('job_id', '=', jobId).where('state', '=', 'retry').executeTakeFirst();
          if (later?.at != null) return { status: 'waiting', until: Number(later.at) };
          const at = new Date(now).toISOString();
          await writeFull(db, async (trx) => {
            // Nothing is in flight here: a row still "sending" lost its outcome to an error, so a person decides.
            await trx.updateTable('send_recipients').set({ state: 'uncertain', reason: 'interrupted', updated_at: at })
              .where('job_id', '=', jobId).where('state', '=', 'sending').execute();
            await trx.updateTable('send_jobs').set({ status: 'done', finished_at: at, updated_at: at }).where('id', '=', jobId).where('status', '=', 'running').execute();
          });
          return { status: 'done' };
        }

        const skipped: { id: number; reason: string }[] = [];
        const ready: Prepared[] = [];
        if (isTest) {
          // Typed by staff: no consent to check, but a suppressed address is never mailed.
          const hashes = due.map((d) => hasher.hash(d.email));
          const suppressed = new Set((await db.selectFrom('suppressions').select('email_hmac').where('email_hmac', 'in', hashes.concat(['-'])).execute())
            .map((x) => x.email_hmac));
          due.forEach((d, i) => {
            if (suppressed.has(hashes[i]!)) skipped.push({ id: d.id, reason: 'suppressed' });
            else {
              ready.push({
                rowId: d.id, personId: null, email: d.email, language: d.language, attempts: d.attempts + 1, token: TEST_TOKEN, merge: null,
                messageId: d.message_id ?? `<${jobId}.${d.id}.${randomBytes(6).toString('hex')}@${domainOf(t.from.address)}>`,
              });
            }
          });
        } else {
          // Consent, again, right before sending: the register as it is now.
          const people = await db.selectFrom('send_recipients as r')
            .leftJoin('people as p', 'p.id', 'r.person_id')
            .leftJoin('person_emails as e', (j) => j.onRef('e.person_id', '=', 'p.id').on('e.is_primary', '=', 1))
            .leftJoin('organisations as o', 'o.id', 'p.organisation_id')
            .leftJoin('mailing_lists as l', 'l.id', 'r.list_id')
            .leftJoin('subscriptions as s', (j) => j.onRef('s.person_id', '=', 'r.person_id').onRef('s.list_id', '=', 'r.list_id'))
            .select(['r.id', 'p.id as pid', 'p.first_name', 'p.last_name', 'e.email', 'e.email_norm', 'o.name as org', 'l.name as list_name',
              'l.lawful_basis', 'l.archived', 's.status'])
            .where('r.id', 'in', due.map((d) => d.id)).execute();
          const byId = new Map(people.map((p) => [p.id, p]));
          const suppressed = new Set((await db.selectFrom('suppressions').select('email_hmac')
            .where('email_hmac', 'in', people.filter((p) => p.email_norm).map((p) => hasher.hashNormalised(p.email_norm!)).concat(['-'])).execute()).map((s) => s.email_hmac));
          for (const d of due) {
            const p = byId.get(d.id);
            const reason = !p?.pid ? 'erased' : !p.email ? 'no_address' : p.archived ? 'list_archived'
              : p.status !== 'subscribed' ? (p.status ?? 'not_subscribed') : suppressed.has(hasher.hashNormalised(p.email_norm!)) ? 'suppressed' : null;
            if (reason) {
              skipped.push({ id: d.id, reason });
              continue;
            }
            ready.push({
              rowId: d.id, personId: p!.pid!, email: p!.email!, language: d.language, attempts: d.attempts + 1, token: tokens.sign(p!.pid!, d.list_id!),
              messageId: d.message_id ?? `<${jobId}.${d.id}.${randomBytes(6).toString('hex')}@${domainOf(t.from.address)}>`,
              merge: {
                personId: p!.pid!, listId: d.list_id!, firstName: p!.first_name!, lastName: p!.last_name!, organisation: p!.org ?? '',
                listName: p!.list_name!, lawfulBasis: p!.lawful_basis!,
              },
            });
          }
        }
        const at = new Date(now).toISOString();
        if (skipped.length) {
          await writeFull(db, async (trx) => {
            for (const s of skipped) {
              await trx.updateTable('send_recipients').set({ state: 'skipped', reason: s.reason, updated_at: at }).where('id', '=', s.id).execute();
            }
          });
        }
        pacer.record(now, ready.length);
        if (!ready.length) continue;

        // Each message is written "sending" when a connection takes it, and its outcome when the answer arrives;
        // writes that come together share one commit. At most `inFlight` messages are with the transport at once.
        let fault: { reason: AccountFault | 'server_unreachable'; detail: string | null } | null = null;
        let sent = 0;
        let connectionErrors = 0;
        const countEvents = job.mailbox === 'smtp';
        const writer = new GroupCommit<Write>(async (writes) => {
          const done = this.clock.now();
          const doneAt = new Date(done).toISOString();
          const tally = { sent: 0, failed: 0, retry: 0 };
          await writeFull(db, async (trx) => {
            const taken = writes.filter((w): w is Extract<Write, { kind: 'sending' }> => w.kind === 'sending');
            for (let i = 0; i < taken.length; i += 200) {
              const values = sql.join(taken.slice(i, i + 200).map(({ r, at: when }) => sql`(${r.rowId}, ${r.email}, ${r.attempts}, ${r.messageId}, ${when})`));
              await sql`UPDATE send_recipients SET state = 'sending', email = v.column2, attempts = v.column3, message_id = v.column4,
                attempted_at = v.column5, updated_at = v.column5 FROM (VALUES ${values}) AS v WHERE send_recipients.id = v.column1`.execute(trx);
            }
            for (const w of writes) {
              if (w.kind !== 'release') continue;
              await trx.updateTable('send_recipients').set({ state: 'queued', attempts: w.r.attempts - 1, attempted_at: null, updated_at: doneAt })
                .where('id', '=', w.r.rowId).execute();
            }
            const sentPeople: number[] = [];
            const sentRows: number[] = [];
            let accepted = 0;
            for (const w of writes) {
              if (w.kind !== 'outcome') continue;
              const { r, o } = w;
              if (o.kind === 'sent') {
                tally.sent++;
                accepted++;
                if (r.personId !== null) sentPeople.push(r.personId);
                sentRows.push(r.rowId);
                continue;
              }
              const detail = (o.error.response ?? o.error.message ?? '').slice(0, 500) || null;
              if (o.kind === 'uncertain') {
                // The whole message went out and the answer never came: the server may have it. A person decides.
                accepted++;
                await trx.updateTable('send_recipients').set({ state: 'uncertain', reason: 'no_reply', detail, updated_at: doneAt }).where('id', '=', r.rowId).execute();
                continue;
              }
              const c = classifySmtpError(o.error);
              if (c.kind === 'account') {
                fault ??= { reason: c.reason, detail };
                await trx.updateTable('send_recipients').set({ state: 'queued', attempts: r.attempts - 1, detail, updated_at: doneAt }).where('id', '=', r.rowId).execute();
              } else if (c.kind === 'recipient') {
                tally.failed++;
                await trx.updateTable('send_recipients').set({ state: 'failed', reason: c.hardBounce ? 'hard_bounce' : 'refused', detail, updated_at: doneAt })
                  .where('id', '=', r.rowId).execute();
                if (c.hardBounce) {
                  await suppress(trx, { hasher, now: new Date(done) }, { email: r.email, reason: 'hard_bounce', note: detail, actor: 'Schakel (bounce)' });
                }
              } else {
                if (c.connection) connectionErrors++;
                // A lost connection is not the recipient's fault: it does not use up their attempts.
                const attempts = c.connection ? r.attempts - 1 : r.attempts;
                if (!c.connection && attempts > retryDelays.length) {
                  tally.failed++;
                  await trx.updateTable('send_recipients').set({ state: 'failed', reason: 'retries_exhausted', detail, updated_at: doneAt }).where('id', '=', r.rowId).execute();
                } else {
                  tally.retry++;
                  const step = c.connection ? (this.unreachable.get(jobId) ?? 0) + 1 : attempts;
                  const delay = retryDelays[Math.min(step, retryDelays.length) - 1] ?? 0;
                  await trx.updateTable('send_recipients').set({
                    state: 'retry', reason: 'temporary', attempts, detail, next_attempt_at: done + delay, updated_at: doneAt,
                  }).where('id', '=', r.rowId).execute();
                }
              }
            }
            for (let i = 0; i < sentRows.length; i += 500) {
              await trx.updateTable('send_recipients').set({ state: 'sent', reason: null, detail: null, sent_at: doneAt, updated_at: doneAt })
                .where('id', 'in', sentRows.slice(i, i + 500)).execute();
            }
            if (sentPeople.length && !isTest) await logSent(trx, sentPeople, editionNumber, job.mailbox, doneAt);
            // The rolling counters count what the server accepted, and what it may have (uncertain).
            if (countEvents && accepted) await trx.insertInto('send_events').values(Array.from({ length: accepted }, () => ({ at: done }))).execute();
          });
          sent += tally.sent;
          if (tally.sent || tally.failed || tally.retry) this.options.onProgress?.(jobId, tally);
        });

        let nextIndex = 0;
        const take = (): Prepared | null => (nextIndex < ready.length && !fault && !this.stopped ? ready[nextIndex++]! : null);
        const mark = (r: Prepared): Promise<void> => {
          const p = writer.add({ kind: 'sending', r, at: new Date(this.clock.now()).toISOString() });
          p.catch(() => {});
          return p;
        };
        // A lane marks its next message "sending" (durably) while the current one is with the transport, so commits
        // overlap the SMTP exchange. At most two messages per lane are marked without an outcome: with inFlight / 2
        // lanes, after a crash at most inFlight rows can be uncertain.
        const lane = async () => {
          let answered: Promise<void> | null = null;
          let next = take();
          let marked = next ? mark(next) : null;
          while (next) {
            const r = next;
            await marked;
            if (fault || this.stopped) {
              // Marked but never handed over: back in the queue, no attempt used.
              answered = writer.add({ kind: 'release', r });
              answered.catch(() => {});
              break;
            }
            next = take();
            marked = next ? mark(next) : null;
            const gate: Gate = { transmitted: false };
            const o = await this.sendOne(transport, job, editionNumber, r, mergers[r.language](r.merge), t, letter.unsubscribeAddress, gate);
            // No answer after the final dot of DATA: uncertain, never retried silently. An answer (4xx/5xx) is an answer.
            const outcome: Outcome = o.kind === 'error' && gate.transmitted && !o.error.responseCode ? { kind: 'uncertain', error: o.error } : o;
            answered = writer.add({ kind: 'outcome', r, o: outcome });
            answered.catch(() => {});
            if (next && (fault || this.stopped)) {
              await marked;
              answered = writer.add({ kind: 'release', r: next });
              answered.catch(() => {});
              next = null;
            }
          }
          await answered;
        };
        await Promise.all(Array.from({ length: Math.min(Math.max(1, Math.floor(inFlight / 2)), ready.length) }, lane));

        const doneAt = new Date(this.clock.now()).toISOString();
        if (connectionErrors && !sent) {
          const rounds = (this.unreachable.get(jobId) ?? 0) + 1;
          this.unreachable.set(jobId, rounds);
          if (rounds > retryDelays.length) {
            fault ??= { reason: 'server_unreachable', detail: null };
            this.unreachable.delete(jobId);
          }
        } else if (sent) {
          this.unreachable.delete(jobId);
        }
        if (fault) {
          const f: { reason: string; detail: string | null } = fault;
          await writeFull(db, async (trx) => {
            await trx.updateTable('send_jobs').set({ status: 'paused', pause_reason: f.reason, pause_detail: f.detail, updated_at: doneAt })
              .where('id', '=', jobId).where('status', '=', 'running').execute();
          });
          return { status: 'paused' };
        }
      }
    } finally {
      transport.close();
    }
  }

  private async sendOne(
    transport: ReturnType<typeof nodemailer.createTransport>, job: SendJobRow, editionNumber: number, r: Prepared, m: MergedMessage,
    t: { from: { name: string; address: string }; replyTo: string; https: string }, unsubscribeAddress: string, gate: Gate,
  ): Promise<Outcome> {
    const headers: Record<string, string> = {
      'X-Schakel-Job': String(job.id), 'X-Schakel-Recipient': signedTrace(this.deps.dataDir, job.id, r.rowId), 'X-Schakel-Edition': String(editionNumber),
    };
    if (r.merge) {
      const https = t.https ? httpsUnsubscribe(t.https, r.token) : '';
      // RFC 2369 mailto with the recipient's token; RFC 8058 one-click only with an https address.
      headers['List-Unsubscribe'] = https ? `<${m.unsubscribeUrl}>, <${https}>` : `<${m.unsubscribeUrl}>`;
      if (https) headers['List-Unsubscribe-Post'] = 'List-Unsubscribe=One-Click';
    } else {
      const mailto = unsubscribeUrl(unsubscribeAddress, r.language, TEST_TOKEN);
      if (mailto) headers['List-Unsubscribe'] = `<${mailto}>`;
      headers['X-Schakel-Test'] = 'yes';
    }
    if (job.mailbox === 'test') headers['X-Schakel-Testpostvak'] = 'ja; niets is echt verstuurd';
    try {
      const info = await transport.sendMail({
        from: t.from, to: r.merge ? { name: `${r.merge.firstName} ${r.merge.lastName}`.trim(), address: r.email } : r.email,
        replyTo: t.replyTo || undefined, subject: r.merge ? m.subject : `[TEST] ${m.subject}`, html: m.html, text: m.text, messageId: r.messageId,
        // Base64 bodies: encoded natively, about half the time and memory of quoted-printable for a 40 kB edition.
        textEncoding: 'base64',
        date: new Date(this.clock.now()), envelope: { from: t.from.address, to: [r.email] },
        list: r.merge ? { id: { url: `list-${r.merge.listId}.${domainOf(t.from.address)}`, comment: r.merge.listName } } : undefined,
        headers,
        [GATE]: gate,
      } as Parameters<typeof transport.sendMail>[0]);
      return { kind: 'sent', response: String((info as { response?: string }).response ?? '250') };
    } catch (error) {
      return { kind: 'error', error: error as SmtpErrorLike };
    }
  }
}
