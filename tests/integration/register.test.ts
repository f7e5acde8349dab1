import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestCore, type TestCore } from '../helpers/core';

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
    if (!bad.ok) expect(bad.error.message).toMatch(/^Ongeldige invoer/);
    const badEn = await core.registry.invoke('people.save', { firstName: 'X', power: 9 }, 'en');
    if (!badEn.ok) expect(badEn.error.message).toMatch(/^Invalid input/);
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
    expect(nl.ok).toBe(false);
    if (!nl.ok) expect(nl.error.issues).toEqual([{ path: 'name', message: 'Dit veld is verplicht.' }]);
    const en = await core.registry.invoke('organisations.save', { kind: 'gemeente', domain: 'overig' }, 'en');
    if (!en.ok) expect(en.error.issues).toEqual([{ path: 'name', message: 'This field is required.' }]);
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
