import { ImapFlow } from 'imapflow';
import MailComposer from 'nodemailer/lib/mail-composer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestCore, type TestCore } from '../helpers/core';
import { startDovecot, type Dovecot } from '../helpers/dovecot';
import { microsoftImapOptions } from '../../db/mail/microsoft/endpoints';
import { DOVECOT, requireSystem } from '../helpers/system';
import { startGraph, type MsGraph } from '../helpers/ms-graph';
import { MsIdentity, signInWithoutBrowser, startIdentity } from '../helpers/ms-identity';
import { createTestCa, type TestCa } from '../helpers/ms-tls';
import { NEWSLETTER_SETTINGS, readyEdition } from '../helpers/smtp';

requireSystem(DOVECOT);

const USER = 'secretariaat@jvon.nl';
const PROCESSED = 'Schakel verwerkt';

let ca: TestCa;
let idp: MsIdentity;
let graph: MsGraph;
let core: TestCore;

beforeAll(async () => {
  ca = createTestCa();
  idp = await startIdentity({ ca });
  graph = await startGraph({ ca, identity: idp });
  core = await createTestCore({ inbox: { watch: false }, microsoft: { authorityHost: idp.origin, fetch: ca.fetch, graphBaseUrl: graph.baseUrl } });
  await core.call('microsoft.settings.save', { clientId: idp.clientId, tenant: idp.tenant, mailboxProvider: 'microsoft', mailboxMethod: 'graph' });
});
afterAll(async () => {
  await core?.dispose();
  await graph?.stop();
  await idp?.stop();
  await ca?.close();
});

/** One reader on a list, an edition sent to the built-in test mailbox; returns the reader's unsubscribe mail. */
async function unsubscribeMail(core: TestCore): Promise<{ listId: number; personId: number; raw: Buffer }> {
  await core.call('newsletter.settings.save', NEWSLETTER_SETTINGS);
  const list = await core.call('lists.save', {
    name: 'Partners', purposeText: 'Nieuws voor samenwerkingspartners.', language: 'nl', lawfulBasis: 'legitimate_interest', doubleOptIn: false, actor: 'Test',
  });
  const email = 'anna@lezers.example.net';
  const { id } = await core.call('people.save', { firstName: 'Anna', lastName: 'Voorbeeld', emails: [{ email, primary: true }] });
  await core.call('consent.subscribeMany', { personIds: [id], listId: list.id, actor: 'Test' });
  const job = await core.call('sending.jobs.create', { editionId: await readyEdition(core.registry, [list.id], true) });
  expect(await core.services.sending.worker.runToEnd(job.id)).toBe('done');
  const box = await core.call('sending.testMailbox.list', { offset: 0, limit: 10 });
  const sent = await core.call('sending.testMailbox.get', { id: box.messages.find((m) => m.to.includes(email))!.id });
  const mailto = new URL(/<(mailto:[^>]+)>/.exec(sent.headers.find((h) => h.key === 'list-unsubscribe')!.value)![1]!);
  const raw = await new MailComposer({
    from: `Anna Voorbeeld <${email}>`, to: decodeURIComponent(mailto.pathname), subject: mailto.searchParams.get('subject') ?? '',
    text: mailto.searchParams.get('body') ?? '', messageId: '<afmelden-anna-graph@lezers.example.net>', date: new Date(),
  }).compile().build();
  return { listId: list.id, personId: id, raw };
}

describe('the mailbox over Microsoft Graph', () => {
  it('not signed in: the round fails with "sign in" and reads nothing', async () => {
    graph.deliver(USER, 'Inbox', 'From: a@example.org\r\nTo: b@example.org\r\nSubject: x\r\nMessage-ID: <x@example.org>\r\n\r\nx\r\n');
    await expect(core.call('inbox.checkNow', {})).rejects.toThrow(/Meld je eerst aan bij Microsoft/);
    expect(graph.messagesIn(USER, 'Inbox')).toHaveLength(1);
    const status = await core.call('inbox.status', {});
    expect(status.configured).toBe(true);
    graph.mailbox(USER).messages.length = 0;
  });

  it('an unsubscribe mail is recorded, the reader unsubscribed, the mail moved to the processed folder; a second round does nothing twice', async () => {
    const started = await core.call('microsoft.signIn.start', {});
    await signInWithoutBrowser(ca, started.url!, { username: USER });
    expect((await core.call('microsoft.signIn.wait', { timeoutMs: 10_000 })).account?.username).toBe(USER);

    const { listId, personId, raw } = await unsubscribeMail(core);
    graph.deliver(USER, 'Inbox', raw);
    const result = await core.call('inbox.checkNow', {});
    expect(result).toMatchObject({ seen: 1, processed: 1, duplicates: 0, byOutcome: { unsubscribed: 1 } });
    expect(graph.messagesIn(USER, 'Inbox')).toHaveLength(0);
    expect(graph.messagesIn(USER, PROCESSED)).toHaveLength(1);
    const consent = await core.call('consent.person', { personId });
    expect(consent.subscriptions.find((s) => s.listId === listId)?.status).toBe('unsubscribed');
    expect(consent.events.find((e) => e.type === 'unsubscribed' && e.listId === listId)).toMatchObject({
      source: 'email', evidence: { messageId: '<afmelden-anna-graph@lezers.example.net>' },
    });

    // The same mail again (delivered twice): recognised, only moved.
    graph.deliver(USER, 'Inbox', raw);
    expect(await core.call('inbox.checkNow', {})).toMatchObject({ seen: 1, processed: 0, duplicates: 1 });
    expect(graph.messagesIn(USER, PROCESSED)).toHaveLength(2);
  });
});

describe('the mailbox over IMAP with XOAUTH2 (dovecot validating the token)', () => {
  let dovecot: Dovecot;
  let imapCore: TestCore;
  beforeAll(async () => {
    dovecot = await startDovecot({ user: USER, oauth2: { introspectionUrl: idp.introspectionUrl, caFile: ca.caFile, scope: 'IMAP.AccessAsUser.All' } });
    imapCore = await createTestCore({
      inbox: { watch: false },
      microsoft: { authorityHost: idp.origin, fetch: ca.fetch, imap: { host: dovecot.host, port: dovecot.port, secure: false } },
    });
    await imapCore.call('microsoft.settings.save', { clientId: idp.clientId, tenant: idp.tenant, mailboxProvider: 'microsoft', mailboxMethod: 'imap' });
  });
  afterAll(async () => {
    await imapCore?.dispose();
    await dovecot?.stop();
  });

  async function folder(token: string, path: string): Promise<string[]> {
    const c = new ImapFlow(microsoftImapOptions(USER, token, { host: dovecot.host, port: dovecot.port, secure: false }));
    await c.connect();
    try {
      const lock = await c.getMailboxLock(path);
      try {
        const ids: string[] = [];
        for await (const m of c.fetch('1:*', { envelope: true })) ids.push(m.envelope?.messageId ?? '');
        return ids;
      } finally {
        lock.release();
      }
    } catch {
      return [];
    } finally {
      await c.logout().catch(() => c.close());
    }
  }

  it('an unsubscribe mail is processed with a token instead of a password, and moved', async () => {
    const started = await imapCore.call('microsoft.signIn.start', {});
    await signInWithoutBrowser(ca, started.url!, { username: USER });
    expect((await imapCore.call('microsoft.signIn.wait', { timeoutMs: 10_000 })).account?.username).toBe(USER);
    expect(await imapCore.call('microsoft.test', { purpose: 'mailbox' })).toMatchObject({ ok: true });

    const { listId, personId, raw } = await unsubscribeMail(imapCore);
    const token = (await imapCore.services.microsoft.accessToken('outlook')).accessToken;
    const c = new ImapFlow(microsoftImapOptions(USER, token, { host: dovecot.host, port: dovecot.port, secure: false }));
    await c.connect();
    await c.append('INBOX', raw);
    await c.logout();

    expect(await imapCore.call('inbox.checkNow', {})).toMatchObject({ seen: 1, processed: 1, byOutcome: { unsubscribed: 1 } });
    const consent = await imapCore.call('consent.person', { personId });
    expect(consent.subscriptions.find((s) => s.listId === listId)?.status).toBe('unsubscribed');
    expect(await folder(token, 'INBOX')).toEqual([]);
    expect(await folder(token, PROCESSED)).toEqual(['<afmelden-anna-graph@lezers.example.net>']);
  });
});
