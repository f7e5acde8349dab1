import type { Context } from '../db/store/context';
import type { BackupService } from '../db/store/backup-service';
import type { ImportStore } from '../db/register/import';
import type { ConsentService } from '../db/consent/service';
import type { NewsletterService } from '../db/newsletter/service';
import type { SendingService } from '../db/sending/service';
import type { Clock } from '../db/sending/sending';
import type { InboxService } from '../db/inbox/service';
import type { MicrosoftService } from '../db/mail/microsoft/service';

/** Everything a handler may need besides the database, built once per core (see core.ts). */
export interface Services {
  clock: Clock;
  backup: BackupService;
  /** Parsed files between preview and commit; memory only, a few at a time, expiring after 30 minutes. */
  import: ImportStore;
  /** Suppression key (hasher) and journalled consent writes. */
  consent: ConsentService;
  /** Unsubscribe tokens and edition work that needs the keys. */
  newsletter: NewsletterService;
  /** Outbox, send worker, test mailbox, SMTP password store. */
  sending: SendingService;
  /** Mailbox watcher and reader, IMAP password store, confirmation mails. */
  inbox: InboxService;
  /** Microsoft 365 sign-in and tokens. */
  microsoft: MicrosoftService;
}

/** What every handler gets: the live database (replaced after a restore) and the services. */
export interface AppContext extends Context {
  services: Services;
}
