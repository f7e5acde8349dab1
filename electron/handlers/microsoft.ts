import nodemailer from 'nodemailer';
import { ImapFlow } from 'imapflow';
import { MicrosoftAuth, type MicrosoftResource, type MicrosoftToken } from '../../db/mail/microsoft/auth';
import { encryptedCachePlugin, fileSealedStorage, memorySealedStorage, type KeyStore } from '../../db/mail/microsoft/cache';
import { microsoftImapOptions, microsoftSmtpOptions, type EndpointOverride } from '../../db/mail/microsoft/endpoints';
import { MicrosoftAuthError, mapMicrosoftError, mapMicrosoftSmtpReply } from '../../db/mail/microsoft/errors';
import { GraphClient } from '../../db/mail/microsoft/graph-client';
import type { FetchLike } from '../../db/mail/microsoft/http';
import { secretPath } from '../../db/store/secrets';
import { checkMailbox, checkMailboxReader, getImapSettings, type CheckOptions, type InboxEnv } from '../../db/inbox/inbox';
import { GraphMailbox } from '../../db/mail/microsoft/graph-mailbox';
import { MICROSOFT_IMAP } from '../../db/mail/microsoft/endpoints';
import { effectiveMicrosoft, getMicrosoftSettings, MICROSOFT_CACHE_FILE, saveMicrosoftSettings } from '../../db/mail/microsoft';
import { CommandError } from '../../db/shared/errors';
import type { MicrosoftSignInState, MicrosoftStatus, MicrosoftTestResult, microsoftContract } from '../commands/microsoft.contract';
import type { Handlers } from '../commands/registry';
import type { ImapSettings, InboxCheckResult } from '../../db/inbox/types';
import type { Context } from '../../db/store/context';

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

interface MicrosoftRuntime {
  options: MicrosoftStartOptions;
  auth: MicrosoftAuth | null;
  authKey: string;
  signIn: MicrosoftSignInState;
  done: Promise<void> | null;
}

const runtimes = new WeakMap<Context, MicrosoftRuntime>();

const NOT_CONFIGURED = {
  nl: 'Er is nog geen app-registratie voor Microsoft 365 ingesteld. Vul de client-id en tenant in (of laat ICT SCHAKEL_MS_CLIENT_ID en SCHAKEL_MS_TENANT zetten).',
  en: 'No Microsoft 365 app registration has been set up yet. Fill in the client id and tenant (or have ICT set SCHAKEL_MS_CLIENT_ID and SCHAKEL_MS_TENANT).',
};

export function startMicrosoft(ctx: Context, options: MicrosoftStartOptions = {}): void {
  runtimes.set(ctx, { options, auth: null, authKey: '', signIn: { state: 'idle', url: null, error: null }, done: null });
}

function runtime(ctx: Context): MicrosoftRuntime {
  if (!runtimes.has(ctx)) startMicrosoft(ctx);
  return runtimes.get(ctx)!;
}

/** The MicrosoftAuth for the saved app registration (rebuilt when client id or tenant change); null when not configured. */
export async function microsoftAuthFor(ctx: Context): Promise<MicrosoftAuth | null> {
  const r = runtime(ctx);
  const { clientId, tenant } = effectiveMicrosoft(await getMicrosoftSettings(ctx.db));
  if (!clientId) return null;
  const key = `${clientId}|${tenant}`;
  if (!r.auth || r.authKey !== key) {
    const storage = r.options.keyStore ? fileSealedStorage(secretPath(ctx.dataDir, MICROSOFT_CACHE_FILE)) : memorySealedStorage();
    if (r.auth && r.options.keyStore) storage.remove();
    r.auth = new MicrosoftAuth({
      clientId, tenant,
      authorityHost: r.options.authorityHost ?? (process.env.SCHAKEL_MS_AUTHORITY_HOST?.trim() || undefined),
      fetch: r.options.fetch,
      signInTimeoutMs: r.options.signInTimeoutMs,
      cachePlugin: r.options.keyStore
        ? encryptedCachePlugin(r.options.keyStore, storage)
        : encryptedCachePlugin({ encryptString: (s) => Buffer.from(s), decryptString: (b) => b.toString() }, storage),
    });
    r.authKey = key;
  }
  return r.auth;
}

/**
 * A valid access token for the saved account (silently renewed). For the send worker and the
 * mailbox: 'outlook' for SMTP/IMAP XOAUTH2, 'graph' for Microsoft Graph. Throws MicrosoftAuthError
 * (ms_not_signed_in, ms_sign_in_again, …) when the user must act.
 */
export async function microsoftAccessToken(ctx: Context, resource: MicrosoftResource, options: { forceRefresh?: boolean } = {}): Promise<MicrosoftToken> {
  const auth = await microsoftAuthFor(ctx);
  if (!auth) throw new MicrosoftAuthError('ms_not_signed_in', 'not configured');
  return auth.getAccessToken(resource, options);
}

/** Test-only endpoint overrides and HTTP client, for building transports and mailbox readers. */
export function microsoftEndpoints(ctx: Context): Pick<MicrosoftStartOptions, 'fetch' | 'graphBaseUrl' | 'smtp' | 'imap'> {
  const o = runtime(ctx).options;
  return { fetch: o.fetch, graphBaseUrl: o.graphBaseUrl, smtp: o.smtp, imap: o.imap };
}

async function status(ctx: Context): Promise<MicrosoftStatus> {
  const r = runtime(ctx);
  const settings = await getMicrosoftSettings(ctx.db);
  const effective = effectiveMicrosoft(settings);
  const auth = await microsoftAuthFor(ctx);
  const account = auth ? (await auth.accounts())[0] ?? null : null;
  return {
    settings, effective, configured: effective.clientId !== '',
    account: account ? { username: account.username, name: account.name } : null,
    persistentCache: Boolean(r.options.keyStore),
    signIn: { ...r.signIn },
  };
}

function errorView(error: unknown): MicrosoftSignInState['error'] {
  const e = mapMicrosoftError(error);
  return { code: e.code, message: e.messages, detail: e.detail };
}

async function startSignIn(ctx: Context): Promise<MicrosoftSignInState> {
  const r = runtime(ctx);
  const settings = await getMicrosoftSettings(ctx.db);
  const auth = await microsoftAuthFor(ctx);
  if (!auth) throw new CommandError('not_configured', NOT_CONFIGURED);
  const resource: MicrosoftResource = settings.sendProvider === 'microsoft' && settings.sendMethod === 'graph' ? 'graph' : 'outlook';
  let opened!: () => void;
  const urlReady = new Promise<void>((resolve) => (opened = resolve));
  r.signIn = { state: 'waiting', url: null, error: null };
  const attempt = auth.signIn({
    resource,
    openBrowser: async (url) => {
      r.signIn = { state: 'waiting', url, error: null };
      opened();
      if (r.options.openExternal) await r.options.openExternal(url);
    },
  });
  r.done = attempt.then(
    () => { r.signIn = { state: 'done', url: null, error: null }; },
    (error: unknown) => { r.signIn = { state: 'failed', url: null, error: errorView(error) }; opened(); },
  );
  await urlReady;
  return { ...r.signIn };
}

async function waitSignIn(ctx: Context, timeoutMs: number): Promise<MicrosoftStatus> {
  const r = runtime(ctx);
  if (r.signIn.state === 'waiting' && r.done) {
    await Promise.race([r.done, new Promise((resolve) => setTimeout(resolve, timeoutMs).unref?.())]);
  }
  return status(ctx);
}

const OK_SENDING = {
  nl: 'De verbinding werkt: Schakel kan met dit Microsoft-account mail versturen.',
  en: 'The connection works: Schakel can send mail with this Microsoft account.',
};
const OK_MAILBOX = {
  nl: 'De verbinding werkt: Schakel kan het postvak van dit Microsoft-account lezen.',
  en: 'The connection works: Schakel can read the mailbox of this Microsoft account.',
};

function failed(error: unknown): MicrosoftTestResult {
  const smtp = error && typeof error === 'object' && 'responseCode' in error ? mapMicrosoftSmtpReply(error as { responseCode?: number; response?: string; message?: string }) : null;
  const e = smtp ?? mapMicrosoftError(error);
  const detail = e.detail || (error instanceof Error ? error.message : String(error));
  return { ok: false, code: e.code, message: e.messages, detail };
}

/** "Verbinding testen": a silent token, then an SMTP XOAUTH2 login, an IMAP login and folder, or a Graph GET. Nothing is sent. */
export async function testMicrosoft(ctx: Context, purpose: 'sending' | 'mailbox'): Promise<MicrosoftTestResult> {
  const s = await getMicrosoftSettings(ctx.db);
  const o = runtime(ctx).options;
  const graph = purpose === 'sending' ? s.sendMethod === 'graph' : s.mailboxMethod === 'graph';
  let token: MicrosoftToken;
  try {
    token = await microsoftAccessToken(ctx, graph ? 'graph' : 'outlook');
  } catch (error) {
    return failed(error);
  }
  const user = token.account.username;
  try {
    if (graph) {
      const client = new GraphClient({
        baseUrl: o.graphBaseUrl, fetch: o.fetch, timeoutMs: 15_000,
        getAccessToken: async ({ forceRefresh }) => (forceRefresh ? (await microsoftAccessToken(ctx, 'graph', { forceRefresh })).accessToken : token.accessToken),
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
        const imap = await getImapSettings(ctx.db);
        await client.mailboxOpen(imap.folder || 'INBOX', { readOnly: true });
      } finally {
        await client.logout().catch(() => client.close());
      }
    }
  } catch (error) {
    return failed(error);
  }
  return { ok: true, code: null, message: purpose === 'sending' ? OK_SENDING : OK_MAILBOX, detail: user };
}

export const microsoftHandlers: Handlers<typeof microsoftContract> = {
  'microsoft.status': (ctx) => status(ctx),
  'microsoft.settings.save': async (ctx, input) => {
    await saveMicrosoftSettings(ctx.db, input);
    return status(ctx);
  },
  'microsoft.signIn.start': (ctx) => startSignIn(ctx),
  'microsoft.signIn.wait': (ctx, input) => waitSignIn(ctx, input.timeoutMs),
  'microsoft.signIn.cancel': async (ctx) => {
    const r = runtime(ctx);
    if (r.auth && r.signIn.state === 'waiting') {
      await r.auth.cancelSignIn();
      await r.done;
    }
    return status(ctx);
  },
  'microsoft.signOut': async (ctx) => {
    const r = runtime(ctx);
    const auth = await microsoftAuthFor(ctx);
    if (auth) await auth.signOut();
    r.signIn = { state: 'idle', url: null, error: null };
    return status(ctx);
  },
  'microsoft.test': (ctx, input) => testMicrosoft(ctx, input.purpose),
};

/** Whether the mailbox goes through the Microsoft 365 account (then the IMAP host and password are not used). */
export async function microsoftMailbox(ctx: Context): Promise<{ method: 'imap' | 'graph'; configured: boolean } | null> {
  const s = await getMicrosoftSettings(ctx.db);
  if (s.mailboxProvider !== 'microsoft') return null;
  return { method: s.mailboxMethod, configured: effectiveMicrosoft(s).clientId !== '' };
}

/**
 * One mailbox round over the Microsoft 365 account: a silent token first (none: "Meld je opnieuw
 * aan bij Microsoft", nothing read, nothing lost), then IMAP with XOAUTH2 or Microsoft Graph.
 */
export async function microsoftMailboxRound(ctx: Context, s: ImapSettings, env: () => Promise<InboxEnv>, check: CheckOptions): Promise<InboxCheckResult> {
  const ms = await getMicrosoftSettings(ctx.db);
  const o = runtime(ctx).options;
  const resource: MicrosoftResource = ms.mailboxMethod === 'graph' ? 'graph' : 'outlook';
  let token: MicrosoftToken;
  try {
    token = await microsoftAccessToken(ctx, resource);
  } catch (error) {
    throw new CommandError('mailbox_failed', mapMicrosoftError(error).messages);
  }
  try {
    if (ms.mailboxMethod === 'graph') {
      const reader = new GraphMailbox({
        baseUrl: o.graphBaseUrl, fetch: o.fetch,
        getAccessToken: async ({ forceRefresh }) => (forceRefresh ? (await microsoftAccessToken(ctx, 'graph', { forceRefresh })).accessToken : token.accessToken),
      });
      return await checkMailboxReader(ctx.db, env, reader, s, check);
    }
    const imap = microsoftImapOptions(token.account.username, token.accessToken, o.imap);
    return await checkMailbox(ctx.db, env, {
      ...s, host: o.imap?.host ?? MICROSOFT_IMAP.host, port: imap.port, security: imap.secure ? 'tls' : 'none',
      user: token.account.username, password: null, accessToken: token.accessToken,
    }, check);
  } catch (error) {
    if (error instanceof MicrosoftAuthError) throw new CommandError('mailbox_failed', error.messages);
    throw error;
  }
}
