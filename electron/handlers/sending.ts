import type { sendingContract } from '../commands/sending.contract';
import type { Handlers } from '../commands/registry';

export const sendingHandlers: Handlers<typeof sendingContract> = {
  'sending.settings.get': ({ services }) => services.sending.settings(),
  'sending.settings.save': ({ services }, input) => services.sending.saveSettings(input),
  'sending.settings.testConnection': ({ services }) => services.sending.testConnection(),

  'sending.jobs.create': ({ services }, { editionId, scheduledAt }) => services.sending.createJob({ editionId, scheduledAt }),
  'sending.jobs.list': ({ services }) => services.sending.listJobs(),
  'sending.jobs.get': ({ services }, { id, ...f }) => services.sending.getJob(id, f),
  'sending.jobs.pause': ({ services }, { id }) => services.sending.setJobStatus(id, 'pause'),
  'sending.jobs.resume': ({ services }, { id, password }) => services.sending.resume(id, password),
  'sending.jobs.cancel': ({ services }, { id }) => services.sending.setJobStatus(id, 'cancel'),
  'sending.jobs.resolveUncertain': ({ services }, { id, action, recipientIds }) => services.sending.resolveUncertain(id, action, recipientIds ?? null),
  'sending.jobs.resendFailed': ({ services }, { id }) => services.sending.resendFailed(id),

  'sending.testMailbox.list': ({ services }, { offset, limit }) => services.sending.mailbox.list(offset, limit),
  'sending.testMailbox.get': ({ services }, { id }) => services.sending.mailbox.get(id),
  'sending.testMailbox.saveSettings': ({ services }, input) => services.sending.saveTestMailboxSettings(input),
};
