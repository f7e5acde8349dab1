import { z } from 'zod';
import { ORGANISATION_KINDS, type OrganisationKind } from '../../db/schema';
import { command } from './spec';

/** Target fields a CSV column can be mapped to. */
export const IMPORT_FIELDS = [
  'firstName', 'lastName', 'fullName', 'email', 'email2', 'phone', 'organisation', 'organisationKind',
  'jobTitle', 'language', 'tags', 'notes', 'region', 'municipality', 'owner', 'power', 'interest',
] as const;
export type ImportField = (typeof IMPORT_FIELDS)[number];

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

export interface ImportPreview {
  importId: string;
  fileName: string;
  encoding: 'utf-8' | 'windows-1252';
  delimiter: ',' | ';' | '\t';
  headers: string[];
  sampleRows: string[][];
  rowCount: number;
  suggestedMapping: Partial<Record<ImportField, number>>;
  /** Recognised header layout, e.g. 'outlook' */
  layout: 'outlook' | 'schakel' | 'generic';
}

export interface ImportRowProblem {
  line: number;
  reasons: string[];
}

export interface ImportReport {
  importId: string;
  total: number;
  valid: number;
  toCreate: number;
  /** Existing people a merge would change; 0 when skipping. */
  toUpdate: number;
  /** name and organisation: the person the row duplicates (and is merged into when merging). */
  duplicates: {
    line: number; email: string; existingPersonId: number | null; inFile: boolean; name: string; organisation: string | null;
  }[];
  invalid: ImportRowProblem[];
  /** kindFromFile: the file's kind column gave it; otherwise guessed from the name. */
  newOrganisations: { name: string; kind: OrganisationKind; kindFromFile: boolean }[];
  /** Rows whose address is on the suppression list: they join the register, never a mailing list without fresh consent. */
  suppressed: { line: number; email: string; reason: string; since: string }[];
}

export interface ImportResult {
  created: number;
  merged: number;
  skipped: number;
  invalid: number;
  organisationsCreated: number;
}

export interface ImportProgress {
  phase: 'parsed' | 'validating' | 'writing' | 'done' | 'failed';
  done: number;
  total: number;
}

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
