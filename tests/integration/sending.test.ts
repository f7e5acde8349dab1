import { simpleParser } from 'mailparser';
import { afterEach, describe, expect, it } from 'vitest';
import { startCore } from '../../electron/core';
import { Pacer, windowsFor } from '../../db/sending/sending';
import { FakeClock } from '../helpers/clock';
import { classifySmtpError } from '../../db/mail/smtp';
import { SendingBench, smtpAccount } from '../helpers/sending';
import { caller, freePort, invoke, type Call, sendableWorld, type SmtpBehaviour } from '../helpers/smtp';
import type { SendJobDetail, SendJobSummary } from '../../db/sending/types';

const T0 = Date.parse('2025-03-12T08:00:00Z');
const bench = new SendingBench({ t0: T0, retryDelaysMs: [1000, 4000, 16_000] });
afterEach(() => bench.cleanup());

const server = (behaviour?: SmtpBehaviour, port?: number) => bench.server(behaviour, port);
const account = smtpAccount;
const core = (port: number, options?: Parameters<typeof bench.core>[1], dataDir?: string) => bench.core(port, options, dataDir);

async function jobOf(call: Call, id: number, state?: string): Promise<SendJobDetail> {
  return call('sending.jobs.get', { id, state, limit: 1000 });
}

describe('the outbox against a real SMTP server', () => {
  it('sends one personalised message per recipient with the list headers, and records skipped people with the reason', async () => {
    const smtp = await server();
    const { c, call, worker } = await core(smtp.port);
    const w = await sendableWorld(c.registry, c.ctx.sqlite, 6);
    await call('sending.settings.save', { ...account(smtp.port), httpsUnsubscribeUrl: 'https://www.example.org/afmelden?t={token}', replyTo: 'secretariaat@example.org' });
    // One unsubscribed before the send, one on the suppression list.
    await call('consent.unsubscribe', { personId: w.people[0], listId: w.listId, channel: 'email', actor: 'Test' });
    await call('consent.suppress', { personId: w.people[1], reason: 'manual', actor: 'Test' });
    const job = await call<SendJobDetail>('sending.jobs.create', { editionId: w.editionId });
    expect(job.counts).toMatchObject({ total: 6, queued: 4, skipped: 2 });
    expect(job.recipients.rows.filter((r) => r.state === 'skipped').map((r) => r.reason).sort()).toEqual(['suppressed', 'unsubscribed']);
    expect((await call('newsletter.editions.get', { id: w.editionId })).status).toBe('sent');

    expect(await worker.runToEnd(job.id)).toBe('done');
    const done = await jobOf(call, job.id);
    expect(done.counts).toMatchObject({ sent: 4, skipped: 2, failed: 0, uncertain: 0 });
    expect(smtp.received).toHaveLength(4);
    const rows = done.recipients.rows.filter((r) => r.state === 'sent');
    for (const m of smtp.received) {
      expect(m.to).toHaveLength(1);
      const row = rows.find((r) => String(r.id) === String(m.headers.get('x-schakel-recipient')).split('.')[0])!;
      expect(m.to[0]).toBe(row.email);
      expect(m.headers.get('message-id')).toBe(row.messageId);
      expect(m.headers.get('x-schakel-job')).toBe(String(job.id));
      const unsubscribe = /^<mailto:afmelden@example\.org\?subject=(?:Afmelden|Unsubscribe)%20([\w.-]+)>, <https:\/\/www\.example\.org\/afmelden\?t=([\w.-]+)>$/.exec(m.headers.get('list-unsubscribe') ?? '');
      expect(unsubscribe, m.headers.get('list-unsubscribe')).not.toBeNull();
      // Both tokens verify as this recipient's, for this list.
      for (const token of [unsubscribe![1]!, decodeURIComponent(unsubscribe![2]!)]) {
        expect(c.services.newsletter.tokens.verify(decodeURIComponent(token))).toEqual({ personId: row.personId, listId: w.listId });
      }
      expect(m.headers.get('list-unsubscribe-post')).toBe('List-Unsubscribe=One-Click');
      expect(m.headers.get('list-id')).toMatch(/Partners.*<list-\d+\.example\.org>/);
      expect(m.headers.get('reply-to')).toContain('secretariaat@example.org');
      const parsed = await simpleParser(m.raw);
      const first = row.name.split(' ')[0]!;
      expect(parsed.subject).toContain(first);
      expect(parsed.text).toMatch(new RegExp(`(Beste|Dear) ${first},`));
    }
    // Logged on each recipient's timeline.
    const person = rows[0]!.personId!;
    const timeline = (await call<{ interactions: { kind: string; summary: string }[] }>('people.get', { id: person })).interactions;
    expect(timeline, JSON.stringify(timeline)).toSatisfy((t: typeof timeline) => t.some((i) => i.kind === 'mail' && /Nieuwsbrief nr\. \d+ verstuurd/.test(i.summary)));
  });

  it('leaves out the https address and One-Click without an https unsubscribe URL', async () => {
    const smtp = await server();
    const { c, call, worker } = await core(smtp.port);
    const w = await sendableWorld(c.registry, c.ctx.sqlite, 1);
    const job = await call<SendJobDetail>('sending.jobs.create', { editionId: w.editionId });
    await worker.runToEnd(job.id);
    expect(smtp.received[0]!.headers.get('list-unsubscribe')).toMatch(/^<mailto:[^>]+>$/);
    expect(smtp.received[0]!.headers.has('list-unsubscribe-post')).toBe(false);
  });

  it('retries 421/451/452 with growing delays, then succeeds', async () => {
    const codes = [421, 451, 452];
    const smtp = await server({
      rcpt: (address, n) => (address.startsWith('lezer1@') && n <= 3 ? { code: codes[n - 1]!, message: `4.3.0 Try again later (${n})` } : null),
    });
    const { c, call, worker, clock } = await core(smtp.port);
    const w = await sendableWorld(c.registry, c.ctx.sqlite, 3);
    const job = await call<SendJobDetail>('sending.jobs.create', { editionId: w.editionId });
    const started = clock.now();
    expect(await worker.runToEnd(job.id)).toBe('done');
    const done = await jobOf(call, job.id);
    expect(done.counts).toMatchObject({ sent: 3, failed: 0 });
    expect(done.recipients.rows.find((r) => r.email.startsWith('lezer1@'))!.attempts).toBe(4);
    // 1 s + 4 s + 16 s of backoff passed on the clock.
    expect(clock.now() - started).toBeGreaterThanOrEqual(21_000);
    expect(smtp.received).toHaveLength(3);
  });

  it('gives up after the last retry and marks the recipient failed with the server reason', async () => {
    const smtp = await server({ rcpt: (address) => (address.startsWith('lezer0@') ? { code: 450, message: '4.2.1 Mailbox busy' } : null) });
    const { c, call, worker } = await core(smtp.port);
    const w = await sendableWorld(c.registry, c.ctx.sqlite, 2);
    const job = await call<SendJobDetail>('sending.jobs.create', { editionId: w.editionId });
    expect(await worker.runToEnd(job.id)).toBe('done');
    const failed = (await jobOf(call, job.id, 'failed')).recipients.rows;
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({ reason: 'retries_exhausted', attempts: 4 });
    expect(failed[0]!.detail).toMatch(/Mailbox busy/);
  });

  it('fails 550 recipients only; 5.1.1 becomes a hard bounce on the suppression list; resend-to-failed makes a follow-up job', async () => {
    const smtp = await server({
      rcpt: (address) => (address.startsWith('lezer1@') ? { code: 550, message: '5.1.1 User unknown' }
        : address.startsWith('lezer3@') ? { code: 550, message: 'Mailbox unavailable' } : null),
    });
    const { c, call, worker } = await core(smtp.port);
    const w = await sendableWorld(c.registry, c.ctx.sqlite, 5);
    const job = await call<SendJobDetail>('sending.jobs.create', { editionId: w.editionId });
    expect(await worker.runToEnd(job.id)).toBe('done');
    const done = await jobOf(call, job.id);
    expect(done.counts).toMatchObject({ sent: 3, failed: 2 });
    const bounced = done.recipients.rows.find((r) => r.email.startsWith('lezer1@'))!;
    expect(bounced).toMatchObject({ state: 'failed', reason: 'hard_bounce' });
    expect(bounced.detail).toMatch(/5\.1\.1 User unknown/);
    expect(bounced.reasonText!.nl).toMatch(/harde bounce/);
    expect(done.recipients.rows.find((r) => r.email.startsWith('lezer3@'))).toMatchObject({ state: 'failed', reason: 'refused' });
    const lookup = await call<{ suppression: { reason: string } | null }>('consent.lookupAddress', { email: bounced.email });
    expect(lookup.suppression?.reason).toBe('hard_bounce');

    // Only the refusal is worth another try: the hard-bounced address does not exist.
    expect(done.resendable).toBe(1);
    smtp.behaviour = {};
    const follow = await call<SendJobDetail>('sending.jobs.resendFailed', { id: job.id });
    expect(follow.parentJobId).toBe(job.id);
    expect(follow.recipients.rows.map((r) => [r.email.split('@')[0], r.state, r.reason])).toEqual([['lezer3', 'queued', null]]);
    expect(await worker.runToEnd(follow.id)).toBe('done');
    expect(smtp.received.filter((m) => m.to[0]!.startsWith('lezer3@'))).toHaveLength(1);
    expect(smtp.received.filter((m) => m.to[0]!.startsWith('lezer1@'))).toHaveLength(0);
    expect((await jobOf(call, follow.id)).resendable).toBe(0);
    // Nothing left but the hard bounce: "resend to failed" says so instead of making an empty job.
    const refused = await call('sending.jobs.resendFailed', { id: job.id }).then(() => null, (e: { code?: string }) => e);
    expect(refused).toMatchObject({ code: 'nothing_failed' });
  });

  it('pauses the whole job on 535 without blaming recipients, and resumes once the login works', async () => {
    const smtp = await server({ auth: { user: 'secretariaat', pass: 'goed' } });
    const { c, call, worker } = await core(smtp.port, {
      target: { host: '127.0.0.1', port: smtp.port, security: 'none', user: 'secretariaat', password: 'fout', connections: 1 },
    });
    const w = await sendableWorld(c.registry, c.ctx.sqlite, 4);
    const job = await call<SendJobDetail>('sending.jobs.create', { editionId: w.editionId });
    expect(await worker.runToEnd(job.id)).toBe('paused');
    const paused = await jobOf(call, job.id);
    expect(paused.status).toBe('paused');
    expect(paused.pause).toMatchObject({ reason: 'login_refused' });
    expect(paused.pause!.message.nl).toMatch(/weigert de aanmelding/);
    expect(paused.counts).toMatchObject({ queued: 4, failed: 0, sent: 0 });
    expect(paused.recipients.rows.every((r) => r.attempts === 0)).toBe(true);

    // The account is put right (here: the server now accepts this password).
    smtp.behaviour = { auth: { user: 'secretariaat', pass: 'fout' } };
    await call('sending.jobs.resume', { id: job.id });
    expect(await worker.runToEnd(job.id)).toBe('done');
    expect((await jobOf(call, job.id)).counts.sent).toBe(4);
  });

  it('pauses on 5.7.x policy and 5.1.8 sender refusals (account faults)', () => {
    expect(classifySmtpError({ responseCode: 550, response: '550 5.7.60 SMTP; Client does not have permissions to send as this sender' })).toEqual({ kind: 'account', reason: 'policy' });
    expect(classifySmtpError({ responseCode: 553, response: '553 5.1.8 Sender address rejected' })).toEqual({ kind: 'account', reason: 'sender_refused' });
    expect(classifySmtpError({ responseCode: 554, response: '554 5.2.0 Daily sending quota exceeded' })).toEqual({ kind: 'account', reason: 'quota' });
    expect(classifySmtpError({ responseCode: 552, response: '552 5.2.2 Mailbox full' })).toEqual({ kind: 'recipient', hardBounce: false });
    expect(classifySmtpError({ code: 'ECONNECTION', message: 'Connection closed unexpectedly' })).toEqual({ kind: 'retry', connection: true });
  });

  it('retries a message whose connection dropped during DATA, and delivers it once', async () => {
    let dropped = 0;
    const smtp = await server({
      data: (headers, n) => (headers.get('to')?.includes('lezer2@') && n === 1 ? (dropped++, 'drop') : null),
    });
    const { c, call, worker } = await core(smtp.port);
    const w = await sendableWorld(c.registry, c.ctx.sqlite, 4);
    const job = await call<SendJobDetail>('sending.jobs.create', { editionId: w.editionId });
    expect(await worker.runToEnd(job.id)).toBe('done');
    expect(dropped).toBe(1);
    expect((await jobOf(call, job.id)).counts).toMatchObject({ sent: 4, failed: 0 });
    expect(smtp.received.filter((m) => m.to[0]!.startsWith('lezer2@'))).toHaveLength(1);
  });

  it('waits for a server that is down at the start and sends once it is up', async () => {
    const port = await freePort();
    const smtp = await server({}, -1);
    let upAt: number | null = null;
    const clock = new FakeClock(T0, async (t) => {
      if (upAt === null && t - T0 >= 3000) {
        upAt = t;
        await smtp.start(port);
      }
    });
    const { c, call, worker } = await core(port, { clock });
    const w = await sendableWorld(c.registry, c.ctx.sqlite, 3);
    const job = await call<SendJobDetail>('sending.jobs.create', { editionId: w.editionId });
    expect(await worker.runToEnd(job.id)).toBe('done');
    expect(upAt).not.toBeNull();
    const done = await jobOf(call, job.id);
    expect(done.counts).toMatchObject({ sent: 3, failed: 0 });
    // Waiting for the server did not use up the recipients' attempts.
    expect(done.recipients.rows.every((r) => r.attempts === 1)).toBe(true);
    expect(smtp.received).toHaveLength(3);
  });

  it('pauses the job when the server stays unreachable', async () => {
    const port = await freePort();
    const { c, call, worker } = await core(port);
    const w = await sendableWorld(c.registry, c.ctx.sqlite, 2);
    const job = await call<SendJobDetail>('sending.jobs.create', { editionId: w.editionId });
    expect(await worker.runToEnd(job.id)).toBe('paused');
    const paused = await jobOf(call, job.id);
    expect(paused.pause!.reason).toBe('server_unreachable');
    expect(paused.counts.failed).toBe(0);
  });

  it('sends nothing more to someone who unsubscribes while the job runs', async () => {
    let unsubscribed = false;
    let target = 0;
    let listId = 0;
    const smtp = await server({
      data: () => {
        if (!unsubscribed) {
          unsubscribed = true;
          // Mid-job, in the register: the person of a later row unsubscribes.
          void invoke(c.registry, 'consent.unsubscribe', { personId: target, listId, channel: 'email', actor: 'Test' });
        }
        return null;
      },
    });
    const made = await core(smtp.port, { batchSize: 2 });
    const c = made.c;
    const w = await sendableWorld(c.registry, c.ctx.sqlite, 6);
    target = w.people[5]!;
    listId = w.listId;
    const job = await made.call<SendJobDetail>('sending.jobs.create', { editionId: w.editionId });
    expect(job.counts.queued).toBe(6);
    expect(await made.worker.runToEnd(job.id)).toBe('done');
    const done = await jobOf(made.call, job.id);
    expect(done.counts).toMatchObject({ sent: 5, skipped: 1 });
    expect(done.recipients.rows.find((r) => r.personId === target)).toMatchObject({ state: 'skipped', reason: 'unsubscribed' });
    expect(smtp.received.some((m) => m.to[0] === 'lezer5@example.org')).toBe(false);
  });

  it('paces Microsoft 365 at 30 messages per rolling minute (fake clock), with the counters in the database', async () => {
    const smtp = await server();
    const clock = new FakeClock(T0);
    const { c, call, worker } = await core(smtp.port, { clock, limits: { perSecond: null, perMinute: 30, perDay: 10_000 } });
    const w = await sendableWorld(c.registry, c.ctx.sqlite, 75);
    const job = await call<SendJobDetail>('sending.jobs.create', { editionId: w.editionId });
    expect(await worker.runToEnd(job.id)).toBe('done');
    const times = (await c.ctx.db.selectFrom('send_events').select('at').orderBy('at').execute()).map((r) => r.at);
    expect(times).toHaveLength(75);
    for (let i = 30; i < times.length; i++) expect(times[i]! - times[i - 30]!).toBeGreaterThanOrEqual(60_000);
    // 75 messages at 30 per minute: the last batch starts after two full minutes.
    expect(times.at(-1)! - times[0]!).toBeGreaterThanOrEqual(120_000);
    expect(times.at(-1)! - times[0]!).toBeLessThan(125_000);
    expect(smtp.received).toHaveLength(75);

    // The window survives a restart: a new pacer loaded from the database still sees the last minute.
    const pacer = new Pacer(windowsFor({ perSecond: null, perMinute: 30, perDay: 10_000 }), times);
    expect(pacer.allowance(times.at(-1)! + 1).n).toBe(15);
  });

  it('pause, resume and cancel; a job that became due while Schakel was closed waits for a confirmation', async () => {
    const smtp = await server();
    const dataDir = bench.dir();
    const first = await core(smtp.port, {}, dataDir);
    const w = await sendableWorld(first.c.registry, first.c.ctx.sqlite, 3);
    const job = await first.call<SendJobDetail>('sending.jobs.create', { editionId: w.editionId, scheduledAt: new Date(T0 + 3600_000).toISOString() });
    expect(job.status).toBe('scheduled');
    expect(await first.worker.runJob(job.id)).toEqual({ status: 'scheduled' });
    await bench.close(first.c);

    const later = await core(smtp.port, { clock: new FakeClock(T0 + 2 * 3600_000) }, dataDir);
    const due = await jobOf(later.call, job.id);
    expect(due.status).toBe('due');
    expect(await later.worker.runJob(job.id)).toEqual({ status: 'due' });
    await later.call('sending.jobs.resume', { id: job.id });
    await later.call('sending.jobs.pause', { id: job.id });
    expect(await later.worker.runJob(job.id)).toEqual({ status: 'paused' });
    const cancelled = await later.call<SendJobSummary>('sending.jobs.cancel', { id: job.id });
    expect(cancelled).toMatchObject({ status: 'cancelled', counts: { cancelled: 3 } });
    expect(smtp.received).toHaveLength(0);
  });

  it('marks what was being sent during a crash as uncertain; a person resends or marks it sent', async () => {
    const smtp = await server();
    const dataDir = bench.dir();
    const first = await core(smtp.port, {}, dataDir);
    const w = await sendableWorld(first.c.registry, first.c.ctx.sqlite, 3);
    const job = await first.call<SendJobDetail>('sending.jobs.create', { editionId: w.editionId });
    // As if the app died right after writing "sending" for two rows.
    const [a, b] = job.recipients.rows;
    await first.c.ctx.db.updateTable('send_recipients').set({ state: 'sending', attempts: 1 }).where('id', 'in', [a!.id, b!.id]).execute();
    await bench.close(first.c);

    const again = await core(smtp.port, {}, dataDir);
    const after = await jobOf(again.call, job.id);
    expect(after.counts).toMatchObject({ uncertain: 2, queued: 1 });
    expect(after.recipients.rows.find((r) => r.id === a!.id)!.reasonText!.nl).toMatch(/Onbekend of deze mail is aangekomen/);
    expect(await again.worker.runToEnd(job.id)).toBe('done');
    expect(smtp.received).toHaveLength(1);
    await again.call('sending.jobs.resolveUncertain', { id: job.id, action: 'markSent', recipientIds: [a!.id] });
    const resent = await again.call<SendJobSummary>('sending.jobs.resolveUncertain', { id: job.id, action: 'resend' });
    expect(resent.status).toBe('running');
    expect(await again.worker.runToEnd(job.id)).toBe('done');
    expect((await jobOf(again.call, job.id)).counts).toMatchObject({ sent: 3, uncertain: 0 });
    expect(smtp.received.map((m) => Number(String(m.headers.get('x-schakel-recipient')).split('.')[0])).sort()).toEqual([b!.id, job.recipients.rows[2]!.id].sort());
  });

  it('shows the mailings in an access export and removes them on erasure', async () => {
    const smtp = await server();
    const { c, call, worker } = await core(smtp.port);
    const w = await sendableWorld(c.registry, c.ctx.sqlite, 2);
    const job = await call<SendJobDetail>('sending.jobs.create', { editionId: w.editionId });
    await worker.runToEnd(job.id);
    const personId = w.people[0]!;
    const doc = await call<{ json: string }>('avg.exportPerson', { personId });
    const mailings = JSON.parse(doc.json).mailings as { email: string; state: string }[];
    expect(mailings).toEqual([expect.objectContaining({ email: 'lezer0@example.org', state: 'sent' })]);
    await call('avg.erase', { personId, actor: 'Test', confirm: true });
    const left = await c.ctx.db.selectFrom('send_recipients').select('email').where('job_id', '=', job.id).execute();
    expect(left.map((r) => r.email)).toEqual(['lezer1@example.org']);
  });

  it('reports progress with an ETA from the pacing', async () => {
    const smtp = await server();
    const { c, call } = await core(smtp.port);
    await call('sending.settings.save', { host: 'smtp.office365.com', port: 587, security: 'starttls', user: 'a@example.org', senderEmail: 'nieuwsbrief@example.org', profile: 'm365' });
    const w = await sendableWorld(c.registry, c.ctx.sqlite, 90);
    const job = await call<SendJobDetail>('sending.jobs.create', { editionId: w.editionId });
    expect(job.mailbox).toBe('smtp');
    expect(job.etaSeconds).toBe(180);
  });
});

describe('settings and the built-in test mailbox', () => {
  it('sends to the test mailbox until an account is configured, and shows the messages marked as not really sent', async () => {
    const dataDir = bench.dir();
    const c = await startCore({ dataDir, backup: { auto: false } });
    bench.track(c);
    const call = caller(c.registry);
    const settings = await call('sending.settings.get', {});
    expect(settings).toMatchObject({ mailbox: 'test', passwordSet: false });
    expect((await call('sending.settings.testConnection', {})).message.nl).toMatch(/testpostvak/);
    const w = await sendableWorld(c.registry, c.ctx.sqlite, 3);
    const job = await call<SendJobDetail>('sending.jobs.create', { editionId: w.editionId });
    expect(job.mailbox).toBe('test');
    expect(job.notice!.nl).toMatch(/Testpostvak: niets is echt verstuurd/);
    for (let i = 0; i < 200; i++) {
      if ((await call<SendJobSummary>('sending.jobs.get', { id: job.id })).status === 'done') break;
      await new Promise((r) => setTimeout(r, 25));
    }
    const box = await call('sending.testMailbox.list', {});
    expect(box.notice.nl).toBe('Testpostvak: niets is echt verstuurd. Deze mails zijn alleen in Schakel zelf bewaard.');
    expect(box.total).toBe(3);
    const one = await call('sending.testMailbox.get', { id: box.messages[0]!.id });
    expect(one.text).toMatch(/Beste Lezer\d/);
    expect(one.headers.find((h: { key: string }) => h.key === 'x-schakel-testpostvak')).toBeTruthy();
  });

  it('keeps the password out of the database; refuses when only basic_text storage exists', async () => {
    const smtp = await server();
    const { c, call } = await core(smtp.port);
    const saved = await call('sending.settings.save', {
      host: 'smtp.example.org', port: 465, security: 'tls', user: 'nieuwsbrief@example.org', password: 'geheim-123', senderEmail: 'nieuwsbrief@example.org',
    });
    expect(saved).toMatchObject({ passwordSet: true, mailbox: 'smtp', limits: { perMinute: 30, perDay: 10_000 } });
    const rows = await c.ctx.db.selectFrom('settings').select('value').execute();
    expect(rows.some((r) => r.value.includes('geheim-123'))).toBe(false);

    const { SafeStoragePasswordStore } = await import('../../db/mail/smtp');
    const basic = new SafeStoragePasswordStore({
      isEncryptionAvailable: () => true, encryptString: (s) => Buffer.from(s), decryptString: (b) => b.toString(), getSelectedStorageBackend: () => 'basic_text',
    }, c.ctx.dataDir);
    expect(basic.refusal()!.nl).toMatch(/sleutelbos/);
    expect(() => basic.set('x')).toThrow(/keyring/);
    const bad = await call('sending.settings.save', { host: 'smtp.example.org', senderEmail: 'geen-adres' }).catch((e) => e.error);
    expect(bad.code).toBe('invalid_settings');
  });

  it('signs with DKIM when a key is configured, from the settings to the message', async () => {
    const { generateKeyPairSync } = await import('node:crypto');
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const smtp = await server();
    const clock = new FakeClock(T0);
    const dataDir = bench.dir();
    const c = await startCore({ dataDir, now: () => new Date(clock.now()), backup: { auto: false }, sending: { worker: false, clock, limits: null } });
    bench.track(c);
    const call = caller(c.registry);
    const saved = await call('sending.settings.save', {
      ...account(smtp.port), dkimDomain: 'example.org', dkimSelector: 'schakel', dkimPrivateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    });
    expect(saved.dkimKeySet).toBe(true);
    expect((await c.ctx.db.selectFrom('settings').select('value').execute()).some((r) => r.value.includes('PRIVATE KEY'))).toBe(false);
    const w = await sendableWorld(c.registry, c.ctx.sqlite, 1);
    const job = await call<SendJobDetail>('sending.jobs.create', { editionId: w.editionId });
    expect(await c.services.sending.worker.runToEnd(job.id)).toBe('done');
    expect(smtp.received[0]!.headers.get('dkim-signature')).toMatch(/d=example\.org; .*s=schakel/);
  });

  it('"Verbinding testen" names the problem in plain Dutch', async () => {
    const smtp = await server({ auth: { user: 'u', pass: 'goed' } });
    const { call } = await core(smtp.port);
    const test = async (over: Record<string, unknown>) => {
      await call('sending.settings.save', { host: '127.0.0.1', port: smtp.port, security: 'none', user: 'u', password: 'goed', senderEmail: 'nieuwsbrief@example.org', ...over });
      return call('sending.settings.testConnection', {});
    };
    expect(await test({})).toMatchObject({ ok: true });
    expect(smtp.received).toHaveLength(1);
    expect(await test({ password: 'fout' })).toMatchObject({ ok: false, problem: 'login_refused' });
    expect(await test({ port: await freePort() })).toMatchObject({ ok: false, problem: 'port_closed' });
    expect(await test({ host: 'bestaat-niet.invalid', security: 'starttls' })).toMatchObject({ ok: false, problem: 'dns' });
    expect(await test({ security: 'tls' })).toMatchObject({ ok: false, problem: 'tls' });
    smtp.behaviour = { auth: { user: 'u', pass: 'goed' }, rcpt: () => ({ code: 553, message: '5.1.8 Sender not allowed' }) };
    const refused = await test({});
    expect(refused).toMatchObject({ ok: false, problem: 'sender_refused' });
    expect(refused.message.nl).toMatch(/afzenderadres niet toe/);
  });
});

describe('outcomes, stages and counters', () => {
  it('a connection lost after the final dot of DATA leaves that message uncertain, never resent silently', async () => {
    const smtp = await server({ data: (headers, n) => (headers.get('to')?.includes('lezer1@') && n === 1 ? 'close' : null) });
    const { c, call, worker } = await core(smtp.port);
    const w = await sendableWorld(c.registry, c.ctx.sqlite, 3, { short: true });
    const job = await call<SendJobDetail>('sending.jobs.create', { editionId: w.editionId });
    expect(await worker.runToEnd(job.id)).toBe('done');
    const done = await jobOf(call, job.id);
    expect(done.counts).toMatchObject({ sent: 2, uncertain: 1, retry: 0 });
    const row = done.recipients.rows.find((r) => r.email.startsWith('lezer1@'))!;
    expect(row).toMatchObject({ state: 'uncertain', reason: 'no_reply', attempts: 1 });
    expect(row.attemptedAt).not.toBeNull();
    expect(row.reasonText!.nl).toMatch(/Onbekend of deze mail is aangekomen/);
    // The server has it once; Schakel did not send it again.
    expect(smtp.received.filter((m) => m.to[0]!.startsWith('lezer1@'))).toHaveLength(1);
  });

  it('writes each outcome as its answer arrives: while a message is with the server, the ones answered before are already recorded', async () => {
    let c: Awaited<ReturnType<typeof core>>['c'] | null = null;
    const seen: Record<string, number>[] = [];
    const smtp = await server({
      data: (headers) => {
        if (headers.get('to')?.includes('lezer7@') && !seen.length) {
          // Read the outbox from a second connection while this message is being answered.
          const rows = c!.ctx.sqlite.prepare('SELECT state, count(*) AS n FROM send_recipients GROUP BY state').all() as { state: string; n: number }[];
          seen.push(Object.fromEntries(rows.map((r) => [r.state, r.n])));
        }
        return null;
      },
    });
    const made = await core(smtp.port, { target: { host: '127.0.0.1', port: smtp.port, security: 'none', user: '', password: null, connections: 1 } });
    c = made.c;
    const w = await sendableWorld(c.registry, c.ctx.sqlite, 10, { short: true });
    const job = await made.call<SendJobDetail>('sending.jobs.create', { editionId: w.editionId });
    expect(await made.worker.runToEnd(job.id)).toBe('done');
    expect(seen).toHaveLength(1);
    // Production batch (24 per connection): written per batch, all ten would still be "sending". Per message: at most
    // the 4 handed to the one connection's transport, and the ones answered before it are recorded.
    expect(seen[0]!.sending ?? 0).toBeLessThanOrEqual(4);
    expect(seen[0]!.sent ?? 0).toBeGreaterThanOrEqual(3);
  });

  it('a 5.7.1 refusal at RCPT TO fails that recipient only; 5.7.x at MAIL FROM pauses the job', async () => {
    const smtp = await server({ rcpt: (address) => (address.startsWith('lezer2@') ? { code: 550, message: '5.7.1 Recipient address rejected: Access denied' } : null) });
    const { c, call, worker } = await core(smtp.port);
    const w = await sendableWorld(c.registry, c.ctx.sqlite, 5, { short: true });
    const job = await call<SendJobDetail>('sending.jobs.create', { editionId: w.editionId });
    expect(await worker.runToEnd(job.id)).toBe('done');
    const done = await jobOf(call, job.id);
    expect(done.pause).toBeNull();
    expect(done.counts).toMatchObject({ sent: 4, failed: 1 });
    expect(done.recipients.rows.find((r) => r.email.startsWith('lezer2@'))).toMatchObject({ state: 'failed', reason: 'refused' });
    expect(smtp.received).toHaveLength(4);
    expect(classifySmtpError({ responseCode: 550, response: '550 5.7.1 Sender rejected', command: 'MAIL FROM' })).toEqual({ kind: 'account', reason: 'policy' });
    expect(classifySmtpError({ responseCode: 550, response: '550 5.7.1 Message rejected', command: 'DATA' })).toEqual({ kind: 'account', reason: 'policy' });
    expect(classifySmtpError({ responseCode: 535, response: '535 5.7.8 Authentication failed', command: 'AUTH PLAIN' })).toEqual({ kind: 'account', reason: 'login_refused' });
  });

  it('without the password (browser mode after a restart) the job asks for it instead of blaming the server, and resumes with it', async () => {
    const smtp = await server({ auth: { user: 'secretariaat', pass: 'goed' } });
    const { c, call, worker } = await core(smtp.port, { saved: true, account: { user: 'secretariaat' } });
    expect((await call('sending.settings.get', {})).passwordSet).toBe(false);
    const w = await sendableWorld(c.registry, c.ctx.sqlite, 3, { short: true });
    const job = await call<SendJobDetail>('sending.jobs.create', { editionId: w.editionId });
    expect(await worker.runToEnd(job.id)).toBe('paused');
    const paused = await jobOf(call, job.id);
    expect(paused.pause).toMatchObject({ reason: 'password_missing' });
    expect(paused.pause!.message.nl).toMatch(/wachtwoord .*ontbreekt/);
    expect(paused.pause!.message.nl).not.toMatch(/weigert/);
    expect(paused.counts).toMatchObject({ queued: 3, sent: 0 });
    expect((await call('sending.settings.get', {})).sentLast24h).toBe(0);
    await call('sending.jobs.resume', { id: job.id, password: 'goed' });
    expect(await worker.runToEnd(job.id)).toBe('done');
    expect((await jobOf(call, job.id)).counts.sent).toBe(3);
    expect(smtp.received).toHaveLength(3);
  });

  it('the rolling 24-hour counter counts what the server accepted (and uncertain messages), not refused logins or refused recipients', async () => {
    const smtp = await server({
      auth: { user: 'secretariaat', pass: 'goed' },
      rcpt: (address) => (address.startsWith('lezer0@') ? { code: 550, message: '5.1.1 User unknown' } : null),
      data: (headers, n) => (headers.get('to')?.includes('lezer1@') && n === 1 ? 'close' : null),
    });
    const { MemoryPasswordStore } = await import('../../db/mail/smtp');
    const passwords = new MemoryPasswordStore({});
    const { c, call, worker } = await core(smtp.port, { saved: true, passwords, account: { user: 'secretariaat', password: 'fout' } });
    const w = await sendableWorld(c.registry, c.ctx.sqlite, 5, { short: true });
    const job = await call<SendJobDetail>('sending.jobs.create', { editionId: w.editionId });
    expect(await worker.runToEnd(job.id)).toBe('paused');
    expect((await jobOf(call, job.id)).pause!.reason).toBe('login_refused');
    expect((await call('sending.settings.get', {})).sentLast24h).toBe(0);
    await call('sending.jobs.resume', { id: job.id, password: 'goed' });
    expect(await worker.runToEnd(job.id)).toBe('done');
    expect((await jobOf(call, job.id)).counts).toMatchObject({ sent: 3, failed: 1, uncertain: 1 });
    // 3 accepted + 1 uncertain (counted to stay on the safe side); the hard bounce and the refused logins are not.
    expect((await call('sending.settings.get', {})).sentLast24h).toBe(4);
  });

  it('paces from the saved account: the provider profile sets the limits and the connection count (fake clock)', async () => {
    const smtp = await server();
    const clock = new FakeClock(T0);
    const { c, call, worker } = await core(smtp.port, { saved: true, clock, account: { profile: 'custom', perSecond: null, perMinute: 10, connections: 1 } });
    const w = await sendableWorld(c.registry, c.ctx.sqlite, 25, { short: true });
    const job = await call<SendJobDetail>('sending.jobs.create', { editionId: w.editionId });
    expect(job.etaSeconds).toBe(150);
    expect(await worker.runToEnd(job.id)).toBe('done');
    expect(smtp.received).toHaveLength(25);
    // 25 messages at 10 a minute: the last ones go after two full minutes on the clock.
    expect(clock.now() - T0).toBeGreaterThanOrEqual(120_000);
    // One connection, as saved.
    expect(new Set(smtp.received.map((m) => m.session)).size).toBe(1);
  });

  it('never mails an address on the suppression list, even when the person is still subscribed (checked at the job and before each message)', async () => {
    const smtp = await server();
    const { c, call, worker } = await core(smtp.port);
    const w = await sendableWorld(c.registry, c.ctx.sqlite, 4, { short: true });
    const { suppress } = await import('../../db/consent/consent');
    const hasher = await c.services.consent.hasher();
    const env = { hasher, now: new Date(T0) };
    // A complaint once came from an address nobody had; later it became person 0's primary address. Still subscribed.
    await suppress(c.ctx.db, env, { email: 'klacht@example.org', reason: 'complaint', actor: 'Test' });
    c.ctx.sqlite.prepare(`UPDATE person_emails SET email = 'klacht@example.org', email_norm = 'klacht@example.org' WHERE person_id = ?`).run(w.people[0]);
    const sub = c.ctx.sqlite.prepare('SELECT status FROM subscriptions WHERE person_id = ?').get(w.people[0]) as { status: string };
    expect(sub.status).toBe('subscribed');

    const job = await call<SendJobDetail>('sending.jobs.create', { editionId: w.editionId });
    // The audience check, on its own: skipped before any message goes.
    expect(job.recipients.rows.find((r) => r.personId === w.people[0])).toMatchObject({ state: 'skipped', reason: 'suppressed' });
    // The check before each message, on its own: person 1 takes a suppressed address after the job was made.
    await suppress(c.ctx.db, env, { email: 'klacht2@example.org', reason: 'complaint', actor: 'Test' });
    c.ctx.sqlite.prepare(`UPDATE person_emails SET email = 'klacht2@example.org', email_norm = 'klacht2@example.org' WHERE person_id = ?`).run(w.people[1]);
    expect((c.ctx.sqlite.prepare('SELECT status FROM subscriptions WHERE person_id = ?').get(w.people[1]) as { status: string }).status).toBe('subscribed');
    expect(await worker.runToEnd(job.id)).toBe('done');
    const done = await jobOf(call, job.id);
    expect(done.recipients.rows.find((r) => r.personId === w.people[1])).toMatchObject({ state: 'skipped', reason: 'suppressed' });
    expect(done.counts).toMatchObject({ sent: 2, skipped: 2 });
    expect(smtp.received.map((m) => m.to[0])).not.toContain('klacht@example.org');
    expect(smtp.received.map((m) => m.to[0])).not.toContain('klacht2@example.org');
  });
});
