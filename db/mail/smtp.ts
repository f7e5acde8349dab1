import { lookup } from 'node:dns/promises';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import nodemailer from 'nodemailer';
import type { DbOrTx } from '../store/connection';
import { secretPath } from '../store/secrets';
import { CLEARTEXT_REFUSED, isLoopbackHost, isValidEmail } from '../shared/text';
import { CommandError } from '../shared/errors';
import type { Messages } from '../shared/messages';
import type { SmtpSecurity } from '../shared/status';
import type { ConnectionProblem, ConnectionTestResult, PacingLimits, SendingSettingsInput, SendingSettingsView, SmtpSettings } from '../sending/types';

// ---------- settings ----------

export type { SmtpSettings };

export const SMTP_SETTINGS_KEY = 'sending.smtp';
export const DKIM_KEY_FILE = 'dkim-private.pem';

export const DEFAULT_SMTP: SmtpSettings = {
  host: '', port: 587, security: 'starttls', user: '', senderName: '', senderEmail: '', replyTo: '', profile: 'm365',
  perSecond: null, perMinute: null, perDay: null, connections: 2, httpsUnsubscribeUrl: '', dkimDomain: '', dkimSelector: '',
};

export async function getSmtpSettings(db: DbOrTx): Promise<SmtpSettings> {
  const row = await db.selectFrom('settings').select('value').where('key', '=', SMTP_SETTINGS_KEY).executeTakeFirst();
  if (!row) return { ...DEFAULT_SMTP };
  return { ...DEFAULT_SMTP, ...(JSON.parse(row.value) as Partial<SmtpSettings>) };
}

/** Until a real account is configured, everything goes to the built-in test mailbox. */
export function isConfigured(s: SmtpSettings): boolean {
  return s.host.trim() !== '';
}

/** The pacing a provider profile sets. */
export function limitsFor(s: SmtpSettings): PacingLimits {
  switch (s.profile) {
    case 'm365': return { perSecond: null, perMinute: 30, perDay: 10_000 };
    case 'relay': return { perSecond: s.perSecond ?? 14, perMinute: null, perDay: null };
    case 'custom': return { perSecond: s.perSecond, perMinute: s.perMinute, perDay: s.perDay };
  }
}

export function connectionsFor(s: SmtpSettings): number {
  return s.profile === 'm365' ? 1 : s.connections;
}

type Issue = { path: string; message: Messages };

export function validateSmtpSettings(s: SmtpSettings): Issue[] {
  const issues: Issue[] = [];
  const email = (field: 'senderEmail' | 'replyTo', required: boolean) => {
    const v = s[field];
    if (v ? !isValidEmail(v) : required) {
      issues.push({ path: field, message: { nl: v ? `"${v}" is geen geldig e-mailadres.` : 'Vul het afzenderadres in.', en: v ? `"${v}" is not a valid e-mail address.` : 'Fill in the sender address.' } });
    }
  };
  if (s.host && !/^[a-z0-9.-]+$|^\[?[0-9a-f:.]+\]?$/i.test(s.host)) {
    issues.push({ path: 'host', message: { nl: `"${s.host}" is geen geldige servernaam.`, en: `"${s.host}" is not a valid server name.` } });
  }
  if (s.security === 'none' && s.host && !isLoopbackHost(s.host)) issues.push({ path: 'security', message: CLEARTEXT_REFUSED });
  email('senderEmail', isConfigured(s));
  email('replyTo', false);
  if (s.httpsUnsubscribeUrl && !/^https:\/\/[^\s/]+\.[^\s]+$/i.test(s.httpsUnsubscribeUrl)) {
    issues.push({ path: 'httpsUnsubscribeUrl', message: { nl: 'De afmeldpagina moet beginnen met https://.', en: 'The unsubscribe page must start with https://.' } });
  }
  if (s.profile === 'custom' && !s.perSecond && !s.perMinute && !s.perDay) {
    issues.push({ path: 'perMinute', message: { nl: 'Geef minstens één limiet op (per seconde, minuut of dag).', en: 'Give at least one limit (per second, minute or day).' } });
  }
  if ((s.dkimDomain === '') !== (s.dkimSelector === '')) {
    issues.push({ path: 'dkimSelector', message: { nl: 'Vul voor DKIM zowel het domein als de selector in.', en: 'For DKIM, fill in both the domain and the selector.' } });
  }
  return issues;
}

export function dkimKey(dataDir: string): string | null {
  const file = secretPath(dataDir, DKIM_KEY_FILE);
  return existsSync(file) ? readFileSync(file, 'utf8') : null;
}

export async function saveSmtpSettings(db: DbOrTx, dataDir: string, passwords: PasswordStore, input: Required<Omit<SendingSettingsInput, 'password' | 'dkimPrivateKey'>> & { password?: string; dkimPrivateKey?: string }): Promise<SmtpSettings> {
  const { password, dkimPrivateKey, ...rest } = input;
  const s: SmtpSettings = { ...DEFAULT_SMTP, ...rest };
  const issues = validateSmtpSettings(s);
  if (dkimPrivateKey && !/-----BEGIN (RSA )?PRIVATE KEY-----/.test(dkimPrivateKey)) {
    issues.push({ path: 'dkimPrivateKey', message: { nl: 'De DKIM-sleutel moet een PEM-bestand zijn (BEGIN PRIVATE KEY).', en: 'The DKIM key must be a PEM file (BEGIN PRIVATE KEY).' } });
  }
  if (issues.length) {
    throw new CommandError('invalid_settings', {
      nl: `De instellingen zijn niet opgeslagen. ${issues[0]!.message.nl}`, en: `The settings were not saved. ${issues[0]!.message.en}`,
    }, issues);
  }
  if (password !== undefined) {
    const refusal = passwords.refusal();
    if (refusal && password !== '') throw new CommandError('password_storage_unsafe', refusal);
    passwords.set(password === '' ? null : password);
  }
  if (dkimPrivateKey !== undefined) {
    const file = secretPath(dataDir, DKIM_KEY_FILE);
    if (dkimPrivateKey === '') rmSync(file, { force: true });
    else {
      mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
      writeFileSync(file, dkimPrivateKey, { mode: 0o600 });
    }
  }
  const value = JSON.stringify(s);
  await db.insertInto('settings').values({ key: SMTP_SETTINGS_KEY, value }).onConflict((oc) => oc.column('key').doUpdateSet({ value })).execute();
  return s;
}

export async function smtpSettingsView(db: DbOrTx, dataDir: string, passwords: PasswordStore, now: number): Promise<SendingSettingsView> {
  const s = await getSmtpSettings(db);
  const since = now - 24 * 3600_000;
  const { n } = await db.selectFrom('send_events').select((eb) => eb.fn.countAll<number>().as('n')).where('at', '>', since).executeTakeFirstOrThrow();
  return {
    ...s, dkimKeySet: dkimKey(dataDir) !== null, passwordSet: passwords.get() !== null,
    passwordStorage: { kind: passwords.kind, refusal: passwords.refusal() },
    mailbox: isConfigured(s) ? 'smtp' : 'test', limits: limitsFor(s), sentLast24h: Number(n),
  };
}

// ---------- the password: never in plain text on disk ----------

export interface PasswordStore {
  readonly kind: 'safeStorage' | 'memory' | 'environment';
  /** Why a password cannot be stored safely here; null when it can. */
  refusal(): Messages | null;
  get(): string | null;
  set(password: string | null): void;
}

/** Browser mode: SCHAKEL_SMTP_PASSWORD, or what the user typed, kept in memory for the session only. */
export class MemoryPasswordStore implements PasswordStore {
  private value: string | null;
  readonly kind: 'memory' | 'environment';

  constructor(env: NodeJS.ProcessEnv = process.env) {
    this.value = env.SCHAKEL_SMTP_PASSWORD || null;
    this.kind = this.value ? 'environment' : 'memory';
  }

  refusal(): null {
    return null;
  }

  get(): string | null {
    return this.value;
  }

  set(password: string | null): void {
    this.value = password;
  }
}

/** The part of Electron's safeStorage used here (the shell passes the real one). */
export interface SafeStorageLike {
  isEncryptionAvailable(): boolean;
  encryptString(text: string): Buffer;
  decryptString(data: Buffer): string;
  getSelectedStorageBackend?(): string;
}

export const SMTP_PASSWORD_FILE = 'smtp-password.bin';

/** Desktop: encrypted with the operating system's key store; refused when Linux only offers basic_text. */
export class SafeStoragePasswordStore implements PasswordStore {
  readonly kind = 'safeStorage' as const;
  private cache: string | null | undefined;

  constructor(
    private readonly safeStorage: SafeStorageLike,
    private readonly dataDir: string,
    private readonly fileName: string = SMTP_PASSWORD_FILE,
  ) {}

  private get file(): string {
    return secretPath(this.dataDir, this.fileName);
  }

  refusal(): Messages | null {
    if (!this.safeStorage.isEncryptionAvailable()) {
      return {
        nl: 'Dit systeem biedt geen veilige opslag voor wachtwoorden. Het wachtwoord is niet opgeslagen.',
        en: 'This system offers no secure password storage. The password was not saved.',
      };
    }
    if (this.safeStorage.getSelectedStorageBackend?.() === 'basic_text') {
      return {
        nl: 'Op deze Linux-computer is geen sleutelbos (zoals GNOME Keyring of KWallet) beschikbaar; het wachtwoord zou dan leesbaar op schijf staan. '
          + 'Installeer of ontgrendel een sleutelbos en probeer het opnieuw.',
        en: 'No keyring (such as GNOME Keyring or KWallet) is available on this Linux computer; the password would be stored readable on disk. '
          + 'Install or unlock a keyring and try again.',
      };
    }
    return null;
  }

  get(): string | null {
    if (this.cache !== undefined) return this.cache;
    if (!existsSync(this.file) || this.refusal()) return (this.cache = null);
    try {
      this.cache = this.safeStorage.decryptString(readFileSync(this.file));
    } catch {
      this.cache = null;
    }
    return this.cache;
  }

  set(password: string | null): void {
    if (password === null) {
      rmSync(this.file, { force: true });
      this.cache = null;
      return;
    }
    const refusal = this.refusal();
    if (refusal) throw new CommandError('password_storage_unsafe', refusal);
    mkdirSync(path.dirname(this.file), { recursive: true, mode: 0o700 });
    writeFileSync(this.file, this.safeStorage.encryptString(password), { mode: 0o600 });
    this.cache = password;
  }
}

// ---------- transports ----------

export interface TransportTarget {
  host: string;
  port: number;
  security: SmtpSecurity;
  user: string;
  password: string | null;
  dkim?: { domainName: string; keySelector: string; privateKey: string } | null;
  /** Local servers only (the test mailbox, tests). */
  allowSelfSigned?: boolean;
}

export function targetFor(s: SmtpSettings, passwords: PasswordStore, dataDir: string): TransportTarget {
  const key = s.dkimDomain ? dkimKey(dataDir) : null;
  return {
    host: s.host, port: s.port, security: s.security, user: s.user, password: passwords.get(),
    dkim: key ? { domainName: s.dkimDomain, keySelector: s.dkimSelector, privateKey: key } : null,
    allowSelfSigned: s.host === '127.0.0.1' || s.host === 'localhost' || s.host === '::1',
  };
}

export function transportOptions(t: TransportTarget, extra: { pool?: boolean; maxConnections?: number; timeoutMs?: number } = {}) {
  const timeout = extra.timeoutMs ?? 60_000;
  return {
    host: t.host, port: t.port,
    secure: t.security === 'tls', requireTLS: t.security === 'starttls', ignoreTLS: t.security === 'none',
    auth: t.user ? { user: t.user, pass: t.password ?? '' } : undefined,
    tls: t.allowSelfSigned ? { rejectUnauthorized: false } : undefined,
    dkim: t.dkim ?? undefined,
    pool: extra.pool ?? false,
    maxConnections: extra.maxConnections ?? 1,
    maxMessages: Infinity,
    connectionTimeout: Math.min(timeout, 30_000), greetingTimeout: Math.min(timeout, 30_000), socketTimeout: timeout,
  };
}

// ---------- what an SMTP failure means ----------

export type FailureClass =
  | { kind: 'retry'; connection: boolean }
  | { kind: 'recipient'; hardBounce: boolean }
  | { kind: 'account'; reason: AccountFault };

export type AccountFault = 'login_refused' | 'password_missing' | 'policy' | 'sender_refused' | 'quota' | 'tls';

export interface SmtpErrorLike {
  code?: string;
  /** The SMTP step that failed, as nodemailer reports it ('AUTH PLAIN', 'MAIL FROM', 'RCPT TO', 'DATA', 'CONN', 'API'). */
  command?: string;
  responseCode?: number;
  response?: string;
  message?: string;
}

const CONNECTION_CODES = new Set(['ECONNECTION', 'ETIMEDOUT', 'ESOCKET', 'EDNS', 'ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'EPROXY', 'EHOSTUNREACH', 'ENOTFOUND']);

export function enhancedCode(text: string | undefined): string | null {
  const m = /\b([245])\.(\d{1,3})\.(\d{1,3})\b/.exec(text ?? '');
  return m ? `${m[1]}.${m[2]}.${m[3]}` : null;
}

/**
 * 4xx and lost connections: try again later. 5xx for one recipient: that recipient failed (5.1.x: the address does
 * not exist, a hard bounce; 5.7.x at RCPT TO: refused for that recipient). Faults of the account (login, policy at
 * AUTH, MAIL FROM or after DATA, sender, quota): stop the job, blame no recipient.
 */
export function classifySmtpError(error: SmtpErrorLike): FailureClass {
  const code = error.responseCode;
  const text = `${error.response ?? ''} ${error.message ?? ''}`;
  const enhanced = enhancedCode(error.response ?? error.message);
  const atRecipient = /^RCPT/i.test(error.command ?? '');
  // nodemailer's own check before it talks to the server: no password to log in with.
  if (error.code === 'EAUTH' && error.command === 'API' && /missing credentials/i.test(error.message ?? '')) {
    return { kind: 'account', reason: 'password_missing' };
  }
  if (atRecipient && code && code >= 500 && enhanced?.startsWith('5.7.') && enhanced !== '5.7.8' && enhanced !== '5.7.57') {
    return { kind: 'recipient', hardBounce: false };
  }
  if (error.code === 'EAUTH' || error.code === 'ENOAUTH' || code === 535 || code === 534 || code === 530 || enhanced === '5.7.8' || enhanced === '5.7.57') {
    return { kind: 'account', reason: 'login_refused' };
  }
  if (error.code === 'ETLS') return { kind: 'account', reason: 'tls' };
  if (/quota|(sending|send|message|daily|rate)[ -]limit|too many messages|submission limit/i.test(text) && enhanced !== '5.2.2' && enhanced !== '4.2.2') {
    return { kind: 'account', reason: 'quota' };
  }
  if (enhanced === '5.1.8' || enhanced === '5.1.7') return { kind: 'account', reason: 'sender_refused' };
  if (enhanced?.startsWith('5.7.')) return { kind: 'account', reason: 'policy' };
  if (code && code >= 400 && code < 500) return { kind: 'retry', connection: false };
  if (code && code >= 500 && code !== 503) return { kind: 'recipient', hardBounce: enhanced?.startsWith('5.1.') ?? false };
  if (code === 503) return { kind: 'retry', connection: true };
  if (!code && (CONNECTION_CODES.has(error.code ?? '') || !error.code)) return { kind: 'retry', connection: true };
  return { kind: 'retry', connection: true };
}

export const ACCOUNT_FAULT_TEXT: Record<AccountFault | 'server_unreachable', Messages> = {
  login_refused: {
    nl: 'De mailserver weigert de aanmelding: controleer de gebruikersnaam en het wachtwoord bij de instellingen. De verzending is gepauzeerd; ontvangers hebben geen fout gemaakt.',
    en: 'The mail server refuses the login: check the user name and password in the settings. Sending is paused; no recipient is at fault.',
  },
  password_missing: {
    nl: 'Het wachtwoord van het mailaccount ontbreekt (in de browserversie wordt het alleen bewaard zolang Schakel draait). Vul het wachtwoord in en hervat de verzending. De mailserver is nog niet benaderd.',
    en: 'The mail account password is missing (the browser version keeps it only while Schakel runs). Enter the password and resume sending. The mail server has not been contacted yet.',
  },
  policy: {
    nl: 'De mailserver weigert deze mails vanwege een beleidsregel van het account (bijvoorbeeld "verzenden als" niet toegestaan, of het account is geblokkeerd). De verzending is gepauzeerd.',
    en: "The mail server refuses these messages because of the account's policy (for example 'send as' not allowed, or the account is blocked). Sending is paused.",
  },
  sender_refused: {
    nl: 'De mailserver staat dit afzenderadres niet toe voor dit account. Pas het afzenderadres aan of vraag de beheerder om toestemming. De verzending is gepauzeerd.',
    en: 'The mail server does not allow this sender address for this account. Change the sender address or ask the administrator for permission. Sending is paused.',
  },
  quota: {
    nl: 'Het verzendlimiet van het account is bereikt. De verzending is gepauzeerd; hervat later.',
    en: "The account's sending limit has been reached. Sending is paused; resume later.",
  },
  tls: {
    nl: 'De beveiligde verbinding (TLS) met de mailserver mislukte. Controleer de poort en de beveiliging bij de instellingen. De verzending is gepauzeerd.',
    en: 'The secure connection (TLS) to the mail server failed. Check the port and security in the settings. Sending is paused.',
  },
  server_unreachable: {
    nl: 'De mailserver is al een tijd niet bereikbaar. De verzending is gepauzeerd; hervat als de verbinding er weer is.',
    en: 'The mail server has been unreachable for a while. Sending is paused; resume when the connection is back.',
  },
};

// ---------- "Verbinding testen" ----------

const PROBLEM_TEXT: Record<ConnectionProblem, Messages> = {
  dns: { nl: 'De servernaam is niet te vinden. Controleer de spelling van de server.', en: 'The server name cannot be found. Check the spelling of the server.' },
  port_closed: { nl: 'De server is gevonden, maar de poort is dicht of geblokkeerd. Controleer het poortnummer.', en: 'The server was found, but the port is closed or blocked. Check the port number.' },
  tls: { nl: 'De beveiligde verbinding (TLS) mislukte. Controleer poort en beveiliging (TLS op poort 465, STARTTLS op poort 587).', en: 'The secure connection (TLS) failed. Check port and security (TLS on port 465, STARTTLS on port 587).' },
  login_refused: { nl: 'De server weigert de aanmelding. Controleer gebruikersnaam en wachtwoord.', en: 'The server refuses the login. Check user name and password.' },
  sender_refused: { nl: 'De aanmelding lukt, maar de server staat dit afzenderadres niet toe.', en: 'The login works, but the server does not allow this sender address.' },
  timeout: { nl: 'De server antwoordt niet op tijd.', en: 'The server does not answer in time.' },
  other: { nl: 'De verbinding mislukte.', en: 'The connection failed.' },
};

function result(problem: ConnectionProblem | null, detail: string | null = null, testMailbox = false): ConnectionTestResult {
  if (!problem) {
    return {
      ok: true, problem: null, detail,
      message: testMailbox
        ? { nl: 'Er is nog geen mailaccount ingesteld: Schakel gebruikt het ingebouwde testpostvak. Niets wordt echt verstuurd.', en: 'No mail account is set up yet: Schakel uses the built-in test mailbox. Nothing is really sent.' }
        : { nl: 'De verbinding werkt. Er is een testmail naar het afzenderadres gestuurd.', en: 'The connection works. A test mail was sent to the sender address.' },
    };
  }
  return { ok: false, problem, detail, message: PROBLEM_TEXT[problem] };
}

export async function testConnection(s: SmtpSettings, target: TransportTarget, timeoutMs = 15_000): Promise<ConnectionTestResult> {
  try {
    if (!net.isIP(s.host.replace(/^\[|\]$/g, ''))) await lookup(s.host);
  } catch {
    return result('dns');
  }
  const portOpen = await new Promise<ConnectionProblem | null>((resolve) => {
    const socket = net.connect({ host: s.host, port: s.port });
    socket.setTimeout(timeoutMs, () => { socket.destroy(); resolve('timeout'); });
    socket.once('connect', () => { socket.destroy(); resolve(null); });
    socket.once('error', () => resolve('port_closed'));
  });
  if (portOpen) return result(portOpen);
  const transport = nodemailer.createTransport(transportOptions(target, { timeoutMs }));
  try {
    try {
      await transport.verify();
    } catch (error) {
      const e = error as SmtpErrorLike;
      if (e.code === 'ETLS' || /ssl|tls|certificate|wrong version/i.test(e.message ?? '')) return result('tls', e.message ?? null);
      if (e.code === 'EAUTH' || e.code === 'ENOAUTH' || e.responseCode === 535) return result('login_refused', e.response ?? e.message ?? null);
      if (e.code === 'ETIMEDOUT') return result('timeout', e.message ?? null);
      return result('other', e.response ?? e.message ?? null);
    }
    try {
      await transport.sendMail({
        from: { name: s.senderName || s.senderEmail, address: s.senderEmail }, to: s.senderEmail,
        subject: 'Schakel: verbinding getest / connection tested',
        text: 'Deze mail bevestigt dat Schakel via dit account kan versturen.\n\nThis message confirms that Schakel can send through this account.',
      });
    } catch (error) {
      const e = error as SmtpErrorLike;
      const c = classifySmtpError(e);
      if (c.kind === 'account' && c.reason === 'login_refused') return result('login_refused', e.response ?? null);
      if (c.kind === 'account') return result('sender_refused', e.response ?? e.message ?? null);
      return result('other', e.response ?? e.message ?? null);
    }
    return result(null);
  } finally {
    transport.close();
  }
}

export function testMailboxConnectionResult(): ConnectionTestResult {
  return result(null, null, true);
}
