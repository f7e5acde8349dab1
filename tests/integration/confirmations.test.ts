import path from 'node:path';
import { readFileSync } from 'node:fs';
import { simpleParser } from 'mailparser';
import { afterEach, describe, expect, it } from 'vitest';
import type { TestCore } from '../helpers/core';
import { useTestMailbox } from '../helpers/inbox';
import { DOVECOT, requireSystem } from '../helpers/system';
import { smtpAccount, useTestSmtpServer } from '../helpers/sending';
import { NEWSLETTER_SETTINGS, seedSubscribers, type SmtpBehaviour } from '../helpers/smtp';
import type { InboxCheckResult, InboxStatus } from '../../db/inbox/types';

requireSystem(DOVECOT);

const FIXTURES = path.join(__dirname, '../fixtures/mail');
const T0 = Date.parse('2026-11-23T08:00:00Z');
const DAY = 86_400_000;
const LIST = 'Pilotnieuws Oost';

describe('double opt-in confirmations through a real SMTP server and a real IMAP server (dovecot)', () => {
  const mailbox = useTestMailbox();
  const smtp = useTestSmtpServer();
  let now = new Date(T0);

  afterEach(() => {
    now = new Date(T0);
  });

  function reply(from: string, subject: string, messageId: string): string {
    return readFileSync(path.join(FIXTURES, 'confirm-reply.eml'), 'utf8')
      .replaceAll('FROM_ADDRESS', from).replaceAll('SUBJECT', subject).replaceAll('MESSAGE_ID', messageId);
  }

  /** A double opt-in list; people 0 (Dutch) and 4 (English) signed up and wait for confirmation. */
  async function world(options: { mailbox?: boolean; smtp?: boolean; behaviour?: SmtpBehaviour } = {}) {
    smtp.behaviour = options.behaviour ?? {};
    const c = await mailbox.createCore({ now: () => now });
    await c.call('newsletter.settings.save', NEWSLETTER_SETTINGS);
    if (options.smtp !== false) {
      await c.call('sending.settings.save', smtpAccount(smtp.port) as never);
    }
    const list = await c.call('lists.save', {
      name: LIST, purposeText: 'Elk kwartaal nieuws over de pilots van het programma.', language: 'nl', lawfulBasis: 'consent', doubleOptIn: true,
      actor: 'Test',
    } as never) as { id: number };
    const people = seedSubscribers(c.ctx.sqlite, list.id, 5, 'aanmelder');
    c.ctx.sqlite.prepare(`DELETE FROM subscriptions WHERE list_id = ?`).run(list.id);
    for (const p of [people[0]!, people[4]!]) {
      await c.call('consent.subscribe', { personId: p, listId: list.id, consent: { method: 'website_form', evidenceText: 'Formulier op de website.' }, actor: 'Website' } as never);
    }
    if (options.mailbox !== false) {
      await c.call('inbox.settings.save', mailbox.settings({ pollMinutes: 0, confirmationDays: 14 }));
    }
    const status = (personId: number) => (c.ctx.sqlite.prepare('SELECT status FROM subscriptions WHERE person_id = ? AND list_id = ?').get(personId, list.id) as { status: string }).status;
    const row = (personId: number) => c.ctx.sqlite.prepare('SELECT status, attempts, error, message_id, evidence_message_id, sent_at, expires_at FROM confirmations WHERE person_id = ?').get(personId) as Record<string, unknown> | undefined;
    return { c, list, nl: people[0]!, en: people[4]!, others: people.slice(1, 4), status, row, tokens: c.services.newsletter.tokens };
  }

  const check = (c: TestCore) => c.call('inbox.checkNow', {}) as Promise<InboxCheckResult>;
  const inboxStatus = (c: TestCore) => c.call('inbox.status', {}) as Promise<InboxStatus>;

  it('sends one confirmation mail per pending sign-up, in the person\'s language, and confirms on a reply with its code', async () => {
    const { c, list, nl, en, status, row, tokens } = await world();
    expect((await inboxStatus(c)).confirmations).toMatchObject({ unsent: 2, awaiting: 0, expiringSoon: 0, failed: 0, problem: null });

    const first = await check(c);
    expect(first).toMatchObject({ confirmationsSent: 2, confirmationsExpired: 0 });
    expect(smtp.received).toHaveLength(2);
    const byTo = (address: string) => smtp.received.find((m) => m.to.includes(address))!;
    const dutch = await simpleParser(byTo('aanmelder0@example.org').raw);
    const english = await simpleParser(byTo('aanmelder4@example.org').raw);
    const nlToken = tokens.signConfirm(nl, list.id);
    expect(dutch.subject).toBe(`Bevestig uw aanmelding voor ${LIST} ${nlToken}`);
    expect(english.subject).toBe(`Confirm your subscription to ${LIST} ${tokens.signConfirm(en, list.id)}`);
    for (const m of [dutch, english]) {
      expect(m.replyTo?.value[0]?.address).toBe(NEWSLETTER_SETTINGS.unsubscribeAddress);
      expect(m.from?.value[0]).toMatchObject({ address: 'nieuwsbrief@example.org', name: NEWSLETTER_SETTINGS.senderName });
      expect(m.text).toContain('Elk kwartaal nieuws over de pilots');
      expect(m.html).toContain(`mailto:${NEWSLETTER_SETTINGS.unsubscribeAddress}?subject=`);
    }
    expect(dutch.text).toContain('na 14 dagen');
    expect(dutch.headers.get('content-language')).toBe('nl');
    expect(english.text).toContain('after 14 days');
    expect(english.headers.get('content-language')).toBe('en');
    expect(decodeURIComponent(/mailto:[^"]+subject=([^"&]+)/.exec(dutch.html as string)![1]!)).toBe(dutch.subject);
    expect(row(nl)).toMatchObject({ status: 'sent', attempts: 1, message_id: dutch.messageId });
    expect(row(nl)!.expires_at).toBe(new Date(T0 + 14 * DAY).toISOString());
    expect((await inboxStatus(c)).confirmations).toMatchObject({ unsent: 0, awaiting: 2, expiringSoon: 0 });

    // Not twice.
    expect(await check(c)).toMatchObject({ confirmationsSent: 0 });
    expect(smtp.received).toHaveLength(2);

    // The Dutch reader replies (the subject keeps the code).
    await mailbox.append(reply('aanmelder0@example.org', `Re: ${dutch.subject}`, '<antwoord-nl-1@example.org>'));
    // The English reader replies with the code from an unsubscribe link and the word "bevestig": not a confirmation.
    await mailbox.append(reply('aanmelder4@example.org', `Re: bevestig ${tokens.sign(en, list.id)}`, '<antwoord-en-1@example.org>'));
    const second = await check(c);
    expect(second).toMatchObject({ processed: 2, byOutcome: { confirmed: 1, review: 1 }, confirmationsSent: 0 });
    expect(status(nl)).toBe('subscribed');
    expect(status(en)).toBe('pending');
    expect(c.ctx.sqlite.prepare(`SELECT person_id, source, actor, evidence_message_id FROM consent_events WHERE type = 'confirmed'`).all())
      .toEqual([{ person_id: nl, source: 'email', actor: 'Schakel (postvak)', evidence_message_id: '<antwoord-nl-1@example.org>' }]);
    expect(row(nl)).toMatchObject({ status: 'confirmed', evidence_message_id: '<antwoord-nl-1@example.org>' });
    expect(c.ctx.sqlite.prepare(`SELECT message_id, reason FROM inbox_review`).all()).toEqual([{ message_id: '<antwoord-en-1@example.org>', reason: 'invalid_token' }]);
    expect((await inboxStatus(c)).confirmations).toMatchObject({ unsent: 0, awaiting: 1 });

    // The export shows the confirmation mail; erasure removes it.
    const doc = await c.call('avg.exportPerson', { personId: nl });
    expect((JSON.parse(doc.json) as { confirmations: unknown[] }).confirmations).toEqual([expect.objectContaining({ list: LIST, status: 'confirmed' })]);
    await c.call('avg.erase', { personId: nl, actor: 'Test', confirm: true });
    expect(row(nl)).toBeUndefined();
  }, 60_000);

  it('ends a sign-up that is not confirmed in time, with a ledger event, and mails the person no more', async () => {
    const { c, list, nl, en, status, row } = await world();
    await check(c);
    expect(smtp.received).toHaveLength(2);
    now = new Date(T0 + 12 * DAY);
    expect((await inboxStatus(c)).confirmations).toMatchObject({ awaiting: 2, expiringSoon: 2 });
    expect(await check(c)).toMatchObject({ confirmationsExpired: 0 });
    now = new Date(T0 + 14 * DAY + 60_000);
    expect(await check(c)).toMatchObject({ confirmationsExpired: 2, confirmationsSent: 0 });
    expect(status(nl)).toBe('unsubscribed');
    expect(status(en)).toBe('unsubscribed');
    const events = c.ctx.sqlite.prepare(`SELECT person_id, list_id, actor, source, note FROM consent_events WHERE type = 'unsubscribed' ORDER BY person_id`).all() as Record<string, unknown>[];
    expect(events).toHaveLength(2);
    expect(events[0]).toMatchObject({ person_id: nl, list_id: list.id, actor: 'Schakel (postvak)', source: 'confirmation_expired' });
    expect(events[0]!.note).toMatch(/niet bevestigd binnen 14 dagen; verlopen/i);
    expect(row(nl)).toMatchObject({ status: 'expired' });
    expect((await inboxStatus(c)).confirmations).toMatchObject({ unsent: 0, awaiting: 0, expiringSoon: 0 });
    // A late reply confirms nothing, and nobody is mailed again.
    const late = (smtp.received.find((m) => m.to.includes('aanmelder0@example.org'))!);
    await mailbox.append(reply('aanmelder0@example.org', `Re: ${(await simpleParser(late.raw)).subject}`, '<laat-1@example.org>'));
    expect(await check(c)).toMatchObject({ byOutcome: { review: 1 }, confirmationsSent: 0, confirmationsExpired: 0 });
    expect(status(nl)).toBe('unsubscribed');
    expect(smtp.received).toHaveLength(2);
    expect(c.ctx.sqlite.prepare(`SELECT reason FROM inbox_review`).all()).toEqual([{ reason: 'not_pending' }]);

    // Signing up again later starts a new confirmation.
    await c.call('consent.subscribe', { personId: nl, listId: list.id, consent: { method: 'website_form', evidenceText: 'Opnieuw aangemeld.' }, actor: 'Website' } as never);
    expect(await check(c)).toMatchObject({ confirmationsSent: 1 });
    expect(smtp.received).toHaveLength(3);
    expect(row(nl)).toMatchObject({ status: 'sent', attempts: 1 });
  }, 60_000);

  it('records a refused confirmation mail and tries again next round, at most three times', async () => {
    const tries = new Map<string, number>();
    const { c, nl, en, row } = await world({
      behaviour: {
        rcpt: (address) => {
          const attempt = (tries.get(address) ?? 0) + 1;
          tries.set(address, attempt);
          if (address === 'aanmelder0@example.org' && attempt === 1) return { code: 451, message: '4.3.0 Try again later' };
          if (address === 'aanmelder4@example.org') return { code: 550, message: '5.1.1 Mailbox unavailable' };
          return null;
        },
      },
    });
    const first = await check(c);
    expect(first).toMatchObject({ confirmationsSent: 0 });
    expect(row(nl)).toMatchObject({ status: 'failed', attempts: 1 });
    expect(String(row(nl)!.error)).toContain('451');
    expect(row(en)).toMatchObject({ status: 'failed', attempts: 1 });
    expect(String(row(en)!.error)).toContain('550');
    const s = await inboxStatus(c);
    expect(s.confirmations).toMatchObject({ unsent: 2, awaiting: 0, failed: 2 });
    expect(s.confirmations.problem?.nl).toMatch(/niet worden verstuurd/);

    expect(await check(c)).toMatchObject({ confirmationsSent: 1 });
    expect(row(nl)).toMatchObject({ status: 'sent', attempts: 2, error: null });
    expect(row(en)).toMatchObject({ status: 'failed', attempts: 2 });
    await check(c);
    await check(c);
    await check(c);
    expect(row(en)).toMatchObject({ status: 'failed', attempts: 3 });
    expect(smtp.received.map((m) => m.to)).toEqual([['aanmelder0@example.org']]);
    expect(tries.get('aanmelder4@example.org')).toBe(3);
    const after = await inboxStatus(c);
    expect(after.confirmations).toMatchObject({ unsent: 1, awaiting: 1, failed: 1 });
    expect(after.confirmations.problem?.nl).toMatch(/probeert het niet meer/);
  }, 60_000);

  it('does not use up a try when the connection drops, and waits for the next round with the rest', async () => {
    let drop = true;
    const { c, nl, en, row } = await world({ behaviour: { data: () => (drop ? 'drop' : null) } });
    expect(await check(c)).toMatchObject({ confirmationsSent: 0 });
    const failed = [row(nl), row(en)].filter(Boolean);
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({ status: 'failed', attempts: 0 });
    expect((await inboxStatus(c)).confirmations).toMatchObject({ unsent: 2, failed: 1 });
    drop = false;
    expect(await check(c)).toMatchObject({ confirmationsSent: 2 });
    expect(row(nl)).toMatchObject({ status: 'sent', attempts: 1 });
    expect(row(en)).toMatchObject({ status: 'sent', attempts: 1 });
  }, 60_000);

  it('spreads a large batch of sign-ups over rounds: at most 20 confirmation mails a minute', async () => {
    const { c, list } = await world();
    const more = seedSubscribers(c.ctx.sqlite, list.id, 23, 'batch');
    c.ctx.sqlite.prepare(`DELETE FROM subscriptions WHERE person_id IN (${more.join(',')})`).run();
    await c.call('consent.subscribeMany', { personIds: more, listId: list.id, consent: { method: 'website_form', evidenceText: 'Aanmeldformulier congres.' }, actor: 'Test' } as never);
    expect((await inboxStatus(c)).confirmations).toMatchObject({ unsent: 25 });
    expect(await check(c)).toMatchObject({ confirmationsSent: 20 });
    expect(await check(c)).toMatchObject({ confirmationsSent: 0 });
    now = new Date(T0 + 61_000);
    expect(await check(c)).toMatchObject({ confirmationsSent: 5 });
    expect(smtp.received).toHaveLength(25);
    expect(new Set(smtp.received.map((m) => m.to[0])).size).toBe(25);
    expect((await inboxStatus(c)).confirmations).toMatchObject({ unsent: 0, awaiting: 25 });
  }, 60_000);

  it('uses the built-in test mailbox while no SMTP account is set up', async () => {
    const { c, nl, row } = await world({ smtp: false });
    expect(await check(c)).toMatchObject({ confirmationsSent: 2 });
    expect(smtp.received).toHaveLength(0);
    const { messages } = await c.call('sending.testMailbox.list', {});
    expect(messages.map((m) => m.subject).sort()).toEqual([expect.stringMatching(/^Bevestig uw aanmelding voor Pilotnieuws Oost /), expect.stringMatching(/^Confirm your subscription to Pilotnieuws Oost /)]);
    expect(row(nl)).toMatchObject({ status: 'sent' });
  }, 30_000);

  it('sends nothing while the mailbox is not set up, and says so', async () => {
    const { c, row, nl } = await world({ mailbox: false });
    const s = await inboxStatus(c);
    expect(s).toMatchObject({ configured: false, watching: 'off' });
    expect(s.confirmations).toMatchObject({ unsent: 2, awaiting: 0 });
    expect(s.confirmations.problem?.nl).toMatch(/postvak/);
    await expect(check(c)).rejects.toThrow(/postvak/);
    expect(smtp.received).toHaveLength(0);
    expect(row(nl)).toBeUndefined();
  }, 30_000);
});
