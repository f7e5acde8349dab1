import { sql } from 'kysely';
import { inTransaction, type DbOrTx } from '../store/connection';
import type { SendJobRow } from '../store/schema';
import { CommandError, notFound } from '../shared/errors';
import { loadEdition, parseContent } from '../newsletter/editions';
import { contentOf, getNewsletterSettings, markEditionSent, type UnsubscribeTokens } from '../newsletter/newsletter';
import { resolveAudience } from '../newsletter/audience';
import { fullName } from '../register/people';
import { ACCOUNT_FAULT_TEXT, type AccountFault } from '../mail/smtp';
import type { AddressHasher } from '../consent/suppression';
import { isValidEmail } from '../shared/text';
import { TEST_MAILBOX_NOTICE } from '../mail/test-mailbox';
import type { Messages } from '../shared/messages';
import type { Language } from '../shared/register';
import type { SendRecipientState } from '../shared/status';
import type { PacingLimits, SendJobCounts, SendJobDetail, SendJobSummary, SendRecipientView } from './types';
import type { Audience, EditionContent } from '../shared/newsletter';

export interface OutboxEnv {
  hasher: AddressHasher;
  tokens: UnsubscribeTokens;
  now: Date;
}

export const REASON_TEXT: Record<string, Messages> = {
  unsubscribed: { nl: 'Afgemeld voor deze verzendlijst.', en: 'Unsubscribed from this mailing list.' },
  pending: { nl: 'Aanmelding nog niet bevestigd.', en: 'Sign-up not yet confirmed.' },
  not_subscribed: { nl: 'Niet (meer) aangemeld: geen grondslag om te mailen.', en: 'Not (or no longer) subscribed: no lawful basis to mail.' },
  suppressed: { nl: 'Staat op de afmeldlijst (blokkade).', en: 'On the suppression list.' },
  no_address: { nl: 'Geen (hoofd)e-mailadres.', en: 'No (primary) e-mail address.' },
  list_archived: { nl: 'De verzendlijst is gearchiveerd.', en: 'The mailing list is archived.' },
  erased: { nl: 'De persoon is niet meer in het register.', en: 'The person is no longer in the register.' },
  hard_bounce: { nl: 'Het adres bestaat niet (harde bounce); het staat nu op de afmeldlijst.', en: 'The address does not exist (hard bounce); it is now on the suppression list.' },
  refused: { nl: 'De ontvangende server weigerde de mail.', en: 'The receiving server refused the message.' },
  retries_exhausted: { nl: 'Na meerdere pogingen niet afgeleverd.', en: 'Not delivered after several attempts.' },
  interrupted: {
    nl: 'Onbekend of deze mail is aangekomen: Schakel werd onderbroken tijdens het versturen. Kies: opnieuw versturen of als verstuurd markeren.',
    en: 'Unknown whether this message arrived: Schakel was interrupted while sending it. Choose: send again, or mark as sent.',
  },
  no_reply: {
    nl: 'Onbekend of deze mail is aangekomen: de verbinding viel weg nadat de mail helemaal was verzonden, voordat de server antwoordde. Kies: opnieuw versturen of als verstuurd markeren.',
    en: 'Unknown whether this message arrived: the connection was lost after the whole message was sent, before the server answered. Choose: send again, or mark as sent.',
  },
  temporary: { nl: 'Tijdelijke fout; er volgt een nieuwe poging.', en: 'Temporary error; it will be tried again.' },
  cancelled: { nl: 'Verzending geannuleerd.', en: 'Sending cancelled.' },
  marked_sent: { nl: 'Door een medewerker als verstuurd gemarkeerd.', en: 'Marked as sent by staff.' },
};

// ---------- who gets the edition, and who is skipped (with the reason) ----------

export interface Candidate {
  personId: number;
  email: string;
  name: string;
  language: Language;
  listId: number | null;
  state: 'queued' | 'skipped';
  reason: string | null;
}

/**
 * Everyone the audience names (any subscription state on its lists): the ones resolveAudience allows are queued,
 * the others are recorded as skipped with the first reason that blocks them.
 */
export async function classifyAudience(db: DbOrTx, hasher: AddressHasher, audience: Audience, only?: ReadonlySet<number>): Promise<Candidate[]> {
  if (!audience.listIds.length) return [];
  const allowed = new Map((await resolveAudience(db, hasher, audience)).map((r) => [r.personId, r]));
  let q = db.selectFrom('subscriptions as s')
    .innerJoin('mailing_lists as l', 'l.id', 's.list_id')
    .innerJoin('people as p', 'p.id', 's.person_id')
    .leftJoin('person_emails as e', (j) => j.onRef('e.person_id', '=', 'p.id').on('e.is_primary', '=', 1))
    .leftJoin('organisations as o', 'o.id', 'p.organisation_id')
    .where('s.list_id', 'in', audience.listIds);
  if (audience.organisationKinds.length) q = q.where('o.kind', 'in', audience.organisationKinds);
  if (audience.regions.length) q = q.where('o.region', 'in', audience.regions);
  if (audience.tags.length) {
    const tags = audience.tags;
    q = q.where('p.id', 'in', (eb) => eb.selectFrom('person_tags').select('person_id').where('tag', 'in', tags));
  }
  if (audience.pilotIds.length) {
    const pilots = audience.pilotIds;
    q = q.where((eb) => eb.or([
      eb('p.id', 'in', eb.selectFrom('pilot_people').select('person_id').where('pilot_id', 'in', pilots)),
      eb('p.organisation_id', 'in', eb.selectFrom('pilot_organisations').select('organisation_id').where('pilot_id', 'in', pilots)),
    ]));
  }
  const rows = await q.select(['p.id', 'p.first_name', 'p.last_name', 'p.language', 'e.email', 'e.email_norm', 's.status', 'l.archived', 'l.id as list_id'])
    .orderBy('p.sort_key').orderBy('p.id').orderBy('l.id').execute();
  const suppressed = new Set((await db.selectFrom('suppressions').select('email_hmac').execute()).map((r) => r.email_hmac));
  const out: Candidate[] = [];
  const rank = ['list_archived', 'unsubscribed', 'pending'];
  let i = 0;
  while (i < rows.length) {
    const first = rows[i]!;
    let j = i;
    let best: string | null = null;
    while (j < rows.length && rows[j]!.id === first.id) {
      const r = rows[j]!;
      const why = r.archived ? 'list_archived' : r.status === 'subscribed' ? null : r.status;
      if (why && (!best || rank.indexOf(why) > rank.indexOf(best))) best = why;
      j++;
    }
    i = j;
    if (only && !only.has(first.id)) continue;
    const ok = allowed.get(first.id);
    const base = { personId: first.id, name: fullName(first.first_name, first.last_name), language: first.language };
    if (ok) {
      out.push({ ...base, email: ok.email, listId: ok.listId, state: 'queued', reason: null });
      continue;
    }
    let reason = best ?? 'not_subscribed';
    if (!first.email) reason = 'no_address';
    else if (suppressed.has(hasher.hashNormalised(first.email_norm!))) reason = 'suppressed';
    out.push({ ...base, email: first.email ?? '', listId: null, state: 'skipped', reason });
  }
  return out;
}

async function insertRecipients(trx: DbOrTx, jobId: number, candidates: readonly Candidate[], at: string): Promise<void> {
  for (let i = 0; i < candidates.length; i += 500) {
    await trx.insertInto('send_recipients').values(candidates.slice(i, i + 500).map((c) => ({
      job_id: jobId, person_id: c.personId, list_id: c.listId, email: c.email, name: c.name, language: c.language,
      state: c.state, reason: c.reason, updated_at: at,
    }))).execute();
  }
}

// ---------- jobs ----------

export interface CreateJobInput {
  editionId: number;
  scheduledAt?: string | null;
  mailbox: 'test' | 'smtp';
}

/** Freezes the edition (marks it sent), resolves the audience and checks consent now, one row per person. */
export async function createJob(db: DbOrTx, env: OutboxEnv, input: CreateJobInput): Promise<number> {
  const scheduled = input.scheduledAt ? new Date(input.scheduledAt) : null;
  if (scheduled && Number.isNaN(scheduled.getTime())) throw new CommandError('invalid_date', { nl: 'Ongeldig tijdstip.', en: 'Invalid date and time.' });
  return inTransaction(db, async (trx) => {
    const row = await loadEdition(trx, input.editionId);
    if (row.status !== 'ready') {
      throw new CommandError('not_ready', {
        nl: row.sent_at ? 'Deze editie is al verstuurd. Gebruik "opnieuw versturen naar mislukte" bij de verzending.' : 'Zet de editie eerst op "klaar" (de controlelijst moet in orde zijn).',
        en: row.sent_at ? 'This edition has already been sent. Use "resend to failed" on the send job.' : 'Mark the edition as ready first (the checklist must pass).',
      });
    }
    await markEditionSent(trx, env, input.editionId);
    const at = env.now.toISOString();
    const future = scheduled && scheduled.getTime() > env.now.getTime();
    const job = await trx.insertInto('send_jobs').values({
      edition_id: input.editionId, parent_job_id: null, mailbox: input.mailbox, status: future ? 'scheduled' : 'running',
      scheduled_at: scheduled ? scheduled.toISOString() : null, pause_reason: null, pause_detail: null, created_at: at,
      started_at: future ? null : at, finished_at: null, updated_at: at,
    }).returning('id').executeTakeFirstOrThrow();
    await insertRecipients(trx, job.id, await classifyAudience(trx, env.hasher, parseContent(row).audience), at);
    return job.id;
  });
}

// ---------- test sends: typed addresses, the content as it is now ----------

/** What a test job sends: kept with the job. The "view as" person by id only, so erasure leaves no personal data here. */
export interface TestPayload {
  content: EditionContent;
  languages: Language[];
  personId: number | null;
}

export interface CreateTestJobInput {
  editionId: number;
  draft?: EditionContent | null;
  addresses: readonly string[];
  languages: readonly Language[];
  personId?: number | null;
  mailbox: 'test' | 'smtp';
}

/**
 * A test send as a job in the outbox: one row per address and language, no person or list. The edition need not be
 * ready and stays as it is. An address on the suppression list is skipped, even for a test.
 */
export async function createTestJob(db: DbOrTx, env: OutboxEnv, input: CreateTestJobInput): Promise<{ jobId: number; addresses: number; queued: number; skipped: number }> {
  const issues = input.addresses.flatMap((a, i) => (isValidEmail(a) ? [] : [{
    path: `addresses.${i}`, message: { nl: `"${a}" is geen geldig e-mailadres.`, en: `"${a}" is not a valid e-mail address.` },
  }]));
  if (issues.length) {
    throw new CommandError('invalid_address', { nl: `Er is niets verstuurd. ${issues[0]!.message.nl}`, en: `Nothing was sent. ${issues[0]!.message.en}` }, issues);
  }
  const settings = await getNewsletterSettings(db);
  if (!isValidEmail(settings.senderEmail)) {
    throw new CommandError('sender_missing', {
      nl: 'Vul eerst het e-mailadres van de afzender in bij de instellingen van de nieuwsbrief.',
      en: "Fill in the sender's e-mail address in the newsletter settings first.",
    }, [{ path: 'settings.senderEmail', message: { nl: 'Afzenderadres ontbreekt.', en: 'Sender address missing.' } }]);
  }
  const seen = new Set<string>();
  const addresses = input.addresses.map((a) => a.trim()).filter((a) => {
    const key = a.toLowerCase();
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  const languages = (['nl', 'en'] as const).filter((l) => input.languages.includes(l));
  if (!languages.length) {
    throw new CommandError('no_language', { nl: 'Kies minstens één taal.', en: 'Choose at least one language.' });
  }
  return inTransaction(db, async (trx) => {
    const content = await contentOf(trx, input.editionId, input.draft);
    if (input.personId) {
      const p = await trx.selectFrom('people').select('id').where('id', '=', input.personId).executeTakeFirst();
      if (!p) throw notFound({ nl: 'Persoon', en: 'Person' });
    }
    const payload: TestPayload = { content, languages, personId: input.personId ?? null };
    const at = env.now.toISOString();
    const job = await trx.insertInto('send_jobs').values({
      edition_id: input.editionId, parent_job_id: null, mailbox: input.mailbox, status: 'running', scheduled_at: null, pause_reason: null,
      pause_detail: null, created_at: at, started_at: at, finished_at: null, updated_at: at, kind: 'test', test_payload: JSON.stringify(payload),
    }).returning('id').executeTakeFirstOrThrow();
    const hashes = addresses.map((a) => env.hasher.hash(a));
    const suppressed = new Set((await trx.selectFrom('suppressions').select('email_hmac').where('email_hmac', 'in', hashes).execute()).map((r) => r.email_hmac));
    const rows = languages.flatMap((language) => addresses.map((email, i) => ({
      job_id: job.id, person_id: null, list_id: null, email, name: '', language,
      state: suppressed.has(hashes[i]!) ? 'skipped' as const : 'queued' as const, reason: suppressed.has(hashes[i]!) ? 'suppressed' : null, updated_at: at,
    })));
    await trx.insertInto('send_recipients').values(rows).execute();
    const skipped = rows.filter((r) => r.state === 'skipped').length;
    return { jobId: job.id, addresses: addresses.length, queued: rows.length - skipped, skipped };
  });
}

export function parseTestPayload(job: Pick<SendJobRow, 'test_payload'>): TestPayload {
  return JSON.parse(job.test_payload ?? 'null') as TestPayload;
}

/** What staff see after asking for a test send. */
export function testQueuedMessage(r: { addresses: number; queued: number; skipped: number }, mailbox: 'test' | 'smtp'): Messages {
  const { addresses } = r;
  const via = mailbox === 'smtp'
    ? { nl: 'via het ingestelde mailaccount', en: 'through the configured mail account' }
    : { nl: 'naar het ingebouwde testpostvak (er is nog geen mailaccount ingesteld, dus niets gaat echt de deur uit)', en: 'to the built-in test mailbox (no mail account is set up yet, so nothing really leaves)' };
  const mails = { nl: r.queued === 1 ? '1 testmail' : `${r.queued} testmails`, en: r.queued === 1 ? '1 test mail' : `${r.queued} test mails` };
  const to = { nl: addresses === 1 ? '1 adres' : `${addresses} adressen`, en: addresses === 1 ? '1 address' : `${addresses} addresses` };
  const skipped = r.skipped
    ? { nl: ` ${r.skipped} ${r.skipped === 1 ? 'mail wordt' : 'mails worden'} overgeslagen: het adres staat op de afmeldlijst.`, en: ` ${r.skipped} ${r.skipped === 1 ? 'mail is' : 'mails are'} skipped: the address is on the suppression list.` }
    : { nl: '', en: '' };
  return {
    nl: `${mails.nl} naar ${to.nl} in de wachtrij gezet, ${via.nl}.${skipped.nl} Het resultaat zie je hieronder en bij Verzendingen.`,
    en: `${mails.en} to ${to.en} queued, ${via.en}.${skipped.en} The result shows below and under Sending.`,
  };
}

export async function loadJob(db: DbOrTx, id: number): Promise<SendJobRow> {
  const job = await db.selectFrom('send_jobs').selectAll().where('id', '=', id).executeTakeFirst();
  if (!job) throw notFound({ nl: 'Verzending', en: 'Send job' });
  return job;
}

/** "Resend to failed": a follow-up job for just those recipients, with consent checked again. */
export async function resendFailed(db: DbOrTx, env: OutboxEnv, jobId: number, mailbox: 'test' | 'smtp'): Promise<number> {
  return inTransaction(db, async (trx) => {
    const parent = await loadJob(trx, jobId);
    if (parent.kind === 'test') {
      throw new CommandError('test_job', {
        nl: 'Een testmail wordt niet opnieuw verstuurd. Stuur een nieuwe testmail vanuit de editie.',
        en: 'A test mail is not resent. Send a new test mail from the edition.',
      });
    }
    const failed = await resendableRows(trx, [jobId]).select(['r.person_id', 'r.email', 'r.name', 'r.language']).execute();
    if (!failed.length) {
      throw new CommandError('nothing_failed', {
        nl: 'Er zijn geen mislukte ontvangers om opnieuw naar te versturen (adressen die niet bestaan, harde bounces, worden niet opnieuw geprobeerd).',
        en: 'There are no failed recipients to resend to (addresses that do not exist, hard bounces, are not tried again).',
      });
    }
    const edition = await loadEdition(trx, parent.edition_id);
    const at = env.now.toISOString();
    const job = await trx.insertInto('send_jobs').values({
      edition_id: parent.edition_id, parent_job_id: parent.id, mailbox, status: 'running', scheduled_at: null, pause_reason: null,
      pause_detail: null, created_at: at, started_at: at, finished_at: null, updated_at: at,
    }).returning('id').executeTakeFirstOrThrow();
    const only = new Set(failed.map((f) => f.person_id!));
    const candidates = await classifyAudience(trx, env.hasher, parseContent(edition).audience, only);
    const found = new Set(candidates.map((c) => c.personId));
    for (const g of failed) {
      if (g.person_id && !found.has(g.person_id)) {
        candidates.push({ personId: g.person_id, email: g.email, name: g.name, language: g.language, listId: null, state: 'skipped', reason: 'not_subscribed' });
      }
    }
    await insertRecipients(trx, job.id, candidates, at);
    return job.id;
  });
}

const ACTIVE: SendJobRow['status'][] = ['scheduled', 'due', 'running', 'paused'];

export async function setJobStatus(db: DbOrTx, id: number, action: 'pause' | 'resume' | 'cancel', now: Date): Promise<void> {
  await inTransaction(db, async (trx) => {
    const job = await loadJob(trx, id);
    const at = now.toISOString();
    if (!ACTIVE.includes(job.status)) {
      throw new CommandError('job_finished', { nl: 'Deze verzending is al afgerond of geannuleerd.', en: 'This send job has already finished or been cancelled.' });
    }
    if (action === 'pause') {
      await trx.updateTable('send_jobs').set({ status: 'paused', pause_reason: 'user', pause_detail: null, updated_at: at }).where('id', '=', id).execute();
    } else if (action === 'resume') {
      await trx.updateTable('send_jobs').set({ status: 'running', pause_reason: null, pause_detail: null, started_at: job.started_at ?? at, updated_at: at })
        .where('id', '=', id).execute();
      // Waiting retries go at once after a resume.
      await trx.updateTable('send_recipients').set({ next_attempt_at: null }).where('job_id', '=', id).where('state', '=', 'retry').execute();
    } else {
      await trx.updateTable('send_jobs').set({ status: 'cancelled', finished_at: at, updated_at: at }).where('id', '=', id).execute();
      await trx.updateTable('send_recipients').set({ state: 'cancelled', reason: 'cancelled', updated_at: at })
        .where('job_id', '=', id).where('state', 'in', ['queued', 'retry']).execute();
    }
  });
}

/** For a person to decide about messages whose outcome is unknown. */
export async function resolveUncertain(db: DbOrTx, jobId: number, action: 'resend' | 'markSent', ids: readonly number[] | null, now: Date): Promise<number> {
  return inTransaction(db, async (trx) => {
    const job = await loadJob(trx, jobId);
    const at = now.toISOString();
    let q = trx.selectFrom('send_recipients').select(['id', 'person_id', 'language']).where('job_id', '=', jobId).where('state', '=', 'uncertain');
    if (ids) q = q.where('id', 'in', ids.length ? ids : [-1]);
    const rows = await q.execute();
    if (!rows.length) return 0;
    const rowIds = rows.map((r) => r.id);
    for (let i = 0; i < rowIds.length; i += 500) {
      const chunk = rowIds.slice(i, i + 500);
      if (action === 'resend') {
        await trx.updateTable('send_recipients').set({ state: 'queued', reason: null, next_attempt_at: null, updated_at: at }).where('id', 'in', chunk).execute();
      } else {
        await trx.updateTable('send_recipients').set({ state: 'sent', reason: 'marked_sent', sent_at: at, updated_at: at }).where('id', 'in', chunk).execute();
      }
    }
    if (action === 'resend' && (job.status === 'done' || job.status === 'cancelled')) {
      await trx.updateTable('send_jobs').set({ status: 'running', finished_at: null, updated_at: at }).where('id', '=', jobId).execute();
    }
    if (action === 'markSent' && job.kind === 'edition') {
      const edition = await loadEdition(trx, job.edition_id);
      await logSent(trx, rows.filter((r) => r.person_id !== null).map((r) => r.person_id!), edition.number, job.mailbox, at);
    }
    return rows.length;
  });
}

/** After a start: what was being sent when Schakel stopped is uncertain; scheduled jobs that became due ask first. */
export async function recoverOutbox(db: DbOrTx, now: Date): Promise<{ uncertain: number; due: number }> {
  return inTransaction(db, async (trx) => {
    const at = now.toISOString();
    // The rolling counters stay conservative: a message that may have been accepted is counted, at its attempt.
    const attempted = await trx.selectFrom('send_recipients as r').innerJoin('send_jobs as j', 'j.id', 'r.job_id').select(['r.attempted_at', 'r.updated_at'])
      .where('r.state', '=', 'sending').where('j.mailbox', '=', 'smtp').execute();
    for (let i = 0; i < attempted.length; i += 500) {
      await trx.insertInto('send_events').values(attempted.slice(i, i + 500).map((r) => ({ at: Date.parse(r.attempted_at ?? r.updated_at) || now.getTime() }))).execute();
    }
    const u = await trx.updateTable('send_recipients').set({ state: 'uncertain', reason: 'interrupted', updated_at: at }).where('state', '=', 'sending').executeTakeFirst();
    const d = await trx.updateTable('send_jobs').set({ status: 'due', updated_at: at }).where('status', '=', 'scheduled').where('scheduled_at', '<=', at).executeTakeFirst();
    return { uncertain: Number(u.numUpdatedRows), due: Number(d.numUpdatedRows) };
  });
}

/** While running: scheduled jobs whose time has come start. */
export async function startDueJobs(db: DbOrTx, now: Date): Promise<number> {
  const at = now.toISOString();
  const res = await db.updateTable('send_jobs').set({ status: 'running', started_at: at, updated_at: at })
    .where('status', '=', 'scheduled').where('scheduled_at', '<=', at).executeTakeFirst();
  return Number(res.numUpdatedRows);
}

export async function logSent(db: DbOrTx, personIds: readonly number[], editionNumber: number, mailbox: 'test' | 'smtp', at: string): Promise<void> {
  const summary = mailbox === 'test'
    ? `Nieuwsbrief nr. ${editionNumber} naar het testpostvak (niet echt verstuurd)`
    : `Nieuwsbrief nr. ${editionNumber} verstuurd`;
  const day = at.slice(0, 10);
  for (let i = 0; i < personIds.length; i += 300) {
    const chunk = personIds.slice(i, i + 300);
    const ids = await db.insertInto('interactions').values(chunk.map(() => ({ kind: 'mail' as const, occurred_on: day, summary }))).returning('id').execute();
    // Ascending ids are in insertion order.
    const sorted = ids.map((r) => r.id).sort((a, b) => a - b);
    await db.insertInto('interaction_people').values(sorted.map((id, k) => ({ interaction_id: id, person_id: chunk[k]! }))).execute();
  }
}

// ---------- views ----------

export async function jobCounts(db: DbOrTx, jobIds: readonly number[]): Promise<Map<number, SendJobCounts>> {
  const out = new Map<number, SendJobCounts>();
  if (!jobIds.length) return out;
  const rows = await db.selectFrom('send_recipients').select(['job_id', 'state', (eb) => eb.fn.countAll<number>().as('n')])
    .where('job_id', 'in', jobIds).groupBy(['job_id', 'state']).execute();
  for (const id of jobIds) out.set(id, { total: 0, queued: 0, sending: 0, sent: 0, retry: 0, failed: 0, skipped: 0, uncertain: 0, cancelled: 0 });
  for (const r of rows) {
    const c = out.get(r.job_id)!;
    c[r.state] = Number(r.n);
    c.total += Number(r.n);
  }
  return out;
}

/** Failed recipients worth another try: not a hard bounce (the address does not exist), not already in a follow-up job. */
const resendableRows = (db: DbOrTx, jobIds: readonly number[]) => db.selectFrom('send_recipients as r').where('r.job_id', 'in', jobIds.length ? jobIds : [-1])
  .where('r.state', '=', 'failed').where('r.person_id', 'is not', null).where((eb) => eb.or([eb('r.reason', 'is', null), eb('r.reason', '!=', 'hard_bounce')]))
  .where((eb) => eb.not(eb.exists(eb.selectFrom('send_recipients as f').innerJoin('send_jobs as fj', 'fj.id', 'f.job_id')
    .select('f.id').whereRef('fj.parent_job_id', '=', 'r.job_id').whereRef('f.person_id', '=', 'r.person_id'))));

async function resendableCounts(db: DbOrTx, jobIds: readonly number[]): Promise<Map<number, number>> {
  if (!jobIds.length) return new Map();
  const rows = await resendableRows(db, jobIds).select(['r.job_id', (eb) => eb.fn.countAll<number>().as('n')]).groupBy('r.job_id').execute();
  return new Map(rows.map((r) => [r.job_id, Number(r.n)]));
}

/** Seconds the remaining messages need under the pacing, given what the account sent in the last 24 hours. */
export function estimateSeconds(remaining: number, limits: PacingLimits | null, usedLastDay: number): number | null {
  if (remaining === 0) return 0;
  if (!limits) return null;
  const rates = [limits.perSecond, limits.perMinute ? limits.perMinute / 60 : null].filter((r): r is number => r !== null);
  let t = rates.length ? remaining / Math.min(...rates) : 0;
  if (limits.perDay) {
    const over = remaining - Math.max(0, limits.perDay - usedLastDay);
    if (over > 0) t = Math.max(t, Math.ceil(over / limits.perDay) * 86_400);
  }
  return rates.length || limits.perDay ? Math.ceil(t) : null;
}

export interface ViewEnv {
  limits: (mailbox: 'test' | 'smtp') => PacingLimits | null;
  usedLastDay: number;
}

export async function listJobs(db: DbOrTx, env: ViewEnv, ids?: number[]): Promise<SendJobSummary[]> {
  let q = db.selectFrom('send_jobs').innerJoin('editions', 'editions.id', 'send_jobs.edition_id').selectAll('send_jobs').select('editions.number');
  if (ids) q = q.where('send_jobs.id', 'in', ids.length ? ids : [-1]);
  const jobs = await q.orderBy('send_jobs.id', 'desc').limit(500).execute();
  const counts = await jobCounts(db, jobs.map((j) => j.id));
  const resendable = await resendableCounts(db, jobs.filter((j) => j.kind === 'edition').map((j) => j.id));
  return jobs.map((j) => {
    const c = counts.get(j.id)!;
    const remaining = c.queued + c.retry + c.sending;
    const fault = j.pause_reason && j.pause_reason !== 'user' ? ACCOUNT_FAULT_TEXT[j.pause_reason as AccountFault] : null;
    return {
      id: j.id, editionId: j.edition_id, editionNumber: j.number, kind: j.kind, parentJobId: j.parent_job_id, mailbox: j.mailbox, status: j.status,
      scheduledAt: j.scheduled_at, createdAt: j.created_at, startedAt: j.started_at, finishedAt: j.finished_at,
      pause: j.pause_reason ? {
        reason: j.pause_reason, detail: j.pause_detail,
        message: fault ?? { nl: 'Gepauzeerd door een medewerker.', en: 'Paused by staff.' },
      } : null,
      counts: c,
      resendable: resendable.get(j.id) ?? 0,
      etaSeconds: j.status === 'done' || j.status === 'cancelled' ? 0 : estimateSeconds(remaining, env.limits(j.mailbox), env.usedLastDay),
      notice: j.mailbox === 'test' ? TEST_MAILBOX_NOTICE : null,
    };
  });
}

export async function getJob(
  db: DbOrTx, env: ViewEnv, id: number, f: { state?: SendRecipientState | null; offset?: number; limit?: number } = {},
): Promise<SendJobDetail> {
  const [summary] = await listJobs(db, env, [id]);
  if (!summary) throw notFound({ nl: 'Verzending', en: 'Send job' });
  let q = db.selectFrom('send_recipients').where('job_id', '=', id);
  if (f.state) q = q.where('state', '=', f.state);
  const [rows, total] = await Promise.all([
    q.selectAll().orderBy('id').offset(f.offset ?? 0).limit(f.limit ?? 100).execute(),
    q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  const recipients: SendRecipientView[] = rows.map((r) => ({
    id: r.id, personId: r.person_id, name: r.name, email: r.email, language: r.language, state: r.state, reason: r.reason,
    reasonText: r.reason ? REASON_TEXT[r.reason] ?? null : null, detail: r.detail, attempts: r.attempts, messageId: r.message_id, sentAt: r.sent_at,
    attemptedAt: r.attempted_at,
  }));
  return { ...summary, recipients: { total: Number(total.n), rows: recipients } };
}

// ---------- personal data: access export and erasure ----------

export async function mailingsOf(db: DbOrTx, personId: number) {
  return db.selectFrom('send_recipients').innerJoin('send_jobs', 'send_jobs.id', 'send_recipients.job_id')
    .innerJoin('editions', 'editions.id', 'send_jobs.edition_id')
    .select(['editions.number as edition', 'send_jobs.id as job', 'send_recipients.email', 'send_recipients.state', 'send_recipients.reason',
      'send_recipients.sent_at as sentAt', 'send_recipients.message_id as messageId', 'send_jobs.mailbox'])
    .where('send_recipients.person_id', '=', personId).orderBy('send_recipients.id').execute();
}

export async function eraseMailings(db: DbOrTx, personId: number, emails: readonly string[]): Promise<number> {
  const res = await db.deleteFrom('send_recipients').where((eb) => eb.or([
    eb('person_id', '=', personId),
    ...(emails.length ? [eb(sql<string>`lower(trim(email))`, 'in', emails.map((e) => e.trim().toLowerCase()))] : []),
  ])).executeTakeFirst();
  return Number(res.numDeletedRows);
}
