import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { InvokeResult } from '../../electron/commands/contract';
import { createTestCore, type TestCore } from '../helpers/core';

/** The error of a result that must have failed. */
function failed(result: InvokeResult) {
  expect(result.ok).toBe(false);
  if (result.ok) throw new Error('expected a failure');
  return result.error;
}

let core: TestCore;
beforeEach(async () => {
  core = await createTestCore();
});
afterEach(async () => {
  await core.dispose();
});

describe('programme seed', () => {
  it('seeds the four pilots, their partners and the theme sessions once', async () => {
    const pilots = await core.call('pilots.list', {});
    expect(pilots.map((p) => p.contactName)).toEqual(['Marleen Kotkamp', 'Irene Salomons', "Sylvia Huis in 't Veld", 'Denise van der Plaat']);
    const orgs = await core.call('organisations.list', {});
    for (const name of ['Talentstad', 'Thorbecke VMBO PRO', 'Ambelt Wapenveld', 'Kennispunt Twente', 'Jeugdbescherming Gelderland', 'Raad voor de Kinderbescherming']) {
      expect(orgs.some((o) => o.name === name)).toBe(true);
    }
    expect((await core.call('themeSessions.list', {})).map((t) => t.nameEn)).toEqual(['Prevention', 'Repression', 'Youth in Detention and Care', 'Aftercare']);
    const info = await core.call('app.info', {});
    expect(info.counts.people).toBe(0);
    const vios = await core.call('pilots.get', { id: pilots[1]!.id });
    expect(vios.organisations.map((o) => o.name)).toContain('Talentstad');
  });

  it('adds fictional demo people on example.org only', async () => {
    const { added } = await core.call('app.loadDemo', {});
    expect(added).toBeGreaterThan(20);
    expect((await core.call('app.loadDemo', {})).added).toBe(0);
    const all = await core.call('people.search', { limit: 500 });
    expect(all.total).toBe(added);
    for (const p of all.rows) expect(p.email).toMatch(/@example\.org$/);
  });
});

describe('people', () => {
  it('saves a person with several addresses, one primary, and finds them without diacritics', async () => {
    const org = await core.call('organisations.save', { name: 'Gemeente Sœurdorp', kind: 'gemeente', domain: 'sociaal_domein', region: 'Twente' });
    const { id } = await core.call('people.save', {
      firstName: 'Zoë', lastName: "Huis in 't Veld", organisationId: org.id, language: 'en', tags: ['klankbord'],
      emails: [{ email: 'zoe@example.org', primary: false }, { email: 'Z.Huis@Example.org', primary: true }], power: 4, interest: 5,
    });
    const person = await core.call('people.get', { id });
    expect(person.emails).toEqual([{ email: 'Z.Huis@Example.org', primary: true }, { email: 'zoe@example.org', primary: false }]);
    for (const q of ['zoe huis', 'HUIS IN', 'huis in ’t', 'soeurdorp', 'z.huis@example']) {
      const r = await core.call('people.search', { query: q });
      expect(r.rows.map((x) => x.id), q).toEqual([id]);
    }
    expect((await core.call('people.search', { query: 'zoe', tag: 'klankbord', language: 'en', organisationKind: 'gemeente' })).total).toBe(1);
    expect((await core.call('people.search', { query: 'zoe', language: 'nl' })).total).toBe(0);
  });

  it('rejects invalid and taken addresses with a Dutch message, writing nothing', async () => {
    await expect(core.call('people.save', { firstName: 'A', emails: [{ email: 'not-an-address', primary: true }] }))
      .rejects.toThrow(/geen geldig e-mailadres/);
    await core.call('people.save', { firstName: 'A', emails: [{ email: 'a@example.org', primary: true }] });
    await expect(core.call('people.save', { firstName: 'B', emails: [{ email: ' A@EXAMPLE.org', primary: true }] }))
      .rejects.toThrow(/hoort al bij A/);
    expect((await core.call('people.search', {})).total).toBe(1);
    await expect(core.call('people.save', { firstName: '', lastName: '' })).rejects.toThrow(/naam/i);
  });

  it('returns typed errors for unknown commands and invalid input, in Dutch and English', async () => {
    const unknown = await core.registry.invoke('people.fly', {});
    expect(unknown).toMatchObject({ ok: false, error: { code: 'unknown_command' } });
    const bad = await core.registry.invoke('people.save', { firstName: 'X', power: 9 }, 'nl');
    expect(bad).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    expect(failed(bad).message).toMatch(/^Ongeldige invoer/);
    const badEn = await core.registry.invoke('people.save', { firstName: 'X', power: 9 }, 'en');
    expect(failed(badEn)).toMatchObject({ code: 'invalid_input' });
    expect(failed(badEn).message).toMatch(/^Invalid input/);
  });

  it('exports the filtered list as CSV that Excel opens', async () => {
    await core.call('people.save', { firstName: 'Eva', lastName: 'Export', emails: [{ email: 'eva@example.org', primary: true }], notes: 'x' });
    await core.call('people.save', { firstName: 'Formula', lastName: '=HYPERLINK("x")' });
    const { csv, count } = await core.call('people.exportCsv', { query: 'eva' });
    expect(count).toBe(1);
    expect(csv.startsWith('\ufeffvoornaam;achternaam;e-mail')).toBe(true);
    expect(csv).toContain('Eva;Export;eva@example.org');
    const all = await core.call('people.exportCsv', {});
    expect(all.csv).toContain(`"'=HYPERLINK(""x"")"`);
  });
});

describe('pilots, interactions and the map', () => {
  it('links a person to a pilot, logs an interaction on every timeline, and places them on the map', async () => {
    const [pilot] = await core.call('pilots.list', {});
    const org = (await core.call('organisations.list', { query: 'enschede' }))[0]!;
    const { id } = await core.call('people.save', { firstName: 'Piet', lastName: 'Pilot', organisationId: org.id, power: 2, interest: 4 });
    await core.call('pilots.setRole', { pilotId: pilot!.id, personId: id, role: 'trekker' });
    await core.call('interactions.create', { kind: 'meeting', occurredOn: '2025-03-04', summary: 'Startoverleg', personIds: [id], pilotIds: [pilot!.id] });
    const person = await core.call('people.get', { id });
    expect(person.pilots).toEqual([{ pilotId: pilot!.id, name: pilot!.name, role: 'trekker' }]);
    expect(person.interactions[0]).toMatchObject({ summary: 'Startoverleg', pilots: [{ id: pilot!.id }] });
    expect((await core.call('pilots.get', { id: pilot!.id })).interactions).toHaveLength(1);
    expect((await core.call('organisations.get', { id: org.id })).interactions).toHaveLength(1);
    expect(await core.call('map.people', { pilotId: pilot!.id })).toEqual([{ id, name: 'Piet Pilot', organisationName: org.name, power: 2, interest: 4 }]);
    await expect(core.call('interactions.create', { kind: 'call', occurredOn: '2025-03-04', summary: 'x' })).rejects.toThrow(/minstens één/);
  });

  it('keeps search text in step when an organisation is renamed', async () => {
    const org = await core.call('organisations.save', { name: 'Oude Naam', kind: 'overig', domain: 'overig' });
    const { id } = await core.call('people.save', { firstName: 'Rina', organisationId: org.id });
    await core.call('organisations.save', { id: org.id, name: 'Nieuwe Naam', kind: 'overig', domain: 'overig' });
    expect((await core.call('people.search', { query: 'nieuwe' })).rows.map((r) => r.id)).toEqual([id]);
    expect((await core.call('people.search', { query: 'oude' })).total).toBe(0);
  });
});

describe('messages', () => {
  it('says plainly that a required field is empty, in the UI language', async () => {
    const nl = await core.registry.invoke('organisations.save', { name: '', kind: 'gemeente', domain: 'overig' }, 'nl');
    expect(failed(nl).issues).toEqual([{ path: 'name', message: 'Dit veld is verplicht.' }]);
    const en = await core.registry.invoke('organisations.save', { kind: 'gemeente', domain: 'overig' }, 'en');
    expect(failed(en).issues).toEqual([{ path: 'name', message: 'This field is required.' }]);
  });

  it('points a taken address at its field', async () => {
    await core.call('people.save', { firstName: 'Ann', emails: [{ email: 'ann@example.org', primary: true }] });
    const r = await core.registry.invoke('people.save', { firstName: 'Bo', emails: [{ email: 'bo@example.org', primary: true }, { email: 'ANN@example.org', primary: false }] });
    expect(r).toMatchObject({ ok: false, error: { code: 'email_taken', issues: [{ path: 'emails.1.email' }] } });
  });

  it('writes readable organisation kinds in the CSV export', async () => {
    const org = (await core.call('organisations.list', { query: 'raad voor' }))[0]!;
    await core.call('people.save', { firstName: 'Kim', organisationId: org.id });
    expect((await core.call('people.exportCsv', {})).csv).toContain('Raad voor de Kinderbescherming;Raad voor de Kinderbescherming');
  });
});

describe('command input', () => {
  it('refuses a misspelt or unknown field and names it, instead of dropping it', async () => {
    const nl = failed(await core.registry.invoke('people.save', { firstName: 'Ann', lastname: 'Jansen' }, 'nl'));
    expect(nl.code).toBe('invalid_input');
    expect(nl.message).toContain('Onbekend veld: "lastname"');
    const en = failed(await core.registry.invoke('organisations.save', { name: 'X', kind: 'gemeente', domain: 'overig', webiste: 'https://x.nl' }, 'en'));
    expect(en.message).toContain('Unknown field: "webiste"');
    const nested = failed(await core.registry.invoke('people.save', { firstName: 'Ann', emails: [{ email: 'ann@example.org', primary: true, primair: true }] }, 'nl'));
    expect(nested.message).toContain('"primair"');
    expect(failed(await core.registry.invoke('app.info', { extra: 1 }, 'nl')).message).toContain('"extra"');
    expect((await core.call('people.search', {})).total).toBe(0);
  });

  it('refuses line breaks, NUL and other control characters in names, lists and subjects, in Dutch and English', async () => {
    const org = await core.call('organisations.save', { name: 'Gemeente Proefdorp', kind: 'gemeente', domain: 'overig' });
    for (const bad of ['Ann\nJansen', 'Ann\rBcc: x@example.org', 'Ann\u0000', 'Ann\u001b[31m', 'Ann\u2028Jansen', 'Ann\u0085']) {
      const person = failed(await core.registry.invoke('people.save', { firstName: bad }, 'nl'));
      expect(person.issues, JSON.stringify(bad)).toEqual([{ path: 'firstName', message: 'Alleen één regel tekst: geen regeleinde of ander besturingsteken.' }]);
    }
    expect(failed(await core.registry.invoke('organisations.save', { id: org.id, name: 'Gemeente\nProefdorp', kind: 'gemeente', domain: 'overig' }, 'en')).issues)
      .toEqual([{ path: 'name', message: 'A single line of text only: no line break or other control character.' }]);
    expect(failed(await core.registry.invoke('people.save', { firstName: 'Ann', tags: ['a\nb'] }, 'nl')).issues?.[0]?.path).toBe('tags.0');
    const [pilot] = await core.call('pilots.list', {});
    expect(failed(await core.registry.invoke('pilots.save', { id: pilot!.id, name: 'Pilot\r\nX', region: 'Twente' }, 'nl')).issues?.[0]?.path).toBe('name');
    expect(failed(await core.registry.invoke('lists.save', {
      name: 'Nieuwsbrief\n', purposeText: 'Doel', language: 'nl', lawfulBasis: 'consent', doubleOptIn: false, actor: 'Secretariaat\u0007',
    }, 'nl')).issues?.map((i) => i.path)).toEqual(['actor']);
    const edition = await core.call('newsletter.editions.create', {});
    const subject = failed(await core.registry.invoke('newsletter.editions.save', {
      id: edition.id, revision: edition.revision, content: { ...edition.content, subject: { nl: 'Nieuws\r\nBcc: iedereen@example.org', en: '' } },
    }, 'nl'));
    expect(subject.issues?.[0]?.path).toBe('content.subject.nl');

    expect((await core.call('organisations.get', { id: org.id })).name).toBe('Gemeente Proefdorp');
    expect((await core.call('people.search', {})).total).toBe(0);
    // A tab is allowed in a name; notes keep their line breaks.
    const ok = await core.call('people.save', { firstName: 'Ann\tMarie', notes: 'regel 1\nregel 2' });
    expect((await core.call('people.get', { id: ok.id })).notes).toBe('regel 1\nregel 2');
  });
});
