import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestCore, type TestCore } from '../helpers/core';
import { startGraph, type MsGraph } from '../helpers/ms-graph';
import { GRAPH_RESOURCE, MsIdentity, OUTLOOK_RESOURCE, signInWithoutBrowser, startIdentity } from '../helpers/ms-identity';
import { createTestCa, type TestCa } from '../helpers/ms-tls';
import { OAuthSmtpServer } from '../helpers/smtp-oauth';

let ca: TestCa;
let idp: MsIdentity;
let graph: MsGraph;
let smtp: OAuthSmtpServer;
let core: TestCore;

beforeAll(async () => {
  ca = createTestCa();
  idp = await startIdentity({ ca });
  graph = await startGraph({ ca, identity: idp });
  smtp = await new OAuthSmtpServer({ ca, identity: idp }).start();
  core = await createTestCore({
    microsoft: {
      authorityHost: idp.origin, fetch: ca.fetch, graphBaseUrl: graph.baseUrl,
      smtp: { host: '127.0.0.1', port: smtp.port, tls: { ca: ca.caPem } },
    },
  });
});
afterAll(async () => {
  await core?.dispose();
  await smtp?.stop();
  await graph?.stop();
  await idp?.stop();
  await ca?.close();
});

/** Starts the sign-in through the commands and does in the "browser" what the user does. */
async function signIn(choice: { username: string } | 'cancel') {
  const started = await core.call('microsoft.signIn.start', {});
  expect(started.state).toBe('waiting');
  expect(started.url).toMatch(new RegExp(`^${idp.origin}/`));
  const page = signInWithoutBrowser(ca, started.url!, choice);
  let status = await core.call('microsoft.signIn.wait', { timeoutMs: 10_000 });
  while (status.signIn.state === 'waiting') status = await core.call('microsoft.signIn.wait', { timeoutMs: 10_000 });
  await page;
  return status;
}

describe('Microsoft 365 settings and commands', () => {
  it('is not configured without a client id; saving the settings keeps them, the cache is memory-only', async () => {
    const before = await core.call('microsoft.status', {});
    expect(before.configured).toBe(false);
    expect(before.settings.sendProvider).toBe('password');
    await expect(core.call('microsoft.signIn.start', {})).rejects.toThrow(/app-registratie/);
    const saved = await core.call('microsoft.settings.save', {
      clientId: idp.clientId, tenant: idp.tenant, sendProvider: 'microsoft', sendMethod: 'smtp', mailboxProvider: 'microsoft', mailboxMethod: 'graph',
    });
    expect(saved.configured).toBe(true);
    expect(saved.persistentCache).toBe(false);
    expect(saved.account).toBeNull();
    expect((await core.call('microsoft.status', {})).settings).toMatchObject({ sendProvider: 'microsoft', mailboxMethod: 'graph', tenant: idp.tenant });
  });

  it('rejects unknown fields in the settings input', async () => {
    await expect(core.call('microsoft.settings.save', { password: 'x' } as never)).rejects.toThrow();
  });

  it('a test before sign-in says to sign in first', async () => {
    const r = await core.call('microsoft.test', { purpose: 'sending' });
    expect(r.ok).toBe(false);
    expect(r.code).toBe('ms_not_signed_in');
    expect(r.message.nl).toContain('Aanmelden met Microsoft');
  });

  it('a cancelled sign-in reports it in Dutch and leaves no account', async () => {
    const status = await signIn('cancel');
    expect(status.signIn.state).toBe('failed');
    expect(status.signIn.error?.code).toBe('ms_sign_in_cancelled');
    expect(status.signIn.error?.message.nl).toContain('afgebroken');
    expect(status.account).toBeNull();
  });

  it('signs in, shows the account, and the connection tests pass over SMTP XOAUTH2 and Graph', async () => {
    const user = idp.users[0]!;
    const status = await signIn({ username: user.username });
    expect(status.signIn.state).toBe('done');
    expect(status.account?.username).toBe(user.username);

    const viaSmtp = await core.call('microsoft.test', { purpose: 'sending' });
    expect(viaSmtp).toMatchObject({ ok: true, detail: user.username });
    expect(smtp.authAttempts.at(-1)).toMatchObject({ method: 'XOAUTH2', user: user.username, code: 235 });
    expect(smtp.received).toHaveLength(0);

    const viaGraph = await core.call('microsoft.test', { purpose: 'mailbox' });
    expect(viaGraph.ok).toBe(true);
    expect(viaGraph.message.nl).toContain('postvak');
  });

  it('SMTP AUTH off for the tenant: the test suggests Graph', async () => {
    smtp.smtpAuthDisabled = true;
    try {
      const r = await core.call('microsoft.test', { purpose: 'sending' });
      expect(r.ok).toBe(false);
      expect(r.code).toBe('ms_smtp_auth_disabled');
      expect(r.message.nl).toContain('Microsoft Graph');
    } finally {
      smtp.smtpAuthDisabled = false;
    }
  });

  it('signing out forgets the account', async () => {
    const status = await core.call('microsoft.signOut', {});
    expect(status.account).toBeNull();
    expect((await core.call('microsoft.test', { purpose: 'mailbox' })).code).toBe('ms_not_signed_in');
  });

  it('a tenant without admin consent gets the Dutch admin-consent message', async () => {
    idp.consentMissing.set(OUTLOOK_RESOURCE, 65001);
    idp.consentMissing.set(GRAPH_RESOURCE, 65001);
    try {
      const status = await signIn({ username: idp.users[0]!.username });
      expect(status.signIn.state).toBe('failed');
      expect(status.signIn.error?.code).toBe('ms_admin_consent');
      expect(status.signIn.error?.message.nl).toContain('beheerder');
      expect(status.account).toBeNull();
    } finally {
      idp.consentMissing.clear();
    }
  });
});
