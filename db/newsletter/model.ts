// Pure newsletter vocabulary and text rules: no Node, no database. Shared by services, contract, UI and tests.
import { type Bilingual, type Block, type EditionContent, type MergePiece, MERGE_SOURCE, mergePiece, type LinkCheck, checkLink, parseMarkup, hasText } from '../shared/newsletter';

export type NewsletterLanguage = 'nl' | 'en';
// ---------- merge fields ----------
// A Map: {{constructor}} or {{toString}} must not find anything inherited.
// Used with matchAll only (which copies it), never with exec: its lastIndex stays 0.
const MERGE_RE = new RegExp(MERGE_SOURCE, 'g');

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

// ---------- the intro markup: **bold**, *italic*, [text](https://…), lists; everything else is text ----------
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

export { BLOCK_TYPES, EDITION_STATUSES, LABELS, MERGE_FIELDS, MERGE_FIELD_INFO, checkLink, parseMarkup, markupPlainText, isEmptyBlock, PREVIEW_DEBOUNCE_MS } from '../shared/newsletter';
export type { BlockType, EditionStatus, Bilingual, ProgrammeItem, ThemeSessionItem, IntroBlock, PilotBlock, EventBlock, PublicationBlock, ContactBlock, ImageBlock, DividerBlock, Block, Audience, EditionContent, MergeField, MergePiece, LinkProblem, LinkCheck, Inline, MarkupBlock, MarkupLink, ParsedMarkup } from '../shared/newsletter';
