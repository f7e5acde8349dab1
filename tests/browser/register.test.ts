import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { serveBrowserMode } from '../../electron/server/http';
import { launchBrowser, openApp, screenshot, STATIC_DIR, type AppSession } from '../helpers/browser';
import { createTestCore } from '../helpers/core';

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

async function open(options: { demo?: boolean } = {}): Promise<AppSession> {
  session = await openApp(browser, options);
  return session;
}

function go(s: AppSession, hash: string) {
  return s.page.evaluate(`window.location.hash = ${JSON.stringify(hash)}`);
}

/** Clicks an item of the sidebar menu. */
function nav(s: AppSession, name: string) {
  return s.page.getByRole('navigation').getByRole('link', { name, exact: true }).click();
}

/** Text of the focused element (the tests are typechecked without DOM types, hence the string). */
function focusedText(s: AppSession): Promise<string> {
  return s.page.evaluate('document.activeElement ? document.activeElement.textContent : ""') as Promise<string>;
}

describe('token gate', () => {
  it('answers / without the token with 401 and nothing of the app', async () => {
    const core = await createTestCore();
    const server = await serveBrowserMode({ registry: core.registry, staticDir: STATIC_DIR });
    try {
      const res = await fetch(`http://127.0.0.1:${server.port}/`);
      const body = await res.text();
      expect(res.status).toBe(401);
      expect(body).not.toMatch(/<script|id="root"|assets\/|Schakel/i);
      const api = await fetch(`http://127.0.0.1:${server.port}/api/invoke`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ name: 'app.info', input: {} }),
      });
      expect(api.status).toBe(401);
    } finally {
      await server.close();
      await core.dispose();
    }
  });

  it('takes the token out of the address bar and keeps working after a reload', async () => {
    const s = await open();
    expect(s.page.url()).not.toContain('token=');
    expect(s.page.url()).not.toContain('code=');
    expect(await s.page.locator('meta[name="schakel-token"]').count()).toBe(0);
    await s.page.reload();
    await expect(s.page.getByRole('heading', { level: 1, name: 'Start' }).isVisible()).resolves.toBe(true);
    await s.page.getByTestId('count-pilots').getByText('4').waitFor();
  });
});

describe('start screen', () => {
  it('offers demo data on an empty register and shows the counts and pilots', async () => {
    const s = await open();
    const { page } = s;
    await page.getByRole('heading', { name: 'Het register is nog leeg' }).waitFor();
    await page.getByText('De demopersonen zijn verzonnen').waitFor();
    await page.getByTestId('dashboard-notices').waitFor();
    await expect(page.getByRole('link', { name: /Vroegsignalering Twente/ }).count()).resolves.toBeGreaterThan(0);
    await screenshot(page, 'start-empty');

    await page.getByRole('button', { name: 'Demogegevens laden' }).click();
    await page.getByRole('status').filter({ hasText: /demopersonen toegevoegd/ }).waitFor();
    await page.getByRole('heading', { name: 'Het register is nog leeg' }).waitFor({ state: 'detached' });
    const people = await page.getByTestId('count-people').locator('.stat-value').textContent();
    expect(Number(people)).toBeGreaterThan(0);
    await screenshot(page, 'start');

    await nav(s, 'Pilots');
    await page.getByRole('heading', { level: 1, name: 'Pilots' }).waitFor();
    await page.getByRole('main').getByRole('link', { name: /Omgevingsadvies 2\.0/ }).waitFor();
    await expect(page.getByRole('main').getByRole('link').count()).resolves.toBe(4);
    await screenshot(page, 'pilots');
  });
});

describe('organisations and people', () => {
  it('creates an organisation and a person, links a pilot role and logs a contact on the timeline', async () => {
    const s = await open();
    const { page } = s;

    await nav(s, 'Organisaties');
    await page.getByRole('link', { name: 'Nieuwe organisatie' }).click();
    await page.getByLabel('Naam').fill('Wijkteam De Horst');
    await page.getByLabel('Soort').selectOption({ label: 'Jeugdzorg' });
    // The domain follows the kind until the user picks one.
    await expect(page.getByLabel('Domein').inputValue()).resolves.toBe('zorg');
    await page.getByLabel('Gemeente').fill('Ede');
    await page.getByLabel('Regio').fill('Gelderland-Midden');
    await page.getByRole('button', { name: 'Opslaan' }).click();
    await page.getByRole('heading', { level: 1, name: 'Wijkteam De Horst' }).waitFor();

    await page.getByRole('link', { name: 'Persoon toevoegen' }).click();
    await page.getByRole('heading', { level: 1, name: 'Nieuwe persoon' }).waitFor();
    await page.getByText('Wijkteam De Horst').waitFor(); // organisation prefilled
    await page.getByLabel('Voornaam').fill('Zoë');
    await page.getByLabel('Achternaam').fill("Huis in 't Veld");
    await page.getByLabel('E-mailadres 1', { exact: true }).fill('zoe.huisintveld@example.org');
    await page.getByRole('button', { name: '+ E-mailadres toevoegen' }).click();
    await page.getByLabel('E-mailadres 2', { exact: true }).fill('z.veld@example.com');
    await page.getByLabel('Functie').fill('Coördinator wijkteam');
    await page.getByLabel('Invloed 4').check({ force: true });
    await page.getByLabel('Belang 5').check({ force: true });
    await page.getByLabel('Labels').fill('klankbordgroep');
    await page.getByLabel('Labels').press('Enter');
    await screenshot(page, 'person-edit');
    await page.getByRole('button', { name: 'Opslaan' }).click();

    await page.getByRole('heading', { level: 1, name: "Zoë Huis in 't Veld" }).waitFor();
    await page.getByRole('link', { name: 'zoe.huisintveld@example.org' }).waitFor();
    await page.getByRole('link', { name: 'z.veld@example.com' }).waitFor();
    await page.getByText('klankbordgroep').waitFor();

    // Link to a pilot with a role.
    await page.getByLabel('Koppelen aan pilot').selectOption({ label: 'Omgevingsadvies 2.0' });
    await page.getByLabel('Rol', { exact: true }).selectOption({ label: 'Trekker' });
    await page.getByRole('button', { name: 'Toevoegen' }).click();
    const role = page.getByLabel('Rol in Omgevingsadvies 2.0');
    await role.waitFor();
    await expect(role.inputValue()).resolves.toBe('trekker');

    // Log a contact; Esc closes the dialog without saving, then log it for real.
    await page.getByRole('button', { name: 'Contactmoment vastleggen' }).first().click();
    const dialog = page.getByRole('dialog', { name: 'Contactmoment vastleggen' });
    await dialog.waitFor();
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    await page.getByRole('button', { name: 'Contactmoment vastleggen' }).first().click();
    await dialog.waitFor();
    await dialog.getByText('Telefoongesprek').click();
    await dialog.getByLabel('Datum').fill('2025-03-14');
    await dialog.getByLabel('Samenvatting').fill('Kennismaking over het omgevingsadvies in Ede.');
    await dialog.getByLabel('Omgevingsadvies 2.0').check();
    await screenshot(page, 'interaction-dialog');
    await dialog.getByRole('button', { name: 'Opslaan' }).click();
    await dialog.waitFor({ state: 'hidden' });
    const timeline = page.getByRole('list', { name: 'Contactmomenten' });
    await timeline.getByText('Kennismaking over het omgevingsadvies in Ede.').waitFor();
    await timeline.getByText('Telefoongesprek').waitFor();
    await timeline.getByText('14 maart 2025').waitFor();
    await screenshot(page, 'person');

    // The pilot page lists the person with the role, and the contact on its timeline.
    await page.getByRole('link', { name: 'Omgevingsadvies 2.0' }).first().click();
    await page.getByRole('heading', { level: 1, name: 'Omgevingsadvies 2.0' }).waitFor();
    await expect(page.getByLabel("Rol van Zoë Huis in 't Veld").inputValue()).resolves.toBe('trekker');
    await page.getByRole('list', { name: 'Contactmomenten' }).getByText('Kennismaking over het omgevingsadvies in Ede.').waitFor();
    await screenshot(page, 'pilot');

    // And the organisation page lists the person and the contact.
    await go(s, '#/organisations');
    await page.getByRole('link', { name: 'Wijkteam De Horst' }).click();
    await page.getByRole('link', { name: "Zoë Huis in 't Veld" }).first().waitFor();
    await page.getByText('Kennismaking over het omgevingsadvies in Ede.').waitFor();
    await screenshot(page, 'organisation');
  });

  it('shows server validation errors next to the field', async () => {
    const s = await open();
    const { page } = s;
    await go(s, '#/people/new');
    await page.getByLabel('Voornaam').fill('Test');
    await page.getByLabel('E-mailadres 1', { exact: true }).fill('test@');
    await page.getByRole('button', { name: 'Opslaan' }).click();
    const email = page.getByLabel('E-mailadres 1', { exact: true });
    await expect.poll(() => email.getAttribute('aria-invalid')).toBe('true');
    // The cursor moves to the field with the problem.
    await expect.poll(() => s.page.evaluate('document.activeElement && document.activeElement.id')).toBe('person-email-0');
    const describedBy = await email.getAttribute('aria-describedby');
    await expect(page.locator(`#${describedBy}`).textContent()).resolves.toMatch(/test@/);
    await page.getByRole('alert').waitFor();
    await screenshot(page, 'person-edit-error');
  });

  it('finds people and organisations by part of the name, ignoring diacritics', async () => {
    const s = await open();
    const { page, core } = s;
    const org = await core.call('organisations.save', { name: 'Wijkteam Veluwe', kind: 'jeugdzorg', domain: 'zorg' });
    await core.call('people.save', { firstName: 'Zoë', lastName: "Huis in 't Veld", emails: [{ email: 'zoe@example.org', primary: true }], organisationId: org.id });
    await core.call('people.save', { firstName: 'Zoltan', lastName: 'Huisman', emails: [{ email: 'zoltan@example.org', primary: true }] });
    await core.call('people.save', { firstName: 'Eva', lastName: 'de Vries', emails: [] });

    await page.keyboard.press('Control+k');
    const search = page.getByLabel('Zoek mensen');
    await expect.poll(() => s.page.evaluate('document.activeElement && document.activeElement.id')).toBe('people-search');
    await page.getByTestId('people-total').getByText('3 personen').waitFor();
    await search.fill('zoe huis');
    await page.getByTestId('people-total').getByText('1 persoon').waitFor();
    const list = page.getByRole('list', { name: 'Mensen' });
    await list.getByRole('link', { name: /Zoë Huis in 't Veld/ }).waitFor();
    await expect(list.getByRole('link').count()).resolves.toBe(1);
    await search.fill('');
    await page.getByTestId('people-total').getByText('3 personen').waitFor();
    await screenshot(page, 'people');

    await nav(s, 'Organisaties');
    await page.getByLabel('Zoek organisaties').fill('ede');
    await page.getByRole('link', { name: 'Gemeente Ede' }).waitFor();
    await page.getByLabel('Zoek organisaties').fill('');
    await screenshot(page, 'organisations');
  });

  it('keeps a long list smooth: only the visible rows are in the page, fetched as you scroll', async () => {
    const s = await open();
    const { page, core } = s;
    const rows = ['Voornaam;Achternaam;E-mail'];
    for (let i = 0; i < 50_000; i++) rows.push(`Persoon${String(i).padStart(5, '0')};Lijsttest;p${i}@example.org`);
    const preview = await core.call('import.preview', { fileName: 'veel.csv', contentBase64: Buffer.from(rows.join('\n')).toString('base64') });
    await core.call('import.commit', { importId: preview.importId, mapping: preview.suggestedMapping, duplicates: 'skip' });

    await go(s, '#/people');
    await page.getByTestId('people-total').getByText('50.000 personen').waitFor();
    const list = page.getByRole('list', { name: 'Mensen' });
    expect(await list.getByRole('listitem').count()).toBeLessThan(60);
    await page.locator('.vlist').evaluate((el) => {
      el.scrollTop = el.scrollHeight;
    });
    await list.getByRole('link', { name: /Persoon49999 Lijsttest/ }).waitFor();
    expect(await list.getByRole('listitem').count()).toBeLessThan(60);
    // Keyboard: from a row, End jumps to the last person.
    await page.locator('.vlist').evaluate((el) => {
      el.scrollTop = 0;
    });
    await list.getByRole('link', { name: /Persoon00000 Lijsttest/ }).focus();
    await page.keyboard.press('ArrowDown');
    await expect.poll(() => focusedText(s)).toMatch(/Persoon00001/);
    await page.keyboard.press('End');
    await expect.poll(() => focusedText(s)).toMatch(/Persoon49999/);
  });
});

describe('import wizard', () => {
  it('reports the two bad rows with their line numbers and imports the rest after confirmation', async () => {
    const s = await open();
    const { page, core } = s;
    const csv = [
      'Voornaam;Achternaam;E-mailadres;Organisatie',
      'Anna;Jansen;anna.jansen@example.org;Gemeente Ede',
      'Bram;Bos;bram.bos@example.org;Gemeente Barneveld',
      'Carla;Smit;geen-adres;Gemeente Ede',
      'Daan;Mulder;daan.mulder@example.org;Wijkteam Noord',
      'Eva;Visser;eva@;Gemeente Ede',
      'Fleur;de Boer;fleur.deboer@example.org;',
      'Gijs;Jansen;Anna.Jansen@example.org;Gemeente Ede',
    ].join('\r\n');

    await nav(s, 'Importeren');
    await screenshot(page, 'import');
    await page.getByTestId('import-file').setInputFiles({ name: 'relaties.csv', mimeType: 'text/csv', buffer: Buffer.from(csv, 'utf8') });
    await page.getByRole('heading', { name: 'relaties.csv' }).waitFor();
    await page.getByText('puntkomma (;)').waitFor();
    await expect(page.getByLabel('E-mailadres', { exact: true }).inputValue()).resolves.toBe('2');
    await screenshot(page, 'import-mapping');

    await page.getByRole('button', { name: 'Controleren' }).click();
    const invalid = page.getByTestId('import-invalid');
    await invalid.waitFor();
    await expect(invalid.getByRole('listitem').count()).resolves.toBe(2);
    await expect(invalid.getByRole('listitem').nth(0).textContent()).resolves.toMatch(/Regel 4.*geen-adres/);
    await expect(invalid.getByRole('listitem').nth(1).textContent()).resolves.toMatch(/Regel 6.*eva@/);
    const duplicates = page.getByTestId('import-duplicates');
    await expect(duplicates.getByRole('listitem').count()).resolves.toBe(1);
    await expect(duplicates.textContent()).resolves.toMatch(/Regel 8.*komt eerder in het bestand voor/);
    // Nothing is written before the user confirms.
    expect((await core.call('app.info', {})).counts.people).toBe(0);
    await screenshot(page, 'import-report');

    await page.getByRole('button', { name: 'Importeren', exact: true }).click();
    const result = page.getByTestId('import-result');
    await result.waitFor();
    await expect(result.textContent()).resolves.toMatch(/4\s*Nieuwe mensen/);
    expect((await core.call('app.info', {})).counts.people).toBe(4);
    await screenshot(page, 'import-done');
  });

  it('shows a progress bar while a large import is written', async () => {
    const s = await open();
    const { page, core } = s;
    const rows = ['Naam,E-mail,Organisatie'];
    for (let i = 0; i < 20_000; i++) rows.push(`Groot Bestand ${i},groot${i}@example.org,Organisatie ${i % 40}`);
    await nav(s, 'Importeren');
    await page.getByTestId('import-file').setInputFiles({ name: 'groot.csv', mimeType: 'text/csv', buffer: Buffer.from(rows.join('\n'), 'utf8') });
    await page.getByText('komma (,)').waitFor();
    await page.getByRole('button', { name: 'Controleren' }).click();
    await page.getByTestId('import-report').waitFor();
    await page.getByRole('button', { name: 'Importeren', exact: true }).click();
    await page.getByRole('progressbar', { name: 'Voortgang van de import' }).waitFor();
    await page.getByTestId('import-result').waitFor({ timeout: 30_000 });
    expect((await core.call('app.info', {})).counts.people).toBe(20_000);
  });
});

describe('stakeholder map', () => {
  it('shows the person as a focusable dot that opens the person', async () => {
    const s = await open();
    const { page, core } = s;
    const org = await core.call('organisations.list', { query: 'Gemeente Ede' });
    await core.call('people.save', { firstName: 'Zoë', lastName: "Huis in 't Veld", emails: [], organisationId: org[0]!.id, power: 5, interest: 4 });
    await core.call('people.save', { firstName: 'Ties', lastName: 'Laag', emails: [], power: 1, interest: 2 });
    for (let i = 0; i < 6; i++) await core.call('people.save', { firstName: `Kaart${i}`, lastName: 'Test', emails: [], power: 5, interest: 4 });

    await nav(s, 'Stakeholderkaart');
    const map = page.getByTestId('stakeholder-map');
    await map.waitFor();
    const dot = map.getByRole('link', { name: /Zoë Huis in 't Veld, Gemeente Ede: invloed 5, belang 4/ });
    await dot.waitFor();
    await expect(map.getByRole('link').count()).resolves.toBe(8);
    await page.getByText('Nauw betrekken').first().waitFor();
    await page.getByText('Tevreden houden').first().waitFor();
    await screenshot(page, 'map');

    await dot.focus();
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: "Zoë Huis in 't Veld" }).waitFor();
  });
});

describe('language', () => {
  it('switches to English, remembers it, and shows English labels', async () => {
    const s = await open({ demo: true });
    const { page, core } = s;
    await page.getByRole('button', { name: 'EN', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: 'Home' }).waitFor();
    await page.getByRole('link', { name: 'People', exact: true }).waitFor();
    await expect.poll(async () => (await core.call('app.info', {})).language).toBe('en');
    await screenshot(page, 'start-en');

    await page.reload();
    await nav(s, 'Organisations');
    await page.getByRole('heading', { level: 1, name: 'Organisations' }).waitFor();
    await page.getByRole('cell', { name: 'Municipality' }).first().waitFor();
    await page.getByRole('cell', { name: 'Social domain' }).first().waitFor();
    await nav(s, 'People');
    await page.getByRole('button', { name: 'Export (CSV)' }).waitFor();
    await page.getByLabel('Organisation type').waitFor();
    await screenshot(page, 'people-en');

    // Server messages follow the language too.
    await go(s, '#/people/new');
    await page.getByLabel('First name').fill('Test');
    await page.getByLabel('Email address 1', { exact: true }).fill('test@');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('alert').getByText(/not a valid/i).first().waitFor();

    await go(s, '#/settings');
    await page.getByRole('heading', { level: 1, name: 'Settings' }).waitFor();
    await page.getByText(s.core.dataDir, { exact: true }).waitFor();
    await screenshot(page, 'settings-en');
    await page.getByLabel('Nederlands').check({ force: true });
    await page.getByRole('heading', { level: 1, name: 'Instellingen' }).waitFor();
    await screenshot(page, 'settings');
  });
});

describe('export', () => {
  it('downloads the current selection as CSV', async () => {
    const s = await open({ demo: true });
    const { page } = s;
    await go(s, '#/people');
    await page.getByLabel('Zoek mensen').fill('example.org');
    await page.getByTestId('people-total').getByText(/personen/).waitFor();
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Exporteren (CSV)' }).click()]);
    expect(download.suggestedFilename()).toMatch(/\.csv$/);
    const stream = await download.createReadStream();
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    expect(text).toMatch(/example\.org/);
  });
});
