import { randomBytes } from 'node:crypto';
import nodemailer from 'nodemailer';
import { inTransaction, type DbOrTx } from '../store/connection';
import { isValidEmail } from '../shared/text';
import { appendEvent } from './consent';
import { getNewsletterSettings, type UnsubscribeTokens } from '../newsletter/newsletter';
import { fullName } from '../register/people';
import { classifySmtpError, transportOptions, type SmtpErrorLike, type TransportTarget } from '../mail/smtp';
import type { AddressHasher } from './suppression';
import type { Messages } from '../shared/messages';
import type { Language } from '../shared/register';
import type { InboxStatus } from '../inbox/types';

export const CONFIRMATION_ACTOR = 'Schakel (postvak)';
/** Sends tried per sign-up before Schakel stops trying (the status keeps showing it). */
export const MAX_CONFIRMATION_ATTEMPTS = 3;
/** At most this many confirmation mails a minute (a bulk import of sign-ups is spread over several rounds). */
export const CONFIRMATIONS_PER_MINUTE = 20;
const DAY = 86_400_000;
const SOON_DAYS = 3;

export interface ConfirmationMail {
  from: { name: string; address: string };
  to: string;
  replyTo: string;
  subject: string;
  text: string;
  html: string;
  messageId: string;
  language: Language;
}

/** Delivers one mail; throws with the server's answer when it was refused. */
export type SendConfirmation = (mail: ConfirmationMail) => Promise<void>;

export function smtpSender(target: TransportTarget): { send: SendConfirmation; close(): void } {
  const transport = nodemailer.createTransport(transportOptions(target, { timeoutMs: 30_000 }));
  return {
    async send(m) {
      await transport.sendMail({
        from: m.from, to: m.to, replyTo: m.replyTo, subject: m.subject, text: m.text, html: m.html, messageId: m.messageId,
        headers: { 'Auto-Submitted': 'auto-generated', 'Content-Language': m.language },
      });
    },
    close: () => transport.close(),
  };
}

interface Pending {
  personId: number;
  listId: number;
  since: string;
  firstName: string;
  lastName: string;
  language: Language;
  email: string | null;
  listName: string;
  purpose: string | null;
  row: {
    status: 'sent' | 'failed' | 'confirmed' | 'expired'; attempts: number; sentAt: string | null; pendingSince: string | null; error: string | null;
  } | null;
}

/** Pending sign-ups on lists in use, with their confirmation row. */
async function pendingSignUps(db: DbOrTx): Promise<Pending[]> {
  const rows = await db.selectFrom('subscriptions as s')
    .innerJoin('mailing_lists as l', 'l.id', 's.list_id')
    .innerJoin('people as p', 'p.id', 's.person_id')
    .leftJoin('person_emails as e', (j) => j.onRef('e.person_id', '=', 's.person_id').on('e.is_primary', '=', 1))
    .leftJoin('confirmations as c', (j) => j.onRef('c.person_id', '=', 's.person_id').onRef('c.list_id', '=', 's.list_id'))
    .leftJoin('purpose_versions as pv', 'pv.id', 's.purpose_version_id')
    .select([
      's.person_id', 's.list_id', 's.since', 'p.first_name', 'p.last_name', 'p.language', 'e.email', 'l.name as list_name', 'pv.text as purpose',
      'c.status as c_status', 'c.attempts as c_attempts', 'c.sent_at as c_sent_at', 'c.pending_since as c_pending_since', 'c.error as c_error',
    ])
    .where('s.status', '=', 'pending').where('l.archived', '=', 0)
    .orderBy('s.since').orderBy('s.person_id').orderBy('s.list_id')
    .execute();
  const missingPurpose = [...new Set(rows.filter((r) => r.purpose === null).map((r) => r.list_id))];
  const latest = new Map<number, string>();
  for (const listId of missingPurpose) {
    const pv = await db.selectFrom('purpose_versions').select('text').where('list_id', '=', listId).orderBy('version', 'desc').limit(1).executeTakeFirst();
    if (pv) latest.set(listId, pv.text);
  }
  return rows.map((r) => ({
    personId: r.person_id, listId: r.list_id, since: r.since, firstName: r.first_name, lastName: r.last_name, language: r.language,
    email: r.email, listName: r.list_name, purpose: r.purpose ?? latest.get(r.list_id) ?? null,
    row: r.c_status ? {
      status: r.c_status, attempts: r.c_attempts ?? 0, sentAt: r.c_sent_at, pendingSince: r.c_pending_since, error: r.c_error,
    } : null,
  }));
}

/** The row belongs to this sign-up (not to an earlier one that ended). */
const current = (p: Pending) => p.row !== null && p.row.pendingSince === p.since;
const awaiting = (p: Pending) => current(p) && p.row!.status === 'sent' && p.row!.sentAt !== null;
const expiresAt = (sentAt: string, days: number) => new Date(Date.parse(sentAt) + days * DAY).toISOString();

async function suppressedHmacs(db: DbOrTx, hmacs: string[]): Promise<Set<string>> {
  const out = new Set<string>();
  for (let i = 0; i < hmacs.length; i += 500) {
    const rows = await db.selectFrom('suppressions').select('email_hmac').where('email_hmac', 'in', hmacs.slice(i, i + 500)).execute();
    for (const r of rows) out.add(r.email_hmac);
  }
  return out;
}

/** Sign-ups that need a confirmation mail (none yet, or the last try failed). */
async function unsent(db: DbOrTx, hasher: AddressHasher, all: Pending[]): Promise<Pending[]> {
  const candidates = all.filter((p) => p.email && !awaiting(p) && !(current(p) && (p.row!.status === 'confirmed' || p.row!.status === 'expired')));
  const suppressed = await suppressedHmacs(db, candidates.map((p) => hasher.hash(p.email!)));
  return candidates.filter((p) => !suppressed.has(hasher.hash(p.email!)));
}

export type ConfirmationCounts = InboxStatus['confirmations'];

export async function confirmationCounts(db: DbOrTx, hasher: AddressHasher, now: Date, days: number, mailboxReady: boolean): Promise<ConfirmationCounts> {
  const all = await pendingSignUps(db);
  const todo = await unsent(db, hasher, all);
  const soon = now.getTime() + SOON_DAYS * DAY;
  const waiting = all.filter(awaiting);
  const failed = todo.filter((p) => current(p) && p.row!.status === 'failed');
  const lastFailure = failed.find((p) => p.row!.error)?.row!.error ?? null;
  let problem: Messages | null = null;
  if (todo.length && !mailboxReady) {
    problem = {
      nl: 'Bevestigingsmails gaan pas uit als het postvak is ingesteld: anders kan Schakel de antwoorden niet lezen.',
      en: 'Confirmation mails go out only once the mailbox is set up: otherwise Schakel cannot read the replies.',
    };
  } else if (failed.length) {
    problem = {
      nl: `${failed.length} bevestigingsmail(s) konden niet worden verstuurd${failed.some((p) => p.row!.attempts >= MAX_CONFIRMATION_ATTEMPTS) ? '; Schakel probeert het niet meer automatisch' : '; Schakel probeert het opnieuw'}. ${lastFailure ?? ''}`.trim(),
      en: `${failed.length} confirmation mail(s) could not be sent${failed.some((p) => p.row!.attempts >= MAX_CONFIRMATION_ATTEMPTS) ? '; Schakel no longer retries automatically' : '; Schakel will try again'}. ${lastFailure ?? ''}`.trim(),
    };
  }
  return {
    unsent: todo.length,
    awaiting: waiting.length,
    expiringSoon: waiting.filter((p) => Date.parse(expiresAt(p.row!.sentAt!, days)) <= soon).length,
    failed: failed.length,
    problem,
  };
}

// ---------- the mail ----------

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

export function confirmationSubject(language: Language, listName: string, token: string): string {
  return language === 'en' ? `Confirm your subscription to ${listName} ${token}` : `Bevestig uw aanmelding voor ${listName} ${token}`;
}

export function composeConfirmation(input: {
  language: Language; name: string; email: string; listName: string; purpose: string | null; token: string; days: number;
  senderName: string; senderEmail: string; replyAddress: string; messageId: string;
}): ConfirmationMail {
  const en = input.language === 'en';
  const subject = confirmationSubject(input.language, input.listName, input.token);
  const mailto = `mailto:${input.replyAddress}?subject=${encodeURIComponent(subject)}`;
  const greeting = en ? `Dear ${input.name || 'reader'},` : `Beste ${input.name || 'lezer'},`;
  const intro = en
    ? `You (or someone using your address) signed up for "${input.listName}". Please confirm that you want to receive it: reply to this e-mail, or use the button below. Keep the code in the subject line.`
    : `U (of iemand met uw adres) heeft zich aangemeld voor "${input.listName}". Bevestig dat u deze wilt ontvangen: beantwoord deze e-mail, of gebruik de knop hieronder. Laat de code in de onderwerpregel staan.`;
  const purposeLabel = en ? 'What you will receive:' : 'Wat u ontvangt:';
  const button = en ? 'Confirm by e-mail' : 'Bevestigen per e-mail';
  const nothing = en
    ? `If you do nothing, the sign-up expires after ${input.days} days and you will not receive anything from us.`
    : `Doet u niets, dan vervalt de aanmelding na ${input.days} dagen en ontvangt u niets van ons.`;
  const closing = en ? 'Kind regards,' : 'Met vriendelijke groet,';
  const text = [
    greeting, '', intro, '', ...(input.purpose ? [purposeLabel, input.purpose, ''] : []),
    `${button}: ${mailto}`, '', nothing, '', closing, input.senderName,
  ].join('\n');
  const html = `<!doctype html><html lang="${input.language}"><body style="font-family:Arial,sans-serif;font-size:15px;line-height:1.5;color:#1f2933">
<p>${escapeHtml(greeting)}</p>
<p>${escapeHtml(intro)}</p>
${input.purpose ? `<p><strong>${escapeHtml(purposeLabel)}</strong><br>${escapeHtml(input.purpose).replace(/\n/g, '<br>')}</p>` : ''}
<p><a href="${escapeHtml(mailto)}" style="display:inline-block;padding:10px 18px;background:#1d4f91;color:#ffffff;text-decoration:none;border-radius:4px">${escapeHtml(button)}</a></p>
<p>${escapeHtml(nothing)}</p>
<p>${escapeHtml(closing)}<br>${escapeHtml(input.senderName)}</p>
</body></html>`;
  return {
    from: { name: input.senderName, address: input.senderEmail }, to: input.email, replyTo: input.replyAddress, subject, text, html,
    messageId: input.messageId, language: input.language,
  };
}

// ---------- a round ----------

export interface ConfirmationEnv {
  hasher: AddressHasher;
  tokens: UnsubscribeTokens;
  now: Date;
  days: number;
}

export interface ConfirmationRound {
  sent: number;
  expired: number;
  failed: number;
  /** Why nothing could be sent, when that was the case. */
  blocked: Messages | null;
}

function domainOf(address: string): string {
  return address.split('@')[1] ?? 'schakel.invalid';
}

/** Ends pending sign-ups whose confirmation mail went out more than `days` ago. */
export async function expireConfirmations(db: DbOrTx, env: ConfirmationEnv): Promise<number> {
  const cutoff = env.now.getTime() - env.days * DAY;
  const due = (await pendingSignUps(db)).filter((p) => awaiting(p) && Date.parse(p.row!.sentAt!) <= cutoff);
  let expired = 0;
  for (const p of due) {
    const done = await inTransaction(db, async (trx) => {
      const sub = await trx.selectFrom('subscriptions').select(['status', 'since']).where('person_id', '=', p.personId).where('list_id', '=', p.listId).executeTakeFirst();
      if (sub?.status !== 'pending' || sub.since !== p.since) return false;
      const at = env.now.toISOString();
      await appendEvent(trx, {
        type: 'unsubscribed', personId: p.personId, listId: p.listId, occurredAt: at, actor: CONFIRMATION_ACTOR, source: 'confirmation_expired',
        note: `Aanmelding niet bevestigd binnen ${env.days} dagen; verlopen. (Not confirmed within ${env.days} days; expired.)`,
        email: p.email, emailHmac: p.email ? env.hasher.hash(p.email) : null,
      }, env.now);
      await trx.updateTable('confirmations').set({ status: 'expired', updated_at: at })
        .where('person_id', '=', p.personId).where('list_id', '=', p.listId).execute();
      return true;
    });
    if (done) expired++;
  }
  return expired;
}

/** Sends a confirmation mail for every pending sign-up that has none yet; failures are recorded and tried again next round. */
export async function sendConfirmations(db: DbOrTx, env: ConfirmationEnv, send: SendConfirmation): Promise<ConfirmationRound> {
  const result: ConfirmationRound = { sent: 0, expired: 0, failed: 0, blocked: null };
  const recent = await db.selectFrom('confirmations').select((eb) => eb.fn.countAll<number>().as('n'))
    .where('updated_at', '>', new Date(env.now.getTime() - 60_000).toISOString()).where('status', 'in', ['sent', 'failed']).executeTakeFirstOrThrow();
  const room = Math.max(0, CONFIRMATIONS_PER_MINUTE - Number(recent.n));
  const todo = (await unsent(db, env.hasher, await pendingSignUps(db)))
    .filter((p) => !(current(p) && p.row!.status === 'failed' && p.row!.attempts >= MAX_CONFIRMATION_ATTEMPTS))
    .slice(0, room);
  if (!todo.length) return result;
  const s = await getNewsletterSettings(db);
  if (!isValidEmail(s.senderEmail) || !isValidEmail(s.unsubscribeAddress)) {
    result.blocked = {
      nl: 'Bevestigingsmails wachten: vul bij de nieuwsbriefinstellingen het afzenderadres en het adres voor afmeldingen in.',
      en: 'Confirmation mails are waiting: fill in the sender address and the unsubscribe address in the newsletter settings.',
    };
    return result;
  }
  for (const p of todo) {
    const at = env.now.toISOString();
    const attempts = current(p) ? p.row!.attempts : 0;
    const messageId = `<confirm.${p.personId}.${p.listId}.${randomBytes(6).toString('hex')}@${domainOf(s.senderEmail)}>`;
    const mail = composeConfirmation({
      language: p.language, name: fullName(p.firstName, p.lastName), email: p.email!, listName: p.listName, purpose: p.purpose,
      token: env.tokens.signConfirm(p.personId, p.listId), days: env.days, senderName: s.senderName || s.senderEmail, senderEmail: s.senderEmail,
      replyAddress: s.unsubscribeAddress, messageId,
    });
    let error: string | null = null;
    let stop = false;
    let counts = true;
    try {
      await send(mail);
    } catch (e) {
      const x = e as SmtpErrorLike;
      error = String(x.response ?? x.message ?? x.code ?? e).slice(0, 500);
      const kind = classifySmtpError(x);
      // The account or the connection is at fault, not this mail: it does not use up a try, and the rest waits for the next round.
      if (kind.kind === 'account' || (kind.kind === 'retry' && kind.connection)) {
        counts = false;
        stop = true;
      }
    }
    const values = {
      email_hmac: env.hasher.hash(p.email!), message_id: error ? null : messageId, status: error ? 'failed' as const : 'sent' as const, error,
      attempts: attempts + (counts ? 1 : 0), sent_at: error ? null : at, expires_at: error ? null : expiresAt(at, env.days), evidence_message_id: null,
      pending_since: p.since, updated_at: at,
    };
    await db.insertInto('confirmations').values({ person_id: p.personId, list_id: p.listId, ...values })
      .onConflict((oc) => oc.columns(['person_id', 'list_id']).doUpdateSet(values)).execute();
    if (error) result.failed++;
    else result.sent++;
    if (stop) break;
  }
  return result;
}

/** After a valid reply: the row shows which message confirmed it. */
export async function markConfirmed(trx: DbOrTx, personId: number, listId: number, messageId: string, now: Date): Promise<void> {
  await trx.updateTable('confirmations').set({ status: 'confirmed', evidence_message_id: messageId, updated_at: now.toISOString() })
    .where('person_id', '=', personId).where('list_id', '=', listId).execute();
}
