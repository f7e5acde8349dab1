import { type Kysely, sql } from 'kysely';

// Frozen: never edit after release; add a new migration instead.
const NOW = `(strftime('%Y-%m-%dT%H:%M:%fZ','now'))`;

export async function up(db: Kysely<any>): Promise<void> {
  const statements = [
    // Every message the inbox has acted on, by Message-ID: written in the same transaction as the action.
    `CREATE TABLE inbox_messages (
      message_id TEXT PRIMARY KEY,
      kind TEXT NOT NULL,
      outcome TEXT NOT NULL,
      review_id INTEGER,
      processed_at TEXT NOT NULL DEFAULT ${NOW}
    )`,
    // Messages a person must look at. person_id has no foreign key: erasure removes the rows itself.
    `CREATE TABLE inbox_review (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      message_id TEXT NOT NULL UNIQUE,
      reason TEXT NOT NULL,
      from_address TEXT,
      subject TEXT NOT NULL,
      body TEXT NOT NULL,
      received_at TEXT,
      person_id INTEGER,
      status TEXT NOT NULL CHECK (status IN ('open','done')) DEFAULT 'open',
      action TEXT,
      request_id INTEGER,
      handled_by TEXT,
      handled_at TEXT,
      created_at TEXT NOT NULL DEFAULT ${NOW}
    )`,
    `CREATE INDEX inbox_review_open ON inbox_review (status, created_at)`,
    `CREATE INDEX inbox_review_person ON inbox_review (person_id) WHERE person_id IS NOT NULL`,
    // Soft bounces in a row per address (keyed hash, not the address).
    `CREATE TABLE inbox_soft_bounces (
      email_hmac TEXT PRIMARY KEY,
      count INTEGER NOT NULL,
      last_job_id INTEGER,
      updated_at TEXT NOT NULL
    )`,
  ];
  for (const statement of statements) await sql.raw(statement).execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('inbox_soft_bounces').execute();
  await db.schema.dropTable('inbox_review').execute();
  await db.schema.dropTable('inbox_messages').execute();
}
