import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../helpers/clock';
import { processMessage, pruneHistory, type InboxEnv } from '../../db/inbox/inbox';
import { createTestCore, type TestCore } from '../helpers/core';
import { PROCESSED, useTestMailbox } from '../helpers/inbox';
import { DOVECOT, requireSystem } from '../helpers/system';
import { smtpAccount, useTestSmtpServer } from '../helpers/sending';
import { caller, readyEdition, type Call, seedSubscribers, sendableWorld } from '../helpers/smtp';
import type { InboxCheckResult, InboxHistoryPage, ReviewItemView } from '../../db/inbox/types';
import type { SendJobDetail } from '../../db/sending/types';

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
          afterRecord: () => {
            recorded++;
            if (crashAfter !== null && recorded >= crashAfter) throw new Error('simulated stop');
          },
        },
      },
    });
    const call = caller(c.registry);
    await call('sending.settings.save', smtpAccount(smtp.port));
    const w = await sendableWorld(c.registry, c.ctx.sqlite, 6);
    // A secondary address for person 5, used by free text mail.
    c.ctx.sqlite.prepare(`INSERT INTO person_emails (person_id, email, email_norm, is_primary) VALUES (?, 'anna.prive@example.net', 'anna.prive@example.net', 0)`).run(w.people[5]);
    const job = await call<SendJobDetail>('sending.jobs.create', { editionId: w.editionId });
    expect(await c.services.sending.worker.runToEnd(job.id)).toBe('done');
    const rows = (await call<SendJobDetail>('sending.jobs.get', { id: job.id, limit: 1000 })).recipients.rows;
    const row = (personId: number) => rows.find((r) => r.personId === personId)!;
    await call('inbox.settings.save', mailbox.settings());
    const tokens = c.services.newsletter.tokens;
    const ref = (personId: number) => ({ JOB_ID: job.id, RECIPIENT_ID: row(personId).id, ORIGINAL_MESSAGE_ID: row(personId).messageId!.replace(/^<|>$/g, '') });
    // Genuine reports: the original Message-ID of a message Schakel sent, naming the address it went to.
    const messages = [
      fixture('exchange-dsn.eml', { ...ref(w.people[0]!), 'anna@example.com': row(w.people[0]!).email! }),
      fixture('gmail-bounce.eml', { ORIGINAL_MESSAGE_ID: ref(w.people[1]!).ORIGINAL_MESSAGE_ID, 'bram@example.com': row(w.people[1]!).email! }),
      fixture('postfix-delayed.eml', { ...ref(w.people[2]!), 'carla@example.net': row(w.people[2]!).email! }),
      fixture('complaint-arf.eml', { ...ref(w.people[3]!), 'dirk@example.com': row(w.people[3]!).email! }),
      fixture('out-of-office.eml'),
      fixture('unsubscribe-nl.eml', { TOKEN: tokens.sign(w.people[4]!, w.listId) }),
      fixture('unsubscribe-body.eml', { TOKEN: tokens.sign(w.people[5]!, w.listId) }),
      fixture('unsubscribe-forged.eml'),
      fixture('free-nl.eml'),
      fixture('free-en.eml'),
      fixture('malformed.eml'),
    ];
    return { c, call, w, job, rows, row, ref, messages };
  }

  const EXPECTED = { hard_bounce: 2, soft_bounce: 1, complaint: 1, ignored: 1, unsubscribed: 2, review: 4 };

  async function state(c: TestCore, call: Call, jobId: number) {
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
      ['<free-en-1@example.com>', 'unknown_sender', null],
      ['<free-nl-1@example.net>', 'erasure_request', w.people[5]],
      ['<malformed-1@example.com>', 'unreadable', null],
      ['<unsub-forged-1@example.com>', 'invalid_token', null],
    ].sort());
    expect(review.find((r) => r.reason === 'unreadable')!.reasonText.en).toMatch(/could not read/);
    expect(await call('inbox.summary', {})).toEqual({ openReview: 4, openReviewOlderThan24h: 0 });

    // The history: every message, what it was, whom it concerned, what was done; hard and soft bounces apart.
    const history = await call<InboxHistoryPage>('inbox.history.list', {});
    expect(history.total).toBe(11);
    const line = (messageId: string) => history.rows.find((r) => r.messageId === messageId);
    expect(line('<dsn-exchange-1@outlook.example.com>')).toMatchObject({
      kind: 'bounce', outcome: 'hard_bounce', detail: '5.1.10', person: { id: w.people[0] }, address: 'lezer0@example.org', receivedAt: new Date(T0).toISOString(),
    });
    expect(line('<dsn-postfix-1@mail.example.net>')).toMatchObject({ kind: 'bounce', outcome: 'soft_bounce', detail: '1', person: { id: w.people[2] } });
    expect(line('<unsub-nl-1@example.com>')).toMatchObject({ kind: 'unsubscribe', outcome: 'unsubscribed', listName: 'Partners', person: { id: w.people[4] } });
    expect(line('<free-nl-1@example.net>')).toMatchObject({ outcome: 'review', detail: 'erasure_request', review: { status: 'open' } });
    expect((await call<InboxHistoryPage>('inbox.history.list', { filter: 'hard_bounce' })).rows.map((r) => r.person?.id).sort())
      .toEqual([w.people[0], w.people[1]].sort());
    expect((await call<InboxHistoryPage>('inbox.history.list', { filter: 'soft_bounce' })).total).toBe(1);
    expect((await call<InboxHistoryPage>('inbox.history.list', { filter: 'no_action' })).total).toBe(1);

    // Again: nothing new. Then the same messages delivered once more: recognised, moved, nothing done twice.
    const before = await state(c, call, job.id);
    expect(await call<InboxCheckResult>('inbox.checkNow', {})).toMatchObject({ seen: 0, processed: 0 });
    await mailbox.append(...messages);
    expect(await call<InboxCheckResult>('inbox.checkNow', {})).toMatchObject({ seen: 11, processed: 0, duplicates: 11 });
    expect(await state(c, call, job.id)).toEqual(before);
    expect(await mailbox.count(PROCESSED)).toBe(22);
    // The history survives the next checks, which add to it.
    expect((await call<InboxHistoryPage>('inbox.history.list', {})).rows).toEqual(history.rows);
    await mailbox.append(fixture('out-of-office.eml').replace('<ooo-1@', '<ooo-2@'));
    expect(await call<InboxCheckResult>('inbox.checkNow', {})).toMatchObject({ processed: 1, byOutcome: { ignored: 1 } });
    const later = await call<InboxHistoryPage>('inbox.history.list', {});
    expect(later.total).toBe(12);
    expect(later.rows.slice(1).map((r) => r.id).sort()).toEqual(history.rows.map((r) => r.id).sort());
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
    expect(c.ctx.sqlite.prepare(`SELECT count(*) AS n FROM inbox_history`).get()).toEqual({ n: 11 });
    expect((s.events as { type: string }[]).filter((e) => e.type === 'unsubscribed')).toHaveLength(2);
  }, 60_000);

  it('keeps the password out of the settings, tests the connection, and creates the processed folder', async () => {
    const { c, call } = await world();
    const dovecot = mailbox.dovecot;
    const view = await call('inbox.settings.get', {});
    expect(view).toMatchObject({ host: dovecot.host, port: dovecot.port, user: dovecot.user, passwordSet: true, configured: true });
    expect(JSON.stringify(view)).not.toContain(dovecot.password);
    expect(JSON.stringify(c.ctx.sqlite.prepare(`SELECT value FROM settings WHERE key = 'inbox.imap'`).get())).not.toContain(dovecot.password);
    expect(await call('inbox.settings.testConnection', {})).toMatchObject({ ok: true });
    await call('inbox.settings.save', { host: dovecot.host, port: dovecot.port, security: 'none', user: dovecot.user, password: 'fout', processedFolder: 'Archief/Schakel' });
    const refused = await call('inbox.settings.testConnection', {});
    expect(refused.ok).toBe(false);
    expect(refused.message.nl).toMatch(/wachtwoord/);
    await expect(call('inbox.checkNow', {})).rejects.toThrow(/wachtwoord/);
    await call('inbox.settings.save', { host: dovecot.host, port: dovecot.port, security: 'none', user: dovecot.user, processedFolder: 'Archief/Schakel' });
    expect((await call('inbox.settings.get', {})).passwordSet).toBe(true);
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
    const request = await call('avg.getRequest', { id: erased.requestId });
    expect(request).toMatchObject({ kind: 'erasure', personId: w.people[5], status: 'open', channel: 'email' });
    await expect(call('inbox.review.act', { id: dutch.id, action: 'ignore', actor: 'Test' })).rejects.toThrow();
    expect(await call('inbox.summary', {})).toEqual({ openReview: 2, openReviewOlderThan24h: 0 });
  }, 60_000);
});

describe('the inbox acts on bounces and complaints only with proof (dovecot)', () => {
  const mailbox = useTestMailbox();
  const smtp = useTestSmtpServer();

  function fixture(name: string, vars: Record<string, string | number> = {}): string {
    let raw = readFileSync(path.join(FIXTURES, name), 'utf8');
    for (const [k, v] of Object.entries(vars)) raw = raw.replaceAll(k, String(v));
    return raw;
  }

  /** Four people, one edition sent through a real SMTP server; what the server received per person. */
  async function world() {
    const clock = new FakeClock(T0);
    const c = await mailbox.createCore({
      now: () => new Date(clock.now()),
      sending: {
        worker: false, clock, retryDelaysMs: [1000], limits: null,
        target: { host: '127.0.0.1', port: smtp.port, security: 'none', user: '', password: null, connections: 1 },
      },
    });
    const call = caller(c.registry);
    await call('sending.settings.save', smtpAccount(smtp.port));
    const w = await sendableWorld(c.registry, c.ctx.sqlite, 4);
    const job = await call<SendJobDetail>('sending.jobs.create', { editionId: w.editionId });
    expect(await c.services.sending.worker.runToEnd(job.id)).toBe('done');
    const rows = (await call<SendJobDetail>('sending.jobs.get', { id: job.id, limit: 1000 })).recipients.rows;
    const row = (i: number) => rows.find((r) => r.personId === w.people[i])!;
    /** The headers of the message the SMTP server received for person i. */
    const received = (i: number) => smtp.received.find((m) => m.headers.get('message-id') === row(i).messageId)!.headers;
    await call('inbox.settings.save', mailbox.settings());
    const suppressions = () => c.ctx.sqlite.prepare(`SELECT reason FROM suppressions`).all();
    const review = () => call<ReviewItemView[]>('inbox.review.list', { status: 'open' });
    return { c, call, w, job, row, received, suppressions, review };
  }

  it('trusts no guessable row number: a forged DSN or ARF report blocks nobody and waits for review with the reason', async () => {
    const { c, call, w, job, row, received, suppressions, review } = await world();
    // The trace header Schakel sends is signed; a bare row number is not.
    expect(received(0).get('x-schakel-recipient')).toMatch(new RegExp(`^${row(0).id}\\.[A-Za-z0-9_-]{22}$`));
    await mailbox.append(
      // Small row number and the right job, an invented Message-ID, the subscriber's address.
      fixture('exchange-dsn.eml', { JOB_ID: job.id, RECIPIENT_ID: row(0).id, ORIGINAL_MESSAGE_ID: 'verzonnen-1@example.org', 'anna@example.com': row(0).email! }),
      // A complaint naming a subscriber, without our headers.
      fixture('complaint-arf.eml', { JOB_ID: job.id, RECIPIENT_ID: 2, ORIGINAL_MESSAGE_ID: 'verzonnen-2@example.org', 'dirk@example.com': row(1).email! }),
      // A signature copied from another recipient's message.
      fixture('postfix-delayed.eml', {
        JOB_ID: job.id, RECIPIENT_ID: `${row(2).id}.${received(3).get('x-schakel-recipient')!.split('.')[1]}`, ORIGINAL_MESSAGE_ID: 'verzonnen-3@example.org',
        'carla@example.net': row(2).email!,
      }),
    );
    expect(await call<InboxCheckResult>('inbox.checkNow', {})).toMatchObject({ processed: 3, byOutcome: { review: 3 } });
    expect(suppressions()).toEqual([]);
    expect(c.ctx.sqlite.prepare(`SELECT count(*) AS n FROM consent_events WHERE type != 'subscribed'`).get()).toEqual({ n: 0 });
    const rows = (await call<SendJobDetail>('sending.jobs.get', { id: job.id, limit: 1000 })).recipients.rows;
    expect(rows.map((r) => [r.state, r.detail])).toEqual(rows.map(() => ['sent', null]));
    const items = await review();
    expect(items.map((r) => [r.messageId, r.reason, r.person?.id ?? null, r.reportAddress]).sort()).toEqual([
      ['<arf-1@isp.example.net>', 'complaint_unproven', w.people[1], row(1).email],
      ['<dsn-exchange-1@outlook.example.com>', 'bounce_unproven', w.people[0], row(0).email],
      ['<dsn-postfix-1@mail.example.net>', 'bounce_unproven', w.people[2], row(2).email],
    ].sort());
    const dsn = items.find((r) => r.reason === 'bounce_unproven')!;
    expect(dsn.reasonText.nl).toMatch(/onbestelbaar/);
    expect(dsn.reasonText.nl).toContain(row(0).email);
    expect(dsn.person).toMatchObject({ name: 'Lezer0 Voorbeeld 000000', email: row(0).email });
    const history = await call<InboxHistoryPage>('inbox.history.list', { filter: 'review' });
    expect(history.rows.map((r) => r.detail).sort()).toEqual(['bounce_unproven', 'bounce_unproven', 'complaint_unproven']);
  }, 60_000);

  it('acts on a bounce that proves itself by Message-ID or by a signed trace header, and not when the named address differs', async () => {
    const { c, call, w, job, row, received, suppressions, review } = await world();
    await mailbox.append(
      // The original Message-ID in the report, no trace header.
      fixture('gmail-bounce.eml', { ORIGINAL_MESSAGE_ID: row(0).messageId!.replace(/^<|>$/g, ''), 'bram@example.com': row(0).email! }),
      // Only the signed trace header, as the server received it.
      fixture('exchange-dsn.eml', {
        JOB_ID: job.id, RECIPIENT_ID: received(1).get('x-schakel-recipient')!, ORIGINAL_MESSAGE_ID: 'herschreven-1@relay.example.net',
        'anna@example.com': row(1).email!,
      }),
      // The right Message-ID, but a forwarding address bounced: not the address Schakel sent to.
      fixture('complaint-arf.eml', {
        JOB_ID: job.id, RECIPIENT_ID: received(2).get('x-schakel-recipient')!, ORIGINAL_MESSAGE_ID: row(2).messageId!.replace(/^<|>$/g, ''),
        'dirk@example.com': 'doorgestuurd@elders.example.net',
      }),
    );
    expect(await call<InboxCheckResult>('inbox.checkNow', {})).toMatchObject({ processed: 3, byOutcome: { hard_bounce: 2, review: 1 } });
    expect(suppressions()).toEqual([{ reason: 'hard_bounce' }, { reason: 'hard_bounce' }]);
    const events = c.ctx.sqlite.prepare(`SELECT person_id, email, evidence_message_id FROM consent_events WHERE type = 'suppressed' ORDER BY person_id`).all();
    expect(events).toEqual([
      { person_id: w.people[0], email: row(0).email, evidence_message_id: '<dsn-gmail-1@mx.google.com>' },
      { person_id: w.people[1], email: row(1).email, evidence_message_id: '<dsn-exchange-1@outlook.example.com>' },
    ]);
    const [item] = await review();
    expect(item).toMatchObject({
      reason: 'address_mismatch', person: { id: w.people[2] }, reportAddress: 'doorgestuurd@elders.example.net', sentAddress: row(2).email,
    });
    expect(item!.reasonText.en).toContain('doorgestuurd@elders.example.net');
    const status = (await call<SendJobDetail>('sending.jobs.get', { id: job.id, limit: 1000 })).recipients.rows.find((r) => r.personId === w.people[2]);
    expect(status).toMatchObject({ state: 'sent', detail: null });
  }, 60_000);

  it('dates ledger events by receipt, registers an erasure request with an unsubscribe from everything, and keeps the Message-ID as evidence', async () => {
    const { c, call, w, row } = await world();
    const tokens = c.services.newsletter.tokens;
    const arrived = new Date(T0 - 2 * 3_600_000);
    const forged = (raw: string) => raw.replace(/^Date: .*$/m, 'Date: Mon, 1 Jan 2001 09:00:00 +0000');
    const imap = await mailbox.imap();
    const put = (raw: string) => imap.append('INBOX', raw.replace(/\r?\n/g, '\r\n'), [], arrived);
    await put(forged(fixture('unsubscribe-nl.eml', { TOKEN: tokens.sign(w.people[0]!, w.listId) })));
    await put(forged(fixture('free-nl.eml', { 'anna.prive@example.net': row(1).email! })));
    await put(forged(fixture('free-en.eml', { 'unknown@example.com': row(2).email! })));
    await imap.logout();
    expect(await call<InboxCheckResult>('inbox.checkNow', {})).toMatchObject({ processed: 3, byOutcome: { unsubscribed: 1, review: 2 } });
    const at = arrived.toISOString();
    expect(c.ctx.sqlite.prepare(`SELECT occurred_at FROM consent_events WHERE type = 'unsubscribed'`).all()).toEqual([{ occurred_at: at }]);

    const items = await call<ReviewItemView[]>('inbox.review.list', { status: 'open' });
    expect(items.map((r) => r.receivedAt)).toEqual([at, at]);
    const erase = items.find((r) => r.messageId === '<free-nl-1@example.net>')!;
    expect(erase).toMatchObject({ reason: 'erasure_request', person: { id: w.people[1] } });
    const done = await call<ReviewItemView>('inbox.review.act', { id: erase.id, action: 'erase_request', actor: 'Inge' });
    expect(await call('avg.getRequest', { id: done.requestId })).toMatchObject({ kind: 'erasure', personId: w.people[1], receivedOn: '2026-11-23' });
    expect(c.ctx.sqlite.prepare(`SELECT status FROM subscriptions WHERE person_id = ?`).all(w.people[1])).toEqual([{ status: 'unsubscribed' }]);
    const evidence = c.ctx.sqlite.prepare(`SELECT type, occurred_at, evidence_message_id, request_id FROM consent_events WHERE person_id = ? AND type != 'subscribed' ORDER BY id`)
      .all(w.people[1]);
    expect(evidence).toEqual([
      { type: 'unsubscribed', occurred_at: at, evidence_message_id: '<free-nl-1@example.net>', request_id: done.requestId },
      { type: 'suppressed', occurred_at: at, evidence_message_id: '<free-nl-1@example.net>', request_id: done.requestId },
    ]);

    const question = items.find((r) => r.messageId === '<free-en-1@example.com>')!;
    expect(question).toMatchObject({ reason: 'other', person: { id: w.people[2] } });
    await call('inbox.review.act', { id: question.id, action: 'unsubscribe_list', listId: w.listId, actor: 'Inge' });
    expect(c.ctx.sqlite.prepare(`SELECT occurred_at, evidence_message_id, actor FROM consent_events WHERE person_id = ? AND type = 'unsubscribed'`).all(w.people[2]))
      .toEqual([{ occurred_at: at, evidence_message_id: '<free-en-1@example.com>', actor: 'Inge' }]);

    // The next edition reaches neither of them.
    const editionId = await readyEdition(c.registry, [w.listId], true);
    const next = await call<SendJobDetail>('sending.jobs.create', { editionId });
    await c.services.sending.worker.runToEnd(next.id);
    const rows = (await call<SendJobDetail>('sending.jobs.get', { id: next.id, limit: 1000 })).recipients.rows;
    expect(rows.filter((r) => r.state === 'sent').map((r) => r.personId).sort()).toEqual([w.people[3]]);
  }, 60_000);
});

describe('inbox processing on the database (no mailbox)', () => {
  let tc: TestCore | null = null;
  afterEach(async () => {
    await tc?.dispose();
    tc = null;
  });

  async function env(c: TestCore): Promise<InboxEnv> {
    return { hasher: await c.services.consent.hasher(), tokens: c.services.newsletter.tokens, now: c.ctx.now() };
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
      .replaceAll('ORIGINAL_MESSAGE_ID', `${j.job}.x@example.org`).replaceAll('carla@example.net', 'lezer0@example.org'));
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

  it('keeps the history for the retention period of the retention settings', async () => {
    let now = new Date('2026-11-23T08:00:00Z');
    tc = await createTestCore({ backup: { auto: false }, sending: { worker: false }, now: () => now });
    const c = tc;
    await c.call('retention.saveSettings', { programmeEndDate: '2025-10-01', peopleMonths: 6, requestsMonths: 24 } as never);
    expect((await processMessage(c.ctx.db, await env(c), readFileSync(path.join(FIXTURES, 'free-en.eml')))).outcome).toBe('review');
    now = new Date('2027-05-22T08:00:00Z');
    expect(await pruneHistory(c.ctx.db, now)).toBe(0);
    now = new Date('2027-05-24T08:00:00Z');
    expect(await pruneHistory(c.ctx.db, now)).toBe(1);
    expect((await c.call('inbox.history.list', {} as never) as InboxHistoryPage).total).toBe(0);
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
