import { createHash } from 'node:crypto';
import { ImapFlow, type ImapFlowOptions } from 'imapflow';
import { sql } from 'kysely';
import { inTransaction, type Db, type DbOrTx } from '../store/connection';
import { CLEARTEXT_REFUSED, isLoopbackHost, normaliseEmail } from '../shared/text';
import { CommandError, notFound } from '../shared/errors';
import { createRequest } from '../consent/avg-requests';
import { markConfirmed } from '../consent/confirmations';
import { appendEvent, confirm, unsubscribe } from '../consent/consent';
import { addMonths, dutchDate } from '../consent/consent-model';
import { parseMessage, summarise, summariseUnreadable, type ClassifiedMail, type OriginalRef } from './classify';
import type { TraceSigner } from './inbox-trace';
import type { UnsubscribeTokens } from '../newsletter/newsletter';
import { fullName } from '../register/people';
import { getRetentionSettings } from '../consent/retention';
import type { PasswordStore } from '../mail/smtp';
import type { MailboxReader } from '../mail/mailbox';
import type { AddressHasher } from '../consent/suppression';
import type { Messages } from '../shared/messages';
import type { ImapSettings, InboxCheckResult, InboxConnectionResult, InboxHistoryFilter, InboxHistoryPage, InboxKind, InboxSettingsInput, InboxSettingsView, InboxSummary, ReviewAction, ReviewItemView } from './types';

// ---------- settings ----------

export type { ImapSettings };

export const IMAP_SETTINGS_KEY = 'inbox.imap';
export const DEFAULT_IMAP: ImapSettings = {
  host: '', port: 993, security: 'tls', user: '', folder: 'INBOX', processedFolder: 'Schakel verwerkt', pollMinutes: 5, confirmationDays: 14,
};

export async function getImapSettings(db: DbOrTx): Promise<ImapSettings> {
  const row = await db.selectFrom('settings').select('value').where('key', '=', IMAP_SETTINGS_KEY).executeTakeFirst();
  return row ? { ...DEFAULT_IMAP, ...(JSON.parse(row.value) as Partial<ImapSettings>) } : { ...DEFAULT_IMAP };
}

export function imapConfigured(s: ImapSettings): boolean {
  return s.host.trim() !== '' && s.user.trim() !== '';
}

export function imapSettingsView(s: ImapSettings, passwords: PasswordStore): InboxSettingsView {
  return {
    ...s, passwordSet: passwords.get() !== null, passwordStorage: { kind: passwords.kind, refusal: passwords.refusal() }, configured: imapConfigured(s),
  };
}

export async function saveImapSettings(db: DbOrTx, passwords: PasswordStore, input: Required<Omit<InboxSettingsInput, 'password'>> & { password?: string }): Promise<ImapSettings> {
  const { password, ...rest } = input;
  const s: ImapSettings = { ...DEFAULT_IMAP, ...rest };
  if (s.host && !/^[A-Za-z0-9.:[\]-]+$/.test(s.host)) {
    throw new CommandError('invalid_settings', {
      nl: 'De instellingen zijn niet opgeslagen. De servernaam is ongeldig.', en: 'The settings were not saved. The server name is invalid.',
    }, [{ path: 'host', message: { nl: 'Ongeldige servernaam.', en: 'Invalid server name.' } }]);
  }
  if (s.security === 'none' && s.host && !isLoopbackHost(s.host)) {
    throw new CommandError('invalid_settings', {
      nl: `De instellingen zijn niet opgeslagen. ${CLEARTEXT_REFUSED.nl}`, en: `The settings were not saved. ${CLEARTEXT_REFUSED.en}`,
    }, [{ path: 'security', message: CLEARTEXT_REFUSED }]);
  }
  if (s.folder === s.processedFolder) {
    throw new CommandError('invalid_settings', {
      nl: 'De instellingen zijn niet opgeslagen. De map voor verwerkte mail moet een andere map zijn dan de map die Schakel leest.',
      en: 'The settings were not saved. The folder for processed mail must differ from the folder Schakel reads.',
    }, [{ path: 'processedFolder', message: { nl: 'Kies een andere map.', en: 'Choose another folder.' } }]);
  }
  if (password !== undefined) {
    const refusal = passwords.refusal();
    if (refusal && password !== '') throw new CommandError('password_storage_unsafe', refusal);
    passwords.set(password === '' ? null : password);
  }
  const value = JSON.stringify(s);
  await db.insertInto('settings').values({ key: IMAP_SETTINGS_KEY, value }).onConflict((oc) => oc.column('key').doUpdateSet({ value })).execute();
  return s;
}

// ---------- acting on one message ----------

export interface InboxEnv {
  hasher: AddressHasher;
  tokens: UnsubscribeTokens;
  /** Verifies signed X-Schakel-Recipient headers; without it only the original Message-ID proves a report. */
  trace?: TraceSigner;
  now: Date;
}

export const INBOX_ACTOR = 'Schakel (postvak)';
export const SOFT_BOUNCE_LIMIT = 3;

export type Outcome =
  | 'unsubscribed' | 'already_unsubscribed' | 'confirmed' | 'hard_bounce' | 'soft_bounce' | 'soft_bounce_suppressed' | 'complaint'
  | 'ignored' | 'review' | 'no_person';

export const REVIEW_REASONS: Record<string, Messages> = {
  other: { nl: 'Een bericht dat Schakel niet zelf kan afhandelen.', en: 'A message Schakel cannot handle by itself.' },
  unknown_sender: {
    nl: 'Een bericht van een adres dat niet in het register staat.', en: 'A message from an address that is not in the register.',
  },
  unsubscribe_request: {
    nl: 'Lijkt een afmelding, maar zonder geldige afmeldcode: Schakel weet niet zeker van wie en waarvoor.',
    en: 'Looks like an unsubscribe request, but without a valid unsubscribe code: Schakel cannot be sure who or what for.',
  },
  erasure_request: {
    nl: 'Lijkt een verzoek om gegevens te wissen (AVG): een mens beslist.', en: 'Looks like a request to erase personal data (GDPR): a person decides.',
  },
  unreadable: {
    nl: 'Schakel kon dit bericht niet lezen: het is beschadigd of onvolledig.', en: 'Schakel could not read this message: it is damaged or incomplete.',
  },
  invalid_token: {
    nl: 'Afmelding of bevestiging met een ongeldige of vervalste code: niets gedaan.', en: 'Unsubscribe or confirmation with an invalid or forged code: nothing done.',
  },
  not_pending: { nl: 'Bevestiging voor een aanmelding die niet (meer) wacht.', en: 'Confirmation for a sign-up that is not (or no longer) waiting.' },
  failed: { nl: 'Schakel kon dit bericht niet automatisch verwerken.', en: 'Schakel could not process this message automatically.' },
  unmatched_report: {
    nl: 'Onbestelbaar-melding of klacht die niet aan een verzending te koppelen is.', en: 'Bounce or complaint that cannot be matched to a send.',
  },
  bounce_unproven: {
    nl: 'Lijkt een onbestelbaar-melding, maar bewijst niet dat het om een bericht van Schakel gaat (geen bekend Message-ID, geen geldige handtekening): niets geblokkeerd.',
    en: 'Looks like a bounce, but does not prove it is about a message Schakel sent (no known Message-ID, no valid signature): nothing blocked.',
  },
  complaint_unproven: {
    nl: 'Lijkt een klacht (spammelding), maar bewijst niet dat het om een bericht van Schakel gaat (geen bekend Message-ID, geen geldige handtekening): niets geblokkeerd.',
    en: 'Looks like a complaint (spam report), but does not prove it is about a message Schakel sent (no known Message-ID, no valid signature): nothing blocked.',
  },
  address_mismatch: {
    nl: 'Hoort bij een bericht van Schakel, maar het genoemde adres is niet het adres waarnaar Schakel dat bericht stuurde (bijvoorbeeld een doorgestuurd adres): niets geblokkeerd.',
    en: 'Belongs to a message Schakel sent, but the address it names is not the one Schakel sent that message to (a forwarding address, say): nothing blocked.',
  },
};

/** The review reason with the addresses of a bounce or complaint filled in. */
export function reviewReasonText(reason: string, reportAddress: string | null, sentAddress: string | null): Messages {
  const base = REVIEW_REASONS[reason] ?? REVIEW_REASONS.other!;
  if (reason === 'address_mismatch') {
    const named = reportAddress ?? '—';
    return {
      nl: `${base.nl} Genoemd: ${named}; verstuurd aan: ${sentAddress ?? '—'}.`,
      en: `${base.en} Named: ${named}; sent to: ${sentAddress ?? '—'}.`,
    };
  }
  if ((reason === 'bounce_unproven' || reason === 'complaint_unproven') && reportAddress) {
    return { nl: `${base.nl} Genoemd adres: ${reportAddress}.`, en: `${base.en} Address named: ${reportAddress}.` };
  }
  return base;
}

interface SentRow {
  id: number;
  jobId: number;
  email: string | null;
  personId: number | null;
  listId: number | null;
}

/** The outbox row a report answers, only on proof: its unguessable Message-ID, or a trace header signed with this installation's key. */
async function provenOriginal(trx: DbOrTx, env: InboxEnv, o: OriginalRef): Promise<SentRow | null> {
  const q = () => trx.selectFrom('send_recipients')
    .select(['id', 'job_id as jobId', 'email', 'person_id as personId', 'list_id as listId']).where('message_id', 'is not', null);
  if (o.messageId) {
    const r = await q().where('message_id', '=', o.messageId).executeTakeFirst();
    if (r) return r;
  }
  const rowId = env.trace?.verify(o.jobId, o.trace) ?? null;
  if (rowId !== null) {
    const r = await q().where('id', '=', rowId).where('job_id', '=', o.jobId!).executeTakeFirst();
    if (r) return r;
  }
  return null;
}

async function ownerOf(trx: DbOrTx, email: string): Promise<number | null> {
  const r = await trx.selectFrom('person_emails').select('person_id').where('email_norm', '=', normaliseEmail(email)).executeTakeFirst();
  return r?.person_id ?? null;
}

async function suppressAddress(
  trx: DbOrTx, env: InboxEnv, email: string, reason: 'hard_bounce' | 'complaint', messageId: string, note: string | null, occurredAt: string,
): Promise<number | null> {
  const personId = await ownerOf(trx, email);
  await appendEvent(trx, {
    type: 'suppressed', personId, listId: null, occurredAt, actor: INBOX_ACTOR,
    source: reason === 'hard_bounce' ? 'bounce' : 'complaint', reason, note, evidenceMessageId: messageId,
    email: email.trim(), emailHmac: env.hasher.hash(email),
  }, env.now);
  return personId;
}

interface ReviewExtra {
  /** The suggested person when it is not the sender's address that names them. */
  personId?: number | null;
  reportAddress?: string | null;
  sentAddress?: string | null;
}

async function addReview(trx: DbOrTx, mail: ClassifiedMail, reason: string, receivedAt: string, now: Date, extra: ReviewExtra = {}) {
  const person = extra.personId !== undefined ? extra.personId : mail.from ? await ownerOf(trx, mail.from) : null;
  const { id } = await trx.insertInto('inbox_review').values({
    message_id: mail.messageId, reason, from_address: mail.from, subject: mail.subject.slice(0, 1000), body: mail.text,
    received_at: receivedAt, person_id: person, action: null, request_id: null, handled_by: null, handled_at: null,
    created_at: now.toISOString(), report_address: extra.reportAddress ?? null, sent_address: extra.sentAddress ?? null,
  }).returning('id').executeTakeFirstOrThrow();
  return { id, personId: person };
}

function verifyFirst(tokens: UnsubscribeTokens, candidates: readonly string[], purpose: 'unsubscribe' | 'confirm' = 'unsubscribe') {
  for (const t of candidates) {
    const v = purpose === 'confirm' ? tokens.verifyConfirm(t) : tokens.verify(t);
    if (v) return v;
  }
  return null;
}

/** What was done with a message, for the record and the history. */
interface Acted {
  outcome: Outcome;
  reviewId: number | null;
  personId?: number | null;
  listId?: number | null;
  address?: string | null;
  /** The review reason, a bounce's status, or the soft bounce count. */
  detail?: string | null;
}

async function act(trx: DbOrTx, env: InboxEnv, mail: ClassifiedMail, receivedAt: string): Promise<Acted> {
  const c = mail.classification;
  const at = env.now.toISOString();
  // Ledger events are dated when the message reached the mailbox, never by the sender's Date: header.
  const occurredAt = receivedAt;
  const review = async (reason: string, extra: ReviewExtra = {}): Promise<Acted> => {
    const r = await addReview(trx, mail, reason, receivedAt, env.now, extra);
    return { outcome: 'review', reviewId: r.id, personId: r.personId, address: extra.reportAddress ?? null, detail: reason };
  };

  switch (c.kind) {
    case 'auto_reply':
      return { outcome: 'ignored', reviewId: null, personId: mail.from ? await ownerOf(trx, mail.from) : null };

    case 'unsubscribe': {
      const v = verifyFirst(env.tokens, c.tokens);
      if (!v) return review('invalid_token');
      const person = await trx.selectFrom('people').select('id').where('id', '=', v.personId).executeTakeFirst();
      if (!person) return { outcome: 'no_person', reviewId: null };
      const sub = await trx.selectFrom('subscriptions').select('status').where('person_id', '=', v.personId).where('list_id', '=', v.listId).executeTakeFirst();
      if (!sub || sub.status === 'unsubscribed') return { outcome: 'already_unsubscribed', reviewId: null, personId: v.personId, listId: v.listId };
      const primary = await trx.selectFrom('person_emails').select('email').where('person_id', '=', v.personId).where('is_primary', '=', 1).executeTakeFirst();
      await appendEvent(trx, {
        type: 'unsubscribed', personId: v.personId, listId: v.listId, occurredAt, actor: INBOX_ACTOR, source: 'email',
        evidenceMessageId: mail.messageId, evidenceText: mail.subject.slice(0, 500), email: primary?.email ?? null,
        emailHmac: primary ? env.hasher.hash(primary.email) : null,
      }, env.now);
      return { outcome: 'unsubscribed', reviewId: null, personId: v.personId, listId: v.listId };
    }

    case 'confirm': {
      const v = verifyFirst(env.tokens, c.tokens, 'confirm');
      if (!v) return review('invalid_token');
      const sub = await trx.selectFrom('subscriptions').select('status').where('person_id', '=', v.personId).where('list_id', '=', v.listId).executeTakeFirst();
      if (sub?.status !== 'pending') return review('not_pending', { personId: v.personId });
      await confirm(trx, { hasher: env.hasher, now: env.now }, {
        personId: v.personId, listId: v.listId, confirmedAt: occurredAt, method: 'email', evidenceMessageId: mail.messageId,
        evidenceText: mail.subject.slice(0, 500), actor: INBOX_ACTOR,
      });
      await markConfirmed(trx, v.personId, v.listId, mail.messageId, env.now);
      return { outcome: 'confirmed', reviewId: null, personId: v.personId, listId: v.listId };
    }

    case 'complaint':
    case 'bounce': {
      const named = c.original.recipient;
      const m = await provenOriginal(trx, env, c.original);
      if (!m) {
        return review(c.kind === 'bounce' ? 'bounce_unproven' : 'complaint_unproven', {
          personId: named ? await ownerOf(trx, named) : null, reportAddress: named,
        });
      }
      if (!m.email || !named || normaliseEmail(named) !== normaliseEmail(m.email)) {
        return review('address_mismatch', { personId: m.personId, reportAddress: named, sentAddress: m.email });
      }
      if (c.kind === 'complaint') {
        const personId = await suppressAddress(trx, env, m.email, 'complaint', mail.messageId, null, occurredAt);
        await trx.updateTable('send_recipients').set({ detail: 'complaint', updated_at: at }).where('id', '=', m.id).execute();
        return { outcome: 'complaint', reviewId: null, personId: personId ?? m.personId, address: m.email };
      }
      return bounce(trx, env, mail, c, m as SentRow & { email: string }, occurredAt);
    }

    case 'other':
      if (c.hint === 'unreadable') return review('unreadable');
      if (c.hint === 'erasure') return review('erasure_request');
      if (c.hint === 'unsubscribe') return review('unsubscribe_request');
      if (!mail.from || (await ownerOf(trx, mail.from)) === null) return review('unknown_sender');
      return review('other');
  }
}

async function bounce(
  trx: DbOrTx, env: InboxEnv, mail: ClassifiedMail, c: Extract<ClassifiedMail['classification'], { kind: 'bounce' }>,
  m: SentRow & { email: string }, occurredAt: string,
): Promise<Acted> {
  const at = env.now.toISOString();
  const hmac = env.hasher.hash(m.email);
  const detail = [c.status, c.diagnostic].filter(Boolean).join(' ').slice(0, 1000) || null;
  const base = { reviewId: null, personId: m.personId ?? (await ownerOf(trx, m.email)), address: m.email };
  if (c.hard) {
    await suppressAddress(trx, env, m.email, 'hard_bounce', mail.messageId, detail, occurredAt);
    await trx.deleteFrom('inbox_soft_bounces').where('email_hmac', '=', hmac).execute();
    await trx.updateTable('send_recipients').set({ state: 'failed', reason: 'hard_bounce', detail, updated_at: at }).where('id', '=', m.id).execute();
    return { ...base, outcome: 'hard_bounce', detail: c.status };
  }
  const prev = await trx.selectFrom('inbox_soft_bounces').selectAll().where('email_hmac', '=', hmac).executeTakeFirst();
  let count = 1;
  if (prev) {
    if (prev.last_job_id === m.jobId) count = prev.count;
    else {
      // A delivery in a job between the last soft bounce and this one breaks the row.
      const between = prev.last_job_id !== null
        ? await trx.selectFrom('send_recipients').select('id').where(sql<string>`lower(email)`, '=', m.email.toLowerCase())
          .where('state', '=', 'sent').where('job_id', '>', prev.last_job_id).where('job_id', '<', m.jobId).executeTakeFirst()
        : undefined;
      count = between ? 1 : prev.count + 1;
    }
  }
  await trx.insertInto('inbox_soft_bounces').values({ email_hmac: hmac, count, last_job_id: m.jobId, updated_at: at })
    .onConflict((oc) => oc.column('email_hmac').doUpdateSet({ count, last_job_id: m.jobId, updated_at: at })).execute();
  await trx.updateTable('send_recipients').set({ detail: `soft_bounce ${detail ?? ''}`.trim(), updated_at: at }).where('id', '=', m.id).execute();
  if (count >= SOFT_BOUNCE_LIMIT) {
    await suppressAddress(trx, env, m.email, 'hard_bounce', mail.messageId, `${SOFT_BOUNCE_LIMIT} soft bounces in a row; ${detail ?? ''}`.trim(), occurredAt);
    return { ...base, outcome: 'soft_bounce_suppressed', detail: String(count) };
  }
  return { ...base, outcome: 'soft_bounce', detail: String(count) };
}

export interface ProcessResult {
  messageId: string;
  kind: string;
  outcome: Outcome | 'duplicate';
}

/** When the mailbox received the message: the server's arrival time when plausible, else now. Never the sender's Date: header. */
function receiptTime(receivedAt: Date | null | undefined, now: Date): string {
  if (receivedAt && !Number.isNaN(receivedAt.getTime()) && receivedAt.getTime() <= now.getTime()) return receivedAt.toISOString();
  return now.toISOString();
}

/** Classifies, acts and records (with a history line) in one transaction; a Message-ID seen before changes nothing. */
export async function processMessage(db: DbOrTx, env: InboxEnv, raw: Buffer, arrivedAt?: Date | null): Promise<ProcessResult> {
  const fallback = `<sha256-${createHash('sha256').update(raw).digest('hex').slice(0, 40)}@schakel.invalid>`;
  const receivedAt = receiptTime(arrivedAt, env.now);
  let mail: ClassifiedMail;
  try {
    mail = summarise(await parseMessage(raw), fallback);
  } catch {
    mail = summariseUnreadable(raw, fallback);
  }
  const record = (handle: (trx: DbOrTx) => Promise<Acted>) => inTransaction(db, async (trx): Promise<ProcessResult> => {
    const seen = await trx.selectFrom('inbox_messages').select('outcome').where('message_id', '=', mail.messageId).executeTakeFirst();
    if (seen) return { messageId: mail.messageId, kind: mail.classification.kind, outcome: 'duplicate' };
    const a = await handle(trx);
    await trx.insertInto('inbox_messages').values({
      message_id: mail.messageId, kind: mail.classification.kind, outcome: a.outcome, review_id: a.reviewId, processed_at: env.now.toISOString(),
    }).execute();
    await trx.insertInto('inbox_history').values({
      message_id: mail.messageId, received_at: receivedAt, kind: mail.classification.kind, outcome: a.outcome, detail: a.detail ?? null,
      person_id: a.personId ?? null, list_id: a.listId ?? null, address: a.address ?? null, from_address: mail.from,
      subject: mail.subject.slice(0, 500), review_id: a.reviewId,
    }).execute();
    return { messageId: mail.messageId, kind: mail.classification.kind, outcome: a.outcome };
  });
  try {
    return await record((trx) => act(trx, env, mail, receivedAt));
  } catch (error) {
    // A message the rules cannot act on (say, a list that no longer exists) goes to a person instead of blocking the rest.
    if (error instanceof CommandError) {
      return record(async (trx) => {
        const r = await addReview(trx, mail, 'failed', receivedAt, env.now);
        return { outcome: 'review', reviewId: r.id, personId: r.personId, detail: 'failed' };
      });
    }
    throw error;
  }
}

// ---------- history ----------

export const HISTORY_FILTERS: Record<InboxHistoryFilter, readonly Outcome[] | null> = {
  all: null,
  unsubscribe: ['unsubscribed', 'already_unsubscribed'],
  hard_bounce: ['hard_bounce'],
  soft_bounce: ['soft_bounce', 'soft_bounce_suppressed'],
  complaint: ['complaint'],
  confirm: ['confirmed'],
  review: ['review'],
  no_action: ['ignored', 'no_person'],
};

export async function listHistory(db: DbOrTx, input: { filter: InboxHistoryFilter; limit: number; offset: number }): Promise<InboxHistoryPage> {
  const outcomes = HISTORY_FILTERS[input.filter];
  let q = db.selectFrom('inbox_history as h')
    .leftJoin('people as p', 'p.id', 'h.person_id')
    .leftJoin('organisations as o', 'o.id', 'p.organisation_id')
    .leftJoin('mailing_lists as l', 'l.id', 'h.list_id')
    .leftJoin('inbox_review as r', 'r.id', 'h.review_id');
  if (outcomes) q = q.where('h.outcome', 'in', outcomes);
  const total = await q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  const rows = await q.select([
    'h.id', 'h.message_id', 'h.received_at', 'h.kind', 'h.outcome', 'h.detail', 'h.address', 'h.from_address', 'h.subject', 'h.review_id',
    'p.id as pid', 'p.first_name', 'p.last_name', 'o.name as org', 'l.name as list_name', 'r.status as review_status',
    'r.report_address', 'r.sent_address',
  ]).orderBy('h.received_at', 'desc').orderBy('h.id', 'desc').limit(input.limit).offset(input.offset).execute();
  return {
    total: Number(total.n),
    rows: rows.map((r) => ({
      id: r.id, messageId: r.message_id, receivedAt: r.received_at, kind: r.kind as InboxKind, outcome: r.outcome, detail: r.detail,
      address: r.address, fromAddress: r.from_address, subject: r.subject, listName: r.list_name,
      person: r.pid !== null ? { id: r.pid, name: fullName(r.first_name ?? '', r.last_name ?? ''), organisation: r.org } : null,
      review: r.review_id !== null
        ? { id: r.review_id, status: r.review_status ?? 'done', reasonText: reviewReasonText(r.detail ?? 'other', r.report_address, r.sent_address) }
        : null,
    })),
  };
}

/** Drops history lines older than the retention period for people (the retention settings). */
export async function pruneHistory(db: DbOrTx, now: Date): Promise<number> {
  const { peopleMonths } = await getRetentionSettings(db);
  const cutoff = addMonths(dutchDate(now), -peopleMonths);
  const res = await db.deleteFrom('inbox_history').where(sql<string>`substr(received_at, 1, 10)`, '<', cutoff).executeTakeFirst();
  return Number(res.numDeletedRows);
}

// ---------- the mailbox ----------

export interface ImapTarget extends ImapSettings {
  password: string | null;
  /** Microsoft 365: XOAUTH2 with this token instead of the password. */
  accessToken?: string;
  /** Local servers only (tests). */
  allowSelfSigned?: boolean;
}

export function imapTarget(s: ImapSettings, passwords: PasswordStore): ImapTarget {
  return { ...s, password: passwords.get(), allowSelfSigned: s.host === '127.0.0.1' || s.host === 'localhost' || s.host === '::1' };
}

export function imapClient(t: ImapTarget, extra: Partial<ImapFlowOptions> = {}): ImapFlow {
  const c = new ImapFlow({
    host: t.host, port: t.port, secure: t.security === 'tls', doSTARTTLS: t.security === 'starttls' ? true : t.security === 'none' ? false : undefined,
    auth: t.accessToken ? { user: t.user, accessToken: t.accessToken } : { user: t.user, pass: t.password ?? '' }, logger: false, tls: { rejectUnauthorized: !t.allowSelfSigned },
    connectionTimeout: 20_000, greetingTimeout: 15_000, socketTimeout: 120_000, ...extra,
  });
  c.on('error', () => {});
  return c;
}

async function ensureFolder(c: ImapFlow, folder: string): Promise<void> {
  const list = await c.list();
  if (list.some((f) => f.path === folder)) return;
  try {
    await c.mailboxCreate(folder);
  } catch (error) {
    if (!/already ?exists/i.test(String((error as { responseText?: string }).responseText ?? error))) throw error;
  }
}

export interface CheckOptions {
  batchSize?: number;
  /** Called after each message is recorded, before it is moved (tests stop here to simulate a crash). */
  afterRecord?: (result: ProcessResult) => void | Promise<void>;
}

/** Reads the watched folder; every message is acted on and recorded first, then moved to the processed folder. */
export async function checkMailbox(db: Db, env: () => Promise<InboxEnv>, t: ImapTarget, options: CheckOptions = {}): Promise<InboxCheckResult> {
  const result: InboxCheckResult = { seen: 0, processed: 0, duplicates: 0, byOutcome: {}, confirmationsSent: 0, confirmationsExpired: 0 };
  const c = imapClient(t);
  await c.connect();
  try {
    await ensureFolder(c, t.processedFolder);
    const lock = await c.getMailboxLock(t.folder);
    try {
      const uids = (await c.search({ all: true }, { uid: true })) || [];
      result.seen = uids.length;
      const batch = options.batchSize ?? 25;
      for (let i = 0; i < uids.length; i += batch) {
        const chunk = uids.slice(i, i + batch);
        const sources: { uid: number; source: Buffer; arrived: Date | null }[] = [];
        for await (const m of c.fetch(chunk.join(','), { uid: true, source: true, internalDate: true }, { uid: true })) {
          if (m.source) sources.push({ uid: m.uid, source: m.source, arrived: m.internalDate ? new Date(m.internalDate) : null });
        }
        for (const s of sources) {
          const r = await processMessage(db, await env(), s.source, s.arrived);
          if (r.outcome === 'duplicate') result.duplicates++;
          else {
            result.processed++;
            result.byOutcome[r.outcome] = (result.byOutcome[r.outcome] ?? 0) + 1;
          }
          await options.afterRecord?.(r);
          await c.messageMove(String(s.uid), t.processedFolder, { uid: true });
        }
      }
    } finally {
      lock.release();
    }
  } finally {
    await c.logout().catch(() => c.close());
  }
  return result;
}

/**
 * The same round through a MailboxReader (Microsoft Graph): every message is recorded first, then
 * moved to the processed folder; a message seen again is recognised and only moved.
 */
export async function checkMailboxReader(
  db: Db, env: () => Promise<InboxEnv>, reader: MailboxReader, folders: { folder: string; processedFolder: string }, options: CheckOptions = {},
): Promise<InboxCheckResult> {
  const result: InboxCheckResult = { seen: 0, processed: 0, duplicates: 0, byOutcome: {}, confirmationsSent: 0, confirmationsExpired: 0 };
  try {
    const messages = await reader.list(folders.folder);
    result.seen = messages.length;
    for (const m of messages) {
      const r = await processMessage(db, await env(), await reader.fetchRaw(folders.folder, m.id), m.receivedAt);
      if (r.outcome === 'duplicate') result.duplicates++;
      else {
        result.processed++;
        result.byOutcome[r.outcome] = (result.byOutcome[r.outcome] ?? 0) + 1;
      }
      await options.afterRecord?.(r);
      await reader.move(folders.folder, m.id, folders.processedFolder);
    }
  } finally {
    await reader.close();
  }
  return result;
}

export async function testImapConnection(t: ImapTarget): Promise<InboxConnectionResult> {
  const c = imapClient({ ...t });
  try {
    await c.connect();
    const status = await c.status(t.folder, { messages: true });
    const count = status ? status.messages ?? 0 : 0;
    await c.logout().catch(() => c.close());
    return {
      ok: true, detail: null,
      message: {
        nl: `Verbonden. De map "${t.folder}" bevat ${count} berichten.`, en: `Connected. The folder "${t.folder}" holds ${count} messages.`,
      },
    };
  } catch (error) {
    c.close();
    const e = error as { authenticationFailed?: boolean; code?: string; responseText?: string; message?: string };
    const detail = e.responseText ?? e.message ?? String(error);
    if (e.authenticationFailed) {
      return { ok: false, detail, message: { nl: 'De server weigerde de gebruikersnaam of het wachtwoord.', en: 'The server refused the user name or password.' } };
    }
    if (e.code === 'ENOTFOUND' || e.code === 'EAI_AGAIN') {
      return { ok: false, detail, message: { nl: 'De servernaam is niet gevonden.', en: 'The server name was not found.' } };
    }
    if (e.code === 'ECONNREFUSED' || e.code === 'ETIMEDOUT') {
      return { ok: false, detail, message: { nl: 'De server is niet bereikbaar op deze poort.', en: 'The server cannot be reached on this port.' } };
    }
    return { ok: false, detail, message: { nl: 'Verbinden met het postvak is mislukt.', en: 'Connecting to the mailbox failed.' } };
  }
}

// ---------- the review queue ----------

async function reviewViews(db: DbOrTx, ids: number[] | null, status: 'open' | 'done' | 'all'): Promise<ReviewItemView[]> {
  let q = db.selectFrom('inbox_review').leftJoin('people', 'people.id', 'inbox_review.person_id')
    .leftJoin('organisations', 'organisations.id', 'people.organisation_id')
    .selectAll('inbox_review').select([
      'people.first_name', 'people.last_name', 'people.id as pid', 'organisations.name as org',
      (eb) => eb.selectFrom('person_emails').select('email').whereRef('person_emails.person_id', '=', 'people.id')
        .orderBy('is_primary', 'desc').orderBy('id').limit(1).as('person_email'),
    ]);
  if (ids) q = q.where('inbox_review.id', 'in', ids.length ? ids : [-1]);
  if (status !== 'all') q = q.where('inbox_review.status', '=', status);
  const rows = await q.orderBy('inbox_review.created_at').orderBy('inbox_review.id').execute();
  const personIds = [...new Set(rows.map((r) => r.pid).filter((p): p is number => p !== null))];
  const subs = personIds.length
    ? await db.selectFrom('subscriptions').innerJoin('mailing_lists', 'mailing_lists.id', 'subscriptions.list_id')
      .select(['subscriptions.person_id', 'subscriptions.list_id', 'subscriptions.status', 'mailing_lists.name'])
      .where('subscriptions.person_id', 'in', personIds).orderBy('mailing_lists.name').execute()
    : [];
  return rows.map((r) => ({
    id: r.id, messageId: r.message_id, reason: r.reason, reasonText: reviewReasonText(r.reason, r.report_address, r.sent_address),
    fromAddress: r.from_address, reportAddress: r.report_address, sentAddress: r.sent_address,
    subject: r.subject, body: r.body, receivedAt: r.received_at, createdAt: r.created_at,
    person: r.pid !== null
      ? { id: r.pid, name: fullName(r.first_name ?? '', r.last_name ?? ''), organisation: r.org, email: r.person_email ?? null }
      : null,
    lists: subs.filter((s) => s.person_id === r.pid).map((s) => ({ listId: s.list_id, listName: s.name, status: s.status })),
    status: r.status, action: r.action as ReviewAction | null, requestId: r.request_id, handledBy: r.handled_by, handledAt: r.handled_at,
  }));
}

export function listReview(db: DbOrTx, status: 'open' | 'done' | 'all' = 'open'): Promise<ReviewItemView[]> {
  return reviewViews(db, null, status);
}

export interface ReviewActInput {
  id: number;
  action: ReviewAction;
  listId?: number;
  personId?: number;
  actor: string;
}

export async function actOnReview(db: DbOrTx, env: { hasher: AddressHasher; now: Date }, input: ReviewActInput): Promise<ReviewItemView> {
  return inTransaction(db, async (trx) => {
    const item = await trx.selectFrom('inbox_review').selectAll().where('id', '=', input.id).executeTakeFirst();
    if (!item) throw notFound({ nl: 'Bericht', en: 'Message' });
    if (item.status !== 'open') {
      throw new CommandError('already_handled', { nl: 'Dit bericht is al afgehandeld.', en: 'This message has already been handled.' });
    }
    const personId = input.personId ?? item.person_id;
    if (input.action !== 'ignore' && !personId) {
      throw new CommandError('person_required', {
        nl: 'Koppel het bericht eerst aan een persoon uit het register.', en: 'Link the message to a person from the register first.',
      });
    }
    const note = `Bericht ${item.message_id}`;
    // received_at is when the mailbox received the message (not the sender's Date: header).
    const received = item.received_at && item.received_at <= env.now.toISOString() ? item.received_at : undefined;
    const evidence = { channel: 'email' as const, note, evidenceMessageId: item.message_id, receivedAt: received, actor: input.actor };
    let requestId: number | null = null;
    if (input.action === 'unsubscribe_list') {
      if (!input.listId) throw new CommandError('list_required', { nl: 'Kies de verzendlijst.', en: 'Choose the mailing list.' });
      await unsubscribe(trx, env, { ...evidence, personId: personId!, listId: input.listId });
    } else if (input.action === 'unsubscribe_all') {
      await unsubscribe(trx, env, { ...evidence, personId: personId!, listId: null });
    } else if (input.action === 'erase_request') {
      const r = await createRequest(trx, {
        kind: 'erasure', personId: personId!, subjectName: null, subjectEmail: item.from_address, channel: 'email',
        receivedOn: dutchDate(received ? new Date(received) : env.now), notes: `${note}: ${item.subject}`.slice(0, 2000), actor: input.actor,
      }, env.now);
      requestId = r.id;
      // Whoever asks to be erased gets no further mail while the request runs.
      await unsubscribe(trx, env, { ...evidence, personId: personId!, listId: null, requestId });
    }
    await trx.updateTable('inbox_review').set({
      status: 'done', action: input.action, person_id: personId ?? null, request_id: requestId, handled_by: input.actor, handled_at: env.now.toISOString(),
    }).where('id', '=', item.id).execute();
    return (await reviewViews(trx, [item.id], 'all'))[0]!;
  });
}

export async function inboxSummary(db: DbOrTx, now: Date): Promise<InboxSummary> {
  const dayAgo = new Date(now.getTime() - 86_400_000).toISOString();
  const row = await db.selectFrom('inbox_review').where('status', '=', 'open')
    .select((eb) => [eb.fn.countAll<number>().as('open'), sql<number>`coalesce(sum(created_at < ${dayAgo}), 0)`.as('old')])
    .executeTakeFirstOrThrow();
  return { openReview: Number(row.open), openReviewOlderThan24h: Number(row.old) };
}
