import type { Browser, BrowserContext, Page } from 'playwright-core';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveBrowserMode, type BrowserServer } from '../../electron/server/http';
import { STATIC_DIR, screenshot } from '../helpers/browser';
import { createTestCore, type TestCore } from '../helpers/core';
import { startGraph, type MsGraph } from '../helpers/ms-graph';
import { GRAPH_RESOURCE, MsIdentity, OUTLOOK_RESOURCE, startIdentity } from '../helpers/ms-identity';
import { createTestCa, type TestCa } from '../helpers/ms-tls';
import { OAuthSmtpServer } from '../helpers/smtp-oauth';
import { CHROMIUM } from '../helpers/system';

const USER = 'secretariaat@jvon.nl';

let ca: TestCa;
let idp: MsIdentity;
let graph: MsGraph;
let smtp: OAuthSmtpServer;
let browser: Browser;
let core: TestCore;
let server: BrowserServer;
let context: BrowserContext;
let page: Page;

beforeAll(async () => {
  ca = createTestCa();
  idp = await startIdentity({ ca });
  graph = await startGraph({ ca, identity: idp });
  smtp = await new OAuthSmtpServer({ ca, identity: idp }).start();
  core = await createTestCore({
    microsoft: {
      authorityHost: idp.origin, fetch: ca.fetch, graphBaseUrl: graph.baseUrl,
      smtp: { host: '127.0.0.1', port: smtp.port, tls: { ca: ca.caPem } },
    },
  });
  await core.call('microsoft.settings.save', { clientId: idp.clientId, tenant: idp.tenant });
  server = await serveBrowserMode({ registry: core.registry, staticDir: STATIC_DIR });
  browser = await chromium.launch({
    executablePath: CHROMIUM.binary,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', `--ignore-certificate-errors-spki-list=${ca.serverSpki}`],
  });
  context = await browser.newContext({ viewport: { width: 1366, height: 768 }, locale: 'nl-NL' });
  page = await context.newPage();
  await page.goto(server.launchUrl());
  await page.getByRole('navigation').waitFor();
});
afterAll(async () => {
  await context?.close();
  await browser?.close();
  await server?.close();
  await core?.dispose();
  await smtp?.stop();
  await graph?.stop();
  await idp?.stop();
  await ca?.close();
});

/** Clicks "Aanmelden met Microsoft" and signs in (as the user would) in the tab that opens. */
async function signInInNewTab(panel: ReturnType<Page['getByTestId']>, username: string): Promise<Page> {
  const [tab] = await Promise.all([context.waitForEvent('page'), panel.getByRole('button', { name: 'Aanmelden met Microsoft' }).click()]);
  await expect.poll(() => tab.title(), { timeout: 10_000 }).toBe('Aanmelden bij je account');
  await tab.getByLabel('E-mail, telefoon of Skype').fill(username);
  await tab.getByRole('button', { name: 'Aanmelden' }).click();
  return tab;
}

describe('Microsoft 365 in the settings (browser mode)', () => {
  it('chooses Microsoft 365, signs in in a new tab, shows the account, and tests SMTP and Graph', async () => {
    await page.evaluate(`window.location.hash = '#/settings?section=smtp'`);
    await page.getByTestId('smtp-form').waitFor();
    await page.getByRole('radio', { name: 'Microsoft 365' }).first().click();
    const panel = page.getByTestId('sending-microsoft');
    await panel.waitFor();
    await expect(page.getByTestId('smtp-form').count()).resolves.toBe(0);
    await expect(panel.getByLabel(/wachtwoord/i).count()).resolves.toBe(0);
    await panel.getByText(/alleen zolang Schakel draait/).waitFor();
    await panel.getByText('Nog niet aangemeld bij Microsoft.').waitFor();

    const tab = await signInInNewTab(panel, USER);
    await tab.getByRole('heading', { name: 'Aangemeld bij Microsoft' }).waitFor();
    await tab.close();
    await expect.poll(() => panel.getByTestId('sending-ms-account').textContent(), { timeout: 15_000 }).toContain(`(${USER})`);

    await expect(panel.getByRole('radio', { name: 'SMTP (aanbevolen als SMTP AUTH aan staat)' }).isChecked()).resolves.toBe(true);
    await panel.getByRole('button', { name: 'Verbinding testen' }).click();
    const result = panel.getByTestId('sending-ms-test-result');
    await expect.poll(() => result.getAttribute('data-ok'), { timeout: 15_000 }).toBe('true');
    expect(smtp.authAttempts.at(-1)).toMatchObject({ method: 'XOAUTH2', user: USER, code: 235 });

    await panel.getByRole('radio', { name: 'Microsoft Graph' }).click();
    await expect.poll(async () => (await core.call('microsoft.status', {})).settings.sendMethod).toBe('graph');
    await panel.getByRole('button', { name: 'Verbinding testen' }).click();
    await expect.poll(() => result.textContent(), { timeout: 15_000 }).toContain('De verbinding werkt');
    expect(await result.getAttribute('data-ok')).toBe('true');
    await screenshot(page, 'settings-microsoft-365');
  });

  it('a tenant without admin consent: the settings show the Dutch admin-consent message', async () => {
    const panel = page.getByTestId('sending-microsoft');
    await panel.getByRole('button', { name: 'Afmelden' }).click();
    await panel.getByText('Nog niet aangemeld bij Microsoft.').waitFor();
    idp.consentMissing.set(OUTLOOK_RESOURCE, 65001);
    idp.consentMissing.set(GRAPH_RESOURCE, 65001);
    try {
      const tab = await signInInNewTab(panel, USER);
      await tab.getByRole('heading', { name: 'Aanmelden niet gelukt' }).waitFor();
      await tab.close();
      const error = panel.getByTestId('sending-ms-signin-error');
      await expect.poll(() => error.textContent(), { timeout: 15_000 }).toContain('De beheerder van je organisatie moet Schakel eerst toestemming geven');
      await panel.getByText('Nog niet aangemeld bij Microsoft.').waitFor();
      await screenshot(page, 'settings-microsoft-365-consent');
    } finally {
      idp.consentMissing.clear();
    }
  });
});
