import { listMailingLists } from '../../db/consent/consent';
import {
  createEdition, deleteEdition, getArchive, getEdition, listEditions, loadEdition, newBlock, parseContent, saveEdition, setEditionStatus,
} from '../../db/newsletter/editions';
import { filterRecipients, resolveAudience, summariseAudience } from '../../db/newsletter/audience';
import {
  assertReady, editionChecklist, exportArchive, getNewsletterSettings, previewEdition, saveNewsletterSettings, settingsView,
  UnsubscribeTokens, type NewsletterEnv,
} from '../../db/newsletter/newsletter';
import { createTestJob, testQueuedMessage } from '../../db/sending/outbox';
import { getSmtpSettings, isConfigured } from '../../db/mail/smtp';
import type { newsletterContract } from '../commands/newsletter.contract';
import type { Handlers } from '../commands/registry';
import { hasherFor } from './consent';
import { sendingRuntime } from './sending';
import type { Context } from '../../db/store/context';
import type { Audience } from '../../db/shared/newsletter';

const tokens = new WeakMap<Context, UnsubscribeTokens>();

/** The installation's newsletter key (secrets/newsletter.key), created on first use. */
export function tokensFor(ctx: Context): UnsubscribeTokens {
  let t = tokens.get(ctx);
  if (!t) {
    t = UnsubscribeTokens.forDataDir(ctx.dataDir);
    tokens.set(ctx, t);
  }
  return t;
}

export async function newsletterEnv(ctx: Context): Promise<NewsletterEnv> {
  return { hasher: await hasherFor(ctx), tokens: tokensFor(ctx), dataDir: ctx.dataDir, now: ctx.now() };
}

async function audienceOf(ctx: Context, input: { editionId?: number | null; audience?: Audience | null }): Promise<Audience> {
  if (input.audience) return input.audience;
  if (input.editionId) return parseContent(await loadEdition(ctx.db, input.editionId)).audience;
  return { listIds: [], organisationKinds: [], pilotIds: [], regions: [], tags: [] };
}

export const newsletterHandlers: Handlers<typeof newsletterContract> = {
  'newsletter.settings.get': async ({ db }) => settingsView(await getNewsletterSettings(db)),
  'newsletter.settings.save': async ({ db }, input) => settingsView(await saveNewsletterSettings(db, input)),

  'newsletter.editions.list': ({ db }, { status }) => listEditions(db, status),
  'newsletter.editions.get': ({ db }, { id }) => getEdition(db, id),
  'newsletter.editions.create': async ({ db, now }, input) => {
    const lists = await listMailingLists(db);
    const id = await createEdition(db, { ...input, defaultListIds: lists.map((l) => l.id) }, now());
    return getEdition(db, id);
  },
  'newsletter.editions.save': ({ db, now }, input) => saveEdition(db, input, now()),
  'newsletter.editions.delete': async ({ db }, { id }) => {
    await deleteEdition(db, id);
    return { ok: true };
  },
  'newsletter.editions.setStatus': async (ctx, { id, status, acceptWarnings }) => {
    if (status === 'ready') {
      const row = await loadEdition(ctx.db, id);
      if (row.status !== 'ready' && !row.sent_at) await assertReady(ctx.db, await newsletterEnv(ctx), id, acceptWarnings);
    }
    await setEditionStatus(ctx.db, id, status, ctx.now());
    return getEdition(ctx.db, id);
  },

  'newsletter.blocks.create': ({ db }, input) => newBlock(db, input),

  'newsletter.audience.summary': async (ctx, input) => {
    const audience = await audienceOf(ctx, input);
    return summariseAudience(ctx.db, await resolveAudience(ctx.db, await hasherFor(ctx), audience), audience);
  },
  'newsletter.audience.recipients': async (ctx, { editionId, audience, ...f }) => {
    const a = await audienceOf(ctx, { editionId, audience });
    return filterRecipients(await resolveAudience(ctx.db, await hasherFor(ctx), a), f);
  },

  'newsletter.preview': async (ctx, input) => previewEdition(ctx.db, await newsletterEnv(ctx), input),
  'newsletter.checklist': async (ctx, { editionId, draft }) => editionChecklist(ctx.db, await newsletterEnv(ctx), editionId, draft),
  'newsletter.testSend': async (ctx, input) => {
    // As for an edition: the SMTP account when set up, otherwise the built-in test mailbox.
    const mailbox = isConfigured(await getSmtpSettings(ctx.db)) ? 'smtp' as const : 'test' as const;
    const r = await createTestJob(ctx.db, await newsletterEnv(ctx), { ...input, mailbox });
    sendingRuntime(ctx).worker.kick();
    return { jobId: r.jobId, mailbox, message: testQueuedMessage(r, mailbox) };
  },

  'newsletter.archive.get': async ({ db }, { editionId, language }) => {
    const a = await getArchive(db, editionId, language);
    return {
      editionId, language, subject: a.subject, preheader: a.preheader, html: a.web_html, text: a.text, createdAt: a.created_at,
    };
  },
  'newsletter.archive.export': ({ db, dataDir }, { editionId, language }) => exportArchive(db, dataDir, editionId, language),
};
