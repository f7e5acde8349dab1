import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import nodemailer, { type SendMailOptions } from 'nodemailer';
import { afterEach, describe, expect, it } from 'vitest';
import { startCore, type Core } from '../../electron/core';
import type { CommandName, InputOf, OutputOf } from '../../electron/commands/contract';
import { tempDir } from '../helpers/core';

// A clock the tests move by hand.
let clock = new Date('2025-11-03T09:00:00.000Z');
const ACTOR = 'Secretariaat B';

interface Harness {
  core: Core;
  dataDir: string;
  call<N extends CommandName>(name: N, input: InputOf<N>): Promise<OutputOf<N>>;
  fail<N extends CommandName>(name: N, input: InputOf<N>): Promise<{ code: string; message: string }>;
}

const open: Harness[] = [];
async function harness(): Promise<Harness> {
  const dataDir = tempDir();
  const core = await startCore({ dataDir, now: () => clock, backup: { auto: false } });
  const h: Harness = {
    core, dataDir,
    async call(name, input) {
      const r = await core.registry.invoke(name, input);
      if (!r.ok) throw Object.assign(new Error(r.error.message), { code: r.error.code });
      return r.value as never;
    },
    async fail(name, input) {
      const r = await core.registry.invoke(name, input);
      if (r.ok) throw new Error(`${name} should have failed`);
      return r.error;
    },
  };
  open.push(h);
  return h;
}
afterEach(async () => {
  for (const h of open.splice(0)) {
    await h.core.close();
    rmSync(h.dataDir, { recursive: true, force: true });
  }
  clock = new Date('2025-11-03T09:00:00.000Z');
});

describe('data-subject requests', () => {
  it('registers requests with a one-month deadline and shows overdue ones on the start screen', async () => {
    const h = await harness();
    const { id: personId } = await h.call('people.save', { firstName: 'Ria', lastName: 'Verzoek', emails: [{ email: 'ria@example.org', primary: true }] });
    const access = await h.call('avg.createRequest', { kind: 'access', personId, channel: 'email', receivedOn: '2025-10-31', actor: ACTOR });
    expect(access).toMatchObject({ deadlineOn: '2025-11-30', dueOn: '2025-11-30', status: 'open', overdue: false, personName: 'Ria Verzoek', daysLeft: 27 });
    const erasure = await h.call('avg.createRequest', {
      kind: 'erasure', subjectName: 'Onbekende Aanvrager', subjectEmail: 'onbekend@example.org', channel: 'letter', receivedOn: '2025-10-01', actor: ACTOR,
    });
    expect(erasure.deadlineOn).toBe('2025-11-01');
    expect((await h.fail('avg.createRequest', { kind: 'access', channel: 'email', receivedOn: '2025-11-04', subjectName: 'X', actor: ACTOR })).code).toBe('invalid_date');
    expect((await h.fail('avg.createRequest', { kind: 'access', channel: 'email', receivedOn: '2025-11-01', actor: ACTOR })).code).toBe('subject_required');

    let summary = await h.call('avg.summary', {});
    expect(summary).toMatchObject({ today: '2025-11-03', open: 2, overdueCount: 1, suppressionKey: 'ok' });
    expect(summary.overdue.map((r) => r.id)).toEqual([erasure.id]);
    expect(summary.dueSoon).toEqual([]);

    // Too late to extend the overdue one; the open one can be extended once, with a reason.
    expect((await h.fail('avg.extendRequest', { id: erasure.id, reason: 'Complex verzoek', actor: ACTOR })).code).toBe('extension_too_late');
    const extended = await h.call('avg.extendRequest', { id: access.id, reason: 'Veel gegevens bij meerdere partners', actor: ACTOR });
    expect(extended).toMatchObject({ extendedTo: '2026-01-31', dueOn: '2026-01-31', deadlineOn: '2025-11-30' });
    expect((await h.fail('avg.extendRequest', { id: access.id, reason: 'Nog eens verlengen', actor: ACTOR })).code).toBe('already_extended');

    clock = new Date('2025-12-25T09:00:00.000Z');
    summary = await h.call('avg.summary', {});
    expect(summary.overdue.map((r) => r.id)).toEqual([erasure.id]);
    clock = new Date('2026-01-26T09:00:00.000Z');
    expect((await h.call('avg.summary', {})).dueSoon.map((r) => r.id)).toEqual([access.id]);

    expect((await h.fail('avg.updateRequest', { id: erasure.id, status: 'done', actor: ACTOR })).code).toBe('outcome_required');
    const done = await h.call('avg.updateRequest', { id: erasure.id, status: 'refused', outcome: 'Niet in het register; aanvrager geïnformeerd.', actor: ACTOR });
    expect(done).toMatchObject({ status: 'refused', closedOn: '2026-01-26', overdue: false, handledBy: ACTOR });
    expect((await h.call('avg.summary', {})).overdueCount).toBe(0);
    expect((await h.call('avg.listRequests', { openOnly: true })).map((r) => r.id)).toEqual([access.id]);
  });

  it('carries out an objection against all mail, linked to the request', async () => {
    const h = await harness();
    const lists = await h.call('lists.list', {});
    const { id: personId } = await h.call('people.save', { firstName: 'Otto', lastName: 'Bezwaar', emails: [{ email: 'otto@example.org', primary: true }] });
    await h.call('consent.subscribe', { personId, listId: lists[0]!.id, actor: ACTOR, consent: { method: 'phone', evidenceText: 'Telefonisch, notitie in dossier.' } });
    const request = await h.call('avg.createRequest', { kind: 'objection', personId, channel: 'phone', receivedOn: '2025-11-03', actor: ACTOR });
    await h.call('consent.unsubscribe', { personId, listId: null, channel: 'phone', objection: true, requestId: request.id, actor: ACTOR });
    const c = await h.call('consent.person', { personId });
    expect(c.addresses[0]!.suppression?.reason).toBe('objection');
    expect(c.events.filter((e) => e.requestId === request.id).map((e) => e.type).sort()).toEqual(['objected', 'suppressed']);
    expect((await h.call('avg.listRequests', { personId })).map((r) => r.kind)).toEqual(['objection']);
  });
});

/** A person with data in every place Schakel keeps it. */
async function richPerson(h: Harness) {
  const { id: org } = await h.call('organisations.save', { name: 'Gemeente Testdorp', kind: 'gemeente', domain: 'sociaal_domein' });
  const { id: personId } = await h.call('people.save', {
    firstName: 'Quirijn', lastName: 'Zwavelstok', organisationId: org, phone: '+31 6 4471 9082', jobTitle: 'Beleidsadviseur',
    emails: [{ email: 'Q.Zwavelstok@Example.org', primary: true }, { email: 'quirijn.prive@example.com', primary: false }],
    tags: ['klankbordgroep'], notes: 'Bereikbaar op dinsdag.', power: 3, interest: 4,
  });
  const { id: other } = await h.call('people.save', {
    firstName: 'Marloes', lastName: 'Blijft', emails: [{ email: 'marloes@example.org', primary: true }],
    notes: 'Collega van Quirijn Zwavelstok; bel +31 6 4471 9082 bij afwezigheid.',
  });
  const pilots = await h.call('pilots.list', {});
  await h.call('pilots.setRole', { pilotId: pilots[0]!.id, personId, role: 'partner' });
  await h.call('interactions.create', { kind: 'call', occurredOn: '2025-06-02', summary: 'Gebeld met Quirijn Zwavelstok over zijn deelname.', personIds: [personId] });
  await h.call('interactions.create', {
    kind: 'meeting', occurredOn: '2025-06-10', summary: 'Overleg met Quirijn Zwavelstok en Marloes (q.zwavelstok@example.org).', personIds: [personId, other],
  });
  const lists = await h.call('lists.list', {});
  const nl = lists.find((l) => l.slug === 'nieuwsbrief-nl')!;
  await h.call('consent.subscribe', {
    personId, listId: nl.id, actor: ACTOR,
    consent: { method: 'business_card', evidenceText: 'Visitekaartje Quirijn Zwavelstok, programmadag.', evidenceFile: 'kaartjes/zwavelstok.jpg' },
  });
  await h.call('consent.confirm', { personId, listId: nl.id, actor: 'website', evidenceMessageId: '<bevestig.zwavelstok@example.org>' });
  const request = await h.call('avg.createRequest', {
    kind: 'erasure', personId, subjectName: 'Quirijn Zwavelstok', subjectEmail: 'q.zwavelstok@example.org', channel: 'email', receivedOn: '2025-11-01',
    notes: 'Mail van Quirijn Zwavelstok: wil uit alle bestanden.', actor: ACTOR,
  });
  return { personId, other, nl, request, org };
}

const NEEDLES = ['q.zwavelstok@example.org', 'quirijn.prive@example.com', 'quirijn zwavelstok', 'zwavelstok', 'quirijn', '+31 6 4471 9082', '4471 9082'];

function scanDatabase(h: Harness): string[] {
  const sqlite = h.core.ctx.sqlite;
  const hits: string[] = [];
  const tables = sqlite.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[];
  for (const { name } of tables) {
    const columns = sqlite.prepare(`SELECT name FROM pragma_table_info(?)`).all(name) as { name: string }[];
    for (const row of sqlite.prepare(`SELECT * FROM "${name}"`).all() as Record<string, unknown>[]) {
      for (const { name: col } of columns) {
        const value = String(row[col] ?? '').toLowerCase();
        for (const needle of NEEDLES) if (value.includes(needle)) hits.push(`${name}.${col}: ${needle}`);
      }
    }
  }
  return hits;
}

function scanFiles(h: Harness): string[] {
  const hits: string[] = [];
  for (const file of ['schakel.db', 'schakel.db-wal']) {
    const full = path.join(h.dataDir, file);
    if (!existsSync(full)) continue;
    const bytes = readFileSync(full);
    const text = bytes.toString('latin1').toLowerCase();
    const utf16 = bytes.toString('utf16le').toLowerCase();
    for (const needle of NEEDLES) if (text.includes(needle) || utf16.includes(needle)) hits.push(`${file}: ${needle}`);
  }
  return hits;
}

/** Messages into the app's built-in test mailbox, over SMTP, encoded the way nodemailer does it. */
async function intoTestMailbox(h: Harness, messages: SendMailOptions[]): Promise<void> {
  const port = await h.core.services.sending.mailbox.start();
  const transport = nodemailer.createTransport({ host: '127.0.0.1', port, secure: false, ignoreTLS: true });
  try {
    for (const m of messages) await transport.sendMail({ from: 'Secretariaat <secretariaat@example.net>', ...m });
  } finally {
    transport.close();
  }
}

/** Names and addresses left in any file of the test mailbox (messages and index). */
function scanTestMailbox(h: Harness): string[] {
  const folder = path.join(h.dataDir, 'test-mailbox');
  const hits: string[] = [];
  for (const file of existsSync(folder) ? readdirSync(folder) : []) {
    const text = readFileSync(path.join(folder, file), 'latin1').toLowerCase();
    for (const needle of NEEDLES) if (text.includes(needle)) hits.push(`${file}: ${needle}`);
  }
  return hits;
}

/** Trigrams of the erased name and address left in any full-text index (none before migration 0003). */
function searchIndexHits(h: Harness): string[] {
  const sqlite = h.core.ctx.sqlite;
  const vocabs = sqlite.prepare("SELECT name FROM sqlite_master WHERE sql LIKE '%USING fts5vocab%'").all() as { name: string }[];
  const hits: string[] = [];
  for (const { name } of vocabs) {
    for (const term of ['zwa', 'wav', 'vel', 'lst', 'sto', 'tok', 'qui', 'uir', 'rij', '447']) {
      const row = sqlite.prepare(`SELECT doc FROM "${name}" WHERE term = ?`).get(term) as { doc: number } | undefined;
      if (row?.doc) hits.push(`${name}: ${term}`);
    }
  }
  return hits;
}

describe('access and portability', () => {
  it('exports everything held on a person as JSON and readable HTML', async () => {
    const h = await harness();
    const { personId, nl } = await richPerson(h);
    // What the mailbox did with a bounce of a message to the person: in the export too.
    h.core.ctx.sqlite.prepare(`INSERT INTO inbox_history (message_id, received_at, kind, outcome, detail, person_id, address, from_address, subject)
      VALUES ('<dsn-q@example.net>', '2026-11-23T08:00:00.000Z', 'bounce', 'hard_bounce', '5.1.1', ?, 'q.zwavelstok@example.org', 'mailer-daemon@example.net', 'Undeliverable')`)
      .run(personId);
    const doc = await h.call('avg.exportPerson', { personId });
    const json = JSON.parse(doc.json) as Record<string, unknown[]> & { kind: string };
    expect(json.kind).toBe('schakel.personal-data');
    expect(json.register![0]).toMatchObject({
      firstName: 'Quirijn', lastName: 'Zwavelstok', phone: '+31 6 4471 9082', notes: 'Bereikbaar op dinsdag.', influence: 3, interest: 4,
      organisation: 'Gemeente Testdorp', tags: ['klankbordgroep'],
    });
    expect(json.interactions).toHaveLength(2);
    expect(json.subscriptions).toEqual([expect.objectContaining({ list: nl.name, status: 'subscribed', purposeVersion: 1 })]);
    expect((json.consentEvents as { type: string }[]).map((e) => e.type)).toEqual(['subscribed', 'confirmed']);
    expect(json.avgRequests).toHaveLength(1);
    expect(json.mailings).toEqual([]);
    expect(json.inboxHistory).toEqual([expect.objectContaining({ kind: 'bounce', outcome: 'hard_bounce', address: 'q.zwavelstok@example.org' })]);
    for (const text of ['Quirijn', 'Zwavelstok', 'Gemeente Testdorp', 'Gebeld met', 'visitekaartje', nl.name, 'Ontvangen mailings', 'Bereikbaar op dinsdag', 'Autoriteit Persoonsgegevens']) {
      expect(doc.html).toContain(text);
    }
    const en = await h.call('avg.exportPerson', { personId, language: 'en' });
    expect(en.html).toMatch(/Overview of your personal data/);
  });
});

describe('erasure', () => {
  it('leaves no trace of the name, addresses or phone number in any table, nor in the database files', async () => {
    const h = await harness();
    const { personId, other, nl, request } = await richPerson(h);
    // Mail from the person waiting in the inbox's review queue, once matched and once only by address.
    const review = h.core.ctx.sqlite.prepare('INSERT INTO inbox_review (message_id, reason, from_address, subject, body, person_id) VALUES (?, ?, ?, ?, ?, ?)');
    review.run('<r1@example.org>', 'free_text', 'q.zwavelstok@example.org', 'Haal mij van de lijst', 'Groet, Quirijn Zwavelstok', personId);
    review.run('<r2@example.org>', 'free_text', 'Quirijn.Prive@example.com', 'Vraag', 'Met vriendelijke groet, Q. Zwavelstok', null);
    // And in the mailbox's history: linked to the person, and only by address.
    const history = h.core.ctx.sqlite.prepare(`INSERT INTO inbox_history (message_id, received_at, kind, outcome, person_id, address, from_address, subject)
      VALUES (?, '2026-11-23T08:00:00.000Z', ?, ?, ?, ?, ?, ?)`);
    history.run('<r1@example.org>', 'other', 'review', personId, null, 'q.zwavelstok@example.org', 'Haal mij van de lijst');
    history.run('<dsn-2@example.net>', 'bounce', 'soft_bounce', null, 'quirijn.prive@example.com', 'mailer-daemon@example.net', 'Delayed');
    history.run('<other-1@example.net>', 'other', 'review', null, null, 'iemand@example.net', 'Vraag');
    // Test sends in the test mailbox: one to the person, one to staff that names them in a base64 body, one about someone else.
    await intoTestMailbox(h, [
      { to: '"Quirijn Zwavelstok" <q.zwavelstok@example.org>', subject: 'Nieuwsbrief 4', text: 'Beste Quirijn,\n\nHier is de nieuwsbrief.' },
      {
        to: 'redactie@example.net', subject: '[TEST] Nieuwsbrief 4', textEncoding: 'base64',
        html: '<p>Contactpersoon: Quirijn Zwavelstok — bel gerust.</p>', text: 'Contactpersoon: Quirijn Zwavelstok — bel gerust.',
      },
      { to: 'marloes@example.org', subject: 'Nieuwsbrief 4', text: 'Beste Marloes,\n\nHier is de nieuwsbrief.' },
    ]);
    expect(scanTestMailbox(h).length).toBeGreaterThan(0);
    await h.call('backup.now', {});
    expect(scanDatabase(h).length).toBeGreaterThan(10);
    expect((await h.call('people.search', { query: 'zwavelstok' })).total).toBe(1);

    const preview = await h.call('avg.erasePreview', { personId });
    expect(preview.name).toBe('Quirijn Zwavelstok');
    expect(preview.counts).toMatchObject({ consentEvents: 2, subscriptions: 1, avgRequests: 1, register: 1, testMailbox: 2 });
    expect((await h.call('sending.testMailbox.list', {})).total).toBe(3);
    expect(preview.occurrences).toEqual(expect.arrayContaining([
      { table: 'people', column: 'notes', rows: 1 }, { table: 'interactions', column: 'summary', rows: 1 },
    ]));
    expect(preview.backups).toHaveLength(1);
    expect((await h.call('people.get', { id: personId })).name).toBe('Quirijn Zwavelstok');

    const result = await h.call('avg.erase', { personId, requestId: request.id, actor: ACTOR, confirm: true });
    expect(result.suppressedAddresses).toBe(2);
    expect(result.kept).toEqual([]);
    expect(result.scrubbed).toEqual(preview.occurrences);
    expect(result.backups).toEqual([expect.objectContaining({ unreadable: false, expiresAt: expect.any(String) })]);
    expect(result.counts.testMailbox).toBe(2);

    // What the app left on disk, as it left it.
    expect(scanDatabase(h)).toEqual([]);
    expect(scanFiles(h)).toEqual([]);
    expect(searchIndexHits(h)).toEqual([]);
    expect(scanTestMailbox(h)).toEqual([]);
    const mailbox = await h.call('sending.testMailbox.list', {});
    expect(mailbox.messages.map((m) => m.to)).toEqual([['marloes@example.org']]);
    expect(JSON.stringify(mailbox).toLowerCase()).not.toContain('zwavelstok');
    expect((await h.call('people.search', { query: 'zwavelstok' })).total).toBe(0);

    // What stays: the other person (without the name in her notes), the shared meeting, HMAC suppression, anonymous ledger rows.
    const marloes = await h.call('people.get', { id: other });
    expect(marloes.notes).toBe('Collega van [gewist]; bel [gewist] bij afwezigheid.');
    expect(marloes.interactions.map((i) => i.summary)).toEqual(['Overleg met [gewist] en Marloes ([gewist]).']);
    expect((await h.fail('people.get', { id: personId })).code).toBe('not_found');
    for (const email of ['q.zwavelstok@example.org', ' Quirijn.Prive@example.com']) {
      const lookup = await h.call('consent.lookupAddress', { email });
      expect(lookup.person).toBeNull();
      expect(lookup.suppression?.reason).toBe('erased');
      expect(lookup.events.map((e) => e.type)).toEqual(['erased']);
      expect(lookup.explanation.nl).toMatch(/gegevens gewist/);
    }
    const ledger = h.core.ctx.sqlite.prepare('SELECT type, person_id, list_id, erased_at, erasure_id FROM consent_events ORDER BY id').all() as Record<string, unknown>[];
    expect(ledger.map((e) => e.type)).toEqual(['subscribed', 'confirmed', 'erased', 'erased']);
    expect(ledger.every((e) => e.person_id === null && e.erasure_id === result.erasureId)).toBe(true);
    expect(ledger[0]).toMatchObject({ list_id: nl.id });
    const erasure = h.core.ctx.sqlite.prepare('SELECT counts FROM erasures').get() as { counts: string };
    expect(JSON.parse(erasure.counts)).toMatchObject({ addresses: 2, consentEvents: 2, subscriptions: 1, register: 1, inboxHistory: 2, testMailbox: 2 });
    expect(h.core.ctx.sqlite.prepare('SELECT message_id FROM inbox_history').all()).toEqual([{ message_id: '<other-1@example.net>' }]);
    const closed = await h.call('avg.getRequest', { id: request.id });
    expect(closed).toMatchObject({ status: 'done', erasureId: result.erasureId, personId: null, subjectName: null, subjectEmail: null });
    expect((await h.call('lists.get', { id: nl.id })).counts.subscribed).toBe(0);

    // Re-adding the address later is caught by the suppression list.
    const { id: again } = await h.call('people.save', { firstName: 'Nieuw', lastName: 'Record', emails: [{ email: 'q.zwavelstok@example.org', primary: true }] });
    expect((await h.fail('consent.subscribe', {
      personId: again, listId: nl.id, actor: ACTOR, consent: { method: 'email', evidenceText: 'Opnieuw aangemeld.' },
    })).code).toBe('suppressed');
    expect((await h.call('consent.screen', { emails: ['Q.ZWAVELSTOK@example.org'] }))[0]?.reason).toBe('erased');
  });
});

describe('the test mailbox', () => {
  it('removes messages older than the set number of days (30 by default), which can be changed', async () => {
    const h = await harness();
    await intoTestMailbox(h, [{ to: 'oud@example.org', subject: 'Oud', text: 'Oud bericht.' }]);
    clock = new Date('2025-11-20T09:00:00.000Z');
    await intoTestMailbox(h, [{ to: 'nieuw@example.org', subject: 'Nieuw', text: 'Nieuw bericht.' }]);
    const folder = path.join(h.dataDir, 'test-mailbox');
    expect(readdirSync(folder).filter((f) => f.endsWith('.eml'))).toHaveLength(2);
    expect(await h.call('sending.testMailbox.list', {})).toMatchObject({ total: 2, keepDays: 30 });

    clock = new Date('2025-12-04T09:00:00.000Z'); // the first one is 31 days old
    const list = await h.call('sending.testMailbox.list', {});
    expect(list).toMatchObject({ total: 1, keepDays: 30 });
    expect(list.messages.map((m) => m.subject)).toEqual(['Nieuw']);
    expect(readdirSync(folder).filter((f) => f.endsWith('.eml'))).toHaveLength(1);
    expect(readFileSync(path.join(folder, 'index.jsonl'), 'utf8')).not.toContain('oud@example.org');

    expect(await h.call('sending.testMailbox.saveSettings', { keepDays: 10 })).toEqual({ keepDays: 10, removed: 1 });
    expect(await h.call('sending.testMailbox.list', {})).toMatchObject({ total: 0, keepDays: 10 });
    expect(readdirSync(folder).filter((f) => f.endsWith('.eml'))).toEqual([]);
    expect((await h.fail('sending.testMailbox.saveSettings', { keepDays: 0 })).code).toBe('invalid_input');

    // The setting is kept.
    await h.core.close();
    const reopened = await startCore({ dataDir: h.dataDir, now: () => clock, backup: { auto: false } });
    h.core = reopened;
    expect(await reopened.registry.invoke('sending.testMailbox.list', {})).toMatchObject({ ok: true, value: { keepDays: 10 } });
  });
});

describe('retention', () => {
  it('proposes people without subscription or interaction in the period, dry run first, then erases the chosen ones', async () => {
    const h = await harness();
    expect(await h.call('retention.getSettings', {})).toEqual({ programmeEndDate: '2025-10-01', peopleMonths: 12, requestsMonths: 24 });
    clock = new Date('2024-01-15T09:00:00.000Z');
    const mk = async (first: string) => (await h.call('people.save', { firstName: first, lastName: 'Bewaar', emails: [{ email: `${first.toLowerCase()}@example.org`, primary: true }] })).id;
    const quiet = await mk('Stil');
    const quiet2 = await mk('Ook');
    const talked = await mk('Gesprek');
    const subscribed = await mk('Lezer');
    const left = await mk('Vertrokken');
    const asking = await mk('Vrager');
    const lists = await h.call('lists.list', {});
    const nl = lists.find((l) => l.slug === 'nieuwsbrief-nl')!;
    await h.call('consent.subscribe', { personId: subscribed, listId: nl.id, actor: ACTOR, consent: { method: 'email', evidenceText: 'Mail.' } });
    await h.call('consent.subscribe', { personId: left, listId: nl.id, actor: ACTOR, consent: { method: 'email', evidenceText: 'Mail.' } });
    clock = new Date('2026-03-01T09:00:00.000Z');
    await h.call('consent.unsubscribe', { personId: left, listId: nl.id, channel: 'email', actor: ACTOR });
    await h.call('interactions.create', { kind: 'meeting', occurredOn: '2025-09-30', summary: 'Slotbijeenkomst', personIds: [talked] });
    await h.call('avg.createRequest', { kind: 'access', personId: asking, channel: 'email', receivedOn: '2026-02-27', actor: ACTOR });
    const fresh = await mk('Nieuw');

    clock = new Date('2026-11-02T09:00:00.000Z');
    const review = await h.call('retention.review', {});
    expect(review).toMatchObject({ asOf: '2026-11-02', peopleCutoff: '2025-11-02', programmeEnded: true });
    expect(review.people.map((p) => p.personId).sort()).toEqual([quiet, quiet2, talked].sort());
    expect(await h.call('people.get', { id: quiet })).toBeTruthy();
    void subscribed; void fresh; void left;

    await intoTestMailbox(h, [
      { to: '"Stil Bewaar" <stil@example.org>', subject: 'Test', text: 'Beste Stil,' },
      { to: 'lezer@example.org', subject: 'Test', text: 'Contact: Gesprek Bewaar.' },
      { to: 'ook@example.org', subject: 'Test', text: 'Blijft.' },
    ]);
    const applied = await h.call('retention.apply', { personIds: [quiet, talked, subscribed], actor: ACTOR });
    expect((await h.call('sending.testMailbox.list', {})).messages.map((m) => m.to)).toEqual([['ook@example.org']]);
    expect(applied.erased.map((e) => e.personId).sort()).toEqual([quiet, talked].sort());
    expect(applied.skipped).toEqual([{ personId: subscribed, reason: 'not_eligible' }]);
    expect((await h.fail('people.get', { id: quiet })).code).toBe('not_found');
    expect((await h.call('people.get', { id: quiet2 })).id).toBe(quiet2);
    const erasedEvents = h.core.ctx.sqlite.prepare("SELECT source, actor FROM consent_events WHERE type = 'erased'").all();
    expect(erasedEvents).toEqual([{ source: 'retention', actor: ACTOR }, { source: 'retention', actor: ACTOR }]);
    expect((await h.call('consent.screen', { emails: ['stil@example.org', 'gesprek@example.org', 'ook@example.org'] })).map((x) => x.index)).toEqual([0, 1]);

    await h.call('retention.saveSettings', { programmeEndDate: '2025-10-01', peopleMonths: 6, requestsMonths: 24 });
    expect((await h.call('retention.review', {})).peopleCutoff).toBe('2026-05-02');
  });
});

describe('erasure where a table refuses', () => {
  it('erases everything else and reports the frozen place that still holds the name', async () => {
    const h = await harness();
    const { personId } = await richPerson(h);
    const sqlite = h.core.ctx.sqlite;
    // Like a sent newsletter: frozen by a trigger.
    sqlite.exec(`CREATE TABLE archive_notes (id INTEGER PRIMARY KEY, body TEXT);
      INSERT INTO archive_notes (body) VALUES ('Verslag voor Quirijn Zwavelstok'), ('Ander verslag');
      CREATE TRIGGER archive_notes_frozen BEFORE UPDATE ON archive_notes BEGIN SELECT RAISE(ABORT, 'frozen'); END;`);
    const preview = await h.call('avg.erasePreview', { personId });
    expect(preview.kept).toEqual([{ table: 'archive_notes', column: 'body', rows: 1 }]);
    const result = await h.call('avg.erase', { personId, actor: ACTOR, confirm: true });
    expect(result.kept).toEqual([{ table: 'archive_notes', column: 'body', rows: 1 }]);
    expect((await h.fail('people.get', { id: personId })).code).toBe('not_found');
    expect(scanDatabase(h).filter((hit) => !hit.startsWith('archive_notes.'))).toEqual([]);
    expect(sqlite.prepare('SELECT body FROM archive_notes ORDER BY id').all()).toEqual([{ body: 'Verslag voor Quirijn Zwavelstok' }, { body: 'Ander verslag' }]);
  });
});

describe('restoring an older backup', () => {
  it('erases, suppresses and unsubscribes again whoever left after the backup was made', async () => {
    const h = await harness();
    const { personId, nl } = await richPerson(h);
    const { id: reader } = await h.call('people.save', { firstName: 'Lotte', lastName: 'Lezer', emails: [{ email: 'lotte@example.org', primary: true }] });
    const { id: bouncer } = await h.call('people.save', { firstName: 'Bart', lastName: 'Bounce', emails: [{ email: 'bart@example.org', primary: true }] });
    for (const id of [reader, bouncer]) {
      await h.call('consent.subscribe', { personId: id, listId: nl.id, actor: ACTOR, consent: { method: 'email', evidenceText: 'Mail.' } });
      await h.call('consent.confirm', { personId: id, listId: nl.id, actor: ACTOR });
    }
    const backup = await h.call('backup.now', {});

    clock = new Date('2025-11-04T10:00:00.000Z');
    await h.call('avg.erase', { personId, actor: ACTOR, confirm: true });
    await h.call('consent.unsubscribe', { personId: reader, listId: nl.id, channel: 'email', actor: ACTOR });
    await h.call('consent.suppress', { personId: bouncer, reason: 'hard_bounce', actor: 'Schakel' });

    clock = new Date('2025-11-05T10:00:00.000Z');
    await h.call('backup.restore', { path: backup.path });
    expect((await h.call('people.search', { query: 'zwavelstok' })).total).toBe(0);
    expect((await h.call('consent.lookupAddress', { email: 'q.zwavelstok@example.org' })).suppression?.reason).toBe('erased');
    expect((await h.call('consent.mayMail', { personId: reader, listId: nl.id })).reason).toBe('unsubscribed');
    expect((await h.call('consent.mayMail', { personId: bouncer, listId: nl.id })).reason).toBe('suppressed');
    expect((await h.call('consent.check', { listId: nl.id, emails: ['lotte@example.org', 'bart@example.org', 'q.zwavelstok@example.org'] })).allowed).toBe(0);
    expect(scanDatabase(h)).toEqual([]);
    expect(scanFiles(h)).toEqual([]);

    // Applying the journal again changes nothing.
    const events = (h.core.ctx.sqlite.prepare('SELECT count(*) AS n FROM consent_events').get() as { n: number }).n;
    await h.core.close();
    const reopened = await startCore({ dataDir: h.dataDir, now: () => clock, backup: { auto: false } });
    h.core = reopened;
    expect((reopened.ctx.sqlite.prepare('SELECT count(*) AS n FROM consent_events').get() as { n: number }).n).toBe(events);
  });
});
