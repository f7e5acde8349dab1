import { randomUUID } from 'node:crypto';
import nodemailer from 'nodemailer';
import MailComposer from 'nodemailer/lib/mail-composer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MicrosoftAuth } from '../../db/mail/microsoft/auth';
import { microsoftSmtpOptions } from '../../db/mail/microsoft/endpoints';
import { mapMicrosoftSmtpReply } from '../../db/mail/microsoft/errors';
import { GRAPH_RESOURCE, MsIdentity, signedInAuth, startIdentity } from '../helpers/ms-identity';
import { createTestCa, type TestCa } from '../helpers/ms-tls';
import { OAuthSmtpServer } from '../helpers/smtp-oauth';

const USER = 'secretariaat@jvon.nl';
const OTHER = 'collega@jvon.nl';

let ca: TestCa;
let idp: MsIdentity;
let smtp: OAuthSmtpServer;
let auth: MicrosoftAuth;

beforeAll(async () => {
  ca = createTestCa();
  idp = await startIdentity({
    ca,
    users: [
      { username: USER, name: 'Secretariaat JVON', oid: randomUUID() },
      { username: OTHER, name: 'Collega', oid: randomUUID() },
    ],
  });
  smtp = await new OAuthSmtpServer({ ca, identity: idp }).start();
  auth = await signedInAuth(ca, idp, USER);
});
afterAll(async () => {
  await smtp?.stop();
  await idp?.stop();
  await ca?.close();
});

/** The message as Schakel builds it: the transport must carry these exact bytes. */
async function buildMessage(to: string): Promise<Buffer> {
  return new MailComposer({
    from: `Jeugd en Veiligheid Oost-Nederland <${USER}>`,
    to,
    subject: 'Nieuwsbrief december',
    text: 'Beste lezer,\n\nDit is de nieuwsbrief.',
    messageId: `<${randomUUID()}@schakel.jvon.nl>`,
    headers: {
      'List-Unsubscribe': '<https://jvon.nl/afmelden/abc>, <mailto:secretariaat@jvon.nl?subject=afmelden-abc>',
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
      'List-Id': 'Nieuwsbrief JVON <nieuwsbrief.jvon.nl>',
      'X-Schakel-Trace': 'v1.abc.def',
    },
  }).compile().build();
}

function transport(user: string, accessToken: string) {
  return nodemailer.createTransport(microsoftSmtpOptions(user, accessToken, { host: '127.0.0.1', port: smtp.port, tls: { ca: ca.caPem } }));
}

async function send(user: string, accessToken: string, from = user) {
  const raw = await buildMessage('lezer@example.org');
  const t = transport(user, accessToken);
  try {
    const info = await t.sendMail({ envelope: { from, to: ['lezer@example.org'] }, raw });
    return { ok: true as const, info, raw };
  } catch (error) {
    return { ok: false as const, error: error as Error & { code?: string; responseCode?: number; response?: string }, raw };
  } finally {
    t.close();
  }
}

describe('SMTP with XOAUTH2 (smtp-server validating the stand-in\'s tokens)', () => {
  it('sends with the signed-in account\'s token, the message byte for byte', async () => {
    const token = await auth.getAccessToken('outlook');
    const r = await send(USER, token.accessToken);
    expect(r.ok).toBe(true);
    const got = smtp.received.at(-1)!;
    expect(got.user).toBe(USER);
    expect(got.to).toEqual(['lezer@example.org']);
    expect(got.raw.toString('utf8').replace(/\r\n$/, '')).toBe(r.raw.toString('utf8').replace(/\r?\n/g, '\r\n').replace(/\r\n$/, ''));
    expect(got.raw.toString()).toContain('List-Unsubscribe-Post: List-Unsubscribe=One-Click');
    expect(smtp.authAttempts.at(-1)).toMatchObject({ method: 'XOAUTH2', code: 235 });
  });

  it('refuses an expired token with 535 5.7.3: "sign in again" after a failed refresh', async () => {
    const user = idp.user(USER)!;
    const expired = await idp.issueAccessToken(user, ['https://outlook.office.com/SMTP.Send'], { issuedAt: Math.floor(Date.now() / 1000) - 7200, lifetime: 3600 });
    const r = await send(USER, expired);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.code).toBe('EAUTH');
    expect(r.error.responseCode).toBe(535);
    expect(r.error.response).toMatch(/^535 5\.7\.3 Authentication unsuccessful/);
    expect(mapMicrosoftSmtpReply(r.error)?.code).toBe('ms_sign_in_again');
  });

  it('refuses another user\'s token, a token without SMTP.Send and a Graph token', async () => {
    const other = await idp.issueAccessToken(idp.user(OTHER)!, ['https://outlook.office.com/SMTP.Send']);
    const noScope = await idp.issueAccessToken(idp.user(USER)!, ['https://outlook.office.com/IMAP.AccessAsUser.All']);
    const graph = await idp.issueAccessToken(idp.user(USER)!, ['Mail.Send'], { audience: GRAPH_RESOURCE });
    for (const token of [other, noScope, graph, 'not-a-token']) {
      const r = await send(USER, token);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.error.responseCode).toBe(535);
    }
    // Its own token, but sending as someone else: refused as Exchange does.
    const own = await auth.getAccessToken('outlook');
    const sendAs = await send(USER, own.accessToken, OTHER);
    expect(sendAs.ok).toBe(false);
    if (!sendAs.ok) expect(sendAs.error.response).toMatch(/554 5\.2\.252 SendAsDenied/);
  });

  it('a tenant without SMTP AUTH answers 535 5.7.139 (suggest Graph); a password gets 550 5.7.30', async () => {
    smtp.smtpAuthDisabled = true;
    try {
      const r = await send(USER, (await auth.getAccessToken('outlook')).accessToken);
      expect(r.ok).toBe(false);
      if (r.ok) return;
      expect(r.error.response).toContain('5.7.139');
      const mapped = mapMicrosoftSmtpReply(r.error)!;
      expect(mapped.code).toBe('ms_smtp_auth_disabled');
      expect(mapped.messages.nl).toContain('Microsoft Graph');
    } finally {
      smtp.smtpAuthDisabled = false;
    }
    const t = nodemailer.createTransport({ host: '127.0.0.1', port: smtp.port, requireTLS: true, tls: { ca: ca.caPem }, auth: { user: USER, pass: 'wachtwoord' } });
    const err = (await t.sendMail({ envelope: { from: USER, to: ['lezer@example.org'] }, raw: await buildMessage('lezer@example.org') }).catch((e: unknown) => e)) as { responseCode?: number; response?: string };
    t.close();
    expect(err.responseCode).toBe(550);
    expect(mapMicrosoftSmtpReply(err)?.code).toBe('ms_basic_auth_refused');
  });

  it('a token that expires mid-job is renewed from the cache and the send goes through', async () => {
    idp.accessTokenLifetime = 1;
    try {
      const short = await auth.getAccessToken('outlook', { forceRefresh: true });
      await new Promise((r) => setTimeout(r, 1500));
      const refused = await send(USER, short.accessToken);
      expect(refused.ok).toBe(false);
      idp.accessTokenLifetime = 3600; // the renewed token must outlive a slow send on a loaded machine
      const renewed = await auth.getAccessToken('outlook');
      expect(renewed.accessToken).not.toBe(short.accessToken);
      expect((await send(USER, renewed.accessToken)).ok).toBe(true);
    } finally {
      idp.accessTokenLifetime = 3600;
    }
  });
});
