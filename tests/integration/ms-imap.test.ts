import { randomUUID } from 'node:crypto';
import { ImapFlow } from 'imapflow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MicrosoftAuth } from '../../db/mail/microsoft/auth';
import { microsoftImapOptions } from '../../db/mail/microsoft/endpoints';
import { dovecotMissingReason, startDovecot, type Dovecot } from '../helpers/dovecot';
import { MsIdentity, signedInAuth, startIdentity } from '../helpers/ms-identity';
import { createTestCa, type TestCa } from '../helpers/ms-tls';

const USER = 'secretariaat@jvon.nl';
const OTHER = 'collega@jvon.nl';
const skip = dovecotMissingReason();

let ca: TestCa;
let idp: MsIdentity;
let dovecot: Dovecot;
let auth: MicrosoftAuth;

describe.skipIf(skip)('IMAP with XOAUTH2 (dovecot\'s oauth2 passdb introspecting the stand-in\'s tokens)', () => {
  beforeAll(async () => {
    ca = createTestCa();
    idp = await startIdentity({
      ca,
      users: [
        { username: USER, name: 'Secretariaat JVON', oid: randomUUID() },
        { username: OTHER, name: 'Collega', oid: randomUUID() },
      ],
    });
    dovecot = await startDovecot({
      user: USER,
      oauth2: { introspectionUrl: idp.introspectionUrl, caFile: ca.caFile, scope: 'IMAP.AccessAsUser.All' },
    });
    auth = await signedInAuth(ca, idp, USER);
  });
  afterAll(async () => {
    await dovecot?.stop();
    await idp?.stop();
    await ca?.close();
  });

  async function login(user: string, accessToken: string): Promise<{ ok: true; mailbox: string } | { ok: false; error: Error }> {
    const client = new ImapFlow(microsoftImapOptions(user, accessToken, { host: dovecot.host, port: dovecot.port, secure: false }));
    client.on('error', () => {});
    try {
      await client.connect();
      const lock = await client.getMailboxLock('INBOX');
      const path = client.mailbox ? client.mailbox.path : '';
      lock.release();
      await client.logout();
      return { ok: true, mailbox: path };
    } catch (error) {
      client.close();
      return { ok: false, error: error as Error };
    }
  }

  it('logs in with the signed-in account\'s token and opens the inbox', async () => {
    const token = await auth.getAccessToken('outlook');
    const r = await login(USER, token.accessToken);
    expect(r).toEqual({ ok: true, mailbox: 'INBOX' });
    expect(idp.requests.some((q) => q.path.endsWith('/oauth2/v2.0/introspect'))).toBe(true);
  });

  it('refuses an expired token, another user\'s token, a token without IMAP scope and garbage', async () => {
    const me = idp.user(USER)!;
    const expired = await idp.issueAccessToken(me, ['https://outlook.office.com/IMAP.AccessAsUser.All'], { issuedAt: Math.floor(Date.now() / 1000) - 7200, lifetime: 3600 });
    const foreign = await idp.issueAccessToken(idp.user(OTHER)!, ['https://outlook.office.com/IMAP.AccessAsUser.All']);
    const smtpOnly = await idp.issueAccessToken(me, ['https://outlook.office.com/SMTP.Send']);
    for (const token of [expired, foreign, smtpOnly, 'eyJub3QiOiJhIHRva2VuIn0']) {
      const r = await login(USER, token);
      expect(r.ok).toBe(false);
      if (!r.ok) expect((r.error as Error & { authenticationFailed?: boolean }).authenticationFailed).toBe(true);
    }
    // And the right token still works afterwards.
    expect((await login(USER, (await auth.getAccessToken('outlook')).accessToken)).ok).toBe(true);
  });
});
