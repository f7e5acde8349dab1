import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchBrowser, openApp, screenshot, type AppSession } from '../helpers/browser';

let browser: Browser;
let session: AppSession | null = null;

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

async function open(): Promise<AppSession> {
  session = await openApp(browser, { viewport: { width: 1366, height: 768 } });
  return session;
}

function nav(s: AppSession, name: string) {
  return s.page.getByRole('navigation').getByRole('link', { name, exact: true }).click();
}

async function chooseFile(s: AppSession, name: string, csv: string) {
  await s.page.getByTestId('import-file').setInputFiles({ name, mimeType: 'text/csv', buffer: Buffer.from(csv, 'utf8') });
  await s.page.getByRole('heading', { name }).waitFor();
}

describe('import: kinds of new organisations and a new import from the sidebar', () => {
  it('shows the guessed kind per new organisation, saves the chosen one, and the sidebar starts over', async () => {
    const s = await open();
    const { page, core } = s;
    const csv = [
      'Naam;E-mailadres;Organisatie',
      'Anna Jansen;anna@example.org;Gemeente Deventer',
      'Bram Bos;bram@example.org;Carmel College Salland',
      'Carla Smit;carla@example.org;Wijkteam Noord',
      'Daan Mulder;daan@example.org;Hogeschool Windesheim',
    ].join('\r\n');
    await nav(s, 'Importeren');
    await chooseFile(s, 'organisaties.csv', csv);
    await page.getByRole('button', { name: 'Controleren' }).click();
    const table = page.getByTestId('import-organisations');
    await table.waitFor();
    await expect(page.getByLabel('Soort van Gemeente Deventer').inputValue()).resolves.toBe('gemeente');
    await expect(page.getByLabel('Soort van Carmel College Salland').inputValue()).resolves.toBe('school');
    await expect(page.getByLabel('Soort van Hogeschool Windesheim').inputValue()).resolves.toBe('kennispartner');
    const wijkteam = page.getByLabel('Soort van Wijkteam Noord');
    await expect(wijkteam.inputValue()).resolves.toBe('overig');
    await expect(table.getByRole('row', { name: /Wijkteam Noord/ }).textContent()).resolves.toMatch(/geraden uit de naam/);
    await wijkteam.selectOption({ label: 'Jeugdzorg' });
    await table.scrollIntoViewIfNeeded();
    await screenshot(page, 'import-organisation-kinds');

    await page.getByRole('button', { name: 'Importeren', exact: true }).click();
    await page.getByTestId('import-result').waitFor();
    const orgs = new Map((await core.call('organisations.list', {})).map((o) => [o.name, o.kind]));
    expect(orgs.get('Wijkteam Noord')).toBe('jeugdzorg');
    expect(orgs.get('Carmel College Salland')).toBe('school');
    expect(orgs.get('Hogeschool Windesheim')).toBe('kennispartner');

    await nav(s, 'Importeren');
    await page.getByRole('heading', { name: 'Kies een CSV-bestand' }).waitFor();
    await expect(page.getByTestId('import-result').count()).resolves.toBe(0);
    await screenshot(page, 'import-again-from-sidebar');
    // And the new import works like the first.
    await chooseFile(s, 'tweede.csv', 'Naam;E-mailadres\r\nEva Visser;eva@example.org\r\n');
    await page.getByRole('button', { name: 'Controleren' }).click();
    await page.getByRole('button', { name: 'Importeren', exact: true }).click();
    await page.getByTestId('import-result').waitFor();
    expect((await core.call('app.info', {})).counts.people).toBe(5);
  });
});

describe('import: nothing to write', () => {
  it('says there is nothing to import, names the matched people and offers Klaar', async () => {
    const s = await open();
    const { page, core } = s;
    const [ede] = await core.call('organisations.list', { query: 'Gemeente Ede' });
    await core.call('people.save', { firstName: 'Anna', lastName: 'Jansen', emails: [{ email: 'anna.jansen@example.org', primary: true }], organisationId: ede!.id });
    await core.call('people.save', { firstName: 'Bram', lastName: 'Bos', emails: [{ email: 'bram.bos@example.org', primary: true }] });
    const csv = 'Naam;E-mailadres\r\nAnna Jansen;Anna.Jansen@example.org\r\nBram Bos;bram.bos@example.org\r\nBram Bos;bram.bos@example.org\r\n';

    await nav(s, 'Importeren');
    await chooseFile(s, 'dubbel.csv', csv);
    await page.getByText('Als een e-mailadres al in het register staat of eerder in het bestand voorkomt').waitFor();
    await page.getByRole('button', { name: 'Controleren' }).click();
    const nothing = page.getByTestId('import-nothing');
    await nothing.waitFor();
    await expect(nothing.textContent()).resolves.toMatch(/Er valt niets te importeren/);
    const duplicates = page.getByTestId('import-duplicates').getByRole('listitem');
    await expect(duplicates.nth(0).textContent()).resolves.toMatch(/Regel 2.*staat al in het register: Anna Jansen \(Gemeente Ede\)/);
    await expect(duplicates.nth(1).textContent()).resolves.toMatch(/Regel 3.*staat al in het register: Bram Bos$/);
    await expect(duplicates.nth(2).textContent()).resolves.toMatch(/Regel 4.*komt eerder in het bestand voor: Bram Bos$/);
    await expect(page.getByRole('button', { name: 'Importeren', exact: true }).count()).resolves.toBe(0);
    await screenshot(page, 'import-nothing-to-import');

    // Merging the same details changes nothing either, and says so.
    await page.getByRole('button', { name: 'Terug naar koppelen' }).click();
    await page.getByRole('radio', { name: /Samenvoegen/ }).check();
    await page.getByRole('button', { name: 'Controleren' }).click();
    await expect(nothing.textContent()).resolves.toMatch(/Samenvoegen verandert niets/);
    await expect(page.getByText(/personen op te slaan/).count()).resolves.toBe(0);

    await page.getByRole('button', { name: 'Klaar' }).click();
    await page.getByRole('heading', { name: 'Kies een CSV-bestand' }).waitFor();
    expect((await core.call('app.info', {})).counts.people).toBe(2);

    // A merge that does change someone says how many people it completes.
    await chooseFile(s, 'telefoon.csv', 'Naam;E-mailadres;Telefoon\r\nBram Bos;bram.bos@example.org;06 12345678\r\n');
    await page.getByRole('radio', { name: /Samenvoegen/ }).check();
    await page.getByRole('button', { name: 'Controleren' }).click();
    await page.getByText('Klik op “Importeren” om 1 bestaande persoon aan te vullen.', { exact: false }).waitFor();
    await page.getByRole('button', { name: 'Importeren', exact: true }).click();
    await page.getByTestId('import-result').waitFor();
    const { rows } = await core.call('people.search', { query: 'bram.bos@example.org' });
    expect((await core.call('people.get', { id: rows[0]!.id })).phone).toBe('06 12345678');
  });
});
