import { type Kysely, sql } from 'kysely';

// Frozen: never edit after release; add a new migration instead.
// Type-ahead search over people.search_text:
// - people_fts: a trigram index for terms of 2+ characters. The indexed text gets a trailing space
//   so that every 2-character substring starts a trigram (people_fts_vocab lists them).
// - people_fts_pending: people whose search text changed, queued by triggers and indexed in one go
//   by the next search or import (an FTS5 write per row inside a larger transaction is very slow).
// - people_sort_search replaces people_sort: name order plus the search text, so walking the names
//   while filtering, and counting by 1-character terms, read this index only.
export async function up(db: Kysely<any>): Promise<void> {
  const statements = [
    `CREATE VIRTUAL TABLE people_fts USING fts5(search_text, tokenize = 'trigram', content = '', contentless_delete = 1)`,
    `CREATE VIRTUAL TABLE people_fts_vocab USING fts5vocab(people_fts, row)`,
    `CREATE TABLE people_fts_pending (id INTEGER PRIMARY KEY, stale INTEGER NOT NULL DEFAULT 0)`,
    `INSERT INTO people_fts (rowid, search_text) SELECT id, search_text || ' ' FROM people`,
    `CREATE TRIGGER people_fts_queue_insert AFTER INSERT ON people BEGIN
       INSERT OR IGNORE INTO people_fts_pending (id, stale) VALUES (new.id, 0);
     END`,
    `CREATE TRIGGER people_fts_queue_update AFTER UPDATE OF search_text ON people BEGIN
       INSERT INTO people_fts_pending (id, stale) VALUES (old.id, 1) ON CONFLICT (id) DO UPDATE SET stale = 1;
     END`,
    `CREATE TRIGGER people_fts_queue_delete AFTER DELETE ON people BEGIN
       INSERT INTO people_fts_pending (id, stale) VALUES (old.id, 1) ON CONFLICT (id) DO UPDATE SET stale = 1;
     END`,
    `DROP INDEX people_sort`,
    `CREATE INDEX people_sort_search ON people (sort_key, id, search_text)`,
  ];
  for (const statement of statements) await sql.raw(statement).execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const statement of [
    `DROP INDEX people_sort_search`,
    `CREATE INDEX people_sort ON people (sort_key, id)`,
    `DROP TRIGGER people_fts_queue_delete`,
    `DROP TRIGGER people_fts_queue_update`,
    `DROP TRIGGER people_fts_queue_insert`,
    `DROP TABLE people_fts_pending`,
    `DROP TABLE people_fts_vocab`,
    `DROP TABLE people_fts`,
  ]) {
    await sql.raw(statement).execute(db);
  }
}
