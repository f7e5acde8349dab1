import { type SendRecipientState as RecipientState, type SendJobStatus, type SmtpSecurity, SMTP_SECURITIES } from '../shared/status';
import { type Messages, singleLine } from '../shared/messages';
import { z } from 'zod';

export const limit = z.number().int().positive().max(1_000_000).nullable().default(null);

export const PROVIDER_PROFILES = ['m365', 'relay', 'custom'] as const;

export type ProviderProfile = (typeof PROVIDER_PROFILES)[number];

export const sendingSettingsInput = z.strictObject({
  host: z.string().trim().max(253).default(''),
  port: z.number().int().min(1).max(65535).default(587),
  security: z.enum(SMTP_SECURITIES).default('starttls'),
  user: singleLine().max(320).default(''),
  /** undefined: keep the stored password; '' clears it */
  password: z.string().max(1000).optional(),
  senderName: singleLine().max(200).default(''),
  senderEmail: singleLine().max(320).default(''),
  replyTo: singleLine().max(320).default(''),
  profile: z.enum(PROVIDER_PROFILES).default('m365'),
  perSecond: limit,
  perMinute: limit,
  perDay: limit,
  connections: z.number().int().min(1).max(16).default(2),
  /** https address of the one-click unsubscribe page; {token} is replaced, otherwise ?token= is added */
  httpsUnsubscribeUrl: z.string().trim().max(2000).default(''),
  dkimDomain: z.string().trim().max(253).default(''),
  dkimSelector: z.string().trim().max(63).default(''),
  /** PEM; undefined keeps the stored key, '' removes it */
  dkimPrivateKey: z.string().max(20_000).optional(),
});

export type SendingSettingsInput = z.input<typeof sendingSettingsInput>;

export interface PacingLimits {
  perSecond: number | null;
  perMinute: number | null;
  perDay: number | null;
}

/** The stored SMTP account (without password and DKIM key). */
export interface SmtpSettings {
  host: string;
  port: number;
  security: SmtpSecurity;
  user: string;
  senderName: string;
  senderEmail: string;
  replyTo: string;
  profile: ProviderProfile;
  perSecond: number | null;
  perMinute: number | null;
  perDay: number | null;
  connections: number;
  httpsUnsubscribeUrl: string;
  dkimDomain: string;
  dkimSelector: string;
}

export interface SendingSettingsView extends SmtpSettings {
  dkimKeySet: boolean;
  passwordSet: boolean;
  /** Where the password is kept, and why it cannot be saved when it cannot. */
  passwordStorage: { kind: 'safeStorage' | 'memory' | 'environment'; refusal: Messages | null };
  /** 'test': no account yet, mail goes to the built-in test mailbox */
  mailbox: 'test' | 'smtp';
  limits: PacingLimits;
  /** Messages handed to the account in the last 24 hours (rolling). */
  sentLast24h: number;
}

export const CONNECTION_PROBLEMS = ['dns', 'port_closed', 'tls', 'login_refused', 'sender_refused', 'timeout', 'other'] as const;

export type ConnectionProblem = (typeof CONNECTION_PROBLEMS)[number];

export interface ConnectionTestResult {
  ok: boolean;
  problem: ConnectionProblem | null;
  message: Messages;
  /** The server's own words, when it said something. */
  detail: string | null;
}

export interface SendJobCounts {
  total: number;
  queued: number;
  sending: number;
  sent: number;
  retry: number;
  failed: number;
  skipped: number;
  uncertain: number;
  cancelled: number;
}

export interface SendJobSummary {
  id: number;
  editionId: number;
  editionNumber: number;
  /** 'test': a test send from the editor (to typed addresses, "[TEST]" subject); the edition is not marked sent */
  kind: 'edition' | 'test';
  parentJobId: number | null;
  mailbox: 'test' | 'smtp';
  status: SendJobStatus;
  scheduledAt: string | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  /** Why the job stopped by itself, in plain words (account problems, unreachable server). */
  pause: { reason: string; message: Messages; detail: string | null } | null;
  counts: SendJobCounts;
  /** Failed recipients "resend to failed" would try again: not hard bounces (those addresses do not exist). */
  resendable: number;
  /** Seconds until the last queued message may go, from the pacing; null when unknown. */
  etaSeconds: number | null;
  notice: Messages | null;
}

export interface SendRecipientView {
  id: number;
  personId: number | null;
  name: string;
  email: string;
  language: 'nl' | 'en';
  state: RecipientState;
  reason: string | null;
  /** Plain explanation of reason. */
  reasonText: Messages | null;
  detail: string | null;
  attempts: number;
  messageId: string | null;
  sentAt: string | null;
  /** When a connection last took the message (shown with an uncertain outcome). */
  attemptedAt: string | null;
}

export interface SendJobDetail extends SendJobSummary {
  recipients: { total: number; rows: SendRecipientView[] };
}

export interface TestMailboxMessage {
  id: string;
  receivedAt: string;
  from: string;
  to: string[];
  subject: string;
  messageId: string | null;
  size: number;
}

export interface TestMailboxSettings {
  /** Messages older than this many days are removed from the test mailbox. */
  keepDays: number;
}
