import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import libmime from 'libmime';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { notFound } from '../../electron/commands/errors';
import type { TestMailboxMessage } from '../../electron/commands/sending.contract';
import type { Messages } from '../../electron/commands/spec';

export const TEST_MAILBOX_DIR = 'test-mailbox';
const INDEX = 'index.jsonl';

export const TEST_MAILBOX_NOTICE: Messages = {
  nl: 'Testpostvak: niets is echt verstuurd. Deze mails zijn alleen in Schakel zelf bewaard.',
  en: 'Test mailbox: nothing was really sent. These messages were only kept inside Schakel.',
};

function header(raw: string, name: string): string | null {
  const end = raw.search(/\r?\n\r?\n/);
  const head = (end < 0 ? raw : raw.slice(0, end)).replace(/\r?\n[ \t]+/g, ' ');
  const m = new RegExp(`^${name}:[ \\t]*(.*)$`, 'im').exec(head);
  return m ? m[1]!.trim() : null;
}

/** Header text as people read it: encoded words decoded; text that does not decode stays as it was. */
function readable(value: string): string {
  try {
    return libmime.decodeWords(value);
  } catch {
    return value;
  }
}

const DECODED_HEADERS = new Set(['subject', 'from', 'to', 'cc', 'reply-to']);

/**
 * The built-in test mailbox: an SMTP server on 127.0.0.1 that keeps every message it receives in the data
 * folder. Until a real account is configured, Schakel sends here. Started on first use.
 */
export class TestMailbox {
  private server: SMTPServer | null = null;
  private starting: Promise<number> | null = null;
  private counter = 0;

  constructor(private readonly dataDir: string, private readonly now: () => Date = () => new Date()) {}

  get folder(): string {
    return path.join(this.dataDir, TEST_MAILBOX_DIR);
  }

  /** Starts the server when needed; returns its port. */
  start(): Promise<number> {
    if (this.starting) return this.starting;
    this.starting = new Promise<number>((resolve, reject) => {
      mkdirSync(this.folder, { recursive: true });
      const server = new SMTPServer({
        disabledCommands: ['STARTTLS', 'AUTH'], authOptional: true, logger: false, banner: 'Schakel testpostvak',
        size: 50 * 1024 * 1024,
        onData: (stream, session, callback) => {
          const chunks: Buffer[] = [];
          stream.on('data', (c: Buffer) => chunks.push(c));
          stream.on('end', () => {
            try {
              this.store(Buffer.concat(chunks), session.envelope.mailFrom ? session.envelope.mailFrom.address : '', session.envelope.rcptTo.map((r) => r.address));
              callback();
            } catch (error) {
              callback(error as Error);
            }
          });
        },
      });
      server.on('error', () => { /* a client that goes away is no fault of the mailbox */ });
      server.listen(0, '127.0.0.1', () => {
        this.server = server;
        resolve((server.server.address() as AddressInfo).port);
      });
      server.server.once('error', reject);
    });
    this.starting.catch(() => { this.starting = null; });
    return this.starting;
  }

  private store(raw: Buffer, from: string, to: string[]): void {
    const at = this.now();
    const id = `${at.toISOString().replace(/[:.]/g, '-')}-${process.pid}-${++this.counter}`;
    writeFileSync(path.join(this.folder, `${id}.eml`), raw);
    const text = raw.subarray(0, 64 * 1024).toString('utf8');
    const entry: TestMailboxMessage = {
      id, receivedAt: at.toISOString(), from, to, subject: readable(header(text, 'Subject') ?? ''), messageId: header(text, 'Message-ID'), size: raw.length,
    };
    appendFileSync(path.join(this.folder, INDEX), `${JSON.stringify(entry)}\n`);
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    this.starting = null;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Newest first. */
  list(offset = 0, limit = 100): { notice: Messages; total: number; messages: TestMailboxMessage[] } {
    const file = path.join(this.folder, INDEX);
    const lines = existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean) : [];
    const messages: TestMailboxMessage[] = [];
    for (let i = lines.length - 1 - offset; i >= 0 && messages.length < limit; i--) {
      try {
        const entry = JSON.parse(lines[i]!) as TestMailboxMessage;
        // Entries written before subjects were decoded.
        messages.push({ ...entry, subject: readable(entry.subject) });
      } catch {
        // a line cut short by a crash
      }
    }
    return { notice: TEST_MAILBOX_NOTICE, total: lines.length, messages };
  }

  async get(id: string) {
    const entry = this.list(0, Number.MAX_SAFE_INTEGER).messages.find((m) => m.id === id);
    const file = path.join(this.folder, `${id}.eml`);
    if (!entry || !existsSync(file)) throw notFound({ nl: 'Testmail', en: 'Test message' });
    const parsed = await simpleParser(readFileSync(file));
    const headers = parsed.headerLines.map((h) => {
      const value = h.line.slice(h.line.indexOf(':') + 1).replace(/\r?\n[ \t]+/g, ' ').trim();
      return { key: h.key, value: DECODED_HEADERS.has(h.key) ? readable(value) : value };
    });
    return { ...entry, notice: TEST_MAILBOX_NOTICE, html: parsed.html === false ? null : (parsed.html ?? null), text: parsed.text ?? '', headers };
  }
}
