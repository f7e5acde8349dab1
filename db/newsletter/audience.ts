import type { DbOrTx } from '../store/connection';
import { fold } from '../shared/text';
import { fullName } from '../register/people';
import type { AddressHasher } from '../consent/suppression';
import type { Language } from '../shared/register';
import type { AudienceSummary, RecipientRow } from './types';
import type { LawfulBasis } from '../shared/consent';
import type { Audience } from '../shared/newsletter';

export interface Recipient {
  personId: number;
  firstName: string;
  lastName: string;
  name: string;
  email: string;
  language: Language;
  organisation: string;
  /** The first list of the audience this person is subscribed to: named in the footer, carried in the unsubscribe token. */
  listId: number;
  listName: string;
  lawfulBasis: LawfulBasis;
}

/**
 * Everyone the edition would reach: subscribed (not pending, not unsubscribed) to one of the audience's
 * active lists, with a primary address that is not suppressed, narrowed by the audience's filters.
 * One entry per person, in name order.
 */
export async function resolveAudience(
  db: DbOrTx, hasher: AddressHasher, audience: Audience, options: { personId?: number } = {},
): Promise<Recipient[]> {
  if (!audience.listIds.length) return [];
  let q = db.selectFrom('subscriptions as s')
    .innerJoin('mailing_lists as l', 'l.id', 's.list_id')
    .innerJoin('people as p', 'p.id', 's.person_id')
    .innerJoin('person_emails as e', (j) => j.onRef('e.person_id', '=', 'p.id').on('e.is_primary', '=', 1))
    .leftJoin('organisations as o', 'o.id', 'p.organisation_id')
    .where('s.list_id', 'in', audience.listIds)
    .where('s.status', '=', 'subscribed')
    .where('l.archived', '=', 0);
  if (options.personId) q = q.where('p.id', '=', options.personId);
  if (audience.organisationKinds.length) q = q.where('o.kind', 'in', audience.organisationKinds);
  if (audience.regions.length) q = q.where('o.region', 'in', audience.regions);
  if (audience.tags.length) {
    const tags = audience.tags;
    q = q.where('p.id', 'in', (eb) => eb.selectFrom('person_tags').select('person_id').where('tag', 'in', tags));
  }
  if (audience.pilotIds.length) {
    const pilots = audience.pilotIds;
    // Involved in the pilot in person, or working at one of its partner organisations.
    q = q.where((eb) => eb.or([
      eb('p.id', 'in', eb.selectFrom('pilot_people').select('person_id').where('pilot_id', 'in', pilots)),
      eb('p.organisation_id', 'in', eb.selectFrom('pilot_organisations').select('organisation_id').where('pilot_id', 'in', pilots)),
    ]));
  }
  const rows = await q.select([
    'p.id', 'p.first_name', 'p.last_name', 'p.language', 'e.email', 'e.email_norm', 'o.name as organisation',
    'l.id as list_id', 'l.name as list_name', 'l.lawful_basis',
  ]).orderBy('p.sort_key').orderBy('p.id').orderBy('l.id').execute();
  if (!rows.length) return [];
  const suppressed = new Set((await db.selectFrom('suppressions').select('email_hmac').execute()).map((r) => r.email_hmac));
  const out: Recipient[] = [];
  let last = -1;
  for (const r of rows) {
    if (r.id === last) continue;
    last = r.id;
    if (suppressed.size && suppressed.has(hasher.hashNormalised(r.email_norm))) continue;
    out.push({
      personId: r.id, firstName: r.first_name, lastName: r.last_name, name: fullName(r.first_name, r.last_name), email: r.email,
      language: r.language, organisation: r.organisation ?? '', listId: r.list_id, listName: r.list_name, lawfulBasis: r.lawful_basis,
    });
  }
  return out;
}

export async function summariseAudience(db: DbOrTx, recipients: readonly Recipient[], audience: Audience): Promise<AudienceSummary> {
  const lists = audience.listIds.length
    ? await db.selectFrom('mailing_lists').select(['id', 'name']).where('id', 'in', audience.listIds).orderBy('name').execute()
    : [];
  const byList = new Map<number, number>();
  const byLanguage: Record<Language, number> = { nl: 0, en: 0 };
  for (const r of recipients) {
    byLanguage[r.language]++;
    byList.set(r.listId, (byList.get(r.listId) ?? 0) + 1);
  }
  return { total: recipients.length, byLanguage, byList: lists.map((l) => ({ listId: l.id, name: l.name, count: byList.get(l.id) ?? 0 })) };
}

export function filterRecipients(
  recipients: readonly Recipient[], f: { query?: string; language?: Language | null; offset?: number; limit?: number },
): { total: number; rows: RecipientRow[] } {
  const terms = fold(f.query ?? '').split(' ').filter(Boolean);
  const matching = recipients.filter((r) => (!f.language || r.language === f.language)
    && terms.every((t) => fold(`${r.name} ${r.email} ${r.organisation}`).includes(t)));
  const offset = f.offset ?? 0;
  return {
    total: matching.length,
    rows: matching.slice(offset, offset + (f.limit ?? 50)).map((r) => ({
      personId: r.personId, name: r.name, email: r.email, language: r.language, organisationName: r.organisation || null,
      listId: r.listId, listName: r.listName,
    })),
  };
}
