import { simpleParser } from 'mailparser';
import MailComposer from 'nodemailer/lib/mail-composer';
import { describe, expect, it } from 'vitest';
import type { TestCore } from '../helpers/core';
import { PROCESSED, useTestMailbox } from '../helpers/inbox';
import { DOVECOT, requireSystem } from '../helpers/system';
import { NEWSLETTER_SETTINGS, readyEdition } from '../helpers/smtp';

requireSystem(DOVECOT);

const READERS = ['anna', 'bram', 'carla', 'daan'];

describe('from a sent edition to an unsubscribe by mail and the next send (test mailbox, dovecot)', () => {
  const mailbox = useTestMailbox();

  /** Four people on a list through the commands, an edition to that list sent to the built-in test mailbox. */
  async function world() {
    const c = await mailbox.createCore();
    expect(await c.call('sending.settings.get', {})).toMatchObject({ mailbox: 'test' });
    await c.call('newsletter.settings.save', NEWSLETTER_SETTINGS);
    const list = await c.call('lists.save', {
      name: 'Partners', purposeText: 'Nieuws voor samenwerkingspartners.', language: 'nl', lawfulBasis: 'legitimate_interest', doubleOptIn: false, actor: 'Test',
    });
    const people: Record<string, { id: number; email: string }> = {};
    for (const name of READERS) {
      const email = `${name}@lezers.example.net`;
      const { id } = await c.call('people.save', { firstName: name[0]!.toUpperCase() + name.slice(1), lastName: 'Voorbeeld', emails: [{ email, primary: true }] });
      people[name] = { id, email };
    }
    const added = await c.call('consent.subscribeMany', { personIds: Object.values(people).map((p) => p.id), listId: list.id, actor: 'Test' });
    expect(added.subscribed).toHaveLength(READERS.length);
    const job = await send(c, list.id);
    expect(job.counts).toMatchObject({ sent: READERS.length, skipped: 0, failed: 0 });
    await c.call('inbox.settings.save', mailbox.settings({ pollMinutes: 0 }));
    return { c, listId: list.id, people };
  }

  async function send(c: TestCore, listId: number) {
    const editionId = await readyEdition(c.registry, [listId], true);
    const job = await c.call('sending.jobs.create', { editionId });
    expect(job.mailbox).toBe('test');
    expect(await c.services.sending.worker.runToEnd(job.id)).toBe('done');
    return c.call('sending.jobs.get', { id: job.id, limit: 1000 });
  }

  /** The List-Unsubscribe mailto of the message the test mailbox received for this address. */
  async function receivedMailto(c: TestCore, email: string): Promise<URL> {
    const box = await c.call('sending.testMailbox.list', { offset: 0, limit: 1000 });
    const entry = box.messages.find((m) => m.to.includes(email));
    expect(entry, `no message for ${email} in the test mailbox`).toBeTruthy();
    const raw = await c.call('sending.testMailbox.get', { id: entry!.id });
    const header = raw.headers.find((h) => h.key === 'list-unsubscribe')?.value ?? '';
    const mailto = /<(mailto:[^>]+)>/.exec(header)?.[1];
    expect(mailto, `List-Unsubscribe without mailto: ${header}`).toBeTruthy();
    return new URL(mailto!);
  }

  /** What a mail client sends when the reader clicks the mailto: from their own address, subject and body from the link. */
  async function mailFor(from: string, mailto: URL, messageId: string, tamper?: (subject: string) => string): Promise<Buffer> {
    const subject = mailto.searchParams.get('subject') ?? '';
    const raw = await new MailComposer({
      from, to: decodeURIComponent(mailto.pathname), subject: tamper ? tamper(subject) : subject, text: mailto.searchParams.get('body') ?? '',
      messageId, date: new Date(),
    }).compile().build();
    // The message as read back by a parser is well-formed and carries the link's subject.
    expect((await simpleParser(raw)).subject).toBe(tamper ? tamper(subject) : subject);
    return raw;
  }

  it('unsubscribes the reader with their mail as evidence, moves the mail, and skips them in the next edition', async () => {
    const { c, listId, people } = await world();
    const anna = people.anna!;
    const mailto = await receivedMailto(c, anna.email);
    expect(decodeURIComponent(mailto.pathname)).toBe(NEWSLETTER_SETTINGS.unsubscribeAddress);
    const messageId = '<afmelden-anna-1@lezers.example.net>';
    await mailbox.append(await mailFor(`Anna Voorbeeld <${anna.email}>`, mailto, messageId));

    const result = await c.call('inbox.checkNow', {});
    expect(result).toMatchObject({ seen: 1, processed: 1, duplicates: 0, byOutcome: { unsubscribed: 1 } });

    const consent = await c.call('consent.person', { personId: anna.id });
    expect(consent.subscriptions.find((s) => s.listId === listId)?.status).toBe('unsubscribed');
    const event = consent.events.find((e) => e.type === 'unsubscribed' && e.listId === listId);
    expect(event).toMatchObject({ source: 'email', evidence: { messageId } });
    expect(await c.call('inbox.review.list', { status: 'all' })).toEqual([]);
    expect(await mailbox.messageIds('INBOX')).toEqual([]);
    expect(await mailbox.messageIds(PROCESSED)).toEqual([messageId]);

    const next = await send(c, listId);
    const rows = next.recipients.rows;
    expect(rows.find((r) => r.personId === anna.id)).toMatchObject({ state: 'skipped', reason: 'unsubscribed' });
    expect(rows.filter((r) => r.state === 'sent').map((r) => r.email).sort()).toEqual(READERS.filter((n) => n !== 'anna').map((n) => people[n]!.email).sort());
    expect(next.counts).toMatchObject({ sent: READERS.length - 1, skipped: 1 });
  }, 60_000);

  it('does not act on a mailto whose code was changed by one character, but puts it up for review', async () => {
    const { c, listId, people } = await world();
    const bram = people.bram!;
    const mailto = await receivedMailto(c, bram.email);
    // One character of the code's signature changed (the token ends the subject).
    const tamper = (subject: string) => {
      const i = subject.length - 10;
      return subject.slice(0, i) + (subject[i] === 'A' ? 'B' : 'A') + subject.slice(i + 1);
    };
    const original = mailto.searchParams.get('subject')!;
    expect(tamper(original)).not.toBe(original);
    const messageId = '<afmelden-bram-1@lezers.example.net>';
    await mailbox.append(await mailFor(`Bram Voorbeeld <${bram.email}>`, mailto, messageId, tamper));

    const result = await c.call('inbox.checkNow', {});
    expect(result).toMatchObject({ seen: 1, processed: 1, byOutcome: { review: 1 } });
    const consent = await c.call('consent.person', { personId: bram.id });
    expect(consent.subscriptions.find((s) => s.listId === listId)?.status).toBe('subscribed');
    expect(consent.events.filter((e) => e.type === 'unsubscribed')).toEqual([]);
    const review = await c.call('inbox.review.list', { status: 'open' });
    expect(review.map((r) => ({ messageId: r.messageId, reason: r.reason, person: r.person?.id }))).toEqual([
      { messageId, reason: 'invalid_token', person: bram.id },
    ]);
    expect(await mailbox.messageIds(PROCESSED)).toEqual([messageId]);

    const next = await send(c, listId);
    expect(next.recipients.rows.find((r) => r.personId === bram.id)).toMatchObject({ state: 'sent' });
    expect(next.counts).toMatchObject({ sent: READERS.length, skipped: 0 });
  }, 60_000);

  it('blocks an address whose message really bounced, found by the headers Schakel sent, and skips it in the next edition', async () => {
    const { c, listId, people } = await world();
    const carla = people.carla!;
    const box = await c.call('sending.testMailbox.list', { offset: 0, limit: 1000 });
    const sent = await c.call('sending.testMailbox.get', { id: box.messages.find((m) => m.to.includes(carla.email))!.id });
    const header = (key: string) => sent.headers.find((h) => h.key === key)?.value ?? '';
    expect(header('x-schakel-recipient')).toMatch(/^\d+\.[A-Za-z0-9_-]{22}$/);
    // What the receiving server sends back: a DSN with the original message's headers as Schakel sent them.
    const dsn = [
      'From: Mail Delivery System <MAILER-DAEMON@mx.lezers.example.net>',
      'To: nieuwsbrief@example.org',
      'Subject: Undelivered Mail Returned to Sender',
      'Message-ID: <bounce-carla-1@mx.lezers.example.net>',
      'MIME-Version: 1.0',
      'Content-Type: multipart/report; report-type=delivery-status; boundary="r1"',
      '',
      '--r1',
      'Content-Type: text/plain; charset=us-ascii',
      '',
      `<${carla.email}>: host mx.lezers.example.net said: 550 5.1.1 User unknown`,
      '',
      '--r1',
      'Content-Type: message/delivery-status',
      '',
      'Reporting-MTA: dns; mx.lezers.example.net',
      '',
      `Final-Recipient: rfc822; ${carla.email}`,
      'Action: failed',
      'Status: 5.1.1',
      'Diagnostic-Code: smtp; 550 5.1.1 User unknown',
      '',
      '--r1',
      'Content-Type: text/rfc822-headers',
      '',
      ...['from', 'to', 'subject', 'message-id', 'x-schakel-job', 'x-schakel-recipient'].map((k) => `${k}: ${header(k)}`),
      '',
      '--r1--',
      '',
    ].join('\n');
    await mailbox.append(dsn);
    expect(await c.call('inbox.checkNow', {})).toMatchObject({ processed: 1, byOutcome: { hard_bounce: 1 } });
    const lookup = await c.call('consent.lookupAddress', { email: carla.email });
    expect(lookup.suppression?.reason).toBe('hard_bounce');
    expect(lookup.events.find((e) => e.type === 'suppressed')).toMatchObject({ source: 'bounce', evidence: { messageId: '<bounce-carla-1@mx.lezers.example.net>' } });
    const history = await c.call('inbox.history.list', { filter: 'hard_bounce' });
    expect(history.rows.map((r) => [r.person?.id, r.address])).toEqual([[carla.id, carla.email]]);

    const next = await send(c, listId);
    expect(next.recipients.rows.find((r) => r.personId === carla.id)).toMatchObject({ state: 'skipped' });
    expect(next.counts).toMatchObject({ sent: READERS.length - 1, skipped: 1 });
  }, 60_000);
});
