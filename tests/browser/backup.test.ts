import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchBrowser, openApp, screenshot, type AppSession, type OpenAppOptions } from '../helpers/browser';
import { tempDir } from '../helpers/core';

let browser: Browser;
let session: AppSession | null = null;
const DAY = 24 * 60 * 60 * 1000;

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

async function open(options: OpenAppOptions): Promise<AppSession> {
  session = await openApp(browser, options);
  return session;
}

function go(s: AppSession, hash: string) {
  return s.page.evaluate(`window.location.hash = ${JSON.stringify(hash)}`);
}

describe('backups in Instellingen', () => {
  it('makes a backup now, lists it, restores it after a change, and warns on the start screen when backups are old', async () => {
    let offset = 0;
    const s = await open({ backup: { auto: false }, now: () => new Date(Date.now() + offset) });
    const { page, core } = s;

    // No backup yet and none scheduled: the start screen says so.
    const notices = page.getByTestId('dashboard-notices');
    await notices.getByText('Er is nog geen reservekopie van de gegevens.').waitFor();

    await core.call('people.save', { firstName: 'Bram', lastName: 'Voor de Kopie', emails: [{ email: 'bram@example.org', primary: true }] });

    await go(s, '#/settings/backups');
    const section = page.getByRole('region', { name: 'Reservekopieën' });
    await section.getByText('Nog geen reservekopie', { exact: true }).waitFor();
    await section.getByRole('button', { name: 'Nu een reservekopie maken' }).click();
    await page.getByRole('status').filter({ hasText: 'Reservekopie gemaakt' }).waitFor();
    const list = page.getByTestId('backup-list');
    await expect.poll(() => list.locator('tbody tr').count()).toBe(1);
    await expect(list.locator('tbody tr').first().textContent()).resolves.toMatch(/Met de hand.*1 persoon · 16 organisaties/s);
    await page.evaluate("document.getElementById('backups-title').scrollIntoView()");
    await screenshot(page, 'settings-backups');

    // A change after the backup.
    await core.call('people.save', { firstName: 'Carla', lastName: 'Na de Kopie', emails: [] });
    expect((await core.call('app.info', {})).counts.people).toBe(2);

    await list.getByRole('button', { name: /^Reservekopie van .* terugzetten$/ }).click();
    const dialog = page.getByRole('dialog', { name: 'Reservekopie terugzetten?' });
    await dialog.getByText('Eerst maakt Schakel automatisch een reservekopie van de gegevens zoals ze nu zijn.').waitFor();
    await screenshot(page, 'backup-restore-dialog');
    await dialog.getByRole('button', { name: 'Ja, terugzetten' }).click();

    // The app reloads and says what came back.
    const result = page.getByTestId('restore-result');
    await result.waitFor({ timeout: 20_000 });
    await expect(result.textContent()).resolves.toMatch(/Nu in Schakel: 1 persoon, /);
    await expect.poll(() => list.locator('tbody tr').count()).toBe(2);
    await expect(list.textContent()).resolves.toMatch(/Vóór terugzetten/);
    await screenshot(page, 'backup-restored');
    expect((await core.call('app.info', {})).counts.people).toBe(1);

    await go(s, '#/people');
    await page.getByTestId('people-total').getByText('1 persoon').waitFor();
    await page.getByRole('link', { name: /Bram Voor de Kopie/ }).waitFor();

    // Three days later without a new backup (on the backend's and the browser's clock): the start screen warns.
    offset = 3 * DAY;
    await page.clock.setFixedTime(Date.now() + offset);
    await page.reload();
    await go(s, '#/');
    await notices.getByText(/De laatste reservekopie is van .*, 3 dagen geleden/).waitFor();
    await screenshot(page, 'start-backup-notice');
    await notices.getByRole('link', { name: 'Bekijken' }).first().click();
    await page.getByRole('heading', { level: 1, name: 'Instellingen' }).waitFor();
  });

  it('moves the backups to another folder and shows a failed backup', async () => {
    const s = await open({ backup: { auto: false } });
    const { page, core } = s;
    const elsewhere = path.join(tempDir('schakel-backups-'), 'Reservekopieën');
    try {
      await core.call('backup.now', {});
      await go(s, '#/settings/backups');
      const section = page.getByRole('region', { name: 'Reservekopieën' });
      await section.getByLabel('Volledig pad van de map').fill(elsewhere);
      await section.getByRole('button', { name: 'Deze map gebruiken' }).click();
      await page.getByRole('status').filter({ hasText: 'De map voor reservekopieën is gewijzigd.' }).waitFor();
      await section.getByText(elsewhere, { exact: true }).waitFor();
      await expect.poll(() => page.getByTestId('backup-list').locator('tbody tr').count()).toBe(1);

      await section.getByLabel('Aantal dagen').fill('10');
      await section.getByRole('button', { name: 'Opslaan' }).click();
      await section.getByText('10 dagen').waitFor();

      // The folder disappears (a stick pulled out): the next backup fails and says why.
      rmSync(elsewhere, { recursive: true, force: true });
      writeFileSync(elsewhere, 'geen map');
      await section.getByRole('button', { name: 'Nu een reservekopie maken' }).click();
      await section.getByRole('alert').filter({ hasText: 'De laatste reservekopie is mislukt' }).waitFor();
      await screenshot(page, 'settings-backup-failed');

      await go(s, '#/');
      await page.getByTestId('dashboard-notices').getByText(/De laatste reservekopie is mislukt:/).waitFor();
    } finally {
      rmSync(path.dirname(elsewhere), { recursive: true, force: true });
    }
  });
});
