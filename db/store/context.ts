import type { Db } from './connection';
import type BetterSqlite3 from 'better-sqlite3';

export interface Context {
  db: Db;
  sqlite: BetterSqlite3.Database;
  dataDir: string;
  now: () => Date;
}
