import { type Kysely, sql } from 'kysely';

// Frozen: never edit after release; add a new migration instead.
const NOW = `(strftime('%Y-%m-%dT%H:%M:%fZ','now'))`;

export async function up(db: Kysely<any>): Promise<void> {
  const statements = [
    // One confirmation mail per pending double opt-in sign-up. person_id/list_id have no foreign key: erasure removes the rows itself.
    `CREATE TABLE confirmations (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      person_id INTEGER NOT NULL,
      list_id INTEGER NOT NULL,
      email_hmac TEXT,
      message_id TEXT,
      status TEXT NOT NULL CHECK (status IN ('sent','failed','confirmed','expired')),
      error TEXT,
      attempts INTEGER NOT NULL DEFAULT 0,
      sent_at TEXT,
      expires_at TEXT,
      evidence_message_id TEXT,
      pending_since TEXT,
      updated_at TEXT NOT NULL DEFAULT ${NOW},
      created_at TEXT NOT NULL DEFAULT ${NOW},
      UNIQUE (person_id, list_id)
    )`,
    `CREATE INDEX confirmations_status ON confirmations (status, expires_at)`,
  ];
  for (const statement of statements) await sql.raw(statement).execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('confirmations').execute();
}
