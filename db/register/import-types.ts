import type { OrganisationKind } from '../shared/register';

/** Target fields a CSV column can be mapped to. */
export const IMPORT_FIELDS = [
  'firstName', 'lastName', 'fullName', 'email', 'email2', 'phone', 'organisation', 'organisationKind',
  'jobTitle', 'language', 'tags', 'notes', 'region', 'municipality', 'owner', 'power', 'interest',
] as const;

export type ImportField = (typeof IMPORT_FIELDS)[number];

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
