import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestCore, type TestCore } from '../helpers/core';

let core: TestCore;
beforeEach(async () => {
  core = await createTestCore();
});
afterEach(async () => {
  await core.dispose();
});

const ACTOR = 'Secretariaat A';

async function person(first: string, last: string, email: string) {
  const { id } = await core.call('people.save', { firstName: first, lastName: last, emails: [{ email, primary: true }] });
  return id;
}

async function partnersList() {
  const { id } = await core.call('lists.save', {
    name: 'Partners pilot Vroegsignalering', purposeText: 'Uitnodigingen en verslagen voor de partners van de pilot Vroegsignalering.',
    language: 'nl', lawfulBasis: 'legitimate_interest', doubleOptIn: false, actor: ACTOR,
  });
  return id;
}

describe('the subscriber list of a mailing list', () => {
  it('searches, counts per status, filters by status, sorts and pages on the server', async () => {
    const listId = await partnersList();
    const anna = await person('Anna', 'Zwart', 'z-anna@example.org');
    const bram = await person('Bram', 'Akker', 'bram@gemeente.example');
    const cor = await person('Cor', 'Meijer', 'a-cor@example.org');
    for (const p of [anna, bram, cor]) await core.call('consent.subscribe', { personId: p, listId, actor: ACTOR });
    await core.call('consent.unsubscribe', { personId: cor, listId, channel: 'phone', actor: ACTOR });

    const all = await core.call('lists.members', { listId });
    expect(all.counts).toEqual({ pending: 0, subscribed: 2, unsubscribed: 1 });
    expect(all.total).toBe(3);
    expect(all.rows.map((r) => r.name)).toEqual(['Bram Akker', 'Cor Meijer', 'Anna Zwart']);

    const byEmail = await core.call('lists.members', { listId, sort: 'email' });
    expect(byEmail.rows.map((r) => r.email)).toEqual(['a-cor@example.org', 'bram@gemeente.example', 'z-anna@example.org']);
    const byNameDesc = await core.call('lists.members', { listId, sort: 'name', desc: true });
    expect(byNameDesc.rows.map((r) => r.personId)).toEqual([anna, cor, bram]);
    const byStatus = await core.call('lists.members', { listId, sort: 'status' });
    expect(byStatus.rows.map((r) => r.status)).toEqual(['subscribed', 'subscribed', 'unsubscribed']);

    const unsubscribed = await core.call('lists.members', { listId, status: 'unsubscribed' });
    expect(unsubscribed.total).toBe(1);
    expect(unsubscribed.rows.map((r) => r.personId)).toEqual([cor]);
    expect(unsubscribed.counts).toEqual(all.counts);

    const search = await core.call('lists.members', { listId, query: 'gemeente' });
    expect(search.rows.map((r) => r.personId)).toEqual([bram]);
    expect(search.counts).toEqual({ pending: 0, subscribed: 1, unsubscribed: 0 });
    expect((await core.call('lists.members', { listId, query: 'zwa ann' })).rows.map((r) => r.personId)).toEqual([anna]);
    expect((await core.call('lists.members', { listId, query: '100%' })).total).toBe(0);

    const page = await core.call('lists.members', { listId, offset: 1, limit: 1 });
    expect(page.rows.map((r) => r.personId)).toEqual([cor]);
    expect(page.total).toBe(3);
  });

  it('refuses a search with a line break and an unknown sort', async () => {
    const listId = await partnersList();
    await expect(core.call('lists.members', { listId, query: 'a\nb' })).rejects.toMatchObject({ code: 'invalid_input' });
    await expect(core.call('lists.members', { listId, sort: 'phone' as never })).rejects.toMatchObject({ code: 'invalid_input' });
  });

  it('exports the current view as CSV with a BOM and formulas neutralised', async () => {
    const listId = await partnersList();
    const evil = await person('=cmd|', "'/c calc'!A1", 'evil@example.org');
    const plain = await person('Piet', 'Plain', 'piet@example.org');
    const gone = await person('Gijs', 'Weg', 'gijs@example.org');
    for (const p of [evil, plain, gone]) await core.call('consent.subscribe', { personId: p, listId, actor: ACTOR });
    await core.call('consent.unsubscribe', { personId: gone, listId, channel: 'phone', actor: ACTOR });

    const res = await core.call('lists.exportMembers', { listId, status: 'subscribed' });
    expect(res.count).toBe(2);
    expect(res.fileName).toMatch(/\.csv$/);
    expect(res.csv.startsWith('\ufeffnaam;e-mail;organisatie;status;sinds;doelversie\r\n')).toBe(true);
    const lines = res.csv.slice(1).trimEnd().split('\r\n');
    expect(lines).toHaveLength(3);
    expect(lines.some((l) => l.startsWith("'=cmd|"))).toBe(true);
    expect(res.csv).not.toMatch(/(^|[;\n])=cmd/);
    expect(res.csv).not.toContain('gijs@example.org');
    expect(lines.find((l) => l.startsWith('Piet Plain'))).toContain(';aangemeld;');

    const searched = await core.call('lists.exportMembers', { listId, query: 'piet' });
    expect(searched.count).toBe(1);
  });
});
