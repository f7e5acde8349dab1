import { sql } from 'kysely';
import type { DbOrTx } from '../store/connection';
import { addMonths, dutchDate } from './consent-model';
import { listBackupsWithExpiry } from '../store/backup';
import { checkpoint, erasePerson, optimizeSearchIndexes, testMailboxMessages, toCopy, type ErasureEnv } from './erasure';
import { fullName } from '../register/people';
import type { RetentionCandidate, RetentionResult, RetentionReview, RetentionSettings } from './types';

const SETTINGS_KEY = 'retention';

export const DEFAULT_RETENTION: RetentionSettings = { programmeEndDate: '2025-10-01', peopleMonths: 12, requestsMonths: 24 };

export async function getRetentionSettings(db: DbOrTx): Promise<RetentionSettings> {
  const row = await db.selectFrom('settings').select('value').where('key', '=', SETTINGS_KEY).executeTakeFirst();
  if (!row) return DEFAULT_RETENTION;
  try {
    return { ...DEFAULT_RETENTION, ...(JSON.parse(row.value) as Partial<RetentionSettings>) };
  } catch {
    return DEFAULT_RETENTION;
  }
}

export async function saveRetentionSettings(db: DbOrTx, settings: RetentionSettings): Promise<RetentionSettings> {
  const value = JSON.stringify(settings);
  await db.insertInto('settings').values({ key: SETTINGS_KEY, value }).onConflict((oc) => oc.column('key').doUpdateSet({ value })).execute();
  return settings;
}

/**
 * Dry run. People are proposed when they were added before the cut-off, have had no active
 * subscription and no interaction since, and have no open data-subject request.
 */
export async function reviewRetention(db: DbOrTx, now: Date, asOf?: string): Promise<RetentionReview> {
  const settings = await getRetentionSettings(db);
  const day = asOf ?? dutchDate(now);
  const peopleCutoff = addMonths(day, -settings.peopleMonths);
  const requestsCutoff = addMonths(day, -settings.requestsMonths);
  const rows = await db.selectFrom('people').leftJoin('organisations', 'organisations.id', 'people.organisation_id')
    .select([
      'people.id', 'people.first_name', 'people.last_name', 'people.created_at', 'organisations.name as org',
      sql<string | null>`(SELECT max(i.occurred_on) FROM interactions i JOIN interaction_people ip ON ip.interaction_id = i.id WHERE ip.person_id = people.id)`.as('last_interaction'),
      sql<string | null>`(SELECT max(e.occurred_at) FROM consent_events e WHERE e.person_id = people.id)`.as('last_consent'),
    ])
    .where(sql<boolean>`substr(people.created_at, 1, 10) < ${peopleCutoff}`)
    .where(sql<boolean>`NOT EXISTS (SELECT 1 FROM subscriptions s WHERE s.person_id = people.id
      AND (s.status != 'unsubscribed' OR substr(s.since, 1, 10) >= ${peopleCutoff}))`)
    .where(sql<boolean>`NOT EXISTS (SELECT 1 FROM interactions i JOIN interaction_people ip ON ip.interaction_id = i.id
      WHERE ip.person_id = people.id AND i.occurred_on >= ${peopleCutoff})`)
    .where(sql<boolean>`NOT EXISTS (SELECT 1 FROM avg_requests r WHERE r.person_id = people.id AND r.status IN ('open','in_progress'))`)
    .orderBy('people.sort_key').orderBy('people.id')
    .execute();
  const people: RetentionCandidate[] = rows.map((r) => ({
    personId: r.id, name: fullName(r.first_name, r.last_name), organisationName: r.org, createdAt: r.created_at,
    lastInteraction: r.last_interaction, lastConsentEvent: r.last_consent,
  }));
  const closed = await db.selectFrom('avg_requests').select((eb) => eb.fn.countAll<number>().as('n'))
    .where('status', 'in', ['done', 'refused']).where('closed_on', '<', requestsCutoff).executeTakeFirstOrThrow();
  return {
    asOf: day, settings, programmeEnded: day >= settings.programmeEndDate, peopleCutoff, people, requestsCutoff, closedRequests: Number(closed.n),
  };
}

/** Erases the selected candidates (each its own transaction and ledger event) and, if asked, old closed requests. */
export async function applyRetention(
  db: DbOrTx, env: ErasureEnv, input: { personIds: number[]; deleteClosedRequests: boolean; asOf?: string; actor: string },
): Promise<RetentionResult> {
  const review = await reviewRetention(db, env.now, input.asOf);
  const eligible = new Set(review.people.map((p) => p.personId));
  const result: RetentionResult = { erased: [], skipped: [], requestsDeleted: 0, backups: [] };
  const mail = await testMailboxMessages(db, env.dataDir, [...new Set(input.personIds)].filter((id) => eligible.has(id)));
  for (const personId of [...new Set(input.personIds)]) {
    if (!eligible.has(personId)) {
      result.skipped.push({ personId, reason: 'not_eligible' });
      continue;
    }
    const erased = await erasePerson(db, env, {
      personId, actor: input.actor, source: 'retention', skipBackupScan: true, deferIndexRewrite: true, testMailboxMessages: mail.get(personId),
    });
    result.erased.push({ personId, erasureId: erased.erasureId });
  }
  if (result.erased.length) {
    await optimizeSearchIndexes(db);
    if (!db.isTransaction) await checkpoint(db);
  }
  if (input.deleteClosedRequests) {
    const res = await db.deleteFrom('avg_requests').where('status', 'in', ['done', 'refused']).where('closed_on', '<', review.requestsCutoff).executeTakeFirst();
    result.requestsDeleted = Number(res.numDeletedRows);
    if (!db.isTransaction) await checkpoint(db);
  }
  // Everyone proposed was added long before the cut-off, so every backup holds them until it expires.
  if (result.erased.length) result.backups = listBackupsWithExpiry(env.dataDir, env.now).map(toCopy);
  return result;
}
