import { sql } from 'kysely';
import { inTransaction, type DbOrTx } from '../connection';
import type { Language, OrganisationKind, PilotRole } from '../schema';
import { fold, isValidEmail, normaliseEmail } from '../text';
import { CommandError, notFound } from '../../electron/commands/errors';
import type { PersonDetail, PersonRow } from '../../electron/commands/register.contract';
import { interactionsFor } from './interactions';

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
        throw new CommandError('email_taken', {
          nl: `Het adres ${taken.email} hoort al bij ${who}.`,
          en: `The address ${taken.email} already belongs to ${who}.`,
        });
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

export async function searchPeople(
  db: DbOrTx,
  f: PersonFilter & { sort?: 'name' | 'organisation' | 'updated'; offset?: number; limit?: number },
): Promise<{ total: number; rows: PersonRow[] }> {
  const base = filteredPeople(db, f);
  let q = base.select([
    'people.id', 'people.first_name', 'people.last_name', 'people.organisation_id', 'organisations.name as organisation_name',
    'people.job_title', 'people.language', primaryEmail.as('email'),
  ]);
  if (f.sort === 'organisation') q = q.orderBy(sql`organisations.name IS NULL`).orderBy('organisations.name').orderBy('people.sort_key');
  else if (f.sort === 'updated') q = q.orderBy('people.updated_at', 'desc');
  else q = q.orderBy('people.sort_key');
  const [rows, count] = await Promise.all([
    q.orderBy('people.id').limit(f.limit ?? 100).offset(f.offset ?? 0).execute(),
    base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return {
    total: Number(count.n),
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
  const res = await db.deleteFrom('people').where('id', '=', id).executeTakeFirst();
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

function csvField(value: string | number | null | undefined): string {
  const s = value === null || value === undefined ? '' : String(value);
  // Formula injection guard for spreadsheet programs.
  const safe = /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
  return /[";\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
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
    lines.push([r.first_name, r.last_name, r.email, r.other_emails, r.phone, r.organisation, r.kind, r.job_title, r.language, r.tags, r.owner, r.power, r.interest].map(csvField).join(';'));
  }
  return { csv: '\ufeff' + lines.join('\r\n') + '\r\n', count: rows.length };
}
