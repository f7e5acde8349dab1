import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  decodeCsvBytes, detectDelimiter, guessMapping, guessOrganisationKind, parseCsv, parseLanguage, parseOrganisationKind, splitFullName,
} from '../../db/register/csv';
import { ORGANISATION_KINDS, ORGANISATION_KIND_NAMES } from '../../db/shared/register';

const fixture = (name: string) => readFileSync(path.join(__dirname, '..', 'fixtures', name));
const headersOf = (name: string) => {
  const { text } = decodeCsvBytes(fixture(name));
  return parseCsv(text, detectDelimiter(text)).records[0]!;
};

describe('decoding', () => {
  it('reads UTF-8 with a BOM and drops the BOM', () => {
    const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('voornaam;achternaam\r\nZoë;Brandsma\r\n', 'utf8')]);
    const { text, encoding } = decodeCsvBytes(bytes);
    expect(encoding).toBe('utf-8');
    expect(text.startsWith('voornaam')).toBe(true);
    expect(text).toContain('Zoë');
  });

  it('reads UTF-8 without a BOM', () => {
    const { text, encoding } = decodeCsvBytes(Buffer.from('naam\nRené Noël\n', 'utf8'));
    expect(encoding).toBe('utf-8');
    expect(text).toBe('naam\nRené Noël\n');
  });

  it('falls back to Windows-1252 for bytes that are not UTF-8', () => {
    // "René" and "Noël" as Excel on Windows writes them: é = 0xE9, ë = 0xEB; € = 0x80
    const bytes = Buffer.from([0x52, 0x65, 0x6e, 0xe9, 0x3b, 0x4e, 0x6f, 0xeb, 0x6c, 0x3b, 0x80, 0x0d, 0x0a]);
    const { text, encoding } = decodeCsvBytes(bytes);
    expect(encoding).toBe('windows-1252');
    expect(text).toBe('René;Noël;€\r\n');
  });

  it('decodes the Dutch Outlook export (Windows-1252)', () => {
    const { text, encoding } = decodeCsvBytes(fixture('outlook-nl.csv'));
    expect(encoding).toBe('windows-1252');
    expect(text).toContain('Categorieën');
    expect(text).toContain('Noëlle');
  });
});

describe('delimiter', () => {
  it('detects semicolon, comma and tab from the header line', () => {
    expect(detectDelimiter('voornaam;achternaam;e-mail\r\na,b;c;d\r\n')).toBe(';');
    expect(detectDelimiter('First Name,Last Name,E-mail Address\n')).toBe(',');
    expect(detectDelimiter('Naam\tE-mail\tOrganisatie\n')).toBe('\t');
  });

  it('ignores delimiters inside quotes and looks at the header line only', () => {
    expect(detectDelimiter('"Naam; volledig","E-mail"\n1;2;3;4;5\n')).toBe(',');
    expect(detectDelimiter('"a,b,c,d";"e"\n')).toBe(';');
    expect(detectDelimiter('"Notes\nwith, commas";x;y\n')).toBe(';');
  });

  it('falls back to a comma for a single column', () => {
    expect(detectDelimiter('Naam\nJan\n')).toBe(',');
  });
});

describe('parsing', () => {
  it('keeps quoted newlines in a field and knows the line each record starts on', () => {
    const text = [
      'naam;notities', // 1
      'Jan;"regel een', // 2
      'regel twee', // 3
      'regel drie"', // 4
      'Piet;kort', // 5
      '', // 6 (empty, skipped)
      '"Kees";"a ""quote""\r\nen meer"', // 7-8
      'Els;laatste', // 9
    ].join('\r\n');
    const { records, lines } = parseCsv(text, ';');
    expect(records).toEqual([
      ['naam', 'notities'],
      ['Jan', 'regel een\r\nregel twee\r\nregel drie'],
      ['Piet', 'kort'],
      ['Kees', 'a "quote"\r\nen meer'],
      ['Els', 'laatste'],
    ]);
    expect(lines).toEqual([1, 2, 5, 7, 9]);
  });

  it('counts lines right with Excel line ends (CRLF rows, LF inside cells) and non-ASCII text', () => {
    const text = 'naam,notitie\r\n"Zoë","één\ntwee"\r\nRené,x\r\n\r\n\r\nNoël,y';
    const { records, lines } = parseCsv(text, ',');
    expect(records.map((r) => r[0])).toEqual(['naam', 'Zoë', 'René', 'Noël']);
    expect(lines).toEqual([1, 2, 4, 7]);
  });

  it('handles LF-only and CR-only files and skips rows without any value', () => {
    expect(parseCsv('a,b\n1,2\n,\n3,4\n', ',').lines).toEqual([1, 2, 4]);
    expect(parseCsv('a,b\r1,2\r3,4', ',')).toEqual({ records: [['a', 'b'], ['1', '2'], ['3', '4']], lines: [1, 2, 3] });
  });

  it('reports an unclosed quote as a syntax error', () => {
    expect(() => parseCsv('a;b\n1;"open\n2;3\n', ';')).toThrow();
  });
});

describe('headers', () => {
  it('recognises the English Outlook export', () => {
    const guess = guessMapping(headersOf('outlook-en.csv'));
    const headers = headersOf('outlook-en.csv');
    const col = (h: string) => headers.indexOf(h);
    expect(guess.layout).toBe('outlook');
    expect(guess.mapping).toEqual({
      firstName: col('First Name'), lastName: col('Last Name'), email: col('E-mail Address'), email2: col('E-mail 2 Address'),
      phone: col('Business Phone'), organisation: col('Company'), jobTitle: col('Job Title'), tags: col('Categories'), notes: col('Notes'),
    });
    expect(guess.phoneFallbackColumn).toBe(col('Mobile Phone'));
    expect(guess.middleNameColumn).toBe(col('Middle Name'));
  });

  it('recognises the Dutch Outlook export', () => {
    const headers = headersOf('outlook-nl.csv');
    const col = (h: string) => headers.indexOf(h);
    const guess = guessMapping(headers);
    expect(guess.layout).toBe('outlook');
    expect(guess.mapping).toEqual({
      firstName: col('Voornaam'), lastName: col('Achternaam'), email: col('E-mailadres'), email2: col('E-mailadres 2'),
      phone: col('Telefoon op werk'), organisation: col('Bedrijf'), jobTitle: col('Functie'), tags: col('Categorieën'), notes: col('Notities'),
    });
    expect(guess.phoneFallbackColumn).toBe(col('Mobiele telefoon'));
  });

  it("recognises Schakel's own export", () => {
    const headers = ['voornaam', 'achternaam', 'e-mail', 'overige e-mail', 'telefoon', 'organisatie', 'soort organisatie', 'functie', 'taal', 'tags', 'relatiebeheerder', 'invloed', 'belang'];
    const guess = guessMapping(headers);
    expect(guess.layout).toBe('schakel');
    expect(guess.mapping).toEqual({
      firstName: 0, lastName: 1, email: 2, email2: 3, phone: 4, organisation: 5, organisationKind: 6, jobTitle: 7, language: 8, tags: 9, owner: 10, power: 11, interest: 12,
    });
  });

  it('guesses generic headers by name', () => {
    expect(guessMapping(['Naam', 'E-mail', 'Organisatie', 'Soort organisatie', 'Functie', 'Taal', 'Opmerkingen'])).toEqual({
      layout: 'generic',
      mapping: { fullName: 0, email: 1, organisation: 2, organisationKind: 3, jobTitle: 4, language: 5, notes: 6 },
    });
    const en = guessMapping(['Name', 'Email', 'Organisation', 'Organisation type', 'Phone', 'Region']);
    expect(en.mapping).toEqual({ fullName: 0, email: 1, organisation: 2, organisationKind: 3, phone: 4, region: 5 });
    const loose = guessMapping(['Volledige naam', 'E-mailadres werk', 'Telefoonnummer mobiel', 'Naam organisatie']);
    expect(loose.mapping).toEqual({ fullName: 0, email: 1, phone: 2, organisation: 3 });
  });
});

describe('names', () => {
  it.each([
    ['Jan van der Berg', 'Jan', 'van der Berg'],
    ['Jan Willem de Vries', 'Jan Willem', 'de Vries'],
    ["Sylvia Huis in 't Veld", 'Sylvia', "Huis in 't Veld"],
    ['Anna Maria Jansen', 'Anna Maria', 'Jansen'],
    ['  Eva   de   Wit ', 'Eva', 'de Wit'],
    ['Berg, Jan van der', 'Jan', 'van der Berg'],
    ['van der Berg, Jan', 'Jan', 'van der Berg'],
    ['van Dijk', '', 'van Dijk'],
    ['Bakker', '', 'Bakker'],
    ['Noëlle ten Brink', 'Noëlle', 'ten Brink'],
    ['', '', ''],
  ])('splits "%s"', (full, firstName, lastName) => {
    expect(splitFullName(full)).toEqual({ firstName, lastName });
  });
});

describe('values', () => {
  it('accepts kinds of organisation as codes and Dutch or English labels', () => {
    expect(parseOrganisationKind('Gemeente')).toBe('gemeente');
    expect(parseOrganisationKind('POLITIE')).toBe('politie');
    expect(parseOrganisationKind('Openbaar Ministerie')).toBe('om');
    expect(parseOrganisationKind('OM')).toBe('om');
    expect(parseOrganisationKind('Raad voor de Kinderbescherming')).toBe('raad_kinderbescherming');
    expect(parseOrganisationKind('raad_kinderbescherming')).toBe('raad_kinderbescherming');
    expect(parseOrganisationKind('Jeugdbescherming')).toBe('jeugdbescherming');
    expect(parseOrganisationKind('HALT')).toBe('halt');
    expect(parseOrganisationKind('School')).toBe('school');
    expect(parseOrganisationKind('Jeugdzorg')).toBe('jeugdzorg');
    expect(parseOrganisationKind('Kennispartner')).toBe('kennispartner');
    expect(parseOrganisationKind('Overig')).toBe('overig');
    expect(parseOrganisationKind('Overíg')).toBe('overig');
    expect(parseOrganisationKind('Police')).toBe('politie');
    expect(parseOrganisationKind('Bakkerij')).toBeNull();
    // The names the CSV export writes
    for (const kind of ORGANISATION_KINDS) expect(parseOrganisationKind(ORGANISATION_KIND_NAMES[kind])).toBe(kind);
  });

  it('accepts nl/en and their names, empty for the default', () => {
    for (const v of ['nl', 'NL', 'Nederlands', 'Dutch', 'nl-NL']) expect(parseLanguage(v)).toBe('nl');
    for (const v of ['en', 'Engels', 'English', 'en-GB']) expect(parseLanguage(v)).toBe('en');
    expect(parseLanguage('  ')).toBe('');
    expect(parseLanguage('Frans')).toBeNull();
  });
});

describe('guessing the kind of a new organisation from its name', () => {
  const cases: [string, string][] = [
    ['Gemeente Enschede', 'gemeente'],
    ['gemeente Oost Gelre', 'gemeente'],
    ['Politie Oost-Nederland', 'politie'],
    ['Politie eenheid Oost-Nederland, district Twente', 'politie'],
    ['OM Zwolle', 'om'],
    ['Openbaar Ministerie Oost-Nederland', 'om'],
    ['Arrondissementsparket Gelderland', 'om'],
    ['Raad voor de Kinderbescherming', 'raad_kinderbescherming'],
    ['Raad voor de Kinderbescherming regio Oost', 'raad_kinderbescherming'],
    ['HALT Oost-Nederland', 'halt'],
    ['Halt Twente', 'halt'],
    ['Het Stedelijk Lyceum', 'school'],
    ['Carmel College Salland', 'school'],
    ['Basisschool De Regenboog', 'school'],
    ['ROC van Twente', 'school'],
    ['Scholengemeenschap Het Assink', 'school'],
    ['Gymnasium Celeanum', 'school'],
    ['Jeugdzorg Twente', 'jeugdzorg'],
    ['Stichting Jeugdhulp Achterhoek', 'jeugdzorg'],
    ['Jeugdbescherming Overijssel', 'jeugdbescherming'],
    ['William Schrikker Stichting', 'jeugdbescherming'],
    ['Hogeschool Windesheim', 'kennispartner'],
    ['Saxion Hogeschool', 'kennispartner'],
    ['Universiteit Twente', 'kennispartner'],
    ['Radboud Universiteit', 'kennispartner'],
    ['Wijkteam Noord', 'overig'],
    ['Bakkerij Peters', 'overig'],
    ['Stichting Om de Hoek', 'overig'],
    ['Haltestelle Café', 'overig'],
  ];
  it.each(cases)('%s → %s', (name, kind) => {
    expect(guessOrganisationKind(name)).toBe(kind);
  });

  it('always answers one of the register\'s kinds', () => {
    for (const name of ['', '   ', 'ÉÉN', '???', 'Gemeente']) expect(ORGANISATION_KINDS).toContain(guessOrganisationKind(name));
  });
});
