import type { Migration, MigrationProvider } from 'kysely';
import * as m0001 from './0001_register';
import * as m0002 from './0002_consent';
import * as m0003 from './0003_search';
import * as m0004 from './0004_editions';
import * as m0005 from './0005_sending';
import * as m0006 from './0006_inbox';
import * as m0007 from './0007_test_sends';
import * as m0008 from './0008_confirmations';
import * as m0009 from './0009_inbox_history';
import * as m0010 from './0010_outbox_outcomes';

/** Ordered, static list: a bundled app cannot read the folder at run time. */
export const migrations: Record<string, Migration> = {
  '0001_register': m0001,
  '0002_consent': m0002,
  '0003_search': m0003,
  '0004_editions': m0004,
  '0005_sending': m0005,
  '0006_inbox': m0006,
  '0007_test_sends': m0007,
  '0008_confirmations': m0008,
  '0009_inbox_history': m0009,
  '0010_outbox_outcomes': m0010,
};

export const migrationProvider: MigrationProvider = {
  getMigrations: async () => migrations,
};

export const LATEST_MIGRATION = Object.keys(migrations).sort().at(-1)!;
