import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { inTransaction, type DbOrTx } from '../store/connection';
import { fold, isValidEmail, normaliseEmail } from '../shared/text';
import { CommandError, notFound } from '../shared/errors';
import {
  LABELS, step, type ConsentMethod, type ReplayEvent, type SubscriptionState, type UnsubscribeChannel,
} from './consent-model';
import { csvDocument, fullName } from '../register/people';
import { suppressionsFor, type AddressHasher } from './suppression';
import type { Language } from '../shared/register';
import type { AddressLookup, AddressView, BulkSubscribeResult, CheckResult, ConsentEventView, ConsentRecordInput, ConsentVerdict, ListMember, MailingListDetail, MailingListSummary, PersonConsent, PurposeVersionView, SubscribeResult, SubscriptionView, UnsubscribeResult, VerdictReason } from './types';
import type { ConsentEventType, EventSource, LawfulBasis, SubscriptionStatus, SuppressionReason } from '../shared/consent';

export interface ConsentEnv {
  hasher: AddressHasher;
  now: Date;
}

// ---------- mailing lists and purpose texts ----------

const listCounts = (status: SubscriptionStatus) =>
  sql<number>`(SELECT count(*) FROM subscriptions s WHERE s.list_id = mailing_lists.id AND s.status = ${status})`;

function purposeView(v: { id: number; version: number; text: string; created_at: string; created_by: string }): PurposeVersionView {
  return { id: v.id, version: v.version, text: v.text, createdAt: v.created_at, createdBy: v.created_by };
}

export async function listMailingLists(db: DbOrTx, options: { includeArchived?: boolean; ids?: number[] } = {}): Promise<MailingListSummary[]> {
  let q = db.selectFrom('mailing_lists').selectAll()
    .select([listCounts('pending').as('n_pending'), listCounts('subscribed').as('n_subscribed'), listCounts('unsubscribed').as('n_unsubscribed')]);
  if (!options.includeArchived) q = q.where('archived', '=', 0);
  if (options.ids) q = q.where('id', 'in', options.ids.length ? options.ids : [-1]);
  const lists = await q.orderBy('archived').orderBy('name').execute();
  if (!lists.length) return [];
  const current = await db.selectFrom('purpose_versions').selectAll()
    .where('list_id', 'in', lists.map((l) => l.id))
    .where('version', '=', (eb) => eb.selectFrom('purpose_versions as pv').select((e) => e.fn.max('pv.version').as('v')).whereRef('pv.list_id', '=', 'purpose_versions.list_id'))
    .execute();
  return lists.map((l) => {
    const pv = current.find((v) => v.list_id === l.id);
    return {
      id: l.id, slug: l.slug, name: l.name, language: l.language, lawfulBasis: l.lawful_basis, doubleOptIn: l.double_opt_in === 1,
      archived: l.archived === 1, purpose: pv ? purposeView(pv) : null,
      counts: { pending: Number(l.n_pending), subscribed: Number(l.n_subscribed), unsubscribed: Number(l.n_unsubscribed) },
    };
  });
}

export async function getMailingList(db: DbOrTx, id: number): Promise<MailingListDetail> {
  const [list] = await listMailingLists(db, { includeArchived: true, ids: [id] });
  if (!list) throw notFound({ nl: 'Verzendlijst', en: 'Mailing list' });
  const versions = await db.selectFrom('purpose_versions').selectAll().where('list_id', '=', id).orderBy('version', 'desc').execute();
  return { ...list, versions: versions.map(purposeView) };
}

async function loadList(db: DbOrTx, id: number) {
  const list = await db.selectFrom('mailing_lists').selectAll().where('id', '=', id).executeTakeFirst();
  if (!list) throw notFound({ nl: 'Verzendlijst', en: 'Mailing list' });
  return list;
}

async function currentPurpose(db: DbOrTx, listId: number) {
  return db.selectFrom('purpose_versions').selectAll().where('list_id', '=', listId).orderBy('version', 'desc').limit(1).executeTakeFirst();
}

export interface ListInput {
  id?: number;
  name: string;
  purposeText: string;
  language: Language;
  lawfulBasis: LawfulBasis;
  doubleOptIn: boolean;
  actor: string;
  slug?: string | null;
}

export async function saveMailingList(db: DbOrTx, input: ListInput, now: Date): Promise<{ id: number; purposeVersionId: number; newVersion: boolean }> {
  return inTransaction(db, async (trx) => {
    const clash = await trx.selectFrom('mailing_lists').select('id')
      .where(sql<boolean>`name = ${input.name} COLLATE NOCASE`).where('id', '!=', input.id ?? -1).executeTakeFirst();
    if (clash) {
      throw new CommandError('list_name_taken', {
        nl: `Er is al een verzendlijst met de naam "${input.name}".`, en: `There is already a mailing list called "${input.name}".`,
      });
    }
    const at = now.toISOString();
    let id: number;
    if (input.id) {
      const list = await loadList(trx, input.id);
      if (list.lawful_basis !== input.lawfulBasis) {
        const used = await trx.selectFrom('consent_events').select('id').where('list_id', '=', list.id).limit(1).executeTakeFirst();
        if (used) {
          throw new CommandError('basis_locked', {
            nl: 'De grondslag van een lijst met aanmeldingen kan niet meer veranderen: de vastgelegde aanmeldingen rusten op de oude grondslag. Maak een nieuwe lijst.',
            en: 'The lawful basis of a list with sign-ups cannot change: the recorded sign-ups rest on the old basis. Create a new list.',
          });
        }
      }
      await trx.updateTable('mailing_lists').set({
        name: input.name, language: input.language, lawful_basis: input.lawfulBasis, double_opt_in: input.doubleOptIn ? 1 : 0, updated_at: at,
      }).where('id', '=', list.id).execute();
      id = list.id;
    } else {
      const row = await trx.insertInto('mailing_lists').values({
        slug: input.slug ?? null, name: input.name, language: input.language, lawful_basis: input.lawfulBasis,
        double_opt_in: input.doubleOptIn ? 1 : 0, created_at: at, updated_at: at,
      }).returning('id').executeTakeFirstOrThrow();
      id = row.id;
    }
    const current = await currentPurpose(trx, id);
    if (current && current.text === input.purposeText) return { id, purposeVersionId: current.id, newVersion: false };
    const pv = await trx.insertInto('purpose_versions').values({
      list_id: id, version: (current?.version ?? 0) + 1, text: input.purposeText, created_at: at, created_by: input.actor,
    }).returning('id').executeTakeFirstOrThrow();
    return { id, purposeVersionId: pv.id, newVersion: true };
  });
}

export async function archiveMailingList(db: DbOrTx, id: number, archived: boolean, now: Date): Promise<void> {
  const res = await db.updateTable('mailing_lists').set({ archived: archived ? 1 : 0, updated_at: now.toISOString() }).where('id', '=', id).executeTakeFirst();
  if (!res.numUpdatedRows) throw notFound({ nl: 'Verzendlijst', en: 'Mailing list' });
}

export type MemberSort = 'name' | 'email' | 'status' | 'since';

export interface MemberFilter {
  query?: string | null;
  status?: SubscriptionStatus | null;
  sort?: MemberSort;
  desc?: boolean;
  offset?: number;
  limit?: number;
}

function filteredMembers(db: DbOrTx, listId: number, f: MemberFilter) {
  let q = db.selectFrom('subscriptions').innerJoin('people', 'people.id', 'subscriptions.person_id')
    .leftJoin('organisations', 'organisations.id', 'people.organisation_id')
    .leftJoin('purpose_versions', 'purpose_versions.id', 'subscriptions.purpose_version_id')
    .where('subscriptions.list_id', '=', listId);
  for (const term of fold(f.query ?? '').split(' ').filter(Boolean)) {
    const escaped = term.replace(/[\\%_]/g, (c) => `\\${c}`);
    q = q.where(sql<boolean>`people.search_text LIKE ${`%${escaped}%`} ESCAPE '\\'`);
  }
  return q;
}

const memberEmail = sql<string | null>`(SELECT email FROM person_emails pe WHERE pe.person_id = people.id AND pe.is_primary = 1)`;

function memberRows(db: DbOrTx, listId: number, f: MemberFilter) {
  let q = filteredMembers(db, listId, f);
  if (f.status) q = q.where('subscriptions.status', '=', f.status);
  const dir = f.desc ? 'desc' : 'asc';
  let s = q.select([
    'people.id', 'people.first_name', 'people.last_name', 'organisations.name as org', 'subscriptions.status', 'subscriptions.since',
    'purpose_versions.version', memberEmail.as('email'),
  ]);
  if (f.sort === 'email') s = s.orderBy(sql`${memberEmail} IS NULL`).orderBy(sql`lower(${memberEmail})`, dir);
  else if (f.sort === 'status') s = s.orderBy('subscriptions.status', dir);
  else if (f.sort === 'since') s = s.orderBy('subscriptions.since', dir);
  return s.orderBy('people.sort_key', f.sort && f.sort !== 'name' ? 'asc' : dir).orderBy('people.id', dir);
}

/** One page of a list's members, with the total of the filtered view and a count per status (search applied, status not). */
export async function listMembers(
  db: DbOrTx, listId: number, f: MemberFilter,
): Promise<{ total: number; counts: Record<SubscriptionStatus, number>; rows: ListMember[] }> {
  await loadList(db, listId);
  const [rows, byStatus] = await Promise.all([
    memberRows(db, listId, f).limit(f.limit ?? 200).offset(f.offset ?? 0).execute(),
    filteredMembers(db, listId, f).select(['subscriptions.status', (eb) => eb.fn.countAll<number>().as('n')]).groupBy('subscriptions.status').execute(),
  ]);
  const counts: Record<SubscriptionStatus, number> = { pending: 0, subscribed: 0, unsubscribed: 0 };
  for (const c of byStatus) counts[c.status] = Number(c.n);
  const total = f.status ? counts[f.status] : Object.values(counts).reduce((a, b) => a + b, 0);
  return {
    total,
    counts,
    rows: rows.map((r) => ({
      personId: r.id, name: fullName(r.first_name, r.last_name), email: r.email, organisationName: r.org, status: r.status,
      since: r.since, purposeVersion: r.version,
    })),
  };
}

const MEMBER_STATUS_NAMES: Record<SubscriptionStatus, string> = { subscribed: 'aangemeld', pending: 'wacht op bevestiging', unsubscribed: 'afgemeld' };

/** CSV of the current view of a list's members (search, status and sort as on screen, all pages). */
export async function exportMembersCsv(db: DbOrTx, listId: number, f: MemberFilter): Promise<{ csv: string; count: number; slug: string }> {
  const list = await loadList(db, listId);
  const rows = await memberRows(db, listId, f).execute();
  const csv = csvDocument(
    ['naam', 'e-mail', 'organisatie', 'status', 'sinds', 'doelversie'],
    rows.map((r) => [fullName(r.first_name, r.last_name), r.email, r.org, MEMBER_STATUS_NAMES[r.status], r.since, r.version]),
  );
  return { csv, count: rows.length, slug: list.slug ?? `lijst-${list.id}` };
}

const DEFAULT_LISTS: (Omit<ListInput, 'actor'> & { slug: string })[] = [
  {
    slug: 'nieuwsbrief-nl', name: 'Nieuwsbrief Jeugd en Veiligheid', language: 'nl', lawfulBasis: 'consent', doubleOptIn: true,
    purposeText:
      'Je ontvangt de nieuwsbrief van het programma Jeugd en Veiligheid Oost-Nederland: nieuws over de pilots, resultaten en evaluaties, ' +
      'bijeenkomsten en publicaties. We gebruiken je naam en e-mailadres alleen hiervoor en delen ze met niemand. ' +
      'Afmelden kan altijd, met de link onder elke nieuwsbrief of met een mail aan het secretariaat.',
  },
  {
    slug: 'newsletter-en', name: 'Programme newsletter (EN)', language: 'en', lawfulBasis: 'consent', doubleOptIn: true,
    purposeText:
      'You will receive the newsletter of the programme Youth and Safety East Netherlands: news on the pilots, results and evaluations, ' +
      'meetings and publications. We use your name and e-mail address for this purpose only and share them with no one. ' +
      'You can unsubscribe at any time, with the link in every newsletter or by mailing the secretariat.',
  },
];
const LISTS_SEED_KEY = 'seed.mailing_lists';

/** First start: the two newsletters, consent-based with double opt-in. Runs once; later edits are the user's. */
export async function seedMailingLists(db: DbOrTx, now: Date): Promise<boolean> {
  return inTransaction(db, async (trx) => {
    const done = await trx.selectFrom('settings').select('value').where('key', '=', LISTS_SEED_KEY).executeTakeFirst();
    if (done) return false;
    for (const list of DEFAULT_LISTS) {
      const exists = await trx.selectFrom('mailing_lists').select('id').where('slug', '=', list.slug).executeTakeFirst();
      if (!exists) await saveMailingList(trx, { ...list, actor: 'Schakel' }, now);
    }
    await trx.insertInto('settings').values({ key: LISTS_SEED_KEY, value: now.toISOString() }).execute();
    return true;
  });
}

// ---------- the ledger ----------

export interface EventInput {
  type: ConsentEventType;
  personId: number | null;
  listId: number | null;
  occurredAt: string;
  actor: string;
  source: EventSource;
  purposeVersionId?: number | null;
  doubleOptIn?: boolean;
  reason?: string | null;
  note?: string | null;
  evidenceText?: string | null;
  evidenceFile?: string | null;
  evidenceMessageId?: string | null;
  email?: string | null;
  emailHmac?: string | null;
  batchId?: string | null;
  requestId?: number | null;
  erasureId?: number | null;
}

/**
 * Appends one event and brings the projections (subscriptions, suppressions) up to date, in the
 * caller's transaction. The only way the consent tables are written.
 */
export async function appendEvent(trx: DbOrTx, e: EventInput, now: Date): Promise<number> {
  const at = now.toISOString();
  const { id } = await trx.insertInto('consent_events').values({
    type: e.type, person_id: e.personId, list_id: e.listId, occurred_at: e.occurredAt, recorded_at: at, actor: e.actor, source: e.source,
    purpose_version_id: e.purposeVersionId ?? null, double_opt_in: e.doubleOptIn ? 1 : 0, reason: e.reason ?? null, note: e.note ?? null,
    evidence_text: e.evidenceText ?? null, evidence_file: e.evidenceFile ?? null, evidence_message_id: e.evidenceMessageId ?? null,
    email: e.email ?? null, email_hmac: e.emailHmac ?? null, batch_id: e.batchId ?? null, request_id: e.requestId ?? null,
    erasure_id: e.erasureId ?? null,
  }).returning('id').executeTakeFirstOrThrow();
  const event: ReplayEvent = {
    id, type: e.type, listId: e.listId, purposeVersionId: e.purposeVersionId ?? null, doubleOptIn: Boolean(e.doubleOptIn), occurredAt: e.occurredAt,
  };

  if (e.personId !== null) {
    let q = trx.selectFrom('subscriptions').selectAll().where('person_id', '=', e.personId);
    if (e.listId !== null) q = q.where('list_id', '=', e.listId);
    const rows = await q.execute();
    const targets: { listId: number; state: SubscriptionState | null }[] = rows.map((r) => ({
      listId: r.list_id,
      state: { status: r.status, purposeVersionId: r.purpose_version_id, lastEventId: r.last_event_id, since: r.since },
    }));
    if (e.listId !== null && !rows.length) targets.push({ listId: e.listId, state: null });
    for (const t of targets) {
      const next = step(t.state, event);
      if (next === t.state) continue;
      if (!next) {
        await trx.deleteFrom('subscriptions').where('person_id', '=', e.personId).where('list_id', '=', t.listId).execute();
        continue;
      }
      const values = {
        status: next.status, purpose_version_id: next.purposeVersionId, last_event_id: next.lastEventId, since: next.since, updated_at: at,
      };
      await trx.insertInto('subscriptions').values({ person_id: e.personId, list_id: t.listId, ...values })
        .onConflict((oc) => oc.columns(['person_id', 'list_id']).doUpdateSet(values)).execute();
    }
  }

  if (e.emailHmac && (e.type === 'suppressed' || e.type === 'erased')) {
    const reason = (e.type === 'erased' ? 'erased' : (e.reason ?? 'manual')) as SuppressionReason;
    const values = { reason, since: e.occurredAt, event_id: id };
    await trx.insertInto('suppressions').values({ email_hmac: e.emailHmac, ...values })
      .onConflict((oc) => oc.column('email_hmac').doUpdateSet(values)).execute();
  } else if (e.emailHmac && e.type === 'unsuppressed') {
    await trx.deleteFrom('suppressions').where('email_hmac', '=', e.emailHmac).execute();
  }
  return id;
}

// ---------- subscribing ----------

interface PersonAddress {
  id: number;
  name: string;
  email: string | null;
}

async function loadPeople(db: DbOrTx, ids: readonly number[]): Promise<Map<number, PersonAddress>> {
  const out = new Map<number, PersonAddress>();
  for (let i = 0; i < ids.length; i += 500) {
    const rows = await db.selectFrom('people').leftJoin('person_emails', (j) => j.onRef('person_emails.person_id', '=', 'people.id').on('person_emails.is_primary', '=', 1))
      .select(['people.id', 'people.first_name', 'people.last_name', 'person_emails.email'])
      .where('people.id', 'in', ids.slice(i, i + 500)).execute();
    for (const r of rows) out.set(r.id, { id: r.id, name: fullName(r.first_name, r.last_name), email: r.email });
  }
  return out;
}

async function loadPerson(db: DbOrTx, id: number): Promise<PersonAddress> {
  const p = (await loadPeople(db, [id])).get(id);
  if (!p) throw notFound({ nl: 'Persoon', en: 'Person' });
  return p;
}

/** ISO UTC from a date-time with offset or a plain date (midnight UTC); refuses the future. */
export function toUtc(value: string | undefined, now: Date): string {
  if (!value) return now.toISOString();
  const iso = /^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00.000Z` : new Date(value).toISOString();
  if (Date.parse(iso) > now.getTime() + 5 * 60_000) {
    throw new CommandError('future_date', { nl: 'Deze datum ligt in de toekomst.', en: 'This date lies in the future.' });
  }
  return iso;
}

const noAddress = (name: string) => new CommandError('no_address', {
  nl: `${name} heeft geen e-mailadres. Voeg eerst een adres toe.`, en: `${name} has no e-mail address. Add an address first.`,
});

function suppressedError(name: string, email: string, s: { reason: SuppressionReason; since: string }): CommandError {
  const r = LABELS.suppressionReason[s.reason];
  return new CommandError('suppressed', {
    nl: `${email} (${name}) staat op de afmeldlijst (${r.nl.toLowerCase()}, sinds ${s.since.slice(0, 10)}). Opnieuw aanmelden kan alleen met nieuwe, vastgelegde toestemming.`,
    en: `${email} (${name}) is on the suppression list (${r.en.toLowerCase()}, since ${s.since.slice(0, 10)}). Re-subscribing needs fresh, recorded consent.`,
  });
}

interface ResolvedConsent {
  occurredAt: string;
  source: EventSource;
  purposeVersionId: number;
  evidenceText: string | null;
  evidenceFile: string | null;
  evidenceMessageId: string | null;
}

async function resolveConsent(
  db: DbOrTx, listId: number, consent: ConsentRecordInput | null | undefined, required: boolean, fallbackSource: EventSource, now: Date,
): Promise<ResolvedConsent> {
  const current = await currentPurpose(db, listId);
  if (!current) throw new CommandError('no_purpose', { nl: 'Deze lijst heeft nog geen doeltekst.', en: 'This list has no purpose text yet.' });
  if (!consent) {
    if (required) {
      throw new CommandError('consent_required', {
        nl: 'Leg de toestemming vast: wanneer, hoe, welke tekst de persoon zag, en het bewijs.',
        en: 'Record the consent: when, how, which text the person was shown, and the evidence.',
      }, [{ path: 'consent', message: { nl: 'Toestemming is verplicht voor deze lijst.', en: 'Consent is required for this list.' } }]);
    }
    return { occurredAt: now.toISOString(), source: fallbackSource, purposeVersionId: current.id, evidenceText: null, evidenceFile: null, evidenceMessageId: null };
  }
  const evidenceText = consent.evidenceText?.trim() || null;
  const evidenceFile = consent.evidenceFile?.trim() || null;
  const evidenceMessageId = consent.evidenceMessageId?.trim() || null;
  if (!evidenceText && !evidenceFile && !evidenceMessageId) {
    throw new CommandError('evidence_required', {
      nl: 'Geef bewijs van de toestemming: een toelichting, een verwijzing naar een bestand of het Message-ID van de mail.',
      en: 'Give evidence of the consent: a note, a file reference or the Message-ID of the e-mail.',
    }, [{ path: 'consent.evidenceText', message: { nl: 'Bewijs is verplicht.', en: 'Evidence is required.' } }]);
  }
  let purposeVersionId = current.id;
  if (consent.purposeVersionId) {
    const pv = await db.selectFrom('purpose_versions').select(['id', 'list_id']).where('id', '=', consent.purposeVersionId).executeTakeFirst();
    if (!pv || pv.list_id !== listId) {
      throw new CommandError('purpose_mismatch', {
        nl: 'Deze doeltekst hoort niet bij deze verzendlijst.', en: 'This purpose text does not belong to this mailing list.',
      });
    }
    purposeVersionId = pv.id;
  }
  return {
    occurredAt: toUtc(consent.givenAt, now), source: consent.method as ConsentMethod, purposeVersionId, evidenceText, evidenceFile, evidenceMessageId,
  };
}

function assertOpen(list: { archived: number; name: string }): void {
  if (list.archived) {
    throw new CommandError('list_archived', {
      nl: `De lijst "${list.name}" is gearchiveerd: aanmelden kan niet meer.`, en: `The list "${list.name}" is archived: no new sign-ups.`,
    });
  }
}

export interface SubscribeInput {
  personId: number;
  listId: number;
  consent?: ConsentRecordInput | null;
  overrideSuppression?: boolean;
  actor: string;
  source?: EventSource;
}

export async function subscribe(db: DbOrTx, env: ConsentEnv, input: SubscribeInput): Promise<SubscribeResult> {
  return inTransaction(db, async (trx) => {
    const list = await loadList(trx, input.listId);
    assertOpen(list);
    const person = await loadPerson(trx, input.personId);
    if (!person.email) throw noAddress(person.name);
    const hmac = env.hasher.hash(person.email);
    const suppression = (await suppressionsFor(trx, [hmac])).get(hmac);
    if (suppression && !input.overrideSuppression) throw suppressedError(person.name, person.email, suppression);
    const consent = await resolveConsent(
      trx, list.id, input.consent, list.lawful_basis === 'consent' || Boolean(suppression), input.source ?? 'register', env.now,
    );
    const existing = await trx.selectFrom('subscriptions').selectAll().where('person_id', '=', person.id).where('list_id', '=', list.id).executeTakeFirst();
    if (existing && existing.status !== 'unsubscribed' && existing.purpose_version_id === consent.purposeVersionId && !suppression) {
      throw new CommandError('already_subscribed', {
        nl: `${person.name} staat al op "${list.name}" (${LABELS.status[existing.status].nl.toLowerCase()}).`,
        en: `${person.name} is already on "${list.name}" (${LABELS.status[existing.status].en.toLowerCase()}).`,
      });
    }
    const evidence = {
      evidenceText: consent.evidenceText, evidenceFile: consent.evidenceFile, evidenceMessageId: consent.evidenceMessageId,
    };
    if (suppression) {
      await appendEvent(trx, {
        type: 'unsuppressed', personId: person.id, listId: null, occurredAt: consent.occurredAt, actor: input.actor, source: consent.source,
        reason: 'fresh_consent', email: person.email, emailHmac: hmac, ...evidence,
      }, env.now);
    }
    const eventId = await appendEvent(trx, {
      type: 'subscribed', personId: person.id, listId: list.id, occurredAt: consent.occurredAt, actor: input.actor, source: consent.source,
      purposeVersionId: consent.purposeVersionId, doubleOptIn: list.double_opt_in === 1, email: person.email, emailHmac: hmac, ...evidence,
    }, env.now);
    const row = await trx.selectFrom('subscriptions').select('status').where('person_id', '=', person.id).where('list_id', '=', list.id).executeTakeFirstOrThrow();
    return { status: row.status, eventId, liftedSuppression: Boolean(suppression) };
  });
}

export interface SubscribeManyInput {
  personIds: number[];
  listId: number;
  consent?: ConsentRecordInput | null;
  source?: 'register' | 'import';
  actor: string;
}

/** One consent record for the whole batch; suppressed addresses are reported, never added. */
export async function subscribeMany(db: DbOrTx, env: ConsentEnv, input: SubscribeManyInput): Promise<BulkSubscribeResult> {
  return inTransaction(db, async (trx) => {
    const list = await loadList(trx, input.listId);
    assertOpen(list);
    const consent = await resolveConsent(trx, list.id, input.consent, list.lawful_basis === 'consent', input.source ?? 'register', env.now);
    const ids = [...new Set(input.personIds)];
    const people = await loadPeople(trx, ids);
    const hmacs = new Map<number, string>();
    for (const p of people.values()) if (p.email) hmacs.set(p.id, env.hasher.hash(p.email));
    const suppressions = await suppressionsFor(trx, [...hmacs.values()]);
    const existing = new Map<number, { status: SubscriptionStatus; purpose_version_id: number | null }>();
    for (let i = 0; i < ids.length; i += 500) {
      const rows = await trx.selectFrom('subscriptions').select(['person_id', 'status', 'purpose_version_id'])
        .where('list_id', '=', list.id).where('person_id', 'in', ids.slice(i, i + 500)).execute();
      for (const r of rows) existing.set(r.person_id, r);
    }
    const result: BulkSubscribeResult = {
      batchId: randomUUID(), subscribed: [], pending: [], alreadySubscribed: [], suppressed: [], noAddress: [], notFound: [],
    };
    for (const id of ids) {
      const person = people.get(id);
      if (!person) { result.notFound.push(id); continue; }
      if (!person.email) { result.noAddress.push({ personId: id, name: person.name }); continue; }
      const hmac = hmacs.get(id)!;
      const s = suppressions.get(hmac);
      if (s) { result.suppressed.push({ personId: id, name: person.name, email: person.email, reason: s.reason, since: s.since }); continue; }
      const ex = existing.get(id);
      if (ex && ex.status !== 'unsubscribed' && ex.purpose_version_id === consent.purposeVersionId) { result.alreadySubscribed.push(id); continue; }
      await appendEvent(trx, {
        type: 'subscribed', personId: id, listId: list.id, occurredAt: consent.occurredAt, actor: input.actor, source: consent.source,
        purposeVersionId: consent.purposeVersionId, doubleOptIn: list.double_opt_in === 1, email: person.email, emailHmac: hmac,
        evidenceText: consent.evidenceText, evidenceFile: consent.evidenceFile, evidenceMessageId: consent.evidenceMessageId, batchId: result.batchId,
      }, env.now);
      const status = ex?.status === 'subscribed' || list.double_opt_in === 0 ? 'subscribed' : 'pending';
      (status === 'subscribed' ? result.subscribed : result.pending).push(id);
    }
    return result;
  });
}

export interface ConfirmInput {
  personId: number;
  listId: number;
  confirmedAt?: string;
  method?: 'email' | 'website_form';
  evidenceText?: string | null;
  evidenceMessageId?: string | null;
  actor: string;
}

export async function confirm(db: DbOrTx, env: ConsentEnv, input: ConfirmInput): Promise<{ status: SubscriptionStatus; eventId: number }> {
  return inTransaction(db, async (trx) => {
    const list = await loadList(trx, input.listId);
    const person = await loadPerson(trx, input.personId);
    const sub = await trx.selectFrom('subscriptions').select('status').where('person_id', '=', person.id).where('list_id', '=', list.id).executeTakeFirst();
    if (sub?.status !== 'pending') {
      throw new CommandError('not_pending', {
        nl: `${person.name} wacht niet op bevestiging voor "${list.name}".`, en: `${person.name} is not awaiting confirmation for "${list.name}".`,
      });
    }
    const eventId = await appendEvent(trx, {
      type: 'confirmed', personId: person.id, listId: list.id, occurredAt: toUtc(input.confirmedAt, env.now), actor: input.actor,
      source: input.method ?? 'email', evidenceText: input.evidenceText ?? null, evidenceMessageId: input.evidenceMessageId ?? null,
      email: person.email, emailHmac: person.email ? env.hasher.hash(person.email) : null,
    }, env.now);
    return { status: 'subscribed', eventId };
  });
}

// ---------- unsubscribing and suppression ----------

async function personAddresses(db: DbOrTx, personId: number): Promise<{ email: string; primary: boolean }[]> {
  const rows = await db.selectFrom('person_emails').select(['email', 'is_primary']).where('person_id', '=', personId)
    .orderBy('is_primary', 'desc').orderBy('id').execute();
  return rows.map((r) => ({ email: r.email, primary: r.is_primary === 1 }));
}

async function listNames(db: DbOrTx, ids: number[]): Promise<{ listId: number; listName: string }[]> {
  if (!ids.length) return [];
  const rows = await db.selectFrom('mailing_lists').select(['id', 'name']).where('id', 'in', ids).orderBy('name').execute();
  return rows.map((r) => ({ listId: r.id, listName: r.name }));
}

/** Suppresses every address of a person: each gets a ledger event, and all their lists end. */
async function suppressPerson(
  trx: DbOrTx, env: ConsentEnv, personId: number,
  e: {
    reason: SuppressionReason; occurredAt: string; source: EventSource; note: string | null; actor: string; requestId?: number | null;
    evidenceMessageId?: string | null;
  },
): Promise<number> {
  const addresses = await personAddresses(trx, personId);
  for (const a of addresses) {
    await appendEvent(trx, {
      type: 'suppressed', personId, listId: null, occurredAt: e.occurredAt, actor: e.actor, source: e.source, reason: e.reason, note: e.note,
      email: a.email, emailHmac: env.hasher.hash(a.email), requestId: e.requestId ?? null, evidenceMessageId: e.evidenceMessageId ?? null,
    }, env.now);
  }
  return addresses.length;
}

export interface UnsubscribeInput {
  personId: number;
  /** null: from everything (and onto the suppression list) */
  listId: number | null;
  channel: UnsubscribeChannel;
  note?: string | null;
  objection?: boolean;
  receivedAt?: string;
  actor: string;
  requestId?: number | null;
  /** The mail that asked for it (the mailbox's review queue). */
  evidenceMessageId?: string | null;
}

/** Takes effect at once: mayMail and checkConsent read the same projection. The person stays in the register. */
export async function unsubscribe(db: DbOrTx, env: ConsentEnv, input: UnsubscribeInput): Promise<UnsubscribeResult> {
  return inTransaction(db, async (trx) => {
    const person = await loadPerson(trx, input.personId);
    const occurredAt = toUtc(input.receivedAt, env.now);
    const type = input.objection ? 'objected' : 'unsubscribed';
    const base = {
      type, personId: person.id, occurredAt, actor: input.actor, source: input.channel, note: input.note ?? null,
      reason: input.objection ? 'objection' : null, email: person.email, emailHmac: person.email ? env.hasher.hash(person.email) : null,
      requestId: input.requestId ?? null, evidenceMessageId: input.evidenceMessageId ?? null,
    } as const;
    if (input.listId !== null) {
      const list = await loadList(trx, input.listId);
      const sub = await trx.selectFrom('subscriptions').select('status').where('person_id', '=', person.id).where('list_id', '=', list.id).executeTakeFirst();
      const active = sub && sub.status !== 'unsubscribed';
      if (!active && !input.objection) {
        throw new CommandError('not_subscribed', {
          nl: `${person.name} staat niet (meer) op "${list.name}".`, en: `${person.name} is not (or no longer) on "${list.name}".`,
        });
      }
      await appendEvent(trx, { ...base, listId: list.id }, env.now);
      return { lists: [{ listId: list.id, listName: list.name }], suppressedAddresses: 0 };
    }
    const active = await trx.selectFrom('subscriptions').select('list_id').where('person_id', '=', person.id).where('status', '!=', 'unsubscribed').execute();
    for (const s of active) await appendEvent(trx, { ...base, listId: s.list_id }, env.now);
    const suppressedAddresses = await suppressPerson(trx, env, person.id, {
      reason: input.objection ? 'objection' : 'unsubscribed_all', occurredAt, source: input.channel, note: input.note ?? null, actor: input.actor,
      requestId: input.requestId, evidenceMessageId: input.evidenceMessageId,
    });
    return { lists: await listNames(trx, active.map((s) => s.list_id)), suppressedAddresses };
  });
}

export interface SuppressInput {
  personId?: number;
  email?: string;
  reason: 'hard_bounce' | 'complaint' | 'manual';
  note?: string | null;
  actor: string;
  occurredAt?: string;
}

/** Bounces, complaints, or a block by hand: by person (all addresses) or by a single address (in the register or not). */
export async function suppress(db: DbOrTx, env: ConsentEnv, input: SuppressInput) {
  return inTransaction(db, async (trx) => {
    const occurredAt = toUtc(input.occurredAt, env.now);
    const source: EventSource = input.reason === 'hard_bounce' ? 'bounce' : input.reason === 'complaint' ? 'complaint' : 'staff';
    let personId = input.personId ?? null;
    if (!personId && input.email) {
      if (!isValidEmail(input.email)) {
        throw new CommandError('invalid_email', { nl: `"${input.email}" is geen geldig e-mailadres.`, en: `"${input.email}" is not a valid e-mail address.` });
      }
      const owner = await trx.selectFrom('person_emails').select('person_id').where('email_norm', '=', normaliseEmail(input.email)).executeTakeFirst();
      personId = owner?.person_id ?? null;
    }
    const before = personId
      ? await trx.selectFrom('subscriptions').select('list_id').where('person_id', '=', personId).where('status', '!=', 'unsubscribed').execute()
      : [];
    let count: number;
    if (input.personId) {
      await loadPerson(trx, input.personId);
      count = await suppressPerson(trx, env, input.personId, { reason: input.reason, occurredAt, source, note: input.note ?? null, actor: input.actor });
    } else {
      await appendEvent(trx, {
        type: 'suppressed', personId, listId: null, occurredAt, actor: input.actor, source, reason: input.reason, note: input.note ?? null,
        email: input.email!.trim(), emailHmac: env.hasher.hash(input.email!),
      }, env.now);
      count = 1;
    }
    return { suppressedAddresses: count, lists: await listNames(trx, before.map((b) => b.list_id)) };
  });
}

// ---------- checking before sending ----------

export async function mayMail(db: DbOrTx, hasher: AddressHasher, personId: number, listId: number): Promise<{ allowed: boolean; reason: VerdictReason; email: string | null }> {
  const row = await db.selectFrom('mailing_lists')
    .leftJoin('subscriptions', (j) => j.onRef('subscriptions.list_id', '=', 'mailing_lists.id').on('subscriptions.person_id', '=', personId))
    .select(['mailing_lists.archived', 'subscriptions.status',
      sql<string | null>`(SELECT email FROM person_emails pe WHERE pe.person_id = ${personId} AND pe.is_primary = 1)`.as('email')])
    .where('mailing_lists.id', '=', listId).executeTakeFirst();
  if (!row) throw notFound({ nl: 'Verzendlijst', en: 'Mailing list' });
  const email = row.email;
  if (row.archived) return { allowed: false, reason: 'list_archived', email };
  if (!email) return { allowed: false, reason: 'invalid', email };
  const suppressed = await db.selectFrom('suppressions').select('email_hmac').where('email_hmac', '=', hasher.hash(email)).executeTakeFirst();
  if (suppressed) return { allowed: false, reason: 'suppressed', email };
  if (row.status === 'subscribed') return { allowed: true, reason: 'subscribed', email };
  return { allowed: false, reason: row.status ?? 'not_subscribed', email };
}

export type ConsentChecker = (email: string) => ConsentVerdict;

/**
 * Loads the list's subscriptions and the suppression list with one query each, then checks
 * addresses in memory. An address may be mailed when it belongs to a person subscribed to the list
 * and its HMAC is not suppressed. The reason given is the first that blocks: list, subscription,
 * suppression (use screenAddresses to find every suppressed address in a list).
 */
const STATUS_CODE: Record<SubscriptionStatus, number> = { pending: 1, subscribed: 2, unsubscribed: 3 };
const CODE_STATUS: SubscriptionStatus[] = ['pending', 'pending', 'subscribed', 'unsubscribed'];
const NON_ASCII = /\P{ASCII}/u;

export async function createConsentChecker(db: DbOrTx, hasher: AddressHasher, listId: number): Promise<ConsentChecker> {
  const list = await loadList(db, listId);
  if (list.archived) return (email) => ({ email, allowed: false, reason: 'list_archived', personId: null });
  // One text per query instead of 100,000 row objects: about twice as fast to load.
  const [subs, supp] = await Promise.all([
    sql<{ rows: string | null }>`SELECT group_concat(pe.email_norm || char(9) || s.status || char(9) || pe.person_id, char(10)) AS rows
      FROM subscriptions s JOIN person_emails pe ON pe.person_id = s.person_id WHERE s.list_id = ${listId}`.execute(db),
    db.selectFrom('suppressions').select('email_hmac').execute(),
  ]);
  // address -> personId * 4 + status code
  const byAddress = new Map<string, number>();
  const text = subs.rows[0]?.rows;
  if (text) {
    for (const line of text.split('\n')) {
      const b = line.lastIndexOf('\t');
      const a = line.lastIndexOf('\t', b - 1);
      if (a <= 0) continue;
      const code = STATUS_CODE[line.slice(a + 1, b) as SubscriptionStatus];
      if (code) byAddress.set(line.slice(0, a), Number(line.slice(b + 1)) * 4 + code);
    }
  }
  const isSuppressed = supp.length ? hasher.matcher(supp.map((s) => s.email_hmac)) : () => false;
  // Stored addresses were validated when saved; only unknown ones are checked for form. Only
  // addresses that would otherwise be mailed need their HMAC.
  return (email) => {
    const trimmed = email.trim();
    const norm = NON_ASCII.test(trimmed) ? normaliseEmail(trimmed) : trimmed.toLowerCase();
    const packed = byAddress.get(norm);
    if (packed === undefined) return { email, allowed: false, reason: isValidEmail(norm) ? 'not_subscribed' : 'invalid', personId: null };
    const personId = Math.floor(packed / 4);
    const status = CODE_STATUS[packed % 4]!;
    if (status !== 'subscribed') return { email, allowed: false, reason: status, personId };
    if (isSuppressed(norm)) return { email, allowed: false, reason: 'suppressed', personId };
    return { email, allowed: true, reason: 'subscribed', personId };
  };
}

export async function checkConsent(db: DbOrTx, hasher: AddressHasher, emails: readonly string[], listId: number): Promise<ConsentVerdict[]> {
  const check = await createConsentChecker(db, hasher, listId);
  return emails.map(check);
}

export function summariseVerdicts(verdicts: readonly ConsentVerdict[]): CheckResult {
  const counts: Record<VerdictReason, number> = {
    subscribed: 0, suppressed: 0, pending: 0, unsubscribed: 0, not_subscribed: 0, invalid: 0, list_archived: 0,
  };
  const blocked: ConsentVerdict[] = [];
  for (const v of verdicts) {
    counts[v.reason]++;
    if (!v.allowed) blocked.push(v);
  }
  return { total: verdicts.length, allowed: counts.subscribed, counts, blocked };
}

// ---------- views: the person's consent page, lookups ----------

export async function eventViews(db: DbOrTx, filter: { personId?: number; hmacs?: string[]; erasureId?: number }): Promise<ConsentEventView[]> {
  let q = db.selectFrom('consent_events')
    .leftJoin('mailing_lists', 'mailing_lists.id', 'consent_events.list_id')
    .leftJoin('purpose_versions', 'purpose_versions.id', 'consent_events.purpose_version_id')
    .selectAll('consent_events')
    .select(['mailing_lists.name as list_name', 'purpose_versions.version as pv_version', 'purpose_versions.text as pv_text']);
  q = q.where((eb) => {
    const ors = [];
    if (filter.personId) ors.push(eb('consent_events.person_id', '=', filter.personId));
    if (filter.hmacs?.length) ors.push(eb('consent_events.email_hmac', 'in', filter.hmacs));
    if (filter.erasureId) ors.push(eb('consent_events.erasure_id', '=', filter.erasureId));
    return ors.length ? eb.or(ors) : sql<boolean>`0`;
  });
  const rows = await q.orderBy('consent_events.id').execute();
  return rows.map((r) => ({
    id: r.id, type: r.type, personId: r.person_id, listId: r.list_id, listName: r.list_name, occurredAt: r.occurred_at, recordedAt: r.recorded_at,
    actor: r.actor, source: r.source,
    purposeVersion: r.purpose_version_id && r.pv_version !== null && r.pv_text !== null ? { id: r.purpose_version_id, version: r.pv_version, text: r.pv_text } : null,
    doubleOptIn: r.double_opt_in === 1, reason: r.reason, note: r.note,
    evidence: { text: r.evidence_text, file: r.evidence_file, messageId: r.evidence_message_id },
    email: r.email, batchId: r.batch_id, requestId: r.request_id, erased: r.erased_at !== null,
  }));
}

async function subscriptionViews(db: DbOrTx, personId: number, primarySuppressed: boolean, hasPrimary: boolean): Promise<SubscriptionView[]> {
  const rows = await db.selectFrom('subscriptions').innerJoin('mailing_lists', 'mailing_lists.id', 'subscriptions.list_id')
    .leftJoin('purpose_versions', 'purpose_versions.id', 'subscriptions.purpose_version_id')
    .select(['subscriptions.list_id', 'subscriptions.status', 'subscriptions.since', 'subscriptions.purpose_version_id', 'purpose_versions.version',
      'mailing_lists.name', 'mailing_lists.language', 'mailing_lists.lawful_basis', 'mailing_lists.archived'])
    .where('subscriptions.person_id', '=', personId).orderBy('mailing_lists.name').execute();
  return rows.map((r) => ({
    listId: r.list_id, listName: r.name, language: r.language, lawfulBasis: r.lawful_basis, status: r.status, since: r.since,
    purposeVersion: r.purpose_version_id && r.version !== null ? { id: r.purpose_version_id, version: r.version } : null,
    mayMail: r.status === 'subscribed' && !r.archived && hasPrimary && !primarySuppressed,
  }));
}

export async function personConsent(db: DbOrTx, hasher: AddressHasher, personId: number): Promise<PersonConsent> {
  const p = await db.selectFrom('people').select(['id', 'first_name', 'last_name', 'language']).where('id', '=', personId).executeTakeFirst();
  if (!p) throw notFound({ nl: 'Persoon', en: 'Person' });
  const emails = await personAddresses(db, personId);
  const hmacs = emails.map((e) => hasher.hash(e.email));
  const supp = await suppressionsFor(db, hmacs);
  const addresses: AddressView[] = emails.map((e, i) => ({ email: e.email, primary: e.primary, suppression: supp.get(hmacs[i]!) ?? null }));
  const primary = addresses.find((a) => a.primary);
  const [subscriptions, events] = await Promise.all([
    subscriptionViews(db, personId, Boolean(primary?.suppression), Boolean(primary)),
    eventViews(db, { personId, hmacs }),
  ]);
  return { personId, name: fullName(p.first_name, p.last_name), language: p.language, addresses, subscriptions, events: events.reverse() };
}

async function primarySuppressed(db: DbOrTx, hasher: AddressHasher, personId: number): Promise<{ hasPrimary: boolean; suppressed: boolean }> {
  const primary = await db.selectFrom('person_emails').select('email').where('person_id', '=', personId).where('is_primary', '=', 1).executeTakeFirst();
  if (!primary) return { hasPrimary: false, suppressed: false };
  const hit = await db.selectFrom('suppressions').select('email_hmac').where('email_hmac', '=', hasher.hash(primary.email)).executeTakeFirst();
  return { hasPrimary: true, suppressed: Boolean(hit) };
}

export async function lookupAddress(db: DbOrTx, hasher: AddressHasher, email: string): Promise<AddressLookup> {
  const norm = normaliseEmail(email);
  const valid = isValidEmail(norm);
  const hmac = hasher.hashNormalised(norm);
  const owner = await db.selectFrom('person_emails').innerJoin('people', 'people.id', 'person_emails.person_id')
    .select(['people.id', 'people.first_name', 'people.last_name']).where('email_norm', '=', norm).executeTakeFirst();
  const suppression = (await suppressionsFor(db, [hmac])).get(hmac) ?? null;
  const person = owner ? { id: owner.id, name: fullName(owner.first_name, owner.last_name) } : null;
  let subscriptions: SubscriptionView[] = [];
  if (owner) {
    const primary = await primarySuppressed(db, hasher, owner.id);
    subscriptions = await subscriptionViews(db, owner.id, primary.suppressed, primary.hasPrimary);
  }
  const events = await eventViews(db, { hmacs: [hmac], ...(owner ? { personId: owner.id } : {}) });
  const mailed = subscriptions.filter((s) => s.mayMail).map((s) => s.listName);
  let explanation: { nl: string; en: string };
  if (suppression) {
    const r = LABELS.suppressionReason[suppression.reason];
    explanation = {
      nl: `Dit adres krijgt geen mail: het staat sinds ${suppression.since.slice(0, 10)} op de afmeldlijst (${r.nl.toLowerCase()}).`,
      en: `This address receives no mail: it has been on the suppression list since ${suppression.since.slice(0, 10)} (${r.en.toLowerCase()}).`,
    };
  } else if (mailed.length) {
    explanation = {
      nl: `Dit adres krijgt mail van: ${mailed.join(', ')}. De grondslag en het bewijs staan in de tijdlijn.`,
      en: `This address receives mail from: ${mailed.join(', ')}. The lawful basis and evidence are in the timeline.`,
    };
  } else if (person) {
    explanation = {
      nl: `Dit adres hoort bij ${person.name} maar staat op geen enkele actieve verzendlijst.`,
      en: `This address belongs to ${person.name} but is on no active mailing list.`,
    };
  } else {
    explanation = { nl: 'Dit adres is niet bekend en krijgt geen mail.', en: 'This address is unknown and receives no mail.' };
  }
  return { email, valid, person, suppression, subscriptions, events, explanation };
}
