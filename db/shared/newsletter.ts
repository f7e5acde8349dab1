import type { OrganisationKind } from './register';
import { isValidEmail } from './text';

export const BLOCK_TYPES = ['intro', 'pilot', 'event', 'publication', 'contact', 'image', 'divider'] as const;

export type BlockType = (typeof BLOCK_TYPES)[number];

export const EDITION_STATUSES = ['draft', 'ready', 'sent', 'archived'] as const;

export type EditionStatus = (typeof EDITION_STATUSES)[number];

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

export const MERGE_FIELDS = ['firstName', 'lastName', 'name', 'organisation'] as const;

export type MergeField = (typeof MERGE_FIELDS)[number];

/** What staff type between {{ }}: Dutch names first; English names work too. */
export const MERGE_FIELD_INFO: { key: string; field: MergeField; label: Bilingual; example: string }[] = [
  { key: 'voornaam', field: 'firstName', label: { nl: 'Voornaam', en: 'First name' }, example: '{{voornaam|collega}}' },
  { key: 'achternaam', field: 'lastName', label: { nl: 'Achternaam', en: 'Last name' }, example: '{{achternaam}}' },
  { key: 'naam', field: 'name', label: { nl: 'Volledige naam', en: 'Full name' }, example: '{{naam|relatie}}' },
  { key: 'organisatie', field: 'organisation', label: { nl: 'Organisatie', en: 'Organisation' }, example: '{{organisatie|uw organisatie}}' },
];

export const FIELD_BY_KEY = new Map<string, MergeField>(Object.entries({
  voornaam: 'firstName', firstname: 'firstName', achternaam: 'lastName', lastname: 'lastName',
  naam: 'name', name: 'name', organisatie: 'organisation', organisation: 'organisation', organization: 'organisation',
} as const));

export type MergePiece = string | { field: MergeField; fallback: string } | { unknown: string; raw: string };

export const MERGE_SOURCE = String.raw`\{\{\s*([^{}|\n]*?)\s*(?:\|([^{}\n]*))?\}\}`;

export const MERGE_AT = new RegExp(MERGE_SOURCE, 'y');

export function mergePiece(m: RegExpMatchArray): Exclude<MergePiece, string> {
  const field = FIELD_BY_KEY.get(m[1]!.toLowerCase());
  return field ? { field, fallback: (m[2] ?? '').trim() } : { unknown: m[1]!, raw: m[0] };
}

export type LinkProblem = 'empty' | 'scheme' | 'malformed';

export type LinkCheck = { ok: true; href: string } | { ok: false; reason: LinkProblem };

export const MAILTO_PARAMS = new Set(['subject', 'body']);

/** Only https: and mailto: links, well-formed, without credentials or whitespace. */
export function checkLink(raw: string): LinkCheck {
  const value = raw.trim();
  if (!value) return { ok: false, reason: 'empty' };
  if (/[\s\p{Cc}]/u.test(value)) return { ok: false, reason: 'malformed' };
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

export function splitOnce(s: string, sep: string): [string, string | null] {
  const i = s.indexOf(sep);
  return i < 0 ? [s, null] : [s.slice(0, i), s.slice(i + 1)];
}

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

export const BULLET_RE = /^\s*[-*•]\s+(.*)$/;

export const NUMBERED_RE = /^\s*\d{1,3}[.)]\s+(.*)$/;

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

export function parseInline(s: string, links: MarkupLink[], inside: { b?: boolean; i?: boolean; a?: boolean } = {}): Inline[] {
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

export function closingParen(s: string, from: number): number {
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

export function findSingleStar(s: string, from: number): number {
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

export const hasText = (s: string) => s.trim().length > 0;

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

/** The editor waits this long after the last keystroke before it asks for a new preview. */
export const PREVIEW_DEBOUNCE_MS = 120;
