import { DATABASE_FILE, type OpenedDatabase } from '../db/store/connection';
export { DATABASE_FILE };
export { StorageError } from '../db/store/storage';
import { classifyStorageError } from '../db/store/storage';
import { BackupService, openDataFolder, type BackupScheduleOptions } from '../db/store/backup-service';
import { seedProgramme, seedDemo } from '../db/store/seed';
import type { Context } from '../db/store/context';
import { ImportStore } from '../db/register/import';
import { ConsentService } from '../db/consent/service';
import { NewsletterService } from '../db/newsletter/service';
import { SendingService, type SendingStartOptions } from '../db/sending/service';
import { realClock } from '../db/sending/sending';
import { InboxService, type InboxStartOptions } from '../db/inbox/service';
import { getImapSettings } from '../db/inbox/inbox';
import { MicrosoftService, type MicrosoftStartOptions } from '../db/mail/microsoft/service';
import { StorageSafeRegistry } from './commands/storage-registry';
import type { Registry } from './commands/registry';
import { backupContract } from './commands/backup.contract';
import { consentContract } from './commands/consent.contract';
import { importContract } from './commands/import.contract';
import { registerContract } from './commands/register.contract';
import { newsletterContract } from './commands/newsletter.contract';
import { sendingContract } from './commands/sending.contract';
import { inboxContract } from './commands/inbox.contract';
import { microsoftContract } from './commands/microsoft.contract';
import { backupHandlers } from './handlers/backup';
import { consentHandlers } from './handlers/consent';
import { importHandlers } from './handlers/import';
import { newsletterHandlers } from './handlers/newsletter';
import { registerHandlers } from './handlers/register';
import { sendingHandlers } from './handlers/sending';
import { inboxHandlers } from './handlers/inbox';
import { microsoftHandlers } from './handlers/microsoft';
import type { AppContext, Services } from './services';

export type { AppContext, Services } from './services';
export type { SendingStartOptions } from '../db/sending/service';
export type { InboxStartOptions } from '../db/inbox/service';
export type { MicrosoftStartOptions } from '../db/mail/microsoft/service';

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
  ctx: AppContext;
  /** The same object as ctx.services. */
  services: Services;
  /** The live database; replaced after a restore (ctx.db and ctx.sqlite follow). */
  database: OpenedDatabase;
  backups: BackupService;
  close(): Promise<void>;
}

/**
 * Opens the data folder, migrates and seeds, builds the services once and registers every command. No Electron, no HTTP.
 * Throws a StorageError (code, {nl, en} messages) when the data folder cannot be used safely.
 */
export async function startCore(options: CoreOptions): Promise<Core> {
  const now = options.now ?? (() => new Date());
  const { database, lock } = await openDataFolder({ dataDir: options.dataDir, nativeBinding: options.nativeBinding, now });
  // One object for the whole run: a restore swaps ctx.db and ctx.sqlite in place, and every service reads them from here.
  const ctx: Context = {
    db: database.db,
    sqlite: database.sqlite,
    dataDir: options.dataDir,
    now,
  };
  const consent = new ConsentService(ctx);
  try {
    await seedProgramme(ctx.db);
    await consent.prepare();
    if (options.demo) await seedDemo(ctx.db);
  } catch (error) {
    await database.close();
    lock.release();
    throw classifyStorageError(error, options.dataDir) ?? error;
  }
  const backup = new BackupService({
    ...options.backup, ctx, database, nativeBinding: options.nativeBinding,
    onReopen: async () => { await seedProgramme(ctx.db); await consent.prepare(); },
  });
  backup.start();
  const clock = options.sending?.clock ?? realClock;
  const newsletter = new NewsletterService(ctx, consent);
  const microsoft = new MicrosoftService(ctx, { mailboxFolder: async () => (await getImapSettings(ctx.db)).folder }, options.microsoft);
  const sending = new SendingService(ctx, {
    env: async () => ({ hasher: await consent.hasher(), tokens: newsletter.tokens }),
  }, { ...options.sending, clock });
  const inbox = new InboxService(ctx, {
    hasher: () => consent.hasher(),
    tokens: () => newsletter.tokens,
    microsoft,
    confirmationTarget: () => sending.currentTarget(),
  }, options.inbox);
  const services: Services = { clock, backup, import: new ImportStore(), consent, newsletter, sending, inbox, microsoft };
  const app: AppContext = Object.assign(ctx, { services });
  await sending.start();
  inbox.start();
  const registry = new StorageSafeRegistry(app)
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
    registry, ctx: app, services, backups: backup,
    get database() { return backup.database; },
    async close() {
      if (closed) return;
      closed = true;
      await inbox.stop();
      await sending.stop();
      await backup.stop();
      try {
        await backup.database.close();
      } finally {
        lock.release();
      }
    },
  };
}
