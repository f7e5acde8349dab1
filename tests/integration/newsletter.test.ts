import { readFileSync } from 'node:fs';
import { simpleParser } from 'mailparser';
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { markEditionSent } from '../../db/newsletter/newsletter';
import { sampleEditionContent } from '../../db/newsletter/sample';
import { createTestCore, type TestCore } from '../helpers/core';
import { TestSmtpServer } from '../helpers/smtp';
import type { Block, EditionContent } from '../../db/shared/newsletter';

let core: TestCore;
const NOW = new Date('2025-03-01T10:00:00Z');
beforeEach(async () => {
  core = await createTestCore({ now: () => NOW });
});
afterEach(async () => {
  await core.dispose();
});

const bi = (nl: string, en = '') => ({ nl, en });
const SETTINGS = {
  senderName: 'Programmasecretariaat Jeugd en Veiligheid', senderEmail: 'nieuwsbrief@example.org',
  postalAddress: 'Postbus 100\n7500 AA Voorbeeldstad', privacyUrl: 'https://www.example.org/privacy', unsubscribeAddress: 'afmelden@example.org',
};

async function failure(p: Promise<unknown>): Promise<{ code: string; message: string; issues?: { path: string; message: string }[] }> {
  try {
    await p;
  } catch (error) {
    return (error as { error: { code: string; message: string; issues?: { path: string; message: string }[] } }).error;
  }
  throw new Error('expected the command to fail');
}

/** Two lists, five people: three subscribed (one English, one with a hostile name), one pending, one unsubscribed. */
async function world() {
  await core.call('newsletter.settings.save', SETTINGS);
  const partners = await core.call('lists.save', {
    name: 'Partners', purposeText: 'Nieuws voor samenwerkingspartners.', language: 'nl', lawfulBasis: 'legitimate_interest', doubleOptIn: false, actor: 'Test',
  });
  const optIn = await core.call('lists.save', {
    name: 'Aanmeldingen website', purposeText: 'De nieuwsbrief.', language: 'nl', lawfulBasis: 'consent', doubleOptIn: true, actor: 'Test',
  });
  const orgs = await core.call('organisations.list', {});
  const almelo = orgs.find((o) => o.name === 'Gemeente Almelo')!;
  const police = orgs.find((o) => o.name === 'Politie Oost-Nederland')!;
  const person = async (firstName: string, lastName: string, email: string, extra: Record<string, unknown> = {}) =>
    (await core.call('people.save', { firstName, lastName, emails: [{ email, primary: true }], ...extra })).id;
  const anna = await person('Anna', 'de Vries', 'anna@example.org', { organisationId: almelo.id, tags: ['klankbord'] });
  const john = await person('John', 'Smith', 'john@example.org', { organisationId: police.id, language: 'en' });
  const evil = await person('<img src=x onerror=alert(1)>', '"><script>', 'evil@example.org', { organisationId: almelo.id });
  const pending = await person('Piet', 'Pending', 'piet@example.org');
  const gone = await person('Greet', 'Gone', 'greet@example.org');
  const sub = (personId: number, listId: number) =>
    core.call('consent.subscribe', { personId, listId, consent: { method: 'business_card', evidenceText: 'Visitekaartje, programmadag 2024' }, actor: 'Test' });
  for (const p of [anna, john, evil, gone]) await sub(p, partners.id);
  await sub(anna, optIn.id);
  await sub(pending, optIn.id);
  await core.call('consent.unsubscribe', { personId: gone, listId: partners.id, channel: 'email', actor: 'Test' });
  return { partners: partners.id, optIn: optIn.id, anna, john, evil, pending, gone, almelo, police };
}

async function newEdition(listIds: number[], blocks: Block[] = sampleEditionContent().blocks, over: Partial<EditionContent> = {}) {
  const created = await core.call('newsletter.editions.create', {});
  const content: EditionContent = { ...sampleEditionContent(listIds), number: created.number, date: created.date, blocks, ...over };
  const saved = await core.call('newsletter.editions.save', { id: created.id, revision: created.revision, content });
  return { id: created.id, revision: saved.revision, content };
}

describe('settings', () => {
  it('reports what the footer still needs, refuses bad addresses and saves', async () => {
    expect((await core.call('newsletter.settings.get', {})).missing).toEqual(['senderName', 'senderEmail', 'postalAddress', 'privacyUrl', 'unsubscribeAddress']);
    const bad = await failure(core.call('newsletter.settings.save', { ...SETTINGS, unsubscribeAddress: 'afmelden', privacyUrl: 'http://example.org' }));
    expect(bad.code).toBe('invalid_settings');
    expect(bad.issues!.map((i) => i.path)).toEqual(['unsubscribeAddress', 'privacyUrl']);
    expect(bad.message).toMatch(/geen geldig e-mailadres/);
    const saved = await core.call('newsletter.settings.save', SETTINGS);
    expect(saved).toEqual({ ...SETTINGS, missing: [] });
  });
});

describe('editions', () => {
  it('creates drafts with the next number, today and the active lists; a copy gets new block ids', async () => {
    const lists = await core.call('lists.list', {});
    const first = await core.call('newsletter.editions.create', { title: 'Eerste' });
    expect(first).toMatchObject({ number: 1, date: '2025-03-01', status: 'draft', revision: 1, frozen: false, title: { nl: 'Eerste', en: '' } });
    expect(first.content.audience.listIds).toEqual(lists.map((l) => l.id));
    const { id } = await newEdition(lists.map((l) => l.id));
    const copy = await core.call('newsletter.editions.create', { copyFromId: id });
    expect(copy.number).toBe(3);
    const original = await core.call('newsletter.editions.get', { id });
    expect(copy.content.blocks.map((b) => b.type)).toEqual(original.content.blocks.map((b) => b.type));
    expect(copy.content.blocks.some((b, i) => b.id === original.content.blocks[i]!.id)).toBe(false);
    expect((await core.call('newsletter.editions.list', {})).map((e) => e.number)).toEqual([3, 2, 1]);
    await core.call('newsletter.editions.delete', { id: first.id });
    expect((await core.call('newsletter.editions.list', { status: 'draft' })).map((e) => e.number)).toEqual([3, 2]);
  });

  it('refuses a javascript: link (and other unsafe links) when saved, keeping the old content', async () => {
    const created = await core.call('newsletter.editions.create', {});
    const content = (blocks: Block[]): EditionContent => ({ ...created.content, blocks });
    const attempts: [Block, string][] = [
      [{ id: 'a', type: 'intro', text: bi('Klik [hier](javascript:alert(1))') }, 'blocks.0.text.nl'],
      [{ id: 'a', type: 'intro', text: bi('ok', '[here](JAVASCRIPT:alert(1))') }, 'blocks.0.text.en'],
      [{ id: 'a', type: 'publication', title: bi('x'), summary: bi(''), url: 'javascript:alert(1)' }, 'blocks.0.url'],
      [{ id: 'a', type: 'image', url: 'http://example.org/a.png', alt: bi('x'), caption: bi(''), link: '' }, 'blocks.0.url'],
      [{ id: 'a', type: 'image', url: 'https://example.org/a.png', alt: bi('x'), caption: bi(''), link: 'data:text/html,x' }, 'blocks.0.link'],
      [{ id: 'a', type: 'contact', personId: null, name: 'X', role: bi(''), organisation: '', email: 'x@', text: bi(''), buttonLabel: bi('') }, 'blocks.0.email'],
    ];
    for (const [block, where] of attempts) {
      const err = await failure(core.call('newsletter.editions.save', { id: created.id, revision: 1, content: content([block]) }));
      expect(err.code, where).toBe('invalid_content');
      expect(err.issues!.map((i) => i.path), where).toEqual([where]);
      expect(err.message).toMatch(/niet opgeslagen/);
    }
    const unchanged = await core.call('newsletter.editions.get', { id: created.id });
    expect(unchanged.revision).toBe(1);
    expect(unchanged.content.blocks).toEqual([]);
    const ok = await core.call('newsletter.editions.save', {
      id: created.id, revision: 1, content: content([{ id: 'a', type: 'intro', text: bi('[mail](mailto:info@example.org) [site](https://example.org)') }]),
    });
    expect(ok.revision).toBe(2);
  });

  it('refuses a stale revision and a taken number', async () => {
    const a = await core.call('newsletter.editions.create', {});
    const b = await core.call('newsletter.editions.create', {});
    await core.call('newsletter.editions.save', { id: a.id, revision: 1, content: a.content });
    expect((await failure(core.call('newsletter.editions.save', { id: a.id, revision: 1, content: a.content }))).code).toBe('edition_changed');
    expect((await failure(core.call('newsletter.editions.save', { id: b.id, revision: 1, content: { ...b.content, number: a.number } }))).code).toBe('number_taken');
  });

  it('pre-fills a pilot block from the register as a copy that later register changes do not touch', async () => {
    const pilots = await core.call('pilots.list', {});
    const vios = await core.call('pilots.get', { id: pilots[1]!.id });
    const block = await core.call('newsletter.blocks.create', { type: 'pilot', pilotId: vios.id });
    expect(block).toMatchObject({
      type: 'pilot', pilotId: vios.id, name: { nl: vios.name, en: vios.nameEn }, phase: { nl: vios.phase, en: '' },
      results: { nl: vios.results, en: '' }, nextSteps: { nl: vios.nextSteps, en: '' }, contactName: 'Irene Salomons',
    });
    const { id } = await newEdition([], [block]);
    const { slug: _s, peopleCount: _c, organisations: _o, people: _p, interactions: _i, ...editable } = vios;
    await core.call('pilots.save', { ...editable, results: 'Nieuwe resultaten na de evaluatie.' });
    const edition = await core.call('newsletter.editions.get', { id });
    expect(edition.content.blocks[0]).toMatchObject({ results: { nl: vios.results } });
  });

  it('pre-fills contact cards from the register and events from the programme day', async () => {
    const w = await world();
    const contact = await core.call('newsletter.blocks.create', { type: 'contact', personId: w.anna });
    expect(contact).toMatchObject({ name: 'Anna de Vries', organisation: 'Gemeente Almelo', email: 'anna@example.org', buttonLabel: { nl: 'Mail Anna' } });
    const event = await core.call('newsletter.blocks.create', { type: 'event' });
    expect(event.type === 'event' && event.sessions.map((s) => s.name.en)).toEqual(['Prevention', 'Repression', 'Youth in Detention and Care', 'Aftercare']);
    expect(event.type === 'event' && event.programme[0]!.title.nl).toBe('Inloop');
  });
});

describe('audience', () => {
  it('reaches subscribed people once, without pending, unsubscribed or suppressed ones, narrowed by filters', async () => {
    const w = await world();
    const audience = (over = {}) => ({ listIds: [w.partners, w.optIn], ...over });
    const all = await core.call('newsletter.audience.recipients', { audience: audience() });
    expect(all.rows.map((r) => r.email).sort()).toEqual(['anna@example.org', 'evil@example.org', 'john@example.org']);
    expect(all.rows.find((r) => r.personId === w.anna)).toMatchObject({ listName: 'Partners' });
    const summary = await core.call('newsletter.audience.summary', { audience: audience() });
    expect(summary).toMatchObject({ total: 3, byLanguage: { nl: 2, en: 1 } });
    expect(summary.byList).toEqual([{ listId: w.optIn, name: 'Aanmeldingen website', count: 0 }, { listId: w.partners, name: 'Partners', count: 3 }]);

    const emails = async (over: object) => (await core.call('newsletter.audience.recipients', { audience: audience(over) })).rows.map((r) => r.email).sort();
    expect(await emails({ organisationKinds: ['politie'] })).toEqual(['john@example.org']);
    expect(await emails({ regions: ['Twente'] })).toEqual(['anna@example.org', 'evil@example.org']);
    expect(await emails({ tags: ['klankbord'] })).toEqual(['anna@example.org']);
    const pilots = await core.call('pilots.list', {});
    expect(await emails({ pilotIds: [pilots[0]!.id] })).toEqual(['anna@example.org', 'evil@example.org', 'john@example.org']);
    expect(await emails({ pilotIds: [pilots[2]!.id] })).toEqual([]);
    expect((await core.call('newsletter.audience.recipients', { audience: audience(), query: 'smith' })).rows.map((r) => r.personId)).toEqual([w.john]);

    await core.call('consent.suppress', { email: 'john@example.org', reason: 'hard_bounce', actor: 'Test' });
    expect(await emails({})).toEqual(['anna@example.org', 'evil@example.org']);
  });
});

describe('preview', () => {
  it('renders as a recipient of the audience: their language and escaped merge values; fast from the cache', async () => {
    const w = await world();
    const { id } = await newEdition([w.partners]);
    const asJohn = await core.call('newsletter.preview', { editionId: id, personId: w.john });
    expect(asJohn.language).toBe('en');
    expect(asJohn.recipient).toEqual({ personId: w.john, name: 'John Smith', language: 'en', inAudience: true });
    expect(asJohn.subject).toBe('John, the pilots in their evaluation phase');
    expect(asJohn.html).toContain('Dear John,');
    expect(asJohn.html).toContain('on the list ‘Partners’ as a partner of the programme');
    expect(asJohn.html).toContain('mailto:afmelden@example.org?subject=Unsubscribe%20VOORBEELD');

    const asEvil = await core.call('newsletter.preview', { editionId: id, personId: w.evil });
    expect(asEvil.html).toContain('Beste &lt;img src=x onerror=alert(1)&gt;,');
    expect(asEvil.html).not.toMatch(/<img[^>]*onerror/);
    expect(asEvil.text).toContain('Beste <img src=x onerror=alert(1)>,');
    expect(asEvil.cached).toBe(false);
    const asAnna = await core.call('newsletter.preview', { editionId: id, personId: w.anna });
    expect(asAnna.cached).toBe(true);
    expect(asAnna.html).toContain('Beste Anna,');

    const plain = await core.call('newsletter.preview', { editionId: id, language: 'nl' });
    expect(plain.html).toContain('Beste [Voornaam],');
    expect(plain.recipient).toBeNull();

    const draft = { ...sampleEditionContent([w.partners]), title: bi('Ongeopgeslagen titel') };
    const started = performance.now();
    const first = await core.call('newsletter.preview', { editionId: id, draft, language: 'nl' });
    expect(first.cached).toBe(false);
    expect(first.html).toContain('Ongeopgeslagen titel');
    const again = await core.call('newsletter.preview', { editionId: id, draft, language: 'nl' });
    expect(again.cached).toBe(true);
    expect(performance.now() - started).toBeLessThan(2000);
    expect((await core.call('newsletter.editions.get', { id })).content.title.nl).not.toBe('Ongeopgeslagen titel');

    const outsider = await core.call('newsletter.preview', { editionId: id, personId: w.pending });
    expect(outsider.recipient).toMatchObject({ inAudience: false });
    expect(outsider.html).toContain('Beste Piet,');
  });

  it('renders a full edition in both languages', async () => {
    const w = await world();
    const { id } = await newEdition([w.partners]);
    const nl = await core.call('newsletter.preview', { editionId: id, language: 'nl', personId: w.anna });
    const en = await core.call('newsletter.preview', { editionId: id, language: 'en', personId: w.anna });
    for (const [p, words] of [[nl, ['Uit de pilots', 'Programma', 'Lees de publicatie', 'Mail Sanne', 'Afmelden', 'Privacyverklaring', '10 april 2025']],
      [en, ['From the pilots', 'Programme', 'Read the publication', 'Mail Sanne', 'Unsubscribe', 'Privacy statement', '10 April 2025']]] as const) {
      for (const word of words) expect(p.html, word).toContain(word);
      expect(p.html.match(/<h2 /g)).toHaveLength(7);
      expect(p.bytes).toBeLessThan(100 * 1024);
      expect(p.text).toContain('Postbus 100');
    }
    expect(nl.html).toContain('<html lang="nl"');
    expect(en.html).toContain('<html lang="en"');
    const web = await core.call('newsletter.preview', { editionId: id, language: 'nl', mode: 'web' });
    expect(web.html).not.toContain('mailto:afmelden@example.org');
  });
});

describe('checklist and ready', () => {
  it('flags every problem, refuses ready on errors, asks to accept warnings, and a later edit goes back to draft', async () => {
    const w = await world();
    await core.call('newsletter.settings.save', { ...SETTINGS, unsubscribeAddress: '', postalAddress: '' });
    const blocks: Block[] = [
      { id: 'a', type: 'intro', text: bi('Beste {{voornaam}}, het dossier van de jongen (BSN 123456782, geboren op 12-03-2010) en bel 06-12345678. Groet {{afzender}}.') },
      { id: 'b', type: 'image', url: 'https://example.org/a.png', alt: bi(''), caption: bi(''), link: '' },
      { id: 'c', type: 'publication', title: bi(''), summary: bi(''), url: '' },
      { id: 'd', type: 'contact', personId: null, name: 'Sanne', role: bi(''), organisation: '', email: '', text: bi(''), buttonLabel: bi('') },
    ];
    const { id, content } = await newEdition([w.partners], blocks, { preheader: bi('', '') });
    const check = await core.call('newsletter.checklist', { editionId: id });
    const errors = check.items.filter((i) => i.severity === 'error').map((i) => `${i.check}@${i.path}`);
    expect(errors).toEqual(expect.arrayContaining([
      'footer@settings.postalAddress', 'unsubscribe@settings.unsubscribeAddress', 'empty_blocks@blocks.2', 'links@blocks.2.url',
      'images@blocks.1.alt.nl', 'contacts@blocks.3.email', 'merge_fields@blocks.0.text.nl', 'privacy@blocks.0.text.nl',
    ]));
    const privacy = check.items.filter((i) => i.check === 'privacy').map((i) => i.message.nl);
    expect(privacy.some((m) => /burgerservicenummer/.test(m))).toBe(true);
    expect(privacy.some((m) => /geboortedatum/.test(m))).toBe(true);
    expect(privacy.some((m) => /mobiel nummer/.test(m))).toBe(true);
    expect(check.items.filter((i) => i.check === 'english' && i.severity === 'warning')[0]!.message.nl).toMatch(/1 Engelstalige ontvanger krijgt/);
    expect(check.ok).toBe(false);
    expect(check.recipients).toEqual({ total: 3, nl: 2, en: 1 });

    const refused = await failure(core.call('newsletter.editions.setStatus', { id, status: 'ready' }));
    expect(refused.code).toBe('checklist_failed');
    expect(refused.issues!.length).toBe(check.errors);

    await core.call('newsletter.settings.save', SETTINGS);
    const fixed = await core.call('newsletter.editions.save', {
      id, revision: 2, content: { ...content, blocks: sampleEditionContent().blocks.map((b) => (b.type === 'intro' ? { ...b, text: bi(b.text.nl) } : b)) },
    });
    const after = await core.call('newsletter.checklist', { editionId: id });
    expect(after.items.filter((i) => i.severity === 'error')).toEqual([]);
    expect(after.items.filter((i) => i.severity === 'warning').map((i) => i.check)).toEqual(['preheader', 'preheader', 'english']);
    expect((await failure(core.call('newsletter.editions.setStatus', { id, status: 'ready' }))).code).toBe('checklist_warnings');
    const ready = await core.call('newsletter.editions.setStatus', { id, status: 'ready', acceptWarnings: true });
    expect(ready.status).toBe('ready');
    expect(ready.readyAt).toBe(NOW.toISOString());

    const edited = await core.call('newsletter.editions.save', { id, revision: fixed.revision, content: { ...ready.content, title: bi('Nieuwe titel') } });
    expect(edited.status).toBe('draft');
  });

  it('flags the phone number of a person in the register, and a page too large for Gmail', async () => {
    const w = await world();
    await core.call('people.save', { firstName: 'Privé', lastName: 'Persoon', phone: '053 123 45 67', emails: [] });
    const long = 'Lange tekst over de pilots en wat we hebben geleerd. '.repeat(180);
    const blocks: Block[] = [
      { id: 'a', type: 'intro', text: bi('Bel gerust: 053-1234567.') },
      ...Array.from({ length: 12 }, (_, i): Block => ({ id: `p${i}`, type: 'publication', title: bi(`Deel ${i}`), summary: bi(long, long), url: 'https://example.org/x' })),
    ];
    const { id } = await newEdition([w.partners], blocks);
    const check = await core.call('newsletter.checklist', { editionId: id });
    const privacy = check.items.filter((i) => i.check === 'privacy');
    expect(privacy).toHaveLength(1);
    expect(privacy[0]).toMatchObject({ severity: 'error', path: 'blocks.0.text.nl' });
    expect(privacy[0]!.message.nl).toMatch(/relatieregister/);
    const size = check.items.filter((i) => i.check === 'size');
    expect(size.map((s) => s.severity)).toEqual(['error', 'error']);
    expect(check.sizes.nl).toBeGreaterThan(100 * 1024);
  });
});

describe('test send', () => {
  it('queues a test job that reaches the SMTP server as the "view as" person, escaped, with a TEST unsubscribe link', async () => {
    const w = await world();
    const { id } = await newEdition([w.partners]);
    const bad = await failure(core.call('newsletter.testSend', { editionId: id, addresses: ['ik@example.org', 'kapot'] }));
    expect(bad.code).toBe('invalid_address');
    expect(bad.issues![0]!.path).toBe('addresses.1');
    expect(bad.message).toMatch(/Er is niets verstuurd/);

    const smtp = new TestSmtpServer();
    await smtp.start();
    try {
      await core.call('sending.settings.save', { host: '127.0.0.1', port: smtp.port, security: 'none', senderEmail: 'nieuwsbrief@example.org', profile: 'custom', perSecond: 1000 });
      const result = await core.call('newsletter.testSend', { editionId: id, addresses: ['ik@example.org', 'collega@example.org'], personId: w.evil });
      expect(result.mailbox).toBe('smtp');
      expect(result.message.nl).toMatch(/4 testmails naar 2 adressen in de wachtrij gezet, via het ingestelde mailaccount\..*Verzendingen\./);
      expect(result.message.nl).not.toMatch(/volgende versie/);
      let job = await core.call('sending.jobs.get', { id: result.jobId });
      for (let i = 0; i < 200 && job.status === 'running'; i++) {
        await new Promise((r) => setTimeout(r, 50));
        job = await core.call('sending.jobs.get', { id: result.jobId });
      }
      expect(job).toMatchObject({ kind: 'test', status: 'done', counts: { total: 4, sent: 4 } });
      expect(smtp.received).toHaveLength(4);
      const row = (address: string, language: string) => job.recipients.rows.find((r) => r.email === address && r.language === language)!;
      const raw = (rowId: number) => smtp.received.find((m) => String(m.headers.get('x-schakel-recipient')).split('.')[0] === String(rowId))!;

      const first = raw(row('ik@example.org', 'nl').id);
      expect(first.to).toEqual(['ik@example.org']);
      const mail = await simpleParser(first.raw);
      expect(mail.subject).toBe('[TEST] <img src=x onerror=alert(1)>, de pilots in de evaluatiefase');
      expect(mail.to && 'text' in mail.to ? mail.to.text : '').toBe('ik@example.org');
      expect(mail.from?.value).toEqual([{ name: 'Programmasecretariaat Jeugd en Veiligheid', address: 'nieuwsbrief@example.org' }]);
      expect(mail.html).toContain('Beste &lt;img src=x onerror=alert(1)&gt;,');
      expect(mail.html).not.toMatch(/<img[^>]*onerror/);
      expect(mail.text).toContain('Beste <img src=x onerror=alert(1)>,');
      expect(first.headers.get('list-unsubscribe')).toBe('<mailto:afmelden@example.org?subject=Afmelden%20TEST>');
      expect(first.headers.get('x-schakel-test')).toBe('yes');
      expect(first.headers.has('list-id')).toBe(false);
      const english = await simpleParser(raw(row('collega@example.org', 'en').id).raw);
      expect(english.text).toContain('FROM THE PILOTS');
      expect(english.subject).toMatch(/^\[TEST\] /);
      // The edition is untouched.
      expect((await core.call('newsletter.editions.get', { id })).status).toBe('draft');
    } finally {
      await smtp.stop();
    }
  });
});

describe('sent editions', () => {
  it('are frozen, keep their final HTML per language and export a standalone page', async () => {
    const w = await world();
    const { id } = await newEdition([w.partners]);
    await core.call('newsletter.editions.setStatus', { id, status: 'ready', acceptWarnings: true });
    const env = { tokens: core.services.newsletter.tokens, now: new Date('2025-03-12T08:00:00Z') };
    await markEditionSent(core.ctx.db, env, id);
    const sent = await core.call('newsletter.editions.get', { id });
    expect(sent).toMatchObject({ status: 'sent', frozen: true, sentAt: '2025-03-12T08:00:00.000Z', archiveLanguages: ['nl', 'en'] });

    expect((await failure(core.call('newsletter.editions.save', { id, revision: sent.revision, content: sent.content }))).code).toBe('edition_frozen');
    expect((await failure(core.call('newsletter.editions.delete', { id }))).code).toBe('edition_frozen');
    expect((await failure(core.call('newsletter.editions.setStatus', { id, status: 'draft' }))).code).toBe('edition_frozen');
    await expect(sql`UPDATE editions SET content = '{}' WHERE id = ${id}`.execute(core.ctx.db)).rejects.toThrow(/edition_frozen/);
    await expect(sql`DELETE FROM edition_archives WHERE edition_id = ${id}`.execute(core.ctx.db)).rejects.toThrow(/immutable/);

    const draft = { ...sent.content, title: bi('Iets anders') };
    expect((await core.call('newsletter.preview', { editionId: id, draft, language: 'nl' })).html).not.toContain('Iets anders');

    const archived = await core.call('newsletter.editions.setStatus', { id, status: 'archived' });
    expect(archived).toMatchObject({ status: 'archived', frozen: true });

    const nl = await core.call('newsletter.archive.get', { editionId: id, language: 'nl' });
    expect(nl.html).toContain('Deze nieuwsbrief verscheen op 1 maart 2025.');
    expect(nl.html).toContain('Beste lezer,');
    expect(nl.html).not.toContain('afmelden@example.org');
    const exported = await core.call('newsletter.archive.export', { editionId: id, language: 'en' });
    expect(exported.fileName).toBe(`nieuwsbrief-${sent.number}-en.html`);
    expect(readFileSync(exported.path, 'utf8')).toBe(exported.html);
    expect(exported.html).toMatch(/^<!doctype html>/i);
    expect(exported.html).toContain('Dear reader,');

    const { rows } = await sql<{ mail_html: string }>`SELECT mail_html FROM edition_archives WHERE edition_id = ${id} AND language = 'nl'`.execute(core.ctx.db);
    expect(rows[0]!.mail_html).toContain('Beste {{voornaam|lezer}},');
    expect(rows[0]!.mail_html).toContain('{{afmeldlink}}');

    const other = await core.call('newsletter.editions.create', {});
    expect((await failure(core.call('newsletter.archive.get', { editionId: other.id, language: 'nl' }))).code).toBe('not_archived');
  });
});
