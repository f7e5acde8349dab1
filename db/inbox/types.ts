import { type Messages, singleLine } from '../shared/messages';
import { type SmtpSecurity as ImapSecurity, SMTP_SECURITIES as IMAP_SECURITIES } from '../shared/status';
import { z } from 'zod';

export const inboxSettingsInput = z.strictObject({
  host: z.string().trim().max(253).default(''),
  port: z.number().int().min(1).max(65535).default(993),
  security: z.enum(IMAP_SECURITIES).default('tls'),
  user: singleLine().max(320).default(''),
  /** undefined: keep the stored password; '' clears it */
  password: z.string().max(1000).optional(),
  folder: singleLine().min(1).max(200).default('INBOX'),
  /** Processed mail is moved here; created when missing. */
  processedFolder: singleLine().min(1).max(200).default('Schakel verwerkt'),
  /** Minutes between automatic checks while Schakel runs; 0: only on "Nu controleren". */
  pollMinutes: z.number().int().min(0).max(1440).default(5),
  /** A pending double opt-in sign-up expires this many days after its confirmation mail. */
  confirmationDays: z.number().int().min(1).max(90).default(14),
});

export type InboxSettingsInput = z.input<typeof inboxSettingsInput>;

/** The stored IMAP settings (without the password). */
export interface ImapSettings {
  host: string;
  port: number;
  security: ImapSecurity;
  user: string;
  folder: string;
  processedFolder: string;
  /** Minutes between automatic rounds; 0: only on request. */
  pollMinutes: number;
  /** A pending double opt-in sign-up expires this many days after its confirmation mail. */
  confirmationDays: number;
}

export interface InboxSettingsView extends ImapSettings {
  passwordSet: boolean;
  passwordStorage: { kind: 'safeStorage' | 'memory' | 'environment'; refusal: Messages | null };
  configured: boolean;
}

export interface InboxConnectionResult {
  ok: boolean;
  message: Messages;
  /** The server's own words, when it said something. */
  detail: string | null;
}

export type InboxKind = 'unsubscribe' | 'confirm' | 'bounce' | 'complaint' | 'auto_reply' | 'other';

export interface InboxCheckResult {
  /** Messages seen in the watched folder. */
  seen: number;
  /** Newly acted on (or put up for review). */
  processed: number;
  /** Already processed earlier (moved now, nothing done twice). */
  duplicates: number;
  byOutcome: Record<string, number>;
  /** Confirmation mails sent for pending double opt-in sign-ups in this round. */
  confirmationsSent: number;
  /** Pending sign-ups that expired in this round. */
  confirmationsExpired: number;
}

export interface InboxStatus {
  configured: boolean;
  /** 'idle': the server pushes new mail (IMAP IDLE); 'poll': checked every pollMinutes; 'off': only on request. */
  watching: 'idle' | 'poll' | 'off';
  running: boolean;
  lastCheckAt: string | null;
  lastResult: InboxCheckResult | null;
  /** The last automatic or manual check failed: why, in plain words. */
  lastError: Messages | null;
  nextCheckAt: string | null;
  confirmations: {
    /** Pending sign-ups whose confirmation mail has not gone out yet. */
    unsent: number;
    /** Confirmation mail sent, reply awaited. */
    awaiting: number;
    /** Expire within the next 3 days. */
    expiringSoon: number;
    /** Of unsent: the last try failed (retried next round, at most 3 tries). */
    failed?: number;
    /** Why confirmation mails are not going out, in plain words; null when all is well. */
    problem?: Messages | null;
  };
}

export const REVIEW_ACTIONS = ['unsubscribe_list', 'unsubscribe_all', 'erase_request', 'ignore'] as const;

export type ReviewAction = (typeof REVIEW_ACTIONS)[number];

export interface ReviewItemView {
  id: number;
  messageId: string;
  reason: string;
  reasonText: Messages;
  fromAddress: string | null;
  /** A bounce or complaint: the address it names, and the address Schakel sent the original to. */
  reportAddress: string | null;
  sentAddress: string | null;
  subject: string;
  body: string;
  receivedAt: string | null;
  createdAt: string;
  /** The suggested person, with organisation and address to tell namesakes apart. */
  person: { id: number; name: string; organisation: string | null; email: string | null } | null;
  /** The person's current lists, for "unsubscribe from this list". */
  lists: { listId: number; listName: string; status: string }[];
  status: 'open' | 'done';
  action: ReviewAction | null;
  requestId: number | null;
  handledBy: string | null;
  handledAt: string | null;
}

export const HISTORY_FILTER_KEYS = ['all', 'unsubscribe', 'hard_bounce', 'soft_bounce', 'complaint', 'confirm', 'review', 'no_action'] as const;

export type InboxHistoryFilter = (typeof HISTORY_FILTER_KEYS)[number];

/** One processed message: when it arrived, what it was, whom it concerned and what Schakel did. */
export interface InboxHistoryRow {
  id: number;
  messageId: string;
  /** When the mailbox received it. */
  receivedAt: string;
  kind: InboxKind;
  /** What Schakel did: an outcome of the rules (unsubscribed, hard_bounce, soft_bounce, review, …). */
  outcome: string;
  /** A review item's reason, a hard bounce's status code, or the soft bounce count. */
  detail: string | null;
  /** The address acted on (a bounce or complaint). */
  address: string | null;
  fromAddress: string | null;
  subject: string;
  listName: string | null;
  person: { id: number; name: string; organisation: string | null } | null;
  review: { id: number; status: 'open' | 'done'; reasonText: Messages } | null;
}

export interface InboxHistoryPage {
  total: number;
  rows: InboxHistoryRow[];
}

export interface InboxSummary {
  openReview: number;
  openReviewOlderThan24h: number;
}
