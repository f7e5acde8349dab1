import { appendFileSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { DbOrTx } from '../store/connection';
import { SECRETS_DIR } from '../store/secrets';
import { appendEvent } from './consent';
import { erasePerson } from './erasure';
import type { AddressHasher } from './suppression';
import type { SuppressionReason } from '../shared/consent';

// A copy of every way out (unsubscribe, objection, suppression, erasure) kept outside the
// database, by HMAC only. Restoring an older backup would otherwise bring back people who were
// erased or unsubscribed after it was made; on every start and after a restore, Schakel applies
// the journal again.

export const JOURNAL_FILE = 'consent-journal.jsonl';
const CURSOR_KEY = 'consent.journal_cursor';

interface Entry {
  id: number;
  type: 'unsubscribed' | 'objected' | 'suppressed' | 'unsuppressed' | 'erased';
  hmac: string;
  listId: number | null;
  reason: string | null;
  at: string;
}

function journalPath(dataDir: string): string {
  return path.join(dataDir, SECRETS_DIR, JOURNAL_FILE);
}

export function readJournal(dataDir: string): Entry[] {
  let text: string;
  try {
    text = readFileSync(journalPath(dataDir), 'utf8');
  } catch {
    return [];
  }
  const out: Entry[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    try {
      out.push(JSON.parse(line) as Entry);
    } catch {
      // a torn last line after a crash
    }
  }
  return out;
}

async function cursor(db: DbOrTx): Promise<number> {
  const row = await db.selectFrom('settings').select('value').where('key', '=', CURSOR_KEY).executeTakeFirst();
  return row ? Number(row.value) : 0;
}

async function setCursor(db: DbOrTx, id: number): Promise<void> {
  const value = String(id);
  await db.insertInto('settings').values({ key: CURSOR_KEY, value }).onConflict((oc) => oc.column('key').doUpdateSet({ value })).execute();
}

/** Copies committed ways out written since the last call into the journal. Call after each write. */
export async function syncJournal(db: DbOrTx, dataDir: string): Promise<number> {
  const from = await cursor(db);
  const rows = await db.selectFrom('consent_events').select(['id', 'type', 'email_hmac', 'list_id', 'reason', 'occurred_at'])
    .where('id', '>', from).where('type', 'in', ['unsubscribed', 'objected', 'suppressed', 'unsuppressed', 'erased'])
    .where('email_hmac', 'is not', null).orderBy('id').execute();
  const last = await db.selectFrom('consent_events').select((eb) => eb.fn.max('id').as('id')).executeTakeFirst();
  if (rows.length) {
    mkdirSync(path.dirname(journalPath(dataDir)), { recursive: true, mode: 0o700 });
    const lines = rows.map((r) => JSON.stringify({
      id: r.id, type: r.type as Entry['type'], hmac: r.email_hmac!, listId: r.list_id, reason: r.reason, at: r.occurred_at,
    } satisfies Entry)).join('\n');
    appendFileSync(journalPath(dataDir), `${lines}\n`, { mode: 0o600 });
  }
  if (last?.id && Number(last.id) !== from) await setCursor(db, Number(last.id));
  return rows.length;
}

export interface ReapplyResult {
  erased: number;
  suppressed: number;
  unsubscribed: number;
}

/**
 * Brings the database in line with the journal: every address whose last journal entry is an
 * erasure or suppression is erased or suppressed again; every unsubscribe newer than the
 * subscription's current state is recorded again. Changes nothing when they already agree.
 */
export async function reapplyJournal(
  db: DbOrTx, env: { hasher: AddressHasher; now: Date; dataDir: string },
): Promise<ReapplyResult> {
  const result: ReapplyResult = { erased: 0, suppressed: 0, unsubscribed: 0 };
  const entries = readJournal(env.dataDir);
  if (!entries.length) return result;
  // By time, not file position: after a restore the same event may be written twice.
  entries.sort((a, b) => a.at.localeCompare(b.at) || a.id - b.id);
  const finalState = new Map<string, Entry>();
  const unsubscribes = new Map<string, Entry>();
  for (const e of entries) {
    if (e.type === 'unsubscribed' || e.type === 'objected') {
      if (e.listId !== null) unsubscribes.set(`${e.hmac}|${e.listId}`, e);
    } else {
      finalState.set(e.hmac, e);
    }
  }
  const suppressions = new Map((await db.selectFrom('suppressions').select(['email_hmac', 'reason']).execute()).map((s) => [s.email_hmac, s.reason]));
  const missing = [...finalState.values()].filter((e) =>
    (e.type === 'erased' && suppressions.get(e.hmac) !== 'erased') || (e.type === 'suppressed' && !suppressions.has(e.hmac)));
  if (!missing.length && !unsubscribes.size) return result;

  // The HMAC of every address in the register, to find whom an entry is about.
  const owners = new Map<string, { personId: number; email: string }>();
  for (const r of await db.selectFrom('person_emails').select(['person_id', 'email', 'email_norm']).execute()) {
    owners.set(env.hasher.hashNormalised(r.email_norm), { personId: r.person_id, email: r.email });
  }
  const note = 'Opnieuw toegepast na het terugzetten van een reservekopie. / Re-applied after restoring a backup.';
  for (const e of missing) {
    const owner = owners.get(e.hmac);
    if (e.type === 'erased') {
      const stillThere = owner ? await db.selectFrom('people').select('id').where('id', '=', owner.personId).executeTakeFirst() : undefined;
      if (owner && stillThere) {
        await erasePerson(db, env, { personId: owner.personId, actor: 'Schakel', source: 'staff', skipBackupScan: true });
      } else {
        await appendEvent(db, { type: 'erased', personId: null, listId: null, occurredAt: e.at, actor: 'Schakel', source: 'staff', emailHmac: e.hmac, note }, env.now);
      }
      result.erased++;
    } else {
      await appendEvent(db, {
        type: 'suppressed', personId: owner?.personId ?? null, listId: null, occurredAt: e.at, actor: 'Schakel', source: 'staff',
        reason: (e.reason ?? 'manual') as SuppressionReason, note, email: owner?.email ?? null, emailHmac: e.hmac,
      }, env.now);
      result.suppressed++;
    }
  }
  for (const e of unsubscribes.values()) {
    const owner = owners.get(e.hmac);
    if (!owner) continue;
    const sub = await db.selectFrom('subscriptions').select(['status', 'since']).where('person_id', '=', owner.personId)
      .where('list_id', '=', e.listId!).executeTakeFirst();
    if (!sub || sub.status === 'unsubscribed' || sub.since > e.at) continue;
    await appendEvent(db, {
      type: e.type, personId: owner.personId, listId: e.listId, occurredAt: e.at, actor: 'Schakel', source: 'staff', note,
      reason: e.reason, email: owner.email, emailHmac: e.hmac,
    }, env.now);
    result.unsubscribed++;
  }
  return result;
}
