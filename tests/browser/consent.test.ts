import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Download, Page } from 'playwright-core';
import nodemailer from 'nodemailer';
import { downloadText, launchBrowser, openApp, screenshot, type AppSession, type OpenAppOptions } from '../helpers/browser';

let browser: Browser;
let session: AppSession | null = null;
const DAY = 24 * 60 * 60 * 1000;
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

async function open(options: OpenAppOptions = {}): Promise<AppSession> {
  session = await openApp(browser, options);
  return session;
}

function go(s: AppSession, hash: string) {
  return s.page.evaluate(`window.location.hash = ${JSON.stringify(hash)}`);
}

function nav(s: AppSession, name: string) {
  return s.page.getByRole('navigation').getByRole('link', { name, exact: true }).click();
}

/** Collects the next `n` downloads a click starts. */
async function downloads(page: Page, n: number, click: () => Promise<void>): Promise<Download[]> {
  const seen: Download[] = [];
  const done = new Promise<void>((resolve) => {
    const on = (d: Download) => {
      seen.push(d);
      if (seen.length === n) {
        page.off('download', on);
        resolve();
      }
    };
    page.on('download', on);
  });
  await click();
  await done;
  return seen;
}

async function newsletterId(s: AppSession): Promise<number> {
  const lists = await s.core.call('lists.list', {});
  return lists.find((l) => l.language === 'nl')!.id;
}

describe('consent on the person page', () => {
  it('subscribes with evidence, confirms, unsubscribes in two clicks and exports the proof', async () => {
    const s = await open();
    const { page, core } = s;
    const { id } = await core.call('people.save', {
      firstName: 'Zoë',
      lastName: "Huis in 't Veld",
      emails: [{ email: 'zoe.huisintveld@example.org', primary: true }],
    });
    await go(s, `#/people/${id}`);
    const consent = page.getByRole('region', { name: 'Nieuwsbrieven en toestemming' });
    await consent.getByText('Nog niet aangemeld voor een lijst.').waitFor();

    await consent.getByRole('button', { name: 'Aanmelden' }).click();
    const dialog = page.getByRole('dialog', { name: "Zoë Huis in 't Veld aanmelden" });
    await dialog.waitFor();
    await expect(dialog.getByLabel('Lijst').inputValue()).resolves.toBe(String(await newsletterId(s)));
    // The purpose text the person saw is shown with its version.
    await dialog.getByText(/Je ontvangt de nieuwsbrief van het programma/).waitFor();
    await dialog.getByLabel('Hoe').selectOption({ label: 'Programmadag' });
    await dialog.getByRole('button', { name: 'Aanmelden' }).click();
    // Evidence is required for a consent list.
    await dialog.getByText('Geef bewijs van de toestemming').first().waitFor();
    await dialog.getByLabel('Bewijs: toelichting').fill('Handtekening op de aanmeldlijst van de programmadag in Zwolle.');
    await dialog.getByLabel('Bewijs: bestand of documentnummer').fill('Aanmeldlijst programmadag.pdf, blad 2');
    await dialog.getByLabel('Vastgelegd door').fill(ACTOR);
    await screenshot(page, 'consent-subscribe');
    await dialog.getByRole('button', { name: 'Aanmelden' }).click();
    await dialog.waitFor({ state: 'hidden' });

    const table = consent.getByRole('table', { name: 'Aanmeldingen' });
    await table.getByText('Wacht op bevestiging').waitFor();
    await table.getByRole('button', { name: 'Bevestiging vastleggen' }).click();
    const confirm = page.getByRole('dialog', { name: /Bevestiging vastleggen/ });
    await expect(confirm.getByLabel('Vastgelegd door').inputValue()).resolves.toBe(ACTOR); // remembered
    await confirm.getByLabel('Bewijs: Message-ID van de mail').fill('<bevestiging-123@example.org>');
    await confirm.getByRole('button', { name: 'Bevestiging opslaan' }).click();
    await confirm.waitFor({ state: 'hidden' });
    await table.getByText('Aangemeld', { exact: true }).waitFor();

    const timeline = consent.getByRole('list', { name: 'Tijdlijn van toestemming' });
    await timeline.getByText('Aanmelding bevestigd').waitFor();
    await timeline.getByText(/Handtekening op de aanmeldlijst/).waitFor();
    await timeline.getByText(`vastgelegd door ${ACTOR}`).first().waitFor();
    await expect.poll(async () => (await core.call('consent.mayMail', { personId: id, listId: await newsletterId(s) })).allowed).toBe(true);
    await screenshot(page, 'person-consent');

    // Afmelden: two clicks from the person page.
    await consent.getByRole('button', { name: 'Afmelden', exact: true }).click();
    const out = page.getByRole('dialog', { name: "Zoë Huis in 't Veld afmelden" });
    await out.getByLabel('Nieuwsbrief Jeugd en Veiligheid').waitFor();
    await screenshot(page, 'consent-unsubscribe');
    await out.getByRole('button', { name: 'Afmelden' }).click();
    await out.waitFor({ state: 'hidden' });
    await table.getByText('Afgemeld', { exact: true }).waitFor();
    await timeline.getByText('Afgemeld', { exact: true }).waitFor();
    const verdict = await core.call('consent.mayMail', { personId: id, listId: await newsletterId(s) });
    expect(verdict).toMatchObject({ allowed: false, reason: 'unsubscribed' });

    // Proof: the readable HTML and the JSON, both with the events.
    const privacy = page.getByRole('region', { name: 'Privacy (AVG)' });
    const files = await downloads(page, 2, () => privacy.getByRole('button', { name: 'Bewijs exporteren' }).click());
    const byName = new Map(await Promise.all(files.map(async (d) => [d.suggestedFilename(), await downloadText(d)] as const)));
    const htmlName = [...byName.keys()].find((n) => n.endsWith('.html'));
    const jsonName = [...byName.keys()].find((n) => n.endsWith('.json'));
    expect(htmlName).toMatch(/^bewijs-toestemming-/);
    const html = byName.get(htmlName!)!;
    expect(html).toContain('Handtekening op de aanmeldlijst van de programmadag in Zwolle.');
    expect(html).toContain('zoe.huisintveld@example.org');
    const json = JSON.parse(byName.get(jsonName!)!) as unknown;
    const text = JSON.stringify(json);
    expect(text).toContain('"unsubscribed"');
    expect(text).toContain('"confirmed"');
    expect(text).toContain('<bevestiging-123@example.org>');

    // Access request: everything held on the person, as HTML and JSON.
    const data = await downloads(page, 2, () => privacy.getByRole('button', { name: 'Gegevens opvragen' }).click());
    const names = data.map((d) => d.suggestedFilename()).sort();
    expect(names[0]).toMatch(/^gegevens-\d+-.*\.html$/);
    expect(names[1]).toMatch(/^gegevens-\d+-.*\.json$/);
    const access = await downloadText(data.find((d) => d.suggestedFilename().endsWith('.json'))!);
    expect(access).toContain('zoe.huisintveld@example.org');
    expect(access).toContain('Handtekening op de aanmeldlijst');
  });

  it('erases a person, shows which backups still hold copies, and keeps the address blocked when it is imported again', async () => {
    // Only the backup made below: a daily one made meanwhile would be listed too.
    const s = await open({ backup: { auto: false } });
    const { page, core } = s;
    const { id } = await core.call('people.save', {
      firstName: 'Eva',
      lastName: 'Wisselink',
      phone: '06 1234 5678',
      emails: [{ email: 'eva.wisselink@example.org', primary: true }],
    });
    await core.call('consent.subscribe', {
      personId: id,
      listId: await newsletterId(s),
      consent: { method: 'website_form', evidenceText: 'Formulier op de website' },
      actor: ACTOR,
    });
    await core.call('interactions.create', { kind: 'call', occurredOn: '2025-03-01', summary: 'Gebeld met Eva Wisselink over de pilot.', personIds: [id], organisationIds: [], pilotIds: [] });
    const backup = await core.call('backup.now', {});
    const transport = nodemailer.createTransport({ host: '127.0.0.1', port: await core.services.sending.mailbox.start(), secure: false, ignoreTLS: true });
    await transport.sendMail({ from: 'secretariaat@example.net', to: '"Eva Wisselink" <eva.wisselink@example.org>', subject: 'Nieuwsbrief', text: 'Beste Eva,' });
    transport.close();

    await go(s, `#/people/${id}`);
    const privacy = page.getByRole('region', { name: 'Privacy (AVG)' });
    await privacy.getByRole('button', { name: 'Wissen…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Eva Wisselink wissen' });
    await dialog.getByText('Dit wordt gewist').waitFor();
    await dialog.getByTestId('erase-backups').getByText(/Reservekopie van/).waitFor();
    const erase = dialog.getByRole('button', { name: 'Definitief wissen' });
    expect(await erase.isDisabled()).toBe(true);
    await dialog.getByLabel('Typ WISSEN om te bevestigen').fill('wissen');
    await dialog.getByLabel('Vastgelegd door').fill(ACTOR);
    await screenshot(page, 'erase-dialog');
    await erase.click();

    const done = page.getByRole('dialog', { name: 'Gegevens gewist' });
    const result = done.getByTestId('erase-result');
    await result.getByText('Persoon in het register').waitFor();
    await result.getByText('E-mailadressen').waitFor();
    await expect(result.locator('.count-list li', { hasText: 'Berichten in het testpostvak' }).textContent()).resolves.toMatch(/1$/);
    await result.getByText('1 e-mailadres(sen) blijven geblokkeerd voor mail.').waitFor();
    const expiry = new Date(backup.expiresAt!).getDate();
    await expect(result.getByTestId('erase-backups').textContent()).resolves.toMatch(new RegExp(`verwijderd uiterlijk ${expiry} `));
    await screenshot(page, 'erase-result');
    await done.getByRole('button', { name: 'Sluiten' }).last().click();

    // The test mailbox holds nothing of her, and says how long it keeps messages; that can be changed there.
    await go(s, '#/sending/test-mailbox');
    const keep = page.getByTestId('test-mailbox-keep');
    await keep.getByText('Berichten in het testpostvak worden na 30 dagen automatisch verwijderd.').waitFor();
    expect(await page.getByText('eva.wisselink@example.org').count()).toBe(0);
    await keep.getByLabel('Bewaren (dagen)').fill('7');
    await keep.getByRole('button', { name: 'Opslaan' }).click();
    await keep.getByText('Berichten in het testpostvak worden na 7 dagen automatisch verwijderd.').waitFor();
    await screenshot(page, 'test-mailbox-keep');
    expect((await core.call('sending.testMailbox.list', {})).keepDays).toBe(7);
    await go(s, '#/people');

    // Nothing of the person can be found any more.
    await page.getByRole('heading', { level: 1, name: 'Mensen' }).waitFor();
    for (const query of ['Wisselink', 'eva.wisselink', '1234 5678']) {
      await page.getByLabel('Zoek mensen').fill(query);
      await page.getByText('Niemand gevonden').waitFor();
    }
    await expect(core.call('people.get', { id })).rejects.toThrow();

    // The same address comes back in a CSV import: the person is new, the address stays blocked.
    await page.getByLabel('Zoek mensen').fill('');
    await nav(s, 'Importeren');
    const csv = ['Voornaam;Achternaam;E-mail', 'Eva;Wisselink;eva.wisselink@example.org', 'Piet;Nieuw;piet.nieuw@example.org'].join('\r\n');
    await page.getByTestId('import-file').setInputFiles({ name: 'opnieuw.csv', mimeType: 'text/csv', buffer: Buffer.from(csv, 'utf8') });
    await page.getByRole('button', { name: 'Controleren' }).click();
    await page.getByTestId('import-report').waitFor();
    const blocked = page.getByTestId('import-suppressed');
    await expect(blocked.textContent()).resolves.toMatch(/Regel 2\s*eva\.wisselink@example\.org — Gegevens gewist/);
    await expect(blocked.getByRole('listitem').count()).resolves.toBe(1);
    await screenshot(page, 'import-suppressed');
    await page.getByRole('button', { name: 'Importeren', exact: true }).click();
    await page.getByTestId('import-result').waitFor();

    await nav(s, 'Mensen');
    await page.getByLabel('Zoek mensen').fill('Wisselink');
    await page.getByRole('list', { name: 'Mensen' }).getByRole('link', { name: /Eva Wisselink/ }).click();
    const notice = page.getByTestId('suppression-notice');
    await notice.getByText(/eva\.wisselink@example\.org staat op de afmeldlijst \(gegevens gewist, sinds/).waitFor();
    await screenshot(page, 'person-suppressed');

    // "Why does this address get no mail?" on the Lists screen.
    await nav(s, 'Lijsten');
    await page.getByLabel('E-mail', { exact: true }).fill('eva.wisselink@example.org');
    await page.getByRole('button', { name: 'Opzoeken' }).click();
    await page.getByTestId('lookup-result').getByText(/Dit adres krijgt geen mail: het staat sinds .* op de afmeldlijst \(gegevens gewist\)/).waitFor();
    await screenshot(page, 'lists-lookup');

    // Bulk sign-up of both imported people: one record for the batch; the erased address is refused.
    await nav(s, 'Mensen');
    await page.getByLabel('Zoek mensen').fill('example.org');
    await page.getByTestId('people-total').getByText('2 personen').waitFor();
    await page.getByRole('button', { name: 'Aanmelden voor lijst' }).click();
    await page.getByRole('checkbox', { name: /Piet Nieuw kiezen/ }).check();
    await page.getByRole('status').filter({ hasText: '1 persoon gekozen' }).waitFor();
    await screenshot(page, 'people-select');
    await page.getByRole('button', { name: 'Alle 2 gevonden mensen aanmelden…' }).click();
    const bulk = page.getByRole('dialog', { name: 'Aanmelden voor een lijst' });
    await bulk.getByText(/De 2 mensen die nu gevonden worden/).waitFor();
    await expect(bulk.getByLabel('Hoe').inputValue()).resolves.toBe('import');
    await bulk.getByLabel('Bewijs: toelichting').fill('Aanmeldlijst van de slotbijeenkomst, ingevoerd via import.');
    await bulk.getByRole('button', { name: '2 personen aanmelden' }).click();
    const summary = page.getByRole('dialog', { name: 'Resultaat van de aanmelding' });
    const stats = summary.getByTestId('bulk-result');
    await expect.poll(() => stats.textContent()).toMatch(/1\s*Wachten op bevestiging.*1\s*Op de afmeldlijst/s);
    await summary.getByText('Eva Wisselink').waitFor();
    await screenshot(page, 'people-bulk-result');
  });
});

describe('lists', () => {
  it('creates a list with a lawful basis and keeps the old purpose text as a version', async () => {
    const s = await open();
    const { page } = s;
    await nav(s, 'Lijsten');
    await page.getByRole('link', { name: 'Nieuwsbrief Jeugd en Veiligheid' }).waitFor();
    await screenshot(page, 'lists');

    await page.getByRole('link', { name: 'Nieuwe lijst' }).click();
    await page.getByRole('heading', { level: 1, name: 'Nieuwe lijst' }).waitFor();
    await page.getByLabel('Naam', { exact: true }).fill('Partneroverleg Twente');
    await page.getByRole('textbox', { name: 'Doeltekst' }).fill('Uitnodigingen en verslagen van het partneroverleg over de pilots in Twente.');
    await page.getByLabel(/Gerechtvaardigd belang/).check();
    await page.getByLabel('Vraag om bevestiging per mail (double opt-in)').uncheck();
    await page.getByLabel('Vastgelegd door').fill(ACTOR);
    await screenshot(page, 'list-edit');
    await page.getByRole('button', { name: 'Opslaan' }).click();
    await page.getByRole('heading', { level: 1, name: 'Partneroverleg Twente' }).waitFor();
    await page.getByText('Gerechtvaardigd belang · Nederlands').waitFor();

    await page.getByRole('link', { name: 'Bewerken' }).click();
    await page.getByRole('heading', { level: 1, name: 'Lijst bewerken' }).waitFor();
    await page.getByRole('textbox', { name: 'Doeltekst' }).fill('Uitnodigingen, verslagen en de nieuwsbrief van het partneroverleg Twente.');
    await page.getByText('dit wordt een nieuwe versie').waitFor();
    await page.getByRole('button', { name: 'Opslaan' }).click();
    await page.getByTestId('purpose-current').getByText(/de nieuwsbrief van het partneroverleg Twente/).waitFor();
    await page.getByText('Eerdere versies (1)').click();
    await page.getByText('Uitnodigingen en verslagen van het partneroverleg over de pilots in Twente.').waitFor();

    // A person on a list without consent: the dialog names the basis instead of asking for consent.
    const { id } = await s.core.call('people.save', { firstName: 'Ruud', lastName: 'Partner', emails: [{ email: 'ruud@example.com', primary: true }] });
    await go(s, `#/people/${id}`);
    await page.getByRole('region', { name: 'Nieuwsbrieven en toestemming' }).getByRole('button', { name: 'Aanmelden' }).click();
    const dialog = page.getByRole('dialog', { name: 'Ruud Partner aanmelden' });
    await dialog.getByLabel('Lijst').selectOption({ label: 'Partneroverleg Twente' });
    await dialog.getByTestId('basis-note').getByText('de grondslag is gerechtvaardigd belang').waitFor();
    expect(await dialog.getByLabel('Bewijs: toelichting').count()).toBe(0);
    await screenshot(page, 'consent-subscribe-basis');
    await dialog.getByRole('button', { name: 'Aanmelden' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await page.getByRole('table', { name: 'Aanmeldingen' }).getByText('Aangemeld', { exact: true }).waitFor();

    await go(s, '#/lists');
    await page.getByRole('link', { name: 'Partneroverleg Twente' }).click();
    await page.getByRole('table', { name: 'Op deze lijst' }).getByRole('link', { name: 'Ruud Partner' }).waitFor();
    await screenshot(page, 'list');

    // The same screens in English.
    await page.getByRole('button', { name: 'EN', exact: true }).click();
    await page.getByRole('heading', { level: 2, name: 'On this list' }).waitFor();
    await page.getByText('Legitimate interest · Dutch').waitFor();
    await go(s, `#/people/${id}`);
    await page.getByRole('table', { name: 'Subscriptions' }).getByText('Subscribed', { exact: true }).waitFor();
    await page.getByRole('region', { name: 'Privacy (GDPR)' }).getByRole('button', { name: 'Export proof' }).waitFor();
    await screenshot(page, 'person-consent-en');
  });
});

describe('AVG requests', () => {
  it('registers requests, marks overdue ones, warns on the start screen, and extends a deadline', async () => {
    const s = await open();
    const { page, core } = s;
    const iso = (d: Date) => d.toISOString().slice(0, 10);
    const { id: personId } = await core.call('people.save', { firstName: 'Mila', lastName: 'Verzoek', emails: [{ email: 'mila@example.org', primary: true }] });
    await core.call('avg.createRequest', {
      kind: 'access',
      subjectName: 'Joris Laat',
      subjectEmail: 'joris@example.com',
      channel: 'letter',
      receivedOn: iso(new Date(Date.now() - 45 * DAY)),
      actor: ACTOR,
    });

    await page.reload();
    await page.getByTestId('dashboard-notices').getByText(/AVG-verzoek \(inzage\) van Joris Laat: de termijn is verstreken/).waitFor();
    await screenshot(page, 'start-avg-notice');

    await nav(s, 'AVG-verzoeken');
    const table = page.getByRole('table', { name: 'AVG-verzoeken' });
    const late = table.getByRole('row', { name: /Joris Laat/ });
    await expect(late.getAttribute('class')).resolves.toContain('row-overdue');
    await late.getByText(/dag\(en\) te laat/).waitFor();

    await screenshot(page, 'avg-requests-overdue');

    // From the person page: the new request is about that person.
    await go(s, `#/people/${personId}`);
    await page.getByRole('region', { name: 'Privacy (AVG)' }).getByRole('link', { name: 'Verzoek registreren' }).click();
    const dialog = page.getByRole('dialog', { name: 'Nieuw verzoek' });
    await dialog.getByRole('group', { name: 'Persoon uit het register' }).getByText('Mila Verzoek').waitFor();
    await dialog.getByLabel('Soort').selectOption({ label: 'Verwijdering' });
    await dialog.getByText('Telefoon').click();
    await dialog.getByLabel('Vastgelegd door').fill(ACTOR);
    await screenshot(page, 'avg-new');
    await dialog.getByRole('button', { name: 'Opslaan' }).click();
    await page.getByRole('heading', { level: 1, name: /Verwijdering: Mila Verzoek/ }).waitFor();

    await page.getByRole('button', { name: 'Termijn verlengen' }).click();
    const extend = page.getByRole('dialog', { name: 'Termijn verlengen' });
    await extend.getByLabel('Reden van verlenging').fill('De gegevens moeten bij drie pilotpartners worden nagevraagd.');
    await extend.getByRole('button', { name: 'Verlengen' }).click();
    await extend.waitFor({ state: 'hidden' });
    await page.getByText('verlengd', { exact: true }).first().waitFor();
    await page.getByText('De gegevens moeten bij drie pilotpartners worden nagevraagd.').waitFor();
    await page.getByRole('button', { name: 'Wissen…' }).waitFor();
    await screenshot(page, 'avg-request');

    await go(s, '#/avg');
    await table.getByRole('row', { name: /Mila Verzoek/ }).waitFor();
    await screenshot(page, 'avg-requests');

    // Close the overdue request with an outcome: the warning goes away.
    await table.getByRole('link', { name: 'Inzage' }).click();
    await page.getByRole('heading', { level: 1, name: /Inzage: Joris Laat/ }).waitFor();
    await page.getByLabel('Status').selectOption({ label: 'Afgehandeld' });
    await page.getByLabel('Uitkomst').fill('Overzicht van de gegevens per post verstuurd.');
    await page.getByRole('button', { name: 'Opslaan' }).click();
    await page.getByRole('status').filter({ hasText: 'Verzoek opgeslagen.' }).waitFor();
    await go(s, '#/avg');
    await page.getByRole('row', { name: /Mila Verzoek/ }).waitFor();
    await expect(page.getByRole('row', { name: /Joris Laat/ }).count()).resolves.toBe(0);
    expect((await core.call('avg.summary', {})).overdueCount).toBe(0);
  });
});

describe('retention', () => {
  it('proposes people past the retention period and erases the chosen ones', async () => {
    let offset = 0;
    const s = await open({ now: () => new Date(Date.now() + offset) });
    const { page, core } = s;
    const old = await core.call('people.save', { firstName: 'Oud', lastName: 'Contact', emails: [{ email: 'oud@example.org', primary: true }] });
    const kept = await core.call('people.save', { firstName: 'Blijft', lastName: 'Bewaard', emails: [] });
    offset = 400 * DAY;
    await core.call('interactions.create', { kind: 'meeting', occurredOn: new Date(Date.now() + offset).toISOString().slice(0, 10), summary: 'Recent overleg.', personIds: [kept.id], organisationIds: [], pilotIds: [] });

    await go(s, '#/settings?section=retention');
    const settings = page.getByRole('region', { name: 'Bewaartermijnen' });
    await expect(settings.getByLabel('Einddatum van het programma').inputValue()).resolves.toBe('2025-10-01');
    await settings.getByLabel('Mensen zonder aanmelding of contact (maanden)').fill('6');
    await settings.getByRole('button', { name: 'Opslaan' }).click();
    await page.getByRole('status').filter({ hasText: 'Bewaartermijnen opgeslagen.' }).waitFor();
    await screenshot(page, 'settings-retention');

    await settings.getByRole('link', { name: 'Bewaartermijnen nakijken' }).click();
    const candidates = page.getByRole('table', { name: 'Voorgesteld om te wissen' });
    await candidates.getByRole('link', { name: 'Oud Contact' }).waitFor();
    await expect(candidates.getByRole('link', { name: 'Blijft Bewaard' }).count()).resolves.toBe(0);
    await page.getByRole('checkbox', { name: 'Oud Contact kiezen' }).check();
    await screenshot(page, 'retention-review');
    await page.getByRole('button', { name: '1 persoon wissen…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Wissen volgens de bewaartermijnen?' });
    await dialog.getByLabel('Typ WISSEN om te bevestigen').fill('WISSEN');
    await dialog.getByLabel('Vastgelegd door').fill(ACTOR);
    await dialog.getByRole('button', { name: 'Definitief wissen' }).click();
    await page.getByTestId('retention-result').getByText('1 persoon gewist.').waitFor();
    await page.getByText('Niemand voorgesteld').waitFor();
    await expect(core.call('people.get', { id: old.id })).rejects.toThrow();
    await core.call('people.get', { id: kept.id });
  });
});
