import { createHash, randomBytes, randomUUID } from 'node:crypto';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createLocalJWKSet, exportJWK, generateKeyPair, jwtVerify, SignJWT, type JSONWebKeySet, type JWTPayload } from 'jose';
import { MicrosoftAuth, type MicrosoftResource } from '../../db/mail/microsoft/auth';
import type { TestCa } from './ms-tls';

/**
 * A local stand-in for the Microsoft identity platform (v2.0 endpoints of one tenant) over HTTPS
 * on 127.0.0.1: OpenID metadata, /authorize with PKCE and a sign-in page, /token (authorization
 * code and refresh token grants), JWKS, and RFC 7662 introspection for dovecot. Errors have the
 * shape Microsoft documents (`error`, `error_description` starting with AADSTS…, `error_codes`).
 */

export interface MsUser {
  username: string;
  name: string;
  oid: string;
}

export const OUTLOOK_RESOURCE = 'https://outlook.office.com';
export const GRAPH_RESOURCE = 'https://graph.microsoft.com';

export type RevokeCode = 50173 | 700082;
export type ConsentCode = 65001 | 90094;

interface PendingAuthorize {
  clientId: string;
  redirectUri: string;
  scope: string;
  state: string;
  nonce: string;
  challenge: string;
}

interface IssuedCode extends PendingAuthorize {
  user: MsUser;
  expiresAt: number;
}

interface RefreshGrant {
  user: MsUser;
  clientId: string;
  revoked: RevokeCode | null;
}

export interface IdentityRequest {
  method: string;
  path: string;
  grantType?: string;
  scope?: string;
}

export interface IdentityOptions {
  ca: TestCa;
  tenant?: string;
  clientId?: string;
  users?: MsUser[];
  /** Access token lifetime in seconds (default 3600). */
  accessTokenLifetime?: number;
}

const OIDC_SCOPES = new Set(['openid', 'profile', 'offline_access', 'email']);

/** The resource a scope belongs to; unqualified scopes are Microsoft Graph's, as Microsoft treats them. */
export function resourceOf(scope: string): string {
  const m = /^(https:\/\/[^/]+)\//.exec(scope);
  return m ? m[1]! : GRAPH_RESOURCE;
}

function shortScope(scope: string): string {
  return scope.replace(/^https:\/\/[^/]+\//, '');
}

function base64url(data: Buffer | string): string {
  return Buffer.from(data).toString('base64url');
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export class MsIdentity {
  readonly tenant: string;
  readonly tenantId = randomUUID();
  readonly clientId: string;
  readonly users: MsUser[];
  accessTokenLifetime: number;
  /** Every request the stand-in answered, in order. */
  readonly requests: IdentityRequest[] = [];
  /** Resources whose permissions still need (admin) consent, with the AADSTS code to answer. */
  readonly consentMissing = new Map<string, ConsentCode>();
  origin = '';

  private server: https.Server | null = null;
  private privateKey!: Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];
  private jwks!: JSONWebKeySet;
  private readonly kid = randomBytes(8).toString('hex');
  private readonly pending = new Map<string, PendingAuthorize>();
  private readonly codes = new Map<string, IssuedCode>();
  private readonly refreshTokens = new Map<string, RefreshGrant>();
  private readonly accessTokens = new Set<string>();

  constructor(private readonly options: IdentityOptions) {
    this.tenant = options.tenant ?? 'jvon.onmicrosoft.com';
    this.clientId = options.clientId ?? randomUUID();
    this.users = options.users ?? [{ username: 'secretariaat@jvon.nl', name: 'Secretariaat JVON', oid: randomUUID() }];
    this.accessTokenLifetime = options.accessTokenLifetime ?? 3600;
  }

  /** `https://127.0.0.1:<port>/<tenant>`: what MSAL gets as its authority. */
  get authority(): string {
    return `${this.origin}/${this.tenant}`;
  }

  get host(): string {
    return new URL(this.origin).host;
  }

  get jwksUri(): string {
    return `${this.origin}/${this.tenant}/discovery/v2.0/keys`;
  }

  get introspectionUrl(): string {
    return `${this.origin}/${this.tenant}/oauth2/v2.0/introspect`;
  }

  async start(): Promise<this> {
    const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
    this.privateKey = privateKey;
    this.jwks = { keys: [{ ...(await exportJWK(publicKey)), kid: this.kid, use: 'sig', alg: 'RS256' }] };
    const server = https.createServer({ key: this.options.ca.keyPem, cert: this.options.ca.certPem }, (req, res) => {
      this.handle(req, res).catch((error: unknown) => {
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
        res.end(String(error));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.server = server;
    this.origin = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (!server) return;
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }

  user(username: string): MsUser | undefined {
    return this.users.find((u) => u.username.toLowerCase() === username.toLowerCase());
  }

  /** Revokes every refresh token (of one user, or all): the next refresh answers AADSTS50173 or 700082. */
  revokeRefreshTokens(code: RevokeCode = 50173, username?: string): void {
    for (const grant of this.refreshTokens.values()) {
      if (!username || grant.user.username === username) grant.revoked = code;
    }
  }

  /** Signs an access token directly (tests: a token for another user, an expired one, another audience). */
  async issueAccessToken(user: MsUser, scopes: string[], options: { lifetime?: number; audience?: string; issuedAt?: number } = {}): Promise<string> {
    const now = options.issuedAt ?? Math.floor(Date.now() / 1000);
    const lifetime = options.lifetime ?? this.accessTokenLifetime;
    const token = await new SignJWT({
      scp: scopes.map(shortScope).join(' '),
      upn: user.username,
      preferred_username: user.username,
      unique_name: user.username,
      name: user.name,
      oid: user.oid,
      tid: this.tenantId,
      appid: this.clientId,
      ver: '1.0',
    })
      .setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid: this.kid })
      .setIssuer(`https://sts.windows.net/${this.tenantId}/`)
      .setAudience(options.audience ?? resourceOf(scopes[0] ?? OUTLOOK_RESOURCE))
      .setSubject(user.oid)
      .setIssuedAt(now)
      .setNotBefore(now - 5)
      .setExpirationTime(now + lifetime)
      .setJti(randomUUID())
      .sign(this.privateKey);
    this.accessTokens.add(token);
    return token;
  }

  /** Checks signature, expiry and audience the way a resource server does; returns the claims. */
  async verifyAccessToken(token: string, audience: string): Promise<JWTPayload & { scp?: string; upn?: string }> {
    const { payload } = await jwtVerify(token, createLocalJWKSet(this.jwks), {
      issuer: `https://sts.windows.net/${this.tenantId}/`,
      audience,
      algorithms: ['RS256'],
      clockTolerance: 0,
    });
    return payload as JWTPayload & { scp?: string; upn?: string };
  }

  private json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...headers });
    res.end(JSON.stringify(body));
  }

  private aadError(res: ServerResponse, status: number, error: string, code: number, description: string, suberror?: string): void {
    const traceId = randomUUID();
    const correlationId = randomUUID();
    this.json(res, status, {
      error,
      error_description: `AADSTS${code}: ${description} Trace ID: ${traceId} Correlation ID: ${correlationId} Timestamp: ${new Date().toISOString()}`,
      error_codes: [code],
      timestamp: new Date().toISOString().replace('T', ' ').replace('Z', 'Z'),
      trace_id: traceId,
      correlation_id: correlationId,
      error_uri: `${this.origin}/error?code=${code}`,
      ...(suberror ? { suberror } : {}),
    });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.origin);
    const method = req.method ?? 'GET';
    const base = `/${this.tenant}`;
    const record: IdentityRequest = { method, path: url.pathname };
    this.requests.push(record);
    const p = url.pathname;
    if (method === 'GET' && (p === `${base}/v2.0/.well-known/openid-configuration` || p === `/${this.tenantId}/v2.0/.well-known/openid-configuration`)) {
      return this.json(res, 200, this.openIdConfiguration());
    }
    if (method === 'GET' && p === `${base}/discovery/v2.0/keys`) return this.json(res, 200, this.jwks);
    if (method === 'GET' && p === `${base}/oauth2/v2.0/authorize`) return this.authorize(url, res);
    if (method === 'POST' && p === `${base}/oauth2/v2.0/authorize/signin`) return this.signIn(new URLSearchParams(await readBody(req)), res);
    if (method === 'POST' && p === `${base}/oauth2/v2.0/token`) {
      const form = new URLSearchParams(await readBody(req));
      record.grantType = form.get('grant_type') ?? undefined;
      record.scope = form.get('scope') ?? undefined;
      return this.token(form, res);
    }
    if (method === 'POST' && p === `${base}/oauth2/v2.0/introspect`) return this.introspect(new URLSearchParams(await readBody(req)), res);
    this.json(res, 404, { error: 'not_found' });
  }

  private openIdConfiguration(): Record<string, unknown> {
    const t = `${this.origin}/${this.tenantId}`;
    const b = `${this.origin}/${this.tenant}`;
    return {
      token_endpoint: `${b}/oauth2/v2.0/token`,
      token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
      jwks_uri: this.jwksUri,
      response_modes_supported: ['query', 'fragment', 'form_post'],
      subject_types_supported: ['pairwise'],
      id_token_signing_alg_values_supported: ['RS256'],
      response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
      scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
      issuer: `${t}/v2.0`,
      request_uri_parameter_supported: false,
      userinfo_endpoint: `${this.origin}/oidc/userinfo`,
      authorization_endpoint: `${b}/oauth2/v2.0/authorize`,
      device_authorization_endpoint: `${b}/oauth2/v2.0/devicecode`,
      http_logout_supported: true,
      frontchannel_logout_supported: true,
      end_session_endpoint: `${b}/oauth2/v2.0/logout`,
      claims_supported: ['sub', 'iss', 'aud', 'exp', 'iat', 'nonce', 'preferred_username', 'name', 'tid', 'ver', 'oid'],
      kerberos_endpoint: `${b}/kerberos`,
      introspection_endpoint: this.introspectionUrl,
      code_challenge_methods_supported: ['S256'],
      tenant_region_scope: 'EU',
      cloud_instance_name: 'microsoftonline.com',
      cloud_graph_host_name: 'graph.windows.net',
      msgraph_host: 'graph.microsoft.com',
    };
  }

  private formPost(res: ServerResponse, redirectUri: string, fields: Record<string, string>): void {
    const inputs = Object.entries(fields)
      .map(([k, v]) => `<input type="hidden" name="${escapeHtml(k)}" value="${escapeHtml(v)}">`)
      .join('');
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(`<!doctype html><html><head><title>Working...</title></head><body>
<form method="POST" name="hiddenform" action="${escapeHtml(redirectUri)}">${inputs}
<noscript><p>Script is disabled. Click Submit to continue.</p><input type="submit" value="Submit"></noscript></form>
<script>document.forms.hiddenform.submit();</script></body></html>`);
  }

  private authorize(url: URL, res: ServerResponse): void {
    const q = url.searchParams;
    const clientId = q.get('client_id') ?? '';
    const redirectUri = q.get('redirect_uri') ?? '';
    const page = (status: number, text: string) => {
      res.writeHead(status, { 'content-type': 'text/html; charset=utf-8' });
      res.end(`<!doctype html><html><body><h1>Sign in</h1><p id="error">${escapeHtml(text)}</p></body></html>`);
    };
    if (clientId !== this.clientId) {
      return page(400, `AADSTS700016: Application with identifier '${clientId}' was not found in the directory '${this.tenant}'.`);
    }
    if (!/^http:\/\/localhost(:\d+)?\/?$/.test(redirectUri)) {
      return page(400, `AADSTS50011: The redirect URI '${redirectUri}' specified in the request does not match the redirect URIs configured for the application.`);
    }
    const responseMode = q.get('response_mode') ?? 'query';
    const state = q.get('state') ?? '';
    const fail = (error: string, description: string) => {
      if (responseMode === 'form_post') return this.formPost(res, redirectUri, { error, error_description: description, state });
      const to = new URL(redirectUri);
      to.search = new URLSearchParams({ error, error_description: description, state }).toString();
      res.writeHead(302, { location: to.toString() });
      res.end();
    };
    if (q.get('response_type') !== 'code') return fail('unsupported_response_type', 'AADSTS70005: response_type is not supported.');
    const challenge = q.get('code_challenge') ?? '';
    if (q.get('code_challenge_method') !== 'S256' || !/^[A-Za-z0-9_-]{43}$/.test(challenge)) {
      return fail('invalid_request', 'AADSTS9002325: Proof Key for Code Exchange is required for cross-origin authorization code redemption.');
    }
    const id = randomBytes(16).toString('hex');
    this.pending.set(id, { clientId, redirectUri, scope: q.get('scope') ?? '', state, nonce: q.get('nonce') ?? '', challenge });
    this.signInPage(res, id, q.get('login_hint') ?? '', '');
  }

  private signInPage(res: ServerResponse, id: string, hint: string, error: string): void {
    const options = this.users.map((u) => `<option value="${escapeHtml(u.username)}"></option>`).join('');
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(`<!doctype html><html lang="nl"><head><meta charset="utf-8"><title>Aanmelden bij je account</title></head><body>
<h1>Aanmelden</h1>
<form method="POST" action="/${escapeHtml(this.tenant)}/oauth2/v2.0/authorize/signin">
<input type="hidden" name="request" value="${id}">
<label for="username">E-mail, telefoon of Skype</label>
<input id="username" name="username" type="email" list="accounts" value="${escapeHtml(hint)}" autocomplete="username">
<datalist id="accounts">${options}</datalist>
${error ? `<p id="usernameError" role="alert">${escapeHtml(error)}</p>` : ''}
<button type="submit" name="action" value="signin" id="idSIButton9">Aanmelden</button>
<button type="submit" name="action" value="cancel" id="idBtn_Back">Annuleren</button>
</form></body></html>`);
  }

  private signIn(form: URLSearchParams, res: ServerResponse): void {
    const id = form.get('request') ?? '';
    const pending = this.pending.get(id);
    if (!pending) {
      res.writeHead(400, { 'content-type': 'text/plain' });
      res.end('AADSTS90014: The request has expired or is unknown.');
      return;
    }
    if (form.get('action') === 'cancel') {
      this.pending.delete(id);
      return this.formPost(res, pending.redirectUri, {
        error: 'access_denied',
        error_description: 'AADSTS65004: User declined to consent to access the app.',
        state: pending.state,
      });
    }
    const username = form.get('username') ?? '';
    const user = this.user(username);
    if (!user) {
      return this.signInPage(res, id, username,
        'AADSTS50034: Dit account bestaat niet in deze organisatie. / This account does not exist in this organisation.');
    }
    this.pending.delete(id);
    const missing = this.missingConsent(pending.scope.split(' '));
    if (missing) {
      return this.formPost(res, pending.redirectUri, {
        error: 'consent_required',
        error_description: missing === 90094
          ? 'AADSTS90094: The grant requires admin permission.'
          : `AADSTS65001: The user or administrator has not consented to use the application with ID '${this.clientId}'. Send an interactive authorization request for this user and resource.`,
        state: pending.state,
      });
    }
    const code = base64url(randomBytes(32));
    this.codes.set(code, { ...pending, user, expiresAt: Date.now() + 10 * 60_000 });
    this.formPost(res, pending.redirectUri, {
      code,
      client_info: this.clientInfo(user),
      state: pending.state,
      session_state: randomUUID(),
    });
  }

  private missingConsent(scopes: string[]): ConsentCode | null {
    for (const s of scopes) {
      if (OIDC_SCOPES.has(s) || !s) continue;
      const code = this.consentMissing.get(resourceOf(s));
      if (code) return code;
    }
    return null;
  }

  private clientInfo(user: MsUser): string {
    return base64url(JSON.stringify({ uid: user.oid, utid: this.tenantId }));
  }

  private async token(form: URLSearchParams, res: ServerResponse): Promise<void> {
    const clientId = form.get('client_id') ?? '';
    if (clientId !== this.clientId) {
      return this.aadError(res, 400, 'unauthorized_client', 700016, `Application with identifier '${clientId}' was not found in the directory '${this.tenant}'.`);
    }
    const scopes = (form.get('scope') ?? '').split(' ').filter((s) => s && !OIDC_SCOPES.has(s));
    const resources = new Set(scopes.map(resourceOf));
    if (resources.size > 1) {
      return this.aadError(res, 400, 'invalid_request', 28000,
        'Provided value for the input parameter scope is not valid because it contains more than one resource. Scope ' +
        `${form.get('scope')} is not valid.`);
    }
    const grantType = form.get('grant_type');
    let user: MsUser;
    let nonce = '';
    if (grantType === 'authorization_code') {
      const code = form.get('code') ?? '';
      const issued = this.codes.get(code);
      this.codes.delete(code);
      if (!issued || issued.expiresAt < Date.now()) {
        return this.aadError(res, 400, 'invalid_grant', 70008, 'The provided authorization code or refresh token has expired due to inactivity. Send a new interactive authorization request for this user and resource.');
      }
      if (issued.redirectUri !== form.get('redirect_uri')) {
        return this.aadError(res, 400, 'invalid_grant', 50011, 'The redirect URI specified in the request does not match the redirect URI used to obtain the authorization code.');
      }
      const verifier = form.get('code_verifier') ?? '';
      if (!verifier || base64url(createHash('sha256').update(verifier).digest()) !== issued.challenge) {
        return this.aadError(res, 400, 'invalid_grant', 50148, 'The code_verifier provided does not match the code_challenge supplied in the authorization request for PKCE.');
      }
      user = issued.user;
      nonce = issued.nonce;
    } else if (grantType === 'refresh_token') {
      const rt = form.get('refresh_token') ?? '';
      const grant = this.refreshTokens.get(rt);
      if (!grant || grant.clientId !== clientId) {
        return this.aadError(res, 400, 'invalid_grant', 9002313, 'Invalid request. Request is malformed or invalid.');
      }
      if (grant.revoked === 50173) {
        return this.aadError(res, 400, 'invalid_grant', 50173,
          'The provided grant has expired due to it being revoked, a fresh auth token is needed. The user might have changed or reset their password.');
      }
      if (grant.revoked === 700082) {
        return this.aadError(res, 400, 'invalid_grant', 700082,
          'The refresh token has expired due to inactivity. The token was issued on 2026-08-01T09:00:00Z and was inactive for 90.00:00:00.');
      }
      user = grant.user;
      // Rotation: the old refresh token stays valid (as Microsoft's do) until it is revoked.
    } else if (grantType === 'urn:ietf:params:oauth:grant-type:device_code') {
      return this.aadError(res, 400, 'invalid_grant', 50199, 'Device code flow is blocked by Conditional Access policy.');
    } else {
      return this.aadError(res, 400, 'unsupported_grant_type', 70003, `The app requested an unsupported grant type '${grantType}'.`);
    }
    const missing = this.missingConsent(scopes);
    if (missing) {
      return this.aadError(res, 400, 'invalid_grant', missing,
        missing === 90094
          ? 'The grant requires admin permission.'
          : `The user or administrator has not consented to use the application with ID '${this.clientId}'. Send an interactive authorization request for this user and resource.`,
        'consent_required');
    }
    const now = Math.floor(Date.now() / 1000);
    const granted = scopes.length ? scopes : ['https://graph.microsoft.com/User.Read'];
    const accessToken = await this.issueAccessToken(user, granted);
    const refreshToken = `0.A${base64url(randomBytes(48))}`;
    this.refreshTokens.set(refreshToken, { user, clientId, revoked: null });
    const idToken = await new SignJWT({
      name: user.name,
      preferred_username: user.username,
      oid: user.oid,
      tid: this.tenantId,
      ver: '2.0',
      ...(nonce ? { nonce } : {}),
    })
      .setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid: this.kid })
      .setIssuer(`${this.origin}/${this.tenantId}/v2.0`)
      .setAudience(clientId)
      .setSubject(base64url(createHash('sha256').update(user.oid).digest()).slice(0, 43))
      .setIssuedAt(now)
      .setNotBefore(now)
      .setExpirationTime(now + 3600)
      .sign(this.privateKey);
    this.json(res, 200, {
      token_type: 'Bearer',
      scope: granted.join(' '),
      expires_in: this.accessTokenLifetime,
      ext_expires_in: this.accessTokenLifetime,
      access_token: accessToken,
      refresh_token: refreshToken,
      id_token: idToken,
      client_info: this.clientInfo(user),
    });
  }

  /** RFC 7662: `active` only for a token this stand-in signed, unexpired. */
  private async introspect(form: URLSearchParams, res: ServerResponse): Promise<void> {
    const token = form.get('token') ?? '';
    try {
      const { payload } = await jwtVerify(token, createLocalJWKSet(this.jwks), { algorithms: ['RS256'], clockTolerance: 0 });
      const claims = payload as JWTPayload & { scp?: string; upn?: string };
      this.json(res, 200, {
        active: true,
        scope: claims.scp ?? '',
        client_id: this.clientId,
        username: claims.upn ?? '',
        token_type: 'Bearer',
        exp: claims.exp,
        iat: claims.iat,
        sub: claims.sub,
        aud: claims.aud,
        iss: claims.iss,
      });
    } catch {
      this.json(res, 200, { active: false });
    }
  }
}

export async function startIdentity(options: IdentityOptions): Promise<MsIdentity> {
  return new MsIdentity(options).start();
}

/**
 * What a person does in the browser, without one: opens the sign-in URL, picks an account (or
 * cancels), and lets the page's form post carry the answer to the app's loopback redirect.
 * Returns the loopback's answer text.
 */
export async function signInWithoutBrowser(
  ca: TestCa,
  authorizeUrl: string,
  choice: { username: string } | 'cancel',
): Promise<{ status: number; text: string; signInPage: string }> {
  const page = await ca.fetch(authorizeUrl);
  const html = await page.text();
  const action = /<form method="POST" action="([^"]+)"/.exec(html)?.[1];
  const request = /name="request" value="([^"]+)"/.exec(html)?.[1];
  if (!action || !request) throw new Error(`No sign-in form (${page.status}): ${html}`);
  const form = new URLSearchParams({ request, action: choice === 'cancel' ? 'cancel' : 'signin' });
  if (choice !== 'cancel') form.set('username', choice.username);
  const posted = await ca.fetch(new URL(action.replace(/&#38;/g, '&'), authorizeUrl).toString(), {
    method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form.toString(),
  });
  const result = await posted.text();
  const target = /action="([^"]+)"/.exec(result)?.[1];
  if (!target || !result.includes('hiddenform')) return { status: posted.status, text: result, signInPage: html };
  const fields = new URLSearchParams();
  for (const m of result.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) {
    fields.set(decodeHtml(m[1]!), decodeHtml(m[2]!));
  }
  const answer = await fetch(decodeHtml(target), {
    method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: fields.toString(),
  });
  return { status: answer.status, text: await answer.text(), signInPage: html };
}

function decodeHtml(s: string): string {
  return s.replace(/&#(\d+);/g, (_m, n: string) => String.fromCharCode(Number(n)));
}

/** A MicrosoftAuth pointed at the stand-in, already signed in as `username` (through the sign-in page). */
export async function signedInAuth(ca: TestCa, idp: MsIdentity, username = idp.users[0]!.username, resource: MicrosoftResource = 'outlook'): Promise<MicrosoftAuth> {
  const auth = new MicrosoftAuth({ clientId: idp.clientId, tenant: idp.tenant, authorityHost: idp.origin, fetch: ca.fetch });
  let page: Promise<unknown> = Promise.resolve();
  await auth.signIn({ resource, openBrowser: async (url) => void (page = signInWithoutBrowser(ca, url, { username })) });
  await page;
  return auth;
}
