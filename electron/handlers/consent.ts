import { listRequests, createRequest, extendRequest, getRequest, updateRequest } from '../../db/consent/avg-requests';
import {
  archiveMailingList, checkConsent, confirm, getMailingList, listMailingLists, listMembers, exportMembersCsv, lookupAddress, mayMail, personConsent,
  saveMailingList, subscribe, subscribeMany, summariseVerdicts, suppress, unsubscribe,
} from '../../db/consent/consent';
import { consentProof, exportPersonData } from '../../db/consent/documents';
import { erasePerson, previewErasure } from '../../db/consent/erasure';
import { applyRetention, getRetentionSettings, reviewRetention, saveRetentionSettings } from '../../db/consent/retention';
import type { consentContract } from '../commands/consent.contract';
import type { Handlers } from '../commands/registry';

export const consentHandlers: Handlers<typeof consentContract> = {
  'lists.list': ({ db }, { includeArchived }) => listMailingLists(db, { includeArchived }),
  'lists.get': ({ db }, { id }) => getMailingList(db, id),
  'lists.save': ({ db, now }, input) => saveMailingList(db, input, now()),
  'lists.archive': async ({ db, now }, { id, archived }) => {
    await archiveMailingList(db, id, archived, now());
    return { ok: true };
  },
  'lists.members': ({ db }, { listId, ...f }) => listMembers(db, listId, f),
  'lists.exportMembers': async ({ db, now }, { listId, ...f }) => {
    const { csv, count, slug } = await exportMembersCsv(db, listId, f);
    return { csv, count, fileName: `schakel-${slug}-${now().toISOString().slice(0, 10)}.csv` };
  },

  'consent.subscribe': ({ db, services }, input) => services.consent.journalled((env) => subscribe(db, env, input)),
  'consent.subscribeMany': async ({ db, services }, input) => subscribeMany(db, await services.consent.env(), input),
  'consent.confirm': async ({ db, services }, input) => confirm(db, await services.consent.env(), input),
  'consent.unsubscribe': ({ db, services }, input) => services.consent.journalled((env) => unsubscribe(db, env, input)),
  'consent.suppress': ({ db, services }, input) => services.consent.journalled((env) => suppress(db, env, input)),
  'consent.person': async ({ db, services }, { personId }) => personConsent(db, await services.consent.hasher(), personId),
  'consent.proof': async ({ db, now, services }, { personId, language }) => consentProof(db, await services.consent.hasher(), personId, now(), language),
  'consent.lookupAddress': async ({ db, services }, { email }) => lookupAddress(db, await services.consent.hasher(), email),
  'consent.mayMail': async ({ db, services }, { personId, listId }) => mayMail(db, await services.consent.hasher(), personId, listId),
  'consent.check': async ({ db, services }, { listId, emails }) => summariseVerdicts(await checkConsent(db, await services.consent.hasher(), emails, listId)),
  'consent.screen': ({ services }, { emails }) => services.consent.screen(emails),

  'avg.summary': ({ services }) => services.consent.avgSummary(),
  'avg.listRequests': ({ db, now }, f) => listRequests(db, now(), f),
  'avg.getRequest': ({ db, now }, { id }) => getRequest(db, id, now()),
  'avg.createRequest': ({ db, now }, input) => createRequest(db, input, now()),
  'avg.updateRequest': ({ db, now }, input) => updateRequest(db, input, now()),
  'avg.extendRequest': ({ db, now }, input) => extendRequest(db, input, now()),
  'avg.exportPerson': async ({ db, now, services }, { personId, language }) => exportPersonData(db, await services.consent.hasher(), personId, now(), language),
  'avg.erasePreview': async ({ db, services }, { personId }) => previewErasure(db, await services.consent.env(), personId),
  'avg.erase': ({ db, services }, { personId, requestId, actor }) =>
    services.consent.journalled((env) => erasePerson(db, env, { personId, actor, requestId: requestId ?? null, source: requestId ? 'avg_request' : 'staff' })),

  'retention.getSettings': ({ db }) => getRetentionSettings(db),
  'retention.saveSettings': ({ db }, settings) => saveRetentionSettings(db, settings),
  'retention.review': ({ db, now }, { asOf }) => reviewRetention(db, now(), asOf),
  'retention.apply': ({ db, services }, input) => services.consent.journalled((env) => applyRetention(db, env, input)),
};
