import type { BenchModule, Report } from './types';
import type BetterSqlite3 from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { createBackup } from '../../db/store/backup';
import { DATABASE_FILE, openDatabase } from '../../db/store/connection';

const PEOPLE = 100_000;

function has(sqlite: BetterSqlite3.Database, table: string, columns: string[] = []): boolean {
  const cols = (sqlite.prepare(`PRAGMA table_info("${table}")`).all() as { name: string }[]).map((c) => c.name);
  return cols.length > 0 && columns.every((c) => cols.includes(c));
}

/** 100,000 people with an address, a tag, and (where the schema has them) a consent event and a subscription each. */
export function fillBenchDatabase(sqlite: BetterSqlite3.Database, people = PEOPLE): void {
  const now = new Date().toISOString();
  const person = sqlite.prepare(
    `INSERT INTO people (first_name, last_name, organisation_id, job_title, language, notes, sort_key, search_text, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const email = sqlite.prepare(`INSERT INTO person_emails (person_id, email, email_norm, is_primary) VALUES (?, ?, ?, 1)`);
  const tag = sqlite.prepare(`INSERT INTO person_tags (person_id, tag) VALUES (?, ?)`);
  const orgIds = (sqlite.prepare('SELECT id FROM organisations').all() as { id: number }[]).map((r) => r.id);
  const withConsent =
    has(sqlite, 'mailing_lists', ['name', 'language', 'lawful_basis']) &&
    has(sqlite, 'consent_events', ['type', 'person_id', 'list_id', 'occurred_at', 'actor', 'source', 'email']) &&
    has(sqlite, 'subscriptions', ['person_id', 'list_id', 'status', 'last_event_id', 'since', 'updated_at']);

  sqlite.transaction(() => {
    let listId: number | bigint = 0;
    let event: BetterSqlite3.Statement | null = null;
    let subscription: BetterSqlite3.Statement | null = null;
    if (withConsent) {
      listId = sqlite
        .prepare(`INSERT INTO mailing_lists (name, language, lawful_basis) VALUES ('Nieuwsbrief (bench)', 'nl', 'consent')`)
        .run().lastInsertRowid;
      event = sqlite.prepare(
        `INSERT INTO consent_events (type, person_id, list_id, occurred_at, actor, source, email, evidence_text)
         VALUES ('subscribed', ?, ?, ?, 'bench', 'website', ?, 'Aangemeld via het formulier op de website.')`,
      );
      subscription = sqlite.prepare(
        `INSERT INTO subscriptions (person_id, list_id, status, last_event_id, since, updated_at) VALUES (?, ?, 'subscribed', ?, ?, ?)`,
      );
    }
    for (let i = 1; i <= people; i++) {
      const first = `Voornaam${i % 997}`;
      const last = `Achternaam ${i}`;
      const address = `persoon${i}@example.org`;
      const id = person.run(
        first, last, orgIds.length ? orgIds[i % orgIds.length]! : null, 'Beleidsmedewerker jeugd', i % 10 === 0 ? 'en' : 'nl',
        i % 5 === 0 ? 'Aanwezig bij de programmadag; wil de evaluatie ontvangen.' : null,
        `${last.toLowerCase()} ${first.toLowerCase()}`, `${first} ${last} ${address}`.toLowerCase(), now,
      ).lastInsertRowid;
      email.run(id, address, address);
      tag.run(id, i % 3 === 0 ? 'klankbord' : 'nieuwsbrief');
      if (event && subscription) {
        const eventId = event.run(id, listId, now, address).lastInsertRowid;
        subscription.run(id, listId, eventId, now, now);
      }
    }
    // As after the first search: the search index built, its queue empty.
    if (has(sqlite, 'people_fts') && has(sqlite, 'people_fts_pending')) {
      sqlite.exec(`INSERT INTO people_fts (rowid, search_text) SELECT id, search_text || ' ' FROM people; DELETE FROM people_fts_pending;`);
    }
  })();
  sqlite.pragma('wal_checkpoint(TRUNCATE)');
}

/** Online backup (integrity check included) of a database with 100,000 people; prints backup_100k_people_s. */
export async function benchBackup(report: Report = (n, v, u) => console.log(`${n}: ${v.toFixed(2)} ${u}`)): Promise<number> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'schakel-bench-backup-'));
  const database = await openDatabase(path.join(dir, DATABASE_FILE));
  try {
    fillBenchDatabase(database.sqlite);
    const started = performance.now();
    const backup = await createBackup(database.sqlite, { folder: path.join(dir, 'backups'), kind: 'manual', now: new Date() });
    const seconds = (performance.now() - started) / 1000;
    if (backup.counts.people !== PEOPLE) throw new Error(`backup holds ${backup.counts.people} people, expected ${PEOPLE}`);
    console.error(
      `[bench] backup: ${(backup.sizeBytes / 1024 / 1024).toFixed(1)} MiB, ${backup.counts.people} people, ` +
        `${backup.counts.subscribers ?? 0} subscribers, integrity_check ok`,
    );
    report('backup_100k_people_s', seconds, 's');
    return seconds;
  } finally {
    await database.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

export const run: BenchModule['run'] = async (report) => {
  await benchBackup(report);
};

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await benchBackup();
}
