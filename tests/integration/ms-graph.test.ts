import { randomUUID } from 'node:crypto';
import net from 'node:net';
import MailComposer from 'nodemailer/lib/mail-composer';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { MicrosoftAuth } from '../../db/mail/microsoft/auth';
import { MicrosoftAuthError } from '../../db/mail/microsoft/errors';
import { GraphMailbox } from '../../db/mail/microsoft/graph-mailbox';
import { GraphTransport } from '../../db/mail/microsoft/graph-transport';
import type { OutgoingMessage } from '../../db/mail/transport';
import { startGraph, type MsGraph } from '../helpers/ms-graph';
import { GRAPH_RESOURCE, MsIdentity, signedInAuth, startIdentity } from '../helpers/ms-identity';
import { createTestCa, type TestCa } from '../helpers/ms-tls';

const USER = 'secretariaat@jvon.nl';

let ca: TestCa;
let idp: MsIdentity;
let graph: MsGraph;
let auth: MicrosoftAuth;

beforeAll(async () => {
  ca = createTestCa();
  idp = await startIdentity({ ca, users: [{ username: USER, name: 'Secretariaat JVON', oid: randomUUID() }] });
  graph = await startGraph({ ca, identity: idp });
  auth = await signedInAuth(ca, idp, USER);
});
afterAll(async () => {
  await graph?.stop();
  await idp?.stop();
  await ca?.close();
});
beforeEach(() => {
  graph.sendReplies.length = 0;
  graph.withoutMailbox.clear();
});

const tokens = (forceLog?: boolean[]) => async ({ forceRefresh }: { forceRefresh: boolean }) => {
  forceLog?.push(forceRefresh);
  return (await auth.getAccessToken('graph', { forceRefresh })).accessToken;
};

async function message(to = 'lezer@example.org'): Promise<OutgoingMessage> {
  const raw = await new MailComposer({
    from: `Jeugd en Veiligheid Oost-Nederland <${USER}>`,
    to,
    subject: 'Nieuwsbrief — december',
    html: '<p>Beste lezer, dit is de nieuwsbrief.</p>',
    messageId: `<${randomUUID()}@schakel.jvon.nl>`,
    headers: {
      'List-Unsubscribe': '<https://jvon.nl/afmelden/abc>',
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
      'List-Id': 'Nieuwsbrief JVON <nieuwsbrief.jvon.nl>',
      'X-Schakel-Trace': `v1.${randomUUID()}`,
    },
  }).compile().build();
  return { raw, envelope: { from: USER, to: [to] } };
}

function transport(getAccessToken = tokens()) {
  return new GraphTransport({ baseUrl: graph.baseUrl, fetch: ca.fetch, getAccessToken });
}

describe('Graph transport (POST /me/sendMail against the Graph stand-in)', () => {
  it('sends the exact MIME bytes Schakel built', async () => {
    const m = await message();
    const outcome = await transport().send(m);
    expect(outcome.kind).toBe('accepted');
    expect(graph.sent.at(-1)!.user).toBe(USER);
    expect(graph.sent.at(-1)!.mime.equals(m.raw)).toBe(true);
    expect(graph.sent.at(-1)!.mime.toString()).toContain('List-Unsubscribe-Post: List-Unsubscribe=One-Click');
  });

  it('429 and 503 are temporary and carry Retry-After; nothing is stored', async () => {
    graph.sendReplies.push(
      { status: 429, code: 'ApplicationThrottled', message: 'Application is over its MailboxConcurrency limit.', retryAfter: 7 },
      { status: 503, code: 'ServiceNotAvailable', message: 'Service unavailable', retryAfter: 2 },
      { status: 504, code: 'GatewayTimeout', message: 'Gateway timeout' },
    );
    const t = transport();
    const before = graph.sent.length;
    expect(await t.send(await message())).toMatchObject({ kind: 'temporary', retryAfterMs: 7000, code: 'ApplicationThrottled' });
    expect(await t.send(await message())).toMatchObject({ kind: 'temporary', retryAfterMs: 2000 });
    expect(await t.send(await message())).toMatchObject({ kind: 'temporary', retryAfterMs: null });
    expect(graph.sent.length).toBe(before);
    expect((await t.send(await message())).kind).toBe('accepted');
  });

  it('a token that expired during the job is renewed once and the message goes out once', async () => {
    const expired = await idp.issueAccessToken(idp.user(USER)!, ['Mail.Send'], { audience: GRAPH_RESOURCE, issuedAt: Math.floor(Date.now() / 1000) - 4000, lifetime: 3600 });
    const asked: boolean[] = [];
    const t = transport(async ({ forceRefresh }) => {
      asked.push(forceRefresh);
      return forceRefresh ? (await auth.getAccessToken('graph', { forceRefresh: true })).accessToken : expired;
    });
    const before = graph.sent.length;
    const outcome = await t.send(await message());
    expect(outcome.kind).toBe('accepted');
    expect(asked).toEqual([false, true]);
    expect(graph.sent.length).toBe(before + 1);
    expect(graph.requests.slice(-2).map((r) => r.status)).toEqual([401, 202]);
  });

  it('a revoked sign-in pauses the account with "Meld je opnieuw aan" and fails nobody', async () => {
    const other = await signedInAuth(ca, idp, USER);
    const expired = await idp.issueAccessToken(idp.user(USER)!, ['Mail.Send'], { audience: GRAPH_RESOURCE, issuedAt: Math.floor(Date.now() / 1000) - 4000, lifetime: 3600 });
    const t = transport(async ({ forceRefresh }) => (forceRefresh ? (await other.getAccessToken('graph', { forceRefresh: true })).accessToken : expired));
    idp.revokeRefreshTokens(50173);
    try {
      const outcome = await t.send(await message());
      expect(outcome).toMatchObject({ kind: 'account', code: 'ms_sign_in_again' });
    } finally {
      // Only this test's grants: sign the shared account in again for the tests after it.
      auth = await signedInAuth(ca, idp, USER);
    }
  });

  it('maps refusals: no permission, no mailbox, bad recipient, server error, unreachable', async () => {
    const noSend = await idp.issueAccessToken(idp.user(USER)!, ['Mail.ReadWrite'], { audience: GRAPH_RESOURCE });
    expect(await transport(async () => noSend).send(await message())).toMatchObject({ kind: 'account', code: 'ms_admin_consent' });

    graph.withoutMailbox.add(USER);
    expect(await transport().send(await message())).toMatchObject({ kind: 'account', code: 'ms_no_mailbox' });
    graph.withoutMailbox.clear();

    graph.sendReplies.push({ status: 400, code: 'ErrorInvalidRecipients', message: "At least one recipient is not valid., Recipient 'x' is not resolved." });
    expect(await transport().send(await message())).toMatchObject({ kind: 'recipient', code: 'ErrorInvalidRecipients' });

    graph.sendReplies.push({ status: 403, code: 'ErrorSendAsDenied', message: 'The user account which was used to submit this request does not have the right to send mail on behalf of the specified sending account.' });
    expect(await transport().send(await message())).toMatchObject({ kind: 'account', code: 'ErrorSendAsDenied' });

    graph.sendReplies.push({ status: 500, code: 'generalException', message: 'General exception while processing.' });
    expect((await transport().send(await message())).kind).toBe('uncertain');

    const closedPort = await new Promise<number>((resolve) => {
      const s = net.createServer().listen(0, '127.0.0.1', () => {
        const { port } = s.address() as net.AddressInfo;
        s.close(() => resolve(port));
      });
    });
    const closed = new GraphTransport({ baseUrl: `https://127.0.0.1:${closedPort}/v1.0`, fetch: ca.fetch, getAccessToken: tokens() });
    expect(await closed.send(await message())).toMatchObject({ kind: 'temporary', code: 'ECONNREFUSED' });

    const notSignedIn = transport(async () => {
      throw new MicrosoftAuthError('ms_not_signed_in');
    });
    expect(await notSignedIn.send(await message())).toMatchObject({ kind: 'account', code: 'ms_not_signed_in' });
  });
});

describe('Graph mailbox (list, fetch as MIME, move to the processed folder)', () => {
  it('lists across pages oldest first, fetches each as MIME and moves it to a folder it creates', async () => {
    graph.maxPageSize = 10;
    try {
      const delivered: { id: string; mime: string }[] = [];
      const start = Date.now() - 3_600_000;
      for (let i = 0; i < 25; i++) {
        const mime = `Message-ID: <reply-${i}@example.org>\r\nFrom: lezer${i}@example.org\r\nTo: ${USER}\r\nSubject: afmelden ${i}\r\n\r\nGraag afmelden.\r\n`;
        delivered.push({ id: graph.deliver(USER, 'Inbox', mime, new Date(start + (25 - i) * 1000)), mime });
      }
      const asked: boolean[] = [];
      const reader = new GraphMailbox({ baseUrl: graph.baseUrl, fetch: ca.fetch, getAccessToken: tokens(asked) });
      const listed = await reader.list('Inbox');
      expect(listed).toHaveLength(25);
      // Oldest first: the last delivered has the earliest time.
      expect(listed.map((m) => m.messageId)).toEqual(delivered.map((_, i) => `<reply-${24 - i}@example.org>`));
      expect(graph.requests.filter((r) => r.path.endsWith('/messages')).length).toBeGreaterThanOrEqual(3);

      expect((await reader.list('Inbox', { limit: 4 })).map((m) => m.messageId)).toEqual(listed.slice(0, 4).map((m) => m.messageId));

      for (const m of listed) {
        const raw = await reader.fetchRaw('Inbox', m.id);
        expect(raw.toString()).toBe(delivered.find((d) => d.id === m.id)!.mime);
        const newId = await reader.move('Inbox', m.id, 'Inbox/Schakel/Verwerkt');
        expect(newId).toBeTruthy();
        expect(newId).not.toBe(m.id);
      }
      expect(await reader.list('Inbox')).toEqual([]);
      expect(graph.messagesIn(USER, 'Inbox/Schakel/Verwerkt')).toHaveLength(25);
      // Created once, found by path from then on.
      expect(graph.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/childFolders')).length).toBe(2);

      // A folder someone else made meanwhile is used, not duplicated.
      const fresh = new GraphMailbox({ baseUrl: graph.baseUrl, fetch: ca.fetch, getAccessToken: tokens() });
      const id = graph.deliver(USER, 'Inbox', 'Message-ID: <late@example.org>\r\nSubject: x\r\n\r\nx\r\n');
      await fresh.move('Inbox', id, 'Inbox/Schakel/Verwerkt');
      expect(graph.messagesIn(USER, 'Inbox/Schakel/Verwerkt')).toHaveLength(26);
    } finally {
      graph.maxPageSize = 1000;
    }
  });

  it('a missing folder, an expired token and a mailbox without Exchange are told apart', async () => {
    const reader = new GraphMailbox({ baseUrl: graph.baseUrl, fetch: ca.fetch, getAccessToken: tokens() });
    await expect(reader.list('Schakel-bestaat-niet')).rejects.toMatchObject({ name: 'GraphRequestError', status: 404 });

    const expired = await idp.issueAccessToken(idp.user(USER)!, ['Mail.ReadWrite'], { audience: GRAPH_RESOURCE, issuedAt: Math.floor(Date.now() / 1000) - 4000, lifetime: 3600 });
    const renewing = new GraphMailbox({
      baseUrl: graph.baseUrl, fetch: ca.fetch,
      getAccessToken: async ({ forceRefresh }) => (forceRefresh ? (await auth.getAccessToken('graph', { forceRefresh: true })).accessToken : expired),
    });
    expect(Array.isArray(await renewing.list('Inbox'))).toBe(true);

    graph.withoutMailbox.add(USER);
    const err = await reader.list('Inbox').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MicrosoftAuthError);
    expect((err as MicrosoftAuthError).code).toBe('ms_no_mailbox');
  });
});
