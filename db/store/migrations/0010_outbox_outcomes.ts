import { type Kysely, sql } from 'kysely';

// Frozen: never edit after release; add a new migration instead.
export async function up(db: Kysely<any>): Promise<void> {
  // When the message was handed to a connection: shown with an uncertain outcome, counted for the rolling limits.
  await sql`ALTER TABLE send_recipients ADD COLUMN attempted_at TEXT`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`ALTER TABLE send_recipients DROP COLUMN attempted_at`.execute(db);
}
