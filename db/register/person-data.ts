import { sql } from 'kysely';
import type { DbOrTx } from '../store/connection';
import { eventViews } from '../consent/consent';
import { listRequests } from '../consent/avg-requests';
import { interactionsFor } from './interactions';
import { eraseMailings, mailingsOf } from '../sending/outbox';
import { getPerson } from './people';
import type { AddressHasher } from '../consent/suppression';
import type { Messages } from '../shared/messages';

export interface ErasureScope {
  now: Date;
  erasureId: number;
  /** The person's addresses as stored, and their HMACs */
  emails: string[];
  hmacs: string[];
}

/**
 * Everything Schakel holds about a person, one source per kind of data. Access and portability
 * exports list every source; erasure runs every source's erase in this order, inside one
 * transaction, and the register row goes last. A new table with personal data adds a source here
 * (the erasure test scans every table, so a forgotten one fails it).
 */
export interface PersonDataSource {
  key: string;
  label: Messages;
  collect(db: DbOrTx, personId: number, hasher: AddressHasher, now: Date): Promise<unknown[]>;
  /** Removes or anonymises the rows; returns how many rows were affected. */
  erase(db: DbOrTx, personId: number, scope: ErasureScope): Promise<number>;
}

const consentEvents: PersonDataSource = {
  key: 'consentEvents',
  label: { nl: 'Toestemmingen en afmeldingen (logboek)', en: 'Consent and unsubscribe events (ledger)' },
  collect: async (db, personId, hasher) => {
    const emails = await db.selectFrom('person_emails').select('email').where('person_id', '=', personId).execute();
    return eventViews(db, { personId, hmacs: emails.map((e) => hasher.hash(e.email)) });
  },
  // The single update the ledger's trigger allows: personal fields become the tombstone, once.
  erase: async (db, personId, scope) => {
    const res = await db.updateTable('consent_events').set({
      person_id: null, email: null, email_hmac: null, note: null, evidence_text: null, evidence_file: null, evidence_message_id: null,
      erased_at: scope.now.toISOString(), erasure_id: scope.erasureId,
    }).where('erased_at', 'is', null)
      .where((eb) => eb.or([
        eb('person_id', '=', personId),
        ...(scope.hmacs.length ? [eb('email_hmac', 'in', scope.hmacs)] : []),
      ]))
      .executeTakeFirst();
    return Number(res.numUpdatedRows);
  },
};

const subscriptions: PersonDataSource = {
  key: 'subscriptions',
  label: { nl: 'Aanmeldingen voor verzendlijsten', en: 'Mailing list subscriptions' },
  collect: async (db, personId) => {
    const rows = await db.selectFrom('subscriptions').innerJoin('mailing_lists', 'mailing_lists.id', 'subscriptions.list_id')
      .leftJoin('purpose_versions', 'purpose_versions.id', 'subscriptions.purpose_version_id')
      .select(['mailing_lists.name as list', 'mailing_lists.lawful_basis as lawfulBasis', 'subscriptions.status', 'subscriptions.since',
        'purpose_versions.version as purposeVersion'])
      .where('person_id', '=', personId).orderBy('mailing_lists.name').execute();
    return rows;
  },
  erase: async (db, personId) => Number((await db.deleteFrom('subscriptions').where('person_id', '=', personId).executeTakeFirst()).numDeletedRows),
};

const interactions: PersonDataSource = {
  key: 'interactions',
  label: { nl: 'Contactmomenten', en: 'Interactions' },
  collect: (db, personId) => interactionsFor(db, { personId }, 100_000),
  // Contacts about this person alone go; shared ones lose the link (and the sweep removes the name from their text).
  erase: async (db, personId) => {
    const solo = await db.selectFrom('interaction_people as ip').select('ip.interaction_id').where('ip.person_id', '=', personId)
      .where(sql<boolean>`NOT EXISTS (SELECT 1 FROM interaction_people o WHERE o.interaction_id = ip.interaction_id AND o.person_id != ${personId})`)
      .where(sql<boolean>`NOT EXISTS (SELECT 1 FROM interaction_organisations o WHERE o.interaction_id = ip.interaction_id)`)
      .where(sql<boolean>`NOT EXISTS (SELECT 1 FROM interaction_pilots o WHERE o.interaction_id = ip.interaction_id)`)
      .execute();
    const ids = solo.map((s) => s.interaction_id);
    if (ids.length) await db.deleteFrom('interactions').where('id', 'in', ids).execute();
    const linked = await db.deleteFrom('interaction_people').where('person_id', '=', personId).executeTakeFirst();
    return ids.length + Number(linked.numDeletedRows);
  },
};

const avgRequests: PersonDataSource = {
  key: 'avgRequests',
  label: { nl: 'AVG-verzoeken', en: 'Data-subject requests' },
  collect: (db, personId, _hasher, now) => listRequests(db, now, { personId }),
  // The register of requests stays (accountability); who asked does not.
  erase: async (db, personId, scope) => {
    const norms = scope.emails.map((e) => e.trim().toLowerCase());
    const res = await db.updateTable('avg_requests').set({
      person_id: null, subject_name: null, subject_email: null, notes: null, outcome: null, erasure_id: scope.erasureId,
      updated_at: scope.now.toISOString(),
    }).where((eb) => eb.or([
      eb('person_id', '=', personId),
      ...(norms.length ? [eb(sql<string>`lower(trim(subject_email))`, 'in', norms)] : []),
    ])).executeTakeFirst();
    return Number(res.numUpdatedRows);
  },
};

// The outbox: one row per person per send job.
const mailings: PersonDataSource = {
  key: 'mailings',
  label: { nl: 'Ontvangen mailings', en: 'Mailings received' },
  collect: (db, personId) => mailingsOf(db, personId),
  erase: (db, personId, scope) => eraseMailings(db, personId, scope.emails),
};

// Mail from or about the person waiting in (or handled from) the review queue.
const inboxReview: PersonDataSource = {
  key: 'inboxReview',
  label: { nl: 'Ontvangen mail in de controlelijst', en: 'Received mail in the review queue' },
  collect: (db, personId) =>
    db.selectFrom('inbox_review').select(['received_at as receivedAt', 'from_address as from', 'subject', 'body', 'status', 'action'])
      .where('person_id', '=', personId).orderBy('id').execute(),
  erase: async (db, personId, scope) => {
    const norms = scope.emails.map((e) => e.trim().toLowerCase());
    const res = await db.deleteFrom('inbox_review').where((eb) => eb.or([
      eb('person_id', '=', personId),
      ...(norms.length ? [eb(sql<string>`lower(trim(from_address))`, 'in', norms)] : []),
    ])).executeTakeFirst();
    return Number(res.numDeletedRows);
  },
};

// What the mailbox did with mail from or about the person (the history, kept for the retention period).
const inboxHistory: PersonDataSource = {
  key: 'inboxHistory',
  label: { nl: 'Verwerkte mail in het postvak (geschiedenis)', en: 'Mail processed by the mailbox (history)' },
  collect: async (db, personId) => {
    const norms = (await db.selectFrom('person_emails').select('email_norm').where('person_id', '=', personId).execute()).map((e) => e.email_norm);
    return db.selectFrom('inbox_history')
      .select(['received_at as receivedAt', 'kind', 'outcome', 'detail', 'address', 'from_address as from', 'subject', 'message_id as messageId'])
      .where((eb) => eb.or([
        eb('person_id', '=', personId),
        ...(norms.length ? [eb(sql<string>`lower(trim(address))`, 'in', norms), eb(sql<string>`lower(trim(from_address))`, 'in', norms)] : []),
      ]))
      .orderBy('id').execute();
  },
  erase: async (db, personId, scope) => {
    const norms = scope.emails.map((e) => e.trim().toLowerCase());
    const res = await db.deleteFrom('inbox_history').where((eb) => eb.or([
      eb('person_id', '=', personId),
      ...(norms.length ? [eb(sql<string>`lower(trim(address))`, 'in', norms), eb(sql<string>`lower(trim(from_address))`, 'in', norms)] : []),
    ])).executeTakeFirst();
    return Number(res.numDeletedRows);
  },
};

// Double opt-in confirmation mails sent to the person (the address only as a keyed hash).
const confirmationMails: PersonDataSource = {
  key: 'confirmations',
  label: { nl: 'Bevestigingsmails voor aanmeldingen', en: 'Confirmation mails for sign-ups' },
  collect: (db, personId) =>
    db.selectFrom('confirmations').innerJoin('mailing_lists', 'mailing_lists.id', 'confirmations.list_id')
      .select(['mailing_lists.name as list', 'confirmations.status', 'confirmations.sent_at as sentAt', 'confirmations.expires_at as expiresAt',
        'confirmations.attempts', 'confirmations.error', 'confirmations.message_id as messageId', 'confirmations.evidence_message_id as replyMessageId'])
      .where('confirmations.person_id', '=', personId).orderBy('confirmations.id').execute(),
  erase: async (db, personId) => Number((await db.deleteFrom('confirmations').where('person_id', '=', personId).executeTakeFirst()).numDeletedRows),
};

const register: PersonDataSource = {
  key: 'register',
  label: { nl: 'Relatieregister', en: 'Stakeholder register' },
  collect: async (db, personId) => {
    const p = await getPerson(db, personId);
    const created = await db.selectFrom('people').select('created_at').where('id', '=', personId).executeTakeFirstOrThrow();
    return [{
      firstName: p.firstName, lastName: p.lastName, emails: p.emails, phone: p.phone, organisation: p.organisationName, jobTitle: p.jobTitle,
      language: p.language, tags: p.tags, notes: p.notes, owner: p.owner, influence: p.power, interest: p.interest,
      pilots: p.pilots.map((x) => ({ pilot: x.name, role: x.role })), createdAt: created.created_at, updatedAt: p.updatedAt,
    }];
  },
  // Cascades to addresses, tags and pilot roles.
  erase: async (db, personId) => Number((await db.deleteFrom('people').where('id', '=', personId).executeTakeFirst()).numDeletedRows),
};

export const PERSON_DATA_SOURCES: readonly PersonDataSource[] = [consentEvents, subscriptions, interactions, avgRequests, mailings, inboxReview, inboxHistory, confirmationMails, register];
