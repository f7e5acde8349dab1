import { inTransaction, type DbOrTx } from '../store/connection';
import type { AvgRequest } from '../store/schema';
import { CommandError, notFound } from '../shared/errors';
import {
  daysBetween, dutchDate, isDate, requestDeadline
} from './consent-model';
import { fullName } from '../register/people';
import type { AvgRequestView, AvgSummary } from './types';
import type { AvgRequestChannel, AvgRequestKind, AvgRequestStatus } from '../shared/consent';

const OPEN: AvgRequestStatus[] = ['open', 'in_progress'];

function view(r: AvgRequest & { first_name: string | null; last_name: string | null }, today: string): AvgRequestView {
  const dueOn = r.extended_to ?? r.deadline_on;
  const open = OPEN.includes(r.status);
  return {
    id: r.id, kind: r.kind, personId: r.person_id,
    personName: r.first_name !== null || r.last_name !== null ? fullName(r.first_name ?? '', r.last_name ?? '') : null,
    subjectName: r.subject_name, subjectEmail: r.subject_email, channel: r.channel, receivedOn: r.received_on, deadlineOn: r.deadline_on,
    extendedTo: r.extended_to, extensionReason: r.extension_reason, dueOn, daysLeft: daysBetween(today, dueOn),
    overdue: open && today > dueOn, status: r.status, handledBy: r.handled_by, notes: r.notes, outcome: r.outcome, closedOn: r.closed_on,
    erasureId: r.erasure_id,
  };
}

function baseQuery(db: DbOrTx) {
  return db.selectFrom('avg_requests').leftJoin('people', 'people.id', 'avg_requests.person_id')
    .selectAll('avg_requests').select(['people.first_name', 'people.last_name']);
}

export async function listRequests(
  db: DbOrTx, now: Date,
  f: { status?: AvgRequestStatus | null; kind?: AvgRequestKind | null; openOnly?: boolean; personId?: number | null } = {},
): Promise<AvgRequestView[]> {
  let q = baseQuery(db);
  if (f.status) q = q.where('avg_requests.status', '=', f.status);
  if (f.kind) q = q.where('avg_requests.kind', '=', f.kind);
  if (f.openOnly) q = q.where('avg_requests.status', 'in', OPEN);
  if (f.personId) q = q.where('avg_requests.person_id', '=', f.personId);
  const rows = await q.orderBy('avg_requests.received_on', 'desc').orderBy('avg_requests.id', 'desc').execute();
  const today = dutchDate(now);
  return rows.map((r) => view(r, today));
}

export async function getRequest(db: DbOrTx, id: number, now: Date): Promise<AvgRequestView> {
  const r = await baseQuery(db).where('avg_requests.id', '=', id).executeTakeFirst();
  if (!r) throw notFound({ nl: 'AVG-verzoek', en: 'Data-subject request' });
  return view(r, dutchDate(now));
}

export interface RequestInput {
  kind: AvgRequestKind;
  personId: number | null;
  subjectName: string | null;
  subjectEmail: string | null;
  channel: AvgRequestChannel;
  receivedOn: string;
  notes: string | null;
  actor: string;
}

export async function createRequest(db: DbOrTx, input: RequestInput, now: Date): Promise<AvgRequestView> {
  if (!isDate(input.receivedOn) || input.receivedOn > dutchDate(now)) {
    throw new CommandError('invalid_date', {
      nl: 'De ontvangstdatum is ongeldig of ligt in de toekomst.', en: 'The date received is invalid or lies in the future.',
    });
  }
  if (!input.personId && !input.subjectName && !input.subjectEmail) {
    throw new CommandError('subject_required', {
      nl: 'Kies de persoon uit het register, of vul de naam of het e-mailadres van de aanvrager in.',
      en: 'Pick the person from the register, or enter the requester\'s name or e-mail address.',
    });
  }
  return inTransaction(db, async (trx) => {
    if (input.personId) {
      const p = await trx.selectFrom('people').select('id').where('id', '=', input.personId).executeTakeFirst();
      if (!p) throw notFound({ nl: 'Persoon', en: 'Person' });
    }
    const at = now.toISOString();
    const { id } = await trx.insertInto('avg_requests').values({
      kind: input.kind, person_id: input.personId, subject_name: input.subjectName, subject_email: input.subjectEmail, channel: input.channel,
      received_on: input.receivedOn, deadline_on: requestDeadline(input.receivedOn, false), status: 'open', handled_by: input.actor,
      notes: input.notes, created_at: at, updated_at: at,
    }).returning('id').executeTakeFirstOrThrow();
    return getRequest(trx, id, now);
  });
}

export interface RequestUpdate {
  id: number;
  status?: AvgRequestStatus;
  handledBy?: string | null;
  personId?: number | null;
  notes?: string | null;
  outcome?: string | null;
  actor: string;
}

export async function updateRequest(db: DbOrTx, input: RequestUpdate, now: Date): Promise<AvgRequestView> {
  return inTransaction(db, async (trx) => {
    const current = await getRequest(trx, input.id, now);
    const closing = input.status && !OPEN.includes(input.status);
    if (closing && !(input.outcome ?? current.outcome)) {
      throw new CommandError('outcome_required', {
        nl: 'Beschrijf kort hoe het verzoek is afgehandeld voordat je het sluit.', en: 'Describe briefly how the request was handled before closing it.',
      });
    }
    await trx.updateTable('avg_requests').set({
      ...(input.status ? { status: input.status, closed_on: closing ? dutchDate(now) : null } : {}),
      ...(input.handledBy !== undefined ? { handled_by: input.handledBy } : closing ? { handled_by: current.handledBy ?? input.actor } : {}),
      ...(input.personId !== undefined ? { person_id: input.personId } : {}),
      ...(input.notes !== undefined ? { notes: input.notes } : {}),
      ...(input.outcome !== undefined ? { outcome: input.outcome } : {}),
      updated_at: now.toISOString(),
    }).where('id', '=', input.id).execute();
    return getRequest(trx, input.id, now);
  });
}

/** Two more months, with a reason, decided and told to the requester within the first month (AVG art. 12(3)). */
export async function extendRequest(db: DbOrTx, input: { id: number; reason: string; actor: string }, now: Date): Promise<AvgRequestView> {
  return inTransaction(db, async (trx) => {
    const r = await getRequest(trx, input.id, now);
    if (r.extendedTo) {
      throw new CommandError('already_extended', { nl: 'Deze termijn is al verlengd.', en: 'This deadline has already been extended.' });
    }
    if (!OPEN.includes(r.status)) {
      throw new CommandError('request_closed', { nl: 'Dit verzoek is al afgesloten.', en: 'This request is already closed.' });
    }
    if (dutchDate(now) > r.deadlineOn) {
      throw new CommandError('extension_too_late', {
        nl: `Verlengen kan alleen binnen de eerste maand (tot en met ${r.deadlineOn}). Die termijn is verstreken.`,
        en: `An extension is only possible within the first month (up to ${r.deadlineOn}). That period has passed.`,
      });
    }
    await trx.updateTable('avg_requests').set({
      extended_to: requestDeadline(r.receivedOn, true), extension_reason: input.reason, updated_at: now.toISOString(),
    }).where('id', '=', input.id).execute();
    return getRequest(trx, input.id, now);
  });
}

/** For the start screen: open requests, overdue ones first, and what is due within a week. */
export async function requestSummary(db: DbOrTx, now: Date): Promise<Omit<AvgSummary, 'pendingConfirmations' | 'suppressionKey'>> {
  const open = await listRequests(db, now, { openOnly: true });
  const byDue = [...open].sort((a, b) => a.dueOn.localeCompare(b.dueOn) || a.id - b.id);
  const overdue = byDue.filter((r) => r.overdue);
  return {
    today: dutchDate(now),
    open: open.length,
    overdueCount: overdue.length,
    overdue,
    dueSoon: byDue.filter((r) => !r.overdue && r.daysLeft <= 7),
  };
}
