import type { Migration, MigrationProvider } from 'kysely';
import * as m0001 from './0001_register';

/** Ordered, static list: a bundled app cannot read the folder at run time. */
export const migrations: Record<string, Migration> = {
  '0001_register': m0001,
};

export const migrationProvider: MigrationProvider = {
  getMigrations: async () => migrations,
};

export const LATEST_MIGRATION = Object.keys(migrations).sort().at(-1)!;
