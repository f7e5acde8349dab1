import { createHash, randomBytes } from 'node:crypto';
import mjml2html from 'mjml';
import { loadTemplates, templatesDir, TEXTS, type TemplateSet, type TextKey } from '../../templates/index';
import {
  escapeHtml, pick, splitMerge, type NewsletterLanguage,
} from './model';
import type { LawfulBasis } from '../shared/consent';
import { checkLink, parseMarkup, MERGE_FIELD_INFO, type Block, type EditionContent, type Inline, type MergeField } from '../shared/newsletter';

export interface NewsletterSettings {
  senderName: string;
  senderEmail: string;
  postalAddress: string;
  privacyUrl: string;
  /** Where unsubscribe mails go until the sending feature has its own link. */
  unsubscribeAddress: string;
}

export type RenderMode = 'mail' | 'web';

export type Slot =
  | { kind: 'field'; field: MergeField; fallback: string }
  | { kind: 'unsubscribe' }
  | { kind: 'why' };

/** Literal parts with slot numbers between them: parts.length === slots.length + 1. */
export interface MergeTemplate {
  parts: string[];
  slots: number[];
}

export interface CompiledEdition {
  key: string;
  language: NewsletterLanguage;
  mode: RenderMode;
  slots: Slot[];
  html: MergeTemplate;
  text: MergeTemplate;
  subject: MergeTemplate;
  preheader: MergeTemplate;
  /** Bytes of the compiled HTML without merged values. */
  htmlBytes: number;
  compileMs: number;
  mjmlErrors: string[];
}

// ---------- a small Mustache subset: {{name}}, {{#name}}…{{/name}}, {{^name}}…{{/name}}, [[fixed text]] ----------
// Values are inserted as they are: the renderer escapes every value before it gets here.

type Node = string | { k: 'var'; name: string } | { k: 'text'; key: string } | { k: 'sec'; name: string; inverted: boolean; children: Node[] };

const TAG_RE = /\{\{([#^/]?)\s*([\w.]+)\s*\}\}|\[\[([\w.]+)\]\]/g;
const parsedTemplates = new Map<string, Node[]>();

export function parseTemplate(source: string): Node[] {
  const hit = parsedTemplates.get(source);
  if (hit) return hit;
  const root: Node[] = [];
  const stack: { name: string; children: Node[] }[] = [{ name: '', children: root }];
  let last = 0;
  for (const m of source.matchAll(TAG_RE)) {
    const top = stack[stack.length - 1]!;
    if (m.index > last) top.children.push(source.slice(last, m.index));
    last = m.index + m[0].length;
    if (m[3]) {
      if (!(m[3] in TEXTS)) throw new Error(`Unknown fixed text [[${m[3]}]]`);
      top.children.push({ k: 'text', key: m[3] });
    } else if (m[1] === '#' || m[1] === '^') {
      const node = { k: 'sec' as const, name: m[2]!, inverted: m[1] === '^', children: [] as Node[] };
      top.children.push(node);
      stack.push({ name: m[2]!, children: node.children });
    } else if (m[1] === '/') {
      if (top.name !== m[2] || stack.length === 1) throw new Error(`Unbalanced {{/${m[2]}}} in template`);
      stack.pop();
    } else {
      top.children.push({ k: 'var', name: m[2]! });
    }
  }
  if (stack.length !== 1) throw new Error(`Unclosed {{#${stack[stack.length - 1]!.name}}} in template`);
  if (last < source.length) root.push(source.slice(last));
  parsedTemplates.set(source, root);
  return root;
}

function lookup(stack: unknown[], name: string): unknown {
  const [head, ...rest] = name.split('.');
  for (let i = stack.length - 1; i >= 0; i--) {
    const ctx = stack[i];
    if (ctx && typeof ctx === 'object' && Object.hasOwn(ctx, head!)) {
      let v: unknown = (ctx as Record<string, unknown>)[head!];
      for (const key of rest) v = v != null && typeof v === 'object' && Object.hasOwn(v, key) ? (v as Record<string, unknown>)[key] : undefined;
      return v;
    }
  }
  return undefined;
}

export function renderTemplate(source: string, view: object, fixedText: (key: TextKey) => string): string {
  const out: string[] = [];
  const walk = (nodes: Node[], stack: unknown[]) => {
    for (const n of nodes) {
      if (typeof n === 'string') out.push(n);
      else if (n.k === 'text') out.push(fixedText(n.key as TextKey));
      else if (n.k === 'var') {
        const v = lookup(stack, n.name);
        if (v != null && v !== false) out.push(String(v));
      } else {
        const v = lookup(stack, n.name);
        const truthy = Array.isArray(v) ? v.length > 0 : Boolean(v);
        if (n.inverted) {
          if (!truthy) walk(n.children, stack);
        } else if (Array.isArray(v)) {
          for (const item of v) walk(n.children, [...stack, item]);
        } else if (truthy) {
          walk(n.children, typeof v === 'object' ? [...stack, v] : stack);
        }
      }
    }
  };
  walk(parseTemplate(source), [view]);
  return out.join('');
}

// ---------- merge slots ----------

class SlotTable {
  readonly defs: Slot[] = [];
  private readonly index = new Map<string, number>();
  readonly nonce = randomBytes(6).toString('hex');
  readonly re = new RegExp(`~~${this.nonce}_(\\d+)~~`);

  marker(slot: Slot): string {
    const key = JSON.stringify(slot);
    let i = this.index.get(key);
    if (i === undefined) {
      i = this.defs.length;
      this.defs.push(slot);
      this.index.set(key, i);
    }
    return `~~${this.nonce}_${i}~~`;
  }

  split(s: string): MergeTemplate {
    const pieces = s.split(this.re);
    const parts: string[] = [];
    const slots: number[] = [];
    pieces.forEach((p, i) => (i % 2 ? slots.push(Number(p)) : parts.push(p)));
    return { parts, slots };
  }
}

// ---------- text → HTML and plain text ----------

const STYLE = {
  p: 'margin:0 0 12px',
  list: 'margin:0 0 12px;padding-left:22px',
  li: 'margin:0 0 4px',
  a: 'color:#0e7c86',
};

class Writer {
  constructor(readonly lang: NewsletterLanguage, readonly slots: SlotTable) {}

  fixed(key: TextKey): string {
    return TEXTS[key][this.lang];
  }

  /** A plain text field: escaped, merge fields as slots, line breaks kept. */
  plainHtml(text: string): string {
    return splitMerge(text.trim()).map((p) => {
      if (typeof p === 'string') return escapeHtml(p).replace(/\r?\n/g, '<br />');
      if ('field' in p) return this.slots.marker({ kind: 'field', field: p.field, fallback: p.fallback });
      return escapeHtml(p.raw);
    }).join('');
  }

  plainText(text: string): string {
    return splitMerge(text.trim()).map((p) => {
      if (typeof p === 'string') return p;
      if ('field' in p) return this.slots.marker({ kind: 'field', field: p.field, fallback: p.fallback });
      return p.raw;
    }).join('');
  }

  private inlineHtml(nodes: Inline[]): string {
    return nodes.map((n) => {
      switch (n.t) {
        case 'text': return escapeHtml(n.v);
        case 'br': return '<br />';
        case 'b': return `<strong>${this.inlineHtml(n.c)}</strong>`;
        case 'i': return `<em>${this.inlineHtml(n.c)}</em>`;
        case 'a': return `<a href="${escapeHtml(n.href)}" style="${STYLE.a}">${this.inlineHtml(n.c)}</a>`;
        case 'merge': return this.slots.marker({ kind: 'field', field: n.field, fallback: n.fallback });
      }
    }).join('');
  }

  private inlineText(nodes: Inline[]): string {
    return nodes.map((n) => {
      switch (n.t) {
        case 'text': return n.v;
        case 'br': return '\n';
        case 'b': case 'i': return this.inlineText(n.c);
        case 'a': {
          const label = this.inlineText(n.c);
          const target = n.href.startsWith('mailto:') ? n.href.slice(7).split('?')[0]! : n.href;
          return label.trim() === target ? target : `${label} (${target})`;
        }
        case 'merge': return this.slots.marker({ kind: 'field', field: n.field, fallback: n.fallback });
      }
    }).join('');
  }

  /** The intro markup as HTML: paragraphs, lists, bold, italic, links; all else escaped. */
  richHtml(source: string): string {
    return parseMarkup(source).blocks.map((b) => {
      if (b.t === 'p') return `<p style="${STYLE.p}">${this.inlineHtml(b.c)}</p>`;
      const items = b.items.map((item) => `<li style="${STYLE.li}">${this.inlineHtml(item)}</li>`).join('');
      return `<${b.t} style="${STYLE.list}">${items}</${b.t}>`;
    }).join('');
  }

  richText(source: string): string {
    return parseMarkup(source).blocks.map((b) => {
      if (b.t === 'p') return this.inlineText(b.c);
      return b.items.map((item, i) => `${b.t === 'ul' ? '-' : `${i + 1}.`} ${this.inlineText(item)}`).join('\n');
    }).join('\n\n');
  }
}

export function formatDate(date: string, lang: NewsletterLanguage): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m) return date;
  return new Intl.DateTimeFormat(lang === 'en' ? 'en-GB' : 'nl-NL', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' })
    .format(new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))));
}

const safeHref = (url: string): string | null => {
  const c = checkLink(url);
  return c.ok ? c.href : null;
};

function contactButton(block: Extract<Block, { type: 'contact' }>, w: Writer): string {
  const label = pick(block.buttonLabel, w.lang).trim();
  return label || w.fixed('contact.button').replace('{name}', block.name.trim().split(/\s+/)[0] ?? '');
}

/** The view of one block for its partial (every value escaped), or null when there is nothing to show. */
function blockView(block: Block, w: Writer): Record<string, unknown> | null {
  const t = (v: { nl: string; en: string }) => pick(v, w.lang);
  switch (block.type) {
    case 'intro': {
      const body = w.richHtml(t(block.text));
      return body ? { body } : null;
    }
    case 'pilot':
      if (!t(block.name).trim()) return null;
      return {
        name: w.plainHtml(t(block.name)), phase: w.plainHtml(t(block.phase)), results: w.richHtml(t(block.results)),
        nextSteps: w.richHtml(t(block.nextSteps)), contactName: escapeHtml(block.contactName.trim()),
      };
    case 'event': {
      if (!t(block.title).trim()) return null;
      const url = safeHref(block.url);
      return {
        title: w.plainHtml(t(block.title)), date: block.date ? escapeHtml(formatDate(block.date, w.lang)) : '',
        place: w.plainHtml(t(block.place)), description: w.richHtml(t(block.description)),
        programme: block.programme.filter((p) => p.time.trim() || t(p.title).trim())
          .map((p) => ({ time: escapeHtml(p.time.trim()), title: w.plainHtml(t(p.title)) })),
        sessions: block.sessions.filter((s) => t(s.name).trim())
          .map((s) => ({ name: w.plainHtml(t(s.name)), description: w.plainHtml(t(s.description)) })),
        url: url ? escapeHtml(url) : '',
        linkLabel: w.plainHtml(t(block.linkLabel)) || escapeHtml(w.fixed('event.link')),
      };
    }
    case 'publication': {
      if (!t(block.title).trim()) return null;
      const url = safeHref(block.url);
      return { title: w.plainHtml(t(block.title)), summary: w.richHtml(t(block.summary)), url: url ? escapeHtml(url) : '' };
    }
    case 'contact': {
      if (!block.name.trim()) return null;
      const href = block.email.trim() ? safeHref(`mailto:${block.email.trim()}`) : null;
      const roleLine = [w.plainHtml(t(block.role)), escapeHtml(block.organisation.trim())].filter(Boolean).join(', ');
      return {
        name: escapeHtml(block.name.trim()), roleLine, text: w.richHtml(t(block.text)),
        href: href ? escapeHtml(href) : '', button: escapeHtml(contactButton(block, w)),
      };
    }
    case 'image': {
      const src = safeHref(block.url);
      if (!src?.startsWith('https:')) return null;
      const link = block.link ? safeHref(block.link) : null;
      return { src: escapeHtml(src), alt: escapeHtml(t(block.alt).trim()), caption: w.plainHtml(t(block.caption)), href: link ? escapeHtml(link) : '' };
    }
    case 'divider':
      return {};
  }
}

const RULE = '-'.repeat(60);

function blockText(block: Block, w: Writer): string | null {
  const t = (v: { nl: string; en: string }) => pick(v, w.lang);
  const label = (key: TextKey) => w.fixed(key).toUpperCase();
  const lines: string[] = [];
  const add = (...xs: (string | false | null | undefined)[]) => {
    for (const x of xs) if (typeof x === 'string') lines.push(x);
  };
  switch (block.type) {
    case 'intro': {
      const body = w.richText(t(block.text));
      return body || null;
    }
    case 'pilot':
      if (!t(block.name).trim()) return null;
      add(label('pilot.label'), w.plainText(t(block.name)));
      if (t(block.phase).trim()) add(`${w.fixed('pilot.phase')}: ${w.plainText(t(block.phase))}`);
      if (t(block.results).trim()) add('', w.fixed('pilot.results'), w.richText(t(block.results)));
      if (t(block.nextSteps).trim()) add('', w.fixed('pilot.nextSteps'), w.richText(t(block.nextSteps)));
      if (block.contactName.trim()) add('', `${w.fixed('pilot.contact')}: ${block.contactName.trim()}`);
      break;
    case 'event': {
      if (!t(block.title).trim()) return null;
      add(label('event.label'), w.plainText(t(block.title)));
      if (block.date) add(`${w.fixed('event.date')}: ${formatDate(block.date, w.lang)}`);
      if (t(block.place).trim()) add(`${w.fixed('event.place')}: ${w.plainText(t(block.place))}`);
      if (t(block.description).trim()) add('', w.richText(t(block.description)));
      const programme = block.programme.filter((p) => p.time.trim() || t(p.title).trim());
      if (programme.length) add('', w.fixed('event.programme'), ...programme.map((p) => `${p.time.trim().padEnd(6)} ${w.plainText(t(p.title))}`));
      const sessions = block.sessions.filter((s) => t(s.name).trim());
      if (sessions.length) {
        add('', w.fixed('event.sessions'), ...sessions.map((s) => `- ${w.plainText(t(s.name))}${t(s.description).trim() ? `: ${w.plainText(t(s.description))}` : ''}`));
      }
      const url = safeHref(block.url);
      if (url) add('', `${w.plainText(t(block.linkLabel)) || w.fixed('event.link')}: ${url}`);
      break;
    }
    case 'publication': {
      if (!t(block.title).trim()) return null;
      add(label('publication.label'), w.plainText(t(block.title)));
      if (t(block.summary).trim()) add('', w.richText(t(block.summary)));
      const url = safeHref(block.url);
      if (url) add('', `${w.fixed('publication.button')}: ${url}`);
      break;
    }
    case 'contact': {
      if (!block.name.trim()) return null;
      add(label('contact.label'), block.name.trim(), [w.plainText(t(block.role)), block.organisation.trim()].filter(Boolean).join(', '));
      if (t(block.text).trim()) add('', w.richText(t(block.text)));
      const href = block.email.trim() ? safeHref(`mailto:${block.email.trim()}`) : null;
      if (href) add('', `${contactButton(block, w)}: ${href.slice(7)}`);
      break;
    }
    case 'image': {
      const src = safeHref(block.url);
      if (!src?.startsWith('https:')) return null;
      const alt = t(block.alt).trim();
      if (alt) add(`[${alt}]`);
      if (t(block.caption).trim()) add(w.plainText(t(block.caption)));
      const link = block.link ? safeHref(block.link) : null;
      if (link) add(link);
      if (!lines.length) return null;
      break;
    }
    case 'divider':
      return null;
  }
  return lines.join('\n');
}

// ---------- compiling ----------

export interface CompileInput {
  content: EditionContent;
  language: NewsletterLanguage;
  settings: NewsletterSettings;
  mode: RenderMode;
}

export interface CompileOptions {
  validationLevel?: 'skip' | 'soft' | 'strict';
  templates?: TemplateSet;
}

/** The MJML source of an edition with merge markers, and its plain-text part. */
export function buildSources(input: CompileInput, templates: TemplateSet = loadTemplates()) {
  const { content, language: lang, settings, mode } = input;
  const slots = new SlotTable();
  const w = new Writer(lang, slots);
  const fixedHtml = (key: TextKey) => escapeHtml(w.fixed(key));
  const blocks: string[] = [];
  const texts: string[] = [];
  for (const block of content.blocks) {
    const view = blockView(block, w);
    if (view) blocks.push(renderTemplate(templates[block.type], view, fixedHtml));
    const text = blockText(block, w);
    if (text) texts.push(text);
  }
  const date = formatDate(content.date, lang);
  const privacy = safeHref(settings.privacyUrl);
  const unsubscribe = slots.marker({ kind: 'unsubscribe' });
  const why = slots.marker({ kind: 'why' });
  const published = w.fixed('footer.published').replace('{date}', date);
  const mjml = renderTemplate(templates.base, {
    lang,
    subject: w.plainHtml(pick(content.subject, lang).replace(/\s+/g, ' ')),
    preheader: w.plainHtml(pick(content.preheader, lang).replace(/\s+/g, ' ')),
    title: w.plainHtml(pick(content.title, lang)),
    number: String(content.number),
    date: escapeHtml(date),
    blocks: blocks.join('\n'),
    senderName: escapeHtml(settings.senderName.trim()),
    postalAddress: escapeHtml(settings.postalAddress.trim()).replace(/\r?\n/g, '<br />'),
    privacyUrl: privacy ? escapeHtml(privacy) : '',
    mail: mode === 'mail',
    unsubscribeUrl: unsubscribe,
    why,
    published: escapeHtml(published),
  }, fixedHtml);

  const head = [
    w.fixed('header.programme').toUpperCase(),
    `${w.fixed('header.newsletter')} ${w.fixed('header.number')} ${content.number} · ${date}`,
    '',
    w.plainText(pick(content.title, lang)),
  ].join('\n');
  const footer = [
    settings.senderName.trim(),
    settings.postalAddress.trim(),
    '',
    ...(mode === 'mail'
      ? [why, '', w.fixed('footer.unsubscribeHelp'), `${w.fixed('footer.unsubscribe')}: ${unsubscribe}`]
      : [published]),
    ...(privacy ? [`${w.fixed('footer.privacy')}: ${privacy}`] : []),
  ].join('\n');
  const text = `${[head, ...texts].join(`\n\n${RULE}\n\n`)}\n\n${'='.repeat(60)}\n${footer}\n`.replace(/\n{3,}/g, '\n\n');
  const subject = w.plainText(pick(content.subject, lang).replace(/\s+/g, ' '));
  const preheader = w.plainText(pick(content.preheader, lang).replace(/\s+/g, ' '));
  return { mjml, text, subject, preheader, slots };
}

let templatesHash: string | null = null;
function templatesVersion(templates: TemplateSet): string {
  templatesHash ??= createHash('sha256').update(JSON.stringify([templates, TEXTS])).digest('hex').slice(0, 16);
  return templatesHash;
}

export function compileKey(input: CompileInput): string {
  const templates = loadTemplates();
  return createHash('sha256').update(JSON.stringify([templatesVersion(templates), input.language, input.mode, input.settings, input.content])).digest('base64url');
}

export async function compileEdition(input: CompileInput, options: CompileOptions = {}): Promise<CompiledEdition> {
  const started = performance.now();
  const templates = options.templates ?? loadTemplates();
  const { mjml, text, subject, preheader, slots } = buildSources(input, templates);
  const result = await mjml2html(mjml, {
    validationLevel: options.validationLevel ?? 'soft',
    fonts: {},
    keepComments: false,
    minify: false,
    beautify: false,
    // Partials are put together above; nothing may be included from disk, and never from outside templates/.
    ignoreIncludes: true,
    filePath: options.templates ? '.' : templatesDir(),
  });
  // Indentation only: HTML collapses it anyway, and every byte counts towards Gmail's clipping limit.
  const html = slots.split(result.html.replace(/\n[ \t]+/g, '\n'));
  return {
    key: options.templates ? '' : compileKey(input),
    language: input.language,
    mode: input.mode,
    slots: slots.defs,
    html,
    text: slots.split(text),
    subject: slots.split(subject),
    preheader: slots.split(preheader),
    htmlBytes: Buffer.byteLength(html.parts.join('')),
    compileMs: performance.now() - started,
    mjmlErrors: result.errors.map((e) => e.formattedMessage),
  };
}

// ---------- the compile cache: per edition content, language and mode ----------

const CACHE_SIZE = 32;
const cache = new Map<string, Promise<CompiledEdition>>();

/** Compiles once per content hash; later calls with the same content return the same result. */
export function compileCached(input: CompileInput): { compiled: Promise<CompiledEdition>; cached: boolean } {
  const key = compileKey(input);
  const hit = cache.get(key);
  if (hit) {
    cache.delete(key);
    cache.set(key, hit);
    return { compiled: hit, cached: true };
  }
  const compiled = compileEdition(input);
  cache.set(key, compiled);
  compiled.catch(() => cache.delete(key));
  while (cache.size > CACHE_SIZE) cache.delete(cache.keys().next().value!);
  return { compiled, cached: false };
}

export function clearCompileCache(): void {
  cache.clear();
}

// ---------- merging: per recipient, after one compile ----------

export interface MergeRecipient {
  personId: number;
  listId: number;
  firstName: string;
  lastName: string;
  organisation: string;
  listName: string;
  lawfulBasis: LawfulBasis;
}

export interface MergedMessage {
  html: string;
  text: string;
  subject: string;
  preheader: string;
  unsubscribeUrl: string;
}

export type TokenSigner = (personId: number, listId: number) => string;

export interface MergerOptions {
  settings: NewsletterSettings;
  sign: TokenSigner;
  /** Without a recipient: show [Voornaam] where a merge field goes (preview); otherwise the fallback text. */
  placeholders?: boolean;
}

function join(t: MergeTemplate, values: readonly string[]): string {
  const { parts, slots } = t;
  let s = parts[0]!;
  for (let i = 0; i < slots.length; i++) s += values[slots[i]!]! + parts[i + 1]!;
  return s;
}

export function unsubscribeUrl(address: string, lang: NewsletterLanguage, token: string): string {
  if (!address.trim()) return '';
  return `mailto:${address.trim()}?subject=${encodeURIComponent(`${TEXTS['footer.unsubscribe'][lang]} ${token}`)}`;
}

export const PREVIEW_TOKEN = 'VOORBEELD';

/** Per recipient: every slot's plain value and its HTML-escaped form. */
function slotValues(compiled: CompiledEdition, options: MergerOptions) {
  const lang = compiled.language;
  const { slots } = compiled;
  const whyCache = new Map<string, string>();
  const placeholder = new Map(MERGE_FIELD_INFO.map((f) => [f.field, `[${f.label[lang]}]`]));
  const why = (r: MergeRecipient | null) => {
    if (!r) return '';
    const key = `${r.listName}\u0000${r.lawfulBasis}`;
    let s = whyCache.get(key);
    if (s === undefined) {
      s = TEXTS[`footer.why.${r.lawfulBasis}`][lang].replace('{list}', r.listName);
      whyCache.set(key, s);
    }
    return s;
  };
  const field = (r: MergeRecipient | null, f: MergeField, fallback: string): string => {
    if (!r) return options.placeholders ? placeholder.get(f)! : fallback;
    const v = f === 'name' ? `${r.firstName} ${r.lastName}` : f === 'firstName' ? r.firstName : f === 'lastName' ? r.lastName : r.organisation;
    return v.trim() || fallback;
  };
  const raw = new Array<string>(slots.length);
  const esc = new Array<string>(slots.length);
  return (r: MergeRecipient | null) => {
    const url = unsubscribeUrl(options.settings.unsubscribeAddress, lang, r ? options.sign(r.personId, r.listId) : PREVIEW_TOKEN);
    for (let i = 0; i < slots.length; i++) {
      const s = slots[i]!;
      const v = s.kind === 'field' ? field(r, s.field, s.fallback) : s.kind === 'unsubscribe' ? url : why(r);
      raw[i] = v;
      esc[i] = escapeHtml(v);
    }
    return { raw, esc, url };
  };
}

/** Returns a function that personalises the compiled edition: HTML-escaped values in the HTML, plain values in the text. */
export function createMerger(compiled: CompiledEdition, options: MergerOptions): (r: MergeRecipient | null) => MergedMessage {
  const values = slotValues(compiled, options);
  return (r) => {
    const { raw, esc, url } = values(r);
    return {
      html: join(compiled.html, esc),
      text: join(compiled.text, raw),
      subject: join(compiled.subject, raw),
      preheader: join(compiled.preheader, raw),
      unsubscribeUrl: url,
    };
  };
}

export interface MergedBuffers {
  /** UTF-8; a view into a buffer the next call overwrites */
  html: Buffer;
  /** UTF-8; a view into a buffer the next call overwrites */
  text: Buffer;
  subject: string;
  preheader: string;
  unsubscribeUrl: string;
}

class Scratch {
  buf = Buffer.allocUnsafe(0);

  /** Writes parts and values into the reused buffer and returns the written view. */
  write(parts: readonly Buffer[], slots: readonly number[], values: readonly string[]): Buffer {
    let length = parts[0]!.length;
    for (let i = 0; i < slots.length; i++) length += Buffer.byteLength(values[slots[i]!]!, 'utf8') + parts[i + 1]!.length;
    if (this.buf.length < length) this.buf = Buffer.allocUnsafe(Math.ceil(length * 1.25));
    const out = this.buf;
    out.set(parts[0]!, 0);
    let at = parts[0]!.length;
    for (let i = 0; i < slots.length; i++) {
      at += out.write(values[slots[i]!]!, at, 'utf8');
      const part = parts[i + 1]!;
      out.set(part, at);
      at += part.length;
    }
    return out.subarray(0, at);
  }
}

/**
 * The same merge, producing complete UTF-8 bodies in buffers that are reused from call to call (no allocation
 * per recipient): hand them to the transport, or copy them, before the next call.
 */
export function createBufferMerger(compiled: CompiledEdition, options: MergerOptions): (r: MergeRecipient | null) => MergedBuffers {
  const values = slotValues(compiled, options);
  const htmlParts = compiled.html.parts.map((p) => Buffer.from(p, 'utf8'));
  const textParts = compiled.text.parts.map((p) => Buffer.from(p, 'utf8'));
  const html = new Scratch();
  const text = new Scratch();
  return (r) => {
    const { raw, esc, url } = values(r);
    return {
      html: html.write(htmlParts, compiled.html.slots, esc),
      text: text.write(textParts, compiled.text.slots, raw),
      subject: join(compiled.subject, raw),
      preheader: join(compiled.preheader, raw),
      unsubscribeUrl: url,
    };
  };
}
