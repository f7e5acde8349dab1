import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { markEditionSent } from '../../db/newsletter/newsletter';
import { launchBrowser, openApp, screenshot, type AppSession } from '../helpers/browser';
import type { EditionContent } from '../../db/shared/newsletter';

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
  session = await openApp(browser);
  return session;
}

function go(s: AppSession, hash: string) {
  return s.page.evaluate(`window.location.hash = ${JSON.stringify(hash)}`);
}

function nav(s: AppSession, name: string) {
  return s.page.getByRole('navigation').getByRole('link', { name, exact: true }).click();
}

/** The tests are typechecked without DOM types, hence strings for page.evaluate. */
function evaluate<T>(page: Page, script: string): Promise<T> {
  return page.evaluate(script) as Promise<T>;
}

const srcdoc = (page: Page) => page.getByTestId('preview-frame').getAttribute('srcdoc').then((v) => v ?? '');
const blockTypes = (page: Page) => evaluate<string[]>(page, `[...document.querySelectorAll('.nl-block')].map((li) => li.dataset.blockType)`);
const activeBlockType = (page: Page) => evaluate<string | null>(page, `document.activeElement?.closest('.nl-block')?.dataset.blockType ?? null`);
const activeId = (page: Page) => evaluate<string>(page, `document.activeElement ? document.activeElement.id : ''`);

async function waitSaved(page: Page) {
  await expect.poll(() => page.getByTestId('save-state').getAttribute('data-state'), { timeout: 10_000 }).toBe('saved');
}

/** A mailing list with two subscribers (one Dutch, one English), made with the consent commands. */
async function audience(s: AppSession) {
  const { core } = s;
  const list = await core.call('lists.save', {
    name: 'Partners Jeugd en Veiligheid', purposeText: 'Programmanieuws voor samenwerkingspartners.', language: 'nl',
    lawfulBasis: 'legitimate_interest', doubleOptIn: false, actor: 'Test',
  });
  const fenna = await core.call('people.save', { firstName: 'Fenna', lastName: 'Jansen', emails: [{ email: 'fenna.jansen@example.org', primary: true }] });
  const oliver = await core.call('people.save', {
    firstName: 'Oliver', lastName: 'Brown', emails: [{ email: 'oliver.brown@example.com', primary: true }], language: 'en',
  });
  for (const personId of [fenna.id, oliver.id]) {
    await core.call('consent.subscribe', {
      personId, listId: list.id, consent: { method: 'business_card', evidenceText: 'Visitekaartje, programmadag 2024' }, actor: 'Test',
    });
  }
  return { listId: list.id, fenna: fenna.id, oliver: oliver.id };
}

async function completeSettings(s: AppSession) {
  await s.core.call('newsletter.settings.save', {
    senderName: 'Programma Jeugd en Veiligheid', senderEmail: 'nieuwsbrief@example.org', postalAddress: 'Postbus 1, 8000 AA Zwolle',
    privacyUrl: 'https://www.example.org/privacy', unsubscribeAddress: 'afmelden@example.org',
  });
}

const bi = (nl: string, en: string) => ({ nl, en });

const PHOTO = `<svg xmlns="http://www.w3.org/2000/svg" width="600" height="260" viewBox="0 0 600 260">
<rect width="600" height="260" fill="#0f766e"/><circle cx="120" cy="150" r="46" fill="#e3f3f1"/><circle cx="250" cy="150" r="46" fill="#bfe3de"/>
<circle cx="380" cy="150" r="46" fill="#e3f3f1"/><circle cx="510" cy="150" r="46" fill="#bfe3de"/>
<text x="300" y="60" font-family="sans-serif" font-size="28" fill="#fff" text-anchor="middle">Programmadag</text></svg>`;

describe('newsletter composer', () => {
  it('composes an edition with a pilot update from the register, reorders blocks by keyboard and updates the preview', async () => {
    const s = await open();
    const { page, core } = s;
    const { fenna } = await audience(s);
    await completeSettings(s);

    await nav(s, 'Nieuwsbrieven');
    await page.getByRole('heading', { level: 1, name: 'Nieuwsbrieven' }).waitFor();
    await page.getByText('Nog geen edities').waitFor();
    await page.getByRole('button', { name: 'Nieuwe editie' }).first().click();
    const dialog = page.getByRole('dialog', { name: 'Nieuwe editie' });
    await dialog.getByLabel('Titel').fill('Voorjaarsupdate');
    await screenshot(page, 'newsletter-new');
    await dialog.getByRole('button', { name: 'Editie maken' }).click();
    await page.getByRole('heading', { level: 1, name: /Editie 1/ }).waitFor();
    const edition = (await core.call('newsletter.editions.list', {}))[0]!;

    await page.locator('#ed-subject').fill('{{voornaam|Beste lezer}}, nieuws uit de pilots');
    await page.locator('#ed-preheader').fill('De stand van de pilots en de programmadag.');
    await page.getByTestId('audience-total').getByText(/2 ontvangers/).waitFor();

    // An intro: the preview shows the typed text soon after typing stops.
    await page.locator('#add-block-intro').click();
    const intro = page.locator('.nl-block[data-block-type="intro"] textarea');
    await expect.poll(() => activeBlockType(page)).toBe('intro');
    await intro.pressSequentially('Beste {{voornaam|lezer}}, welkom bij de voorjaarsupdate.', { delay: 15 });
    await expect.poll(() => srcdoc(page), { timeout: 5000 }).toContain('welkom bij de voorjaarsupdate');
    const previewIntro = page.frameLocator('[data-testid="preview-frame"]').getByText(/welkom bij de voorjaarsupdate/);
    await expect(previewIntro.textContent()).resolves.toMatch(/Beste \[Voornaam\], welkom bij de voorjaarsupdate\./);
    await page.getByTestId('preview-subject').getByText(/nieuws uit de pilots/).waitFor();

    // A pilot update, pre-filled from the register.
    await page.locator('#add-block-pilot').click();
    const pilotDialog = page.getByRole('dialog', { name: 'Pilot-update toevoegen' });
    await pilotDialog.getByText('Dashboard Jeugd, Zorg en Veiligheid').click();
    await screenshot(page, 'newsletter-pilot-dialog');
    await pilotDialog.getByRole('button', { name: 'Overnemen uit register' }).click();
    await pilotDialog.waitFor({ state: 'hidden' });
    const pilot = page.locator('.nl-block[data-block-type="pilot"]');
    await expect(pilot.locator('input').first().inputValue()).resolves.toBe('Dashboard Jeugd, Zorg en Veiligheid');
    await pilot.getByText('Overgenomen uit het register').waitFor();
    const register = await core.call('pilots.list', {});
    const dashboard = register.find((p) => p.name.startsWith('Dashboard'))!;
    const detail = await core.call('pilots.get', { id: dashboard.id });
    expect(detail.results).toBeTruthy();
    await expect(pilot.locator('textarea').first().inputValue()).resolves.toBe(detail.results);
    await expect(pilot.getByLabel('Naam contactpersoon').inputValue()).resolves.toBe(detail.contactName ?? '');
    // The copy is editable and its edit reaches the preview.
    await pilot.locator('textarea').nth(1).fill('Ontwerpsessies met de werkgroep in april.');
    await expect.poll(() => srcdoc(page), { timeout: 5000 }).toContain('Ontwerpsessies met de werkgroep in april.');

    await page.locator('#add-block-divider').click();
    await expect.poll(() => blockTypes(page)).toEqual(['intro', 'pilot', 'divider']);

    // Reorder by keyboard: Alt+ArrowUp on the focused pilot block, focus follows, the move is announced.
    await pilot.locator('.nl-block-title').focus();
    await page.keyboard.press('Alt+ArrowUp');
    expect(await blockTypes(page)).toEqual(['pilot', 'intro', 'divider']);
    expect(await activeBlockType(page)).toBe('pilot');
    await expect(page.getByTestId('block-announcement').textContent()).resolves.toBe('Pilot-update verplaatst naar plaats 1 van 3.');
    // Alt+ArrowUp at the top does nothing.
    await page.keyboard.press('Alt+ArrowUp');
    expect(await blockTypes(page)).toEqual(['pilot', 'intro', 'divider']);
    // The move-down button: the block moves, and focus stays on its button.
    await page.getByRole('button', { name: 'Inleiding (blok 2) omlaag' }).click();
    expect(await blockTypes(page)).toEqual(['pilot', 'divider', 'intro']);
    expect(await activeBlockType(page)).toBe('intro');
    expect(await activeId(page)).toMatch(/-up$/); // at the bottom "down" is disabled, so focus moves to "up"
    await page.keyboard.press('Alt+ArrowUp');
    expect(await blockTypes(page)).toEqual(['pilot', 'intro', 'divider']);
    await expect(page.getByTestId('block-announcement').textContent()).resolves.toBe('Inleiding verplaatst naar plaats 2 van 3.');

    // Collapsed, all blocks fit on screen: drag the divider above the pilot.
    await page.getByRole('button', { name: 'Alles inklappen' }).click();
    await expect(pilot.locator('.nl-block-body').isHidden()).resolves.toBe(true);
    await page.locator('.nl-block[data-block-type="divider"] .nl-drag-handle').dragTo(pilot, { targetPosition: { x: 60, y: 6 } });
    expect(await blockTypes(page)).toEqual(['divider', 'pilot', 'intro']);
    await page.getByRole('button', { name: 'Alles uitklappen' }).click();
    await page.getByRole('button', { name: 'Scheidingslijn (blok 1) omlaag' }).click();
    await page.getByRole('button', { name: 'Scheidingslijn (blok 2) omlaag' }).click();
    expect(await blockTypes(page)).toEqual(['pilot', 'intro', 'divider']);

    // Autosave keeps the order.
    await waitSaved(page);
    const saved = await core.call('newsletter.editions.get', { id: edition.id });
    expect(saved.content.blocks.map((b) => b.type)).toEqual(['pilot', 'intro', 'divider']);
    expect(saved.content.subject.nl).toBe('{{voornaam|Beste lezer}}, nieuws uit de pilots');

    // English text, and the preview in English.
    await page.getByRole('radiogroup', { name: 'Teksten bewerken in' }).getByRole('radio', { name: 'Engels' }).check({ force: true });
    await intro.fill('Dear {{voornaam|reader}}, welcome to the spring update. Greetings to ');
    await intro.press('End');
    // Merge fields come from the model's list; the fallback is in the language being edited.
    await page.locator('.nl-block[data-block-type="intro"]').getByRole('button', { name: 'Invulveld invoegen in Tekst' }).click();
    const mergePanel = page.locator('.nl-merge-panel');
    await mergePanel.getByRole('button', { name: 'Voornaam' }).waitFor();
    await screenshot(page, 'newsletter-merge-fields');
    await mergePanel.getByRole('button', { name: 'Organisatie' }).click();
    await mergePanel.waitFor({ state: 'detached' });
    await expect(intro.inputValue()).resolves.toBe('Dear {{voornaam|reader}}, welcome to the spring update. Greetings to {{organisatie|your organisation}}');
    await page.getByRole('radiogroup', { name: 'Taal van het voorbeeld' }).getByRole('radio', { name: 'Engels' }).check({ force: true });
    await expect.poll(() => srcdoc(page), { timeout: 5000 }).toContain('welcome to the spring update');

    // View as a recipient: their language and their first name.
    await page.getByLabel('Bekijken als').fill('Fenna');
    await page.getByRole('option', { name: /Fenna Jansen/ }).click();
    await expect.poll(() => srcdoc(page), { timeout: 5000 }).toContain('Beste Fenna, welkom bij de voorjaarsupdate.');
    await expect(page.getByRole('radiogroup', { name: 'Taal van het voorbeeld' }).getByRole('radio', { name: 'Nederlands' }).isChecked()).resolves.toBe(true);
    expect(fenna).toBeGreaterThan(0);
    await page.getByRole('radiogroup', { name: 'Teksten bewerken in' }).getByRole('radio', { name: 'Nederlands' }).check({ force: true });
    await waitSaved(page);
    await page.evaluate(`document.getElementById('main').scrollTo(0, 0)`);
    await screenshot(page, 'newsletter-editor');
    await pilot.locator('.nl-block-title').scrollIntoViewIfNeeded();
    await page.evaluate(`document.getElementById('main').scrollBy(0, -80)`);
    await screenshot(page, 'newsletter-editor-blocks');

    await page.getByRole('radiogroup', { name: 'Breedte van het voorbeeld' }).getByRole('radio', { name: 'Telefoon' }).check({ force: true });
    await expect.poll(() => page.getByTestId('preview-frame').getAttribute('style')).toContain('width: 375px');
    await screenshot(page, 'newsletter-editor-mobile');

    // A javascript: link is refused when saved, and the message stands next to the field.
    await intro.fill('Lees [meer](javascript:alert(1)) over de pilots.');
    const introError = page.locator('#ed-blocks-1-text-error');
    await introError.waitFor({ timeout: 10_000 });
    await expect(introError.textContent()).resolves.toMatch(/javascript:alert\(1\).*niet toegestaan/);
    await expect(intro.getAttribute('aria-invalid')).resolves.toBe('true');
    await expect(page.getByTestId('save-state').getAttribute('data-state')).resolves.toBe('error');
    await evaluate(page, `document.getElementById('ed-blocks-1-text-error').scrollIntoView({ block: 'center' })`);
    await screenshot(page, 'newsletter-invalid-link');
    const stored = await core.call('newsletter.editions.get', { id: edition.id });
    expect(JSON.stringify(stored.content)).not.toContain('javascript:');
    await intro.fill('Lees [meer](https://www.example.org/pilots) over de pilots.');
    await waitSaved(page);
    await introError.waitFor({ state: 'detached' });
  });

  it('refuses to mark ready while an image has no alt text, jumps to the field, and passes once fixed', async () => {
    const s = await open();
    const { page, core } = s;
    const { listId } = await audience(s);
    await completeSettings(s);
    const created = await core.call('newsletter.editions.create', {});
    const content: EditionContent = {
      number: created.number, date: created.date,
      title: bi('Nieuws uit de pilots', 'News from the pilots'),
      subject: bi('Nieuws uit de pilots', 'News from the pilots'),
      preheader: bi('Vier pilots, één programma.', 'Four pilots, one programme.'),
      audience: { listIds: [listId], organisationKinds: [], pilotIds: [], regions: [], tags: [] },
      blocks: [
        { id: 'intro-1', type: 'intro', text: bi('De pilots zijn in de evaluatiefase.', 'The pilots are in their evaluation phase.') },
        { id: 'image-1', type: 'image', url: 'https://www.example.org/programmadag.jpg', alt: bi('', ''), caption: bi('', ''), link: '' },
      ],
    };
    await core.call('newsletter.editions.save', { id: created.id, revision: created.revision, content });
    // No network here: the image comes from a local stand-in.
    await page.context().route('https://www.example.org/**', (route) => route.fulfill({ contentType: 'image/svg+xml', body: PHOTO }));

    await go(s, `#/newsletters/${created.id}`);
    await page.getByRole('heading', { level: 1, name: /Editie 1/ }).waitFor();
    await page.getByTestId('open-checklist').click();
    const checklist = page.getByRole('dialog', { name: 'Controlelijst voor verzenden' });
    const images = checklist.locator('[data-check="images"]');
    await expect.poll(() => images.getAttribute('data-severity')).toBe('error');
    await images.getByText(/geen alternatieve tekst/).waitFor();
    await checklist.getByTestId('checklist-summary').getByText(/1 fout/).waitFor();
    await expect(checklist.getByTestId('mark-ready').isDisabled()).resolves.toBe(true);
    await screenshot(page, 'newsletter-checklist-error');

    // "Ga naar" closes the list and puts the cursor in the alt text.
    await images.getByRole('button', { name: /Ga naar/ }).click();
    await checklist.waitFor({ state: 'hidden' });
    await expect.poll(() => activeId(page)).toBe('ed-blocks-1-alt');
    await page.keyboard.type('Zaal vol deelnemers tijdens de programmadag in Zwolle');
    await page.getByRole('radiogroup', { name: 'Teksten bewerken in' }).getByRole('radio', { name: 'Engels' }).check({ force: true });
    await page.locator('#ed-blocks-1-alt').fill('A hall full of participants at the programme day in Zwolle');
    await waitSaved(page);

    await page.getByTestId('open-checklist').click();
    await expect.poll(() => images.getAttribute('data-severity')).toBe('ok');
    await expect(checklist.locator('[data-severity="error"]').count()).resolves.toBe(0);
    const warnings = await checklist.locator('[data-severity="warning"]').count();
    if (warnings > 0) await checklist.getByLabel(/de editie is toch klaar/).check();
    await screenshot(page, 'newsletter-checklist-ok');
    await checklist.getByTestId('mark-ready').click();
    await checklist.waitFor({ state: 'hidden' });
    await page.getByRole('heading', { level: 1 }).locator('[data-status="ready"]').waitFor();
    const ready = await core.call('newsletter.editions.get', { id: created.id });
    expect(ready.status).toBe('ready');
    expect(ready.content.blocks[1]).toMatchObject({ alt: { nl: 'Zaal vol deelnemers tijdens de programmadag in Zwolle' } });
  });

  it('sends a test mail from the editor through the outbox and follows it to the end', async () => {
    const s = await open();
    const { page, core } = s;
    await audience(s);
    await completeSettings(s);
    const created = await core.call('newsletter.editions.create', { title: 'Testeditie' });
    await go(s, `#/newsletters/${created.id}`);
    await page.getByRole('heading', { level: 1, name: /Editie 1/ }).waitFor();
    await page.locator('#add-block-intro').click();
    await page.locator('.nl-block[data-block-type="intro"] textarea').fill('Een korte testtekst.');

    // An event with the programme day as its model, and a contact card from the register with its "Mail …" button.
    await page.locator('#add-block-event').click();
    const event = page.locator('.nl-block[data-block-type="event"]');
    await expect.poll(() => event.locator('.nl-row-programme').count()).toBe(6);
    await expect(event.locator('.nl-row-session').count()).resolves.toBe(4);
    await event.getByLabel('Plaats').fill('Zwolle');
    await event.getByLabel('Tijd van onderdeel 1').fill('9');
    await event.getByText(/Het voorbeeld wordt bijgewerkt zodra/).or(page.getByText(/Het voorbeeld wordt bijgewerkt zodra/)).first().waitFor();
    await event.getByLabel('Tijd van onderdeel 1').fill('09:15');
    await expect.poll(() => srcdoc(page), { timeout: 5000 }).toContain('09:15');
    await page.locator('#add-block-contact').click();
    const contactDialog = page.getByRole('dialog', { name: 'Contactpersoon toevoegen' });
    await contactDialog.getByRole('combobox', { name: 'Persoon uit het register' }).fill('Fenna');
    await contactDialog.getByRole('option', { name: /Fenna Jansen/ }).click();
    await contactDialog.waitFor({ state: 'hidden' });
    const contact = page.locator('.nl-block[data-block-type="contact"]');
    await expect(contact.getByLabel('E-mail', { exact: true }).inputValue()).resolves.toBe('fenna.jansen@example.org');
    await expect.poll(() => srcdoc(page), { timeout: 5000 }).toContain('Mail Fenna');
    expect(await srcdoc(page)).toContain('mailto:fenna.jansen@example.org');
    await evaluate(page, `document.querySelector('.nl-block[data-block-type="event"] .nl-subgroup').scrollIntoView({ block: 'center' })`);
    await screenshot(page, 'newsletter-event-block');

    await page.getByLabel('Bekijken als').fill('Fenna');
    await page.getByRole('option', { name: /Fenna Jansen/ }).click();
    await page.getByRole('button', { name: 'Testmail' }).click();
    const dialog = page.getByRole('dialog', { name: 'Testmail versturen' });
    await expect(dialog.getByLabel('Aan (e-mailadressen)').inputValue()).resolves.toBe('nieuwsbrief@example.org');
    // The preview still shows the mail as Fenna: the test mail carries her values.
    await dialog.getByTestId('test-send-view-as').getByText(/Met de gegevens van Fenna Jansen/).waitFor();
    await dialog.getByLabel('Aan (e-mailadressen)').fill('nieuwsbrief@example.org, geen-adres');
    await dialog.getByRole('button', { name: 'Testmail versturen' }).click();
    await dialog.getByText(/"geen-adres" is geen geldig e-mailadres/).first().waitFor();
    await dialog.getByLabel('Aan (e-mailadressen)').fill('nieuwsbrief@example.org\nsecretariaat@example.org');
    await dialog.getByRole('button', { name: 'Testmail versturen' }).click();
    const result = dialog.getByTestId('test-send-result');
    // No SMTP account in this data folder: the built-in test mailbox, and the dialog says so.
    await result.getByText(/4 testmails naar 2 adressen in de wachtrij gezet, naar het ingebouwde testpostvak/).waitFor();
    const progress = dialog.getByTestId('test-send-progress');
    await expect.poll(() => progress.getAttribute('data-status'), { timeout: 15_000 }).toBe('done');
    await dialog.getByTestId('test-send-summary').getByText('Klaar: 4 van 4 testmails verstuurd.').waitFor();
    await expect(progress.locator('[data-testid="test-send-row"][data-state="sent"]').count()).resolves.toBe(4);
    await screenshot(page, 'newsletter-test-send');
    const inbox = await core.call('sending.testMailbox.list', {});
    expect(inbox.messages.map((m) => m.to.join()).sort()).toEqual(['nieuwsbrief@example.org', 'nieuwsbrief@example.org', 'secretariaat@example.org', 'secretariaat@example.org']);
    const one = await core.call('sending.testMailbox.get', { id: inbox.messages[0]!.id });
    expect(one.headers.find((h) => h.key.toLowerCase() === 'x-schakel-test')?.value).toBe('yes');
    expect(one.text).toContain('Een korte testtekst.');
    expect((await core.call('newsletter.editions.get', { id: created.id })).status).toBe('draft');

    await dialog.getByRole('link', { name: 'Bekijk deze testverzending bij Verzendingen' }).click();
    await page.getByRole('heading', { level: 1 }).getByTestId('job-kind-test').waitFor();
    await page.getByTestId('count-sent').getByText('4').waitFor();
    await screenshot(page, 'sending-test-job');
    await go(s, '#/sending');
    await page.locator('tbody tr').first().getByTestId('job-kind-test').getByText('Testmail').waitFor();
  });

  it('says which newsletter settings are missing and saves them', async () => {
    const s = await open();
    const { page, core } = s;
    await go(s, '#/newsletters');
    await page.getByTestId('settings-missing').getByText(/naam afzender/).waitFor();
    await page.getByRole('link', { name: 'Nieuwsbriefinstellingen invullen' }).click();
    await page.getByRole('heading', { level: 1, name: 'Nieuwsbriefinstellingen' }).waitFor();
    await page.getByLabel('Naam afzender').fill('Programma Jeugd en Veiligheid');
    await page.getByLabel('E-mailadres afzender').fill('nieuwsbrief@example.org');
    await page.getByLabel('Postadres').fill('Postbus 1\n8000 AA Zwolle');
    await page.getByLabel('Link naar de privacyverklaring').fill('http://www.example.org/privacy');
    await page.getByLabel('Afmeldadres').fill('afmelden@example.org');
    await page.getByRole('button', { name: 'Opslaan' }).click();
    const privacy = page.getByLabel('Link naar de privacyverklaring');
    await expect.poll(() => privacy.getAttribute('aria-invalid')).toBe('true');
    await page.getByText('De link moet beginnen met https://.').first().waitFor();
    await privacy.fill('https://www.example.org/privacy');
    await page.getByRole('button', { name: 'Opslaan' }).click();
    await page.getByText('Alle gegevens voor de voettekst en het afmelden zijn ingevuld.').waitFor();
    await screenshot(page, 'newsletter-settings');
    const view = await core.call('newsletter.settings.get', {});
    expect(view.missing).toEqual([]);
    expect(view.postalAddress).toBe('Postbus 1\n8000 AA Zwolle');
  });

  it('lists editions by status and shows a sent edition from the archive, with an HTML export', async () => {
    const s = await open();
    const { page, core } = s;
    const { listId } = await audience(s);
    await completeSettings(s);
    const content = (number: number, date: string, title: string): EditionContent => ({
      number, date, title: bi(title, `${title} (EN)`), subject: bi(title, `${title} (EN)`), preheader: bi('Programmanieuws.', 'Programme news.'),
      audience: { listIds: [listId], organisationKinds: [], pilotIds: [], regions: [], tags: [] },
      blocks: [{ id: 'intro', type: 'intro', text: bi(`**${title}**: de stand van zaken.`, `**${title}**: the state of affairs.`) }],
    });
    const make = async (title: string) => {
      const e = await core.call('newsletter.editions.create', {});
      await core.call('newsletter.editions.save', { id: e.id, revision: e.revision, content: content(e.number, e.date, title) });
      return e.id;
    };
    const sentId = await make('Najaarseditie');
    await core.call('newsletter.editions.setStatus', { id: sentId, status: 'ready', acceptWarnings: true });
    await markEditionSent(core.database.db, { tokens: core.services.newsletter.tokens, now: new Date() }, sentId);
    const readyId = await make('Wintereditie');
    await core.call('newsletter.editions.setStatus', { id: readyId, status: 'ready', acceptWarnings: true });
    await make('Voorjaarseditie');

    await go(s, '#/newsletters');
    const table = page.getByRole('table');
    await table.getByRole('link', { name: 'Voorjaarseditie' }).waitFor();
    await expect(table.locator('tbody tr').count()).resolves.toBe(3);
    await screenshot(page, 'newsletter-list');
    await page.getByRole('radiogroup', { name: 'Toon edities met status' }).getByRole('radio', { name: /Verzonden/ }).check({ force: true });
    await expect(table.locator('tbody tr').count()).resolves.toBe(1);

    await table.getByRole('link', { name: 'Najaarseditie' }).click();
    await page.getByRole('heading', { level: 1, name: /Editie 1/ }).locator('[data-status="sent"]').waitFor();
    const frame = page.getByTestId('archive-frame');
    await expect.poll(() => frame.getAttribute('srcdoc')).toContain('de stand van zaken');
    await expect(frame.getAttribute('sandbox')).resolves.toBe('');
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-html').click()]);
    expect(download.suggestedFilename()).toBe('nieuwsbrief-1-nl.html');
    await page.getByTestId('export-result').waitFor();
    expect(existsSync(path.join(core.dataDir, 'exports', 'nieuwsbrief-1-nl.html'))).toBe(true);
    await page.getByRole('radiogroup', { name: 'Taal van het voorbeeld' }).getByRole('radio', { name: 'Engels' }).check({ force: true });
    await expect.poll(() => frame.getAttribute('srcdoc')).toContain('the state of affairs');
    await screenshot(page, 'newsletter-archive');

    // A new edition as a copy of another: next number, the same blocks.
    await go(s, '#/newsletters');
    await page.getByRole('button', { name: 'Nieuwe editie' }).click();
    const dialog = page.getByRole('dialog', { name: 'Nieuwe editie' });
    await dialog.getByLabel('Een kopie van een eerdere editie').check();
    await dialog.getByLabel('Kopie van editie').selectOption({ label: '2. Wintereditie' });
    await screenshot(page, 'newsletter-new-copy');
    await dialog.getByRole('button', { name: 'Editie maken' }).click();
    await page.getByRole('heading', { level: 1, name: /Editie 4/ }).waitFor();
    await page.locator('.nl-block[data-block-type="intro"] .nl-block-summary').getByText('Wintereditie: de stand van zaken.').waitFor();
    const copies = await core.call('newsletter.editions.list', {});
    expect(copies.find((e) => e.number === 4)).toMatchObject({ status: 'draft', blockCount: 1, title: { nl: 'Wintereditie' } });
  });
});
