import { inboxSummary, listHistory, listReview } from '../../db/inbox/inbox';
import type { inboxContract } from '../commands/inbox.contract';
import type { Handlers } from '../commands/registry';

export const inboxHandlers: Handlers<typeof inboxContract> = {
  'inbox.settings.get': ({ services }) => services.inbox.settings(),
  'inbox.settings.save': ({ services }, input) => services.inbox.saveSettings(input),
  'inbox.settings.testConnection': ({ services }) => services.inbox.testConnection(),
  'inbox.checkNow': ({ services }) => services.inbox.checkNow(),
  'inbox.review.list': ({ db }, input) => listReview(db, input.status),
  'inbox.review.act': ({ services }, input) => services.inbox.actOnReview(input),
  'inbox.history.list': ({ db }, input) => listHistory(db, input),
  'inbox.summary': ({ db, now }) => inboxSummary(db, now()),
  'inbox.status': ({ services }) => services.inbox.status(),
};
