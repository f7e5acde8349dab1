import { z } from 'zod';
import { command } from './spec';
import { inboxSettingsInput, type InboxSettingsView, type InboxConnectionResult, type InboxCheckResult, type InboxStatus, REVIEW_ACTIONS, type ReviewItemView, HISTORY_FILTER_KEYS, type InboxHistoryPage, type InboxSummary } from '../../db/inbox/types';
import { singleLine } from '../../db/shared/messages';

const id = z.number().int().positive();
export const inboxContract = {
  'inbox.settings.get': command(z.strictObject({})).returns<InboxSettingsView>(),
  'inbox.settings.save': command(inboxSettingsInput).returns<InboxSettingsView>(),
  'inbox.settings.testConnection': command(z.strictObject({})).returns<InboxConnectionResult>(),
  'inbox.checkNow': command(z.strictObject({})).returns<InboxCheckResult>(),
  'inbox.review.list': command(z.strictObject({ status: z.enum(['open', 'done', 'all']).default('open') })).returns<ReviewItemView[]>(),
  'inbox.review.act': command(z.strictObject({
    id,
    action: z.enum(REVIEW_ACTIONS),
    /** For unsubscribe_list. */
    listId: id.optional(),
    /** Links the message to a person when the sender was not recognised. */
    personId: id.optional(),
    actor: singleLine().min(1).max(200),
  })).returns<ReviewItemView>(),
  'inbox.history.list': command(z.strictObject({
    filter: z.enum(HISTORY_FILTER_KEYS).default('all'),
    limit: z.number().int().min(1).max(500).default(100),
    offset: z.number().int().min(0).default(0),
  })).returns<InboxHistoryPage>(),
  'inbox.summary': command(z.strictObject({})).returns<InboxSummary>(),
  'inbox.status': command(z.strictObject({})).returns<InboxStatus>(),
};

export { SMTP_SECURITIES as IMAP_SECURITIES } from '../../db/shared/status';
export type { SmtpSecurity as ImapSecurity } from '../../db/shared/status';
export { inboxSettingsInput, REVIEW_ACTIONS, HISTORY_FILTER_KEYS } from '../../db/inbox/types';
export type { InboxSettingsInput, ImapSettings, InboxSettingsView, InboxConnectionResult, InboxKind, InboxCheckResult, InboxStatus, ReviewAction, ReviewItemView, InboxHistoryFilter, InboxHistoryRow, InboxHistoryPage, InboxSummary } from '../../db/inbox/types';
