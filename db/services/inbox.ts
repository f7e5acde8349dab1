import { createHash } from 'node:crypto';
import { ImapFlow, type ImapFlowOptions } from 'imapflow';
import { sql } from 'kysely';
import { inTransaction, type Db, type DbOrTx } from '../connection';
import { CLEARTEXT_REFUSED, isLoopbackHost, normaliseEmail } from '../text';
import { CommandError, notFound } from '../../electron/commands/errors';
import type {
  ImapSecurity, ImapSettings, InboxCheckResult, InboxConnectionResult, InboxSettingsInput, InboxSettingsView, InboxSummary, ReviewAction, ReviewItemView,
} from '../../electron/commands/inbox.contract';
import type { Messages } from '../../electron/commands/spec';
import { createRequest } from './avg-requests';
import { markConfirmed } from './confirmations';
import { appendEvent, confirm, unsubscribe } from './consent';
import { dutchDate } from './consent-model';
import { parseMessage, summarise, type ClassifiedMail, type OriginalRef } from './inbox-classify';
import type { UnsubscribeTokens } from './newsletter';
import { fullName } from './people';
import type { PasswordStore } from './smtp';
import type { AddressHasher } from './suppression';

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
  now: Date;
}

export const INBOX_ACTOR = 'Schakel (postvak)';
export const SOFT_BOUNCE_LIMIT = 3;

export type Outcome =
  | 'unsubscribed' | 'already_unsubscribed' | 'confirmed' | 'hard_bounce' | 'soft_bounce' | 'soft_bounce_suppressed' | 'complaint'
  | 'ignored' | 'review' | 'no_person';

export const REVIEW_REASONS: Record<string, Messages> = {
  other: { nl: 'Een bericht dat Schakel niet zelf kan afhandelen.', en: 'A message Schakel cannot handle by itself.' },
  invalid_token: {
    nl: 'Afmelding of bevestiging met een ongeldige of vervalste code: niets gedaan.', en: 'Unsubscribe or confirmation with an invalid or forged code: nothing done.',
  },
  not_pending: { nl: 'Bevestiging voor een aanmelding die niet (meer) wacht.', en: 'Confirmation for a sign-up that is not (or no longer) waiting.' },
  failed: { nl: 'Schakel kon dit bericht niet automatisch verwerken.', en: 'Schakel could not process this message automatically.' },
  unmatched_report: {
    nl: 'Bounce of klacht die niet aan een verzending te koppelen is.', en: 'Bounce or complaint that cannot be matched to a send.',
  },
};

interface Matched {
  rowId: number | null;
  jobId: number | null;
  email: string | null;
}

async function matchOriginal(trx: DbOrTx, o: OriginalRef): Promise<Matched | null> {
  if (o.recipientId) {
    const r = await trx.selectFrom('send_recipients').select(['id', 'job_id', 'email']).where('id', '=', o.recipientId).executeTakeFirst();
    if (r && (o.jobId === null || o.jobId === r.job_id)) return { rowId: r.id, jobId: r.job_id, email: r.email };
  }
  if (o.messageId) {
    const r = await trx.selectFrom('send_recipients').select(['id', 'job_id', 'email']).where('message_id', '=', o.messageId).executeTakeFirst();
    if (r) return { rowId: r.id, jobId: r.job_id, email: r.email };
  }
  return null;
}

async function ownerOf(trx: DbOrTx, email: string): Promise<number | null> {
  const r = await trx.selectFrom('person_emails').select('person_id').where('email_norm', '=', normaliseEmail(email)).executeTakeFirst();
  return r?.person_id ?? null;
}

async function suppressAddress(
  trx: DbOrTx, env: InboxEnv, email: string, reason: 'hard_bounce' | 'complaint', messageId: string, note: string | null, occurredAt: string,
): Promise<void> {
  await appendEvent(trx, {
    type: 'suppressed', personId: await ownerOf(trx, email), listId: null, occurredAt, actor: INBOX_ACTOR,
    source: reason === 'hard_bounce' ? 'bounce' : 'complaint', reason, note, evidenceMessageId: messageId,
    email: email.trim(), emailHmac: env.hasher.hash(email),
  }, env.now);
}

async function addReview(trx: DbOrTx, mail: ClassifiedMail, reason: string, now: Date): Promise<number> {
  const person = mail.from ? await ownerOf(trx, mail.from) : null;
  const { id } = await trx.insertInto('inbox_review').values({
    message_id: mail.messageId, reason, from_address: mail.from, subject: mail.subject.slice(0, 1000), body: mail.text,
    received_at: mail.date, person_id: person, action: null, request_id: null, handled_by: null, handled_at: null,
    created_at: now.toISOString(),
  }).returning('id').executeTakeFirstOrThrow();
  return id;
}

function verifyFirst(tokens: UnsubscribeTokens, candidates: readonly string[], purpose: 'unsubscribe' | 'confirm' = 'unsubscribe') {
  for (const t of candidates) {
    const v = purpose === 'confirm' ? tokens.verifyConfirm(t) : tokens.verify(t);
    if (v) return v;
  }
  return null;
}

async function act(trx: DbOrTx, env: InboxEnv, mail: ClassifiedMail): Promise<{ outcome: Outcome; reviewId: number | null }> {
  const c = mail.classification;
  const at = env.now.toISOString();
  const occurredAt = mail.date && mail.date <= at ? mail.date : at;
  const review = async (reason: string) => ({ outcome: 'review' as const, reviewId: await addReview(trx, mail, reason, env.now) });

  switch (c.kind) {
    case 'auto_reply':
      return { outcome: 'ignored', reviewId: null };

    case 'unsubscribe': {
      const v = verifyFirst(env.tokens, c.tokens);
      if (!v) return review('invalid_token');
      const person = await trx.selectFrom('people').select('id').where('id', '=', v.personId).executeTakeFirst();
      if (!person) return { outcome: 'no_person', reviewId: null };
      const sub = await trx.selectFrom('subscriptions').select('status').where('person_id', '=', v.personId).where('list_id', '=', v.listId).executeTakeFirst();
      if (!sub || sub.status === 'unsubscribed') return { outcome: 'already_unsubscribed', reviewId: null };
      const primary = await trx.selectFrom('person_emails').select('email').where('person_id', '=', v.personId).where('is_primary', '=', 1).executeTakeFirst();
      await appendEvent(trx, {
        type: 'unsubscribed', personId: v.personId, listId: v.listId, occurredAt, actor: INBOX_ACTOR, source: 'email',
        evidenceMessageId: mail.messageId, evidenceText: mail.subject.slice(0, 500), email: primary?.email ?? null,
        emailHmac: primary ? env.hasher.hash(primary.email) : null,
      }, env.now);
      return { outcome: 'unsubscribed', reviewId: null };
    }

    case 'confirm': {
      const v = verifyFirst(env.tokens, c.tokens, 'confirm');
      if (!v) return review('invalid_token');
      const sub = await trx.selectFrom('subscriptions').select('status').where('person_id', '=', v.personId).where('list_id', '=', v.listId).executeTakeFirst();
      if (sub?.status !== 'pending') return review('not_pending');
      await confirm(trx, { hasher: env.hasher, now: env.now }, {
        personId: v.personId, listId: v.listId, confirmedAt: occurredAt, method: 'email', evidenceMessageId: mail.messageId,
        evidenceText: mail.subject.slice(0, 500), actor: INBOX_ACTOR,
      });
      await markConfirmed(trx, v.personId, v.listId, mail.messageId, env.now);
      return { outcome: 'confirmed', reviewId: null };
    }

    case 'complaint': {
      const m = await matchOriginal(trx, c.original);
      const email = m?.email ?? c.original.recipient;
      if (!email) return review('unmatched_report');
      await suppressAddress(trx, env, email, 'complaint', mail.messageId, null, occurredAt);
      if (m?.rowId) await trx.updateTable('send_recipients').set({ detail: 'complaint', updated_at: at }).where('id', '=', m.rowId).execute();
      return { outcome: 'complaint', reviewId: null };
    }

    case 'bounce': {
      const m = await matchOriginal(trx, c.original);
      if (!m?.email) return review('unmatched_report');
      const hmac = env.hasher.hash(m.email);
      const detail = [c.status, c.diagnostic].filter(Boolean).join(' ').slice(0, 1000) || null;
      if (c.hard) {
        await suppressAddress(trx, env, m.email, 'hard_bounce', mail.messageId, detail, occurredAt);
        await trx.deleteFrom('inbox_soft_bounces').where('email_hmac', '=', hmac).execute();
        if (m.rowId) {
          await trx.updateTable('send_recipients').set({ state: 'failed', reason: 'hard_bounce', detail, updated_at: at }).where('id', '=', m.rowId).execute();
        }
        return { outcome: 'hard_bounce', reviewId: null };
      }
      const prev = await trx.selectFrom('inbox_soft_bounces').selectAll().where('email_hmac', '=', hmac).executeTakeFirst();
      let count = 1;
      if (prev) {
        if (m.jobId !== null && prev.last_job_id === m.jobId) count = prev.count;
        else {
          // A delivery in a job between the last soft bounce and this one breaks the row.
          const between = prev.last_job_id !== null && m.jobId !== null
            ? await trx.selectFrom('send_recipients').select('id').where(sql<string>`lower(email)`, '=', m.email.toLowerCase())
              .where('state', '=', 'sent').where('job_id', '>', prev.last_job_id).where('job_id', '<', m.jobId).executeTakeFirst()
            : undefined;
          count = between ? 1 : prev.count + 1;
        }
      }
      await trx.insertInto('inbox_soft_bounces').values({ email_hmac: hmac, count, last_job_id: m.jobId, updated_at: at })
        .onConflict((oc) => oc.column('email_hmac').doUpdateSet({ count, last_job_id: m.jobId, updated_at: at })).execute();
      if (m.rowId) await trx.updateTable('send_recipients').set({ detail: `soft_bounce ${detail ?? ''}`.trim(), updated_at: at }).where('id', '=', m.rowId).execute();
      if (count >= SOFT_BOUNCE_LIMIT) {
        await suppressAddress(trx, env, m.email, 'hard_bounce', mail.messageId, `${SOFT_BOUNCE_LIMIT} soft bounces in a row; ${detail ?? ''}`.trim(), occurredAt);
        return { outcome: 'soft_bounce_suppressed', reviewId: null };
      }
      return { outcome: 'soft_bounce', reviewId: null };
    }

    case 'other':
      return review('other');
  }
}

export interface ProcessResult {
  messageId: string;
  kind: string;
  outcome: Outcome | 'duplicate';
}

/** Classifies, acts and records in one transaction; a Message-ID seen before changes nothing. */
export async function processMessage(db: DbOrTx, env: InboxEnv, raw: Buffer): Promise<ProcessResult> {
  const fallback = `<sha256-${createHash('sha256').update(raw).digest('hex').slice(0, 40)}@schakel.invalid>`;
  let mail: ClassifiedMail;
  try {
    mail = summarise(await parseMessage(raw), fallback);
  } catch {
    mail = { messageId: fallback, from: null, subject: '', text: raw.toString('utf8').slice(0, 20_000), date: null, classification: { kind: 'other' } };
  }
  const record = (handle: (trx: DbOrTx) => Promise<{ outcome: Outcome; reviewId: number | null }>) => inTransaction(db, async (trx): Promise<ProcessResult> => {
    const seen = await trx.selectFrom('inbox_messages').select('outcome').where('message_id', '=', mail.messageId).executeTakeFirst();
    if (seen) return { messageId: mail.messageId, kind: mail.classification.kind, outcome: 'duplicate' };
    const { outcome, reviewId } = await handle(trx);
    await trx.insertInto('inbox_messages').values({
      message_id: mail.messageId, kind: mail.classification.kind, outcome, review_id: reviewId, processed_at: env.now.toISOString(),
    }).execute();
    return { messageId: mail.messageId, kind: mail.classification.kind, outcome };
  });
  try {
    return await record((trx) => act(trx, env, mail));
  } catch (error) {
    // A message the rules cannot act on (say, a list that no longer exists) goes to a person instead of blocking the rest.
    if (error instanceof CommandError) return record(async (trx) => ({ outcome: 'review', reviewId: await addReview(trx, mail, 'failed', env.now) }));
    throw error;
  }
}

// ---------- the mailbox ----------

export interface ImapTarget extends ImapSettings {
  password: string | null;
  /** Local servers only (tests). */
  allowSelfSigned?: boolean;
}

export function imapTarget(s: ImapSettings, passwords: PasswordStore): ImapTarget {
  return { ...s, password: passwords.get(), allowSelfSigned: s.host === '127.0.0.1' || s.host === 'localhost' || s.host === '::1' };
}

export function imapClient(t: ImapTarget, extra: Partial<ImapFlowOptions> = {}): ImapFlow {
  const c = new ImapFlow({
    host: t.host, port: t.port, secure: t.security === 'tls', doSTARTTLS: t.security === 'starttls' ? true : t.security === 'none' ? false : undefined,
    auth: { user: t.user, pass: t.password ?? '' }, logger: false, tls: { rejectUnauthorized: !t.allowSelfSigned },
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
        const sources: { uid: number; source: Buffer }[] = [];
        for await (const m of c.fetch(chunk.join(','), { uid: true, source: true }, { uid: true })) {
          if (m.source) sources.push({ uid: m.uid, source: m.source });
        }
        for (const s of sources) {
          const r = await processMessage(db, await env(), s.source);
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
    .selectAll('inbox_review').select(['people.first_name', 'people.last_name', 'people.id as pid']);
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
    id: r.id, messageId: r.message_id, reason: r.reason, reasonText: REVIEW_REASONS[r.reason] ?? REVIEW_REASONS.other!, fromAddress: r.from_address,
    subject: r.subject, body: r.body, receivedAt: r.received_at, createdAt: r.created_at,
    person: r.pid !== null ? { id: r.pid, name: fullName(r.first_name ?? '', r.last_name ?? '') } : null,
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
    const received = item.received_at && item.received_at <= env.now.toISOString() ? item.received_at : undefined;
    let requestId: number | null = null;
    if (input.action === 'unsubscribe_list') {
      if (!input.listId) throw new CommandError('list_required', { nl: 'Kies de verzendlijst.', en: 'Choose the mailing list.' });
      await unsubscribe(trx, env, { personId: personId!, listId: input.listId, channel: 'email', note, receivedAt: received, actor: input.actor });
    } else if (input.action === 'unsubscribe_all') {
      await unsubscribe(trx, env, { personId: personId!, listId: null, channel: 'email', note, receivedAt: received, actor: input.actor });
    } else if (input.action === 'erase_request') {
      const r = await createRequest(trx, {
        kind: 'erasure', personId: personId!, subjectName: null, subjectEmail: item.from_address, channel: 'email',
        receivedOn: dutchDate(received ? new Date(received) : env.now), notes: `${note}: ${item.subject}`.slice(0, 2000), actor: input.actor,
      }, env.now);
      requestId = r.id;
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
