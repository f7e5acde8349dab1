import { parse } from 'csv-parse/sync';
import iconv from 'iconv-lite';
import { fold } from '../shared/text';
import { ORGANISATION_KINDS, type OrganisationKind, type Language } from '../shared/register';
import type { ImportField } from './import-types';

export type CsvEncoding = 'utf-8' | 'windows-1252';
export type CsvDelimiter = ',' | ';' | '\t';

/** Strict UTF-8 (a BOM is dropped), otherwise Windows-1252, the default of Excel on Windows. */
export function decodeCsvBytes(bytes: Uint8Array): { text: string; encoding: CsvEncoding } {
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes), encoding: 'utf-8' };
  } catch {
    return { text: iconv.decode(bytes, 'win1252'), encoding: 'windows-1252' };
  }
}

/** The delimiter that occurs most often in the header line, outside quotes; comma when none does. */
export function detectDelimiter(text: string): CsvDelimiter {
  const counts = { ';': 0, ',': 0, '\t': 0 };
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '"') quoted = !quoted;
    else if (!quoted && (c === '\n' || c === '\r')) break;
    else if (!quoted && (c === ';' || c === ',' || c === '\t')) counts[c]++;
  }
  let best: CsvDelimiter = ',';
  for (const d of [';', '\t'] as const) if (counts[d] > counts[best]) best = d;
  return best;
}

export interface ParsedCsv {
  /** Header first, then the data records; records whose fields are all empty are left out. */
  records: string[][];
  /** The line number (1-based, header on line 1) on which each record starts. */
  lines: number[];
}

export class CsvSyntaxError extends Error {
  constructor(readonly line: number, message: string) {
    super(message);
    this.name = 'CsvSyntaxError';
  }
}

const CR = 13;
const LF = 10;

export function parseCsv(text: string, delimiter: CsvDelimiter): ParsedCsv {
  const buffer = Buffer.from(text, 'utf8');
  let parsed: { record: string[]; info: { bytes: number } }[];
  try {
    parsed = parse(buffer, {
      delimiter,
      info: true,
      relax_column_count: true,
      relax_quotes: true,
      skip_empty_lines: true,
      record_delimiter: ['\r\n', '\n', '\r'],
    }) as unknown as { record: string[]; info: { bytes: number } }[];
  } catch (error) {
    const line = typeof (error as { lines?: unknown }).lines === 'number' ? (error as { lines: number }).lines : 0;
    throw new CsvSyntaxError(line, error instanceof Error ? error.message : String(error));
  }
  const records: string[][] = [];
  const lines: number[] = [];
  // Line numbers come from the byte offsets csv-parse reports: a record starts where the previous one
  // ended, after any empty lines it skipped. Counting breaks in the buffer keeps quoted newlines right.
  let pos = 0;
  let line = 1;
  let end = 0;
  for (const { record, info } of parsed) {
    let start = end;
    while (start < buffer.length && (buffer[start] === CR || buffer[start] === LF)) start++;
    for (; pos < start; pos++) {
      const b = buffer[pos];
      if (b === LF || (b === CR && buffer[pos + 1] !== LF)) line++;
    }
    end = info.bytes;
    if (records.length > 0 && record.every((f) => f.trim() === '')) continue;
    records.push(record);
    lines.push(line);
  }
  return { records, lines };
}

// Dutch (and a few foreign) name prefixes that belong to the last name.
const PREFIXES = new Set([
  'van', 'de', 'den', 'der', 'het', "'t", 't', 'ten', 'ter', 'te', 'in', 'op', 'aan', 'bij', 'uit', 'voor', 'onder',
  'over', 'tot', 'la', 'le', 'du', 'da', 'di', 'del', 'des', 'dos', "d'", 'von', 'zu', 'vd', 'v.d.', "l'", 'el', 'al',
]);
// Prefixes that usually sit in the middle of a compound last name: "Huis in 't Veld".
const INNER_PREFIXES = new Set(['in', 'op', 'aan', 'bij', 'uit', 'onder', 'over', 'tot']);

const isPrefix = (word: string) => PREFIXES.has(fold(word));

/** "Jan van der Berg" → Jan / van der Berg; "Berg, Jan van der" → Jan / van der Berg. */
export function splitFullName(full: string): { firstName: string; lastName: string } {
  const text = full.replace(/\s+/g, ' ').trim();
  if (!text) return { firstName: '', lastName: '' };
  const comma = text.indexOf(',');
  if (comma > 0) {
    const last = text.slice(0, comma).trim();
    const firstWords = text.slice(comma + 1).trim().split(' ').filter(Boolean);
    let cut = firstWords.length;
    while (cut > 1 && isPrefix(firstWords[cut - 1]!)) cut--;
    const prefixes = firstWords.slice(cut).join(' ');
    return { firstName: firstWords.slice(0, cut).join(' '), lastName: [prefixes, last].filter(Boolean).join(' ') };
  }
  const words = text.split(' ');
  if (words.length === 1) return { firstName: '', lastName: words[0]! };
  if (words.slice(0, -1).every(isPrefix)) return { firstName: '', lastName: text };
  let start = words.findIndex((w, i) => i > 0 && i < words.length - 1 && isPrefix(w));
  if (start === -1) start = words.length - 1;
  else if (start >= 2 && INNER_PREFIXES.has(fold(words[start]!))) start--;
  return { firstName: words.slice(0, start).join(' '), lastName: words.slice(start).join(' ') };
}

/** Letters and digits only, folded: "E-mail 2 Address" → "email2address". */
export function headerKey(header: string): string {
  return fold(header).replace(/[^a-z0-9]+/g, '');
}

// Exact header names per field, in order of preference.
const ALIASES: Record<ImportField, string[]> = {
  firstName: ['voornaam', 'firstname', 'roepnaam', 'givenname', 'first'],
  lastName: ['achternaam', 'lastname', 'surname', 'familienaam', 'familyname', 'last'],
  fullName: ['naam', 'name', 'volledigenaam', 'fullname', 'weergavenaam', 'displayname', 'contactpersoon', 'contact'],
  email: ['email', 'emailadres', 'emailaddress', 'mail', 'mailadres', 'eadres'],
  email2: ['overigeemail', 'emailadres2', 'email2address', 'email2', 'tweedeemail', 'secondemail', 'otheremail'],
  phone: ['telefoon', 'telefoonnummer', 'phone', 'tel', 'telefoonopwerk', 'businessphone', 'mobieletelefoon', 'mobilephone', 'mobiel', 'mobile'],
  organisation: ['organisatie', 'organisation', 'organization', 'bedrijf', 'company', 'instelling', 'werkgever'],
  organisationKind: ['soortorganisatie', 'organisatiesoort', 'typeorganisatie', 'organisatietype', 'organisationkind', 'organisationtype', 'organizationtype'],
  jobTitle: ['functie', 'jobtitle', 'functietitel', 'rol', 'role'],
  language: ['taal', 'language', 'voorkeurstaal'],
  tags: ['tags', 'categorieen', 'categories', 'labels', 'categorie', 'category'],
  notes: ['notities', 'notes', 'opmerkingen', 'opmerking', 'toelichting', 'memo'],
  region: ['regio', 'region'],
  municipality: ['gemeente', 'municipality', 'plaats', 'woonplaats'],
  owner: ['relatiebeheerder', 'accounthouder', 'relationshipowner', 'owner', 'accountowner'],
  power: ['invloed', 'macht', 'power', 'influence'],
  interest: ['belang', 'interesse', 'interest'],
};

// For headers with extra words ("E-mailadres werk"), in order: the first rule that fits wins.
const CONTAINS: [ImportField, RegExp][] = [
  ['organisationKind', /(soort|type|kind).*organi|organi.*(soort|type|kind)/],
  ['email', /mail/],
  ['email2', /mail/],
  ['firstName', /voornaam|firstname|roepnaam/],
  ['lastName', /achternaam|lastname|surname/],
  ['phone', /telefoon|phone|mobiel|mobile/],
  ['organisation', /organi|bedrijf|company/],
  ['jobTitle', /functie|jobtitle/],
  ['tags', /categor|tag/],
  ['notes', /notitie|opmerking|note/],
  ['fullName', /naam|name/],
];

const OUTLOOK_EN = ['firstname', 'lastname', 'emailaddress'];
const OUTLOOK_NL = ['voornaam', 'achternaam', 'emailadres'];
const SCHAKEL = ['voornaam', 'achternaam', 'email', 'overigeemail', 'soortorganisatie'];

export type ImportLayout = 'outlook' | 'schakel' | 'generic';

export interface HeaderGuess {
  mapping: Partial<Record<ImportField, number>>;
  layout: ImportLayout;
  /** Outlook: the "Middle Name" column, where Dutch Outlook keeps "van der". */
  middleNameColumn?: number;
  /** Outlook: "Mobile Phone" when "Business Phone" is mapped as the phone column. */
  phoneFallbackColumn?: number;
}

export function guessMapping(headers: string[]): HeaderGuess {
  const keys = headers.map(headerKey);
  const has = (names: string[]) => names.every((n) => keys.includes(n));
  const layout: ImportLayout = has(SCHAKEL) ? 'schakel' : has(OUTLOOK_EN) || has(OUTLOOK_NL) ? 'outlook' : 'generic';
  const mapping: Partial<Record<ImportField, number>> = {};
  const used = new Set<number>();
  for (const field of Object.keys(ALIASES) as ImportField[]) {
    for (const alias of ALIASES[field]) {
      const index = keys.findIndex((k, i) => k === alias && !used.has(i));
      if (index !== -1) {
        mapping[field] = index;
        used.add(index);
        break;
      }
    }
  }
  if (layout === 'generic') {
    for (const [field, re] of CONTAINS) {
      if (mapping[field] !== undefined) continue;
      const index = keys.findIndex((k, i) => !used.has(i) && re.test(k));
      if (index !== -1) {
        mapping[field] = index;
        used.add(index);
      }
    }
  }
  // A full-name column next to first/last name columns would only compete with them.
  if (mapping.fullName !== undefined && (mapping.firstName !== undefined || mapping.lastName !== undefined)) {
    delete mapping.fullName;
  }
  const guess: HeaderGuess = { mapping, layout };
  if (layout === 'outlook') {
    const middle = keys.findIndex((k) => k === 'middlename' || k === 'middelstenaam' || k === 'tussenvoegsel');
    if (middle !== -1) guess.middleNameColumn = middle;
    const business = keys.findIndex((k) => k === 'businessphone' || k === 'telefoonopwerk');
    const mobile = keys.findIndex((k) => k === 'mobilephone' || k === 'mobieletelefoon');
    if (mapping.phone === business && business !== -1 && mobile !== -1) guess.phoneFallbackColumn = mobile;
  } else {
    const middle = keys.findIndex((k) => k === 'tussenvoegsel' || k === 'tussenvoegsels');
    if (middle !== -1) guess.middleNameColumn = middle;
  }
  return guess;
}

/** True when every word is a name prefix ("van der", "in 't"). */
export function isNamePrefix(text: string): boolean {
  const words = text.trim().split(/\s+/).filter(Boolean);
  return words.length > 0 && words.every(isPrefix);
}

const KIND_LABELS: Record<string, OrganisationKind> = {};
const kindLabels: Record<OrganisationKind, string[]> = {
  gemeente: ['gemeente', 'municipality', 'gemeenten'],
  politie: ['politie', 'police'],
  om: ['om', 'openbaarministerie', 'publicprosecutionservice', 'publicprosecutor'],
  raad_kinderbescherming: ['raadvoordekinderbescherming', 'raadkinderbescherming', 'rvdk', 'rvk', 'childprotectioncouncil', 'kinderbescherming'],
  jeugdbescherming: ['jeugdbescherming', 'youthprotection', 'gecertificeerdeinstelling'],
  halt: ['halt'],
  school: ['school', 'onderwijs', 'education', 'scholen'],
  jeugdzorg: ['jeugdzorg', 'youthcare', 'jeugdhulp', 'zorg'],
  kennispartner: ['kennispartner', 'knowledgepartner', 'kennisinstelling', 'onderzoek', 'research'],
  overig: ['overig', 'overige', 'anders', 'other', 'others'],
};
for (const kind of ORGANISATION_KINDS) {
  KIND_LABELS[headerKey(kind)] = kind;
  for (const label of kindLabels[kind]) KIND_LABELS[label] = kind;
}

/** A kind of organisation from a code or a Dutch or English label; null when not recognised. */
export function parseOrganisationKind(value: string): OrganisationKind | null {
  return KIND_LABELS[headerKey(value)] ?? null;
}

const LANGUAGE_LABELS: Record<string, Language> = {
  nl: 'nl', nld: 'nl', dut: 'nl', nederlands: 'nl', dutch: 'nl', nlnl: 'nl', nlbe: 'nl', vlaams: 'nl',
  en: 'en', eng: 'en', engels: 'en', english: 'en', engb: 'en', enus: 'en',
};

/** nl or en; '' for an empty value (the default applies); null when not recognised. */
export function parseLanguage(value: string): Language | '' | null {
  const key = headerKey(value);
  if (!key) return '';
  return LANGUAGE_LABELS[key] ?? null;
}

const KIND_GUESSES: [RegExp, OrganisationKind][] = [
  [/kinderbescherming|\brvdk\b/, 'raad_kinderbescherming'],
  [/jeugdbescherming|gezinsbescherming|gecertificeerde instelling|william schrikker/, 'jeugdbescherming'],
  [/\bhalt\b/, 'halt'],
  [/openbaar ministerie|arrondissementsparket|\bparket\b/, 'om'],
  [/hogeschool|universiteit|university|kenniscentrum|kennisinstituut|lectoraat/, 'kennispartner'],
  [/\bpolitie/, 'politie'],
  [/\bgemeente\b/, 'gemeente'],
  [/school|scholen|college|lyceum|gymnasium|atheneum|\broc\b|\bv?mbo\b|onderwijs|praktijkonderwijs/, 'school'],
  [/jeugdzorg|jeugdhulp|jeugd- en gezinszorg|jeugdpsychiatrie|jeugdggz/, 'jeugdzorg'],
];

/** The likely kind of a new organisation from its name; 'overig' when nothing fits. */
export function guessOrganisationKind(name: string): OrganisationKind {
  if (/\bOM\b/.test(name)) return 'om';
  const text = fold(name);
  for (const [pattern, kind] of KIND_GUESSES) if (pattern.test(text)) return kind;
  return 'overig';
}
