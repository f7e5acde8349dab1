import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MicrosoftAuth } from '../../db/mail/microsoft/auth';
import type { MicrosoftAuthError } from '../../db/mail/microsoft/errors';
import { MsIdentity, startIdentity } from '../helpers/ms-identity';
import { createTestCa, type TestCa } from '../helpers/ms-tls';
import { OAuthSmtpServer } from '../helpers/smtp-oauth';
import nodemailer from 'nodemailer';
import { microsoftSmtpOptions } from '../../db/mail/microsoft/endpoints';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

let ca: TestCa;
let idp: MsIdentity;
let browser: Browser;

beforeAll(async () => {
  ca = createTestCa();
  idp = await startIdentity({ ca });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    // Trusts exactly the stand-in's certificate (by its public key); certificate checks stay on for everything else.
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', `--ignore-certificate-errors-spki-list=${ca.serverSpki}`],
  });
});
afterAll(async () => {
  await browser?.close();
  await idp?.stop();
  await ca?.close();
});

/** The app's side: sign-in with openBrowser opening a Chromium tab, as the desktop shell or browser mode would. */
function startSignIn(auth: MicrosoftAuth): { result: Promise<unknown>; page: Promise<Page> } {
  let resolvePage!: (p: Page) => void;
  const page = new Promise<Page>((r) => (resolvePage = r));
  const result = auth
    .signIn({
      resource: 'outlook',
      openBrowser: async (url) => {
        const tab = await browser.newPage();
        await tab.goto(url);
        resolvePage(tab);
      },
    })
    .then((t) => t, (e: unknown) => e);
  return { result, page };
}

describe('Sign in with Microsoft in Chromium (identity stand-in)', () => {
  it('the person signs in on the sign-in page, the app gets the account and sends over XOAUTH2', async () => {
    const auth = new MicrosoftAuth({ clientId: idp.clientId, tenant: idp.tenant, authorityHost: idp.origin, fetch: ca.fetch });
    const { result, page } = startSignIn(auth);
    const tab = await page;
    await expect.poll(() => tab.title()).toBe('Aanmelden bij je account');
    await tab.getByLabel('E-mail, telefoon of Skype').fill('secretariaat@jvon.nl');
    await tab.getByRole('button', { name: 'Aanmelden' }).click();
    await tab.getByRole('heading', { name: 'Aangemeld bij Microsoft' }).waitFor();
    expect(new URL(tab.url()).hostname).toBe('localhost');
    const token = (await result) as Awaited<ReturnType<MicrosoftAuth['signIn']>>;
    expect(token.account.username).toBe('secretariaat@jvon.nl');
    await tab.close();

    const smtp = await new OAuthSmtpServer({ ca, identity: idp }).start();
    try {
      const t = nodemailer.createTransport(microsoftSmtpOptions('secretariaat@jvon.nl', (await auth.getAccessToken('outlook')).accessToken, { host: '127.0.0.1', port: smtp.port, tls: { ca: ca.caPem } }));
      await t.sendMail({ from: 'secretariaat@jvon.nl', to: 'lezer@example.org', subject: 'Test', text: 'Testbericht' });
      t.close();
      expect(smtp.received).toHaveLength(1);
    } finally {
      await smtp.stop();
    }
  });

  it('an unknown account is told so on the page; cancelling there ends the sign-in as cancelled', async () => {
    const auth = new MicrosoftAuth({ clientId: idp.clientId, tenant: idp.tenant, authorityHost: idp.origin, fetch: ca.fetch });
    const { result, page } = startSignIn(auth);
    const tab = await page;
    await tab.getByLabel('E-mail, telefoon of Skype').fill('onbekend@jvon.nl');
    await tab.getByRole('button', { name: 'Aanmelden' }).click();
    await expect.poll(() => tab.getByRole('alert').textContent()).toContain('AADSTS50034');
    await tab.getByRole('button', { name: 'Annuleren' }).click();
    await tab.getByRole('heading', { name: 'Aanmelden niet gelukt' }).waitFor();
    const err = (await result) as MicrosoftAuthError;
    expect(err.code).toBe('ms_sign_in_cancelled');
    expect(err.messages.nl).toContain('afgebroken');
    expect(await auth.accounts()).toEqual([]);
    await tab.close();
  });
});
