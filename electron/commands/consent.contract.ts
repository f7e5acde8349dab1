import { z } from 'zod';
import { LANGUAGES, type Language } from '../../db/schema';
import {
  AVG_REQUEST_CHANNELS, AVG_REQUEST_KINDS, AVG_REQUEST_STATUSES, CONSENT_METHODS, LAWFUL_BASES, SUBSCRIPTION_STATUSES, UNSUBSCRIBE_CHANNELS,
  type AvgRequestChannel, type AvgRequestKind, type AvgRequestStatus, type ConsentEventType, type EventSource, type LawfulBasis,
  type SubscriptionStatus, type SuppressionReason,
} from '../../db/services/consent-model';
import { command, singleLine } from './spec';

export {
  AVG_REQUEST_CHANNELS, AVG_REQUEST_KINDS, AVG_REQUEST_STATUSES, CONSENT_EVENT_TYPES, CONSENT_METHODS, EVENT_SOURCES, LABELS, LAWFUL_BASES,
  SUBSCRIPTION_STATUSES, SUPPRESSION_REASONS, UNSUBSCRIBE_CHANNELS,
} from '../../db/services/consent-model';
export type {
  AvgRequestChannel, AvgRequestKind, AvgRequestStatus, ConsentEventType, ConsentMethod, EventSource, LawfulBasis, SubscriptionStatus,
  SuppressionReason, UnsubscribeChannel,
} from '../../db/services/consent-model';

const id = z.number().int().positive();
const optionalText = (max = 2000) => z.string().trim().max(max).nullish().transform((v) => (v ? v : null));
/** Who did it: the staff member's name, shown in the ledger. */
const actor = singleLine().min(1).max(100);
const date = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);
/** An ISO date-time with offset (stored as UTC), or a plain date. */
const moment = z.union([z.iso.datetime({ offset: true }), date]);

export const consentRecord = z.strictObject({
  /** When consent was given; defaults to now. */
  givenAt: moment.optional(),
  method: z.enum(CONSENT_METHODS),
  /** The purpose text version the person was shown; defaults to the list's current one. */
  purposeVersionId: id.optional(),
  evidenceText: optionalText(5000),
  /** A file reference (path or document number) where the evidence is kept. */
  evidenceFile: optionalText(500),
  /** Message-ID of the e-mail that carries the consent. */
  evidenceMessageId: optionalText(500),
});
export type ConsentRecordInput = z.input<typeof consentRecord>;

export const listInput = z.strictObject({
  id: id.optional(),
  name: singleLine().min(1).max(200),
  /** Shown to subscribers; a changed text becomes a new version. */
  purposeText: z.string().trim().min(1).max(10000),
  language: z.enum(LANGUAGES),
  lawfulBasis: z.enum(LAWFUL_BASES),
  doubleOptIn: z.boolean(),
  actor,
});

export const avgRequestInput = z.strictObject({
  kind: z.enum(AVG_REQUEST_KINDS),
  personId: id.nullish().transform((v) => v ?? null),
  subjectName: singleLine().max(200).nullish().transform((v) => (v ? v : null)),
  subjectEmail: optionalText(254),
  channel: z.enum(AVG_REQUEST_CHANNELS),
  receivedOn: date,
  notes: optionalText(10000),
  actor,
});

export const retentionSettings = z.strictObject({
  programmeEndDate: date,
  /** People with no subscription and no interaction for this many months are proposed for erasure. */
  peopleMonths: z.number().int().min(1).max(240),
  /** Closed data-subject requests are kept this many months after closing. */
  requestsMonths: z.number().int().min(1).max(240),
});
export type RetentionSettings = z.output<typeof retentionSettings>;

export interface PurposeVersionView {
  id: number;
  version: number;
  text: string;
  createdAt: string;
  createdBy: string;
}

export interface MailingListSummary {
  id: number;
  slug: string | null;
  name: string;
  language: Language;
  lawfulBasis: LawfulBasis;
  doubleOptIn: boolean;
  archived: boolean;
  purpose: PurposeVersionView | null;
  counts: Record<SubscriptionStatus, number>;
}

export interface MailingListDetail extends MailingListSummary {
  versions: PurposeVersionView[];
}

export interface ListMember {
  personId: number;
  name: string;
  email: string | null;
  organisationName: string | null;
  status: SubscriptionStatus;
  since: string;
  purposeVersion: number | null;
}

export interface ConsentEventView {
  id: number;
  type: ConsentEventType;
  personId: number | null;
  listId: number | null;
  listName: string | null;
  occurredAt: string;
  recordedAt: string;
  actor: string;
  source: EventSource;
  purposeVersion: { id: number; version: number; text: string } | null;
  doubleOptIn: boolean;
  reason: string | null;
  note: string | null;
  evidence: { text: string | null; file: string | null; messageId: string | null };
  email: string | null;
  batchId: string | null;
  requestId: number | null;
  /** The personal fields were replaced by the tombstone. */
  erased: boolean;
}

export interface SubscriptionView {
  listId: number;
  listName: string;
  language: Language;
  lawfulBasis: LawfulBasis;
  status: SubscriptionStatus;
  since: string;
  purposeVersion: { id: number; version: number } | null;
  /** Whether a mailing to this list would reach this person now. */
  mayMail: boolean;
}

export interface AddressView {
  email: string;
  primary: boolean;
  suppression: { reason: SuppressionReason; since: string } | null;
}

export interface PersonConsent {
  personId: number;
  name: string;
  language: Language;
  addresses: AddressView[];
  subscriptions: SubscriptionView[];
  /** The consent timeline, newest first. */
  events: ConsentEventView[];
}

export interface SubscribeResult {
  status: SubscriptionStatus;
  eventId: number;
  /** The address was suppressed and the fresh consent lifted it. */
  liftedSuppression: boolean;
}

export interface BulkSubscribeResult {
  batchId: string;
  subscribed: number[];
  pending: number[];
  alreadySubscribed: number[];
  /** Not added: record fresh consent for each of them one by one to override. */
  suppressed: { personId: number; name: string; email: string; reason: SuppressionReason; since: string }[];
  noAddress: { personId: number; name: string }[];
  notFound: number[];
}

export interface UnsubscribeResult {
  lists: { listId: number; listName: string }[];
  suppressedAddresses: number;
}

export type VerdictReason = 'subscribed' | 'suppressed' | 'pending' | 'unsubscribed' | 'not_subscribed' | 'invalid' | 'list_archived';
export interface ConsentVerdict {
  email: string;
  allowed: boolean;
  reason: VerdictReason;
  personId: number | null;
}

export interface CheckResult {
  total: number;
  allowed: number;
  counts: Record<VerdictReason, number>;
  /** Every address that may not be mailed, with the reason. */
  blocked: ConsentVerdict[];
}

export interface SuppressionHit {
  index: number;
  email: string;
  reason: SuppressionReason;
  since: string;
}

export interface AddressLookup {
  email: string;
  valid: boolean;
  person: { id: number; name: string } | null;
  suppression: { reason: SuppressionReason; since: string } | null;
  subscriptions: SubscriptionView[];
  /** Ledger events for this address or its person, oldest first. */
  events: ConsentEventView[];
  /** A plain-language answer: why this address is or is not mailed. */
  explanation: { nl: string; en: string };
}

export interface DocumentExport {
  fileName: string;
  html: string;
  json: string;
}

export interface AvgRequestView {
  id: number;
  kind: AvgRequestKind;
  personId: number | null;
  personName: string | null;
  subjectName: string | null;
  subjectEmail: string | null;
  channel: AvgRequestChannel;
  receivedOn: string;
  deadlineOn: string;
  extendedTo: string | null;
  extensionReason: string | null;
  /** extendedTo when extended, else deadlineOn */
  dueOn: string;
  daysLeft: number;
  overdue: boolean;
  status: AvgRequestStatus;
  handledBy: string | null;
  notes: string | null;
  outcome: string | null;
  closedOn: string | null;
  erasureId: number | null;
}

export interface AvgSummary {
  today: string;
  open: number;
  overdueCount: number;
  /** Open requests past their deadline: show these on the start screen. */
  overdue: AvgRequestView[];
  /** Open requests due within seven days. */
  dueSoon: AvgRequestView[];
  pendingConfirmations: number;
  suppressionKey: 'ok' | 'missing' | 'mismatch';
}

export interface BackupCopy {
  file: string;
  folder: string;
  createdAt: string;
  /** Deleted no later than this. */
  expiresAt: string;
  /** Could not be read, so it may hold the person. */
  unreadable: boolean;
}

export interface DataLocation {
  table: string;
  column: string;
  rows: number;
}

export interface ErasurePreview {
  personId: number;
  name: string;
  counts: Record<string, number>;
  /** Other places where the name, address or phone number occurs and will be replaced. */
  occurrences: DataLocation[];
  /** Places that refuse the change and will keep it (sent newsletters are frozen): decide by hand. */
  kept: DataLocation[];
  backups: BackupCopy[];
}

export interface ErasureResult {
  erasureId: number;
  erasedAt: string;
  counts: Record<string, number>;
  scrubbed: DataLocation[];
  /** Places that refused the change and still hold the name, address or number (e.g. sent newsletters). */
  kept: DataLocation[];
  suppressedAddresses: number;
  /** Backups that still hold a copy until they expire. */
  backups: BackupCopy[];
}

export interface RetentionCandidate {
  personId: number;
  name: string;
  organisationName: string | null;
  createdAt: string;
  lastInteraction: string | null;
  lastConsentEvent: string | null;
}

export interface RetentionReview {
  asOf: string;
  settings: RetentionSettings;
  programmeEnded: boolean;
  peopleCutoff: string;
  people: RetentionCandidate[];
  requestsCutoff: string;
  closedRequests: number;
}

export interface RetentionResult {
  erased: { personId: number; erasureId: number }[];
  skipped: { personId: number; reason: string }[];
  requestsDeleted: number;
  /** Backups that still hold copies until they expire. */
  backups: BackupCopy[];
}

export const consentContract = {
  'lists.list': command(z.strictObject({ includeArchived: z.boolean().default(false) })).returns<MailingListSummary[]>(),
  'lists.get': command(z.strictObject({ id })).returns<MailingListDetail>(),
  'lists.save': command(listInput).returns<{ id: number; purposeVersionId: number; newVersion: boolean }>(),
  'lists.archive': command(z.strictObject({ id, archived: z.boolean() })).returns<{ ok: true }>(),
  'lists.members': command(
    z.strictObject({
      listId: id,
      status: z.enum(SUBSCRIPTION_STATUSES).nullish(),
      offset: z.number().int().min(0).default(0),
      limit: z.number().int().min(1).max(1000).default(200),
    }),
  ).returns<{ total: number; rows: ListMember[] }>(),

  /** Adds one person to a list; consent lists need the consent record. Suppressed addresses need overrideSuppression and fresh consent. */
  'consent.subscribe': command(
    z.strictObject({ personId: id, listId: id, consent: consentRecord.nullish(), overrideSuppression: z.boolean().default(false), actor }),
  ).returns<SubscribeResult>(),
  /** Adds many people (from the register or an import) with one consent record for the batch. */
  'consent.subscribeMany': command(
    z.strictObject({
      personIds: z.array(id).min(1).max(100_000),
      listId: id,
      consent: consentRecord.nullish(),
      source: z.enum(['register', 'import']).default('register'),
      actor,
    }),
  ).returns<BulkSubscribeResult>(),
  /** Records the double opt-in confirmation of a pending sign-up. */
  'consent.confirm': command(
    z.strictObject({
      personId: id,
      listId: id,
      confirmedAt: moment.optional(),
      method: z.enum(['email', 'website_form']).default('email'),
      evidenceText: optionalText(5000),
      evidenceMessageId: optionalText(500),
      actor,
    }),
  ).returns<{ status: SubscriptionStatus; eventId: number }>(),
  /** "Afmelden": from one list (listId) or from everything (listId null). Objection records an objection instead. */
  'consent.unsubscribe': command(
    z.strictObject({
      personId: id,
      listId: id.nullable(),
      channel: z.enum(UNSUBSCRIBE_CHANNELS),
      note: optionalText(2000),
      objection: z.boolean().default(false),
      receivedAt: moment.optional(),
      /** The data-subject request (objection) this carries out, if any. */
      requestId: id.nullish(),
      actor,
    }),
  ).returns<UnsubscribeResult>(),
  /** Puts a person (all addresses) or one address on the suppression list: bounce, complaint or by hand. */
  'consent.suppress': command(
    z.strictObject({
      personId: id.optional(),
      email: z.string().trim().max(254).optional(),
      reason: z.enum(['hard_bounce', 'complaint', 'manual']),
      note: optionalText(2000),
      actor,
    }).refine((v) => Boolean(v.personId) !== Boolean(v.email), { message: 'Geef een persoon of een adres op / Give a person or an address' }),
  ).returns<{ suppressedAddresses: number; lists: { listId: number; listName: string }[] }>(),
  'consent.person': command(z.strictObject({ personId: id })).returns<PersonConsent>(),
  /** "Bewijs exporteren": a readable HTML proof and the JSON of every consent event. */
  'consent.proof': command(z.strictObject({ personId: id, language: z.enum(LANGUAGES).optional() })).returns<DocumentExport>(),
  'consent.lookupAddress': command(z.strictObject({ email: z.string().trim().min(1).max(254) })).returns<AddressLookup>(),
  'consent.mayMail': command(z.strictObject({ personId: id, listId: id })).returns<{ allowed: boolean; reason: VerdictReason; email: string | null }>(),
  /** Checks a batch of addresses against the list's subscriptions and the suppression list. */
  'consent.check': command(z.strictObject({ listId: id, emails: z.array(z.string().max(320)).max(200_000) })).returns<CheckResult>(),
  /** Which of these addresses are suppressed (for import reports). */
  'consent.screen': command(z.strictObject({ emails: z.array(z.string().max(320)).max(200_000) })).returns<SuppressionHit[]>(),

  'avg.summary': command(z.strictObject({})).returns<AvgSummary>(),
  'avg.listRequests': command(
    z.strictObject({
      status: z.enum(AVG_REQUEST_STATUSES).nullish(),
      kind: z.enum(AVG_REQUEST_KINDS).nullish(),
      openOnly: z.boolean().default(false),
      personId: id.nullish(),
    }),
  ).returns<AvgRequestView[]>(),
  'avg.getRequest': command(z.strictObject({ id })).returns<AvgRequestView>(),
  'avg.createRequest': command(avgRequestInput).returns<AvgRequestView>(),
  'avg.updateRequest': command(
    z.strictObject({
      id,
      status: z.enum(AVG_REQUEST_STATUSES).optional(),
      handledBy: singleLine().max(100).nullish().transform((v) => (v ? v : null)).optional(),
      personId: id.nullish(),
      notes: optionalText(10000).optional(),
      outcome: optionalText(10000).optional(),
      actor,
    }),
  ).returns<AvgRequestView>(),
  /** Extends the deadline by two months; allowed only before the first deadline passes, with a reason. */
  'avg.extendRequest': command(z.strictObject({ id, reason: z.string().trim().min(5).max(2000), actor })).returns<AvgRequestView>(),
  /** Access / portability: everything held on a person, as JSON and a readable HTML document. */
  'avg.exportPerson': command(z.strictObject({ personId: id, language: z.enum(LANGUAGES).optional() })).returns<DocumentExport>(),
  'avg.erasePreview': command(z.strictObject({ personId: id })).returns<ErasurePreview>(),
  'avg.erase': command(
    z.strictObject({ personId: id, requestId: id.nullish(), actor, confirm: z.literal(true) }),
  ).returns<ErasureResult>(),

  'retention.getSettings': command(z.strictObject({})).returns<RetentionSettings>(),
  'retention.saveSettings': command(retentionSettings).returns<RetentionSettings>(),
  /** Dry run: who and what the retention periods would remove. Nothing is changed. */
  'retention.review': command(z.strictObject({ asOf: date.optional() })).returns<RetentionReview>(),
  /** Erases the selected people (each with a ledger event) and deletes closed requests past their period. */
  'retention.apply': command(
    z.strictObject({
      personIds: z.array(id).max(10_000).default([]),
      deleteClosedRequests: z.boolean().default(false),
      asOf: date.optional(),
      actor,
    }),
  ).returns<RetentionResult>(),
};
