import { z } from 'zod';
import { command } from './spec';
import { ORGANISATION_KINDS } from '../../db/shared/register';
import { IMPORT_FIELDS, type ImportPreview, type ImportReport, type ImportResult, type ImportProgress } from '../../db/register/import-types';

/** Column index (0-based) per target field; unmapped fields are absent. */
const mapping = z.partialRecord(z.enum(IMPORT_FIELDS), z.number().int().min(0).max(500));
const importRef = z.strictObject({ importId: z.string().min(8).max(64) });
const options = importRef.extend({
  mapping,
  duplicates: z.enum(['merge', 'skip']).default('skip'),
  /** Kind per new organisation (by name as reported), chosen on the check screen. */
  organisationKinds: z.record(z.string().max(200), z.enum(ORGANISATION_KINDS)).optional(),
  /** Language of the row problems in the report; Dutch when absent. */
  lang: z.enum(['nl', 'en']).optional(),
});
export const importContract = {
  'import.preview': command(
    z.strictObject({
      fileName: z.string().max(300),
      contentBase64: z.string().max(64 * 1024 * 1024),
    }),
  ).returns<ImportPreview>(),
  'import.validate': command(options).returns<ImportReport>(),
  'import.commit': command(options).returns<ImportResult>(),
  'import.progress': command(importRef).returns<ImportProgress>(),
  'import.discard': command(importRef).returns<{ ok: true }>(),
};

export { IMPORT_FIELDS } from '../../db/register/import-types';
export type { ImportField, ImportPreview, ImportRowProblem, ImportReport, ImportResult, ImportProgress } from '../../db/register/import-types';
