import nodemailer from 'nodemailer';
import { ImapFlow } from 'imapflow';
import type { Context } from '../../store/context';
import { secretPath } from '../../store/secrets';
import { CommandError } from '../../shared/errors';
import type { MicrosoftSignInState, MicrosoftStatus, MicrosoftTestResult } from '../../shared/microsoft';
import { effectiveMicrosoft, getMicrosoftSettings, MICROSOFT_CACHE_FILE, saveMicrosoftSettings } from '../microsoft';
import { MicrosoftAuth, type MicrosoftResource, type MicrosoftToken } from './auth';
import { encryptedCachePlugin, fileSealedStorage, memorySealedStorage, type KeyStore } from './cache';
import { microsoftImapOptions, microsoftSmtpOptions, type EndpointOverride } from './endpoints';
import { MicrosoftAuthError, mapMicrosoftError, mapMicrosoftSmtpReply } from './errors';
import { GraphClient } from './graph-client';
import type { FetchLike } from './http';

export interface MicrosoftStartOptions {
  /** Desktop: Electron's safeStorage; the token cache is then sealed into a file in the data folder. Absent: memory only. */
  keyStore?: KeyStore;
  /** Desktop: opens the sign-in page in the system browser (shell.openExternal). Absent: the renderer opens it. */
  openExternal?: (url: string) => Promise<void>;
  /** Tests only: the identity stand-in (default env SCHAKEL_MS_AUTHORITY_HOST). */
  authorityHost?: string;
  /** Tests only: HTTP that trusts the stand-ins' CA (MSAL and Graph). */
  fetch?: FetchLike;
  /** Tests only: the Graph stand-in's base URL. */
  graphBaseUrl?: string;
  /** Tests only: the SMTP and IMAP stand-ins. */
  smtp?: EndpointOverride;
  imap?: EndpointOverride & { secure?: boolean };
  signInTimeoutMs?: number;
}

export interface MicrosoftDeps {
  /** The mailbox folder the connection test opens. */
  mailboxFolder: () => Promise<string>;
}

const NOT_CONFIGURED = {
  nl: 'Er is nog geen app-registratie voor Microsoft 365 ingesteld. Vul de client-id en tenant in (of laat ICT SCHAKEL_MS_CLIENT_ID en SCHAKEL_MS_TENANT zetten).',
  en: 'No Microsoft 365 app registration has been set up yet. Fill in the client id and tenant (or have ICT set SCHAKEL_MS_CLIENT_ID and SCHAKEL_MS_TENANT).',
};

const OK_SENDING = {
  nl: 'De verbinding werkt: Schakel kan met dit Microsoft-account mail versturen.',
  en: 'The connection works: Schakel can send mail with this Microsoft account.',
};
const OK_MAILBOX = {
  nl: 'De verbinding werkt: Schakel kan het postvak van dit Microsoft-account lezen.',
  en: 'The connection works: Schakel can read the mailbox of this Microsoft account.',
};

function errorView(error: unknown): MicrosoftSignInState['error'] {
  const e = mapMicrosoftError(error);
  return { code: e.code, message: e.messages, detail: e.detail };
}

function failed(error: unknown): MicrosoftTestResult {
  const smtp = error && typeof error === 'object' && 'responseCode' in error ? mapMicrosoftSmtpReply(error as { responseCode?: number; response?: string; message?: string }) : null;
  const e = smtp ?? mapMicrosoftError(error);
  const detail = e.detail || (error instanceof Error ? error.message : String(error));
  return { ok: false, code: e.code, message: e.messages, detail };
}

/** Microsoft 365 sign-in (MSAL) of one running core: the account, its tokens and the sign-in in progress. */
export class MicrosoftService {
  private authValue: MicrosoftAuth | null = null;
  private authKey = '';
  private signInState: MicrosoftSignInState = { state: 'idle', url: null, error: null };
  private done: Promise<void> | null = null;

  constructor(private readonly ctx: Context, private readonly deps: MicrosoftDeps, readonly options: MicrosoftStartOptions = {}) {}

  /** The MicrosoftAuth for the saved app registration (rebuilt when client id or tenant change); null when not configured. */
  async auth(): Promise<MicrosoftAuth | null> {
    const o = this.options;
    const { clientId, tenant } = effectiveMicrosoft(await getMicrosoftSettings(this.ctx.db));
    if (!clientId) return null;
    const key = `${clientId}|${tenant}`;
    if (!this.authValue || this.authKey !== key) {
      const storage = o.keyStore ? fileSealedStorage(secretPath(this.ctx.dataDir, MICROSOFT_CACHE_FILE)) : memorySealedStorage();
      if (this.authValue && o.keyStore) storage.remove();
      this.authValue = new MicrosoftAuth({
        clientId, tenant,
        authorityHost: o.authorityHost ?? (process.env.SCHAKEL_MS_AUTHORITY_HOST?.trim() || undefined),
        fetch: o.fetch,
        signInTimeoutMs: o.signInTimeoutMs,
        cachePlugin: o.keyStore
          ? encryptedCachePlugin(o.keyStore, storage)
          : encryptedCachePlugin({ encryptString: (s) => Buffer.from(s), decryptString: (b) => b.toString() }, storage),
      });
      this.authKey = key;
    }
    return this.authValue;
  }

  /**
   * A valid access token for the saved account (silently renewed). For the send worker and the
   * mailbox: 'outlook' for SMTP/IMAP XOAUTH2, 'graph' for Microsoft Graph. Throws MicrosoftAuthError
   * (ms_not_signed_in, ms_sign_in_again, …) when the user must act.
   */
  async accessToken(resource: MicrosoftResource, options: { forceRefresh?: boolean } = {}): Promise<MicrosoftToken> {
    const auth = await this.auth();
    if (!auth) throw new MicrosoftAuthError('ms_not_signed_in', 'not configured');
    return auth.getAccessToken(resource, options);
  }

  /** Test-only endpoint overrides and HTTP client, for building transports and mailbox readers. */
  endpoints(): Pick<MicrosoftStartOptions, 'fetch' | 'graphBaseUrl' | 'smtp' | 'imap'> {
    const o = this.options;
    return { fetch: o.fetch, graphBaseUrl: o.graphBaseUrl, smtp: o.smtp, imap: o.imap };
  }

  /** Whether the mailbox goes through the Microsoft 365 account (then the IMAP host and password are not used). */
  async mailbox(): Promise<{ method: 'imap' | 'graph'; configured: boolean } | null> {
    const s = await getMicrosoftSettings(this.ctx.db);
    if (s.mailboxProvider !== 'microsoft') return null;
    return { method: s.mailboxMethod, configured: effectiveMicrosoft(s).clientId !== '' };
  }

  async status(): Promise<MicrosoftStatus> {
    const settings = await getMicrosoftSettings(this.ctx.db);
    const effective = effectiveMicrosoft(settings);
    const auth = await this.auth();
    const account = auth ? (await auth.accounts())[0] ?? null : null;
    return {
      settings, effective, configured: effective.clientId !== '',
      account: account ? { username: account.username, name: account.name } : null,
      persistentCache: Boolean(this.options.keyStore),
      signIn: { ...this.signInState },
    };
  }

  async saveSettings(input: Parameters<typeof saveMicrosoftSettings>[1]): Promise<MicrosoftStatus> {
    await saveMicrosoftSettings(this.ctx.db, input);
    return this.status();
  }

  async startSignIn(): Promise<MicrosoftSignInState> {
    const settings = await getMicrosoftSettings(this.ctx.db);
    const auth = await this.auth();
    if (!auth) throw new CommandError('not_configured', NOT_CONFIGURED);
    const resource: MicrosoftResource = settings.sendProvider === 'microsoft' && settings.sendMethod === 'graph' ? 'graph' : 'outlook';
    let opened!: () => void;
    const urlReady = new Promise<void>((resolve) => (opened = resolve));
    this.signInState = { state: 'waiting', url: null, error: null };
    const attempt = auth.signIn({
      resource,
      openBrowser: async (url) => {
        this.signInState = { state: 'waiting', url, error: null };
        opened();
        if (this.options.openExternal) await this.options.openExternal(url);
      },
    });
    this.done = attempt.then(
      () => { this.signInState = { state: 'done', url: null, error: null }; },
      (error: unknown) => { this.signInState = { state: 'failed', url: null, error: errorView(error) }; opened(); },
    );
    await urlReady;
    return { ...this.signInState };
  }

  async waitSignIn(timeoutMs: number): Promise<MicrosoftStatus> {
    if (this.signInState.state === 'waiting' && this.done) {
      await Promise.race([this.done, new Promise((resolve) => setTimeout(resolve, timeoutMs).unref?.())]);
    }
    return this.status();
  }

  async cancelSignIn(): Promise<MicrosoftStatus> {
    if (this.authValue && this.signInState.state === 'waiting') {
      await this.authValue.cancelSignIn();
      await this.done;
    }
    return this.status();
  }

  async signOut(): Promise<MicrosoftStatus> {
    const auth = await this.auth();
    if (auth) await auth.signOut();
    this.signInState = { state: 'idle', url: null, error: null };
    return this.status();
  }

  /** "Verbinding testen": a silent token, then an SMTP XOAUTH2 login, an IMAP login and folder, or a Graph GET. Nothing is sent. */
  async test(purpose: 'sending' | 'mailbox'): Promise<MicrosoftTestResult> {
    const s = await getMicrosoftSettings(this.ctx.db);
    const o = this.options;
    const graph = purpose === 'sending' ? s.sendMethod === 'graph' : s.mailboxMethod === 'graph';
    let token: MicrosoftToken;
    try {
      token = await this.accessToken(graph ? 'graph' : 'outlook');
    } catch (error) {
      return failed(error);
    }
    const user = token.account.username;
    try {
      if (graph) {
        const client = new GraphClient({
          baseUrl: o.graphBaseUrl, fetch: o.fetch, timeoutMs: 15_000,
          getAccessToken: async ({ forceRefresh }) => (forceRefresh ? (await this.accessToken('graph', { forceRefresh })).accessToken : token.accessToken),
        });
        await client.json('GET', '/me/mailFolders/inbox');
      } else if (purpose === 'sending') {
        const transport = nodemailer.createTransport({ ...microsoftSmtpOptions(user, token.accessToken, o.smtp), connectionTimeout: 15_000 });
        try {
          await transport.verify();
        } finally {
          transport.close();
        }
      } else {
        const client = new ImapFlow({ ...microsoftImapOptions(user, token.accessToken, o.imap) });
        await client.connect();
        try {
          await client.mailboxOpen((await this.deps.mailboxFolder()) || 'INBOX', { readOnly: true });
        } finally {
          await client.logout().catch(() => client.close());
        }
      }
    } catch (error) {
      return failed(error);
    }
    return { ok: true, code: null, message: purpose === 'sending' ? OK_SENDING : OK_MAILBOX, detail: user };
  }
}
