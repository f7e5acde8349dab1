import { createHmac, createSecretKey, timingSafeEqual, type KeyObject } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { DbOrTx } from '../store/connection';
import { readOrCreateKey } from '../store/secrets';
import { isValidEmail } from '../shared/text';
import { CommandError } from '../shared/errors';
import { runChecklist } from './checklist';
import { getArchive, loadEdition, parseContent, recordSent, type ArchiveEntry } from './editions';
import { resolveAudience, type Recipient } from './audience';
import { phoneDigits } from './model';
import { fullName } from '../register/people';
import {
  compileCached, createMerger, PREVIEW_TOKEN, type CompiledEdition, type MergeRecipient, type NewsletterSettings, type RenderMode,
} from './render';
import type { AddressHasher } from '../consent/suppression';
import type { Language } from '../shared/register';
import type { ChecklistResult, NewsletterSettingsView, PreviewResult } from './types';
import { MERGE_FIELD_INFO, type EditionContent } from '../shared/newsletter';

// ---------- settings ----------

const SETTING_KEYS: Record<keyof NewsletterSettings, string> = {
  senderName: 'newsletter.sender_name',
  senderEmail: 'newsletter.sender_email',
  postalAddress: 'newsletter.postal_address',
  privacyUrl: 'newsletter.privacy_url',
  unsubscribeAddress: 'newsletter.unsubscribe_address',
};

export async function getNewsletterSettings(db: DbOrTx): Promise<NewsletterSettings> {
  const rows = await db.selectFrom('settings').select(['key', 'value']).where('key', 'in', Object.values(SETTING_KEYS)).execute();
  const byKey = new Map(rows.map((r) => [r.key, r.value]));
  const out = {} as NewsletterSettings;
  for (const [name, key] of Object.entries(SETTING_KEYS) as [keyof NewsletterSettings, string][]) out[name] = byKey.get(key) ?? '';
  return out;
}

export function settingsView(s: NewsletterSettings): NewsletterSettingsView {
  const missing: NewsletterSettingsView['missing'] = [];
  if (!s.senderName.trim()) missing.push('senderName');
  if (!isValidEmail(s.senderEmail)) missing.push('senderEmail');
  if (!s.postalAddress.trim()) missing.push('postalAddress');
  if (!s.privacyUrl.trim()) missing.push('privacyUrl');
  if (!isValidEmail(s.unsubscribeAddress)) missing.push('unsubscribeAddress');
  return { ...s, missing };
}

export async function saveNewsletterSettings(db: DbOrTx, s: NewsletterSettings): Promise<NewsletterSettings> {
  const issues: { path: string; message: { nl: string; en: string } }[] = [];
  for (const field of ['senderEmail', 'unsubscribeAddress'] as const) {
    if (s[field] && !isValidEmail(s[field])) {
      issues.push({ path: field, message: { nl: `"${s[field]}" is geen geldig e-mailadres.`, en: `"${s[field]}" is not a valid e-mail address.` } });
    }
  }
  if (s.privacyUrl && !/^https:\/\/[^\s/]+\.[^\s]+$/i.test(s.privacyUrl)) {
    issues.push({ path: 'privacyUrl', message: { nl: 'De link moet beginnen met https://.', en: 'The link must start with https://.' } });
  }
  if (issues.length) {
    throw new CommandError('invalid_settings', {
      nl: `De instellingen zijn niet opgeslagen. ${issues[0]!.message.nl}`, en: `The settings were not saved. ${issues[0]!.message.en}`,
    }, issues);
  }
  for (const [name, key] of Object.entries(SETTING_KEYS) as [keyof NewsletterSettings, string][]) {
    await db.insertInto('settings').values({ key, value: s[name] }).onConflict((oc) => oc.column('key').doUpdateSet({ value: s[name] })).execute();
  }
  return getNewsletterSettings(db);
}

// ---------- unsubscribe tokens: HMAC of person and list with the installation's key ----------

export const NEWSLETTER_KEY_FILE = 'newsletter.key';
const TOKEN_RE = /^([0-9a-z]{1,12})\.([0-9a-z]{1,12})\.([A-Za-z0-9_-]{22})$/;

export class UnsubscribeTokens {
  private readonly key: KeyObject;

  constructor(key: Buffer) {
    if (key.length < 32 || key.length > 64) throw new Error('Newsletter key must be 32 to 64 bytes');
    this.key = createSecretKey(key);
  }

  static forDataDir(dataDir: string): UnsubscribeTokens {
    return new UnsubscribeTokens(readOrCreateKey(dataDir, NEWSLETTER_KEY_FILE, { create: true }));
  }

  /** HMAC-SHA256, truncated to 22 base64url characters (132 bits). */
  private mac(body: string, purpose: 'unsubscribe' | 'confirm' = 'unsubscribe'): string {
    const message = `schakel:${purpose}:${body}`;
    return createHmac('sha256', this.key).update(message, 'utf8').digest('base64url').slice(0, 22);
  }

  /** personId.listId.mac, in base 36 and base64url: safe in a mailto subject and a URL. */
  sign = (personId: number, listId: number): string => {
    const body = `${personId.toString(36)}.${listId.toString(36)}`;
    return `${body}.${this.mac(body)}`;
  };

  /** The person and list of a token from an unsubscribe mail, or null when it was not made with this key. */
  verify(token: string, purpose: 'unsubscribe' | 'confirm' = 'unsubscribe'): { personId: number; listId: number } | null {
    const m = TOKEN_RE.exec(token.trim());
    if (!m) return null;
    const expected = Buffer.from(this.mac(`${m[1]}.${m[2]}`, purpose));
    const given = Buffer.from(m[3]!);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
    return { personId: parseInt(m[1]!, 36), listId: parseInt(m[2]!, 36) };
  }

  /** Same shape as an unsubscribe token, other purpose: one can never stand in for the other. */
  signConfirm = (personId: number, listId: number): string => {
    const body = `${personId.toString(36)}.${listId.toString(36)}`;
    return `${body}.${this.mac(body, 'confirm')}`;
  };

  verifyConfirm(token: string): { personId: number; listId: number } | null {
    return this.verify(token, 'confirm');
  }
}

export interface NewsletterEnv {
  hasher: AddressHasher;
  tokens: UnsubscribeTokens;
  dataDir: string;
  now: Date;
}

// ---------- rendering an edition ----------

export function toMergeRecipient(r: Recipient): MergeRecipient {
  return {
    personId: r.personId, listId: r.listId, firstName: r.firstName, lastName: r.lastName, organisation: r.organisation,
    listName: r.listName, lawfulBasis: r.lawfulBasis,
  };
}

export async function contentOf(db: DbOrTx, editionId: number, draft?: EditionContent | null): Promise<EditionContent> {
  const row = await loadEdition(db, editionId);
  // A sent edition always shows what was sent.
  return draft && !row.sent_at ? draft : parseContent(row);
}

/** The recipient to "view as": from the audience, or (when not in it) the person as they are in the register. */
export async function viewAs(db: DbOrTx, hasher: AddressHasher, content: EditionContent, personId: number): Promise<{ recipient: Recipient; inAudience: boolean }> {
  const inAudience = (await resolveAudience(db, hasher, content.audience, { personId }))[0];
  if (inAudience) return { recipient: inAudience, inAudience: true };
  const p = await db.selectFrom('people').leftJoin('organisations', 'organisations.id', 'people.organisation_id')
    .select(['people.id', 'first_name', 'last_name', 'language', 'organisations.name as organisation',
      (eb) => eb.selectFrom('person_emails').select('email').whereRef('person_id', '=', 'people.id').where('is_primary', '=', 1).as('email')])
    .where('people.id', '=', personId).executeTakeFirst();
  if (!p) throw new CommandError('not_found', { nl: 'Persoon niet gevonden.', en: 'Person not found.' });
  const list = content.audience.listIds.length
    ? await db.selectFrom('mailing_lists').select(['id', 'name', 'lawful_basis']).where('id', 'in', content.audience.listIds).orderBy('id').executeTakeFirst()
    : undefined;
  return {
    inAudience: false,
    recipient: {
      personId: p.id, firstName: p.first_name, lastName: p.last_name, name: fullName(p.first_name, p.last_name), email: p.email ?? '',
      language: p.language, organisation: p.organisation ?? '', listId: list?.id ?? 0, listName: list?.name ?? '', lawfulBasis: list?.lawful_basis ?? 'consent',
    },
  };
}

export interface PreviewInput {
  editionId: number;
  draft?: EditionContent | null;
  language?: Language | null;
  personId?: number | null;
  mode: RenderMode;
}

export async function previewEdition(db: DbOrTx, env: NewsletterEnv, input: PreviewInput): Promise<PreviewResult> {
  const content = await contentOf(db, input.editionId, input.draft);
  const settings = await getNewsletterSettings(db);
  const seen = input.personId ? await viewAs(db, env.hasher, content, input.personId) : null;
  const language = input.language ?? seen?.recipient.language ?? 'nl';
  const { compiled, cached } = compileCached({ content, language, settings, mode: input.mode });
  const c = await compiled;
  // Never a real token outside a real mail: clicking Afmelden in a preview must not unsubscribe the person viewed.
  const merged = createMerger(c, { settings, sign: () => PREVIEW_TOKEN, placeholders: true })(seen ? toMergeRecipient(seen.recipient) : null);
  return {
    language, mode: input.mode, subject: merged.subject, preheader: merged.preheader, html: merged.html, text: merged.text,
    bytes: Buffer.byteLength(merged.html), compileMs: cached ? 0 : Math.round(c.compileMs), cached,
    recipient: seen ? { personId: seen.recipient.personId, name: seen.recipient.name, language: seen.recipient.language, inAudience: seen.inAudience } : null,
  };
}

/** A recipient with long values, for measuring the size a real mail will have. */
const SAMPLE: MergeRecipient = {
  personId: 999_999, listId: 999, firstName: 'Maximiliaan-Alexander', lastName: 'van den Boogaard-Huis in ’t Veld',
  organisation: 'Gemeente Súdwest-Fryslân, afdeling Jeugd en Veiligheid', listName: 'Nieuwsbrief Jeugd en Veiligheid (Nederlandstalig)', lawfulBasis: 'legitimate_interest',
};

async function compileBoth(content: EditionContent, settings: NewsletterSettings, mode: RenderMode): Promise<Record<Language, CompiledEdition>> {
  const [nl, en] = await Promise.all([
    compileCached({ content, language: 'nl', settings, mode }).compiled,
    compileCached({ content, language: 'en', settings, mode }).compiled,
  ]);
  return { nl, en };
}

export async function editionChecklist(db: DbOrTx, env: NewsletterEnv, editionId: number, draft?: EditionContent | null): Promise<ChecklistResult> {
  const content = await contentOf(db, editionId, draft);
  const settings = await getNewsletterSettings(db);
  const [recipients, compiled, phones] = await Promise.all([
    resolveAudience(db, env.hasher, content.audience),
    compileBoth(content, settings, 'mail'),
    db.selectFrom('people').select('phone').where('phone', 'is not', null).execute(),
  ]);
  const sample = (lang: Language) => createMerger(compiled[lang], { settings, sign: env.tokens.sign })(SAMPLE).html;
  return runChecklist({
    content, settings, compiled, now: env.now,
    sampleHtml: { nl: sample('nl'), en: sample('en') },
    recipients: { total: recipients.length, nl: recipients.filter((r) => r.language === 'nl').length, en: recipients.filter((r) => r.language === 'en').length },
    registerPhones: new Set(phones.map((p) => phoneDigits(p.phone ?? '')).filter((d): d is string => d !== null)),
  });
}

/** The checklist as a refusal: errors always, warnings unless accepted. */
export async function assertReady(db: DbOrTx, env: NewsletterEnv, editionId: number, acceptWarnings: boolean): Promise<void> {
  const result = await editionChecklist(db, env, editionId);
  const errors = result.items.filter((i) => i.severity === 'error');
  const toIssues = (items: typeof errors) => items.map((i) => ({ path: i.path ?? i.check, message: i.message }));
  if (errors.length) {
    throw new CommandError('checklist_failed', {
      nl: `De editie is nog niet klaar: ${errors.length} punt${errors.length === 1 ? '' : 'en'} op de controlelijst ${errors.length === 1 ? 'moet' : 'moeten'} eerst worden opgelost.`,
      en: `The edition is not ready yet: ${errors.length} checklist item${errors.length === 1 ? '' : 's'} must be fixed first.`,
    }, toIssues(errors));
  }
  const warnings = result.items.filter((i) => i.severity === 'warning');
  if (warnings.length && !acceptWarnings) {
    throw new CommandError('checklist_warnings', {
      nl: `De controlelijst heeft ${warnings.length} waarschuwing${warnings.length === 1 ? '' : 'en'}. Bekijk ze en bevestig dat de editie toch klaar is.`,
      en: `The checklist has ${warnings.length} warning${warnings.length === 1 ? '' : 's'}. Review them and confirm that the edition is ready anyway.`,
    }, toIssues(warnings));
  }
}

// ---------- test send (queued in the outbox, see outbox.createTestJob) ----------

/** In the unsubscribe link of a test mail, in place of a person's token. */
export const TEST_TOKEN = 'TEST';

// ---------- sent editions: frozen, with their final rendering kept ----------

/** The compiled mail with readable placeholders where each recipient's values went. */
function readableTemplate(c: CompiledEdition): string {
  const names = new Map(MERGE_FIELD_INFO.map((f) => [f.field, f.key]));
  const values = c.slots.map((s) => (s.kind === 'field' ? `{{${names.get(s.field)}${s.fallback ? `|${s.fallback}` : ''}}}`
    : s.kind === 'unsubscribe' ? '{{afmeldlink}}' : '{{reden}}'));
  let out = c.html.parts[0]!;
  c.html.slots.forEach((slot, i) => {
    out += values[slot]! + c.html.parts[i + 1]!;
  });
  return out;
}

/**
 * For the sending feature: marks a ready edition as sent and keeps, per language, the web version (for the
 * programme's website), the mail as compiled and the plain text. The edition is frozen from then on.
 */
export async function markEditionSent(db: DbOrTx, env: Pick<NewsletterEnv, 'tokens' | 'now'>, editionId: number): Promise<void> {
  const row = await loadEdition(db, editionId);
  if (row.status !== 'ready') {
    throw new CommandError('not_ready', { nl: 'Alleen een editie die klaar is kan worden verstuurd.', en: 'Only a ready edition can be sent.' });
  }
  const content = parseContent(row);
  const settings = await getNewsletterSettings(db);
  const entries: ArchiveEntry[] = [];
  for (const language of ['nl', 'en'] as const) {
    const [mail, web] = await Promise.all([
      compileCached({ content, language, settings, mode: 'mail' }).compiled,
      compileCached({ content, language, settings, mode: 'web' }).compiled,
    ]);
    const w = createMerger(web, { settings, sign: env.tokens.sign })(null);
    entries.push({ language, subject: w.subject, preheader: w.preheader, webHtml: w.html, mailHtml: readableTemplate(mail), text: w.text });
  }
  await recordSent(db, editionId, entries, env.now);
}

export const EXPORT_DIR = 'exports';

export async function exportArchive(db: DbOrTx, dataDir: string, editionId: number, language: Language) {
  const archive = await getArchive(db, editionId, language);
  const row = await loadEdition(db, editionId);
  const fileName = `nieuwsbrief-${row.number}-${language}.html`;
  const folder = path.join(dataDir, EXPORT_DIR);
  mkdirSync(folder, { recursive: true });
  const file = path.join(folder, fileName);
  writeFileSync(file, archive.web_html, 'utf8');
  return { path: file, fileName, html: archive.web_html };
}
