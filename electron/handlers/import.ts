import { screenAddresses } from '../../db/consent/suppression';
import { hasherFor } from './consent';
import { commitImport, ImportStore, previewImport, validateImport } from '../../db/register/import';
import type { importContract } from '../commands/import.contract';
import type { Handlers } from '../commands/registry';

/** Parsed files between preview and commit; memory only, a few at a time, expiring after 30 minutes. */
export const importStore = new ImportStore();

export const importHandlers: Handlers<typeof importContract> = {
  'import.preview': (_ctx, { fileName, contentBase64 }) => previewImport(importStore, fileName, Buffer.from(contentBase64, 'base64')),
  'import.validate': async (ctx, { importId, mapping, duplicates, lang, organisationKinds }) => {
    const screen = async (emails: string[]) => screenAddresses(ctx.db, await hasherFor(ctx), emails);
    return validateImport(ctx, importStore.get(importId), mapping, duplicates, lang, screen, organisationKinds);
  },
  'import.commit': (ctx, { importId, mapping, duplicates, organisationKinds }) =>
    commitImport(ctx, importStore.get(importId), mapping, duplicates, organisationKinds),
  'import.progress': (_ctx, { importId }) => ({ ...importStore.get(importId).progress }),
  'import.discard': (_ctx, { importId }) => {
    importStore.delete(importId);
    return { ok: true } as const;
  },
};
