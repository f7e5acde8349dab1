import { readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startCore } from '../../electron/core';
import type { CommandName, InputOf, OutputOf } from '../../electron/commands/contract';
import { createTestCore, tempDir, type TestCore } from '../helpers/core';

let core: TestCore;
beforeEach(async () => {
  core = await createTestCore();
});
afterEach(async () => {
  await core.dispose();
});

const ACTOR = 'Secretariaat A';
const evidence = { method: 'programme_day', evidenceText: 'Aanmeldformulier programmadag, ingevuld en ondertekend.' } as const;

async function person(first: string, last: string, email?: string) {
  const { id } = await core.call('people.save', {
    firstName: first, lastName: last, emails: email ? [{ email, primary: true }] : [],
  });
  return id;
}

async function lists() {
  const all = await core.call('lists.list', {});
  const nl = all.find((l) => l.slug === 'nieuwsbrief-nl')!;
  const en = all.find((l) => l.slug === 'newsletter-en')!;
  return { nl, en };
}

async function partnersList() {
  const { id } = await core.call('lists.save', {
    name: 'Partners pilot Vroegsignalering', purposeText: 'Uitnodigingen en verslagen voor de partners van de pilot Vroegsignalering.',
    language: 'nl', lawfulBasis: 'legitimate_interest', doubleOptIn: false, actor: ACTOR,
  });
  return id;
}

async function failure<T>(promise: Promise<T>): Promise<{ code: string; message: string }> {
  try {
    await promise;
  } catch (error) {
    return error as { code: string; message: string };
  }
  throw new Error('expected the command to fail');
}

describe('mailing lists and purpose texts', () => {
  it('seeds the two newsletters once, consent-based with double opt-in and a first purpose text', async () => {
    const { nl, en } = await lists();
    expect(nl).toMatchObject({ name: 'Nieuwsbrief Jeugd en Veiligheid', language: 'nl', lawfulBasis: 'consent', doubleOptIn: true });
    expect(en).toMatchObject({ name: 'Programme newsletter (EN)', language: 'en', lawfulBasis: 'consent', doubleOptIn: true });
    expect(nl.purpose?.version).toBe(1);
    expect(nl.purpose?.text).toMatch(/Afmelden kan altijd/);
    expect(nl.counts).toEqual({ pending: 0, subscribed: 0, unsubscribed: 0 });
  });

  it('versions the purpose text and never edits a shown version', async () => {
    const id = await partnersList();
    const again = await core.call('lists.save', {
      id, name: 'Partners pilot Vroegsignalering', purposeText: 'Uitnodigingen en verslagen voor de partners van de pilot Vroegsignalering.',
      language: 'nl', lawfulBasis: 'legitimate_interest', doubleOptIn: false, actor: ACTOR,
    });
    expect(again.newVersion).toBe(false);
    const changed = await core.call('lists.save', {
      id, name: 'Partners pilot Vroegsignalering', purposeText: 'Uitnodigingen, verslagen en de regionale handleiding.',
      language: 'nl', lawfulBasis: 'legitimate_interest', doubleOptIn: false, actor: ACTOR,
    });
    expect(changed.newVersion).toBe(true);
    const detail = await core.call('lists.get', { id });
    expect(detail.versions.map((v) => v.version)).toEqual([2, 1]);
    expect(detail.purpose?.id).toBe(changed.purposeVersionId);
    expect(() => core.ctx.sqlite.prepare('UPDATE purpose_versions SET text = ? WHERE id = ?').run('anders', changed.purposeVersionId)).toThrow(/immutable/);
    expect(() => core.ctx.sqlite.prepare('DELETE FROM purpose_versions WHERE id = ?').run(changed.purposeVersionId)).toThrow(/immutable/);
    const clash = await failure(core.call('lists.save', {
      name: 'nieuwsbrief jeugd en veiligheid', purposeText: 'x', language: 'nl', lawfulBasis: 'consent', doubleOptIn: true, actor: ACTOR,
    }));
    expect(clash.code).toBe('list_name_taken');
  });

  it('locks the lawful basis once a list has sign-ups', async () => {
    const id = await partnersList();
    const p = await person('Lies', 'Grondslag', 'lies@example.org');
    await core.call('consent.subscribe', { personId: p, listId: id, actor: ACTOR });
    const err = await failure(core.call('lists.save', {
      id, name: 'Partners pilot Vroegsignalering', purposeText: 'Uitnodigingen en verslagen voor de partners van de pilot Vroegsignalering.',
      language: 'nl', lawfulBasis: 'consent', doubleOptIn: false, actor: ACTOR,
    }));
    expect(err.code).toBe('basis_locked');
  });
});

describe('subscribing with recorded consent', () => {
  it('refuses a consent list without the consent record or without evidence', async () => {
    const { nl } = await lists();
    const p = await person('Anna', 'Aanmeld', 'anna@example.org');
    expect((await failure(core.call('consent.subscribe', { personId: p, listId: nl.id, actor: ACTOR }))).code).toBe('consent_required');
    expect((await failure(core.call('consent.subscribe', {
      personId: p, listId: nl.id, actor: ACTOR, consent: { method: 'business_card' },
    }))).code).toBe('evidence_required');
    expect((await failure(core.call('consent.subscribe', {
      personId: p, listId: nl.id, actor: ACTOR, consent: { ...evidence, givenAt: '2999-01-01' },
    }))).code).toBe('future_date');
    const noAddress = await person('Zonder', 'Adres');
    expect((await failure(core.call('consent.subscribe', { personId: noAddress, listId: nl.id, actor: ACTOR, consent: evidence }))).code).toBe('no_address');
    expect((await core.call('consent.person', { personId: p })).events).toEqual([]);
  });

  it('records when, how, which text and the evidence; double opt-in waits for the confirmation', async () => {
    const { nl, en } = await lists();
    const p = await person('Bram', 'Bevestig', 'Bram.Bevestig@Example.org');
    const res = await core.call('consent.subscribe', {
      personId: p, listId: nl.id, actor: ACTOR,
      consent: { ...evidence, givenAt: '2024-10-03T14:30:00+02:00', evidenceFile: 'Scans/programmadag-2024/042.pdf' },
    });
    expect(res).toMatchObject({ status: 'pending', liftedSuppression: false });
    expect(await core.call('consent.mayMail', { personId: p, listId: nl.id })).toMatchObject({ allowed: false, reason: 'pending' });
    const wrongText = await failure(core.call('consent.subscribe', {
      personId: p, listId: en.id, actor: ACTOR, consent: { ...evidence, purposeVersionId: nl.purpose!.id },
    }));
    expect(wrongText.code).toBe('purpose_mismatch');

    await core.call('consent.confirm', { personId: p, listId: nl.id, actor: 'website', evidenceMessageId: '<confirm-1@example.org>' });
    expect(await core.call('consent.mayMail', { personId: p, listId: nl.id })).toEqual({ allowed: true, reason: 'subscribed', email: 'Bram.Bevestig@Example.org' });
    expect((await failure(core.call('consent.confirm', { personId: p, listId: nl.id, actor: ACTOR }))).code).toBe('not_pending');

    const c = await core.call('consent.person', { personId: p });
    expect(c.subscriptions).toEqual([expect.objectContaining({ listId: nl.id, status: 'subscribed', purposeVersion: { id: nl.purpose!.id, version: 1 }, mayMail: true })]);
    const [confirmed, subscribed] = c.events;
    expect(confirmed).toMatchObject({ type: 'confirmed', evidence: { messageId: '<confirm-1@example.org>' }, actor: 'website' });
    expect(subscribed).toMatchObject({
      type: 'subscribed', occurredAt: '2024-10-03T12:30:00.000Z', source: 'programme_day', actor: ACTOR, doubleOptIn: true,
      purposeVersion: { id: nl.purpose!.id, version: 1 }, email: 'Bram.Bevestig@Example.org',
      evidence: { text: evidence.evidenceText, file: 'Scans/programmadag-2024/042.pdf', messageId: null },
    });
    expect(subscribed!.recordedAt > subscribed!.occurredAt).toBe(true);
    expect((await failure(core.call('consent.subscribe', { personId: p, listId: nl.id, actor: ACTOR, consent: evidence }))).code).toBe('already_subscribed');
  });

  it('adds to a legitimate-interest list without a consent record, on the list\'s basis', async () => {
    const id = await partnersList();
    const p = await person('Piet', 'Partner', 'piet@example.org');
    expect((await core.call('consent.subscribe', { personId: p, listId: id, actor: ACTOR })).status).toBe('subscribed');
    const [e] = (await core.call('consent.person', { personId: p })).events;
    expect(e).toMatchObject({ type: 'subscribed', source: 'register', purposeVersion: { version: 1 } });
  });

  it('bulk-adds with one consent record for the batch and reports suppressed, missing and existing rows', async () => {
    const { nl } = await lists();
    const a = await person('Ad', 'Bulk', 'ad@example.org');
    const b = await person('Bo', 'Bulk', 'bo@example.org');
    const gone = await person('Gijs', 'Afgemeld', 'gijs@example.org');
    const none = await person('Nina', 'Zonderadres');
    await core.call('consent.unsubscribe', { personId: gone, listId: null, channel: 'phone', actor: ACTOR });
    await core.call('consent.subscribe', { personId: b, listId: nl.id, actor: ACTOR, consent: evidence });
    const res = await core.call('consent.subscribeMany', {
      personIds: [a, b, gone, none, 999_999], listId: nl.id, actor: ACTOR,
      consent: { method: 'import', evidenceText: 'Lijst deelnemers programmadag, formulier met vinkje nieuwsbrief.' }, source: 'import',
    });
    expect(res.pending).toEqual([a]);
    expect(res.alreadySubscribed).toEqual([b]);
    expect(res.suppressed).toEqual([expect.objectContaining({ personId: gone, email: 'gijs@example.org', reason: 'unsubscribed_all' })]);
    expect(res.noAddress).toEqual([{ personId: none, name: 'Nina Zonderadres' }]);
    expect(res.notFound).toEqual([999_999]);
    const [e] = (await core.call('consent.person', { personId: a })).events;
    expect(e).toMatchObject({ batchId: res.batchId, source: 'import', actor: ACTOR });
    expect((await core.call('consent.person', { personId: gone })).subscriptions).toEqual([]);
    const members = await core.call('lists.members', { listId: nl.id, status: 'pending' });
    expect(members.rows.map((r) => r.personId).sort()).toEqual([a, b].sort());
  });
});

describe('unsubscribing and suppression', () => {
  it('unsubscribes from one list at once, keeps the person, and refuses a second unsubscribe', async () => {
    const { nl, en } = await lists();
    const partners = await partnersList();
    const p = await person('Uma', 'Uitschrijf', 'uma@example.org');
    await core.call('consent.subscribe', { personId: p, listId: nl.id, actor: ACTOR, consent: evidence });
    await core.call('consent.confirm', { personId: p, listId: nl.id, actor: ACTOR });
    await core.call('consent.subscribe', { personId: p, listId: partners, actor: ACTOR });
    const res = await core.call('consent.unsubscribe', { personId: p, listId: nl.id, channel: 'phone', note: 'Belde zelf.', actor: ACTOR });
    expect(res).toEqual({ lists: [{ listId: nl.id, listName: nl.name }], suppressedAddresses: 0 });
    expect((await core.call('consent.mayMail', { personId: p, listId: nl.id })).allowed).toBe(false);
    expect((await core.call('consent.mayMail', { personId: p, listId: partners })).allowed).toBe(true);
    const check = await core.call('consent.check', { listId: nl.id, emails: ['uma@example.org'] });
    expect(check.counts.unsubscribed).toBe(1);
    expect((await core.call('people.get', { id: p })).name).toBe('Uma Uitschrijf');
    expect((await failure(core.call('consent.unsubscribe', { personId: p, listId: nl.id, channel: 'email', actor: ACTOR }))).code).toBe('not_subscribed');
    expect((await failure(core.call('consent.unsubscribe', { personId: p, listId: en.id, channel: 'email', actor: ACTOR }))).code).toBe('not_subscribed');
    const [e] = (await core.call('consent.person', { personId: p })).events.filter((x) => x.type === 'unsubscribed');
    expect(e).toMatchObject({ source: 'phone', note: 'Belde zelf.', listId: nl.id });
  });

  it('unsubscribes from everything onto the suppression list; only fresh consent overrides it', async () => {
    const { nl } = await lists();
    const partners = await partnersList();
    const p = await person('Sam', 'Stop', 'sam@example.org');
    await core.call('consent.subscribe', { personId: p, listId: nl.id, actor: ACTOR, consent: evidence });
    await core.call('consent.subscribe', { personId: p, listId: partners, actor: ACTOR });
    const res = await core.call('consent.unsubscribe', { personId: p, listId: null, channel: 'letter', actor: ACTOR });
    expect(res.lists.map((l) => l.listId).sort()).toEqual([nl.id, partners].sort());
    expect(res.suppressedAddresses).toBe(1);
    const c = await core.call('consent.person', { personId: p });
    expect(c.subscriptions.every((s) => s.status === 'unsubscribed' && !s.mayMail)).toBe(true);
    expect(c.addresses[0]!.suppression).toMatchObject({ reason: 'unsubscribed_all' });

    const silent = await failure(core.call('consent.subscribe', { personId: p, listId: partners, actor: ACTOR }));
    expect(silent.code).toBe('suppressed');
    expect(silent.message).toMatch(/afmeldlijst/);
    const noConsent = await failure(core.call('consent.subscribe', { personId: p, listId: partners, actor: ACTOR, overrideSuppression: true }));
    expect(noConsent.code).toBe('consent_required');
    const ok = await core.call('consent.subscribe', {
      personId: p, listId: partners, actor: ACTOR, overrideSuppression: true,
      consent: { method: 'email', evidenceText: 'Vroeg per mail om weer uitnodigingen te krijgen.', evidenceMessageId: '<again@example.org>' },
    });
    expect(ok).toMatchObject({ status: 'subscribed', liftedSuppression: true });
    expect((await core.call('consent.mayMail', { personId: p, listId: partners })).allowed).toBe(true);
    expect((await core.call('consent.mayMail', { personId: p, listId: nl.id })).allowed).toBe(false);
    const types = (await core.call('consent.person', { personId: p })).events.map((e) => e.type).reverse();
    expect(types).toEqual(['subscribed', 'subscribed', 'unsubscribed', 'unsubscribed', 'suppressed', 'unsuppressed', 'subscribed']);
  });

  it('suppresses an address that is not in the register, and catches it when it is added later', async () => {
    const { nl } = await lists();
    await core.call('consent.suppress', { email: ' Klacht@Example.org ', reason: 'complaint', actor: ACTOR });
    const hits = await core.call('consent.screen', { emails: ['a@example.org', 'KLACHT@example.org', ''] });
    expect(hits).toEqual([expect.objectContaining({ index: 1, reason: 'complaint' })]);
    const p = await person('Kees', 'Klacht', 'klacht@example.org');
    expect((await failure(core.call('consent.subscribe', { personId: p, listId: nl.id, actor: ACTOR, consent: evidence }))).code).toBe('suppressed');
    const lookup = await core.call('consent.lookupAddress', { email: 'klacht@example.org' });
    expect(lookup.suppression?.reason).toBe('complaint');
    expect(lookup.explanation.nl).toMatch(/afmeldlijst/);
    expect(lookup.events.map((e) => e.type)).toEqual(['suppressed']);
  });

  it('a hard bounce for a person ends every subscription', async () => {
    const partners = await partnersList();
    const p = await person('Bea', 'Bounce', 'bea@example.org');
    await core.call('consent.subscribe', { personId: p, listId: partners, actor: ACTOR });
    const res = await core.call('consent.suppress', { personId: p, reason: 'hard_bounce', actor: 'Schakel' });
    expect(res.lists).toEqual([{ listId: partners, listName: 'Partners pilot Vroegsignalering' }]);
    expect(await core.call('consent.mayMail', { personId: p, listId: partners })).toMatchObject({ allowed: false });
  });
});

describe('checking a batch before sending', () => {
  it('allows only subscribed, unsuppressed addresses, whatever their spelling', async () => {
    const partners = await partnersList();
    const ids = [];
    for (const [i, email] of ['ok1@example.org', 'ok2@example.org', 'weg@example.org', 'zoë@example.org'].entries()) {
      ids.push(await person(`P${i}`, 'Check', email));
    }
    for (const id of ids) await core.call('consent.subscribe', { personId: id, listId: partners, actor: ACTOR });
    await core.call('consent.unsubscribe', { personId: ids[2]!, listId: null, channel: 'email', actor: ACTOR });
    // A suppressed address that later became the second address of a subscriber is still never mailed.
    await core.call('consent.suppress', { email: 'oud-adres@example.org', reason: 'hard_bounce', actor: ACTOR });
    await core.call('people.save', {
      id: ids[0]!, firstName: 'P0', lastName: 'Check',
      emails: [{ email: 'ok1@example.org', primary: true }, { email: 'Oud-Adres@example.org', primary: false }],
    });
    const res = await core.call('consent.check', {
      listId: partners,
      emails: ['ok1@example.org', '  OK2@Example.ORG ', 'weg@example.org', 'zoe\u0308@example.org', 'nobody@example.org', 'not an address', 'oud-adres@example.org'],
    });
    expect(res.total).toBe(7);
    expect(res.allowed).toBe(3);
    expect(res.counts).toMatchObject({ subscribed: 3, unsubscribed: 1, suppressed: 1, not_subscribed: 1, invalid: 1 });
    expect(res.blocked.map((b) => b.reason)).toEqual(['unsubscribed', 'not_subscribed', 'invalid', 'suppressed']);
    expect(res.blocked[3]).toMatchObject({ email: 'oud-adres@example.org', personId: ids[0] });
    expect((await core.call('consent.screen', { emails: ['weg@example.org', 'ok1@example.org', 'oud-adres@example.org'] })).map((h) => h.index)).toEqual([0, 2]);
    await core.call('lists.archive', { id: partners, archived: true });
    expect((await core.call('consent.check', { listId: partners, emails: ['ok1@example.org'] })).counts.list_archived).toBe(1);
    expect((await core.call('consent.mayMail', { personId: ids[1]!, listId: partners })).reason).toBe('list_archived');
  });
});

describe('the ledger is append-only', () => {
  it('refuses updates and deletes at the database level; only the complete tombstone is allowed', async () => {
    const partners = await partnersList();
    const p = await person('Lea', 'Ledger', 'lea@example.org');
    await core.call('consent.subscribe', { personId: p, listId: partners, actor: ACTOR });
    const db = core.ctx.sqlite;
    const { id } = db.prepare('SELECT id FROM consent_events WHERE person_id = ?').get(p) as { id: number };
    expect(() => db.prepare("UPDATE consent_events SET type = 'unsubscribed' WHERE id = ?").run(id)).toThrow(/append-only/);
    expect(() => db.prepare('UPDATE consent_events SET occurred_at = ? WHERE id = ?').run('2020-01-01T00:00:00.000Z', id)).toThrow(/append-only/);
    expect(() => db.prepare('DELETE FROM consent_events WHERE id = ?').run(id)).toThrow(/append-only/);
    // A partial tombstone (address gone, person link kept) is refused too.
    expect(() => db.prepare("UPDATE consent_events SET email = NULL, erased_at = 'x', erasure_id = 1 WHERE id = ?").run(id)).toThrow(/append-only/);
    // A person with a consent history leaves the register only through erasure.
    const del = await failure(core.call('people.delete', { id: p }));
    expect(del.code).toBe('has_consent_history');
    expect((db.prepare('SELECT count(*) AS n FROM consent_events').get() as { n: number }).n).toBe(1);
    expect((await core.call('people.get', { id: p })).id).toBe(p);
  });
});

describe('proof', () => {
  it('exports a readable, escaped HTML proof and the JSON of every event', async () => {
    const { nl } = await lists();
    const p = await person('Eva', 'Bewijs', 'eva@example.org');
    await core.call('consent.subscribe', {
      personId: p, listId: nl.id, actor: ACTOR, consent: { method: 'website_form', evidenceText: 'Formulier <script>alert(1)</script> ingevuld' },
    });
    await core.call('consent.confirm', { personId: p, listId: nl.id, actor: 'website' });
    await core.call('consent.unsubscribe', { personId: p, listId: nl.id, channel: 'unsubscribe_link', actor: 'website' });
    const proof = await core.call('consent.proof', { personId: p });
    expect(proof.fileName).toMatch(/^bewijs-toestemming-/);
    expect(proof.html).toContain('Eva Bewijs');
    expect(proof.html).toContain('Nieuwsbrief Jeugd en Veiligheid');
    expect(proof.html).toContain('Afmelden kan altijd');
    expect(proof.html).toContain('&lt;script&gt;');
    expect(proof.html).not.toContain('<script>');
    expect(proof.html).toMatch(/Aanmelding bevestigd/);
    const json = JSON.parse(proof.json) as { events: { type: string }[]; person: { name: string } };
    expect(json.person.name).toBe('Eva Bewijs');
    expect(json.events.map((e) => e.type)).toEqual(['subscribed', 'confirmed', 'unsubscribed']);
    const en = await core.call('consent.proof', { personId: p, language: 'en' });
    expect(en.html).toMatch(/Record of consent/);
  });
});

describe('the suppression key', () => {
  type Invoke = <N extends CommandName>(name: N, input: InputOf<N>) => Promise<OutputOf<N>>;
  async function open(dataDir: string) {
    const c = await startCore({ dataDir, backup: { auto: false } });
    const call: Invoke = async (name, input) => {
      const r = await c.registry.invoke(name, input);
      if (!r.ok) throw Object.assign(new Error(r.error.message), { code: r.error.code });
      return r.value as never;
    };
    return { c, call };
  }

  it('is created on first use with mode 0600, survives a restart, and a lost or foreign key stops all checks', async () => {
    const dataDir = tempDir();
    try {
      let { c, call } = await open(dataDir);
      const keyFile = path.join(dataDir, 'secrets', 'suppression.key');
      await call('consent.suppress', { email: 'blok@example.org', reason: 'manual', actor: ACTOR });
      if (process.platform !== 'win32') expect(statSync(keyFile).mode & 0o777).toBe(0o600);
      const key = readFileSync(keyFile, 'utf8');
      expect(key.trim()).toMatch(/^[0-9a-f]{64}$/);
      const raw = c.ctx.sqlite.prepare('SELECT email_hmac FROM suppressions').all() as { email_hmac: string }[];
      expect(raw).toHaveLength(1);
      expect(JSON.stringify(c.ctx.sqlite.prepare('SELECT * FROM suppressions').all())).not.toContain('blok');
      await c.close();

      ({ c, call } = await open(dataDir));
      expect((await call('consent.screen', { emails: ['BLOK@example.org'] }))).toHaveLength(1);
      expect((await call('avg.summary', {})).suppressionKey).toBe('ok');
      await c.close();

      rmSync(keyFile);
      ({ c, call } = await open(dataDir));
      expect((await call('avg.summary', {})).suppressionKey).toBe('missing');
      expect((await failure(call('consent.screen', { emails: ['blok@example.org'] }))).code).toBe('suppression_key_missing');
      await c.close();

      writeFileSync(keyFile, `${'ab'.repeat(32)}\n`, { mode: 0o644 });
      ({ c, call } = await open(dataDir));
      expect((await failure(call('consent.check', { listId: 1, emails: ['blok@example.org'] }))).code).toBe('suppression_key_mismatch');
      if (process.platform !== 'win32') expect(statSync(keyFile).mode & 0o777).toBe(0o600);
      await c.close();

      writeFileSync(keyFile, key);
      ({ c, call } = await open(dataDir));
      expect((await call('consent.screen', { emails: ['blok@example.org'] }))).toHaveLength(1);
      await c.close();
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
