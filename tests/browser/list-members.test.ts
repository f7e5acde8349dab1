import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { downloadText, launchBrowser, openApp, screenshot, type AppSession } from '../helpers/browser';

let browser: Browser;
let session: AppSession | null = null;
const ACTOR = 'Sanne Secretariaat';

beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});
afterEach(async () => {
  const problems = session?.problems ?? [];
  await session?.close();
  session = null;
  expect(problems, 'errors in the page').toEqual([]);
});

describe('the subscriber list', () => {
  it('says what to do on an empty list, then searches, filters by status, sorts and exports the view', async () => {
    session = await openApp(browser, { viewport: { width: 1366, height: 768 } });
    const s = session;
    const { page } = s;
    const { id: listId } = await s.core.call('lists.save', {
      name: 'Partneroverleg Twente', purposeText: 'Uitnodigingen en verslagen van het partneroverleg Twente.',
      language: 'nl', lawfulBasis: 'legitimate_interest', doubleOptIn: false, actor: ACTOR,
    });
    await page.evaluate(`window.location.hash = '#/lists'`);
    await page.getByRole('link', { name: 'Partneroverleg Twente' }).click();
    await page.getByText('Nog niemand op deze lijst.').waitFor();
    await page.getByText('Voeg mensen toe vanuit het register of importeer een bestand.').waitFor();
    expect(await page.getByRole('link', { name: 'Bestand importeren' }).count()).toBe(1);

    const people: [string, string, string][] = [
      ['Anna', 'Zwart', 'anna@hengelo.example'], ['Bram', 'Akker', 'bram@enschede.example'], ['Cor', 'Meijer', 'cor@almelo.example'],
    ];
    const ids: number[] = [];
    for (const [first, last, email] of people) {
      const { id } = await s.core.call('people.save', { firstName: first, lastName: last, emails: [{ email, primary: true }] });
      await s.core.call('consent.subscribe', { personId: id, listId, actor: ACTOR });
      ids.push(id);
    }
    await s.core.call('consent.unsubscribe', { personId: ids[2]!, listId, channel: 'phone', actor: ACTOR });
    await page.reload();
    const table = page.getByRole('table', { name: 'Op deze lijst' });
    await table.getByRole('link', { name: 'Anna Zwart' }).waitFor();
    for (const name of ['Naam', 'E-mailadres', 'Status', 'Sinds']) await table.getByRole('columnheader', { name }).waitFor();
    const names = () => table.locator('tbody tr td:first-child a').allTextContents();
    expect(await names()).toEqual(['Bram Akker', 'Cor Meijer', 'Anna Zwart']);

    const counts = page.getByRole('group', { name: 'Toon' });
    await counts.getByRole('button', { name: 'Aangemeld 2' }).waitFor();
    await counts.getByRole('button', { name: 'Afgemeld 1' }).click();
    await expect.poll(names).toEqual(['Cor Meijer']);
    await counts.getByRole('button', { name: 'Iedereen 3' }).click();
    await expect.poll(names).toEqual(['Bram Akker', 'Cor Meijer', 'Anna Zwart']);

    await table.getByRole('button', { name: 'Naam' }).click();
    await expect.poll(names).toEqual(['Anna Zwart', 'Cor Meijer', 'Bram Akker']);
    expect(await table.getByRole('columnheader', { name: 'Naam' }).getAttribute('aria-sort')).toBe('descending');
    await table.getByRole('button', { name: 'E-mailadres' }).click();
    await expect.poll(names).toEqual(['Anna Zwart', 'Bram Akker', 'Cor Meijer']);

    await page.getByRole('searchbox', { name: 'Zoek op naam, adres of organisatie' }).fill('enschede');
    await expect.poll(names).toEqual(['Bram Akker']);
    await counts.getByRole('button', { name: 'Afgemeld 0' }).waitFor();
    await page.getByRole('heading', { level: 2, name: 'Op deze lijst' }).evaluate((el) => el.scrollIntoView());
    await screenshot(page, 'list-members');

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Exporteer CSV' }).click()]);
    const csv = await downloadText(download);
    expect(csv.startsWith('\ufeffnaam;e-mail')).toBe(true);
    expect(csv).toContain('Bram Akker;bram@enschede.example');
    expect(csv).not.toContain('Anna');
  });
});
