import { deleteEdition, getEdition, listEditions, newBlock, saveEdition } from '../../db/newsletter/editions';
import {
  editionChecklist, exportArchive, getNewsletterSettings, previewEdition, saveNewsletterSettings, settingsView,
} from '../../db/newsletter/newsletter';
import type { newsletterContract } from '../commands/newsletter.contract';
import type { Handlers } from '../commands/registry';

export const newsletterHandlers: Handlers<typeof newsletterContract> = {
  'newsletter.settings.get': async ({ db }) => settingsView(await getNewsletterSettings(db)),
  'newsletter.settings.save': async ({ db }, input) => settingsView(await saveNewsletterSettings(db, input)),

  'newsletter.editions.list': ({ db }, { status }) => listEditions(db, status),
  'newsletter.editions.get': ({ db }, { id }) => getEdition(db, id),
  'newsletter.editions.create': ({ services }, input) => services.newsletter.createEdition(input),
  'newsletter.editions.save': ({ db, now }, input) => saveEdition(db, input, now()),
  'newsletter.editions.delete': async ({ db }, { id }) => {
    await deleteEdition(db, id);
    return { ok: true };
  },
  'newsletter.editions.setStatus': ({ services }, { id, status, acceptWarnings }) => services.newsletter.setStatus(id, status, acceptWarnings),

  'newsletter.blocks.create': ({ db }, input) => newBlock(db, input),

  'newsletter.audience.summary': ({ services }, input) => services.newsletter.audienceSummary(input),
  'newsletter.audience.recipients': ({ services }, { editionId, audience, ...f }) => services.newsletter.audienceRecipients({ editionId, audience }, f),

  'newsletter.preview': async ({ db, services }, input) => previewEdition(db, await services.newsletter.env(), input),
  'newsletter.checklist': async ({ db, services }, { editionId, draft }) => editionChecklist(db, await services.newsletter.env(), editionId, draft),
  'newsletter.testSend': ({ services }, input) => services.sending.queueTest(input),

  'newsletter.archive.get': ({ services }, { editionId, language }) => services.newsletter.archive(editionId, language),
  'newsletter.archive.export': ({ db, dataDir }, { editionId, language }) => exportArchive(db, dataDir, editionId, language),
};
