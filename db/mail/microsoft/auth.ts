import { LogLevel, PublicClientApplication, type AccountInfo, type AuthenticationResult, type Configuration, type ICachePlugin } from '@azure/msal-node';
import { MicrosoftAuthError, mapMicrosoftError } from './errors';
import { fetchNetworkModule, type FetchLike } from './http';

export const MICROSOFT_AUTHORITY_HOST = 'https://login.microsoftonline.com';

/** How mail travels for a Microsoft 365 account; one access token per resource. */
export type MicrosoftResource = 'outlook' | 'graph';

/** Delegated scopes per resource: SMTP/IMAP over XOAUTH2, or Microsoft Graph. */
export const MICROSOFT_SCOPES: Record<MicrosoftResource, readonly string[]> = {
  outlook: ['https://outlook.office.com/SMTP.Send', 'https://outlook.office.com/IMAP.AccessAsUser.All', 'offline_access'],
  graph: ['Mail.Send', 'Mail.ReadWrite', 'offline_access'],
};

export interface MicrosoftAuthConfig {
  /** Application (client) id of the app registration in Microsoft Entra. */
  clientId: string;
  /** Tenant id or domain (e.g. `jvon.onmicrosoft.com`), or `organizations`. */
  tenant: string;
  /** Only for tests: a stand-in's `https://127.0.0.1:<port>`. MSAL then treats it as a known authority. */
  authorityHost?: string;
  /** Persists MSAL's cache (see `encryptedCachePlugin`); without it the cache lives in memory. */
  cachePlugin?: ICachePlugin;
  /** HTTP for MSAL (tests: a fetch that trusts the stand-in's CA). Defaults to MSAL's own client. */
  fetch?: FetchLike;
  /** Sees every URL MSAL requests. */
  onRequest?: (method: string, url: string) => void;
  /** How long a sign-in in the browser may take before it counts as cancelled (default 5 minutes). */
  signInTimeoutMs?: number;
}

export interface MicrosoftAccount {
  homeAccountId: string;
  username: string;
  name: string;
  tenantId: string;
}

export interface MicrosoftToken {
  accessToken: string;
  expiresOn: Date | null;
  scopes: string[];
  account: MicrosoftAccount;
}

export interface SignInOptions {
  resource: MicrosoftResource;
  /**
   * Opens the sign-in URL: `shell.openExternal` in the desktop shell; in browser mode the renderer
   * opens a tab with it. Resolve once it is opened, not when the sign-in ends.
   */
  openBrowser: (url: string) => Promise<void>;
  loginHint?: string;
  /** Aborting counts as "sign-in cancelled". */
  signal?: AbortSignal;
}

const SUCCESS_PAGE = `<!doctype html><html lang="nl"><meta charset="utf-8"><title>Schakel</title>
<body style="font-family:sans-serif;margin:3em"><h1>Aangemeld bij Microsoft</h1><p>Je kunt dit venster sluiten en teruggaan naar Schakel.</p>
<p lang="en">Signed in with Microsoft. You can close this window and return to Schakel.</p></body></html>`;
const ERROR_PAGE = `<!doctype html><html lang="nl"><meta charset="utf-8"><title>Schakel</title>
<body style="font-family:sans-serif;margin:3em"><h1>Aanmelden niet gelukt</h1><p>Ga terug naar Schakel; daar staat wat er mis is.</p>
<p lang="en">Sign-in did not succeed. Return to Schakel to see what went wrong.</p></body></html>`;

function toAccount(a: AccountInfo): MicrosoftAccount {
  return { homeAccountId: a.homeAccountId, username: a.username, name: a.name ?? a.username, tenantId: a.tenantId };
}

function toToken(r: AuthenticationResult): MicrosoftToken {
  if (!r.account) throw new MicrosoftAuthError('ms_unknown', 'token without account');
  return { accessToken: r.accessToken, expiresOn: r.expiresOn, scopes: r.scopes, account: toAccount(r.account) };
}

/**
 * Sign-in with Microsoft for one app registration: the authorization code flow with PKCE in the
 * system browser (MSAL's loopback redirect on http://localhost), then silent token renewal from
 * the cache. Never the device-code flow. Every failure is thrown as a MicrosoftAuthError.
 */
export class MicrosoftAuth {
  private readonly pca: PublicClientApplication;
  private pending: { url: string; cancel: () => Promise<void> } | null = null;

  constructor(private readonly config: MicrosoftAuthConfig) {
    const host = (config.authorityHost ?? MICROSOFT_AUTHORITY_HOST).replace(/\/+$/, '');
    const msal: Configuration = {
      auth: {
        clientId: config.clientId,
        authority: `${host}/${config.tenant}`,
        ...(config.authorityHost ? { knownAuthorities: [new URL(host).host] } : {}),
      },
      cache: config.cachePlugin ? { cachePlugin: config.cachePlugin } : undefined,
      system: {
        loggerOptions: { logLevel: LogLevel.Error, piiLoggingEnabled: false, loggerCallback: () => {} },
        ...(config.fetch || config.onRequest ? { networkClient: fetchNetworkModule(config.fetch ?? fetch, config.onRequest) } : {}),
      },
    };
    this.pca = new PublicClientApplication(msal);
  }

  /** The sign-in URL while a sign-in waits for the browser; null otherwise. */
  get signInUrl(): string | null {
    return this.pending?.url ?? null;
  }

  async accounts(): Promise<MicrosoftAccount[]> {
    return (await this.pca.getAllAccounts()).map(toAccount);
  }

  /** Interactive sign-in; resolves with the first token for `resource` and the account it belongs to. */
  async signIn(options: SignInOptions): Promise<MicrosoftToken> {
    if (this.pending) await this.pending.cancel();
    const timeout = setTimeout(() => void this.cancelSignIn(), this.config.signInTimeoutMs ?? 5 * 60_000);
    const onAbort = () => void this.cancelSignIn();
    options.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      if (options.signal?.aborted) throw new MicrosoftAuthError('ms_sign_in_cancelled', 'aborted');
      const result = await this.pca.acquireTokenInteractive({
        scopes: [...MICROSOFT_SCOPES[options.resource]],
        prompt: 'select_account',
        loginHint: options.loginHint,
        successTemplate: SUCCESS_PAGE,
        errorTemplate: ERROR_PAGE,
        openBrowser: async (url) => {
          this.pending = { url, cancel: () => answerLoopback(url) };
          await options.openBrowser(url);
        },
      });
      return toToken(result);
    } catch (error) {
      throw mapMicrosoftError(error);
    } finally {
      clearTimeout(timeout);
      options.signal?.removeEventListener('abort', onAbort);
      this.pending = null;
    }
  }

  /** Ends a waiting sign-in as cancelled (the user closed the tab, or gave up). */
  async cancelSignIn(): Promise<void> {
    const pending = this.pending;
    if (pending) await pending.cancel().catch(() => {});
  }

  /**
   * A valid access token for `resource` from the cache, renewed with the refresh token when it has
   * (nearly) expired. Call before every batch and every mailbox round. `forceRefresh` after a
   * server refused the token.
   */
  async getAccessToken(resource: MicrosoftResource, options: { username?: string; forceRefresh?: boolean } = {}): Promise<MicrosoftToken> {
    const accounts = await this.pca.getAllAccounts();
    const account = options.username
      ? accounts.find((a) => a.username.toLowerCase() === options.username!.toLowerCase())
      : accounts[0];
    if (!account) throw new MicrosoftAuthError('ms_not_signed_in', options.username ?? '');
    try {
      const result = await this.pca.acquireTokenSilent({
        account,
        scopes: [...MICROSOFT_SCOPES[resource]],
        forceRefresh: options.forceRefresh ?? false,
      });
      return toToken(result);
    } catch (error) {
      throw mapMicrosoftError(error);
    }
  }

  /** Forgets the account and its tokens (the encrypted cache is rewritten without them). */
  async signOut(username?: string): Promise<void> {
    const cache = this.pca.getTokenCache();
    for (const a of await cache.getAllAccounts()) {
      if (!username || a.username.toLowerCase() === username.toLowerCase()) await cache.removeAccount(a);
    }
  }
}

/** Posts "cancelled" to MSAL's loopback listener, as the sign-in page would; MSAL then rejects with access_denied. */
async function answerLoopback(authorizeUrl: string): Promise<void> {
  const q = new URL(authorizeUrl).searchParams;
  const redirectUri = q.get('redirect_uri');
  const state = q.get('state');
  if (!redirectUri || !state) return;
  const target = new URL(redirectUri);
  target.hostname = '127.0.0.1';
  await fetch(target, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ error: 'access_denied', error_description: 'Sign-in cancelled in Schakel', state }).toString(),
  });
}
