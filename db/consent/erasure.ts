import { sql } from 'kysely';
import { listBackupsHolding, type BackupWithExpiry } from '../store/backup';
import { inTransaction, type DbOrTx } from '../store/connection';
import { normaliseEmail } from '../shared/text';
import { CommandError, notFound } from '../shared/errors';
import { appendEvent } from './consent';
import { dutchDate } from './consent-model';
import { PERSON_DATA_SOURCES } from '../register/person-data';
import { fullName, syncPeopleSearchIndex } from '../register/people';
import type { AddressHasher } from './suppression';
import { findInTestMailboxForEach, removeFromTestMailbox } from '../mail/test-mailbox';
import type { BackupCopy, DataLocation, ErasurePreview, ErasureResult } from './types';

export const SCRUBBED = '[gewist]';

/** Tables the sweep leaves alone: the ledger (tombstoned by its own rule), HMAC-only tables, configuration. */
const SWEEP_SKIP = new Set(['consent_events', 'suppressions', 'erasures', 'settings', 'kysely_migration', 'kysely_migration_lock']);

export interface EraseInput {
  personId: number;
  actor: string;
  source: 'avg_request' | 'retention' | 'staff';
  requestId?: number | null;
  /** Several erasures in a row: the caller runs optimizeSearchIndexes once at the end. */
  deferIndexRewrite?: boolean;
  /** The test mailbox's messages about this person, when the caller looked for several people at once. */
  testMailboxMessages?: string[];
}

export interface ErasureEnv {
  hasher: AddressHasher;
  now: Date;
  dataDir: string;
}

class Rollback extends Error {
  constructor(readonly result: ErasureResult) {
    super('rollback');
  }
}

/** The backups that still hold this person, each with the date it is deleted at the latest. */
export async function backupsHolding(
  db: DbOrTx, dataDir: string, personId: number, now: Date,
): Promise<BackupCopy[]> {
  const p = await db.selectFrom('people').select('created_at').where('id', '=', personId).executeTakeFirst();
  if (!p) return [];
  const emails = await db.selectFrom('person_emails').select('email').where('person_id', '=', personId).execute();
  const held = await listBackupsHolding(dataDir, { personId, createdAt: p.created_at, emails: emails.map((e) => e.email) }, now);
  return held.map(toCopy);
}

export function toCopy(b: BackupWithExpiry & { unreadable?: boolean }): BackupCopy {
  return { file: b.file, folder: b.folder, createdAt: b.createdAt, expiresAt: b.expiresAt, unreadable: Boolean(b.unreadable) };
}

function likePattern(needle: string): string {
  return `%${needle.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Replaces the needles in every text column of every table (except SWEEP_SKIP) and reports where
 * they were found. Catches free text that mentions the person: notes, summaries, tables added later.
 * A table that refuses the change (a sent newsletter is frozen) keeps it, and is reported as kept.
 */
async function sweep(db: DbOrTx, needles: string[]): Promise<{ scrubbed: DataLocation[]; kept: DataLocation[] }> {
  const scrubbed: DataLocation[] = [];
  const kept: DataLocation[] = [];
  const usable = [...new Set(needles.map((n) => n.trim()).filter((n) => n.length >= 5))].sort((a, b) => b.length - a.length);
  if (!usable.length) return { scrubbed, kept };
  const pattern = new RegExp(usable.map(escapeRegExp).join('|'), 'giu');
  const tables = await sql<{ name: string }>`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`.execute(db);
  for (const { name: table } of tables.rows) {
    if (SWEEP_SKIP.has(table)) continue;
    const columns = await sql<{ name: string; type: string }>`SELECT name, type FROM pragma_table_info(${table})`.execute(db);
    for (const col of columns.rows) {
      const type = col.type.toUpperCase();
      if (type && !type.includes('TEXT') && !type.includes('CHAR') && !type.includes('CLOB')) continue;
      const t = sql.id(table);
      const c = sql.id(col.name);
      const where = sql.join(usable.map((n) => sql`${c} LIKE ${likePattern(n)} ESCAPE '\\'`), sql` OR `);
      const hits = await sql<{ value: string; n: number }>`SELECT ${c} AS value, count(*) AS n FROM ${t} WHERE ${where} GROUP BY ${c}`.execute(db);
      let done = 0;
      let refused = 0;
      for (const hit of hits.rows) {
        try {
          // A refusal (trigger, check) undoes this statement only, not the erasure's transaction.
          await sql`UPDATE ${t} SET ${c} = ${String(hit.value).replace(pattern, SCRUBBED)} WHERE ${c} = ${hit.value}`.execute(db);
          done += Number(hit.n);
        } catch {
          refused += Number(hit.n);
        }
      }
      if (done) scrubbed.push({ table, column: col.name, rows: done });
      if (refused) kept.push({ table, column: col.name, rows: refused });
    }
  }
  return { scrubbed, kept };
}

/**
 * Full-text indexes keep deleted rows' terms in their segments until a merge: rewriting every
 * FTS5 index leaves nothing of an erased person in it. After the people index was brought up to date.
 */
export async function optimizeSearchIndexes(db: DbOrTx): Promise<void> {
  const fts = await sql<{ name: string }>`SELECT name FROM sqlite_master WHERE type = 'table' AND sql LIKE 'CREATE VIRTUAL TABLE%USING fts5(%'`.execute(db);
  for (const { name } of fts.rows) await sql`INSERT INTO ${sql.id(name)} (${sql.id(name)}) VALUES ('optimize')`.execute(db);
}

/** What identifies the person in free text: addresses (as typed and normalised), phone number, full name. */
function needlesOf(person: { first_name: string; last_name: string; phone: string | null }, emails: string[]): string[] {
  const name = fullName(person.first_name, person.last_name);
  return [...emails, ...emails.map(normaliseEmail), ...(person.phone ? [person.phone] : []), ...(person.first_name && person.last_name ? [name] : [])];
}

/** The test mailbox's messages that mention each person, reading the mailbox once. */
export async function testMailboxMessages(db: DbOrTx, dataDir: string, personIds: number[]): Promise<Map<number, string[]>> {
  const needles: string[][] = [];
  for (const personId of personIds) {
    const person = await db.selectFrom('people').select(['first_name', 'last_name', 'phone']).where('id', '=', personId).executeTakeFirst();
    const emails = (await db.selectFrom('person_emails').select('email').where('person_id', '=', personId).execute()).map((e) => e.email);
    needles.push(person ? needlesOf(person, emails) : []);
  }
  const found = await findInTestMailboxForEach(dataDir, needles);
  return new Map(personIds.map((id, i) => [id, found[i]!]));
}

async function runErasure(trx: DbOrTx, env: ErasureEnv, input: EraseInput, testMailbox: number): Promise<ErasureResult> {
  const person = await trx.selectFrom('people').select(['id', 'first_name', 'last_name', 'phone']).where('id', '=', input.personId).executeTakeFirst();
  if (!person) throw notFound({ nl: 'Persoon', en: 'Person' });
  const emails = (await trx.selectFrom('person_emails').select('email').where('person_id', '=', person.id).orderBy('is_primary', 'desc').orderBy('id').execute())
    .map((e) => e.email);
  const norms = [...new Set(emails.map(normaliseEmail))];
  const hmacs = norms.map((n) => env.hasher.hashNormalised(n));
  if (input.requestId) {
    const request = await trx.selectFrom('avg_requests').select(['id', 'kind', 'person_id']).where('id', '=', input.requestId).executeTakeFirst();
    if (!request) throw notFound({ nl: 'AVG-verzoek', en: 'Data-subject request' });
    if (request.person_id !== null && request.person_id !== person.id) {
      throw new CommandError('request_mismatch', { nl: 'Dit verzoek gaat over iemand anders.', en: 'This request is about someone else.' });
    }
  }
  const at = env.now.toISOString();
  const { id: erasureId } = await trx.insertInto('erasures').values({
    erased_at: at, actor: input.actor, source: input.source, request_id: input.requestId ?? null, counts: '{}',
  }).returning('id').executeTakeFirstOrThrow();

  const scope = { now: env.now, erasureId, emails, hmacs };
  const counts: Record<string, number> = { addresses: emails.length };
  for (const source of PERSON_DATA_SOURCES) counts[source.key] = await source.erase(trx, person.id, scope);
  counts.testMailbox = testMailbox;

  // The ledger keeps that these addresses were erased, by HMAC only, and they stay suppressed.
  for (const hmac of hmacs) {
    await appendEvent(trx, {
      type: 'erased', personId: null, listId: null, occurredAt: at, actor: input.actor, source: input.source,
      emailHmac: hmac, requestId: input.requestId ?? null, erasureId,
    }, env.now);
  }

  const { scrubbed, kept } = await sweep(trx, needlesOf(person, emails));
  await syncPeopleSearchIndex(trx);
  if (!input.deferIndexRewrite) await optimizeSearchIndexes(trx);

  if (input.requestId) {
    await trx.updateTable('avg_requests').set({
      status: 'done', closed_on: dutchDate(env.now), handled_by: input.actor, erasure_id: erasureId, updated_at: at,
      outcome: `Gegevens gewist op ${at.slice(0, 10)} (wisactie ${erasureId}). / Data erased on ${at.slice(0, 10)} (erasure ${erasureId}).`,
    }).where('id', '=', input.requestId).execute();
  }
  await trx.updateTable('erasures').set({ counts: JSON.stringify(counts) }).where('id', '=', erasureId).execute();
  return { erasureId, erasedAt: at, counts, scrubbed, kept, suppressedAddresses: hmacs.length, backups: [] };
}

/**
 * Erases a person: see PERSON_DATA_SOURCES, and the test mailbox's messages that mention them.
 * Leaves the HMAC suppression entries and anonymised counts.
 */
export async function erasePerson(db: DbOrTx, env: ErasureEnv, input: EraseInput & { skipBackupScan?: boolean }): Promise<ErasureResult> {
  const backups = input.skipBackupScan ? [] : await backupsHolding(db, env.dataDir, input.personId, env.now);
  const mail = input.testMailboxMessages ?? (await testMailboxMessages(db, env.dataDir, [input.personId])).get(input.personId)!;
  const result = await inTransaction(db, async (trx) => {
    const erased = await runErasure(trx, env, input, mail.length);
    // Files do not roll back: removed last, so a failure here undoes the erasure and it can be done again.
    removeFromTestMailbox(env.dataDir, mail);
    return erased;
  });
  if (!db.isTransaction) await checkpoint(db);
  return { ...result, backups };
}

/** What erasure would do, by doing it in a transaction that is then rolled back. */
export async function previewErasure(db: DbOrTx, env: ErasureEnv, personId: number): Promise<ErasurePreview> {
  const person = await db.selectFrom('people').select(['first_name', 'last_name']).where('id', '=', personId).executeTakeFirst();
  if (!person) throw notFound({ nl: 'Persoon', en: 'Person' });
  const mail = (await testMailboxMessages(db, env.dataDir, [personId])).get(personId)!;
  try {
    await inTransaction(db, async (trx) => {
      throw new Rollback(await runErasure(trx, env, { personId, actor: 'preview', source: 'staff', deferIndexRewrite: true }, mail.length));
    });
  } catch (error) {
    if (!(error instanceof Rollback)) throw error;
    return {
      personId, name: fullName(person.first_name, person.last_name), counts: error.result.counts, occurrences: error.result.scrubbed,
      kept: error.result.kept,
      backups: await backupsHolding(db, env.dataDir, personId, env.now),
    };
  }
  throw new Error('unreachable');
}

/** Moves the WAL into the database file and truncates it, so no old page images stay on disk. */
export async function checkpoint(db: DbOrTx): Promise<void> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const { rows } = await sql<{ busy: number }>`PRAGMA wal_checkpoint(TRUNCATE)`.execute(db);
    // busy: a reader kept part of the WAL; try again once it is done.
    if (!rows[0]?.busy) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
