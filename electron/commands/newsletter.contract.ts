import { z } from 'zod';
import { command, singleLineUntrimmed } from './spec';
import { ORGANISATION_KINDS, type Language } from '../../db/shared/register';
import type { NewsletterSettingsView, EditionSummary, EditionDetail, EditionSaved, AudienceSummary, RecipientRow, PreviewResult, ChecklistResult } from '../../db/newsletter/types';
import { singleLine } from '../../db/shared/messages';
import { BLOCK_TYPES, EDITION_STATUSES, type Bilingual, type Block } from '../../db/shared/newsletter';

const id = z.number().int().positive();
const language = z.enum(['nl', 'en']);
const date = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);
const text = (max: number) => z.string().max(max).default('');
const bilingual = (max = 500) => z.strictObject({ nl: text(max), en: text(max) }).default({ nl: '', en: '' });
/** Titles, names, subjects and labels: one line each. */
const line = (max: number) => singleLineUntrimmed().max(max).default('');
const bilingualLine = (max: number) => z.strictObject({ nl: line(max), en: line(max) }).default({ nl: '', en: '' });
const blockId = z.string().min(1).max(64);
/** Checked against the link policy (https: and mailto: only) when saved. */
const url = z.string().trim().max(2000).default('');

const intro = z.strictObject({ id: blockId, type: z.literal('intro'), text: bilingual(20000) });
const pilot = z.strictObject({
  id: blockId, type: z.literal('pilot'), pilotId: id.nullable().default(null),
  name: bilingualLine(200), phase: bilingual(300), results: bilingual(10000), nextSteps: bilingual(10000), contactName: line(200),
});
const event = z.strictObject({
  id: blockId, type: z.literal('event'), title: bilingualLine(300), date: z.union([date, z.literal('')]).default(''),
  place: bilingualLine(300), description: bilingual(10000),
  programme: z.array(z.strictObject({
    id: blockId, time: z.string().trim().regex(/^(\d{1,2}[:.]\d{2}(\s*[-–]\s*\d{1,2}[:.]\d{2})?)?$/).default(''), title: bilingualLine(300),
  })).max(40).default([]),
  sessions: z.array(z.strictObject({ id: blockId, name: bilingualLine(200), description: bilingual(1000) })).max(12).default([]),
  url, linkLabel: bilingualLine(100),
});
const publication = z.strictObject({ id: blockId, type: z.literal('publication'), title: bilingualLine(300), summary: bilingual(10000), url });
const contact = z.strictObject({
  id: blockId, type: z.literal('contact'), personId: id.nullable().default(null), name: line(200), role: bilingualLine(200),
  organisation: line(200), email: z.string().trim().max(254).default(''), text: bilingual(5000), buttonLabel: bilingualLine(100),
});
const image = z.strictObject({ id: blockId, type: z.literal('image'), url, alt: bilingual(500), caption: bilingual(1000), link: url });
const divider = z.strictObject({ id: blockId, type: z.literal('divider') });

export const blockSchema = z.discriminatedUnion('type', [intro, pilot, event, publication, contact, image, divider]);

export const audienceSchema = z.strictObject({
  listIds: z.array(id).max(50).default([]),
  organisationKinds: z.array(z.enum(ORGANISATION_KINDS)).max(20).default([]),
  pilotIds: z.array(id).max(20).default([]),
  regions: z.array(z.string().trim().min(1).max(100)).max(50).default([]),
  tags: z.array(z.string().trim().min(1).max(60)).max(50).default([]),
});

export const editionContentSchema = z.strictObject({
  number: z.number().int().min(1).max(1_000_000),
  date,
  title: bilingualLine(200),
  subject: bilingualLine(200),
  preheader: bilingualLine(300),
  audience: audienceSchema.default({ listIds: [], organisationKinds: [], pilotIds: [], regions: [], tags: [] }),
  blocks: z.array(blockSchema).max(60).default([]),
});
export type EditionContentInput = z.input<typeof editionContentSchema>;

export const newsletterSettingsSchema = z.strictObject({
  senderName: singleLine().max(200).default(''),
  senderEmail: singleLine().max(254).default(''),
  postalAddress: z.string().trim().max(500).default(''),
  privacyUrl: z.string().trim().max(2000).default(''),
  unsubscribeAddress: z.string().trim().max(254).default(''),
});

export interface TestSendResult {
  /** The send job in the outbox (kind 'test'): follow it with sending.jobs.get. */
  jobId: number;
  /** 'test': no SMTP account yet, the mail goes to the built-in test mailbox */
  mailbox: 'test' | 'smtp';
  message: Bilingual;
}

export interface ArchivedEdition {
  editionId: number;
  language: Language;
  subject: string;
  preheader: string;
  html: string;
  text: string;
  createdAt: string;
}

const draftInput = {
  editionId: id,
  /** Unsaved content from the editor; without it the saved content is used. */
  draft: editionContentSchema.nullish(),
};

export const newsletterContract = {
  'newsletter.settings.get': command(z.strictObject({})).returns<NewsletterSettingsView>(),
  'newsletter.settings.save': command(newsletterSettingsSchema).returns<NewsletterSettingsView>(),

  'newsletter.editions.list': command(z.strictObject({ status: z.enum(EDITION_STATUSES).nullish() })).returns<EditionSummary[]>(),
  'newsletter.editions.get': command(z.strictObject({ id })).returns<EditionDetail>(),
  /** A new draft: empty, or a copy of another edition's content with the next number and today's date. */
  'newsletter.editions.create': command(z.strictObject({ title: singleLine().max(200).optional(), copyFromId: id.optional() })).returns<EditionDetail>(),
  /** Saves the whole content; revision must be the one last read. A ready edition goes back to draft. */
  'newsletter.editions.save': command(z.strictObject({ id, revision: z.number().int().positive(), content: editionContentSchema })).returns<EditionSaved>(),
  'newsletter.editions.delete': command(z.strictObject({ id })).returns<{ ok: true }>(),
  /** draft ↔ ready (ready runs the checklist: errors refuse, warnings need acceptWarnings), any → archived. */
  'newsletter.editions.setStatus': command(z.strictObject({
    id, status: z.enum(['draft', 'ready', 'archived']), acceptWarnings: z.boolean().default(false),
  })).returns<EditionDetail>(),

  /** A new block, pre-filled from the register (pilot, person) or with the programme day as model (event). Not saved. */
  'newsletter.blocks.create': command(z.strictObject({
    type: z.enum(BLOCK_TYPES), pilotId: id.nullish(), personId: id.nullish(),
  })).returns<Block>(),

  'newsletter.audience.summary': command(z.strictObject({ editionId: id.nullish(), audience: audienceSchema.nullish() })).returns<AudienceSummary>(),
  /** Recipients of the audience, for "view as". */
  'newsletter.audience.recipients': command(z.strictObject({
    editionId: id.nullish(), audience: audienceSchema.nullish(), query: z.string().max(200).default(''),
    language: language.nullish(), offset: z.number().int().min(0).default(0), limit: z.number().int().min(1).max(500).default(50),
  })).returns<{ total: number; rows: RecipientRow[] }>(),

  /** Renders an edition (or unsaved draft content); with personId as that recipient: their language and merge values. */
  'newsletter.preview': command(z.strictObject({
    ...draftInput, language: language.nullish(), personId: id.nullish(), mode: z.enum(['mail', 'web']).default('mail'),
  })).returns<PreviewResult>(),
  'newsletter.checklist': command(z.strictObject(draftInput)).returns<ChecklistResult>(),
  /** Queues a test send in the outbox: one message per address and language, "[TEST]" subject, the (unsaved) content as it is now. */
  'newsletter.testSend': command(z.strictObject({
    ...draftInput, addresses: z.array(z.string().trim().min(1).max(254)).min(1).max(10),
    languages: z.array(language).min(1).max(2).default(['nl', 'en']), personId: id.nullish(),
  })).returns<TestSendResult>(),

  'newsletter.archive.get': command(z.strictObject({ editionId: id, language })).returns<ArchivedEdition>(),
  /** Writes the kept web version of a sent edition as one standalone HTML file (exports/ in the data folder). */
  'newsletter.archive.export': command(z.strictObject({ editionId: id, language })).returns<{ path: string; fileName: string; html: string }>(),
};

export type { NewsletterSettingsView, EditionSummary, EditionDetail, EditionSaved, AudienceSummary, RecipientRow, PreviewResult, ChecklistCheck, ChecklistItem, ChecklistResult } from '../../db/newsletter/types';
export { BLOCK_TYPES, EDITION_STATUSES, MERGE_FIELD_INFO, LABELS as NEWSLETTER_LABELS } from '../../db/shared/newsletter';
export type { Audience, Bilingual, Block, BlockType, ContactBlock, DividerBlock, EditionContent, EditionStatus, EventBlock, ImageBlock, IntroBlock, MergeField, PilotBlock, ProgrammeItem, PublicationBlock, ThemeSessionItem } from '../../db/shared/newsletter';
