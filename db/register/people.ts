import { sql } from 'kysely';
import { inTransaction, type DbOrTx } from '../store/connection';
import { fold, isValidEmail, normaliseEmail } from '../shared/text';
import { CommandError, notFound } from '../shared/errors';
import { interactionsFor } from './interactions';
import { type OrganisationKind, ORGANISATION_KIND_NAMES, type Language, type PilotRole } from '../shared/register';
import type { PersonDetail, PersonRow } from './types';

const NAME_PREFIXES = new Set(["van", "de", "den", "der", "het", "'t", "ten", "ter", "te", "in", "op", "aan", "bij", "la", "le", "du", "d'", "von", "vd"]);

/** Sort key: last name without Dutch prefixes ("van der", "in 't"), then first name. */
export function personSortKey(firstName: string, lastName: string): string {
  const words = fold(lastName).split(' ').filter(Boolean);
  while (words.length > 1 && NAME_PREFIXES.has(words[0]!)) words.shift();
  return `${words.join(' ')} ${fold(firstName)}`.trim();
}

export function fullName(firstName: string, lastName: string): string {
  return `${firstName} ${lastName}`.trim();
}

export interface SearchFields {
  firstName: string;
  lastName: string;
  emails: readonly string[];
  organisationName?: string | null;
  jobTitle?: string | null;
  tags?: readonly string[];
}

export function personSearchText(p: SearchFields): string {
  return fold([p.firstName, p.lastName, ...p.emails, p.organisationName ?? '', p.jobTitle ?? '', ...(p.tags ?? [])].join(' '));
}

export interface PersonInput {
  id?: number;
  firstName: string;
  lastName: string;
  emails: { email: string; primary: boolean }[];
  phone: string | null;
  organisationId: number | null;
  jobTitle: string | null;
  language: Language;
  tags: string[];
  notes: string | null;
  owner: string | null;
  power: number | null;
  interest: number | null;
}

/** Cleans the address list: valid, unique, exactly one primary. Throws with per-field messages. */
export function cleanEmails(emails: { email: string; primary: boolean }[]): { email: string; norm: string; primary: boolean }[] {
  const issues: { path: string; message: { nl: string; en: string } }[] = [];
  const seen = new Set<string>();
  const out: { email: string; norm: string; primary: boolean }[] = [];
  emails.forEach((e, i) => {
    const email = e.email.trim();
    if (!email) return;
    if (!isValidEmail(email)) {
      issues.push({ path: `emails.${i}.email`, message: { nl: `"${email}" is geen geldig e-mailadres.`, en: `"${email}" is not a valid e-mail address.` } });
      return;
    }
    const norm = normaliseEmail(email);
    if (seen.has(norm)) return;
    seen.add(norm);
    out.push({ email, norm, primary: e.primary });
  });
  if (issues.length) {
    throw new CommandError('invalid_email', { nl: issues.map((i) => i.message.nl).join(' '), en: issues.map((i) => i.message.en).join(' ') }, issues);
  }
  const primaryIndex = Math.max(0, out.findIndex((e) => e.primary));
  return out.map((e, i) => ({ ...e, primary: i === primaryIndex }));
}

export async function savePerson(db: DbOrTx, input: PersonInput, now: Date): Promise<number> {
  if (!input.firstName && !input.lastName) {
    throw new CommandError('name_required', { nl: 'Vul een voornaam of achternaam in.', en: 'Enter a first or last name.' }, [
      { path: 'lastName', message: { nl: 'Naam is verplicht.', en: 'Name is required.' } },
    ]);
  }
  const emails = cleanEmails(input.emails);
  const tags = [...new Set(input.tags.map((t) => t.trim()).filter(Boolean))];
  const run = async (trx: DbOrTx) => {
    if (emails.length) {
      const taken = await trx
        .selectFrom('person_emails')
        .innerJoin('people', 'people.id', 'person_emails.person_id')
        .select(['person_emails.email', 'people.first_name', 'people.last_name', 'people.id'])
        .where('email_norm', 'in', emails.map((e) => e.norm))
        .where('person_id', '!=', input.id ?? -1)
        .executeTakeFirst();
      if (taken) {
        const who = fullName(taken.first_name, taken.last_name);
        const message = {
          nl: `Het adres ${taken.email} hoort al bij ${who}.`,
          en: `The address ${taken.email} already belongs to ${who}.`,
        };
        const index = input.emails.findIndex((e) => normaliseEmail(e.email) === normaliseEmail(taken.email));
        throw new CommandError('email_taken', message, index >= 0 ? [{ path: `emails.${index}.email`, message }] : undefined);
      }
    }
    let organisationName: string | null = null;
    if (input.organisationId !== null) {
      const org = await trx.selectFrom('organisations').select('name').where('id', '=', input.organisationId).executeTakeFirst();
      if (!org) throw notFound({ nl: 'Organisatie', en: 'Organisation' });
      organisationName = org.name;
    }
    const values = {
      first_name: input.firstName,
      last_name: input.lastName,
      phone: input.phone,
      organisation_id: input.organisationId,
      job_title: input.jobTitle,
      language: input.language,
      notes: input.notes,
      owner: input.owner,
      power: input.power,
      interest: input.interest,
      sort_key: personSortKey(input.firstName, input.lastName),
      search_text: personSearchText({ ...input, emails: emails.map((e) => e.email), organisationName, tags }),
      updated_at: now.toISOString(),
    };
    let id: number;
    if (input.id) {
      const res = await trx.updateTable('people').set(values).where('id', '=', input.id).executeTakeFirst();
      if (!res.numUpdatedRows) throw notFound({ nl: 'Persoon', en: 'Person' });
      id = input.id;
      await trx.deleteFrom('person_emails').where('person_id', '=', id).execute();
      await trx.deleteFrom('person_tags').where('person_id', '=', id).execute();
    } else {
      const row = await trx.insertInto('people').values({ ...values, created_at: now.toISOString() }).returning('id').executeTakeFirstOrThrow();
      id = row.id;
    }
    if (emails.length) {
      await trx
        .insertInto('person_emails')
        .values(emails.map((e) => ({ person_id: id, email: e.email, email_norm: e.norm, is_primary: e.primary ? 1 : 0 })))
        .execute();
    }
    if (tags.length) await trx.insertInto('person_tags').values(tags.map((tag) => ({ person_id: id, tag }))).execute();
    return id;
  };
  return inTransaction(db, run);
}

/** Recomputes search text for people (after an organisation was renamed, for instance). */
export async function refreshPersonSearchText(db: DbOrTx, personIds: number[]): Promise<void> {
  for (const id of personIds) {
    const p = await db
      .selectFrom('people')
      .leftJoin('organisations', 'organisations.id', 'people.organisation_id')
      .select(['people.first_name', 'people.last_name', 'people.job_title', 'organisations.name as org'])
      .where('people.id', '=', id)
      .executeTakeFirst();
    if (!p) continue;
    const emails = await db.selectFrom('person_emails').select('email').where('person_id', '=', id).execute();
    const tags = await db.selectFrom('person_tags').select('tag').where('person_id', '=', id).execute();
    const text = personSearchText({
      firstName: p.first_name, lastName: p.last_name, jobTitle: p.job_title, organisationName: p.org,
      emails: emails.map((e) => e.email), tags: tags.map((t) => t.tag),
    });
    await db.updateTable('people').set({ search_text: text }).where('id', '=', id).execute();
  }
}

export interface PersonFilter {
  query?: string;
  organisationKind?: OrganisationKind | null;
  organisationId?: number | null;
  pilotId?: number | null;
  tag?: string | null;
  region?: string | null;
  language?: Language | null;
}

function filteredPeople(db: DbOrTx, f: PersonFilter) {
  let q = db.selectFrom('people').leftJoin('organisations', 'organisations.id', 'people.organisation_id');
  for (const term of fold(f.query ?? '').split(' ').filter(Boolean)) {
    const escaped = term.replace(/[\\%_]/g, (c) => `\\${c}`);
    q = q.where(sql<boolean>`people.search_text LIKE ${`%${escaped}%`} ESCAPE '\\'`);
  }
  if (f.organisationKind) q = q.where('organisations.kind', '=', f.organisationKind);
  if (f.organisationId) q = q.where('people.organisation_id', '=', f.organisationId);
  if (f.region) q = q.where('organisations.region', '=', f.region);
  if (f.language) q = q.where('people.language', '=', f.language);
  if (f.pilotId) {
    const pilotId = f.pilotId;
    q = q.where('people.id', 'in', (eb) => eb.selectFrom('pilot_people').select('person_id').where('pilot_id', '=', pilotId));
  }
  if (f.tag) {
    const tag = f.tag;
    q = q.where('people.id', 'in', (eb) => eb.selectFrom('person_tags').select('person_id').where('tag', '=', tag));
  }
  return q;
}

const primaryEmail = sql<string | null>`(SELECT email FROM person_emails pe WHERE pe.person_id = people.id AND pe.is_primary = 1)`;

const likeTerm = (term: string) =>
  sql<boolean>`people.search_text LIKE ${`%${term.replace(/[\\%_]/g, (c) => `\\${c}`)}%`} ESCAPE '\\'`;
const phrase = (term: string) => `"${term.replace(/"/g, '""')}"`;
/** Up to this many matches, sorting them beats walking the name order. */
const SPARSE = 4000;

/** Indexes the people that the triggers of migration 0003 queued (saved, imported, renamed, deleted). */
export async function syncPeopleSearchIndex(db: DbOrTx): Promise<void> {
  const queued = await sql<{ queued: number }>`SELECT EXISTS (SELECT 1 FROM people_fts_pending) AS queued`.execute(db);
  if (!queued.rows[0]?.queued) return;
  await inTransaction(db, async (trx) => {
    await sql`DELETE FROM people_fts WHERE rowid IN (SELECT id FROM people_fts_pending WHERE stale = 1)`.execute(trx);
    await sql`INSERT INTO people_fts (rowid, search_text)
      SELECT p.id, p.search_text || ' ' FROM people_fts_pending q JOIN people p ON p.id = q.id`.execute(trx);
    await sql`DELETE FROM people_fts_pending`.execute(trx);
  });
}

/**
 * Terms of 3+ characters as one trigram MATCH expression. Without those, the rarest 2-character term
 * becomes the trigrams that start with it, unless so many people match that walking the name order is
 * cheaper. Other terms are LIKE filters. Null when a term occurs nowhere.
 */
async function trigramTerms(
  db: DbOrTx, terms: string[], everyone: number,
): Promise<{ match: string | null; likes: string[]; pair: boolean } | null> {
  const parts = terms.filter((t) => t.length >= 3).map(phrase);
  let pair: string | undefined;
  if (!parts.length) {
    let best: { terms: string[]; docs: number } | undefined;
    for (const term of terms.filter((t) => t.length === 2)) {
      const { rows } = await sql<{ term: string; doc: number }>`SELECT term, doc FROM people_fts_vocab WHERE term >= ${term} AND term < ${`${term}\u{10ffff}`}`.execute(db);
      if (!rows.length) return null;
      // At least this many people match: with other terms to check, or a large part of the register,
      // walking the name order is cheaper.
      const least = Math.max(...rows.map((r) => r.doc));
      if (least * 4 > everyone || (least > SPARSE && terms.length > 1)) continue;
      const docs = rows.reduce((sum, r) => sum + r.doc, 0);
      if (!best || docs < best.docs) {
        best = { terms: rows.map((r) => r.term), docs };
        pair = term;
      }
    }
    if (best) parts.push(`(${best.terms.map(phrase).join(' OR ')})`);
  }
  return { match: parts.length ? parts.join(' AND ') : null, likes: terms.filter((t) => t.length < 3 && t !== pair), pair: Boolean(pair) };
}

type SearchRow = {
  id: number; first_name: string; last_name: string; email: string | null; organisation_id: number | null;
  organisation_name: string | null; job_title: string | null; language: Language;
};

export async function searchPeople(
  db: DbOrTx,
  f: PersonFilter & { sort?: 'name' | 'organisation' | 'updated'; offset?: number; limit?: number },
): Promise<{ total: number; rows: PersonRow[] }> {
  const offset = f.offset ?? 0;
  const limit = f.limit ?? 100;
  const all = [...new Set(fold(f.query ?? '').split(' ').filter(Boolean))];
  const inIndex = (m: string) => sql<boolean>`people.id IN (SELECT rowid FROM people_fts WHERE people_fts MATCH ${m})`;
  const count = async (filters: string[], m: string | null) => {
    let c = db.selectFrom('people').select((eb) => eb.fn.countAll<number>().as('n'));
    if (m) c = c.where(inIndex(m));
    for (const term of filters) c = c.where(likeTerm(term));
    return Number((await c.executeTakeFirstOrThrow()).n);
  };
  const everyone = await count([], null);
  let terms: { match: string | null; likes: string[]; pair: boolean } | null = { match: null, likes: all, pair: false };
  try {
    await syncPeopleSearchIndex(db);
    terms = await trigramTerms(db, all, everyone);
  } catch (error) {
    console.error('Search index unavailable, searching without it:', error);
  }
  if (!terms) return { total: 0, rows: [] };
  const { match, likes, pair } = terms;
  const columns = [
    'people.id', 'people.first_name', 'people.last_name', 'people.organisation_id', 'organisations.name as organisation_name',
    'people.job_title', 'people.language', primaryEmail.as('email'),
  ] as const;
  let rows: SearchRow[];
  let total: number;
  const hasFilters = Boolean(f.organisationKind || f.organisationId || f.region || f.language || f.pilotId || f.tag);
  if (!hasFilters && (f.sort ?? 'name') === 'name') {
    // Type-ahead. A trigram match is counted in the trigram index unless it covers a large part of the
    // register; few matches are sorted by name. Otherwise walk the name-order index (it carries the
    // search text) until the page is full: a short first page is the whole result, else count over it.
    let known: number | null = null;
    let sortMatches = false;
    if (match) {
      // Counting matches of a single trigram in the trigram index beats scanning the name-order index;
      // a longer phrase costs more per match, so stop counting there once it covers much of the register.
      const cap = pair || all.every((t) => t.length <= 3) ? everyone : Math.max(SPARSE, Math.floor(everyone / 4));
      const matched = Number((await sql<{ n: number }>`SELECT count(*) AS n FROM (SELECT 1 FROM people_fts WHERE people_fts MATCH ${match} LIMIT ${cap + 1})`.execute(db)).rows[0]!.n);
      sortMatches = matched <= SPARSE || matched * 20 < everyone;
      if (sortMatches && likes.length) known = await count(likes, match);
      else if (matched <= cap && !likes.length) known = matched;
      if (known !== null && known <= offset) return { total: known, rows: [] };
    }
    let q = db.selectFrom('people').leftJoin('organisations', 'organisations.id', 'people.organisation_id').select(columns);
    if (sortMatches) {
      q = q.where(inIndex(match!));
      for (const term of likes) q = q.where(likeTerm(term));
      rows = await q.orderBy(sql`+people.sort_key`).orderBy('people.id').limit(limit).offset(offset).execute();
    } else {
      for (const term of all) q = q.where(likeTerm(term));
      rows = await q.orderBy('people.sort_key').orderBy('people.id').limit(limit).offset(offset).execute();
    }
    if (known !== null) total = known;
    else if (rows.length < limit && (offset === 0 || rows.length > 0)) total = offset + rows.length;
    else total = await count(all, null);
  } else {
    let base = filteredPeople(db, { ...f, query: '' });
    if (match) base = base.where(inIndex(match));
    for (const term of match ? likes : all) base = base.where(likeTerm(term));
    let q = base.select(columns);
    if (f.sort === 'organisation') q = q.orderBy(sql`organisations.name IS NULL`).orderBy('organisations.name').orderBy('people.sort_key');
    else if (f.sort === 'updated') q = q.orderBy('people.updated_at', 'desc');
    else q = q.orderBy('people.sort_key');
    const [page, n] = await Promise.all([
      q.orderBy('people.id').limit(limit).offset(offset).execute(),
      base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
    ]);
    rows = page;
    total = Number(n.n);
  }
  return {
    total,
    rows: rows.map((r) => ({
      id: r.id,
      name: fullName(r.first_name, r.last_name),
      email: r.email,
      organisationId: r.organisation_id,
      organisationName: r.organisation_name,
      jobTitle: r.job_title,
      language: r.language,
    })),
  };
}

export async function getPerson(db: DbOrTx, id: number): Promise<PersonDetail> {
  const p = await db
    .selectFrom('people')
    .leftJoin('organisations', 'organisations.id', 'people.organisation_id')
    .selectAll('people')
    .select('organisations.name as organisation_name')
    .where('people.id', '=', id)
    .executeTakeFirst();
  if (!p) throw notFound({ nl: 'Persoon', en: 'Person' });
  const [emails, tags, pilots, interactions] = await Promise.all([
    db.selectFrom('person_emails').select(['email', 'is_primary']).where('person_id', '=', id).orderBy('is_primary', 'desc').orderBy('id').execute(),
    db.selectFrom('person_tags').select('tag').where('person_id', '=', id).orderBy('tag').execute(),
    db.selectFrom('pilot_people').innerJoin('pilots', 'pilots.id', 'pilot_people.pilot_id')
      .select(['pilots.id', 'pilots.name', 'pilot_people.role']).where('person_id', '=', id).orderBy('pilots.name').execute(),
    interactionsFor(db, { personId: id }),
  ]);
  return {
    id: p.id,
    firstName: p.first_name,
    lastName: p.last_name,
    name: fullName(p.first_name, p.last_name),
    emails: emails.map((e) => ({ email: e.email, primary: e.is_primary === 1 })),
    phone: p.phone,
    organisationId: p.organisation_id,
    organisationName: p.organisation_name,
    jobTitle: p.job_title,
    language: p.language,
    tags: tags.map((t) => t.tag),
    notes: p.notes,
    owner: p.owner,
    power: p.power,
    interest: p.interest,
    isDemo: p.is_demo === 1,
    pilots: pilots.map((x) => ({ pilotId: x.id, name: x.name, role: x.role as PilotRole })),
    interactions,
    updatedAt: p.updated_at,
  };
}

export async function deletePerson(db: DbOrTx, id: number): Promise<void> {
  let res;
  try {
    res = await db.deleteFrom('people').where('id', '=', id).executeTakeFirst();
  } catch (error) {
    // Trigger from migration 0002: the consent ledger must keep proving why this person was (not) mailed.
    if (String(error).includes('person_has_consent_history')) {
      throw new CommandError('has_consent_history', {
        nl: 'Deze persoon heeft aanmeldingen of afmeldingen op naam. Gebruik "Afmelden" om geen mail meer te sturen, of "Gegevens wissen (AVG)" om alles te verwijderen.',
        en: 'This person has subscriptions or unsubscriptions on record. Use "Unsubscribe" to stop mail, or "Erase data (GDPR)" to remove everything.',
      });
    }
    throw error;
  }
  if (!res.numDeletedRows) throw notFound({ nl: 'Persoon', en: 'Person' });
}

export async function peopleFacets(db: DbOrTx) {
  const [tags, regions, owners] = await Promise.all([
    db.selectFrom('person_tags').select('tag').distinct().orderBy('tag').execute(),
    db.selectFrom('organisations').select('region').distinct().where('region', 'is not', null).orderBy('region').execute(),
    db.selectFrom('people').select('owner').distinct().where('owner', 'is not', null).orderBy('owner').execute(),
  ]);
  return {
    tags: tags.map((t) => t.tag),
    regions: regions.map((r) => r.region!).filter(Boolean),
    owners: owners.map((o) => o.owner!).filter(Boolean),
  };
}

export function csvField(value: string | number | null | undefined): string {
  const s = value === null || value === undefined ? '' : String(value);
  // Formula injection guard for spreadsheet programs.
  const safe = /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
  return /[";\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** Semicolon-separated with a BOM and CRLF so Excel (NL) opens it directly; every field formula-neutralised. */
export function csvDocument(header: string[], rows: (string | number | null | undefined)[][]): string {
  const lines = [header.map(csvField).join(';'), ...rows.map((r) => r.map(csvField).join(';'))];
  return '\ufeff' + lines.join('\r\n') + '\r\n';
}

/** CSV of the filtered people, semicolon-separated with a BOM so Excel (NL) opens it directly. */
export async function exportPeopleCsv(db: DbOrTx, f: PersonFilter): Promise<{ csv: string; count: number }> {
  const rows = await filteredPeople(db, f)
    .select([
      'people.id', 'people.first_name', 'people.last_name', 'people.phone', 'people.job_title', 'people.language',
      'people.owner', 'people.power', 'people.interest', 'organisations.name as organisation', 'organisations.kind as kind',
      primaryEmail.as('email'),
      sql<string | null>`(SELECT group_concat(email, ', ') FROM person_emails pe WHERE pe.person_id = people.id AND pe.is_primary = 0)`.as('other_emails'),
      sql<string | null>`(SELECT group_concat(tag, ', ') FROM person_tags t WHERE t.person_id = people.id)`.as('tags'),
    ])
    .orderBy('people.sort_key')
    .execute();
  const header = ['voornaam', 'achternaam', 'e-mail', 'overige e-mail', 'telefoon', 'organisatie', 'soort organisatie', 'functie', 'taal', 'tags', 'relatiebeheerder', 'invloed', 'belang'];
  const lines = [header.join(';')];
  for (const r of rows) {
    lines.push([r.first_name, r.last_name, r.email, r.other_emails, r.phone, r.organisation, r.kind ? ORGANISATION_KIND_NAMES[r.kind] : null, r.job_title, r.language, r.tags, r.owner, r.power, r.interest].map(csvField).join(';'));
  }
  return { csv: '\ufeff' + lines.join('\r\n') + '\r\n', count: rows.length };
}
