import { z } from 'zod';
import type { Language } from '../shared/register';
import { type LawfulBasis, type SubscriptionStatus, type ConsentEventType, type EventSource, type SuppressionReason, CONSENT_METHODS, type AvgRequestKind, type AvgRequestChannel, type AvgRequestStatus } from '../shared/consent';

export const id = z.number().int().positive();

export const optionalText = (max = 2000) => z.string().trim().max(max).nullish().transform((v) => (v ? v : null));

export const date = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);

/** An ISO date-time with offset (stored as UTC), or a plain date. */
export const moment = z.union([z.iso.datetime({ offset: true }), date]);

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
