import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import libmime from 'libmime';
import { simpleParser, type AddressObject } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { notFound } from '../shared/errors';
import type { DbOrTx } from '../store/connection';
import { PRIVATE_DIR, PRIVATE_FILE, restrictMode, writeFileAtomic } from '../store/storage';
import type { Messages } from '../shared/messages';
import type { TestMailboxMessage, TestMailboxSettings } from '../sending/types';

export const TEST_MAILBOX_DIR = 'test-mailbox';
const INDEX = 'index.jsonl';
const DAY_MS = 24 * 60 * 60 * 1000;
/** Pruning while receiving: at most this often. */
const PRUNE_EVERY_MS = 60 * 60 * 1000;

export const TEST_MAILBOX_SETTINGS_KEY = 'sending.test_mailbox';
export const DEFAULT_TEST_MAILBOX_SETTINGS: TestMailboxSettings = { keepDays: 30 };

export async function getTestMailboxSettings(db: DbOrTx): Promise<TestMailboxSettings> {
  const row = await db.selectFrom('settings').select('value').where('key', '=', TEST_MAILBOX_SETTINGS_KEY).executeTakeFirst();
  if (!row) return { ...DEFAULT_TEST_MAILBOX_SETTINGS };
  try {
    const keepDays = (JSON.parse(row.value) as Partial<TestMailboxSettings>).keepDays;
    return { keepDays: typeof keepDays === 'number' && Number.isInteger(keepDays) && keepDays >= 1 ? keepDays : DEFAULT_TEST_MAILBOX_SETTINGS.keepDays };
  } catch {
    return { ...DEFAULT_TEST_MAILBOX_SETTINGS };
  }
}

export async function saveTestMailboxSettings(db: DbOrTx, settings: TestMailboxSettings): Promise<TestMailboxSettings> {
  const value = JSON.stringify(settings);
  await db.insertInto('settings').values({ key: TEST_MAILBOX_SETTINGS_KEY, value }).onConflict((oc) => oc.column('key').doUpdateSet({ value })).execute();
  return settings;
}

export function testMailboxFolder(dataDir: string): string {
  return path.join(dataDir, TEST_MAILBOX_DIR);
}

interface IndexLine {
  line: string;
  entry: TestMailboxMessage | null;
}

function readIndex(folder: string): IndexLine[] {
  const file = path.join(folder, INDEX);
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8').split('\n').filter(Boolean).map((line) => {
    try {
      return { line, entry: JSON.parse(line) as TestMailboxMessage };
    } catch {
      return { line, entry: null }; // a line cut short by a crash
    }
  });
}

function emlIds(folder: string): string[] {
  try {
    return readdirSync(folder).filter((n) => n.endsWith('.eml')).map((n) => n.slice(0, -4));
  } catch {
    return [];
  }
}

/**
 * Removes messages (files and index lines) whole; the index is rewritten at once. Synchronous, so no
 * message can be stored in between. Lines cut short by a crash go too. Returns how many messages went.
 */
function removeWhere(folder: string, drop: (entry: TestMailboxMessage) => boolean, dropFile: (id: string) => boolean): number {
  if (!existsSync(folder)) return 0;
  const lines = readIndex(folder);
  const kept = lines.filter((l) => l.entry !== null && !drop(l.entry));
  const gone = new Set(lines.filter((l) => l.entry !== null && drop(l.entry)).map((l) => l.entry!.id));
  for (const id of emlIds(folder)) if (gone.has(id) || dropFile(id)) gone.add(id);
  if (kept.length !== lines.length) writeFileAtomic(path.join(folder, INDEX), kept.map((l) => `${l.line}\n`).join(''));
  for (const id of gone) {
    try { unlinkSync(path.join(folder, `${id}.eml`)); } catch { /* only in the index */ }
  }
  return gone.size;
}

/** Removes these messages from the test mailbox; returns how many were there. */
export function removeFromTestMailbox(dataDir: string, ids: readonly string[]): number {
  if (!ids.length) return 0;
  const set = new Set(ids);
  return removeWhere(testMailboxFolder(dataDir), (e) => set.has(e.id), (id) => set.has(id));
}

/** Removes messages received before `cutoff`; returns how many. */
export function pruneTestMailbox(dataDir: string, cutoff: Date): number {
  const folder = testMailboxFolder(dataDir);
  const listed = new Set(readIndex(folder).flatMap((l) => (l.entry ? [l.entry.id] : [])));
  return removeWhere(folder, (e) => !(new Date(e.receivedAt).getTime() >= cutoff.getTime()), (id) => {
    if (listed.has(id)) return false;
    try {
      return statSync(path.join(folder, `${id}.eml`)).mtimeMs < cutoff.getTime();
    } catch {
      return false;
    }
  });
}

function addressText(a: AddressObject | AddressObject[] | undefined): string {
  if (!a) return '';
  return (Array.isArray(a) ? a : [a]).map((x) => x.text).join(' ');
}

/**
 * The messages that mention any of the needles (a name, an address, a phone number) in their envelope,
 * headers or body, decoded as a mail reader shows them. Needles shorter than 5 characters are ignored.
 */
export async function findInTestMailbox(dataDir: string, needles: readonly string[]): Promise<string[]> {
  return (await findInTestMailboxForEach(dataDir, [needles]))[0]!;
}

/** The same for several people at once, reading each message once: the messages per set of needles. */
export async function findInTestMailboxForEach(dataDir: string, needleSets: readonly (readonly string[])[]): Promise<string[][]> {
  const folder = testMailboxFolder(dataDir);
  const sets = needleSets.map((needles) => [...new Set(needles.map((n) => n.trim().toLowerCase()).filter((n) => n.length >= 5))]);
  const found: string[][] = sets.map(() => []);
  if (!sets.some((s) => s.length) || !existsSync(folder)) return found;
  const lines = new Map<string, string>();
  for (const l of readIndex(folder)) if (l.entry) lines.set(l.entry.id, l.line);
  for (const id of new Set([...lines.keys(), ...emlIds(folder)])) {
    // Cheapest first: the index line, the raw message, and only then the decoded one.
    const open = sets.map((_, i) => i);
    const match = (text: string | null | undefined) => {
      const lower = (text ?? '').toLowerCase();
      for (let k = open.length - 1; k >= 0; k--) {
        const i = open[k]!;
        if (sets[i]!.some((n) => lower.includes(n))) {
          found[i]!.push(id);
          open.splice(k, 1);
        }
      }
    };
    match(lines.get(id));
    if (!open.length) continue;
    let raw: Buffer;
    try {
      raw = readFileSync(path.join(folder, `${id}.eml`));
    } catch {
      continue;
    }
    match(raw.toString('latin1'));
    if (!open.length) continue;
    const parsed = await simpleParser(raw);
    match([
      parsed.subject, addressText(parsed.from), addressText(parsed.to), addressText(parsed.cc), addressText(parsed.replyTo),
      parsed.text, typeof parsed.html === 'string' ? parsed.html : '',
    ].join('\n'));
  }
  return found;
}

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
  private lastPrune = 0;
  /** Messages older than this are removed (the test mailbox setting). */
  keepDays = DEFAULT_TEST_MAILBOX_SETTINGS.keepDays;

  constructor(private readonly dataDir: string, private readonly now: () => Date = () => new Date()) {}

  get folder(): string {
    return testMailboxFolder(this.dataDir);
  }

  /** Removes the messages older than keepDays; returns how many. */
  prune(): number {
    this.lastPrune = this.now().getTime();
    return pruneTestMailbox(this.dataDir, new Date(this.lastPrune - this.keepDays * DAY_MS));
  }

  /** Starts the server when needed; returns its port. */
  start(): Promise<number> {
    if (this.starting) return this.starting;
    this.starting = new Promise<number>((resolve, reject) => {
      mkdirSync(this.folder, { recursive: true, mode: PRIVATE_DIR });
      restrictMode(this.folder);
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
    if (at.getTime() - this.lastPrune >= PRUNE_EVERY_MS) this.prune();
    const id = `${at.toISOString().replace(/[:.]/g, '-')}-${process.pid}-${++this.counter}`;
    writeFileSync(path.join(this.folder, `${id}.eml`), raw, { mode: PRIVATE_FILE });
    const text = raw.subarray(0, 64 * 1024).toString('utf8');
    const entry: TestMailboxMessage = {
      id, receivedAt: at.toISOString(), from, to, subject: readable(header(text, 'Subject') ?? ''), messageId: header(text, 'Message-ID'), size: raw.length,
    };
    appendFileSync(path.join(this.folder, INDEX), `${JSON.stringify(entry)}\n`, { mode: PRIVATE_FILE });
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    this.starting = null;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Newest first, after removing what is past keepDays. */
  list(offset = 0, limit = 100): { notice: Messages; total: number; keepDays: number; messages: TestMailboxMessage[] } {
    this.prune();
    const entries = readIndex(this.folder).flatMap((l) => (l.entry ? [l.entry] : []));
    const messages: TestMailboxMessage[] = [];
    for (let i = entries.length - 1 - offset; i >= 0 && messages.length < limit; i--) messages.push({ ...entries[i]!, subject: readable(entries[i]!.subject) }); // entries written before subjects were decoded
    return { notice: TEST_MAILBOX_NOTICE, total: entries.length, keepDays: this.keepDays, messages };
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
