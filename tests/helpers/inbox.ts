import { ImapFlow } from 'imapflow';
import { afterAll, afterEach, beforeAll } from 'vitest';
import type { CoreOptions } from '../../electron/core';
import { MemoryPasswordStore } from '../../db/mail/smtp';
import { createTestCore, type TestCore } from './core';
import { startDovecot, type Dovecot } from './dovecot';
import type { InboxSettingsInput } from '../../db/inbox/types';

export { dovecotMissingReason } from './dovecot';

/** The folder Schakel moves processed mail to in the tests. */
export const PROCESSED = 'Schakel verwerkt';

/** A real dovecot with one mailbox, and what the tests do with it over IMAP. */
export class TestMailbox {
  private server: Dovecot | null = null;
  private cores: TestCore[] = [];

  static async start(): Promise<TestMailbox> {
    const m = new TestMailbox();
    await m.open();
    return m;
  }

  async open(): Promise<void> {
    this.server ??= await startDovecot();
  }

  get dovecot(): Dovecot {
    if (!this.server) throw new Error('The test mailbox has not started.');
    return this.server;
  }

  async stop(): Promise<void> {
    await this.server?.stop();
    this.server = null;
  }

  /** A core made with createInboxCore, disposed by `reset()`; disposing it earlier is fine. */
  async createCore(options: Omit<CoreOptions, 'dataDir'> = {}): Promise<TestCore> {
    const c = await createInboxCore(options);
    let disposed: Promise<void> | null = null;
    const dispose = c.dispose.bind(c);
    c.dispose = () => (disposed ??= dispose());
    this.cores.push(c);
    return c;
  }

  /** After a test: disposes the cores from `createCore`, then empties the folders. */
  async reset(folders: string[] | 'all' = ['INBOX', PROCESSED]): Promise<void> {
    const cores = this.cores;
    this.cores = [];
    for (const c of cores) await c.dispose();
    await this.empty(folders);
  }

  /** A connected IMAP client as the mailbox user; the caller logs out. */
  async imap(): Promise<ImapFlow> {
    const d = this.dovecot;
    const c = new ImapFlow({ host: d.host, port: d.port, secure: false, doSTARTTLS: false, auth: { user: d.user, pass: d.password }, logger: false });
    c.on('error', () => {});
    await c.connect();
    return c;
  }

  /** Puts messages in INBOX; text gets CRLF line ends, bytes go in as they are. */
  async append(...messages: (string | Buffer)[]): Promise<void> {
    const c = await this.imap();
    for (const m of messages) await c.append('INBOX', typeof m === 'string' ? m.replace(/\r?\n/g, '\r\n') : m);
    await c.logout();
  }

  /** Messages in a folder; -1 when the folder does not exist. */
  async count(folder: string): Promise<number> {
    const c = await this.imap();
    const exists = (await c.list()).some((f) => f.path === folder);
    const n = exists ? ((await c.status(folder, { messages: true })) || { messages: 0 }).messages ?? 0 : -1;
    await c.logout();
    return n;
  }

  /** Message-IDs in a folder (empty when the folder does not exist). */
  async messageIds(folder: string): Promise<string[]> {
    const c = await this.imap();
    try {
      if (!(await c.list()).some((f) => f.path === folder)) return [];
      const lock = await c.getMailboxLock(folder);
      try {
        if ((c.mailbox as { exists: number }).exists === 0) return [];
        const out: string[] = [];
        for await (const m of c.fetch('1:*', { envelope: true })) out.push(m.envelope?.messageId ?? '');
        return out;
      } finally {
        lock.release();
      }
    } finally {
      await c.logout();
    }
  }

  /** Deletes every message in these folders (those that exist); 'all': in every folder. */
  async empty(folders: string[] | 'all' = ['INBOX', PROCESSED]): Promise<void> {
    const c = await this.imap();
    const existing = (await c.list()).map((f) => f.path);
    for (const folder of folders === 'all' ? existing : folders) {
      if (!existing.includes(folder)) continue;
      const lock = await c.getMailboxLock(folder);
      try {
        if ((c.mailbox as { exists: number }).exists > 0) await c.messageDelete('1:*');
      } finally {
        lock.release();
      }
    }
    await c.logout();
  }

  /** Input for inbox.settings.save that points Schakel at this mailbox. */
  settings(extra: Partial<InboxSettingsInput> = {}) {
    const d = this.dovecot;
    return {
      host: d.host, port: d.port, security: 'none' as const, user: d.user, password: d.password, folder: 'INBOX', processedFolder: PROCESSED,
      ...extra,
    };
  }
}

/** A test core for mailbox tests: no automatic backups, no outbox worker, IMAP passwords in memory, no watcher unless asked. */
export function createInboxCore(options: Omit<CoreOptions, 'dataDir'> = {}): Promise<TestCore> {
  return createTestCore({
    ...options,
    backup: options.backup ?? { auto: false },
    sending: { worker: false, ...options.sending },
    inbox: { passwords: new MemoryPasswordStore({}), watch: false, ...options.inbox },
  });
}

/**
 * A test mailbox for the enclosing describe: started before its tests and stopped after them;
 * after each test the cores from `createCore` are disposed and INBOX and the processed folder emptied.
 */
export function useTestMailbox(): TestMailbox {
  const m = new TestMailbox();
  beforeAll(() => m.open(), 30_000);
  afterAll(() => m.stop());
  afterEach(() => m.reset());
  return m;
}
