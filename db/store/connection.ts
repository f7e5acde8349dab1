import BetterSqlite3 from 'better-sqlite3';
import { Kysely, Migrator, SqliteDialect, SqliteDriver, type DatabaseConnection, type Driver, type Transaction } from 'kysely';
import { migrationProvider } from './migrations/index';
import type { Database } from './schema';
import { createPrivateFile, restrictMode } from './storage';

export const DATABASE_FILE = 'schakel.db';

export type Db = Kysely<Database>;
export type DbOrTx = Kysely<Database> | Transaction<Database>;

export interface OpenedDatabase {
  db: Db;
  sqlite: BetterSqlite3.Database;
  close(): Promise<void>;
}

export interface OpenOptions {
  /** Path to a better-sqlite3 build for another runtime (the desktop shell). */
  nativeBinding?: string;
  migrate?: boolean;
}

export async function openDatabase(file: string, options: OpenOptions = {}): Promise<OpenedDatabase> {
  // SQLite gives -wal and -shm the database file's mode: owner-only from the start.
  createPrivateFile(file);
  for (const companion of [`${file}-wal`, `${file}-shm`]) restrictMode(companion);
  const sqlite = new BetterSqlite3(file, options.nativeBinding ? { nativeBinding: options.nativeBinding } : {});
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma('synchronous = NORMAL');
  // Freed pages are zeroed, so erased personal data does not linger in the file.
  sqlite.pragma('secure_delete = ON');
  const db = new Kysely<Database>({ dialect: new RollbackSafeSqliteDialect(sqlite) });
  if (options.migrate !== false) {
    try {
      // An upgrade writes the whole schema through the WAL; fold it back so it does not linger on disk.
      if ((await migrateToLatest(db)).length) sqlite.pragma('wal_checkpoint(TRUNCATE)');
    } catch (error) {
      await db.destroy();
      throw error;
    }
  }
  return {
    db,
    sqlite,
    close: async () => {
      await db.destroy();
    },
  };
}

/**
 * SQLite rolls a transaction back by itself on some errors (disk full, I/O error). Kysely then
 * sends ROLLBACK anyway, which fails with "no transaction is active" and hides the real error.
 */
class RollbackSafeSqliteDialect extends SqliteDialect {
  constructor(private readonly sqlite: BetterSqlite3.Database) {
    super({ database: sqlite });
  }

  override createDriver(): Driver {
    const sqlite = this.sqlite;
    return new (class extends SqliteDriver {
      override async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
        if (sqlite.inTransaction) await super.rollbackTransaction(connection);
      }
    })({ database: sqlite });
  }
}

export async function migrateToLatest(db: Db, target?: string): Promise<string[]> {
  const migrator = new Migrator({ db, provider: migrationProvider });
  const { error, results } = target ? await migrator.migrateTo(target) : await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error');
    throw new Error(`Database migration ${failed?.migrationName ?? ''} failed: ${String(error)}`, { cause: error });
  }
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

export function nowIso(): string {
  return new Date().toISOString();
}

/** Runs fn in a transaction, joining the caller's transaction when there is one. */
export function inTransaction<T>(db: DbOrTx, fn: (trx: DbOrTx) => Promise<T>): Promise<T> {
  return db.isTransaction ? fn(db) : (db as Db).transaction().execute(fn);
}
