import { commitImport, previewImport, validateImport } from '../../db/register/import';
import type { importContract } from '../commands/import.contract';
import type { Handlers } from '../commands/registry';

export const importHandlers: Handlers<typeof importContract> = {
  'import.preview': ({ services }, { fileName, contentBase64 }) => previewImport(services.import, fileName, Buffer.from(contentBase64, 'base64')),
  'import.validate': (ctx, { importId, mapping, duplicates, lang, organisationKinds }) =>
    validateImport(ctx, ctx.services.import.get(importId), mapping, duplicates, lang, (emails) => ctx.services.consent.screen(emails), organisationKinds),
  'import.commit': (ctx, { importId, mapping, duplicates, organisationKinds }) =>
    commitImport(ctx, ctx.services.import.get(importId), mapping, duplicates, organisationKinds),
  'import.progress': ({ services }, { importId }) => ({ ...services.import.get(importId).progress }),
  'import.discard': ({ services }, { importId }) => {
    services.import.delete(importId);
    return { ok: true } as const;
  },
};
