import { LABELS } from '../consent/consent-model';
import { randomBytes } from 'node:crypto';
import type BetterSqlite3 from 'better-sqlite3';
import type { Db } from '../store/connection';
import { fold, isValidEmail, normaliseEmail } from '../shared/text';
import { CommandError } from '../shared/errors';
import {
  CsvSyntaxError, decodeCsvBytes, detectDelimiter, guessMapping, guessOrganisationKind, isNamePrefix, parseCsv, parseLanguage,
  parseOrganisationKind, splitFullName, type CsvDelimiter, type CsvEncoding, type HeaderGuess,
} from './csv';
import { organisationSearchText } from './organisations';
import { personSearchText, personSortKey, syncPeopleSearchIndex } from './people';
import { isSingleLine, type UiLanguage } from '../shared/messages';
import type { OrganisationKind, Domain, Language } from '../shared/register';
import type { ImportField, ImportPreview, ImportProgress, ImportReport, ImportResult, ImportRowProblem } from './import-types';
import type { SuppressionReason } from '../shared/consent';

export type ImportMapping = Partial<Record<ImportField, number>>;
export type DuplicateMode = 'merge' | 'skip';
/** Kind per new organisation name, as chosen on the check screen. */
export type OrganisationKindChoice = Partial<Record<string, OrganisationKind>>;

export interface ImportSession {
  id: string;
  fileName: string;
  encoding: CsvEncoding;
  delimiter: CsvDelimiter;
  headers: string[];
  /** Data records (header excluded) and the file line each starts on. */
  rows: string[][];
  lines: number[];
  guess: HeaderGuess;
  touchedAt: number;
  progress: ImportProgress;
  busy: boolean;
  committed: ImportResult | null;
  prepared: { key: string; rows: PreparedRow[] } | null;
  /** The last plan, reusable while the database has not changed since (see databaseStamp). */
  plan: { key: string; stamp: string; plan: ImportPlan } | null;
}

/** Parsed files waiting for their commit. Memory only: nothing reaches the database before the commit. */
export class ImportStore {
  private readonly sessions = new Map<string, ImportSession>();

  constructor(
    readonly maxEntries = 4,
    readonly ttlMs = 30 * 60_000,
    private readonly clock: () => number = Date.now,
  ) {}

  add(session: Omit<ImportSession, 'id' | 'touchedAt'>): ImportSession {
    this.sweep();
    while (this.sessions.size >= this.maxEntries) {
      const oldest = [...this.sessions.values()].filter((s) => !s.busy).sort((a, b) => a.touchedAt - b.touchedAt)[0];
      if (!oldest) {
        throw new CommandError('import_busy', {
          nl: 'Er lopen al te veel imports tegelijk. Wacht tot die klaar zijn.',
          en: 'Too many imports are running at once. Wait for them to finish.',
        });
      }
      this.sessions.delete(oldest.id);
    }
    const full: ImportSession = { ...session, id: randomBytes(16).toString('hex'), touchedAt: this.clock() };
    this.sessions.set(full.id, full);
    return full;
  }

  get(id: string): ImportSession {
    this.sweep();
    const session = this.sessions.get(id);
    if (!session) {
      throw new CommandError('import_expired', {
        nl: 'Dit importbestand is niet meer beschikbaar (verlopen of afgesloten). Kies het bestand opnieuw.',
        en: 'This import file is no longer available (expired or closed). Choose the file again.',
      });
    }
    session.touchedAt = this.clock();
    return session;
  }

  delete(id: string): void {
    const session = this.sessions.get(id);
    if (session?.busy) {
      throw new CommandError('import_busy', {
        nl: 'Deze import wordt nog opgeslagen. Wacht tot hij klaar is.',
        en: 'This import is still being saved. Wait for it to finish.',
      });
    }
    this.sessions.delete(id);
  }

  get size(): number {
    return this.sessions.size;
  }

  private sweep(): void {
    const limit = this.clock() - this.ttlMs;
    for (const [id, s] of this.sessions) if (!s.busy && s.touchedAt < limit) this.sessions.delete(id);
  }
}

// ---------------------------------------------------------------------------------------------
// Preview

export function previewImport(store: ImportStore, fileName: string, bytes: Uint8Array): ImportPreview {
  if (bytes.length >= 2 && ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff))) {
    throw new CommandError('csv_utf16', {
      nl: 'Dit bestand is opgeslagen als Unicode-tekst (UTF-16). Sla het in Excel op als "CSV UTF-8 (door komma\'s gescheiden)" en probeer het opnieuw.',
      en: 'This file is saved as Unicode text (UTF-16). Save it in Excel as "CSV UTF-8 (Comma delimited)" and try again.',
    });
  }
  if ((bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04) || bytes.subarray(0, 4096).includes(0)) {
    throw new CommandError('not_csv', {
      nl: 'Dit is geen CSV-bestand. Sla het in Excel op als "CSV (gescheiden door lijstscheidingsteken)" en kies dat bestand.',
      en: 'This is not a CSV file. Save it in Excel as "CSV (Comma delimited)" and choose that file.',
    });
  }
  const { text, encoding } = decodeCsvBytes(bytes);
  const delimiter = detectDelimiter(text);
  let parsed;
  try {
    parsed = parseCsv(text, delimiter);
  } catch (error) {
    if (!(error instanceof CsvSyntaxError)) throw error;
    throw new CommandError('csv_invalid', {
      nl: `Het bestand kan niet gelezen worden${error.line ? ` (rond regel ${error.line})` : ''}: waarschijnlijk ontbreekt er een aanhalingsteken (").`,
      en: `The file cannot be read${error.line ? ` (around line ${error.line})` : ''}: a quote (") is probably missing.`,
    });
  }
  const [header, ...rows] = parsed.records;
  if (!header || rows.length === 0) {
    throw new CommandError('csv_empty', {
      nl: 'Het bestand bevat geen personen: er is hooguit een kopregel.',
      en: 'The file contains no people: there is at most a header line.',
    });
  }
  const headers = header.map((h) => h.trim());
  const guess = guessMapping(headers);
  const session = store.add({
    fileName,
    encoding,
    delimiter,
    headers,
    rows,
    lines: parsed.lines.slice(1),
    guess,
    progress: { phase: 'parsed', done: rows.length, total: rows.length },
    busy: false,
    committed: null,
    prepared: null,
    plan: null,
  });
  return {
    importId: session.id,
    fileName,
    encoding,
    delimiter,
    headers,
    sampleRows: rows.slice(0, 5).map((r) => headers.map((_, i) => r[i] ?? '')),
    rowCount: rows.length,
    suggestedMapping: guess.mapping,
    layout: guess.layout,
  };
}

// ---------------------------------------------------------------------------------------------
// Rows: from CSV fields to checked values (pure)

type ProblemCode =
  | 'name_required' | 'invalid_email' | 'too_many_emails' | 'unknown_organisation_kind' | 'unknown_language' | 'too_long'
  | 'invalid_scale' | 'line_break';

interface Problem {
  code: ProblemCode;
  value?: string;
  field?: ImportField;
  max?: number;
}

export interface PreparedRow {
  line: number;
  firstName: string;
  lastName: string;
  emails: { email: string; norm: string }[];
  phone: string | null;
  organisation: string | null;
  organisationKind: OrganisationKind | null;
  jobTitle: string | null;
  /** null: not given in the file */
  language: Language | null;
  tags: string[];
  notes: string | null;
  region: string | null;
  municipality: string | null;
  owner: string | null;
  power: number | null;
  interest: number | null;
  problems: Problem[];
}

const FIELD_LABEL: Record<ImportField, { nl: string; en: string }> = {
  firstName: { nl: 'Voornaam', en: 'First name' },
  lastName: { nl: 'Achternaam', en: 'Last name' },
  fullName: { nl: 'Naam', en: 'Name' },
  email: { nl: 'E-mail', en: 'E-mail' },
  email2: { nl: 'Tweede e-mail', en: 'Second e-mail' },
  phone: { nl: 'Telefoon', en: 'Phone' },
  organisation: { nl: 'Organisatie', en: 'Organisation' },
  organisationKind: { nl: 'Soort organisatie', en: 'Kind of organisation' },
  jobTitle: { nl: 'Functie', en: 'Job title' },
  language: { nl: 'Taal', en: 'Language' },
  tags: { nl: 'Tags', en: 'Tags' },
  notes: { nl: 'Notities', en: 'Notes' },
  region: { nl: 'Regio', en: 'Region' },
  municipality: { nl: 'Gemeente', en: 'Municipality' },
  owner: { nl: 'Relatiebeheerder', en: 'Relationship owner' },
  power: { nl: 'Invloed', en: 'Power' },
  interest: { nl: 'Belang', en: 'Interest' },
};

function problemText(p: Problem, lang: UiLanguage): string {
  const v = p.value ?? '';
  const nl = lang === 'nl';
  switch (p.code) {
    case 'name_required':
      return nl ? 'Naam ontbreekt: vul een voornaam, achternaam of volledige naam in.' : 'Name missing: fill in a first name, last name or full name.';
    case 'invalid_email':
      return nl ? `"${v}" is geen geldig e-mailadres.` : `"${v}" is not a valid e-mail address.`;
    case 'too_many_emails':
      return nl ? `Meer dan ${p.max} e-mailadressen.` : `More than ${p.max} e-mail addresses.`;
    case 'unknown_organisation_kind':
      return nl
        ? `Onbekende soort organisatie "${v}". Gebruik bijvoorbeeld Gemeente, Politie, OM, Raad voor de Kinderbescherming, Jeugdbescherming, HALT, School, Jeugdzorg, Kennispartner of Overig.`
        : `Unknown kind of organisation "${v}". Use for example Gemeente, Politie, OM, Raad voor de Kinderbescherming, Jeugdbescherming, HALT, School, Jeugdzorg, Kennispartner or Overig.`;
    case 'unknown_language':
      return nl ? `Onbekende taal "${v}": gebruik nl of en (of laat leeg).` : `Unknown language "${v}": use nl or en (or leave empty).`;
    case 'invalid_scale': {
      const label = FIELD_LABEL[p.field ?? 'power'][lang];
      return nl ? `${label} "${v}" moet een getal van 1 tot en met 5 zijn (of leeg).` : `${label} "${v}" must be a number from 1 to 5 (or empty).`;
    }
    case 'line_break': {
      const label = FIELD_LABEL[p.field ?? 'notes'][lang];
      return nl ? `${label} bevat een regeleinde of een ander stuurteken; dat mag alleen in de notities.` : `${label} contains a line break or another control character; only the notes may.`;
    }
    case 'too_long': {
      const label = FIELD_LABEL[p.field ?? 'notes'][lang];
      return nl ? `${label} is langer dan ${p.max} tekens.` : `${label} is longer than ${p.max} characters.`;
    }
  }
}

const MAX: Partial<Record<ImportField, number>> = {
  firstName: 100, lastName: 100, phone: 40, organisation: 200, jobTitle: 200, notes: 10000, region: 100, municipality: 100, owner: 200,
};
const MAX_TAG = 60;
const MAX_TAGS = 50;
const MAX_EMAILS = 10;

// Our own export prefixes a quote to values that spreadsheets would run as a formula.
const unguard = (v: string) => (v.length > 1 && v[0] === "'" && /^'[=+\-@\t\r]/.test(v) ? v.slice(1) : v);

function mappingKey(mapping: ImportMapping): string {
  return Object.entries(mapping).filter(([, v]) => v !== undefined).sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => `${k}=${v}`).join('&');
}

export function checkMapping(session: ImportSession, mapping: ImportMapping): void {
  const bad = Object.entries(mapping).filter(([, col]) => col !== undefined && col >= session.headers.length);
  if (bad.length) {
    throw new CommandError('invalid_mapping', {
      nl: `Deze kolom bestaat niet in het bestand: ${bad.map(([f]) => FIELD_LABEL[f as ImportField].nl).join(', ')}.`,
      en: `This column does not exist in the file: ${bad.map(([f]) => FIELD_LABEL[f as ImportField].en).join(', ')}.`,
    });
  }
  if (mapping.firstName === undefined && mapping.lastName === undefined && mapping.fullName === undefined) {
    throw new CommandError('mapping_name_required', {
      nl: 'Koppel minstens één kolom aan voornaam, achternaam of naam.',
      en: 'Link at least one column to first name, last name or name.',
    });
  }
}

const EMAIL_SPLIT = /[\s,;]+/;
const TAG_SPLIT = /[,;]/;

export function prepareRow(session: ImportSession, mapping: ImportMapping, row: string[], line: number): PreparedRow {
  const problems: Problem[] = [];
  const get = (field: ImportField): string => {
    const col = mapping[field];
    if (col === undefined) return '';
    return unguard((row[col] ?? '').trim());
  };
  const limited = (field: ImportField, value: string): string | null => {
    const max = MAX[field];
    if (max !== undefined && value.length > max) problems.push({ code: 'too_long', field, max });
    if (field !== 'notes' && !isSingleLine(value)) problems.push({ code: 'line_break', field });
    return value || null;
  };

  let firstName = get('firstName');
  let lastName = get('lastName');
  const { middleNameColumn: middle } = session.guess;
  if (middle !== undefined && mapping.lastName !== undefined && mapping.lastName === session.guess.mapping.lastName) {
    const prefix = (row[middle] ?? '').trim();
    if (prefix && isNamePrefix(prefix)) lastName = lastName ? `${prefix} ${lastName}` : lastName;
  }
  if (!firstName && !lastName) ({ firstName, lastName } = splitFullName(get('fullName')));
  if (!firstName && !lastName) problems.push({ code: 'name_required' });
  limited('firstName', firstName);
  limited('lastName', lastName);

  const emails: { email: string; norm: string }[] = [];
  const seen = new Set<string>();
  for (const field of ['email', 'email2'] as const) {
    for (const raw of get(field).split(EMAIL_SPLIT)) {
      const email = raw.replace(/^mailto:/i, '').replace(/^<|>$/g, '');
      if (!email) continue;
      if (!isValidEmail(email)) {
        problems.push({ code: 'invalid_email', value: email });
        continue;
      }
      const norm = normaliseEmail(email);
      if (seen.has(norm)) continue;
      seen.add(norm);
      emails.push({ email, norm });
    }
  }
  if (emails.length > MAX_EMAILS) problems.push({ code: 'too_many_emails', max: MAX_EMAILS });

  let phone = get('phone');
  const fallback = session.guess.phoneFallbackColumn;
  if (!phone && fallback !== undefined && mapping.phone === session.guess.mapping.phone) phone = (row[fallback] ?? '').trim();

  const kindText = get('organisationKind');
  let organisationKind: OrganisationKind | null = null;
  if (kindText) {
    organisationKind = parseOrganisationKind(kindText);
    if (!organisationKind) problems.push({ code: 'unknown_organisation_kind', value: kindText });
  }
  const languageText = get('language');
  const language = parseLanguage(languageText);
  if (language === null) problems.push({ code: 'unknown_language', value: languageText });

  const tags: string[] = [];
  const tagKeys = new Set<string>();
  for (const raw of get('tags').split(TAG_SPLIT)) {
    const tag = raw.trim();
    if (!tag || tagKeys.has(tag.toLowerCase())) continue;
    if (tag.length > MAX_TAG) problems.push({ code: 'too_long', field: 'tags', max: MAX_TAG });
    tagKeys.add(tag.toLowerCase());
    tags.push(tag);
  }
  if (tags.length > MAX_TAGS) problems.push({ code: 'too_long', field: 'tags', max: MAX_TAGS });

  const scale = (field: 'power' | 'interest'): number | null => {
    const text = get(field);
    if (!text) return null;
    if (!/^[1-5]$/.test(text)) {
      problems.push({ code: 'invalid_scale', field, value: text });
      return null;
    }
    return Number(text);
  };

  return {
    line,
    firstName,
    lastName,
    emails,
    phone: limited('phone', phone),
    organisation: limited('organisation', get('organisation')),
    organisationKind,
    jobTitle: limited('jobTitle', get('jobTitle')),
    language: language || null,
    tags,
    notes: limited('notes', get('notes')),
    region: limited('region', get('region')),
    municipality: limited('municipality', get('municipality')),
    owner: limited('owner', get('owner')),
    power: scale('power'),
    interest: scale('interest'),
    problems,
  };
}

const CHUNK = 2000;
const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Checks every row against the mapping; cached per mapping, yielding between chunks. */
export async function prepareRows(session: ImportSession, mapping: ImportMapping): Promise<PreparedRow[]> {
  checkMapping(session, mapping);
  const key = mappingKey(mapping);
  if (session.prepared?.key === key) return session.prepared.rows;
  const out: PreparedRow[] = new Array(session.rows.length);
  for (let i = 0; i < session.rows.length; i++) {
    out[i] = prepareRow(session, mapping, session.rows[i]!, session.lines[i]!);
    if (i % CHUNK === CHUNK - 1) {
      session.progress = { phase: 'validating', done: i + 1, total: session.rows.length };
      await tick();
    }
  }
  session.prepared = { key, rows: out };
  return out;
}

// ---------------------------------------------------------------------------------------------
// Plan: the rows against the database (read-only)

interface Target {
  existingId: number | null;
  line: number;
  firstName: string;
  lastName: string;
  phone: string | null;
  /** fold(name) of the organisation, existing or to be created */
  organisationKey: string | null;
  organisationId: number | null;
  jobTitle: string | null;
  language: Language;
  notes: string | null;
  owner: string | null;
  power: number | null;
  interest: number | null;
  /** The first storedEmails addresses (and storedTags tags) are in the database already. */
  emails: { email: string; norm: string }[];
  storedEmails: number;
  tags: string[];
  storedTags: number;
  changed: boolean;
}

interface NewOrganisation {
  name: string;
  /** From the file's kind column when given, else guessed from the name. */
  kind: OrganisationKind;
  kindFromFile: boolean;
  region: string | null;
  municipality: string | null;
}

export interface ImportPlan {
  total: number;
  valid: number;
  invalid: PreparedRow[];
  created: Target[];
  updated: Target[];
  merged: number;
  skipped: number;
  duplicates: { line: number; email: string; existingPersonId: number | null; inFile: boolean; target: Target }[];
  organisations: Map<string, { id: number; name: string }>;
  organisationNames: Map<number, string>;
  newOrganisations: Map<string, NewOrganisation>;
}

const DEFAULT_DOMAIN: Record<OrganisationKind, Domain> = {
  gemeente: 'sociaal_domein',
  politie: 'strafrechtketen',
  om: 'strafrechtketen',
  raad_kinderbescherming: 'strafrechtketen',
  jeugdbescherming: 'strafrechtketen',
  halt: 'strafrechtketen',
  school: 'onderwijs',
  jeugdzorg: 'zorg',
  kennispartner: 'overig',
  overig: 'overig',
};

/** Decides per row: create, merge into an existing person or an earlier row, or skip. Writes nothing. */
export function planImport(sqlite: BetterSqlite3.Database, rows: PreparedRow[], mode: DuplicateMode): ImportPlan {
  const organisations = new Map<string, { id: number; name: string }>();
  const organisationNames = new Map<number, string>();
  for (const o of sqlite.prepare('SELECT id, name FROM organisations ORDER BY id').all() as { id: number; name: string }[]) {
    const key = fold(o.name);
    if (!organisations.has(key)) organisations.set(key, o);
    organisationNames.set(o.id, o.name);
  }
  const dbEmails = new Map<string, number>();
  for (const [norm, personId] of sqlite.prepare('SELECT email_norm, person_id FROM person_emails').raw().iterate() as Iterable<[string, number]>) {
    dbEmails.set(norm, personId);
  }
  const personStmt = sqlite.prepare('SELECT first_name, last_name, phone, organisation_id, job_title, language, notes, owner, power, interest FROM people WHERE id = ?');
  const emailsStmt = sqlite.prepare('SELECT email, email_norm FROM person_emails WHERE person_id = ? ORDER BY is_primary DESC, id');
  const tagsStmt = sqlite.prepare('SELECT tag FROM person_tags WHERE person_id = ? ORDER BY tag');

  const existing = new Map<number, Target>();
  const existingTarget = (id: number): Target => {
    let t = existing.get(id);
    if (t) return t;
    const p = personStmt.get(id) as {
      first_name: string; last_name: string; phone: string | null; organisation_id: number | null;
      job_title: string | null; language: Language; notes: string | null; owner: string | null; power: number | null; interest: number | null;
    };
    t = {
      existingId: id, line: 0, firstName: p.first_name, lastName: p.last_name, phone: p.phone,
      organisationKey: null, organisationId: p.organisation_id, jobTitle: p.job_title, language: p.language, notes: p.notes,
      owner: p.owner, power: p.power, interest: p.interest,
      emails: (emailsStmt.all(id) as { email: string; email_norm: string }[]).map((e) => ({ email: e.email, norm: e.email_norm })),
      storedEmails: 0,
      tags: tagsStmt.pluck().all(id) as string[],
      storedTags: 0,
      changed: false,
    };
    t.storedEmails = t.emails.length;
    t.storedTags = t.tags.length;
    existing.set(id, t);
    return t;
  };

  const newOrganisations = new Map<string, NewOrganisation>();
  const useOrganisation = (row: PreparedRow): string | null => {
    if (!row.organisation) return null;
    const key = fold(row.organisation);
    if (organisations.has(key)) return key;
    const planned = newOrganisations.get(key);
    if (!planned) {
      newOrganisations.set(key, {
        name: row.organisation, kind: row.organisationKind ?? guessOrganisationKind(row.organisation), kindFromFile: row.organisationKind !== null,
        region: row.region, municipality: row.municipality,
      });
    } else {
      if (!planned.kindFromFile && row.organisationKind) {
        planned.kind = row.organisationKind;
        planned.kindFromFile = true;
      }
      planned.region ??= row.region;
      planned.municipality ??= row.municipality;
    }
    return key;
  };

  const fileOwner = new Map<string, Target>();
  const updated = new Set<Target>();
  const plan: ImportPlan = {
    total: rows.length, valid: 0, invalid: [], created: [], updated: [], merged: 0, skipped: 0, duplicates: [],
    organisations, organisationNames, newOrganisations,
  };

  for (const row of rows) {
    if (row.problems.length) {
      plan.invalid.push(row);
      continue;
    }
    plan.valid++;
    let target: Target | undefined;
    let matched: string | undefined;
    let inFile = false;
    for (const e of row.emails) {
      const earlier = fileOwner.get(e.norm);
      if (earlier) {
        target = earlier;
        inFile = true;
      } else {
        const id = dbEmails.get(e.norm);
        if (id !== undefined) target = existingTarget(id);
      }
      if (target) {
        matched = e.email;
        break;
      }
    }
    if (!target) {
      const t: Target = {
        existingId: null, line: row.line, firstName: row.firstName, lastName: row.lastName, phone: row.phone,
        organisationKey: useOrganisation(row), organisationId: null, jobTitle: row.jobTitle, language: row.language ?? 'nl',
        notes: row.notes, owner: row.owner, power: row.power, interest: row.interest, emails: row.emails.slice(), storedEmails: 0, tags: row.tags.slice(), storedTags: 0,
        changed: true,
      };
      plan.created.push(t);
      for (const e of row.emails) fileOwner.set(e.norm, t);
      continue;
    }
    plan.duplicates.push({ line: row.line, email: matched!, existingPersonId: target.existingId, inFile, target });
    for (const e of row.emails) {
      const owner = dbEmails.get(e.norm);
      if (!fileOwner.has(e.norm) && (owner === undefined || owner === target.existingId)) fileOwner.set(e.norm, target);
    }
    if (mode === 'skip') {
      plan.skipped++;
      continue;
    }
    plan.merged++;
    mergeInto(target, row, dbEmails, fileOwner, useOrganisation);
    if (target.existingId !== null && target.changed && !updated.has(target)) {
      updated.add(target);
      plan.updated.push(target);
    }
  }
  return plan;
}

/** Fills the target's empty fields and adds missing addresses and tags. */
function mergeInto(
  t: Target, row: PreparedRow, dbEmails: Map<string, number>, fileOwner: Map<string, Target>,
  useOrganisation: (row: PreparedRow) => string | null,
): void {
  if (!t.line) t.line = row.line;
  const fill = <K extends 'firstName' | 'lastName'>(key: K) => {
    if (!t[key] && row[key]) {
      t[key] = row[key];
      t.changed = true;
    }
  };
  fill('firstName');
  fill('lastName');
  for (const key of ['phone', 'jobTitle', 'notes', 'owner'] as const) {
    if (!t[key] && row[key]) {
      t[key] = row[key];
      t.changed = true;
    }
  }
  for (const key of ['power', 'interest'] as const) {
    if (t[key] === null && row[key] !== null) {
      t[key] = row[key];
      t.changed = true;
    }
  }
  if (t.organisationId === null && t.organisationKey === null && row.organisation) {
    t.organisationKey = useOrganisation(row);
    t.changed = true;
  }
  for (const e of row.emails) {
    if (t.emails.some((x) => x.norm === e.norm)) continue;
    const dbOwner = dbEmails.get(e.norm);
    if (dbOwner !== undefined && dbOwner !== t.existingId) continue;
    if (fileOwner.get(e.norm) !== t) continue;
    if (t.emails.length >= MAX_EMAILS) break;
    t.emails.push(e);
    t.changed = true;
  }
  for (const tag of row.tags) {
    if (t.tags.some((x) => x.toLowerCase() === tag.toLowerCase())) continue;
    if (t.tags.length >= MAX_TAGS) break;
    t.tags.push(tag);
    t.changed = true;
  }
}

function problems(rows: PreparedRow[], lang: UiLanguage): ImportRowProblem[] {
  return rows.map((r) => ({ line: r.line, reasons: r.problems.map((p) => problemText(p, lang)) }));
}

/** Changes whenever this connection wrote anything or another connection committed. */
function databaseStamp(sqlite: BetterSqlite3.Database): string {
  const changes = sqlite.prepare('SELECT total_changes()').pluck().get();
  return `${String(sqlite.pragma('data_version', { simple: true }))}:${String(changes)}`;
}

/** The plan of the last validate when nothing was written since, else a new one. */
function cachedPlan(sqlite: BetterSqlite3.Database, session: ImportSession, rows: PreparedRow[], mode: DuplicateMode): ImportPlan {
  const key = `${session.prepared?.key}|${mode}`;
  const stamp = databaseStamp(sqlite);
  if (session.plan?.key === key && session.plan.stamp === stamp) return session.plan.plan;
  const plan = planImport(sqlite, rows, mode);
  session.plan = { key, stamp, plan };
  return plan;
}

/** Holds Kysely's single connection while fn runs, so no other command's query interleaves. */
function exclusive<T>(db: Db, fn: () => Promise<T>): Promise<T> {
  return db.connection().execute(fn);
}

/** The kind each new organisation gets: the user's choice, else the file's or the guessed one. */
function kindChooser(choice: OrganisationKindChoice): (o: NewOrganisation, key: string) => OrganisationKind {
  const byKey = new Map<string, OrganisationKind>();
  for (const [name, kind] of Object.entries(choice)) if (kind) byKey.set(fold(name), kind);
  return (o, key) => byKey.get(key) ?? o.kind;
}

function organisationName(plan: ImportPlan, t: Target): string | null {
  if (t.organisationId !== null) return plan.organisationNames.get(t.organisationId) ?? null;
  if (t.organisationKey === null) return null;
  return plan.organisations.get(t.organisationKey)?.name ?? plan.newOrganisations.get(t.organisationKey)?.name ?? null;
}

export async function validateImport(
  ctx: { db: Db; sqlite: BetterSqlite3.Database }, session: ImportSession, mapping: ImportMapping, mode: DuplicateMode,
  lang: UiLanguage = 'nl',
  screen: SuppressionScreen = async () => [],
  kinds: OrganisationKindChoice = {},
): Promise<ImportReport> {
  assertOpen(session);
  const rows = await prepareRows(session, mapping);
  const plan = await exclusive(ctx.db, async () => cachedPlan(ctx.sqlite, session, rows, mode));
  const kindOf = kindChooser(kinds);
  const addresses = rows.flatMap((row) => row.emails.map((e) => ({ line: row.line, email: e.email })));
  const hits = await screen(addresses.map((a) => a.email));
  if (!session.busy) session.progress = { phase: 'parsed', done: rows.length, total: rows.length };
  return {
    importId: session.id,
    total: plan.total,
    valid: plan.valid,
    toCreate: plan.created.length,
    toUpdate: plan.updated.length,
    duplicates: plan.duplicates.map(({ target, ...d }) => ({
      ...d, name: `${target.firstName} ${target.lastName}`.trim(), organisation: organisationName(plan, target),
    })),
    invalid: problems(plan.invalid, lang),
    newOrganisations: [...plan.newOrganisations].map(([key, o]) => ({ name: o.name, kind: kindOf(o, key), kindFromFile: o.kindFromFile })),
    suppressed: hits.map((h) => ({
      line: addresses[h.index]!.line,
      email: h.email,
      reason: LABELS.suppressionReason[h.reason][lang],
      since: h.since,
    })),
  };
}

/** Which of these addresses are on the suppression list (index into the given array). */
export type SuppressionScreen = (emails: string[]) => Promise<{ index: number; email: string; reason: SuppressionReason; since: string }[]>;

function assertOpen(session: ImportSession): void {
  if (session.committed) {
    throw new CommandError('import_done', {
      nl: 'Dit bestand is al geïmporteerd. Kies het opnieuw als u het nog eens wilt importeren.',
      en: 'This file has already been imported. Choose it again to import it once more.',
    });
  }
  if (session.busy) {
    throw new CommandError('import_busy', {
      nl: 'Deze import is nog bezig. Wacht tot hij klaar is.',
      en: 'This import is still running. Wait for it to finish.',
    });
  }
}

// ---------------------------------------------------------------------------------------------
// Commit

/**
 * Writes the plan in one transaction. The transaction runs through Kysely so it holds Kysely's only
 * connection: other commands' queries wait until the commit or rollback, while import.progress (memory
 * only) still answers between chunks. Rows are written with prepared statements on the same connection.
 */
export async function commitImport(
  ctx: { db: Db; sqlite: BetterSqlite3.Database; now: () => Date }, session: ImportSession, mapping: ImportMapping,
  mode: DuplicateMode,
  kinds: OrganisationKindChoice = {},
): Promise<ImportResult> {
  assertOpen(session);
  session.busy = true;
  let line = 0;
  try {
    session.progress = { phase: 'validating', done: 0, total: session.rows.length };
    const rows = await prepareRows(session, mapping);
    session.progress = { phase: 'validating', done: rows.length, total: rows.length };
    const result = await ctx.db.transaction().execute(async (trx) => {
      const { sqlite } = ctx;
      const plan = cachedPlan(sqlite, session, rows, mode);
      const now = ctx.now().toISOString();
      const total = plan.created.length + plan.updated.length;
      session.progress = { phase: 'writing', done: 0, total };

      const insertOrg = sqlite.prepare(
        `INSERT INTO organisations (name, kind, domain, region, municipality, search_text, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      );
      const orgIds = new Map<string, { id: number; name: string }>(plan.organisations);
      const kindOf = kindChooser(kinds);
      for (const [key, o] of plan.newOrganisations) {
        const kind = kindOf(o, key);
        const id = Number(insertOrg.run(o.name, kind, DEFAULT_DOMAIN[kind], o.region, o.municipality, organisationSearchText(o), now, now).lastInsertRowid);
        orgIds.set(key, { id, name: o.name });
      }
      const orgNameById = new Map<number, string>();
      for (const o of orgIds.values()) orgNameById.set(o.id, o.name);

      const insertPerson = sqlite.prepare(
        `INSERT INTO people (first_name, last_name, phone, organisation_id, job_title, language, notes, owner, power, interest, sort_key, search_text, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      );
      const updatePerson = sqlite.prepare(
        `UPDATE people SET first_name = ?, last_name = ?, phone = ?, organisation_id = ?, job_title = ?, notes = ?,
         owner = ?, power = ?, interest = ?, sort_key = ?, search_text = ?, updated_at = ? WHERE id = ?`,
      );
      const insertEmail = sqlite.prepare('INSERT INTO person_emails (person_id, email, email_norm, is_primary) VALUES (?, ?, ?, ?)');
      const insertTag = sqlite.prepare('INSERT OR IGNORE INTO person_tags (person_id, tag) VALUES (?, ?)');

      const write = (t: Target) => {
        line = t.line;
        const organisationId = t.organisationId ?? (t.organisationKey ? orgIds.get(t.organisationKey)!.id : null);
        const organisationName = organisationId === null ? null : orgNameById.get(organisationId) ?? null;
        const sortKey = personSortKey(t.firstName, t.lastName);
        const searchText = personSearchText({
          firstName: t.firstName, lastName: t.lastName, emails: t.emails.map((e) => e.email), organisationName,
          jobTitle: t.jobTitle, tags: t.tags,
        });
        let id: number;
        let hasPrimary: boolean;
        if (t.existingId === null) {
          id = Number(insertPerson.run(t.firstName, t.lastName, t.phone, organisationId, t.jobTitle, t.language, t.notes, t.owner, t.power, t.interest, sortKey, searchText, now, now).lastInsertRowid);
          hasPrimary = false;
        } else {
          id = t.existingId;
          updatePerson.run(t.firstName, t.lastName, t.phone, organisationId, t.jobTitle, t.notes, t.owner, t.power, t.interest, sortKey, searchText, now, id);
          hasPrimary = t.storedEmails > 0;
        }
        for (let i = t.storedEmails; i < t.emails.length; i++) {
          insertEmail.run(id, t.emails[i]!.email, t.emails[i]!.norm, hasPrimary ? 0 : 1);
          hasPrimary = true;
        }
        for (let i = t.storedTags; i < t.tags.length; i++) insertTag.run(id, t.tags[i]!);
      };

      let done = 0;
      for (const list of [plan.created, plan.updated]) {
        for (const t of list) {
          write(t);
          if (++done % CHUNK === 0) {
            session.progress = { phase: 'writing', done, total };
            await tick();
          }
        }
      }
      session.progress = { phase: 'writing', done, total };
      line = 0;
      await syncPeopleSearchIndex(trx);
      return {
        created: plan.created.length,
        merged: plan.merged,
        skipped: plan.skipped,
        invalid: plan.invalid.length,
        organisationsCreated: plan.newOrganisations.size,
      } satisfies ImportResult;
    });
    session.committed = result;
    session.progress = { phase: 'done', done: session.progress.total, total: session.progress.total };
    session.rows = [];
    session.lines = [];
    session.prepared = null;
    session.plan = null;
    return result;
  } catch (error) {
    session.progress = { ...session.progress, phase: 'failed' };
    if (error instanceof CommandError) throw error;
    console.error('Import failed:', error);
    throw new CommandError('import_failed', {
      nl: `Het importeren is mislukt${line ? ` bij regel ${line}` : ''}. Er is niets opgeslagen.`,
      en: `The import failed${line ? ` at line ${line}` : ''}. Nothing was saved.`,
    });
  } finally {
    session.busy = false;
  }
}
