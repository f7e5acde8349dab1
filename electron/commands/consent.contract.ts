import { z } from 'zod';
import {
  UNSUBSCRIBE_CHANNELS
} from '../../db/consent/consent-model';
import { command } from './spec';
import { LANGUAGES } from '../../db/shared/register';
import { id, optionalText, date, moment, consentRecord, retentionSettings, type RetentionSettings, type MailingListSummary, type MailingListDetail, type ListMember, type PersonConsent, type SubscribeResult, type BulkSubscribeResult, type UnsubscribeResult, type VerdictReason, type CheckResult, type AddressLookup, type DocumentExport, type AvgRequestView, type AvgSummary, type ErasurePreview, type ErasureResult, type RetentionReview, type RetentionResult } from '../../db/consent/types';
import { singleLine } from '../../db/shared/messages';
import { AVG_REQUEST_CHANNELS, AVG_REQUEST_KINDS, AVG_REQUEST_STATUSES, LAWFUL_BASES, SUBSCRIPTION_STATUSES, type SubscriptionStatus, type SuppressionReason } from '../../db/shared/consent';

export {
  LABELS, UNSUBSCRIBE_CHANNELS,
} from '../../db/consent/consent-model';
export type {
  ConsentMethod, UnsubscribeChannel,
} from '../../db/consent/consent-model';
/** Who did it: the staff member's name, shown in the ledger. */
const actor = singleLine().min(1).max(100);
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

export interface SuppressionHit {
  index: number;
  email: string;
  reason: SuppressionReason;
  since: string;
}

const memberFilter = z.strictObject({
  listId: id,
  query: singleLine().max(200).nullish(),
  status: z.enum(SUBSCRIPTION_STATUSES).nullish(),
  sort: z.enum(['name', 'email', 'status', 'since']).default('name'),
  desc: z.boolean().default(false),
});

export const consentContract = {
  'lists.list': command(z.strictObject({ includeArchived: z.boolean().default(false) })).returns<MailingListSummary[]>(),
  'lists.get': command(z.strictObject({ id })).returns<MailingListDetail>(),
  'lists.save': command(listInput).returns<{ id: number; purposeVersionId: number; newVersion: boolean }>(),
  'lists.archive': command(z.strictObject({ id, archived: z.boolean() })).returns<{ ok: true }>(),
  /** A list's members, searched, filtered by status and sorted on the server; counts per status ignore the status filter. */
  'lists.members': command(memberFilter.extend({
    offset: z.number().int().min(0).default(0),
    limit: z.number().int().min(1).max(1000).default(200),
  })).returns<{ total: number; counts: Record<SubscriptionStatus, number>; rows: ListMember[] }>(),
  /** CSV (BOM, semicolons, formulas neutralised) of the members view as filtered and sorted on screen. */
  'lists.exportMembers': command(memberFilter).returns<{ fileName: string; csv: string; count: number }>(),

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

export { consentRecord, retentionSettings } from '../../db/consent/types';
export type { ConsentRecordInput, RetentionSettings, PurposeVersionView, MailingListSummary, MailingListDetail, ListMember, ConsentEventView, SubscriptionView, AddressView, PersonConsent, SubscribeResult, BulkSubscribeResult, UnsubscribeResult, VerdictReason, ConsentVerdict, CheckResult, AddressLookup, DocumentExport, AvgRequestView, AvgSummary, BackupCopy, DataLocation, ErasurePreview, ErasureResult, RetentionCandidate, RetentionReview, RetentionResult } from '../../db/consent/types';
export { AVG_REQUEST_CHANNELS, AVG_REQUEST_KINDS, AVG_REQUEST_STATUSES, CONSENT_EVENT_TYPES, CONSENT_METHODS, EVENT_SOURCES, LAWFUL_BASES, SUBSCRIPTION_STATUSES, SUPPRESSION_REASONS } from '../../db/shared/consent';
export type { AvgRequestChannel, AvgRequestKind, AvgRequestStatus, ConsentEventType, EventSource, LawfulBasis, SubscriptionStatus, SuppressionReason } from '../../db/shared/consent';
