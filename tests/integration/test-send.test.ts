import { simpleParser } from 'mailparser';
import { afterEach, describe, expect, it } from 'vitest';
import type { Core } from '../../electron/core';
import type { SendingOptions } from '../../db/sending/sending';
import { sampleEditionContent } from '../../db/newsletter/sample';
import type { TestSendResult } from '../../electron/commands/newsletter.contract';
import { SendingBench } from '../helpers/sending';
import { NEWSLETTER_SETTINGS, sendableWorld, type Call, type SmtpBehaviour } from '../helpers/smtp';
import type { SendJobDetail, SendJobSummary } from '../../db/sending/types';
import type { EditionContent } from '../../db/shared/newsletter';

const T0 = Date.parse('2025-03-12T08:00:00Z');
const bench = new SendingBench({ t0: T0, retryDelaysMs: [1000, 4000] });
afterEach(() => bench.cleanup());

const server = (behaviour: SmtpBehaviour = {}) => bench.server(behaviour);

/** A core with an SMTP account on the test server and the newsletter settings; the worker does not run by itself: the test drives it on a fake clock. */
async function core(port: number, options: SendingOptions = {}) {
  const made = await bench.core(port, options);
  await made.call('newsletter.settings.save', NEWSLETTER_SETTINGS);
  return made;
}

/** A saved draft edition (not ready) for a list. */
async function draftEdition(call: Call) {
  const list = await call<{ id: number }>('lists.save', {
    name: 'Partners', purposeText: 'Nieuws voor samenwerkingspartners.', language: 'nl', lawfulBasis: 'legitimate_interest', doubleOptIn: false, actor: 'Test',
  });
  const created = await call<{ id: number; number: number; date: string; revision: number }>('newsletter.editions.create', {});
  const content: EditionContent = { ...sampleEditionContent([list.id]), number: created.number, date: created.date };
  await call('newsletter.editions.save', { id: created.id, revision: created.revision, content });
  return { id: created.id, content, listId: list.id };
}

const count = async (c: Core, table: 'interactions' | 'send_events') =>
  Number((await c.ctx.db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);

describe('test send through the outbox', () => {
  it('sends the unsaved draft with "[TEST]" to each address and language; the edition stays a draft and nothing is logged', async () => {
    const smtp = await server();
    const { c, call, worker } = await core(smtp.port);
    const e = await draftEdition(call);
    const intro = e.content.blocks.findIndex((b) => b.type === 'intro');
    const draft = structuredClone(e.content);
    (draft.blocks[intro] as { text: { nl: string; en: string } }).text = { nl: 'Beste {{voornaam|lezer}},\n\nNog niet opgeslagen tekst 4711.', en: 'Dear {{firstName|reader}},\n\nUnsaved text 4711.' };

    const r = await call<TestSendResult>('newsletter.testSend', { editionId: e.id, draft, addresses: ['ik@example.org', 'Ik@Example.org', 'collega@example.org'], languages: ['nl'] });
    expect(r.mailbox).toBe('smtp');
    expect(r.message.nl).toMatch(/^2 testmails naar 2 adressen in de wachtrij gezet/);
    expect(r.message.en).toMatch(/^2 test mails to 2 addresses queued/);
    const queued = await call<SendJobDetail>('sending.jobs.get', { id: r.jobId });
    expect(queued).toMatchObject({ kind: 'test', status: 'running', counts: { total: 2, queued: 2 } });
    expect(queued.recipients.rows.every((row) => row.personId === null && row.language === 'nl')).toBe(true);

    expect(await worker.runToEnd(r.jobId)).toBe('done');
    expect(smtp.received.map((m) => m.to[0]).sort()).toEqual(['collega@example.org', 'ik@example.org']);
    for (const m of smtp.received) {
      const mail = await simpleParser(m.raw);
      expect(mail.subject).toMatch(/^\[TEST\] /);
      expect(mail.text).toContain('Nog niet opgeslagen tekst 4711.');
      // No view-as person: readable placeholders, never a real token.
      expect(mail.text).toContain('Beste [Voornaam],');
      expect(mail.text).not.toMatch(/Afmelden%20[0-9a-z]+\.[0-9a-z]+\./);
      expect(m.headers.get('x-schakel-test')).toBe('yes');
      expect(m.headers.get('list-unsubscribe')).toBe('<mailto:afmelden@example.org?subject=Afmelden%20TEST>');
    }
    const edition = await call<{ status: string; sentAt: string | null }>('newsletter.editions.get', { id: e.id });
    expect(edition.status).toBe('draft');
    expect(edition.sentAt ?? null).toBeNull();
    expect(await count(c, 'interactions')).toBe(0);
    // The saved content is unchanged.
    expect(JSON.stringify(await call('newsletter.editions.get', { id: e.id }))).not.toContain('4711');

    const list = await call<SendJobSummary[]>('sending.jobs.list', {});
    expect(list.find((j) => j.id === r.jobId)?.kind).toBe('test');
    await expect(call('sending.jobs.resendFailed', { id: r.jobId })).rejects.toMatchObject({ code: 'test_job' });
  });

  it('skips a suppressed address, fails only the address the server refuses, and shows placeholders when the view-as person is gone', async () => {
    const smtp = await server({ rcpt: (address) => (address === 'weg@example.org' ? { code: 550, message: '5.1.1 User unknown' } : null) });
    const { c, call, worker } = await core(smtp.port);
    const e = await draftEdition(call);
    await call('consent.suppress', { email: 'Geblokkeerd@example.org', reason: 'manual', actor: 'Test' });
    const person = await call<{ id: number }>('people.save', { firstName: 'Wilma', lastName: 'Weggehaald', emails: [{ email: 'wilma@example.org', primary: true }] });

    const r = await call<TestSendResult>('newsletter.testSend', {
      editionId: e.id, addresses: ['ik@example.org', 'geblokkeerd@example.org', 'weg@example.org'], languages: ['nl', 'en'], personId: person.id,
    });
    expect(r.message.nl).toMatch(/4 testmails naar 3 adressen.*2 mails worden overgeslagen: het adres staat op de afmeldlijst/);
    const job = await call<SendJobDetail>('sending.jobs.get', { id: r.jobId });
    expect(job.recipients.rows.filter((x) => x.state === 'skipped').map((x) => [x.email, x.reason])).toEqual([
      ['geblokkeerd@example.org', 'suppressed'], ['geblokkeerd@example.org', 'suppressed'],
    ]);
    // Only the id is kept with the job; as if the person were erased before the send.
    expect(JSON.parse((await c.ctx.db.selectFrom('send_jobs').select('test_payload').where('id', '=', r.jobId).executeTakeFirstOrThrow()).test_payload!).personId).toBe(person.id);
    await c.ctx.db.updateTable('send_jobs').set({ test_payload: (eb) => eb.fn('json_set', ['test_payload', eb.val('$.personId'), eb.val(999_999)]) })
      .where('id', '=', r.jobId).execute();

    expect(await worker.runToEnd(r.jobId)).toBe('done');
    const done = await call<SendJobDetail>('sending.jobs.get', { id: r.jobId });
    expect(done.counts).toMatchObject({ total: 6, sent: 2, failed: 2, skipped: 2 });
    expect(done.recipients.rows.filter((x) => x.state === 'failed').map((x) => [x.email, x.reason])).toEqual([
      ['weg@example.org', 'hard_bounce'], ['weg@example.org', 'hard_bounce'],
    ]);
    expect(smtp.received.map((m) => m.to[0])).toEqual(['ik@example.org', 'ik@example.org']);
    expect(smtp.received.some((m) => m.to.includes('geblokkeerd@example.org'))).toBe(false);
    const mail = await simpleParser(smtp.received[0]!.raw);
    expect(mail.text).not.toContain('Wilma');
    expect(mail.text).toMatch(/\[(Voornaam|First name)\]/);
  });

  it('uses the real "view as" person when they are still there', async () => {
    const smtp = await server();
    const { call, worker } = await core(smtp.port);
    const e = await draftEdition(call);
    const person = await call<{ id: number }>('people.save', { firstName: 'Wilma', lastName: 'Bestaat', emails: [{ email: 'wilma@example.org', primary: true }] });
    const r = await call<TestSendResult>('newsletter.testSend', { editionId: e.id, addresses: ['ik@example.org'], languages: ['nl'], personId: person.id });
    expect(await worker.runToEnd(r.jobId)).toBe('done');
    expect(smtp.received).toHaveLength(1);
    expect(smtp.received[0]!.to).toEqual(['ik@example.org']);
    expect((await simpleParser(smtp.received[0]!.raw)).text).toContain('Beste Wilma,');
    expect(smtp.received[0]!.raw).not.toContain('wilma@example.org');
  });

  it('keeps only the view-as id: an access export and an erasure of that person work, and a test to their address is erased too', async () => {
    const smtp = await server();
    const { c, call, worker } = await core(smtp.port);
    const e = await draftEdition(call);
    const person = await call<{ id: number }>('people.save', { firstName: 'Wilma', lastName: 'Wissen', emails: [{ email: 'wilma@example.org', primary: true }] });
    const r = await call<TestSendResult>('newsletter.testSend', {
      editionId: e.id, addresses: ['wilma@example.org', 'ik@example.org'], languages: ['nl'], personId: person.id,
    });
    expect(await worker.runToEnd(r.jobId)).toBe('done');
    const payload = (await c.ctx.db.selectFrom('send_jobs').select('test_payload').where('id', '=', r.jobId).executeTakeFirstOrThrow()).test_payload!;
    expect(payload).not.toContain('Wilma');
    expect(payload).not.toContain('wilma@example.org');
    const doc = await call<{ json: string }>('avg.exportPerson', { personId: person.id });
    expect(JSON.parse(doc.json).mailings).toEqual([]);
    await call('avg.erase', { personId: person.id, actor: 'Test', confirm: true });
    const left = await c.ctx.db.selectFrom('send_recipients').select('email').where('job_id', '=', r.jobId).execute();
    expect(left.map((x) => x.email)).toEqual(['ik@example.org']);
    expect((await call<SendJobDetail>('sending.jobs.get', { id: r.jobId })).kind).toBe('test');
  });

  it('serves a test send before the rest of a running large edition', async () => {
    const smtp = await server();
    let onFirstBatch: (() => void) | null = null;
    const { c, call, worker } = await core(smtp.port, {
      batchSize: 10,
      onProgress: () => {
        const f = onFirstBatch;
        onFirstBatch = null;
        f?.();
      },
    });
    const w = await sendableWorld(c.registry, c.ctx.sqlite, 300, { short: true });
    const job = await call<SendJobDetail>('sending.jobs.create', { editionId: w.editionId });
    let test: Promise<TestSendResult> | null = null;
    onFirstBatch = () => {
      test = call<TestSendResult>('newsletter.testSend', { editionId: w.editionId, addresses: ['redactie@example.org'], languages: ['nl'] });
    };
    expect(await worker.runToEnd(job.id)).toBe('done');
    expect(test).not.toBeNull();
    const r = await test!;
    expect((await call<SendJobDetail>('sending.jobs.get', { id: r.jobId })).status).toBe('done');
    expect((await call<SendJobDetail>('sending.jobs.get', { id: job.id })).counts.sent).toBe(300);
    expect(smtp.received).toHaveLength(301);
    const at = smtp.received.findIndex((m) => m.to[0] === 'redactie@example.org');
    // Not after the other 290: within a few batches of being asked for.
    expect(at).toBeGreaterThanOrEqual(10);
    expect(at).toBeLessThan(100);
    // A test of a sent edition uses what was sent.
    expect((await simpleParser(smtp.received[at]!.raw)).subject).toMatch(/^\[TEST\] /);
  });
});
