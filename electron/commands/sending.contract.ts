import { z } from 'zod';
import { command } from './spec';
import type { Messages } from '../../db/shared/messages';
import { sendingSettingsInput, type SendingSettingsView, type ConnectionTestResult, type SendJobSummary, type SendJobDetail, type TestMailboxMessage, type TestMailboxSettings } from '../../db/sending/types';

const id = z.number().int().positive();
export const sendingContract = {
  'sending.settings.get': command(z.strictObject({})).returns<SendingSettingsView>(),
  'sending.settings.save': command(sendingSettingsInput).returns<SendingSettingsView>(),
  /** Connects, logs in and sends a short test mail to the sender's own address. */
  'sending.settings.testConnection': command(z.strictObject({})).returns<ConnectionTestResult>(),

  'sending.jobs.create': command(z.strictObject({
    editionId: id,
    /** ISO date-time; absent: now */
    scheduledAt: z.string().datetime({ offset: true }).nullish(),
  })).returns<SendJobDetail>(),
  'sending.jobs.list': command(z.strictObject({})).returns<SendJobSummary[]>(),
  'sending.jobs.get': command(z.strictObject({
    id,
    state: z.enum(['queued', 'sending', 'sent', 'retry', 'failed', 'skipped', 'uncertain', 'cancelled']).nullish(),
    offset: z.number().int().min(0).default(0),
    limit: z.number().int().min(1).max(1000).default(100),
  })).returns<SendJobDetail>(),
  'sending.jobs.pause': command(z.strictObject({ id })).returns<SendJobSummary>(),
  /** Also starts a job that became due while Schakel was closed. With a password: kept first (when it was missing). */
  'sending.jobs.resume': command(z.strictObject({ id, password: z.string().min(1).max(1000).optional() })).returns<SendJobSummary>(),
  'sending.jobs.cancel': command(z.strictObject({ id })).returns<SendJobSummary>(),
  /** For recipients whose outcome is unknown after an interruption: send again, or record as sent. */
  'sending.jobs.resolveUncertain': command(z.strictObject({
    id, action: z.enum(['resend', 'markSent']), recipientIds: z.array(id).max(100_000).nullish(),
  })).returns<SendJobSummary>(),
  /** A follow-up job for just the failed recipients. */
  'sending.jobs.resendFailed': command(z.strictObject({ id })).returns<SendJobDetail>(),

  'sending.testMailbox.list': command(z.strictObject({
    offset: z.number().int().min(0).default(0), limit: z.number().int().min(1).max(1000).default(100),
  })).returns<{ notice: Messages; total: number; keepDays: number; messages: TestMailboxMessage[] }>(),
  /** How long the test mailbox keeps messages; older ones are removed at once. */
  'sending.testMailbox.saveSettings': command(z.strictObject({ keepDays: z.number().int().min(1).max(3650) }))
    .returns<TestMailboxSettings & { removed: number }>(),
  'sending.testMailbox.get': command(z.strictObject({ id: z.string().regex(/^[\w.-]{1,100}$/) })).returns<
    TestMailboxMessage & { notice: Messages; html: string | null; text: string; headers: { key: string; value: string }[] }
  >(),
};

export { SMTP_SECURITIES } from '../../db/shared/status';
export type { SmtpSecurity, SendJobStatus, SendRecipientState as RecipientState } from '../../db/shared/status';
export { PROVIDER_PROFILES, sendingSettingsInput, CONNECTION_PROBLEMS } from '../../db/sending/types';
export type { ProviderProfile, SendingSettingsInput, PacingLimits, SmtpSettings, SendingSettingsView, ConnectionProblem, ConnectionTestResult, SendJobCounts, SendJobSummary, SendRecipientView, SendJobDetail, TestMailboxMessage, TestMailboxSettings } from '../../db/sending/types';
