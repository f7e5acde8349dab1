import { DATABASE_FILE, type OpenedDatabase } from '../db/store/connection';
export { DATABASE_FILE };
export { StorageError } from '../db/store/storage';
import { classifyStorageError } from '../db/store/storage';
import { BackupService, openDataFolder, type BackupScheduleOptions } from '../db/store/backup-service';
import { backupContract } from './commands/backup.contract';
import { backupHandlers } from './handlers/backup';
import { StorageSafeRegistry } from './commands/storage-registry';
import { seedProgramme, seedDemo } from '../db/store/seed';
import type { Registry } from './commands/registry';
import { consentContract } from './commands/consent.contract';
import { importContract } from './commands/import.contract';
import { registerContract } from './commands/register.contract';
import { consentHandlers, prepareConsent } from './handlers/consent';
import { importHandlers } from './handlers/import';
import { newsletterContract } from './commands/newsletter.contract';
import { newsletterHandlers } from './handlers/newsletter';
import { registerHandlers } from './handlers/register';
import { sendingContract } from './commands/sending.contract';
import { sendingHandlers, startSending, type SendingStartOptions } from './handlers/sending';
import { inboxContract } from './commands/inbox.contract';
import { inboxHandlers, startInbox, stopInbox, type InboxStartOptions } from './handlers/inbox';
import { microsoftContract } from './commands/microsoft.contract';
import { microsoftHandlers, startMicrosoft, type MicrosoftStartOptions } from './handlers/microsoft';
import type { Context } from '../db/store/context';

export interface CoreOptions {
  dataDir: string;
  demo?: boolean;
  nativeBinding?: string;
  now?: () => Date;
  /** Automatic backups (on by default). */
  backup?: BackupScheduleOptions;
  /** The outbox worker, password store and pacing overrides. */
  sending?: SendingStartOptions;
  /** The IMAP password store, mailbox-check hooks, and whether the mailbox is watched automatically (watch, default true). */
  inbox?: InboxStartOptions;
  /** Microsoft 365 sign-in: the token cache's key store and how the sign-in page is opened. */
  microsoft?: MicrosoftStartOptions;
}

export interface Core {
  registry: Registry;
  ctx: Context;
  /** The live database; replaced after a restore (ctx.db and ctx.sqlite follow). */
  database: OpenedDatabase;
  backups: BackupService;
  close(): Promise<void>;
}

/**
 * Opens the data folder, migrates and seeds, and registers every command. No Electron, no HTTP.
 * Throws a StorageError (code, {nl, en} messages) when the data folder cannot be used safely.
 */
export async function startCore(options: CoreOptions): Promise<Core> {
  const now = options.now ?? (() => new Date());
  const { database, lock } = await openDataFolder({ dataDir: options.dataDir, nativeBinding: options.nativeBinding, now });
  const ctx: Context = {
    db: database.db,
    sqlite: database.sqlite,
    dataDir: options.dataDir,
    now,
  };
  try {
    await seedProgramme(ctx.db);
    await prepareConsent(ctx);
    if (options.demo) await seedDemo(ctx.db);
  } catch (error) {
    await database.close();
    lock.release();
    throw classifyStorageError(error, options.dataDir) ?? error;
  }
  const backups = new BackupService({
    ...options.backup, ctx, database, nativeBinding: options.nativeBinding,
    onReopen: async () => { await seedProgramme(ctx.db); await prepareConsent(ctx); },
  });
  backups.start();
  startMicrosoft(ctx, options.microsoft);
  const sending = await startSending(ctx, options.sending);
  startInbox(ctx, options.inbox);
  const registry = new StorageSafeRegistry(ctx)
    .register(registerContract, registerHandlers)
    .register(importContract, importHandlers)
    .register(backupContract, backupHandlers)
    .register(consentContract, consentHandlers)
    .register(newsletterContract, newsletterHandlers)
    .register(sendingContract, sendingHandlers)
    .register(inboxContract, inboxHandlers)
    .register(microsoftContract, microsoftHandlers);
  let closed = false;
  return {
    registry, ctx, backups,
    get database() { return backups.database; },
    async close() {
      if (closed) return;
      closed = true;
      await stopInbox(ctx);
      await sending.stop();
      await backups.stop();
      try {
        await backups.database.close();
      } finally {
        lock.release();
      }
    },
  };
}
