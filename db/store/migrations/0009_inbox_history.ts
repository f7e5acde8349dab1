import { type Kysely, sql } from 'kysely';

// Frozen: never edit after release; add a new migration instead.

export async function up(db: Kysely<any>): Promise<void> {
  const statements = [
    // What the mailbox did with every message, kept for the retention period. person_id has no foreign key: erasure removes the rows itself.
    `CREATE TABLE inbox_history (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      message_id TEXT NOT NULL,
      received_at TEXT NOT NULL,
      kind TEXT NOT NULL,
      outcome TEXT NOT NULL,
      detail TEXT,
      person_id INTEGER,
      list_id INTEGER,
      address TEXT,
      from_address TEXT,
      subject TEXT NOT NULL DEFAULT '',
      review_id INTEGER
    )`,
    `CREATE INDEX inbox_history_received ON inbox_history (received_at)`,
    `CREATE INDEX inbox_history_person ON inbox_history (person_id) WHERE person_id IS NOT NULL`,
    // A bounce or complaint in the review queue: the address the report names and the address Schakel sent to.
    `ALTER TABLE inbox_review ADD COLUMN report_address TEXT`,
    `ALTER TABLE inbox_review ADD COLUMN sent_address TEXT`,
  ];
  for (const statement of statements) await sql.raw(statement).execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('inbox_review').dropColumn('sent_address').execute();
  await db.schema.alterTable('inbox_review').dropColumn('report_address').execute();
  await db.schema.dropTable('inbox_history').execute();
}
