import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MicrosoftAuth, MICROSOFT_SCOPES, type MicrosoftAuthConfig } from '../../db/mail/microsoft/auth';
import { aesGcmKeyStore, encryptedCachePlugin, memorySealedStorage } from '../../db/mail/microsoft/cache';
import { MicrosoftAuthError } from '../../db/mail/microsoft/errors';
import { GRAPH_RESOURCE, MsIdentity, OUTLOOK_RESOURCE, signInWithoutBrowser, startIdentity } from '../helpers/ms-identity';
import { createTestCa, type TestCa } from '../helpers/ms-tls';

let ca: TestCa;
let idp: MsIdentity;
const urls: string[] = [];

beforeAll(async () => {
  ca = createTestCa();
  idp = await startIdentity({ ca });
});
afterAll(async () => {
  await idp.stop();
  await ca.close();
});

function config(extra: Partial<MicrosoftAuthConfig> = {}): MicrosoftAuthConfig {
  return {
    clientId: idp.clientId, tenant: idp.tenant, authorityHost: idp.origin, fetch: ca.fetch,
    onRequest: (_m, url) => urls.push(url), ...extra,
  };
}

/** Signs in as `username` (or cancels) the way a person would in the browser that openBrowser opened. */
async function signIn(auth: MicrosoftAuth, choice: { username: string } | 'cancel', resource: 'outlook' | 'graph' = 'outlook') {
  const opened: string[] = [];
  let loopback: Promise<unknown> = Promise.resolve();
  const token = auth.signIn({
    resource,
    openBrowser: async (url) => {
      opened.push(url);
      loopback = signInWithoutBrowser(ca, url, choice);
    },
  });
  const settled = await token.then((t) => ({ ok: true as const, t }), (e: unknown) => ({ ok: false as const, e }));
  await loopback;
  return { settled, opened };
}

describe('Microsoft sign-in (MSAL against the identity stand-in)', () => {
  it('signs in with PKCE in the browser, then renews silently; no request leaves 127.0.0.1', async () => {
    const key = randomBytes(32);
    const storage = memorySealedStorage();
    const auth = new MicrosoftAuth(config({ cachePlugin: encryptedCachePlugin(aesGcmKeyStore(key), storage) }));
    const { settled, opened } = await signIn(auth, { username: 'secretariaat@jvon.nl' });
    expect(settled.ok).toBe(true);
    if (!settled.ok) return;
    expect(settled.t.account.username).toBe('secretariaat@jvon.nl');
    expect(settled.t.account.name).toBe('Secretariaat JVON');
    const claims = await idp.verifyAccessToken(settled.t.accessToken, OUTLOOK_RESOURCE);
    expect(claims.scp).toBe('SMTP.Send IMAP.AccessAsUser.All');

    const authorize = new URL(opened[0]!);
    expect(authorize.origin).toBe(idp.origin);
    expect(authorize.searchParams.get('code_challenge_method')).toBe('S256');
    expect(authorize.searchParams.get('redirect_uri')).toMatch(/^http:\/\/localhost:\d+$/);

    // Silent: from the cache, no token request.
    const before = idp.requests.filter((r) => r.grantType).length;
    const again = await auth.getAccessToken('outlook');
    expect(again.accessToken).toBe(settled.t.accessToken);
    expect(idp.requests.filter((r) => r.grantType).length).toBe(before);

    // Graph: another resource, fetched with the refresh token, no second sign-in.
    const graph = await auth.getAccessToken('graph');
    expect((await idp.verifyAccessToken(graph.accessToken, GRAPH_RESOURCE)).scp).toBe('Mail.Send Mail.ReadWrite');
    expect(idp.requests.at(-1)?.grantType).toBe('refresh_token');

    // The persisted cache is sealed: no token in clear text, and a fresh instance with the same key uses it.
    const sealed = storage.peek()!;
    expect(sealed.includes(Buffer.from(settled.t.accessToken.slice(0, 40)))).toBe(false);
    expect(sealed.toString('latin1')).not.toContain('secretariaat@jvon.nl');
    const reopened = new MicrosoftAuth(config({ cachePlugin: encryptedCachePlugin(aesGcmKeyStore(key), storage) }));
    expect((await reopened.accounts()).map((a) => a.username)).toEqual(['secretariaat@jvon.nl']);
    expect((await reopened.getAccessToken('outlook')).accessToken).toBe(settled.t.accessToken);

    // Another key cannot open it: that counts as not signed in, not as a crash.
    const unreadable: unknown[] = [];
    const otherKey = new MicrosoftAuth(config({ cachePlugin: encryptedCachePlugin(aesGcmKeyStore(randomBytes(32)), storage, (e) => unreadable.push(e)) }));
    const err = await otherKey.getAccessToken('outlook').catch((e: unknown) => e);
    expect((err as MicrosoftAuthError).code).toBe('ms_not_signed_in');
    expect(unreadable.length).toBeGreaterThan(0);

    expect(urls.length).toBeGreaterThan(0);
    for (const u of urls) expect(new URL(u).hostname).toBe('127.0.0.1');
  });

  it('renews an expired access token with the refresh token', async () => {
    idp.accessTokenLifetime = 2;
    try {
      const auth = new MicrosoftAuth(config());
      const { settled } = await signIn(auth, { username: 'secretariaat@jvon.nl' });
      expect(settled.ok).toBe(true);
      const first = settled.ok ? settled.t : null;
      // MSAL renews tokens that expire within five minutes: the short lifetime means every call refreshes.
      const next = await auth.getAccessToken('outlook');
      expect(next.accessToken).not.toBe(first!.accessToken);
      expect(idp.requests.at(-1)?.grantType).toBe('refresh_token');
      expect(idp.requests.at(-1)?.scope).toContain(MICROSOFT_SCOPES.outlook[0]);
    } finally {
      idp.accessTokenLifetime = 3600;
    }
  });

  it.each([50173, 700082] as const)('a revoked or expired refresh token (AADSTS%s) means "Meld je opnieuw aan"', async (code) => {
    const auth = new MicrosoftAuth(config());
    const { settled } = await signIn(auth, { username: 'secretariaat@jvon.nl' });
    expect(settled.ok).toBe(true);
    idp.revokeRefreshTokens(code);
    const err = await auth.getAccessToken('outlook', { forceRefresh: true }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MicrosoftAuthError);
    expect((err as MicrosoftAuthError).code).toBe('ms_sign_in_again');
    expect((err as MicrosoftAuthError).detail).toBe(`AADSTS${code}`);
    expect((err as MicrosoftAuthError).messages.nl).toContain('Meld je opnieuw aan bij Microsoft');
  });

  it.each([65001, 90094] as const)('missing admin consent (AADSTS%s) is reported as such, at sign-in and when renewing', async (code) => {
    idp.consentMissing.set(OUTLOOK_RESOURCE, code);
    try {
      const auth = new MicrosoftAuth(config());
      const { settled } = await signIn(auth, { username: 'secretariaat@jvon.nl' });
      expect(settled.ok).toBe(false);
      if (settled.ok) return;
      expect((settled.e as MicrosoftAuthError).code).toBe('ms_admin_consent');
      expect((settled.e as MicrosoftAuthError).messages.nl).toContain('beheerder');
    } finally {
      idp.consentMissing.clear();
    }
    // Signed in for SMTP/IMAP, but Graph's permissions were never consented.
    idp.consentMissing.set(GRAPH_RESOURCE, code);
    try {
      const auth = new MicrosoftAuth(config());
      expect((await signIn(auth, { username: 'secretariaat@jvon.nl' })).settled.ok).toBe(true);
      const err = await auth.getAccessToken('graph').catch((e: unknown) => e);
      expect((err as MicrosoftAuthError).code).toBe('ms_admin_consent');
      expect((err as MicrosoftAuthError).detail).toBe(`AADSTS${code}`);
    } finally {
      idp.consentMissing.clear();
    }
  });

  it('cancelling on the sign-in page, or in Schakel, is "sign-in cancelled"', async () => {
    const auth = new MicrosoftAuth(config());
    const { settled } = await signIn(auth, 'cancel');
    expect(settled.ok).toBe(false);
    expect((settled as { e: MicrosoftAuthError }).e.code).toBe('ms_sign_in_cancelled');
    expect(await auth.accounts()).toEqual([]);

    const controller = new AbortController();
    let opened = '';
    const pending = auth.signIn({
      resource: 'outlook', signal: controller.signal,
      openBrowser: async (url) => {
        opened = url;
        setTimeout(() => controller.abort(), 50);
      },
    });
    const err = await pending.catch((e: unknown) => e);
    expect(opened).toContain('/oauth2/v2.0/authorize');
    expect((err as MicrosoftAuthError).code).toBe('ms_sign_in_cancelled');
    expect(auth.signInUrl).toBeNull();
  });

  it('an unknown account is told so on the sign-in page and nothing reaches the app', async () => {
    const auth = new MicrosoftAuth(config({ signInTimeoutMs: 1000 }));
    let page = '';
    const err = await auth.signIn({
      resource: 'outlook',
      openBrowser: async (url) => {
        page = (await signInWithoutBrowser(ca, url, { username: 'onbekend@jvon.nl' })).text;
      },
    }).catch((e: unknown) => e);
    expect(page).toContain('AADSTS50034');
    expect((err as MicrosoftAuthError).code).toBe('ms_sign_in_cancelled');
  });

  it('without a signed-in account, getting a token asks to sign in first', async () => {
    const auth = new MicrosoftAuth(config());
    const err = await auth.getAccessToken('outlook').catch((e: unknown) => e);
    expect((err as MicrosoftAuthError).code).toBe('ms_not_signed_in');
    expect((err as MicrosoftAuthError).messages.nl).toContain('Meld je eerst aan');
  });

  it('the stand-in enforces PKCE: no challenge, no sign-in page; a wrong verifier gets no token', async () => {
    const base = `${idp.authority}/oauth2/v2.0/authorize`;
    const q = new URLSearchParams({
      client_id: idp.clientId, response_type: 'code', redirect_uri: 'http://localhost:1234', response_mode: 'form_post',
      scope: 'openid offline_access https://outlook.office.com/SMTP.Send', state: 's1',
    });
    const withoutPkce = await (await ca.fetch(`${base}?${q.toString()}`)).text();
    expect(withoutPkce).toContain('invalid_request');
    expect(withoutPkce).not.toContain('name="username"');

    const verifier = randomBytes(32).toString('base64url');
    const challenge = createHash('sha256').update(verifier).digest('base64url');
    q.set('code_challenge', challenge);
    q.set('code_challenge_method', 'S256');
    const page = await (await ca.fetch(`${base}?${q.toString()}`)).text();
    const request = /name="request" value="([^"]+)"/.exec(page)![1]!;
    const posted = await (await ca.fetch(`${base}/signin`, {
      method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ request, action: 'signin', username: 'secretariaat@jvon.nl' }).toString(),
    })).text();
    const code = /name="code" value="([^"]+)"/.exec(posted)![1]!;
    const redeem = (codeVerifier: string) => ca.fetch(`${idp.authority}/oauth2/v2.0/token`, {
      method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        client_id: idp.clientId, grant_type: 'authorization_code', code, redirect_uri: 'http://localhost:1234',
        code_verifier: codeVerifier, scope: 'openid offline_access https://outlook.office.com/SMTP.Send',
      }).toString(),
    });
    const wrong = await redeem(randomBytes(32).toString('base64url'));
    expect(wrong.status).toBe(400);
    expect(await wrong.json()).toMatchObject({ error: 'invalid_grant', error_codes: [50148] });
    // The code is spent by the failed attempt, as single-use codes are.
    expect((await redeem(verifier)).status).toBe(400);
  });
});
