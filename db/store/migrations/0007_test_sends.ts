import { type Kysely, sql } from 'kysely';

// Frozen: never edit after release; add a new migration instead.
export async function up(db: Kysely<any>): Promise<void> {
  const statements = [
    // A test send is a job of its own kind: it does not freeze or mark the edition.
    `ALTER TABLE send_jobs ADD COLUMN kind TEXT NOT NULL DEFAULT 'edition' CHECK (kind IN ('edition','test'))`,
    // For kind 'test': the content as it was when the test was asked for, the languages and the "view as" person id (JSON).
    `ALTER TABLE send_jobs ADD COLUMN test_payload TEXT`,
    `CREATE INDEX send_jobs_kind_status ON send_jobs (kind, status, id)`,
  ];
  for (const statement of statements) await sql.raw(statement).execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql.raw('DROP INDEX send_jobs_kind_status').execute(db);
  await sql.raw('ALTER TABLE send_jobs DROP COLUMN test_payload').execute(db);
  await sql.raw('ALTER TABLE send_jobs DROP COLUMN kind').execute(db);
}
