import { type Kysely, sql } from 'kysely';

// Frozen: never edit after release; add a new migration instead.
const NOW = `(strftime('%Y-%m-%dT%H:%M:%fZ','now'))`;

export async function up(db: Kysely<any>): Promise<void> {
  const statements = [
    // One send of an edition (or a follow-up to the failed recipients of an earlier job).
    `CREATE TABLE send_jobs (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      edition_id INTEGER NOT NULL REFERENCES editions(id),
      parent_job_id INTEGER REFERENCES send_jobs(id),
      mailbox TEXT NOT NULL CHECK (mailbox IN ('test','smtp')),
      status TEXT NOT NULL CHECK (status IN ('scheduled','due','running','paused','cancelled','done')),
      scheduled_at TEXT,
      pause_reason TEXT,
      pause_detail TEXT,
      created_at TEXT NOT NULL DEFAULT ${NOW},
      started_at TEXT,
      finished_at TEXT,
      updated_at TEXT NOT NULL DEFAULT ${NOW}
    )`,
    `CREATE INDEX send_jobs_status ON send_jobs (status, id)`,
    // One row per recipient, with its own state. person_id has no foreign key: erasure removes the rows itself.
    `CREATE TABLE send_recipients (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      job_id INTEGER NOT NULL REFERENCES send_jobs(id),
      person_id INTEGER,
      list_id INTEGER,
      email TEXT NOT NULL,
      name TEXT NOT NULL,
      language TEXT NOT NULL CHECK (language IN ('nl','en')),
      state TEXT NOT NULL CHECK (state IN ('queued','sending','sent','retry','failed','skipped','uncertain','cancelled')),
      reason TEXT,
      detail TEXT,
      attempts INTEGER NOT NULL DEFAULT 0,
      next_attempt_at INTEGER,
      message_id TEXT,
      sent_at TEXT,
      updated_at TEXT NOT NULL
    )`,
    `CREATE INDEX send_recipients_job ON send_recipients (job_id, state, id)`,
    `CREATE INDEX send_recipients_person ON send_recipients (person_id) WHERE person_id IS NOT NULL`,
    `CREATE UNIQUE INDEX send_recipients_once ON send_recipients (job_id, person_id) WHERE person_id IS NOT NULL`,
    `CREATE UNIQUE INDEX send_recipients_message_id ON send_recipients (message_id) WHERE message_id IS NOT NULL`,
    // Every message handed to the SMTP account, for the rolling limits (milliseconds since 1970).
    `CREATE TABLE send_events (at INTEGER NOT NULL)`,
    `CREATE INDEX send_events_at ON send_events (at)`,
  ];
  for (const statement of statements) await sql.raw(statement).execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('send_events').execute();
  await db.schema.dropTable('send_recipients').execute();
  await db.schema.dropTable('send_jobs').execute();
}
