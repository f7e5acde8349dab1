import { rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrateToLatest, openDatabase } from '../../db/store/connection';
import { migrations } from '../../db/store/migrations/index';
import { searchPeople } from '../../db/register/people';
import { fold } from '../../db/shared/text';
import { createTestCore, tempDir, type TestCore } from '../helpers/core';

// The type-ahead search uses a trigram index and several query plans (migration 0003); whatever the
// plan, the answer must equal a plain substring filter over people.search_text in name order.

let core: TestCore;
const FIRST = ['Zoë', 'Noël', 'René', 'Özlem', 'Jan', 'Anna', 'Sanne', "D'Arcy", 'Mia_Lou', 'Kees', 'Fleur', 'Björn'];
const LAST = ['de Vries', 'van den Berg', "Huis in 't Veld", 'Yılmaz', 'Jansen', 'Bakker', '100% Smit', 'El Amrani', 'ten Brink', 'Ruïz'];
const ORGS = ['Gemeente Zwolle', 'Politie Oost-Nederland', 'Stichting "Jeugd & Zorg"', 'HALT Twente', 'Kennispunt Twente'];

function rng(seed: number) {
  let s = seed >>> 0;
  return (n: number) => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return (s >>> 8) % n;
  };
}

beforeAll(async () => {
  core = await createTestCore();
  const pick = rng(7);
  const lines = ['voornaam;achternaam;e-mail;organisatie;functie;tags'];
  for (let i = 0; i < 6000; i++) {
    const first = FIRST[pick(FIRST.length)]!;
    const last = LAST[pick(LAST.length)]!;
    const org = ORGS[pick(ORGS.length)]!;
    const tag = pick(3) === 0 ? 'klankbord' : '';
    lines.push([first, last, `p${i}@example.org`, org, pick(2) ? 'Beleidsmedewerker' : 'Wijkagent', tag]
      .map((v) => (/[;"]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v)).join(';'));
  }
  const p = await core.call('import.preview', { fileName: 'x.csv', contentBase64: Buffer.from(lines.join('\n')).toString('base64') });
  await core.call('import.commit', { importId: p.importId, mapping: p.suggestedMapping });
}, 120_000);
afterAll(async () => {
  await core.dispose();
});

function reference(query: string, offset = 0, limit = 100) {
  const terms = fold(query).split(' ').filter(Boolean);
  const where = terms.map(() => `search_text LIKE ? ESCAPE '\\'`).join(' AND ') || '1';
  const args = terms.map((t) => `%${t.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
  const db = core.ctx.sqlite;
  const total = (db.prepare(`SELECT count(*) AS n FROM people WHERE ${where}`).get(...args) as { n: number }).n;
  const ids = (db.prepare(`SELECT id FROM people WHERE ${where} ORDER BY sort_key, id LIMIT ? OFFSET ?`).all(...args, limit, offset) as { id: number }[]).map((r) => r.id);
  return { total, ids };
}

async function check(query: string, offset = 0, limit = 100) {
  const got = await core.call('people.search', { query, offset, limit });
  expect({ total: got.total, ids: got.rows.map((r) => r.id) }, JSON.stringify({ query, offset })).toEqual(reference(query, offset, limit));
}

describe('type-ahead search', () => {
  it('matches a plain substring filter for 1- to 8-character pieces of real search texts', async () => {
    const texts = (core.ctx.sqlite.prepare('SELECT search_text FROM people ORDER BY id').all() as { search_text: string }[]).map((r) => r.search_text);
    const pick = rng(11);
    const queries = new Set<string>(['e', 'x', 'q', 'ex', 'xq', 'zz', 'example', 'exampl', 'van', 'van d', 'de v', 'el am', "'t", "in 't v", '100%', '%', '_', 'mia_', '"jeugd', 'p1@', 'p59', 'yilmaz', 'ruiz', 'özlem', 'ÖZLEM', 'zoë jan']);
    for (let i = 0; i < 150; i++) {
      const text = texts[pick(texts.length)]!;
      const length = 1 + pick(8);
      const start = pick(Math.max(1, text.length - length));
      queries.add(text.slice(start, start + length));
      queries.add(text.slice(-2));
    }
    for (const q of queries) await check(q);
    await check('e', 5950);
    await check('example', 6000);
    await check('van', 200, 50);
    await check('bak', 30, 10);
  });

  it('stays right after saves, renames and deletes', async () => {
    const { rows } = await core.call('people.search', { query: 'p17@example.org' });
    const id = rows[0]!.id;
    const person = await core.call('people.get', { id });
    const { firstName: _f, lastName: _l, name: _n, organisationName: _o, isDemo: _d, pilots: _p, interactions: _i, updatedAt: _u, ...editable } = person;
    await core.call('people.save', { ...editable, id, firstName: 'Quirijn', lastName: 'Xanthopoulos' });
    await check('xanth');
    await check('quirijn xa');
    await check('p17@');
    expect((await core.call('people.search', { query: 'xanthopoulos' })).total).toBe(1);
    const org = (await core.call('organisations.list', { query: 'halt twente' }))[0]!;
    await core.call('organisations.save', { id: org.id, name: 'HALT Qwerty', kind: org.kind, domain: org.domain });
    await check('qwerty');
    await check('halt tw');
    await core.call('people.delete', { id });
    await check('xanth');
    expect((await core.call('people.search', { query: 'xanthopoulos' })).total).toBe(0);
  });

  it('combines the query with filters and other orders', async () => {
    const got = await core.call('people.search', { query: 'van', tag: 'klankbord', sort: 'organisation', limit: 500 });
    const expected = core.ctx.sqlite.prepare(
      `SELECT count(*) AS n FROM people p WHERE p.search_text LIKE '%van%' AND EXISTS (SELECT 1 FROM person_tags t WHERE t.person_id = p.id AND t.tag = 'klankbord')`,
    ).get() as { n: number };
    expect(got.total).toBe(expected.n);
    expect(got.total).toBeGreaterThan(100);
    const kind = await core.call('people.search', { query: 'e', organisationKind: 'gemeente' });
    const expectedKind = core.ctx.sqlite.prepare(
      `SELECT count(*) AS n FROM people p JOIN organisations o ON o.id = p.organisation_id WHERE p.search_text LIKE '%e%' AND o.kind = 'gemeente'`,
    ).get() as { n: number };
    expect(kind.total).toBe(expectedKind.n);
  });
});

describe('migration 0003', () => {
  it('indexes the people who are already in the register', async () => {
    const names = Object.keys(migrations).sort();
    const before = names[names.indexOf('0003_search') - 1]!;
    const dir = tempDir();
    const { db, sqlite, close } = await openDatabase(path.join(dir, 'x.db'), { migrate: false });
    try {
      await migrateToLatest(db, before);
      sqlite.prepare(`INSERT INTO people (first_name, last_name, sort_key, search_text) VALUES ('Wessel', 'Quaak', 'quaak wessel', 'wessel quaak')`).run();
      await migrateToLatest(db);
      expect(sqlite.prepare(`SELECT count(*) FROM people_fts WHERE people_fts MATCH '"quaak"'`).pluck().get()).toBe(1);
      expect((await searchPeople(db, { query: 'quaak' })).rows.map((r) => r.name)).toEqual(['Wessel Quaak']);
      expect((await searchPeople(db, { query: 'ua' })).total).toBe(1);
      await migrateToLatest(db, before);
      const objects = sqlite.prepare(`SELECT name FROM sqlite_master WHERE name LIKE 'people%'`).pluck().all();
      expect(objects).toContain('people_sort');
      expect(objects.filter((n) => String(n).startsWith('people_fts'))).toEqual([]);
    } finally {
      await close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
