import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, openApp, screenshot, type AppSession } from '../helpers/browser';
import type { Dovecot } from '../helpers/dovecot';
import { TestMailbox } from '../helpers/inbox';
import { DOVECOT, requireSystem } from '../helpers/system';

requireSystem(DOVECOT);

const FIXTURES = path.join(__dirname, '../fixtures/mail');

describe('the mailbox screens against a real IMAP server (dovecot)', () => {
  let browser: Browser;
  let mailbox: TestMailbox;
  let dovecot: Dovecot;
  let session: AppSession | null = null;

  beforeAll(async () => {
    [browser, mailbox] = await Promise.all([launchBrowser(), TestMailbox.start()]);
    dovecot = mailbox.dovecot;
  }, 30_000);
  afterAll(async () => {
    await browser?.close();
    await mailbox?.stop();
  });
  afterEach(async () => {
    const problems = session?.problems ?? [];
    await session?.close();
    session = null;
    await mailbox.empty('all');
    // A refused call (e.g. a wrong password) logs a failed request in the console: those are expected here.
    expect(problems.filter((p) => !/status of 4\d\d|Failed to load resource/.test(p)), 'errors in the page').toEqual([]);
  });

  /** Two people on two lists (and a namesake of Anna elsewhere); Anna writes in. */
  async function world(s: AppSession) {
    const { core } = s;
    const org = (name: string, kind: string) => core.call('organisations.save', { name, kind, domain: 'sociaal_domein' } as never) as Promise<{ id: number }>;
    const deventer = await org('Wijkteam Deventer-Noord', 'gemeente');
    const zwolle = await org('Wijkteam Zwolle-Zuid', 'gemeente');
    const politie = await org('Politieteam IJsselland-Zuid', 'politie');
    const lists = [];
    for (const name of ['Partners Jeugd en Veiligheid', 'Nieuws pilot Vroegsignalering']) {
      lists.push(await core.call('lists.save', {
        name, purposeText: 'Programmanieuws voor samenwerkingspartners.', language: 'nl', lawfulBasis: 'legitimate_interest', doubleOptIn: false, actor: 'Test',
      }));
    }
    const anna = await core.call('people.save', {
      firstName: 'Anna', lastName: 'Jansen', organisationId: deventer.id, emails: [{ email: 'anna.jansen@example.org', primary: true }],
    });
    await core.call('people.save', { firstName: 'Anna', lastName: 'Jansen', organisationId: zwolle.id, emails: [{ email: 'a.jansen@zwolle.example.nl', primary: true }] });
    const bram = await core.call('people.save', {
      firstName: 'Bram', lastName: 'de Wit', organisationId: politie.id, emails: [{ email: 'bram@example.org', primary: true }],
    });
    for (const person of [anna, bram]) {
      for (const list of lists) {
        await core.call('consent.subscribe', {
          personId: person.id, listId: list.id, consent: { method: 'business_card', evidenceText: 'Visitekaartje, programmadag 2024' }, actor: 'Test',
        });
      }
    }
    return { anna, bram, lists };
  }

  async function fillSettings(page: Page, password: string) {
    await page.evaluate(`window.location.hash = '#/settings?section=inbox'`);
    const form = page.getByTestId('imap-form');
    await form.getByLabel('Server (IMAP)').fill(dovecot.host);
    await form.getByText('Geen', { exact: true }).click();
    await form.getByLabel('Poort').fill(String(dovecot.port));
    await form.getByLabel('Gebruikersnaam').fill(dovecot.user);
    await form.getByLabel('Wachtwoord', { exact: true }).fill(password);
    await form.getByLabel('Controleren elke … minuten').fill('0');
    await form.getByRole('button', { name: 'Opslaan' }).click();
    await page.getByText('Het postvak is opgeslagen.').waitFor();
    return form;
  }

  it('reads the mailbox, puts what it cannot handle up for review, and unsubscribes with one click', async () => {
    const s = (session = await openApp(browser));
    const { page, core } = s;
    const { anna, bram } = await world(s);

    // Settings: fill in the IMAP account in the UI and test it.
    const form = await fillSettings(page, dovecot.password);
    await form.getByText('Er is een wachtwoord bewaard').waitFor();
    const saved = await core.call('inbox.settings.get', {});
    expect(saved).toMatchObject({ host: '127.0.0.1', port: dovecot.port, security: 'none', user: dovecot.user, pollMinutes: 0, passwordSet: true, configured: true });
    await form.getByRole('button', { name: 'Verbinding testen' }).click();
    const result = form.getByTestId('imap-test-result');
    await result.getByText(/^Verbonden\. De map "INBOX"/).waitFor({ timeout: 15_000 });
    await expect(result.getAttribute('data-ok')).resolves.toBe('true');
    await page.locator('#imap-pollMinutes').scrollIntoViewIfNeeded();
    await screenshot(page, 'inbox-settings');
    await page.locator('.toast').waitFor({ state: 'detached' });

    // A Dutch request in free text from Anna's address, and an unsubscribe with a forged code.
    await mailbox.append(
      [
        'From: Anna Jansen <anna.jansen@example.org>',
        'To: nieuwsbrief@example.org',
        'Date: Mon, 23 Nov 2026 05:00:00 +0000',
        'Subject: Nieuwsbrief',
        'Message-ID: <haal-mij-1@example.org>',
        'MIME-Version: 1.0',
        'Content-Type: text/plain; charset=utf-8',
        '',
        'Goedemorgen,',
        '',
        'Haal mij van de lijst alstublieft. <b>Dank</b> & groet,',
        'Anna',
        '',
      ].join('\n'),
      readFileSync(path.join(FIXTURES, 'unsubscribe-forged.eml'), 'utf8'),
      readFileSync(path.join(FIXTURES, 'out-of-office.eml'), 'utf8'),
    );

    // The mailbox screen: check now.
    await page.getByRole('navigation', { name: 'Hoofdmenu' }).getByRole('link', { name: /^Postvak/ }).click();
    await page.getByRole('heading', { level: 1, name: 'Postvak' }).waitFor();
    await page.getByTestId('inbox-status').getByText('Alleen als je op Nu controleren klikt.').waitFor();
    await page.getByRole('button', { name: 'Nu controleren' }).click();
    const checked = page.getByTestId('inbox-check-result');
    await checked.getByText(/3 berichten bekeken: .*2 naar controle, 1 zonder actie/).waitFor({ timeout: 30_000 });
    await expect(page.getByTestId('inbox-open-count').textContent()).resolves.toBe('2');
    await expect(page.getByTestId('mailbox-nav-badge').textContent()).resolves.toContain('2');

    // Both messages in the queue; Anna recognised, the forger not.
    const annaItem = page.locator('.inbox-list-item', { hasText: 'Anna Jansen' });
    const forgedItem = page.locator('.inbox-list-item', { hasText: 'mallory@example.com' });
    await annaItem.waitFor();
    await forgedItem.getByText('Onbekende afzender').waitFor();
    await screenshot(page, 'inbox-queue');

    await forgedItem.click();
    const detail = page.getByTestId('inbox-item');
    await detail.getByRole('heading', { name: /^Afmelden 1\.1\./ }).waitFor();
    await detail.getByTestId('inbox-reason').getByText('ongeldige of vervalste code').waitFor();
    await detail.getByText('Onbekende afzender').first().waitFor();
    await detail.getByLabel('Persoon uit het register').waitFor();

    await annaItem.click();
    await detail.getByRole('heading', { name: 'Nieuwsbrief' }).waitFor();
    await detail.getByTestId('inbox-reason').getByText('Lijkt een afmelding, maar zonder geldige afmeldcode').waitFor();
    // The suggested person with organisation and address: not the other Anna Jansen.
    await expect(detail.getByTestId('inbox-person-meta').textContent()).resolves.toContain('Wijkteam Deventer-Noord · anna.jansen@example.org');
    await expect(detail.getByTestId('inbox-body').textContent()).resolves.toContain('Haal mij van de lijst alstublieft. <b>Dank</b> & groet,');
    await expect(detail.getByTestId('inbox-body').locator('b').count()).resolves.toBe(0);
    const personLink = detail.getByTestId('inbox-person').getByRole('link', { name: 'Anna Jansen' });
    await expect(personLink.getAttribute('href')).resolves.toBe(`#/people/${anna.id}`);
    await expect(detail.getByLabel('Verzendlijst').locator('option').count()).resolves.toBe(2);
    await detail.getByLabel('Vastgelegd door').fill('Inge de Vries');
    await screenshot(page, 'inbox-item');

    // The history: also the message Schakel handled by itself, with what it did.
    const history = page.getByTestId('inbox-history');
    await expect.poll(() => history.locator('tbody tr').count()).toBe(3);
    await history.locator('tr[data-outcome="ignored"]').getByText('Niets gedaan (automatisch antwoord).').waitFor();
    const annaLine = history.locator('tr', { hasText: 'Anna Jansen' });
    await annaLine.getByText('Naar controle: Lijkt een afmelding').waitFor();
    await annaLine.getByText('Wijkteam Deventer-Noord').waitFor();
    await expect(annaLine.getByRole('link', { name: 'Anna Jansen' }).getAttribute('href')).resolves.toBe(`#/people/${anna.id}`);
    await history.scrollIntoViewIfNeeded();
    await screenshot(page, 'inbox-history');
    await detail.scrollIntoViewIfNeeded();

    // One click (and a confirmation): unsubscribe from everything.
    await detail.getByRole('button', { name: 'Afmelden voor alles' }).click();
    const dialog = page.getByRole('dialog', { name: 'Afmelden voor alles?' });
    await dialog.getByText(/Anna Jansen wordt afgemeld voor alle verzendlijsten/).waitFor();
    await screenshot(page, 'inbox-confirm');
    await dialog.getByRole('button', { name: 'Afmelden voor alles' }).click();
    await page.getByTestId('inbox-acted').getByText('Anna Jansen is afgemeld voor alle verzendlijsten.').waitFor();
    // Focus moved on to the next message.
    await detail.getByRole('heading', { name: /^Afmelden 1\.1\./ }).waitFor();
    await expect.poll(() => page.evaluate('document.activeElement && document.activeElement.id')).toBe('inbox-item-title');
    await expect.poll(() => page.getByTestId('inbox-open-count').textContent()).toBe('1');

    const consent = await core.call('consent.person', { personId: anna.id });
    expect(consent.subscriptions.map((x) => x.status)).toEqual(['unsubscribed', 'unsubscribed']);
    expect(consent.events.some((e) => e.actor === 'Inge de Vries')).toBe(true);
    await annaLine.getByText('Naar controle (afgehandeld)').waitFor();

    // Afgehandeld.
    await page.getByText('Afgehandeld', { exact: true }).click();
    await annaItem.click();
    const handled = page.getByTestId('inbox-handled');
    await handled.getByText(/Afmelden voor alles door Inge de Vries/).waitFor();
    expect(await page.locator('.inbox-list-item').count()).toBe(1);

    // The person's page shows the unsubscribe.
    await personLinkOnPage(page, anna.id);
    await page.getByRole('heading', { level: 1, name: 'Anna Jansen' }).waitFor();
    await expect.poll(() => page.getByText('Afgemeld', { exact: true }).count()).toBeGreaterThanOrEqual(2);

    // The start screen counts the open message.
    await page.getByRole('navigation', { name: 'Hoofdmenu' }).getByRole('link', { name: 'Start' }).click();
    const notices = page.getByTestId('dashboard-notices');
    await notices.getByText('Er is 1 bericht in het postvak dat je zelf moet bekijken.').waitFor();
    await expect(notices.locator('a[href="#/mailbox"]').count()).resolves.toBe(1);
    await screenshot(page, 'inbox-start');

    // In English.
    await page.getByRole('button', { name: 'EN', exact: true }).click();
    await page.getByRole('navigation', { name: 'Main menu' }).getByRole('link', { name: /^Mailbox/ }).click();
    await page.getByRole('heading', { level: 1, name: 'Mailbox' }).waitFor();
    await page.getByRole('button', { name: 'Check now' }).waitFor();
    await page.getByTestId('inbox-status').getByText('Only when you click Check now.').waitFor();
    await detail.getByTestId('inbox-reason').getByText('invalid or forged code').waitFor();
    await detail.getByRole('button', { name: 'Unsubscribe from everything' }).waitFor();
    await screenshot(page, 'inbox-queue-en');

    // The unknown sender: pick the person from the register, then make an erasure request of the message.
    await detail.getByLabel('Person from the register').fill('Bram');
    await page.getByRole('option', { name: /Bram de Wit/ }).click();
    await detail.getByRole('button', { name: 'Create erasure request' }).click();
    const erase = page.getByRole('dialog', { name: 'Create an erasure request?' });
    // Dated when the mailbox received it, not by the Date: header the sender wrote.
    await erase.getByText(/for Bram de Wit, received on .*unsubscribed from all mailing lists at once/).waitFor();
    await erase.getByRole('button', { name: 'Create erasure request' }).click();
    const acted = page.getByTestId('inbox-acted');
    await acted.getByText('Erasure request for Bram de Wit created. Bram de Wit has been unsubscribed from all mailing lists.').waitFor();
    await page.getByText('Nothing to review').waitFor();
    await expect.poll(() => page.getByTestId('mailbox-nav-badge').count()).toBe(0);
    const requests = await core.call('avg.listRequests', { openOnly: true });
    expect(requests).toHaveLength(1);
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Amsterdam' }).format(new Date());
    expect(requests[0]).toMatchObject({ kind: 'erasure', personId: bram.id, receivedOn: today });
    expect((await core.call('consent.person', { personId: bram.id })).subscriptions.map((x) => x.status)).toEqual(['unsubscribed', 'unsubscribed']);
    await acted.getByRole('link', { name: 'Open request' }).click();
    await page.waitForURL(new RegExp(`#/avg/${requests[0]!.id}$`));
  }, 120_000);

  it('blocks nobody on a bounce without proof, and shows why, whom it suggests and the history', async () => {
    const s = (session = await openApp(browser));
    const { page, core } = s;
    const { bram } = await world(s);
    await fillSettings(page, dovecot.password);
    // A DSN with a guessable row number and an invented Message-ID, naming Bram's address.
    const forged = readFileSync(path.join(FIXTURES, 'exchange-dsn.eml'), 'utf8').replaceAll('JOB_ID', '1').replaceAll('RECIPIENT_ID', '1')
      .replaceAll('ORIGINAL_MESSAGE_ID', 'verzonnen-1@example.org').replaceAll('anna@example.com', 'bram@example.org');
    await mailbox.append(forged);
    await page.evaluate(`window.location.hash = '#/mailbox'`);
    await page.getByRole('button', { name: 'Nu controleren' }).click();
    await page.getByTestId('inbox-check-result').getByText(/1 bericht bekeken: 1 naar controle/).waitFor({ timeout: 30_000 });
    const detail = page.getByTestId('inbox-item');
    await detail.getByTestId('inbox-reason').getByText(/Lijkt een onbestelbaar-melding, maar bewijst niet .* niets geblokkeerd\. Genoemd adres: bram@example\.org/).waitFor();
    await detail.getByText('Schakel denkt dat dit bericht gaat over').waitFor();
    await expect(detail.getByTestId('inbox-person-meta').textContent()).resolves.toContain('Politieteam IJsselland-Zuid · bram@example.org');
    const history = page.getByTestId('inbox-history');
    await history.locator('tr', { hasText: 'Bram de Wit' }).getByText('Naar controle: Lijkt een onbestelbaar-melding').waitFor();
    await screenshot(page, 'inbox-bounce-review');
    expect((await core.call('consent.lookupAddress', { email: 'bram@example.org' })).suppression).toBeNull();
    expect((await core.call('consent.person', { personId: bram.id })).subscriptions.map((x) => x.status)).toEqual(['subscribed', 'subscribed']);

    // The filter: no hard bounce was handled.
    await history.getByLabel('Toon').selectOption('hard_bounce');
    await history.getByText('Nog geen verwerkte berichten.').waitFor();
    await history.getByLabel('Toon').selectOption('review');
    await expect.poll(() => history.locator('tbody tr').count()).toBe(1);

    await page.getByRole('button', { name: 'EN', exact: true }).click();
    await detail.getByTestId('inbox-reason').getByText(/Looks like a bounce, but does not prove/).waitFor();
    await history.getByText('To review: Looks like a bounce').waitFor();
    await screenshot(page, 'inbox-bounce-review-en');
  }, 90_000);

  it('says in plain words when the password is wrong', async () => {
    const s = (session = await openApp(browser));
    const { page } = s;
    // Nothing set up yet: the mailbox screen says so and leads to the settings.
    await page.evaluate(`window.location.hash = '#/mailbox'`);
    await page.getByText('Er is nog geen postvak ingesteld').waitFor();
    await expect(page.getByRole('link', { name: 'Postvak instellen' }).getAttribute('href')).resolves.toBe('#/settings/mailbox');
    // The link opens the mailbox section of the settings, its heading focused, the section marked current.
    await page.getByRole('link', { name: 'Postvak instellen' }).click();
    const heading = page.getByRole('heading', { level: 2, name: 'Postvak', exact: true });
    await heading.waitFor();
    await expect.poll(() => heading.evaluate((el) => el === el.ownerDocument.activeElement)).toBe(true);
    expect(await page.evaluate('window.location.hash')).toBe('#/settings/mailbox');
    const sections = page.getByRole('navigation', { name: 'Onderdelen van de instellingen' });
    await expect(sections.getByRole('link', { name: 'Postvak' }).getAttribute('aria-current')).resolves.toBe('page');
    expect(await page.getByTestId('smtp-form').count()).toBe(0);
    await screenshot(page, 'settings-mailbox');
    await page.evaluate(`window.location.hash = '#/mailbox'`);
    await expect(page.getByRole('button', { name: 'Nu controleren' }).count()).resolves.toBe(0);

    const form = await fillSettings(page, 'fout-wachtwoord');
    await form.getByRole('button', { name: 'Verbinding testen' }).click();
    const result = form.getByTestId('imap-test-result');
    await result.getByText('Geen verbinding').waitFor({ timeout: 15_000 });
    await expect(result.getAttribute('data-ok')).resolves.toBe('false');
    const text = (await result.textContent()) ?? '';
    expect(text).toMatch(/wachtwoord/i);
    expect(text).not.toMatch(/Error:|at \w+ \(|undefined/);

    // The server's objection shows at the field it is about.
    await form.getByLabel('Map voor verwerkte mail').fill('INBOX');
    await form.getByRole('button', { name: 'Opslaan' }).click();
    await form.locator('#imap-processedFolder-error').getByText('Kies een andere map.').waitFor();
    await expect(form.getByLabel('Map voor verwerkte mail').getAttribute('aria-invalid')).resolves.toBe('true');
    await form.getByRole('alert').getByText(/De instellingen zijn niet opgeslagen/).waitFor();
    await screenshot(page, 'inbox-settings-error');

    await page.evaluate(`window.location.hash = '#/mailbox'`);
    await page.getByRole('button', { name: 'Nu controleren' }).click();
    const alert = page.getByTestId('inbox-check-result').getByRole('alert');
    await alert.getByText(/gebruikersnaam of het wachtwoord/).waitFor({ timeout: 15_000 });
    await screenshot(page, 'inbox-wrong-password');
  }, 60_000);
});

async function personLinkOnPage(page: Page, id: number) {
  await page.evaluate(`window.location.hash = '#/people/${id}'`);
}
