import { readOrCreateKey, SecretMissingError, SUPPRESSION_KEY_FILE } from '../../db/store/secrets';
import { listRequests, createRequest, extendRequest, getRequest, requestSummary, updateRequest } from '../../db/consent/avg-requests';
import {
  archiveMailingList, checkConsent, confirm, getMailingList, listMailingLists, listMembers, lookupAddress, mayMail, personConsent,
  saveMailingList, seedMailingLists, subscribe, subscribeMany, summariseVerdicts, suppress, unsubscribe,
} from '../../db/consent/consent';
import { consentProof, exportPersonData } from '../../db/consent/documents';
import { readJournal, reapplyJournal, syncJournal } from '../../db/consent/journal';
import { erasePerson, previewErasure } from '../../db/consent/erasure';
import { applyRetention, getRetentionSettings, reviewRetention, saveRetentionSettings } from '../../db/consent/retention';
import { AddressHasher, hasKeyFingerprint, screenAddresses, verifyKeyFingerprint } from '../../db/consent/suppression';
import type { consentContract } from '../commands/consent.contract';
import { CommandError } from '../../db/shared/errors';
import type { Handlers } from '../commands/registry';
import type { Context } from '../../db/store/context';

const hashers = new WeakMap<Context, AddressHasher>();

/** The installation's suppression key: created on first use, refused when it does not match the database. */
export async function hasherFor(ctx: Context): Promise<AddressHasher> {
  const cached = hashers.get(ctx);
  if (cached) return cached;
  const known = await hasKeyFingerprint(ctx.db);
  let key: Buffer;
  try {
    key = readOrCreateKey(ctx.dataDir, SUPPRESSION_KEY_FILE, { create: !known });
  } catch (error) {
    if (error instanceof SecretMissingError) {
      throw new CommandError('suppression_key_missing', {
        nl: 'De sleutel van de afmeldlijst (secrets/suppression.key in de gegevensmap) ontbreekt. Zet hem terug uit de back-up; '
          + 'zonder die sleutel kan Schakel niet controleren wie is afgemeld, en verstuurt daarom niets.',
        en: 'The suppression list key (secrets/suppression.key in the data folder) is missing. Restore it from the backup; '
          + 'without it Schakel cannot check who unsubscribed, so it sends nothing.',
      });
    }
    throw error;
  }
  const hasher = new AddressHasher(key);
  if ((await verifyKeyFingerprint(ctx.db, hasher)) === 'mismatch') {
    throw new CommandError('suppression_key_mismatch', {
      nl: 'De sleutel van de afmeldlijst (secrets/suppression.key) hoort niet bij deze database. Zet de juiste sleutel terug uit de back-up.',
      en: 'The suppression list key (secrets/suppression.key) does not belong to this database. Restore the right key from the backup.',
    });
  }
  hashers.set(ctx, hasher);
  return hasher;
}

/**
 * At start and after a restore: seed the default lists once, and apply the journal of ways out
 * again (see consent-journal.ts).
 */
export async function prepareConsent(ctx: Context): Promise<void> {
  hashers.delete(ctx);
  await seedMailingLists(ctx.db, ctx.now());
  if (!readJournal(ctx.dataDir).length) return;
  let hasher: AddressHasher;
  try {
    hasher = await hasherFor(ctx);
  } catch (error) {
    // Without the right key nothing is mailed at all (every check fails closed); the start screen says why.
    if (error instanceof CommandError) return;
    throw error;
  }
  await reapplyJournal(ctx.db, { hasher, now: ctx.now(), dataDir: ctx.dataDir });
  await syncJournal(ctx.db, ctx.dataDir);
}

const env = async (ctx: Context) => ({ hasher: await hasherFor(ctx), now: ctx.now(), dataDir: ctx.dataDir });

/** Runs a write and copies any new way out into the journal once it is committed. */
async function journalled<T>(ctx: Context, write: Promise<T>): Promise<T> {
  const result = await write;
  await syncJournal(ctx.db, ctx.dataDir);
  return result;
}

export const consentHandlers: Handlers<typeof consentContract> = {
  'lists.list': ({ db }, { includeArchived }) => listMailingLists(db, { includeArchived }),
  'lists.get': ({ db }, { id }) => getMailingList(db, id),
  'lists.save': ({ db, now }, input) => saveMailingList(db, input, now()),
  'lists.archive': async ({ db, now }, { id, archived }) => {
    await archiveMailingList(db, id, archived, now());
    return { ok: true };
  },
  'lists.members': ({ db }, { listId, ...f }) => listMembers(db, listId, f),

  'consent.subscribe': async (ctx, input) => journalled(ctx, subscribe(ctx.db, await env(ctx), input)),
  'consent.subscribeMany': async (ctx, input) => subscribeMany(ctx.db, await env(ctx), input),
  'consent.confirm': async (ctx, input) => confirm(ctx.db, await env(ctx), input),
  'consent.unsubscribe': async (ctx, input) => journalled(ctx, unsubscribe(ctx.db, await env(ctx), input)),
  'consent.suppress': async (ctx, input) => journalled(ctx, suppress(ctx.db, await env(ctx), input)),
  'consent.person': async (ctx, { personId }) => personConsent(ctx.db, await hasherFor(ctx), personId),
  'consent.proof': async (ctx, { personId, language }) => consentProof(ctx.db, await hasherFor(ctx), personId, ctx.now(), language),
  'consent.lookupAddress': async (ctx, { email }) => lookupAddress(ctx.db, await hasherFor(ctx), email),
  'consent.mayMail': async (ctx, { personId, listId }) => mayMail(ctx.db, await hasherFor(ctx), personId, listId),
  'consent.check': async (ctx, { listId, emails }) => summariseVerdicts(await checkConsent(ctx.db, await hasherFor(ctx), emails, listId)),
  'consent.screen': async (ctx, { emails }) => screenAddresses(ctx.db, await hasherFor(ctx), emails),

  'avg.summary': async (ctx) => {
    let suppressionKey: 'ok' | 'missing' | 'mismatch' = 'ok';
    try {
      await hasherFor(ctx);
    } catch (error) {
      if (!(error instanceof CommandError)) throw error;
      suppressionKey = error.code === 'suppression_key_missing' ? 'missing' : 'mismatch';
    }
    const pending = await ctx.db.selectFrom('subscriptions').select((eb) => eb.fn.countAll<number>().as('n')).where('status', '=', 'pending').executeTakeFirstOrThrow();
    return { ...(await requestSummary(ctx.db, ctx.now())), pendingConfirmations: Number(pending.n), suppressionKey };
  },
  'avg.listRequests': ({ db, now }, f) => listRequests(db, now(), f),
  'avg.getRequest': ({ db, now }, { id }) => getRequest(db, id, now()),
  'avg.createRequest': ({ db, now }, input) => createRequest(db, input, now()),
  'avg.updateRequest': ({ db, now }, input) => updateRequest(db, input, now()),
  'avg.extendRequest': ({ db, now }, input) => extendRequest(db, input, now()),
  'avg.exportPerson': async (ctx, { personId, language }) => exportPersonData(ctx.db, await hasherFor(ctx), personId, ctx.now(), language),
  'avg.erasePreview': async (ctx, { personId }) => previewErasure(ctx.db, await env(ctx), personId),
  'avg.erase': async (ctx, { personId, requestId, actor }) =>
    journalled(ctx, erasePerson(ctx.db, await env(ctx), { personId, actor, requestId: requestId ?? null, source: requestId ? 'avg_request' : 'staff' })),

  'retention.getSettings': ({ db }) => getRetentionSettings(db),
  'retention.saveSettings': ({ db }, settings) => saveRetentionSettings(db, settings),
  'retention.review': ({ db, now }, { asOf }) => reviewRetention(db, now(), asOf),
  'retention.apply': async (ctx, input) => journalled(ctx, applyRetention(ctx.db, await env(ctx), input)),
};
