import type BetterSqlite3 from 'better-sqlite3';
import net, { type AddressInfo } from 'node:net';
import { SMTPServer, type SMTPServerSession } from 'smtp-server';
import type { CommandName, OutputOf } from '../../electron/commands/contract';
import type { Registry } from '../../electron/commands/registry';
import { sampleEditionContent } from '../../db/newsletter/sample';

export interface ReceivedMessage {
  from: string;
  to: string[];
  raw: string;
  headers: Map<string, string>;
  session: string;
}

/** 'drop': cut the connection during DATA; 'close': take the whole message, then close without answering. */
export type Reply = { code: number; message: string } | 'drop' | 'close' | null;

export interface SmtpBehaviour {
  /** Reply to RCPT TO for this address (null: accept). */
  rcpt?: (address: string, attempt: number) => Reply;
  /** Reply after the message data (null: accept; 'drop': cut the connection during DATA). */
  data?: (headers: Map<string, string>, attempt: number) => Reply;
  /** Accept these credentials; without: no AUTH offered. */
  auth?: { user: string; pass: string };
}

export function parseHeaders(raw: string): Map<string, string> {
  const end = raw.search(/\r?\n\r?\n/);
  const head = (end < 0 ? raw : raw.slice(0, end)).replace(/\r?\n[ \t]+/g, ' ');
  const out = new Map<string, string>();
  for (const line of head.split(/\r?\n/)) {
    const i = line.indexOf(':');
    if (i > 0) out.set(line.slice(0, i).trim().toLowerCase(), line.slice(i + 1).trim());
  }
  return out;
}

function smtpError(reply: { code: number; message: string }): Error {
  return Object.assign(new Error(reply.message), { responseCode: reply.code });
}

/** A real SMTP server on 127.0.0.1 for tests, with scripted replies. */
export class TestSmtpServer {
  readonly received: ReceivedMessage[] = [];
  /** Every address the server saw a RCPT TO for. */
  readonly rcptSeen = new Set<string>();
  private server: SMTPServer | null = null;
  private rcptAttempts = new Map<string, number>();
  private dataAttempts = new Map<string, number>();
  port = 0;

  constructor(public behaviour: SmtpBehaviour = {}) {}

  async start(port = 0): Promise<number> {
    const b = () => this.behaviour;
    const server: SMTPServer = new SMTPServer({
      logger: false, disabledCommands: this.behaviour.auth ? ['STARTTLS'] : ['STARTTLS', 'AUTH'], authOptional: !this.behaviour.auth,
      allowInsecureAuth: true, size: 0,
      onAuth: (auth, _session, cb) => {
        const want = b().auth;
        if (want && auth.username === want.user && auth.password === want.pass) cb(null, { user: auth.username });
        else cb(Object.assign(new Error('5.7.8 Authentication credentials invalid'), { responseCode: 535 }));
      },
      onRcptTo: (address, _session, cb) => {
        this.rcptSeen.add(address.address);
        const n = (this.rcptAttempts.get(address.address) ?? 0) + 1;
        this.rcptAttempts.set(address.address, n);
        const r = b().rcpt?.(address.address, n);
        if (r && r !== 'drop' && r !== 'close') return cb(smtpError(r));
        cb();
      },
      onData: (stream, session: SMTPServerSession, cb) => {
        const chunks: Buffer[] = [];
        let dropped = false;
        stream.on('data', (c: Buffer) => {
          chunks.push(c);
          if (chunks.length !== 1) return;
          const headers = parseHeaders(c.toString('utf8'));
          const key = headers.get('message-id') ?? '';
          const n = (this.dataAttempts.get(key) ?? 0) + 1;
          const r = b().data?.(headers, n);
          if (r === 'drop') {
            this.dataAttempts.set(key, n);
            dropped = true;
            for (const conn of (server as unknown as { connections: Set<{ id: string; _socket: net.Socket }> }).connections) {
              if (conn.id === session.id) conn._socket.destroy();
            }
          }
        });
        stream.on('end', () => {
          if (dropped) return;
          const raw = Buffer.concat(chunks).toString('utf8');
          const headers = parseHeaders(raw);
          const key = headers.get('message-id') ?? '';
          const n = (this.dataAttempts.get(key) ?? 0) + 1;
          this.dataAttempts.set(key, n);
          const r = b().data?.(headers, n);
          if (r && r !== 'drop' && r !== 'close') return cb(smtpError(r));
          this.received.push({
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '', to: session.envelope.rcptTo.map((x) => x.address),
            raw, headers, session: session.id,
          });
          if (r === 'close') {
            // Accepted (it will be delivered), but the answer never reaches the client.
            for (const conn of (server as unknown as { connections: Set<{ id: string; _socket: net.Socket }> }).connections) {
              if (conn.id === session.id) conn._socket.destroy();
            }
            return;
          }
          cb(null, `2.0.0 Ok: queued as ${this.received.length}`);
        });
      },
    });
    server.on('error', () => {});
    await new Promise<void>((resolve, reject) => {
      server.server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    this.server = server;
    this.port = (server.server.address() as AddressInfo).port;
    return this.port;
  }

  async stop(): Promise<void> {
    const s = this.server;
    this.server = null;
    if (!s) return;
    for (const conn of (s as unknown as { connections: Set<{ _socket: net.Socket }> }).connections) conn._socket.destroy();
    await new Promise<void>((resolve) => s.close(() => resolve()));
  }

  /** Messages received per X-Schakel-Recipient header (its row number; the header is signed). */
  countByRecipient(): Map<number, number> {
    const out = new Map<number, number>();
    for (const m of this.received) {
      const id = parseInt(String(m.headers.get('x-schakel-recipient')), 10);
      out.set(id, (out.get(id) ?? 0) + 1);
    }
    return out;
  }
}

export async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

// ---------- a sendable world: settings, a list, many subscribers, a ready edition ----------


export const NEWSLETTER_SETTINGS = {
  senderName: 'Programmasecretariaat Jeugd en Veiligheid', senderEmail: 'nieuwsbrief@example.org',
  postalAddress: 'Postbus 100\n7500 AA Voorbeeldstad', privacyUrl: 'https://www.example.org/privacy', unsubscribeAddress: 'afmelden@example.org',
};

/** Runs a command: its answer typed by the contract, or as the caller states it. */
export interface Call {
  <N extends CommandName>(name: N, input: unknown): Promise<OutputOf<N>>;
  <T>(name: string, input: unknown): Promise<T>;
}

export async function invoke<N extends CommandName>(registry: Registry, name: N, input: unknown): Promise<OutputOf<N>>;
export async function invoke<T>(registry: Registry, name: string, input: unknown): Promise<T>;
export async function invoke(registry: Registry, name: string, input: unknown): Promise<unknown> {
  const r = await registry.invoke(name, input);
  if (!r.ok) throw Object.assign(new Error(r.error.message), { code: r.error.code, error: r.error });
  return r.value;
}

/** A `Call` bound to a registry. */
export function caller(registry: Registry): Call {
  return (name: string, input: unknown) => invoke<never>(registry, name, input);
}

/** n fictional subscribers of the list (raw inserts: fast enough for 20,000). Returns their person ids in order. */
export function seedSubscribers(sqlite: BetterSqlite3.Database, listId: number, n: number, prefix = 'lezer'): number[] {
  const at = '2025-01-01T00:00:00.000Z';
  const person = sqlite.prepare(`INSERT INTO people (first_name, last_name, language, sort_key, search_text, updated_at) VALUES (?, ?, ?, ?, ?, ?)`);
  const email = sqlite.prepare(`INSERT INTO person_emails (person_id, email, email_norm, is_primary) VALUES (?, ?, ?, 1)`);
  const event = sqlite.prepare(`INSERT INTO consent_events (type, person_id, list_id, occurred_at, actor, source) VALUES ('subscribed', ?, ?, ?, 'Test', 'import')`);
  const sub = sqlite.prepare(`INSERT INTO subscriptions (person_id, list_id, status, last_event_id, since, updated_at) VALUES (?, ?, 'subscribed', ?, ?, ?)`);
  const ids: number[] = [];
  sqlite.transaction(() => {
    for (let i = 0; i < n; i++) {
      const first = `Lezer${i}`;
      const last = `Voorbeeld ${String(i).padStart(6, '0')}`;
      const id = Number(person.run(first, last, i % 5 === 4 ? 'en' : 'nl', `${last.toLowerCase()} ${first.toLowerCase()}`, `${first} ${last}`.toLowerCase(), at).lastInsertRowid);
      const address = `${prefix}${i}@example.org`;
      email.run(id, address, address);
      const ev = Number(event.run(id, listId, at).lastInsertRowid);
      sub.run(id, listId, ev, at, at);
      ids.push(id);
    }
  })();
  return ids;
}

/** Newsletter settings, a list with n subscribers, and a ready edition addressed to it. */
export async function sendableWorld(registry: Registry, sqlite: BetterSqlite3.Database, n: number, options: { short?: boolean } = {}) {
  await invoke(registry, 'newsletter.settings.save', NEWSLETTER_SETTINGS);
  const list = await invoke<{ id: number }>(registry, 'lists.save', {
    name: 'Partners', purposeText: 'Nieuws voor samenwerkingspartners.', language: 'nl', lawfulBasis: 'legitimate_interest', doubleOptIn: false, actor: 'Test',
  });
  const people = seedSubscribers(sqlite, list.id, n);
  const editionId = await readyEdition(registry, [list.id], options.short);
  return { listId: list.id, people, editionId };
}

/** short: the intro block only (small messages, for tests that send thousands). */
export async function readyEdition(registry: Registry, listIds: number[], short = false): Promise<number> {
  const created = await invoke<{ id: number; number: number; date: string; revision: number }>(registry, 'newsletter.editions.create', {});
  const sample = sampleEditionContent(listIds);
  const content = { ...sample, number: created.number, date: created.date, blocks: short ? sample.blocks.slice(0, 1) : sample.blocks };
  await invoke(registry, 'newsletter.editions.save', { id: created.id, revision: created.revision, content });
  await invoke(registry, 'newsletter.editions.setStatus', { id: created.id, status: 'ready', acceptWarnings: true });
  return created.id;
}
