import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { sendingRuntime } from '../../electron/handlers/sending';
import { tokensFor } from '../../electron/handlers/newsletter';
import { FakeClock } from '../../db/services/sending';
import type { InboxCheckResult, ReviewItemView } from '../../electron/commands/inbox.contract';
import type { SendJobDetail } from '../../electron/commands/sending.contract';
import { processMessage, type InboxEnv, type ProcessResult } from '../../db/services/inbox';
import { hasherFor } from '../../electron/handlers/consent';
import { createTestCore, type TestCore } from '../helpers/core';
import { PROCESSED, useTestMailbox } from '../helpers/inbox';
import { DOVECOT, requireSystem } from '../helpers/system';
import { smtpAccount, useTestSmtpServer } from '../helpers/sending';
import { invoke, seedSubscribers, sendableWorld } from '../helpers/smtp';

requireSystem(DOVECOT);

const FIXTURES = path.join(__dirname, '../fixtures/mail');
const T0 = Date.parse('2026-11-23T08:00:00Z');

describe('the inbox against a real IMAP server (dovecot)', () => {
  const mailbox = useTestMailbox();
  const smtp = useTestSmtpServer();
  let crashAfter: number | null = null;
  let recorded = 0;

  afterEach(() => {
    crashAfter = null;
    recorded = 0;
  });

  function fixture(name: string, vars: Record<string, string | number> = {}): string {
    let raw = readFileSync(path.join(FIXTURES, name), 'utf8');
    for (const [k, v] of Object.entries(vars)) raw = raw.replaceAll(k, String(v));
    return raw;
  }

  /** A core that sent one edition to six people through a real SMTP server, with the mailbox set up. */
  async function world() {
    const clock = new FakeClock(T0);
    const c = await mailbox.createCore({
      now: () => new Date(clock.now()),
      sending: {
        worker: false, clock, retryDelaysMs: [1000], limits: null,
        target: { host: '127.0.0.1', port: smtp.port, security: 'none', user: '', password: null, connections: 1 },
      },
      inbox: {
        check: {
          afterRecord: (r: ProcessResult) => {
            recorded++;
            if (crashAfter !== null && recorded >= crashAfter) throw new Error('simulated stop');
          },
        },
      },
    });
    const call = <T = any>(name: string, input: unknown) => invoke<T>(c.registry, name, input);
    await call('sending.settings.save', smtpAccount(smtp.port));
    const w = await sendableWorld(c.registry, c.ctx.sqlite, 6);
    // A secondary address for person 5, used by free text mail.
    c.ctx.sqlite.prepare(`INSERT INTO person_emails (person_id, email, email_norm, is_primary) VALUES (?, 'anna.prive@example.net', 'anna.prive@example.net', 0)`).run(w.people[5]);
    const job = await call<SendJobDetail>('sending.jobs.create', { editionId: w.editionId });
    expect(await sendingRuntime(c.ctx).worker.runToEnd(job.id)).toBe('done');
    const rows = (await call<SendJobDetail>('sending.jobs.get', { id: job.id, limit: 1000 })).recipients.rows;
    const row = (personId: number) => rows.find((r) => r.personId === personId)!;
    await call('inbox.settings.save', mailbox.settings());
    const tokens = tokensFor(c.ctx);
    const ref = (personId: number) => ({ JOB_ID: job.id, RECIPIENT_ID: row(personId).id, ORIGINAL_MESSAGE_ID: row(personId).messageId!.replace(/^<|>$/g, '') });
    const messages = [
      fixture('exchange-dsn.eml', ref(w.people[0]!)),
      fixture('gmail-bounce.eml', { ORIGINAL_MESSAGE_ID: ref(w.people[1]!).ORIGINAL_MESSAGE_ID }),
      fixture('postfix-delayed.eml', ref(w.people[2]!)),
      fixture('complaint-arf.eml', ref(w.people[3]!)),
      fixture('out-of-office.eml'),
      fixture('unsubscribe-nl.eml', { TOKEN: tokens.sign(w.people[4]!, w.listId) }),
      fixture('unsubscribe-body.eml', { TOKEN: tokens.sign(w.people[5]!, w.listId) }),
      fixture('unsubscribe-forged.eml'),
      fixture('free-nl.eml'),
      fixture('free-en.eml'),
      fixture('malformed.eml'),
    ];
    return { c, call, w, job, rows, row, messages };
  }

  const EXPECTED = { hard_bounce: 2, soft_bounce: 1, complaint: 1, ignored: 1, unsubscribed: 2, review: 4 };

  async function state(c: TestCore, call: <T = any>(n: string, i: unknown) => Promise<T>, jobId: number) {
    const q = (s: string) => c.ctx.sqlite.prepare(s).all();
    return {
      events: q(`SELECT type, person_id, list_id, reason, source, evidence_message_id FROM consent_events ORDER BY id`),
      suppressions: q(`SELECT email_hmac, reason FROM suppressions ORDER BY email_hmac`),
      marks: q(`SELECT message_id, kind, outcome FROM inbox_messages ORDER BY message_id`),
      review: q(`SELECT message_id, reason, person_id, status FROM inbox_review ORDER BY message_id`),
      soft: q(`SELECT * FROM inbox_soft_bounces`),
      job: (await call<SendJobDetail>('sending.jobs.get', { id: jobId, limit: 1000 })).recipients.rows.map((r) => [r.id, r.state, r.reason, r.detail]),
    };
  }

  it('acts on every kind of message, moves it, and changes nothing when run again', async () => {
    const { c, call, w, job, messages } = await world();
    await mailbox.append(...messages);
    const first = await call<InboxCheckResult>('inbox.checkNow', {});
    expect(first).toMatchObject({ seen: 11, processed: 11, duplicates: 0, byOutcome: EXPECTED });
    expect(await mailbox.count('INBOX')).toBe(0);
    expect(await mailbox.count(PROCESSED)).toBe(11);

    const after = await call<SendJobDetail>('sending.jobs.get', { id: job.id, limit: 1000 });
    const byPerson = (p: number) => after.recipients.rows.find((r) => r.personId === p)!;
    expect(byPerson(w.people[0]!)).toMatchObject({ state: 'failed', reason: 'hard_bounce' });
    expect(byPerson(w.people[1]!)).toMatchObject({ state: 'failed', reason: 'hard_bounce' });
    expect(byPerson(w.people[2]!).state).toBe('sent');
    expect(byPerson(w.people[2]!).detail).toContain('4.2.2');

    const suppressions = c.ctx.sqlite.prepare(`SELECT reason, count(*) AS n FROM suppressions GROUP BY reason ORDER BY reason`).all();
    expect(suppressions).toEqual([{ reason: 'complaint', n: 1 }, { reason: 'hard_bounce', n: 2 }]);
    const unsub = c.ctx.sqlite.prepare(`SELECT person_id, evidence_message_id FROM consent_events WHERE type = 'unsubscribed' ORDER BY person_id`).all();
    expect(unsub).toEqual([
      { person_id: w.people[4], evidence_message_id: '<unsub-nl-1@example.com>' },
      { person_id: w.people[5], evidence_message_id: '<unsub-body-1@example.net>' },
    ]);
    const subs = c.ctx.sqlite.prepare(`SELECT person_id, status FROM subscriptions WHERE person_id IN (?, ?) ORDER BY person_id`).all(w.people[4], w.people[5]);
    expect(subs).toEqual([{ person_id: w.people[4], status: 'unsubscribed' }, { person_id: w.people[5], status: 'unsubscribed' }]);

    const review = await call<ReviewItemView[]>('inbox.review.list', { status: 'open' });
    expect(review.map((r) => [r.messageId, r.reason, r.person?.id ?? null]).sort()).toEqual([
      ['<free-en-1@example.com>', 'other', null],
      ['<free-nl-1@example.net>', 'other', w.people[5]],
      ['<malformed-1@example.com>', 'other', null],
      ['<unsub-forged-1@example.com>', 'invalid_token', null],
    ].sort());
    expect(await call('inbox.summary', {})).toEqual({ openReview: 4, openReviewOlderThan24h: 0 });

    // Again: nothing new. Then the same messages delivered once more: recognised, moved, nothing done twice.
    const before = await state(c, call, job.id);
    expect(await call<InboxCheckResult>('inbox.checkNow', {})).toMatchObject({ seen: 0, processed: 0 });
    await mailbox.append(...messages);
    expect(await call<InboxCheckResult>('inbox.checkNow', {})).toMatchObject({ seen: 11, processed: 0, duplicates: 11 });
    expect(await state(c, call, job.id)).toEqual(before);
    expect(await mailbox.count(PROCESSED)).toBe(22);
  }, 60_000);

  it('loses and duplicates nothing when stopped halfway and run again', async () => {
    const { c, call, job, messages } = await world();
    await mailbox.append(...messages);
    crashAfter = 5;
    await expect(call('inbox.checkNow', {})).rejects.toThrow();
    expect(await mailbox.count('INBOX')).toBe(7);
    crashAfter = null;
    const second = await call<InboxCheckResult>('inbox.checkNow', {});
    expect(second).toMatchObject({ seen: 7, processed: 6, duplicates: 1 });
    expect(await mailbox.count('INBOX')).toBe(0);
    expect(await mailbox.count(PROCESSED)).toBe(11);
    const s = await state(c, call, job.id);
    expect(s.marks).toHaveLength(11);
    const outcomes: Record<string, number> = {};
    for (const m of s.marks as { outcome: string }[]) outcomes[m.outcome] = (outcomes[m.outcome] ?? 0) + 1;
    expect(outcomes).toEqual(EXPECTED);
    expect(s.review).toHaveLength(4);
    expect((s.events as { type: string }[]).filter((e) => e.type === 'unsubscribed')).toHaveLength(2);
  }, 60_000);

  it('keeps the password out of the settings, tests the connection, and creates the processed folder', async () => {
    const { c, call } = await world();
    const dovecot = mailbox.dovecot;
    const view = await call<any>('inbox.settings.get', {});
    expect(view).toMatchObject({ host: dovecot.host, port: dovecot.port, user: dovecot.user, passwordSet: true, configured: true });
    expect(JSON.stringify(view)).not.toContain(dovecot.password);
    expect(JSON.stringify(c.ctx.sqlite.prepare(`SELECT value FROM settings WHERE key = 'inbox.imap'`).get())).not.toContain(dovecot.password);
    expect(await call('inbox.settings.testConnection', {})).toMatchObject({ ok: true });
    await call('inbox.settings.save', { host: dovecot.host, port: dovecot.port, security: 'none', user: dovecot.user, password: 'fout', processedFolder: 'Archief/Schakel' });
    const refused = await call<any>('inbox.settings.testConnection', {});
    expect(refused.ok).toBe(false);
    expect(refused.message.nl).toMatch(/wachtwoord/);
    await expect(call('inbox.checkNow', {})).rejects.toThrow(/wachtwoord/);
    await call('inbox.settings.save', { host: dovecot.host, port: dovecot.port, security: 'none', user: dovecot.user, processedFolder: 'Archief/Schakel' });
    expect((await call<any>('inbox.settings.get', {})).passwordSet).toBe(true);
    await call('inbox.settings.save', { host: dovecot.host, port: dovecot.port, security: 'none', user: dovecot.user, password: dovecot.password, processedFolder: 'Archief/Schakel' });
    expect(await mailbox.count('Archief/Schakel')).toBe(-1);
    expect(await call<InboxCheckResult>('inbox.checkNow', {})).toMatchObject({ seen: 0 });
    expect(await mailbox.count('Archief/Schakel')).toBe(0);
  }, 60_000);

  it('acts on review items only with a person, and opens an erasure request', async () => {
    const { call, w, messages } = await world();
    await mailbox.append(...messages);
    await call('inbox.checkNow', {});
    const review = await call<ReviewItemView[]>('inbox.review.list', { status: 'open' });
    const unknown = review.find((r) => r.messageId === '<free-en-1@example.com>')!;
    await expect(call('inbox.review.act', { id: unknown.id, action: 'unsubscribe_all', actor: 'Test' })).rejects.toThrow(/persoon|person/i);
    const done = await call<ReviewItemView>('inbox.review.act', { id: unknown.id, action: 'ignore', actor: 'Test' });
    expect(done).toMatchObject({ status: 'done', action: 'ignore' });

    const dutch = review.find((r) => r.messageId === '<free-nl-1@example.net>')!;
    const erased = await call<ReviewItemView>('inbox.review.act', { id: dutch.id, action: 'erase_request', actor: 'Test' });
    expect(erased.requestId).not.toBeNull();
    const request = await call<any>('avg.getRequest', { id: erased.requestId });
    expect(request).toMatchObject({ kind: 'erasure', personId: w.people[5], status: 'open', channel: 'email' });
    await expect(call('inbox.review.act', { id: dutch.id, action: 'ignore', actor: 'Test' })).rejects.toThrow();
    expect(await call('inbox.summary', {})).toEqual({ openReview: 2, openReviewOlderThan24h: 0 });
  }, 60_000);
});

describe('inbox processing on the database (no mailbox)', () => {
  let tc: TestCore | null = null;
  afterEach(async () => {
    await tc?.dispose();
    tc = null;
  });

  async function env(c: TestCore): Promise<InboxEnv> {
    return { hasher: await hasherFor(c.ctx), tokens: tokensFor(c.ctx), now: c.ctx.now() };
  }

  it('suppresses an address after three soft bounces in a row, counting each send once', async () => {
    tc = await createTestCore({ backup: { auto: false }, sending: { worker: false } });
    const c = tc;
    const w = await sendableWorld(c.registry, c.ctx.sqlite, 1);
    const jobs: { job: number; row: number }[] = [];
    for (let i = 0; i < 3; i++) {
      const job = Number(c.ctx.sqlite.prepare(`INSERT INTO send_jobs (edition_id, mailbox, status) VALUES (?, 'smtp', 'done')`).run(w.editionId).lastInsertRowid);
      const row = Number(c.ctx.sqlite.prepare(`INSERT INTO send_recipients (job_id, person_id, list_id, email, name, language, state, message_id, updated_at)
        VALUES (?, ?, ?, 'lezer0@example.org', 'Lezer0', 'nl', 'sent', ?, '2026-01-01T00:00:00Z')`).run(job, w.people[0], w.listId, `<${job}.x@example.org>`).lastInsertRowid);
      jobs.push({ job, row });
    }
    const delay = (n: number, j: { job: number; row: number }) => Buffer.from(readFileSync(path.join(FIXTURES, 'postfix-delayed.eml'), 'utf8')
      .replace('dsn-postfix-1@', `dsn-postfix-${n}@`).replaceAll('JOB_ID', String(j.job)).replaceAll('RECIPIENT_ID', String(j.row))
      .replaceAll('ORIGINAL_MESSAGE_ID', `${j.job}.x@example.org`));
    const e = await env(c);
    const outcomes = [];
    outcomes.push((await processMessage(c.ctx.db, e, delay(1, jobs[0]!))).outcome);
    outcomes.push((await processMessage(c.ctx.db, e, delay(2, jobs[0]!))).outcome);
    outcomes.push((await processMessage(c.ctx.db, e, delay(3, jobs[1]!))).outcome);
    expect(c.ctx.sqlite.prepare(`SELECT count(*) AS n FROM suppressions`).get()).toEqual({ n: 0 });
    outcomes.push((await processMessage(c.ctx.db, e, delay(4, jobs[2]!))).outcome);
    outcomes.push((await processMessage(c.ctx.db, e, delay(4, jobs[2]!))).outcome);
    expect(outcomes).toEqual(['soft_bounce', 'soft_bounce', 'soft_bounce', 'soft_bounce_suppressed', 'duplicate']);
    expect(c.ctx.sqlite.prepare(`SELECT reason FROM suppressions`).all()).toEqual([{ reason: 'hard_bounce' }]);
    expect(c.ctx.sqlite.prepare(`SELECT status FROM subscriptions WHERE person_id = ?`).all(w.people[0])).toEqual([{ status: 'unsubscribed' }]);
  });

  it('confirms a pending double opt-in with the reply as evidence, and sends other confirmations to review', async () => {
    tc = await createTestCore({ backup: { auto: false }, sending: { worker: false } });
    const c = tc;
    const list = await c.call('lists.save', {
      name: 'Nieuwsbrief', purposeText: 'De nieuwsbrief van het programma.', language: 'nl', lawfulBasis: 'consent', doubleOptIn: true, actor: 'Test',
    } as never) as { id: number };
    const [personId] = seedSubscribers(c.ctx.sqlite, list.id, 1, 'anna');
    c.ctx.sqlite.prepare(`DELETE FROM subscriptions WHERE person_id = ?`).run(personId);
    await c.call('consent.subscribe', { personId: personId!, listId: list.id, consent: { method: 'email', evidenceText: 'Aanmelding via de website, bevestigingsmail verstuurd.' }, actor: 'Test' });
    expect(c.ctx.sqlite.prepare(`SELECT status FROM subscriptions WHERE person_id = ?`).get(personId)).toEqual({ status: 'pending' });
    const e = await env(c);
    const mail = (id: string) => Buffer.from(readFileSync(path.join(FIXTURES, 'confirm.eml'), 'utf8')
      .replace('confirm-1@', `${id}@`).replace('TOKEN', e.tokens.signConfirm(personId!, list.id)));
    expect((await processMessage(c.ctx.db, e, mail('c1'))).outcome).toBe('confirmed');
    expect(c.ctx.sqlite.prepare(`SELECT status FROM subscriptions WHERE person_id = ?`).get(personId)).toEqual({ status: 'subscribed' });
    expect(c.ctx.sqlite.prepare(`SELECT source, evidence_message_id FROM consent_events WHERE type = 'confirmed'`).all())
      .toEqual([{ source: 'email', evidence_message_id: '<c1@example.com>' }]);
    expect((await processMessage(c.ctx.db, e, mail('c2'))).outcome).toBe('review');
    expect(c.ctx.sqlite.prepare(`SELECT reason FROM inbox_review`).all()).toEqual([{ reason: 'not_pending' }]);
  });

  it('counts open review items, and those waiting longer than 24 hours, for the start screen', async () => {
    let now = new Date('2026-11-23T08:00:00Z');
    tc = await createTestCore({ backup: { auto: false }, sending: { worker: false }, now: () => now });
    const c = tc;
    const raw = (name: string) => readFileSync(path.join(FIXTURES, name));
    expect((await processMessage(c.ctx.db, await env(c), raw('free-en.eml'))).outcome).toBe('review');
    expect(await c.call('inbox.summary', {})).toEqual({ openReview: 1, openReviewOlderThan24h: 0 });
    now = new Date('2026-11-24T09:00:00Z');
    expect((await processMessage(c.ctx.db, await env(c), raw('free-nl.eml'))).outcome).toBe('review');
    expect(await c.call('inbox.summary', {})).toEqual({ openReview: 2, openReviewOlderThan24h: 1 });
  });
});
