import { randomUUID } from 'node:crypto';
import { inTransaction, type DbOrTx } from '../store/connection';
import type { EditionRow } from '../store/schema';
import { CommandError, notFound } from '../shared/errors';
import { dutchDate, isDate } from '../consent/consent-model';
import {
  blockLinks, emptyBilingual
} from './model';
import { fullName } from '../register/people';
import type { Language } from '../shared/register';
import type { EditionDetail, EditionSaved, EditionSummary } from './types';
import type { Bilingual, Block, BlockType, EditionContent, EditionStatus, LinkProblem } from '../shared/newsletter';

type Issue = { path: string; message: Bilingual };

const LINK_MESSAGES: Record<LinkProblem, (url: string) => Bilingual> = {
  scheme: (url) => ({
    nl: `De link "${url}" is niet toegestaan: gebruik een adres dat begint met https:// of mailto:.`,
    en: `The link "${url}" is not allowed: use an address starting with https:// or mailto:.`,
  }),
  malformed: (url) => ({ nl: `De link "${url}" is geen geldig adres.`, en: `The link "${url}" is not a valid address.` }),
  empty: () => ({ nl: 'De link is leeg.', en: 'The link is empty.' }),
};

export function linkMessage(problem: LinkProblem, url: string): Bilingual {
  return LINK_MESSAGES[problem](url);
}

/** Refuses content with a link other than https: or mailto:, or a malformed one. Empty optional links are fine. */
export function validateContent(content: EditionContent): void {
  const issues: Issue[] = [];
  const ids = new Set<string>();
  content.blocks.forEach((block, index) => {
    if (ids.has(block.id)) {
      issues.push({ path: `blocks.${index}.id`, message: { nl: 'Dit blok staat er twee keer in.', en: 'This block appears twice.' } });
    }
    ids.add(block.id);
    for (const link of blockLinks(block, index)) {
      if (link.check.ok) {
        if (block.type === 'image' && link.path.endsWith('.url') && !link.check.href.startsWith('https:')) {
          issues.push({ path: link.path, message: LINK_MESSAGES.scheme(link.url) });
        }
        continue;
      }
      // An empty address is for the checklist; an unsafe or broken one is never stored.
      if (link.check.reason === 'empty') continue;
      if (block.type === 'contact' && link.path.endsWith('.email')) {
        issues.push({
          path: link.path,
          message: { nl: `"${block.email}" is geen geldig e-mailadres.`, en: `"${block.email}" is not a valid e-mail address.` },
        });
      } else {
        issues.push({ path: link.path, message: LINK_MESSAGES[link.check.reason](link.url) });
      }
    }
  });
  if (!isDate(content.date)) issues.push({ path: 'date', message: { nl: 'Geen geldige datum.', en: 'Not a valid date.' } });
  content.blocks.forEach((block, index) => {
    if (block.type === 'event' && block.date && !isDate(block.date)) {
      issues.push({ path: `blocks.${index}.date`, message: { nl: 'Geen geldige datum.', en: 'Not a valid date.' } });
    }
  });
  if (issues.length) {
    const first = issues[0]!.message;
    throw new CommandError('invalid_content', {
      nl: `De editie is niet opgeslagen. ${first.nl}${issues.length > 1 ? ` (en nog ${issues.length - 1} andere fout${issues.length > 2 ? 'en' : ''})` : ''}`,
      en: `The edition was not saved. ${first.en}${issues.length > 1 ? ` (and ${issues.length - 1} more)` : ''}`,
    }, issues);
  }
}

export function parseContent(row: Pick<EditionRow, 'content'>): EditionContent {
  return JSON.parse(row.content) as EditionContent;
}

function summary(row: EditionRow, content: EditionContent): EditionSummary {
  return {
    id: row.id, number: row.number, date: row.edition_date, title: content.title, status: row.status,
    blockCount: content.blocks.length, listIds: content.audience.listIds, updatedAt: row.updated_at,
    readyAt: row.ready_at, sentAt: row.sent_at, archivedAt: row.archived_at,
  };
}

export async function listEditions(db: DbOrTx, status?: EditionStatus | null): Promise<EditionSummary[]> {
  let q = db.selectFrom('editions').selectAll();
  if (status) q = q.where('status', '=', status);
  const rows = await q.orderBy('number', 'desc').execute();
  return rows.map((r) => summary(r, parseContent(r)));
}

export async function loadEdition(db: DbOrTx, id: number): Promise<EditionRow> {
  const row = await db.selectFrom('editions').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound({ nl: 'Editie', en: 'Edition' });
  return row;
}

export async function getEdition(db: DbOrTx, id: number): Promise<EditionDetail> {
  const row = await loadEdition(db, id);
  const content = parseContent(row);
  const archives = await db.selectFrom('edition_archives').select('language').where('edition_id', '=', id).orderBy('language', 'desc').execute();
  return {
    ...summary(row, content), revision: row.revision, content, frozen: row.sent_at !== null, createdAt: row.created_at,
    archiveLanguages: archives.map((a) => a.language),
  };
}

const frozenError = () => new CommandError('edition_frozen', {
  nl: 'Deze editie is verstuurd en kan niet meer veranderen. Maak een kopie om een nieuwe editie te beginnen.',
  en: 'This edition has been sent and can no longer change. Make a copy to start a new edition.',
});

const numberTaken = (n: number) => new CommandError('number_taken', {
  nl: `Er is al een editie met nummer ${n}.`, en: `There is already an edition with number ${n}.`,
}, [{ path: 'number', message: { nl: `Nummer ${n} is al in gebruik.`, en: `Number ${n} is already in use.` } }]);

export async function createEdition(
  db: DbOrTx, input: { title?: string; copyFromId?: number; defaultListIds: number[] }, now: Date,
): Promise<number> {
  return inTransaction(db, async (trx) => {
    const max = await trx.selectFrom('editions').select((eb) => eb.fn.max('number').as('n')).executeTakeFirst();
    const number = Number(max?.n ?? 0) + 1;
    const date = dutchDate(now);
    let content: EditionContent;
    if (input.copyFromId) {
      const source = parseContent(await loadEdition(trx, input.copyFromId));
      content = { ...source, number, date, blocks: source.blocks.map((b) => ({ ...structuredClone(b), id: randomUUID() })) };
      if (input.title) content.title = { nl: input.title, en: content.title.en };
    } else {
      content = {
        number, date, title: { nl: input.title ?? '', en: '' }, subject: emptyBilingual(), preheader: emptyBilingual(),
        audience: { listIds: input.defaultListIds, organisationKinds: [], pilotIds: [], regions: [], tags: [] },
        blocks: [],
      };
    }
    const at = now.toISOString();
    const row = await trx.insertInto('editions').values({
      number, edition_date: date, content: JSON.stringify(content), created_at: at, updated_at: at, ready_at: null, sent_at: null, archived_at: null,
    }).returning('id').executeTakeFirstOrThrow();
    return row.id;
  });
}

export async function saveEdition(
  db: DbOrTx, input: { id: number; revision: number; content: EditionContent }, now: Date,
): Promise<EditionSaved> {
  validateContent(input.content);
  return inTransaction(db, async (trx) => {
    const row = await loadEdition(trx, input.id);
    if (row.sent_at) throw frozenError();
    if (row.status === 'archived') {
      throw new CommandError('edition_archived', {
        nl: 'Deze editie is gearchiveerd. Zet haar eerst terug naar concept om haar te bewerken.',
        en: 'This edition is archived. Move it back to draft first to edit it.',
      });
    }
    if (row.revision !== input.revision) {
      throw new CommandError('edition_changed', {
        nl: 'Deze editie is intussen ergens anders gewijzigd. Laad haar opnieuw; je laatste wijziging is niet opgeslagen.',
        en: 'This edition was changed elsewhere in the meantime. Reload it; your last change was not saved.',
      });
    }
    const clash = await trx.selectFrom('editions').select('id').where('number', '=', input.content.number).where('id', '!=', input.id).executeTakeFirst();
    if (clash) throw numberTaken(input.content.number);
    const at = now.toISOString();
    const revision = row.revision + 1;
    // Any change to a ready edition sends it back to draft: the checklist must run again.
    const status: EditionStatus = 'draft';
    await trx.updateTable('editions').set({
      number: input.content.number, edition_date: input.content.date, content: JSON.stringify(input.content),
      revision, status, ready_at: null, updated_at: at,
    }).where('id', '=', input.id).execute();
    return { revision, status, updatedAt: at };
  });
}

export async function deleteEdition(db: DbOrTx, id: number): Promise<void> {
  const row = await loadEdition(db, id);
  if (row.sent_at) throw frozenError();
  await db.deleteFrom('editions').where('id', '=', id).execute();
}

/** Moves between draft, ready and archived. The checklist for ready is the caller's (see newsletter.ts). */
export async function setEditionStatus(db: DbOrTx, id: number, status: 'draft' | 'ready' | 'archived', now: Date): Promise<void> {
  const row = await loadEdition(db, id);
  const at = now.toISOString();
  if (row.status === status) return;
  if (row.sent_at) {
    if (status !== 'archived') throw frozenError();
    await db.updateTable('editions').set({ status, archived_at: at, updated_at: at }).where('id', '=', id).execute();
    return;
  }
  if (status === 'ready' && row.status === 'archived') {
    throw new CommandError('edition_archived', {
      nl: 'Zet deze editie eerst terug naar concept.', en: 'Move this edition back to draft first.',
    });
  }
  await db.updateTable('editions').set({
    status,
    ready_at: status === 'ready' ? at : null,
    archived_at: status === 'archived' ? at : null,
    updated_at: at,
  }).where('id', '=', id).execute();
}

// ---------- new blocks ----------

export async function newBlock(db: DbOrTx, input: { type: BlockType; pilotId?: number | null; personId?: number | null }): Promise<Block> {
  const id = randomUUID();
  const e = emptyBilingual;
  switch (input.type) {
    case 'intro':
      return { id, type: 'intro', text: e() };
    case 'divider':
      return { id, type: 'divider' };
    case 'publication':
      return { id, type: 'publication', title: e(), summary: e(), url: '' };
    case 'image':
      return { id, type: 'image', url: '', alt: e(), caption: e(), link: '' };
    case 'pilot': {
      if (!input.pilotId) return { id, type: 'pilot', pilotId: null, name: e(), phase: e(), results: e(), nextSteps: e(), contactName: '' };
      const p = await db.selectFrom('pilots').selectAll().where('id', '=', input.pilotId).executeTakeFirst();
      if (!p) throw notFound({ nl: 'Pilot', en: 'Pilot' });
      // A copy: later changes to the pilot do not rewrite this edition. The register's texts are Dutch.
      return {
        id, type: 'pilot', pilotId: p.id, name: { nl: p.name, en: p.name_en ?? '' }, phase: { nl: p.phase ?? '', en: '' },
        results: { nl: p.results ?? '', en: '' }, nextSteps: { nl: p.next_steps ?? '', en: '' }, contactName: p.contact_name ?? '',
      };
    }
    case 'contact': {
      if (!input.personId) {
        return { id, type: 'contact', personId: null, name: '', role: e(), organisation: '', email: '', text: e(), buttonLabel: e() };
      }
      const p = await db.selectFrom('people').leftJoin('organisations', 'organisations.id', 'people.organisation_id')
        .select(['people.id', 'first_name', 'last_name', 'job_title', 'organisations.name as organisation'])
        .where('people.id', '=', input.personId).executeTakeFirst();
      if (!p) throw notFound({ nl: 'Persoon', en: 'Person' });
      const email = await db.selectFrom('person_emails').select('email').where('person_id', '=', p.id).where('is_primary', '=', 1).executeTakeFirst();
      const first = p.first_name.trim() || fullName(p.first_name, p.last_name);
      return {
        id, type: 'contact', personId: p.id, name: fullName(p.first_name, p.last_name), role: { nl: p.job_title ?? '', en: '' },
        organisation: p.organisation ?? '', email: email?.email ?? '', text: e(),
        buttonLabel: { nl: `Mail ${first}`, en: `Mail ${first}` },
      };
    }
    case 'event': {
      // The programme day as the model: walk-in, welcome, four parallel theme sessions, pilots, closing.
      const sessions = await db.selectFrom('theme_sessions').selectAll().orderBy('id').execute();
      const item = (time: string, nl: string, en: string) => ({ id: randomUUID(), time, title: { nl, en } });
      return {
        id, type: 'event', title: { nl: 'Programmadag Jeugd en Veiligheid', en: 'Youth and Safety programme day' }, date: '',
        place: e(), description: e(),
        programme: [
          item('09:30', 'Inloop', 'Walk-in'),
          item('10:00', 'Welkom en opening', 'Welcome and opening'),
          item('10:30', 'Themasessies (parallel)', 'Theme sessions (parallel)'),
          item('12:00', 'Lunch', 'Lunch'),
          item('13:00', 'Pilotsessie: resultaten uit de vier pilots', 'Pilot session: results from the four pilots'),
          item('14:30', 'Afsluiting en netwerkborrel', 'Closing and networking drinks'),
        ],
        sessions: sessions.map((s) => ({ id: randomUUID(), name: { nl: s.name, en: s.name_en }, description: { nl: s.description ?? '', en: '' } })),
        url: '', linkLabel: e(),
      };
    }
  }
}

// ---------- the archive of sent editions ----------

export interface ArchiveEntry {
  language: Language;
  subject: string;
  preheader: string;
  webHtml: string;
  mailHtml: string;
  text: string;
}

/** Records the edition as sent and keeps its final rendering per language; from now on it is frozen. */
export async function recordSent(db: DbOrTx, id: number, entries: ArchiveEntry[], now: Date): Promise<void> {
  await inTransaction(db, async (trx) => {
    const row = await loadEdition(trx, id);
    if (row.sent_at) throw frozenError();
    const at = now.toISOString();
    await trx.updateTable('editions').set({ status: 'sent', sent_at: at, archived_at: null, updated_at: at }).where('id', '=', id).execute();
    for (const e of entries) {
      await trx.insertInto('edition_archives').values({
        edition_id: id, language: e.language, subject: e.subject, preheader: e.preheader, web_html: e.webHtml, mail_html: e.mailHtml,
        text: e.text, created_at: at,
      }).execute();
    }
  });
}

export async function getArchive(db: DbOrTx, id: number, language: Language) {
  const row = await db.selectFrom('edition_archives').selectAll().where('edition_id', '=', id).where('language', '=', language).executeTakeFirst();
  if (!row) {
    await loadEdition(db, id);
    throw new CommandError('not_archived', {
      nl: 'Van deze editie is (in deze taal) geen verstuurde versie bewaard. Alleen verstuurde edities staan in het archief.',
      en: 'No sent version of this edition is kept (in this language). Only sent editions are in the archive.',
    });
  }
  return row;
}
