import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';
import type { OrganisationKind, Domain, Language, PilotRole, InteractionKind } from '../shared/register';
import type { SendJobKind, ConfirmationStatus, SendJobStatus, SendRecipientState } from '../shared/status';
import type { AvgRequestChannel, AvgRequestKind, AvgRequestStatus, ConsentEventType, EventSource, LawfulBasis, SubscriptionStatus, SuppressionReason } from '../shared/consent';

/** ISO-8601 UTC timestamp text, e.g. 2026-11-23T10:00:00.000Z */
type Timestamp = string;
type CreatedAt = ColumnType<Timestamp, Timestamp | undefined, never>;

export interface OrganisationTable {
  id: Generated<number>;
  name: string;
  kind: OrganisationKind;
  domain: Domain;
  region: string | null;
  municipality: string | null;
  website: string | null;
  notes: string | null;
  /** lower-case, diacritics removed: for search */
  search_text: string;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export interface PersonTable {
  id: Generated<number>;
  first_name: string;
  last_name: string;
  phone: string | null;
  organisation_id: number | null;
  job_title: string | null;
  language: Language;
  notes: string | null;
  owner: string | null;
  power: number | null;
  interest: number | null;
  /** sort key: folded last name + first name */
  sort_key: string;
  /** folded name, e-mail addresses, organisation, job title, tags */
  search_text: string;
  is_demo: ColumnType<number, number | undefined, number>;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export interface PersonEmailTable {
  id: Generated<number>;
  person_id: number;
  email: string;
  /** normalised (trimmed, lower-case, NFC) for uniqueness */
  email_norm: string;
  is_primary: number;
}

export interface PersonTagTable {
  person_id: number;
  tag: string;
}

export interface PilotTable {
  id: Generated<number>;
  slug: string;
  name: string;
  name_en: string | null;
  region: string;
  municipalities: string;
  phase: string | null;
  aim: string | null;
  results: string | null;
  next_steps: string | null;
  /** public contact person, by name only */
  contact_name: string | null;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export interface PilotOrganisationTable {
  pilot_id: number;
  organisation_id: number;
}

export interface PilotPersonTable {
  pilot_id: number;
  person_id: number;
  role: PilotRole;
}

export interface ThemeSessionTable {
  id: Generated<number>;
  slug: string;
  name: string;
  name_en: string;
  description: string | null;
}

export interface InteractionTable {
  id: Generated<number>;
  kind: InteractionKind;
  occurred_on: string;
  summary: string;
  created_at: CreatedAt;
}

export interface InteractionPersonTable {
  interaction_id: number;
  person_id: number;
}
export interface InteractionOrganisationTable {
  interaction_id: number;
  organisation_id: number;
}
export interface InteractionPilotTable {
  interaction_id: number;
  pilot_id: number;
}

export interface SettingTable {
  key: string;
  value: string;
}

// --- Consent and AVG (migration 0002) ---
export interface MailingListTable {
  id: Generated<number>;
  slug: string | null;
  name: string;
  language: Language;
  lawful_basis: LawfulBasis;
  double_opt_in: number;
  archived: ColumnType<number, number | undefined, number>;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export interface PurposeVersionTable {
  id: Generated<number>;
  list_id: number;
  version: number;
  text: string;
  created_at: CreatedAt;
  created_by: string;
}

/** Append-only; erasure may only replace the personal fields by the tombstone (see trigger). */
export interface ConsentEventTable {
  id: Generated<number>;
  type: ConsentEventType;
  person_id: number | null;
  list_id: number | null;
  /** when it happened (consent given, request received), UTC */
  occurred_at: Timestamp;
  /** when it was written, UTC */
  recorded_at: Timestamp;
  actor: string;
  source: EventSource;
  purpose_version_id: number | null;
  double_opt_in: ColumnType<number, number | undefined, never>;
  reason: string | null;
  note: string | null;
  evidence_text: string | null;
  evidence_file: string | null;
  evidence_message_id: string | null;
  email: string | null;
  email_hmac: string | null;
  batch_id: string | null;
  request_id: number | null;
  erased_at: string | null;
  erasure_id: number | null;
}

/** Projection of consent_events, kept in the same transaction. */
export interface SubscriptionTable {
  person_id: number;
  list_id: number;
  status: SubscriptionStatus;
  purpose_version_id: number | null;
  last_event_id: number;
  since: Timestamp;
  updated_at: Timestamp;
}

export interface SuppressionTable {
  email_hmac: string;
  reason: SuppressionReason;
  since: Timestamp;
  event_id: number;
}

export interface AvgRequestTable {
  id: Generated<number>;
  kind: AvgRequestKind;
  person_id: number | null;
  subject_name: string | null;
  subject_email: string | null;
  channel: AvgRequestChannel;
  received_on: string;
  deadline_on: string;
  extended_to: string | null;
  extension_reason: string | null;
  status: AvgRequestStatus;
  handled_by: string | null;
  notes: string | null;
  outcome: string | null;
  closed_on: string | null;
  erasure_id: number | null;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export interface ErasureTable {
  id: Generated<number>;
  erased_at: Timestamp;
  actor: string;
  source: 'avg_request' | 'retention' | 'staff';
  request_id: number | null;
  /** JSON of anonymised counts */
  counts: string;
}

// --- Newsletter editions (migration 0004) ---
export interface EditionTable {
  id: Generated<number>;
  number: number;
  edition_date: string;
  status: ColumnType<'draft' | 'ready' | 'sent' | 'archived', 'draft' | 'ready' | 'sent' | 'archived' | undefined>;
  /** JSON of EditionContent */
  content: string;
  revision: ColumnType<number, number | undefined, number>;
  ready_at: string | null;
  sent_at: string | null;
  archived_at: string | null;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

/** Immutable: the final rendering of a sent edition per language. */
export interface EditionArchiveTable {
  edition_id: number;
  language: Language;
  subject: string;
  preheader: string;
  web_html: string;
  mail_html: string;
  text: string;
  created_at: CreatedAt;
}

// --- Sending (migration 0005) ---

export interface SendJobTable {
  id: Generated<number>;
  edition_id: number;
  parent_job_id: number | null;
  mailbox: 'test' | 'smtp';
  status: SendJobStatus;
  scheduled_at: string | null;
  pause_reason: string | null;
  pause_detail: string | null;
  created_at: CreatedAt;
  started_at: string | null;
  finished_at: string | null;
  updated_at: Timestamp;
  kind: ColumnType<SendJobKind, SendJobKind | undefined, SendJobKind>;
  /** kind 'test': JSON of the content, languages and "view as" person id at the time of asking */
  test_payload: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface SendRecipientTable {
  id: Generated<number>;
  job_id: number;
  person_id: number | null;
  list_id: number | null;
  email: string;
  name: string;
  language: Language;
  state: SendRecipientState;
  reason: string | null;
  detail: string | null;
  attempts: ColumnType<number, number | undefined, number>;
  /** milliseconds since 1970 */
  next_attempt_at: number | null;
  message_id: string | null;
  sent_at: string | null;
  updated_at: Timestamp;
  /** When a connection took the message (migration 0010) */
  attempted_at: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface SendEventTable {
  /** milliseconds since 1970 */
  at: number;
}

// --- Inbox (migration 0006) ---

export interface InboxMessageTable {
  message_id: string;
  kind: string;
  outcome: string;
  review_id: number | null;
  processed_at: ColumnType<Timestamp, Timestamp | undefined, never>;
}

export interface InboxReviewTable {
  id: Generated<number>;
  message_id: string;
  reason: string;
  from_address: string | null;
  subject: string;
  body: string;
  received_at: string | null;
  person_id: number | null;
  status: ColumnType<'open' | 'done', 'open' | 'done' | undefined, 'open' | 'done'>;
  action: string | null;
  request_id: number | null;
  handled_by: string | null;
  handled_at: string | null;
  created_at: ColumnType<Timestamp, Timestamp | undefined, never>;
  /** Migration 0009: a bounce or complaint's named address, and the address Schakel sent to. */
  report_address: ColumnType<string | null, string | null | undefined, string | null>;
  sent_address: ColumnType<string | null, string | null | undefined, string | null>;
}

/** Migration 0009: what the mailbox did with each message. */
export interface InboxHistoryTable {
  id: Generated<number>;
  message_id: string;
  received_at: Timestamp;
  kind: string;
  outcome: string;
  detail: string | null;
  person_id: number | null;
  list_id: number | null;
  address: string | null;
  from_address: string | null;
  subject: string;
  review_id: number | null;
}

export interface InboxSoftBounceTable {
  email_hmac: string;
  count: number;
  last_job_id: number | null;
  updated_at: Timestamp;
}

// --- Double opt-in confirmations (migration 0008) ---

export interface ConfirmationTable {
  id: Generated<number>;
  person_id: number;
  list_id: number;
  email_hmac: string | null;
  message_id: string | null;
  status: ConfirmationStatus;
  error: string | null;
  attempts: ColumnType<number, number | undefined, number>;
  sent_at: string | null;
  expires_at: string | null;
  evidence_message_id: string | null;
  /** The subscription's pending "since" this mail answers; a new sign-up gets a new mail. */
  pending_since: string | null;
  updated_at: ColumnType<Timestamp, Timestamp | undefined, Timestamp>;
  created_at: ColumnType<Timestamp, Timestamp | undefined, never>;
}

export interface Database {
  organisations: OrganisationTable;
  people: PersonTable;
  person_emails: PersonEmailTable;
  person_tags: PersonTagTable;
  pilots: PilotTable;
  pilot_organisations: PilotOrganisationTable;
  pilot_people: PilotPersonTable;
  theme_sessions: ThemeSessionTable;
  interactions: InteractionTable;
  interaction_people: InteractionPersonTable;
  interaction_organisations: InteractionOrganisationTable;
  interaction_pilots: InteractionPilotTable;
  settings: SettingTable;
  mailing_lists: MailingListTable;
  purpose_versions: PurposeVersionTable;
  consent_events: ConsentEventTable;
  subscriptions: SubscriptionTable;
  suppressions: SuppressionTable;
  avg_requests: AvgRequestTable;
  erasures: ErasureTable;
  editions: EditionTable;
  edition_archives: EditionArchiveTable;
  send_jobs: SendJobTable;
  send_recipients: SendRecipientTable;
  send_events: SendEventTable;
  inbox_messages: InboxMessageTable;
  inbox_review: InboxReviewTable;
  inbox_soft_bounces: InboxSoftBounceTable;
  inbox_history: InboxHistoryTable;
  confirmations: ConfirmationTable;
}

export type Organisation = Selectable<OrganisationTable>;
export type NewOrganisation = Insertable<OrganisationTable>;
export type OrganisationUpdate = Updateable<OrganisationTable>;
export type Person = Selectable<PersonTable>;
export type NewPerson = Insertable<PersonTable>;
export type PersonUpdate = Updateable<PersonTable>;
export type PersonEmail = Selectable<PersonEmailTable>;
export type Pilot = Selectable<PilotTable>;
export type PilotUpdate = Updateable<PilotTable>;
export type Interaction = Selectable<InteractionTable>;
export type ThemeSession = Selectable<ThemeSessionTable>;
export type MailingList = Selectable<MailingListTable>;
export type ConsentEvent = Selectable<ConsentEventTable>;
export type NewConsentEvent = Insertable<ConsentEventTable>;
export type AvgRequest = Selectable<AvgRequestTable>;
export type EditionRow = Selectable<EditionTable>;
export type SendJobRow = Selectable<SendJobTable>;
export type SendRecipientRow = Selectable<SendRecipientTable>;
export type InboxReviewRow = Selectable<InboxReviewTable>;

export { ORGANISATION_KINDS, ORGANISATION_KIND_NAMES, DOMAINS, LANGUAGES, PILOT_ROLES, INTERACTION_KINDS } from '../shared/register';
export type { OrganisationKind, Domain, Language, PilotRole, InteractionKind } from '../shared/register';
export type { SendJobKind, ConfirmationStatus, SendJobStatus, SendRecipientState } from '../shared/status';
