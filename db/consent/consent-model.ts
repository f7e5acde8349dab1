import { type LawfulBasis, type SubscriptionStatus, type ConsentEventType, CONSENT_METHODS, type SuppressionReason, type EventSource, type AvgRequestKind, type AvgRequestStatus } from '../shared/consent';

// Pure consent vocabulary and rules: no Node, no database. Shared by services, contract and tests.
export type ConsentMethod = (typeof CONSENT_METHODS)[number];

/** How an unsubscribe or objection reached us. */
export const UNSUBSCRIBE_CHANNELS = ['email', 'phone', 'in_person', 'letter', 'unsubscribe_link'] as const;
export type UnsubscribeChannel = (typeof UNSUBSCRIBE_CHANNELS)[number];
type Label = { nl: string; en: string };

export const LABELS = {
  lawfulBasis: {
    consent: { nl: 'Toestemming', en: 'Consent' },
    public_task: { nl: 'Publieke taak', en: 'Public task' },
    legitimate_interest: { nl: 'Gerechtvaardigd belang', en: 'Legitimate interest' },
  } satisfies Record<LawfulBasis, Label>,
  status: {
    pending: { nl: 'Wacht op bevestiging', en: 'Pending confirmation' },
    subscribed: { nl: 'Aangemeld', en: 'Subscribed' },
    unsubscribed: { nl: 'Afgemeld', en: 'Unsubscribed' },
  } satisfies Record<SubscriptionStatus, Label>,
  eventType: {
    subscribed: { nl: 'Aangemeld', en: 'Subscribed' },
    confirmed: { nl: 'Aanmelding bevestigd', en: 'Confirmed' },
    unsubscribed: { nl: 'Afgemeld', en: 'Unsubscribed' },
    objected: { nl: 'Bezwaar gemaakt', en: 'Objected' },
    suppressed: { nl: 'Geblokkeerd voor alle mail', en: 'Suppressed from all mail' },
    unsuppressed: { nl: 'Blokkade opgeheven met nieuwe toestemming', en: 'Suppression lifted by fresh consent' },
    erased: { nl: 'Gegevens gewist', en: 'Data erased' },
  } satisfies Record<ConsentEventType, Label>,
  source: {
    website_form: { nl: 'Formulier op de website', en: 'Website form' },
    programme_day: { nl: 'Programmadag', en: 'Programme day' },
    business_card: { nl: 'Visitekaartje', en: 'Business card' },
    email: { nl: 'E-mail', en: 'E-mail' },
    phone: { nl: 'Telefoon', en: 'Phone' },
    import: { nl: 'Import', en: 'Import' },
    in_person: { nl: 'Persoonlijk', en: 'In person' },
    letter: { nl: 'Brief', en: 'Letter' },
    unsubscribe_link: { nl: 'Afmeldlink', en: 'Unsubscribe link' },
    register: { nl: 'Relatieregister', en: 'Stakeholder register' },
    bounce: { nl: 'Onbestelbaar (bounce)', en: 'Hard bounce' },
    complaint: { nl: 'Klacht (spam)', en: 'Complaint (spam)' },
    retention: { nl: 'Bewaartermijn verstreken', en: 'Retention period ended' },
    confirmation_expired: { nl: 'Aanmelding niet op tijd bevestigd', en: 'Sign-up not confirmed in time' },
    avg_request: { nl: 'AVG-verzoek', en: 'Data-subject request' },
    staff: { nl: 'Secretariaat', en: 'Secretariat' },
  } satisfies Record<EventSource, Label>,
  suppressionReason: {
    unsubscribed_all: { nl: 'Afgemeld voor alles', en: 'Unsubscribed from everything' },
    objection: { nl: 'Bezwaar', en: 'Objection' },
    hard_bounce: { nl: 'Onbestelbaar adres', en: 'Hard bounce' },
    complaint: { nl: 'Klacht', en: 'Complaint' },
    erased: { nl: 'Gegevens gewist', en: 'Data erased' },
    manual: { nl: 'Handmatig geblokkeerd', en: 'Blocked by hand' },
  } satisfies Record<SuppressionReason, Label>,
  requestKind: {
    access: { nl: 'Inzage', en: 'Access' },
    correction: { nl: 'Correctie', en: 'Correction' },
    erasure: { nl: 'Verwijdering', en: 'Erasure' },
    objection: { nl: 'Bezwaar', en: 'Objection' },
    portability: { nl: 'Overdraagbaarheid', en: 'Portability' },
  } satisfies Record<AvgRequestKind, Label>,
  requestStatus: {
    open: { nl: 'Ontvangen', en: 'Received' },
    in_progress: { nl: 'In behandeling', en: 'In progress' },
    done: { nl: 'Afgehandeld', en: 'Done' },
    refused: { nl: 'Afgewezen', en: 'Refused' },
  } satisfies Record<AvgRequestStatus, Label>,
};

/** The part of a ledger event that decides a subscription's state. */
export interface ReplayEvent {
  id: number;
  type: ConsentEventType;
  /** null: applies to the person as a whole (suppressed, unsuppressed, erased) */
  listId: number | null;
  purposeVersionId: number | null;
  /** for 'subscribed': the list asked for a confirmation at the time */
  doubleOptIn: boolean;
  occurredAt: string;
}

export interface SubscriptionState {
  status: SubscriptionStatus;
  purposeVersionId: number | null;
  lastEventId: number;
  since: string;
}

/** One step of the subscription state machine for one list. */
export function step(state: SubscriptionState | null, e: ReplayEvent): SubscriptionState | null {
  const at = (status: SubscriptionStatus, purposeVersionId = state?.purposeVersionId ?? null): SubscriptionState => ({
    status,
    purposeVersionId,
    lastEventId: e.id,
    since: state?.status === status ? state.since : e.occurredAt,
  });
  switch (e.type) {
    case 'subscribed':
      if (state?.status === 'subscribed') return at('subscribed', e.purposeVersionId);
      return at(e.doubleOptIn ? 'pending' : 'subscribed', e.purposeVersionId);
    case 'confirmed':
      return state?.status === 'pending' ? at('subscribed') : state;
    case 'unsubscribed':
    case 'objected':
      return at('unsubscribed');
    case 'suppressed':
      return state && state.status !== 'unsubscribed' ? at('unsubscribed') : state;
    case 'unsuppressed':
      return state;
    case 'erased':
      return null;
  }
}

/** A subscription's state from its ledger: events of this list plus person-wide events, in id order. */
export function replay(events: readonly ReplayEvent[], listId: number): SubscriptionState | null {
  let state: SubscriptionState | null = null;
  const relevant = events.filter((e) => e.listId === listId || e.listId === null).sort((a, b) => a.id - b.id);
  for (const e of relevant) state = step(state, e);
  return state;
}

/** Suppression of one address from its ledger (events carrying that address's HMAC). */
export function replaySuppression(
  events: readonly { id: number; type: ConsentEventType; reason: string | null; occurredAt: string }[],
): { reason: string; since: string } | null {
  let state: { reason: string; since: string } | null = null;
  for (const e of [...events].sort((a, b) => a.id - b.id)) {
    if (e.type === 'suppressed') state = { reason: e.reason ?? 'manual', since: e.occurredAt };
    else if (e.type === 'erased') state = { reason: 'erased', since: e.occurredAt };
    else if (e.type === 'unsuppressed') state = null;
  }
  return state;
}

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Calendar months later; the last day of the month when that day does not exist (31 Jan + 1 = 28/29 Feb). */
export function addMonths(date: string, months: number): string {
  const m = DATE_RE.exec(date);
  if (!m) throw new Error(`Not a date: ${date}`);
  const y = Number(m[1]);
  const mo = Number(m[2]) - 1 + months;
  const d = Number(m[3]);
  const year = y + Math.floor(mo / 12);
  const month = ((mo % 12) + 12) % 12;
  const last = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  return `${String(year).padStart(4, '0')}-${String(month + 1).padStart(2, '0')}-${String(Math.min(d, last)).padStart(2, '0')}`;
}

export function isDate(value: string): boolean {
  const m = DATE_RE.exec(value);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.getUTCDate() === Number(m[3]) && d.getUTCMonth() === Number(m[2]) - 1;
}

/** The calendar date in the Netherlands at this moment. */
export function dutchDate(now: Date): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Amsterdam', year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
}

export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

/** A data-subject request's deadline: one month after receipt, or three when extended. */
export function requestDeadline(receivedOn: string, extended: boolean): string {
  return addMonths(receivedOn, extended ? 3 : 1);
}

export { LAWFUL_BASES, SUBSCRIPTION_STATUSES, CONSENT_EVENT_TYPES, CONSENT_METHODS, SUPPRESSION_REASONS, EVENT_SOURCES, AVG_REQUEST_KINDS, AVG_REQUEST_STATUSES, AVG_REQUEST_CHANNELS } from '../shared/consent';
export type { LawfulBasis, SubscriptionStatus, ConsentEventType, SuppressionReason, EventSource, AvgRequestKind, AvgRequestStatus, AvgRequestChannel } from '../shared/consent';
