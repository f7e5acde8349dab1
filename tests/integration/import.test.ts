import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ImportStore } from '../../db/register/import';
import type { ImportPreview, ImportProgress } from '../../electron/commands/contract';
import { createTestCore, type TestCore } from '../helpers/core';

let core: TestCore;
beforeEach(async () => {
  core = await createTestCore();
});
afterEach(async () => {
  await core.dispose();
});

const fixture = (name: string) => readFileSync(path.join(__dirname, '..', 'fixtures', name));
const b64 = (content: string | Buffer) => Buffer.from(content).toString('base64');
const preview = (c: TestCore, fileName: string, content: string | Buffer) =>
  c.call('import.preview', { fileName, contentBase64: b64(content) });

function counts(c: TestCore) {
  const one = (sql: string) => (c.ctx.sqlite.prepare(sql).get() as { n: number }).n;
  return {
    people: one('SELECT count(*) AS n FROM people'),
    emails: one('SELECT count(*) AS n FROM person_emails'),
    tags: one('SELECT count(*) AS n FROM person_tags'),
    organisations: one('SELECT count(*) AS n FROM organisations'),
  };
}

async function findByEmail(c: TestCore, email: string) {
  const { rows } = await c.call('people.search', { query: email });
  expect(rows, email).toHaveLength(1);
  return c.call('people.get', { id: rows[0]!.id });
}

describe('a Dutch Excel file with problems', () => {
  it('previews without writing, reports both bad rows by line and imports the rest', async () => {
    const before = counts(core);
    const p = await preview(core, 'relaties.csv', fixture('excel-nl.csv'));
    expect(p).toMatchObject({
      fileName: 'relaties.csv', encoding: 'windows-1252', delimiter: ';', rowCount: 6, layout: 'generic',
      headers: ['Naam', 'E-mailadres', 'Organisatie', 'Soort organisatie', 'Functie', 'Taal', 'Opmerkingen'],
      suggestedMapping: { fullName: 0, email: 1, organisation: 2, organisationKind: 3, jobTitle: 4, language: 5, notes: 6 },
    });
    expect(p.sampleRows[1]![6]).toBe('Eerste regel\r\ntweede regel; met puntkomma\r\nderde regel met "aanhalingstekens"');

    const report = await core.call('import.validate', { importId: p.importId, mapping: p.suggestedMapping, duplicates: 'skip' });
    expect(report.total).toBe(6);
    expect(report.valid).toBe(4);
    expect(report.toCreate).toBe(4);
    expect(report.invalid).toEqual([
      { line: 6, reasons: ['"sanne.mulder@example" is geen geldig e-mailadres.'] },
      { line: 9, reasons: ['Naam ontbreekt: vul een voornaam, achternaam of volledige naam in.'] },
    ]);
    expect(report.newOrganisations).toEqual([
      { name: 'Jeugdzorg Twente', kind: 'jeugdzorg', kindFromFile: true },
      { name: 'Kennispunt Oost', kind: 'kennispartner', kindFromFile: true },
    ]);
    expect(counts(core)).toEqual(before);

    const result = await core.call('import.commit', { importId: p.importId, mapping: p.suggestedMapping, duplicates: 'skip' });
    expect(result).toEqual({ created: 4, merged: 0, skipped: 0, invalid: 2, organisationsCreated: 2 });
    expect(counts(core).people).toBe(4);

    const jan = await findByEmail(core, 'jan.vanderberg@example.org');
    expect(jan).toMatchObject({ firstName: 'Jan', lastName: 'van der Berg', organisationName: 'Gemeente Enschede', jobTitle: 'Beleidsmedewerker jeugd', language: 'nl' });
    const eva = await findByEmail(core, 'eva.dewit@example.org');
    expect(eva).toMatchObject({ firstName: 'Eva', lastName: 'de Wit', language: 'en', organisationName: 'Jeugdzorg Twente' });
    expect(eva.notes).toContain('tweede regel; met puntkomma');
    expect((await findByEmail(core, 'pieter.jansen@example.org')).notes).toBe('Zaak één');
    const ozlem = await findByEmail(core, 'ozlem yilmaz');
    expect(ozlem.firstName).toBe('Özlem');

    const orgs = await core.call('organisations.list', {});
    expect(orgs.find((o) => o.name === 'Jeugdzorg Twente')).toMatchObject({ kind: 'jeugdzorg', domain: 'zorg', peopleCount: 1 });
    expect(orgs.find((o) => o.name === 'Kennispunt Oost')).toMatchObject({ kind: 'kennispartner' });
    expect(orgs.filter((o) => o.name === 'Gemeente Enschede')).toHaveLength(1);
    // Searchable like people saved by hand, also via the organisation
    expect((await core.call('people.search', { query: 'jeugdzorg twente' })).total).toBe(1);
    expect((await core.call('people.search', { query: 'berg' })).rows.map((r) => r.name)).toContain('Jan van der Berg');

    expect(await core.call('import.progress', { importId: p.importId })).toEqual({ phase: 'done', done: 4, total: 4 });
    await expect(core.call('import.commit', { importId: p.importId, mapping: p.suggestedMapping })).rejects.toThrow(/al geïmporteerd/);
    expect(counts(core).people).toBe(4);
  });

  it('refuses a line break inside a name or another one-line field, and keeps it in the notes', async () => {
    const csv = 'Voornaam;Achternaam;E-mailadres;Organisatie;Opmerkingen\r\n"Anna\r\nMaria";Bos;anna.bos@example.org;Gemeente Ede;\r\n'
      + 'Piet;Vos;piet.vos@example.org;"Gemeente\u000bEde";\r\nKees;Smit;kees.smit@example.org;Gemeente Ede;"eerste regel\r\ntweede regel"\r\n';
    const p = await preview(core, 'regeleinden.csv', Buffer.from(csv, 'utf8'));
    const report = await core.call('import.validate', { importId: p.importId, mapping: p.suggestedMapping, duplicates: 'skip' });
    expect(report.valid).toBe(1);
    expect(report.invalid).toEqual([
      { line: 2, reasons: ['Voornaam bevat een regeleinde of een ander stuurteken; dat mag alleen in de notities.'] },
      { line: 4, reasons: ['Organisatie bevat een regeleinde of een ander stuurteken; dat mag alleen in de notities.'] },
    ]);
  });

  it('gives the reasons in English when asked, and checks kinds and languages', async () => {
    const csv = 'naam;e-mail;organisatie;soort;taal\nAda Peters;ada@example.org;Bakkerij Peters;Bakkerij;Frans\nBob Kok;bob@example.org;OM Zwolle;Openbaar Ministerie;English\n';
    const p = await preview(core, 'x.csv', csv);
    const mapping = { fullName: 0, email: 1, organisation: 2, organisationKind: 3, language: 4 };
    const en = await core.call('import.validate', { importId: p.importId, mapping, lang: 'en' });
    expect(en.invalid).toEqual([{ line: 2, reasons: [expect.stringMatching(/^Unknown kind of organisation "Bakkerij"/), 'Unknown language "Frans": use nl or en (or leave empty).'] }]);
    const nl = await core.call('import.validate', { importId: p.importId, mapping });
    expect(nl.invalid[0]!.reasons[1]).toBe('Onbekende taal "Frans": gebruik nl of en (of laat leeg).');
    expect(nl.newOrganisations).toEqual([{ name: 'OM Zwolle', kind: 'om', kindFromFile: true }]);
    await core.call('import.commit', { importId: p.importId, mapping });
    expect((await core.call('organisations.list', { query: 'om zwolle' }))[0]).toMatchObject({ kind: 'om', domain: 'strafrechtketen' });
    expect((await findByEmail(core, 'bob@example.org')).language).toBe('en');
  });

  it('rejects a mapping without a name and a column that does not exist', async () => {
    const p = await preview(core, 'x.csv', 'naam,email\nA B,a@example.org\n');
    await expect(core.call('import.validate', { importId: p.importId, mapping: { email: 1 } })).rejects.toMatchObject({ code: 'mapping_name_required' });
    await expect(core.call('import.validate', { importId: p.importId, mapping: { fullName: 0, email: 7 } })).rejects.toMatchObject({ code: 'invalid_mapping' });
  });

  it('refuses files that are not CSV, with a message that says what to do', async () => {
    await expect(preview(core, 'x.xlsx', Buffer.from([0x50, 0x4b, 0x03, 0x04, 0, 0, 1]))).rejects.toMatchObject({ code: 'not_csv' });
    await expect(preview(core, 'x.txt', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('naam\n', 'utf16le')]))).rejects.toMatchObject({ code: 'csv_utf16' });
    await expect(preview(core, 'x.csv', 'naam;notitie\nA;"open\n')).rejects.toMatchObject({ code: 'csv_invalid' });
    await expect(preview(core, 'x.csv', 'naam;email\n')).rejects.toMatchObject({ code: 'csv_empty' });
  });
});

describe('Outlook', () => {
  it('imports a Dutch Outlook export: middle-name prefixes, mobile phone, categories', async () => {
    const p = await preview(core, 'contactpersonen.CSV', fixture('outlook-nl.csv'));
    expect(p).toMatchObject({ encoding: 'windows-1252', delimiter: ',', layout: 'outlook', rowCount: 2 });
    expect(p.headers).toContain('Categorieën');
    const result = await core.call('import.commit', { importId: p.importId, mapping: p.suggestedMapping });
    expect(result).toMatchObject({ created: 2, invalid: 0, organisationsCreated: 0 });
    const noelle = await findByEmail(core, 'noelle.vanderberg@example.org');
    expect(noelle).toMatchObject({
      firstName: 'Noëlle', lastName: 'van der Berg', phone: '06 20000001', organisationName: 'Raad voor de Kinderbescherming',
      jobTitle: 'Raadsonderzoeker', tags: ['Omgevingsadvies'], notes: 'Spreekt ook op het thema Nazorg',
    });
    const rene = await findByEmail(core, 'rene.smit@example.org');
    expect(rene).toMatchObject({ firstName: 'René', phone: '038 0000003', organisationName: 'Talentstad', tags: ['Onderwijs', 'VIOS'] });
    expect((await core.call('people.search', { query: 'noelle berg' })).total).toBe(1);
  });

  it('imports an English Outlook export with two addresses per person', async () => {
    const p = await preview(core, 'contacts.csv', fixture('outlook-en.csv'));
    expect(p).toMatchObject({ encoding: 'utf-8', layout: 'outlook', rowCount: 2 });
    await core.call('import.commit', { importId: p.importId, mapping: p.suggestedMapping });
    const fleur = await findByEmail(core, 'fleur.bakker@example.org');
    expect(fleur.emails).toEqual([{ email: 'fleur.bakker@example.org', primary: true }, { email: 'f.bakker@example.com', primary: false }]);
    expect(fleur).toMatchObject({ phone: '06 10000001', organisationName: 'Gemeente Almelo', tags: ['Klankbord', 'Vroegsignalering'], notes: 'Eerste contact\r\nop de programmadag' });
    expect((await findByEmail(core, 'tom.visser@example.org')).organisationName).toBe('Politie Oost-Nederland');
  });
});

describe('duplicates', () => {
  let existingId: number;
  const csv = [
    'voornaam;achternaam;e-mail;tweede e-mail;telefoon;functie;tags',
    'Andere;Naam;KIM.DEKKER@example.org;kim@example.com;06 30000001;Teamleider;Klankbord',
    'Lars;Meijer;lars@example.org;;;;',
  ].join('\n');
  beforeEach(async () => {
    ({ id: existingId } = await core.call('people.save', {
      firstName: 'Kim', lastName: 'Dekker', emails: [{ email: 'kim.dekker@example.org', primary: true }], tags: ['pilot'], jobTitle: null,
    }));
  });

  it('lists a duplicate by e-mail, case-insensitive, and skips it', async () => {
    const p = await preview(core, 'x.csv', csv);
    const report = await core.call('import.validate', { importId: p.importId, mapping: p.suggestedMapping, duplicates: 'skip' });
    expect(report.duplicates).toEqual([
      { line: 2, email: 'KIM.DEKKER@example.org', existingPersonId: existingId, inFile: false, name: 'Kim Dekker', organisation: null },
    ]);
    expect(report.toCreate).toBe(1);
    const result = await core.call('import.commit', { importId: p.importId, mapping: p.suggestedMapping, duplicates: 'skip' });
    expect(result).toEqual({ created: 1, merged: 0, skipped: 1, invalid: 0, organisationsCreated: 0 });
    const kim = await core.call('people.get', { id: existingId });
    expect(kim).toMatchObject({ firstName: 'Kim', lastName: 'Dekker', phone: null, jobTitle: null, tags: ['pilot'] });
    expect(kim.emails).toHaveLength(1);
  });

  it('merges: fills empty fields, adds addresses and tags, keeps what was there', async () => {
    const p = await preview(core, 'x.csv', csv);
    const result = await core.call('import.commit', { importId: p.importId, mapping: p.suggestedMapping, duplicates: 'merge' });
    expect(result).toEqual({ created: 1, merged: 1, skipped: 0, invalid: 0, organisationsCreated: 0 });
    const kim = await core.call('people.get', { id: existingId });
    expect(kim).toMatchObject({ firstName: 'Kim', lastName: 'Dekker', phone: '06 30000001', jobTitle: 'Teamleider', tags: ['Klankbord', 'pilot'] });
    expect(kim.emails).toEqual([{ email: 'kim.dekker@example.org', primary: true }, { email: 'kim@example.com', primary: false }]);
    expect((await core.call('people.search', { query: 'kim@example.com' })).rows.map((r) => r.id)).toEqual([existingId]);
    expect((await core.call('people.search', { query: 'teamleider' })).total).toBe(1);
  });

  it('checks again at commit time: a person saved after the preview is not created twice', async () => {
    const p = await preview(core, 'x.csv', 'naam;email\nNina Vos;nina@example.org\nOmar Haddou;omar@example.org\n');
    const report = await core.call('import.validate', { importId: p.importId, mapping: p.suggestedMapping, duplicates: 'skip' });
    expect(report).toMatchObject({ toCreate: 2, duplicates: [] });
    const { id } = await core.call('people.save', { firstName: 'Nina', lastName: 'Vos', emails: [{ email: 'Nina@example.org', primary: true }] });
    const result = await core.call('import.commit', { importId: p.importId, mapping: p.suggestedMapping, duplicates: 'skip' });
    expect(result).toMatchObject({ created: 1, skipped: 1 });
    expect((await core.call('people.search', { query: 'nina' })).rows.map((r) => r.id)).toEqual([id]);
  });

  it('finds duplicates within the file and merges or skips them', async () => {
    const file = [
      'naam,email,telefoon,organisatie,tags',
      'Mila de Boer,mila@example.org,,,a',
      'Mila Boer,MILA@example.org,06 40000001,Gemeente Zwolle,b',
      'Mila de Boer,mila@example.org,06 99999999,,a',
    ].join('\r\n');
    for (const mode of ['merge', 'skip'] as const) {
      const c = await createTestCore();
      try {
        const p = await preview(c, 'x.csv', file);
        const report = await c.call('import.validate', { importId: p.importId, mapping: p.suggestedMapping, duplicates: mode });
        expect(report.toCreate).toBe(1);
        // Named after the row they duplicate; when merging, as it will be after the merge.
        const organisation = mode === 'merge' ? 'Gemeente Zwolle' : null;
        expect(report.duplicates).toEqual([
          { line: 3, email: 'MILA@example.org', existingPersonId: null, inFile: true, name: 'Mila de Boer', organisation },
          { line: 4, email: 'mila@example.org', existingPersonId: null, inFile: true, name: 'Mila de Boer', organisation },
        ]);
        const result = await c.call('import.commit', { importId: p.importId, mapping: p.suggestedMapping, duplicates: mode });
        expect(counts(c).people).toBe(1);
        const mila = await findByEmail(c, 'mila@example.org');
        expect(mila.lastName).toBe('de Boer');
        if (mode === 'merge') {
          expect(result).toMatchObject({ created: 1, merged: 2, skipped: 0 });
          expect(mila).toMatchObject({ phone: '06 40000001', organisationName: 'Gemeente Zwolle', tags: ['a', 'b'] });
        } else {
          expect(result).toMatchObject({ created: 1, merged: 0, skipped: 2 });
          expect(mila).toMatchObject({ phone: null, organisationName: null, tags: ['a'] });
        }
      } finally {
        await c.dispose();
      }
    }
  });
});

describe('when there is nothing to write', () => {
  const file = 'naam;email;telefoon\nKim Dekker;kim.dekker@example.org;\nLars Meijer;LARS@example.org;\n';
  beforeEach(async () => {
    const org = await core.call('organisations.save', { name: 'Gemeente Deventer', kind: 'gemeente', domain: 'sociaal_domein' });
    await core.call('people.save', { firstName: 'Kim', lastName: 'Dekker', emails: [{ email: 'kim.dekker@example.org', primary: true }], organisationId: org.id });
    await core.call('people.save', { firstName: 'Lars', lastName: 'Meijer', emails: [{ email: 'lars@example.org', primary: true }] });
  });

  it('says so when every row is a duplicate and skipped, and names the people they match', async () => {
    const p = await preview(core, 'x.csv', file);
    const report = await core.call('import.validate', { importId: p.importId, mapping: p.suggestedMapping, duplicates: 'skip' });
    expect(report).toMatchObject({ total: 2, toCreate: 0, toUpdate: 0 });
    expect(report.duplicates.map((d) => [d.line, d.name, d.organisation])).toEqual([[2, 'Kim Dekker', 'Gemeente Deventer'], [3, 'Lars Meijer', null]]);
  });

  it('counts only the existing people a merge really changes', async () => {
    const p = await preview(core, 'x.csv', file);
    const same = await core.call('import.validate', { importId: p.importId, mapping: p.suggestedMapping, duplicates: 'merge' });
    expect(same).toMatchObject({ toCreate: 0, toUpdate: 0 });
    const before = counts(core);
    expect(await core.call('import.commit', { importId: p.importId, mapping: p.suggestedMapping, duplicates: 'merge' })).toMatchObject({ created: 0, merged: 2 });
    expect(counts(core)).toEqual(before);

    const withPhone = await preview(core, 'y.csv', 'naam;email;telefoon\nKim Dekker;kim.dekker@example.org;06 12345678\nLars Meijer;lars@example.org;\n');
    const report = await core.call('import.validate', { importId: withPhone.importId, mapping: withPhone.suggestedMapping, duplicates: 'merge' });
    expect(report).toMatchObject({ toCreate: 0, toUpdate: 1 });
  });
});

describe('kinds of new organisations', () => {
  const file = [
    'naam,email,organisatie',
    'Anna Jansen,anna@example.org,Gemeente Deventer',
    'Bram Bos,bram@example.org,Politie Noord-Nederland',
    'Carla Smit,carla@example.org,Carmel College Salland',
    'Daan Mulder,daan@example.org,Wijkteam Noord',
    'Eva Visser,eva@example.org,Hogeschool Windesheim',
    'Fleur Boer,fleur@example.org,wijkteam noord',
  ].join('\n');

  it('guesses the kind from the name and saves the kind chosen on the check screen', async () => {
    const p = await preview(core, 'x.csv', file);
    const report = await core.call('import.validate', { importId: p.importId, mapping: p.suggestedMapping });
    expect(report.newOrganisations).toEqual([
      { name: 'Gemeente Deventer', kind: 'gemeente', kindFromFile: false },
      { name: 'Politie Noord-Nederland', kind: 'politie', kindFromFile: false },
      { name: 'Carmel College Salland', kind: 'school', kindFromFile: false },
      { name: 'Wijkteam Noord', kind: 'overig', kindFromFile: false },
      { name: 'Hogeschool Windesheim', kind: 'kennispartner', kindFromFile: false },
    ]);
    const organisationKinds = { 'Wijkteam Noord': 'jeugdzorg', 'Hogeschool Windesheim': 'school' } as const;
    const chosen = await core.call('import.validate', { importId: p.importId, mapping: p.suggestedMapping, organisationKinds });
    expect(chosen.newOrganisations.map((o) => o.kind)).toEqual(['gemeente', 'politie', 'school', 'jeugdzorg', 'school']);

    const result = await core.call('import.commit', { importId: p.importId, mapping: p.suggestedMapping, organisationKinds });
    expect(result).toMatchObject({ created: 6, organisationsCreated: 5 });
    const orgs = new Map((await core.call('organisations.list', {})).map((o) => [o.name, o]));
    expect(orgs.get('Gemeente Deventer')).toMatchObject({ kind: 'gemeente', domain: 'sociaal_domein' });
    expect(orgs.get('Politie Noord-Nederland')).toMatchObject({ kind: 'politie', domain: 'strafrechtketen' });
    expect(orgs.get('Carmel College Salland')).toMatchObject({ kind: 'school', domain: 'onderwijs' });
    expect(orgs.get('Wijkteam Noord')).toMatchObject({ kind: 'jeugdzorg', domain: 'zorg', peopleCount: 2 });
    expect(orgs.get('Hogeschool Windesheim')).toMatchObject({ kind: 'school' });
  });

  it('prefers the kind column of the file over the guess', async () => {
    const p = await preview(core, 'x.csv', 'naam;email;organisatie;soort organisatie\nA Aap;a@example.org;Gemeente Hof;\nB Beer;b@example.org;gemeente hof;Overig\n');
    const report = await core.call('import.validate', { importId: p.importId, mapping: p.suggestedMapping });
    expect(report.newOrganisations).toEqual([{ name: 'Gemeente Hof', kind: 'overig', kindFromFile: true }]);
  });
});

describe('safety', () => {
  it('writes nothing before the commit, and nothing after a discard', async () => {
    const before = counts(core);
    const p = await preview(core, 'x.csv', 'naam;email;organisatie\nA Aap;a@example.org;Nieuwe Organisatie\n');
    await core.call('import.validate', { importId: p.importId, mapping: p.suggestedMapping });
    expect(counts(core)).toEqual(before);
    await core.call('import.discard', { importId: p.importId });
    await expect(core.call('import.commit', { importId: p.importId, mapping: p.suggestedMapping })).rejects.toMatchObject({ code: 'import_expired' });
    expect(counts(core)).toEqual(before);
  });

  it('writes nothing when the database fails halfway, and says at which line', async () => {
    const { id: existingId } = await core.call('people.save', { firstName: 'Bestaand', lastName: 'Persoon', emails: [{ email: 'bestaand@example.org', primary: true }] });
    core.ctx.sqlite.exec(`CREATE TRIGGER fail_halfway BEFORE INSERT ON people WHEN NEW.last_name = 'Kapot'
      BEGIN SELECT RAISE(ABORT, 'test failure'); END`);
    const lines = ['voornaam;achternaam;e-mail;organisatie;telefoon'];
    lines.push('Bestaand;Persoon;bestaand@example.org;Nieuwe Stichting;06 50000000');
    for (let i = 0; i < 6000; i++) lines.push(`Persoon;Nummer ${i};p${i}@example.org;Organisatie ${i % 7};`);
    lines.splice(4500, 0, 'Heel;Kapot;kapot@example.org;;');
    const before = counts(core);
    const p = await preview(core, 'x.csv', lines.join('\n'));
    const failure = await core.registry.invoke('import.commit', { importId: p.importId, mapping: p.suggestedMapping, duplicates: 'merge' });
    expect(failure).toEqual({ ok: false, error: { code: 'import_failed', message: 'Het importeren is mislukt bij regel 4501. Er is niets opgeslagen.' } });
    expect(counts(core)).toEqual(before);
    expect(await core.call('people.get', { id: existingId })).toMatchObject({ phone: null, organisationId: null });
    expect((await core.call('import.progress', { importId: p.importId })).phase).toBe('failed');
    // The connection is usable again and the same import can be retried once the cause is gone.
    core.ctx.sqlite.exec('DROP TRIGGER fail_halfway');
    const result = await core.call('import.commit', { importId: p.importId, mapping: p.suggestedMapping, duplicates: 'merge' });
    expect(result).toMatchObject({ created: 6001, merged: 1, organisationsCreated: 8 });
  });

  it('reports progress while the commit runs and answers other commands afterwards', async () => {
    const lines = ['naam,email'];
    for (let i = 0; i < 12000; i++) lines.push(`Persoon ${i},p${i}@example.org`);
    const p: ImportPreview = await preview(core, 'x.csv', lines.join('\n'));
    const seen: ImportProgress[] = [];
    let finished = false;
    const commit = core.call('import.commit', { importId: p.importId, mapping: p.suggestedMapping }).finally(() => {
      finished = true;
    });
    let search: Promise<{ total: number }> | undefined;
    while (!finished) {
      const progress = await core.call('import.progress', { importId: p.importId });
      seen.push(progress);
      // A search started while rows are being written waits for the commit and then sees every row.
      if (progress.phase === 'writing' && !search) search = core.call('people.search', { query: 'persoon' });
      await new Promise((r) => setImmediate(r));
    }
    await commit;
    expect(seen.some((s) => s.phase === 'writing' && s.done > 0 && s.done < s.total)).toBe(true);
    expect(search).toBeDefined();
    expect((await search!).total).toBe(12000);
    expect(await core.call('import.progress', { importId: p.importId })).toEqual({ phase: 'done', done: 12000, total: 12000 });
  });
});

describe('round trip', () => {
  it("re-imports Schakel's own export", async () => {
    const org = await core.call('organisations.save', { name: 'Gemeente Hengelo', kind: 'gemeente', domain: 'sociaal_domein', region: 'Twente' });
    const halt = (await core.call('organisations.list', { query: 'halt' }))[0]!;
    await core.call('people.save', {
      firstName: 'Zoë', lastName: "Huis in 't Veld", organisationId: org.id, language: 'en', tags: ['klankbord', 'pilot vroeg'],
      emails: [{ email: 'zoe@example.org', primary: true }, { email: 'z.huis@example.com', primary: false }, { email: 'zh@example.org', primary: false }],
      phone: '+31 6 00000001', jobTitle: 'Beleidsadviseur; jeugd', notes: 'wordt niet geëxporteerd',
      owner: 'Marieke Jansen', power: 4, interest: 2,
    });
    await core.call('people.save', { firstName: 'Hamza', lastName: 'El Idrissi', organisationId: halt.id, emails: [{ email: 'hamza@example.org', primary: true }] });
    await core.call('people.save', { firstName: 'Formule', lastName: '=1+1' });
    const { csv } = await core.call('people.exportCsv', {});

    const target = await createTestCore();
    try {
      const p = await preview(target, 'schakel-mensen.csv', csv);
      expect(p).toMatchObject({ layout: 'schakel', encoding: 'utf-8', delimiter: ';', rowCount: 3 });
      const result = await target.call('import.commit', { importId: p.importId, mapping: p.suggestedMapping });
      expect(result).toEqual({ created: 3, merged: 0, skipped: 0, invalid: 0, organisationsCreated: 1 });
      const strip = (d: Awaited<ReturnType<typeof findByEmail>>) => ({
        firstName: d.firstName, lastName: d.lastName, emails: d.emails, phone: d.phone, organisationName: d.organisationName,
        jobTitle: d.jobTitle, language: d.language, tags: d.tags, owner: d.owner, power: d.power, interest: d.interest,
      });
      for (const email of ['zoe@example.org', 'hamza@example.org']) {
        expect(strip(await findByEmail(target, email))).toEqual(strip(await findByEmail(core, email)));
      }
      const formula = (await target.call('people.search', { query: 'formule' })).rows[0]!;
      expect(formula.name).toBe('Formule =1+1');
      expect((await target.call('organisations.list', { query: 'hengelo' }))[0]).toMatchObject({ kind: 'gemeente' });

      // The same file into the register it came from: everyone is a duplicate.
      const again = await preview(core, 'schakel-mensen.csv', csv);
      const report = await core.call('import.validate', { importId: again.importId, mapping: again.suggestedMapping, duplicates: 'merge' });
      expect(report.duplicates).toHaveLength(2);
      expect(report.toCreate).toBe(1); // the person without an address cannot be recognised
      expect(report.newOrganisations).toEqual([]);
      expect(await findByEmail(target, 'zoe@example.org')).toMatchObject({ owner: 'Marieke Jansen', power: 4, interest: 2 });
    } finally {
      await target.dispose();
    }
  });

  it('reports an influence or interest outside 1–5 with its line, and fills them in on a merge', async () => {
    await core.call('people.save', { firstName: 'Anouk', lastName: 'de Vries', emails: [{ email: 'anouk@example.org', primary: true }] });
    const csv = 'voornaam;achternaam;e-mail;relatiebeheerder;invloed;belang\r\nAnouk;de Vries;anouk@example.org;Joost;5;3\r\nBram;Smit;bram@example.org;;hoog;2\r\n';
    const p = await preview(core, 'stakeholders.csv', csv);
    expect(p.suggestedMapping).toMatchObject({ owner: 3, power: 4, interest: 5 });
    const report = await core.call('import.validate', { importId: p.importId, mapping: p.suggestedMapping, duplicates: 'merge' });
    expect(report.invalid).toEqual([{ line: 3, reasons: ['Invloed "hoog" moet een getal van 1 tot en met 5 zijn (of leeg).'] }]);
    const result = await core.call('import.commit', { importId: p.importId, mapping: p.suggestedMapping, duplicates: 'merge' });
    expect(result).toMatchObject({ created: 0, merged: 1, invalid: 1 });
    expect(await findByEmail(core, 'anouk@example.org')).toMatchObject({ owner: 'Joost', power: 5, interest: 3 });
  });
});

describe('the store of parsed files', () => {
  const entry = () => ({
    fileName: 'x.csv', encoding: 'utf-8' as const, delimiter: ',' as const, headers: ['naam'], rows: [['A']], lines: [2],
    guess: { mapping: {}, layout: 'generic' as const }, progress: { phase: 'parsed' as const, done: 1, total: 1 },
    busy: false, committed: null, prepared: null, plan: null,
  });

  const codeOf = (fn: () => unknown) => {
    try {
      fn();
    } catch (error) {
      return (error as { code?: string }).code;
    }
    return 'no error';
  };

  it('keeps a few files, drops the least recently used and the expired ones', () => {
    let now = 0;
    const store = new ImportStore(3, 1000, () => now);
    const a = store.add(entry());
    now = 10;
    const b = store.add(entry());
    now = 20;
    const c = store.add(entry());
    now = 30;
    store.get(a.id);
    const d = store.add(entry());
    expect(codeOf(() => store.get(b.id))).toBe('import_expired');
    expect([a, c, d].map((s) => store.get(s.id).id)).toEqual([a.id, c.id, d.id]);
    expect(a.id).toMatch(/^[0-9a-f]{32}$/);
    now = 2000;
    expect(codeOf(() => store.get(d.id))).toBe('import_expired');
    expect(store.size).toBe(0);
  });

  it('does not drop a file while it is being saved', () => {
    const store = new ImportStore(1, 1000, () => 0);
    const a = store.add(entry());
    a.busy = true;
    expect(codeOf(() => store.add(entry()))).toBe('import_busy');
    expect(codeOf(() => store.delete(a.id))).toBe('import_busy');
    a.busy = false;
    store.add(entry());
    expect(store.size).toBe(1);
  });
});

describe('suppressed addresses', () => {
  it('lists rows whose address is on the suppression list, with line number and reason', async () => {
    await core.call('consent.suppress', { email: 'Weg@Example.org ', reason: 'complaint', actor: 'Secretariaat' });
    const csv = ['Voornaam;Achternaam;E-mail', 'Anna;Aan;anna@example.org', 'Wim;Weg;weg@example.org', 'Bo;Blijft;bo@example.org'].join('\r\n');
    const p = await preview(core, 'lijst.csv', csv);
    const report = await core.call('import.validate', { importId: p.importId, mapping: p.suggestedMapping, duplicates: 'skip' });
    expect(report.suppressed).toEqual([{ line: 3, email: 'weg@example.org', reason: 'Klacht', since: expect.any(String) }]);
    const en = await core.call('import.validate', { importId: p.importId, mapping: p.suggestedMapping, duplicates: 'skip', lang: 'en' });
    expect(en.suppressed[0]?.reason).toBe('Complaint');
    const clean = await preview(core, 'schoon.csv', 'Naam;E-mail\r\nAnna Aan;anna@example.org\r\n');
    expect((await core.call('import.validate', { importId: clean.importId, mapping: clean.suggestedMapping, duplicates: 'skip' })).suppressed).toEqual([]);
  });
});
