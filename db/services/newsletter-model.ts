// Pure newsletter vocabulary and text rules: no Node, no database. Shared by services, contract, UI and tests.
import type { OrganisationKind } from '../schema';
import { isValidEmail } from '../text';

export const BLOCK_TYPES = ['intro', 'pilot', 'event', 'publication', 'contact', 'image', 'divider'] as const;
export type BlockType = (typeof BLOCK_TYPES)[number];

export const EDITION_STATUSES = ['draft', 'ready', 'sent', 'archived'] as const;
export type EditionStatus = (typeof EDITION_STATUSES)[number];

export type NewsletterLanguage = 'nl' | 'en';

export interface Bilingual {
  nl: string;
  en: string;
}

export interface ProgrammeItem {
  id: string;
  /** HH:MM */
  time: string;
  title: Bilingual;
}

export interface ThemeSessionItem {
  id: string;
  name: Bilingual;
  description: Bilingual;
}

export interface IntroBlock { id: string; type: 'intro'; text: Bilingual }
export interface PilotBlock {
  id: string; type: 'pilot'; pilotId: number | null;
  name: Bilingual; phase: Bilingual; results: Bilingual; nextSteps: Bilingual; contactName: string;
}
export interface EventBlock {
  id: string; type: 'event';
  title: Bilingual;
  /** YYYY-MM-DD or '' */
  date: string;
  place: Bilingual;
  description: Bilingual;
  programme: ProgrammeItem[];
  sessions: ThemeSessionItem[];
  /** Registration or information page; '' for none. */
  url: string;
  linkLabel: Bilingual;
}
export interface PublicationBlock { id: string; type: 'publication'; title: Bilingual; summary: Bilingual; url: string }
export interface ContactBlock {
  id: string; type: 'contact'; personId: number | null;
  name: string; role: Bilingual; organisation: string; email: string; text: Bilingual;
  /** The button, e.g. "Mail Irene". */
  buttonLabel: Bilingual;
}
export interface ImageBlock { id: string; type: 'image'; url: string; alt: Bilingual; caption: Bilingual; link: string }
export interface DividerBlock { id: string; type: 'divider' }

export type Block = IntroBlock | PilotBlock | EventBlock | PublicationBlock | ContactBlock | ImageBlock | DividerBlock;

export interface Audience {
  listIds: number[];
  /** Each filter narrows; an empty filter does not. Within one filter any value matches. */
  organisationKinds: OrganisationKind[];
  pilotIds: number[];
  regions: string[];
  tags: string[];
}

export interface EditionContent {
  number: number;
  /** YYYY-MM-DD */
  date: string;
  title: Bilingual;
  subject: Bilingual;
  preheader: Bilingual;
  audience: Audience;
  blocks: Block[];
}

export const LABELS = {
  blockType: {
    intro: { nl: 'Inleiding', en: 'Introduction' },
    pilot: { nl: 'Pilot-update', en: 'Pilot update' },
    event: { nl: 'Bijeenkomst', en: 'Event' },
    publication: { nl: 'Publicatie', en: 'Publication' },
    contact: { nl: 'Contactpersoon', en: 'Contact person' },
    image: { nl: 'Afbeelding', en: 'Image' },
    divider: { nl: 'Scheidingslijn', en: 'Divider' },
  } satisfies Record<BlockType, Bilingual>,
  status: {
    draft: { nl: 'Concept', en: 'Draft' },
    ready: { nl: 'Klaar om te versturen', en: 'Ready to send' },
    sent: { nl: 'Verstuurd', en: 'Sent' },
    archived: { nl: 'Gearchiveerd', en: 'Archived' },
  } satisfies Record<EditionStatus, Bilingual>,
};

// ---------- merge fields ----------

export const MERGE_FIELDS = ['firstName', 'lastName', 'name', 'organisation'] as const;
export type MergeField = (typeof MERGE_FIELDS)[number];

/** What staff type between {{ }}: Dutch names first; English names work too. */
export const MERGE_FIELD_INFO: { key: string; field: MergeField; label: Bilingual; example: string }[] = [
  { key: 'voornaam', field: 'firstName', label: { nl: 'Voornaam', en: 'First name' }, example: '{{voornaam|collega}}' },
  { key: 'achternaam', field: 'lastName', label: { nl: 'Achternaam', en: 'Last name' }, example: '{{achternaam}}' },
  { key: 'naam', field: 'name', label: { nl: 'Volledige naam', en: 'Full name' }, example: '{{naam|relatie}}' },
  { key: 'organisatie', field: 'organisation', label: { nl: 'Organisatie', en: 'Organisation' }, example: '{{organisatie|uw organisatie}}' },
];

// A Map: {{constructor}} or {{toString}} must not find anything inherited.
const FIELD_BY_KEY = new Map<string, MergeField>(Object.entries({
  voornaam: 'firstName', firstname: 'firstName', achternaam: 'lastName', lastname: 'lastName',
  naam: 'name', name: 'name', organisatie: 'organisation', organisation: 'organisation', organization: 'organisation',
} as const));

export type MergePiece = string | { field: MergeField; fallback: string } | { unknown: string; raw: string };

const MERGE_SOURCE = String.raw`\{\{\s*([^{}|\n]*?)\s*(?:\|([^{}\n]*))?\}\}`;
// Used with matchAll only (which copies it), never with exec: its lastIndex stays 0.
const MERGE_RE = new RegExp(MERGE_SOURCE, 'g');
const MERGE_AT = new RegExp(MERGE_SOURCE, 'y');

function mergePiece(m: RegExpMatchArray): Exclude<MergePiece, string> {
  const field = FIELD_BY_KEY.get(m[1]!.toLowerCase());
  return field ? { field, fallback: (m[2] ?? '').trim() } : { unknown: m[1]!, raw: m[0] };
}

/** Splits text into literal pieces and merge fields: {{voornaam}} or {{voornaam|fallback}}. */
export function splitMerge(text: string): MergePiece[] {
  const out: MergePiece[] = [];
  let last = 0;
  for (const m of text.matchAll(MERGE_RE)) {
    if (m.index > last) out.push(text.slice(last, m.index));
    out.push(mergePiece(m));
    last = m.index + m[0].length;
  }
  if (last < text.length) out.push(text.slice(last));
  return out;
}

export function unknownMergeFields(text: string): string[] {
  return splitMerge(text).flatMap((p) => (typeof p === 'object' && 'unknown' in p ? [p.raw] : []));
}

// ---------- escaping and the link policy ----------

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
const HTML_ESCAPE_RE = /[&<>"']/g;

/** Safe in HTML text and in quoted attribute values. */
export function escapeHtml(value: string): string {
  return HTML_ESCAPE_RE.test(value) ? value.replace(HTML_ESCAPE_RE, (c) => HTML_ESCAPES[c]!) : value;
}

export type LinkProblem = 'empty' | 'scheme' | 'malformed';
export type LinkCheck = { ok: true; href: string } | { ok: false; reason: LinkProblem };

const MAILTO_PARAMS = new Set(['subject', 'body']);

/** Only https: and mailto: links, well-formed, without credentials or whitespace. */
export function checkLink(raw: string): LinkCheck {
  const value = raw.trim();
  if (!value) return { ok: false, reason: 'empty' };
  if (/[\s\u0000-\u001f\u007f]/.test(value)) return { ok: false, reason: 'malformed' };
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(value)?.[1]?.toLowerCase();
  if (scheme !== 'https' && scheme !== 'mailto') return { ok: false, reason: 'scheme' };
  if (value.length > 2000) return { ok: false, reason: 'malformed' };
  if (scheme === 'https') {
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      return { ok: false, reason: 'malformed' };
    }
    const host = url.hostname;
    if (url.protocol !== 'https:' || url.username || url.password || !host.includes('.') || host.startsWith('.') || host.endsWith('.')
      || !/^[a-z0-9.-]+$/i.test(host) || !/^\/\//.test(value.slice(6))) {
      return { ok: false, reason: 'malformed' };
    }
    return { ok: true, href: url.href };
  }
  const rest = value.slice(value.indexOf(':') + 1);
  const [addressPart, query] = splitOnce(rest, '?');
  let address: string;
  try {
    address = decodeURIComponent(addressPart);
  } catch {
    return { ok: false, reason: 'malformed' };
  }
  if (!isValidEmail(address) || address.includes(',')) return { ok: false, reason: 'malformed' };
  if (query !== null) {
    for (const pair of query.split('&')) {
      const [key] = splitOnce(pair, '=');
      if (!MAILTO_PARAMS.has(key.toLowerCase())) return { ok: false, reason: 'malformed' };
    }
  }
  return { ok: true, href: `mailto:${address}${query !== null ? `?${query}` : ''}` };
}

function splitOnce(s: string, sep: string): [string, string | null] {
  const i = s.indexOf(sep);
  return i < 0 ? [s, null] : [s.slice(0, i), s.slice(i + 1)];
}

// ---------- the intro markup: **bold**, *italic*, [text](https://…), lists; everything else is text ----------

export type Inline =
  | { t: 'text'; v: string }
  | { t: 'b'; c: Inline[] }
  | { t: 'i'; c: Inline[] }
  | { t: 'a'; href: string; c: Inline[] }
  | { t: 'merge'; field: MergeField; fallback: string }
  | { t: 'br' };

export type MarkupBlock = { t: 'p'; c: Inline[] } | { t: 'ul' | 'ol'; items: Inline[][] };

export interface MarkupLink {
  url: string;
  check: LinkCheck;
}

export interface ParsedMarkup {
  blocks: MarkupBlock[];
  /** Every [text](url) found; a refused one is shown as its text only. */
  links: MarkupLink[];
}

const BULLET_RE = /^\s*[-*•]\s+(.*)$/;
const NUMBERED_RE = /^\s*\d{1,3}[.)]\s+(.*)$/;

export function parseMarkup(source: string): ParsedMarkup {
  const links: MarkupLink[] = [];
  const blocks: MarkupBlock[] = [];
  const lines = source.replace(/\r\n?/g, '\n').split('\n');
  let para: string[] = [];
  let list: { t: 'ul' | 'ol'; items: string[] } | null = null;
  const flushPara = () => {
    if (para.length) {
      const c: Inline[] = [];
      para.forEach((line, i) => {
        if (i > 0) c.push({ t: 'br' });
        c.push(...parseInline(line.trim(), links));
      });
      blocks.push({ t: 'p', c });
    }
    para = [];
  };
  const flushList = () => {
    if (list) blocks.push({ t: list.t, items: list.items.map((item) => parseInline(item.trim(), links)) });
    list = null;
  };
  for (const line of lines) {
    if (!line.trim()) {
      flushPara();
      flushList();
      continue;
    }
    const bullet = BULLET_RE.exec(line);
    const numbered = bullet ? null : NUMBERED_RE.exec(line);
    const item = bullet ?? numbered;
    if (item) {
      const t = bullet ? 'ul' : 'ol';
      flushPara();
      if (list && list.t !== t) flushList();
      list ??= { t, items: [] };
      list.items.push(item[1]!);
    } else if (list && /^\s{2,}\S/.test(line)) {
      // An indented line continues the list item.
      list.items[list.items.length - 1] += ` ${line.trim()}`;
    } else {
      flushList();
      para.push(line);
    }
  }
  flushPara();
  flushList();
  return { blocks, links };
}

function parseInline(s: string, links: MarkupLink[], inside: { b?: boolean; i?: boolean; a?: boolean } = {}): Inline[] {
  const out: Inline[] = [];
  let text = '';
  const pushText = () => {
    if (text) out.push({ t: 'text', v: text });
    text = '';
  };
  let i = 0;
  while (i < s.length) {
    const ch = s[i]!;
    if (ch === '\\' && i + 1 < s.length && /[\\*_[\]()`{}]/.test(s[i + 1]!)) {
      text += s[i + 1];
      i += 2;
      continue;
    }
    if (ch === '{' && s.startsWith('{{', i)) {
      MERGE_AT.lastIndex = i;
      const m = MERGE_AT.exec(s);
      if (m) {
        const piece = mergePiece(m);
        if ('field' in piece) {
          pushText();
          out.push({ t: 'merge', field: piece.field, fallback: piece.fallback });
        } else {
          text += m[0];
        }
        i += m[0].length;
        continue;
      }
    }
    if (ch === '*' && s.startsWith('**', i) && !inside.b) {
      const end = s.indexOf('**', i + 2);
      if (end > i + 2 && !/\s/.test(s[i + 2]!) && !/\s/.test(s[end - 1]!)) {
        pushText();
        out.push({ t: 'b', c: parseInline(s.slice(i + 2, end), links, { ...inside, b: true }) });
        i = end + 2;
        continue;
      }
    }
    if (ch === '*' && !s.startsWith('**', i) && !inside.i) {
      const end = findSingleStar(s, i + 1);
      if (end > i + 1 && !/\s/.test(s[i + 1]!) && !/\s/.test(s[end - 1]!)) {
        pushText();
        out.push({ t: 'i', c: parseInline(s.slice(i + 1, end), links, { ...inside, i: true }) });
        i = end + 1;
        continue;
      }
    }
    if (ch === '[' && !inside.a) {
      const close = s.indexOf(']', i + 1);
      if (close > i + 1 && s[close + 1] === '(') {
        const end = closingParen(s, close + 2);
        if (end > close + 2) {
          const url = s.slice(close + 2, end);
          const check = checkLink(url);
          links.push({ url, check });
          const label = parseInline(s.slice(i + 1, close), links, { ...inside, a: true });
          pushText();
          if (check.ok) out.push({ t: 'a', href: check.href, c: label });
          else out.push(...label);
          i = end + 1;
          continue;
        }
      }
    }
    text += ch;
    i++;
  }
  pushText();
  return out;
}

function closingParen(s: string, from: number): number {
  let depth = 0;
  for (let j = from; j < s.length; j++) {
    if (s[j] === '(') depth++;
    else if (s[j] === ')') {
      if (depth === 0) return j;
      depth--;
    } else if (/\s/.test(s[j]!)) return -1;
  }
  return -1;
}

function findSingleStar(s: string, from: number): number {
  for (let j = from; j < s.length; j++) {
    if (s[j] === '\\') {
      j++;
      continue;
    }
    if (s[j] === '*') {
      if (s[j + 1] === '*') {
        const close = s.indexOf('**', j + 2);
        if (close < 0) return -1;
        j = close + 1;
        continue;
      }
      return j;
    }
  }
  return -1;
}

/** Plain text of a markup source (for emptiness checks and scanning). */
export function markupPlainText(source: string): string {
  const parts: string[] = [];
  const walk = (c: Inline[]) => {
    for (const n of c) {
      if (n.t === 'text') parts.push(n.v);
      else if (n.t === 'br') parts.push('\n');
      else if (n.t === 'merge') parts.push(n.fallback);
      else walk(n.c);
    }
  };
  for (const b of parseMarkup(source).blocks) {
    if (b.t === 'p') walk(b.c);
    else b.items.forEach(walk);
    parts.push('\n');
  }
  return parts.join('');
}

// ---------- the privacy scan: BSN, dates of birth, phone numbers ----------

/** The BSN 11-proof: 9·d1 + 8·d2 + … + 2·d8 − 1·d9 is a multiple of 11 (and not all zeros). */
export function passesElevenProof(digits: string): boolean {
  if (!/^\d{9}$/.test(digits) || /^0+$/.test(digits)) return false;
  let sum = 0;
  for (let i = 0; i < 8; i++) sum += Number(digits[i]) * (9 - i);
  sum -= Number(digits[8]);
  return sum % 11 === 0;
}

export type PrivacyKind = 'bsn' | 'birth_date' | 'possible_birth_date' | 'mobile_phone' | 'phone';

export interface PrivacyFinding {
  kind: PrivacyKind;
  match: string;
  /** errors block marking the edition ready */
  severity: 'error' | 'warning';
}

const BSN_RE = /(?<![\d.,-])\d(?:[ .-]?\d){8}(?![\d]|[.,-]\d)/g;
const MONTHS = 'januari|februari|maart|april|mei|juni|juli|augustus|september|oktober|november|december|jan|feb|mrt|apr|jun|jul|aug|sep|sept|okt|oct|nov|dec|january|february|march|may|june|july|august|october';
const DATE_RES = [
  /(?<!\d)(\d{1,2})[-/.](\d{1,2})[-/.]((?:19|20)\d{2})(?!\d)/g,
  /(?<!\d)((?:19|20)\d{2})-(\d{1,2})-(\d{1,2})(?!\d)/g,
  new RegExp(`(?<!\\d)(\\d{1,2})(?:e|st|nd|rd|th)?\\s+(${MONTHS})\\.?\\s+((?:19|20)\\d{2})(?!\\d)`, 'gi'),
  new RegExp(`\\b(${MONTHS})\\.?\\s+(\\d{1,2}),?\\s+((?:19|20)\\d{2})(?!\\d)`, 'gi'),
];
const BIRTH_WORDS = /(geboren|geb\.|geboortedatum|geboortedag|born|birth|d\.o\.b|dob|jarig)/i;
const PHONE_RE = /(?<![\d+])(?:\+31|0031|0)[\s.-]?\(?0?\)?(?:[\s.-]?\d){9}(?!\d)/g;

/** Text that looks like a BSN, a date of birth or a private phone number. */
export function scanPrivacy(text: string, now: Date): PrivacyFinding[] {
  const findings: PrivacyFinding[] = [];
  for (const m of text.matchAll(BSN_RE)) {
    if (passesElevenProof(m[0].replace(/\D/g, ''))) findings.push({ kind: 'bsn', match: m[0], severity: 'error' });
  }
  const year = now.getUTCFullYear();
  const seen = new Set<string>();
  for (const re of DATE_RES) {
    for (const m of text.matchAll(re)) {
      const y = Number(m[0].match(/(?:19|20)\d{2}/)?.[0]);
      if (seen.has(`${m.index}`)) continue;
      seen.add(`${m.index}`);
      const before = text.slice(Math.max(0, m.index - 40), m.index);
      if (BIRTH_WORDS.test(before)) findings.push({ kind: 'birth_date', match: m[0], severity: 'error' });
      else if (y <= year - 4 && y >= year - 100) findings.push({ kind: 'possible_birth_date', match: m[0], severity: 'warning' });
    }
  }
  for (const m of text.matchAll(PHONE_RE)) {
    const digits = phoneDigits(m[0]);
    if (!digits) continue;
    if (digits.startsWith('06')) findings.push({ kind: 'mobile_phone', match: m[0].trim(), severity: 'error' });
    else if (!/^0(800|900|88)/.test(digits)) findings.push({ kind: 'phone', match: m[0].trim(), severity: 'warning' });
  }
  return findings;
}

/** A Dutch phone number as 10 digits starting with 0, or null. */
export function phoneDigits(phone: string): string | null {
  let digits = phone.replace(/\D/g, '');
  if (digits.startsWith('0031')) digits = `0${digits.slice(4)}`;
  else if (digits.startsWith('31') && phone.trim().startsWith('+')) digits = `0${digits.slice(2)}`;
  if (digits.startsWith('00')) digits = digits.slice(1);
  return /^0[1-9]\d{8}$/.test(digits) ? digits : null;
}

// ---------- walking an edition's texts ----------

export interface TextField {
  /** dotted path in the edition content, e.g. blocks.2.text */
  path: string;
  value: Bilingual;
  /** the intro markup applies */
  rich: boolean;
  blockIndex: number | null;
}

const bi = (path: string, value: Bilingual, rich: boolean, blockIndex: number | null): TextField => ({ path, value, rich, blockIndex });

/** Every translatable text of one block. */
export function blockTexts(block: Block, index: number): TextField[] {
  const p = `blocks.${index}`;
  switch (block.type) {
    case 'intro':
      return [bi(`${p}.text`, block.text, true, index)];
    case 'pilot':
      return [bi(`${p}.name`, block.name, false, index), bi(`${p}.phase`, block.phase, false, index),
        bi(`${p}.results`, block.results, true, index), bi(`${p}.nextSteps`, block.nextSteps, true, index)];
    case 'event':
      return [
        bi(`${p}.title`, block.title, false, index), bi(`${p}.place`, block.place, false, index), bi(`${p}.description`, block.description, true, index),
        ...block.programme.map((item, j) => bi(`${p}.programme.${j}.title`, item.title, false, index)),
        ...block.sessions.flatMap((s, j) => [bi(`${p}.sessions.${j}.name`, s.name, false, index), bi(`${p}.sessions.${j}.description`, s.description, false, index)]),
        ...(block.url ? [bi(`${p}.linkLabel`, block.linkLabel, false, index)] : []),
      ];
    case 'publication':
      return [bi(`${p}.title`, block.title, false, index), bi(`${p}.summary`, block.summary, true, index)];
    case 'contact':
      return [bi(`${p}.role`, block.role, false, index), bi(`${p}.text`, block.text, true, index), bi(`${p}.buttonLabel`, block.buttonLabel, false, index)];
    case 'image':
      return [bi(`${p}.alt`, block.alt, false, index), bi(`${p}.caption`, block.caption, false, index)];
    case 'divider':
      return [];
  }
}

/** Untranslated single-language texts of a block (names, e-mail addresses), for scanning. */
export function blockPlainValues(block: Block, index: number): { path: string; value: string }[] {
  const p = `blocks.${index}`;
  switch (block.type) {
    case 'pilot':
      return [{ path: `${p}.contactName`, value: block.contactName }];
    case 'contact':
      return [{ path: `${p}.name`, value: block.name }, { path: `${p}.organisation`, value: block.organisation }];
    case 'event':
      return block.programme.map((item, j) => ({ path: `${p}.programme.${j}.time`, value: item.time }));
    default:
      return [];
  }
}

/** Every link of a block with its path (markup links included). */
export function blockLinks(block: Block, index: number): { path: string; url: string; check: LinkCheck }[] {
  const p = `blocks.${index}`;
  const out: { path: string; url: string; check: LinkCheck }[] = [];
  const add = (path: string, url: string) => out.push({ path, url, check: checkLink(url) });
  if (block.type === 'event' && block.url) add(`${p}.url`, block.url);
  if (block.type === 'publication') add(`${p}.url`, block.url);
  if (block.type === 'image') {
    add(`${p}.url`, block.url);
    if (block.link) add(`${p}.link`, block.link);
  }
  if (block.type === 'contact' && block.email) add(`${p}.email`, `mailto:${block.email}`);
  for (const field of blockTexts(block, index)) {
    if (!field.rich) continue;
    for (const lang of ['nl', 'en'] as const) {
      for (const link of parseMarkup(field.value[lang]).links) out.push({ path: `${field.path}.${lang}`, url: link.url, check: link.check });
    }
  }
  return out;
}

const hasText = (s: string) => s.trim().length > 0;

/** A block that would show nothing meaningful. */
export function isEmptyBlock(block: Block): boolean {
  switch (block.type) {
    case 'intro':
      return !hasText(markupPlainText(block.text.nl));
    case 'pilot':
      return !hasText(block.name.nl) || ![block.phase.nl, block.results.nl, block.nextSteps.nl].some(hasText);
    case 'event':
      return !hasText(block.title.nl);
    case 'publication':
      return !hasText(block.title.nl);
    case 'contact':
      return !hasText(block.name);
    case 'image':
      return !hasText(block.url);
    case 'divider':
      return false;
  }
}

/** Fields with Dutch text but no English text. */
export function missingEnglish(content: EditionContent): TextField[] {
  const head = [bi('title', content.title, false, null), bi('subject', content.subject, false, null), bi('preheader', content.preheader, false, null)];
  return [...head, ...content.blocks.flatMap(blockTexts)].filter((f) => hasText(f.value.nl) && !hasText(f.value.en));
}

/** The text in a language, Dutch where the English is missing. */
export function pick(value: Bilingual, lang: NewsletterLanguage): string {
  return lang === 'en' && hasText(value.en) ? value.en : value.nl;
}

export const emptyBilingual = (): Bilingual => ({ nl: '', en: '' });

/** The editor waits this long after the last keystroke before it asks for a new preview. */
export const PREVIEW_DEBOUNCE_MS = 120;
