import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { sampleEditionContent } from '../../db/newsletter/sample';
import { launchBrowser, openApp, screenshot, type AppSession } from '../helpers/browser';
import { NEWSLETTER_SETTINGS, sendableWorld, TestSmtpServer } from '../helpers/smtp';

let browser: Browser;
let session: AppSession | null = null;
let smtp: TestSmtpServer | null = null;

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
  await smtp?.stop();
  smtp = null;
  expect(problems, 'errors in the page').toEqual([]);
});

const PEOPLE = 50;

/** Newsletter settings, a list with 50 subscribers (made with the consent commands) and a ready edition for it. */
async function world(s: AppSession) {
  const { core } = s;
  await core.call('newsletter.settings.save', NEWSLETTER_SETTINGS);
  const list = await core.call('lists.save', {
    name: 'Partners Jeugd en Veiligheid', purposeText: 'Programmanieuws voor samenwerkingspartners.', language: 'nl',
    lawfulBasis: 'legitimate_interest', doubleOptIn: false, actor: 'Test',
  });
  for (let i = 0; i < PEOPLE; i++) {
    const person = await core.call('people.save', {
      firstName: `Lezer${i}`, lastName: `Voorbeeld ${String(i).padStart(2, '0')}`, emails: [{ email: `lezer${i}@example.org`, primary: true }],
      ...(i % 5 === 4 ? { language: 'en' as const } : {}),
    });
    await core.call('consent.subscribe', {
      personId: person.id, listId: list.id, consent: { method: 'business_card', evidenceText: 'Visitekaartje, programmadag 2024' }, actor: 'Test',
    });
  }
  const created = await core.call('newsletter.editions.create', {});
  const sample = sampleEditionContent([list.id]);
  // No network here, and the received message is shown in a sandboxed frame: leave out the remote image.
  const blocks = sample.blocks.filter((b) => b.type !== 'image');
  await core.call('newsletter.editions.save', { id: created.id, revision: created.revision, content: { ...sample, blocks, number: created.number, date: created.date } });
  await core.call('newsletter.editions.setStatus', { id: created.id, status: 'ready', acceptWarnings: true });
  return { editionId: created.id, subject: sample.subject.nl };
}

describe('sending', () => {
  it('sends a ready edition to 50 subscribers through the test mailbox and shows a received message', async () => {
    const s = (session = await openApp(browser));
    const { page, core } = s;
    const { editionId } = await world(s);

    await page.evaluate(`window.location.hash = '#/newsletters/${editionId}'`);
    await page.getByRole('heading', { level: 1, name: /Editie 1/ }).locator('[data-status="ready"]').waitFor();
    await page.getByTestId('send-edition').click();
    const dialog = page.getByRole('dialog', { name: 'Editie 1 verzenden' });
    await dialog.getByTestId('send-audience').getByText('50 ontvangers').waitFor();
    await expect(dialog.getByTestId('send-mailbox').getAttribute('data-mailbox')).resolves.toBe('test');
    await dialog.getByText('Testpostvak: niets is echt verstuurd').waitFor();
    await screenshot(page, 'sending-confirm');
    await dialog.getByRole('button', { name: 'Verzenden' }).click();

    // The job page: progress until all 50 are sent.
    await page.waitForURL(/#\/sending\/\d+$/);
    await page.getByTestId('test-mailbox-banner').getByText('Testpostvak: niets is echt verstuurd').waitFor();
    await expect.poll(() => page.getByTestId('count-sent').textContent(), { timeout: 30_000 }).toBe('50');
    await page.getByRole('heading', { level: 1 }).locator('[data-status="done"]').waitFor({ timeout: 10_000 });
    await expect(page.getByTestId('progress').getAttribute('aria-valuenow')).resolves.toBe('100');
    await expect(page.getByTestId('count-failed').textContent()).resolves.toBe('0');
    await page.getByText('Geen problemen').waitFor();
    await screenshot(page, 'sending-job-done');
    const jobs = await core.call('sending.jobs.list', {});
    expect(jobs).toHaveLength(1);
    expect(jobs[0]).toMatchObject({ status: 'done', mailbox: 'test', counts: { total: PEOPLE, sent: PEOPLE, failed: 0 } });

    // The list of sendings.
    await page.getByRole('navigation', { name: 'Hoofdmenu' }).getByRole('link', { name: 'Verzendingen', exact: true }).click();
    const row = page.locator(`tr[data-job="${jobs[0]!.id}"]`);
    await row.getByText('Klaar').waitFor();
    await row.getByText('50 / 50').waitFor();
    await screenshot(page, 'sending-list');

    // The test mailbox holds the 50 messages; open one.
    await page.getByRole('navigation', { name: 'Onderdelen' }).getByRole('link', { name: 'Testpostvak' }).click();
    await page.getByRole('heading', { level: 1, name: 'Testpostvak' }).waitFor();
    await page.getByTestId('test-mailbox-banner').getByText('Testpostvak: niets is echt verstuurd').waitFor();
    await page.getByText('50 berichten').waitFor();
    const inbox = await core.call('sending.testMailbox.list', {});
    expect(inbox.total).toBe(PEOPLE);
    const first = inbox.messages.find((m) => m.to.includes('lezer0@example.org'))!;
    expect(first).toBeTruthy();
    await screenshot(page, 'sending-mailbox');
    await page.locator('.send-mailbox-table tr', { hasText: 'lezer0@example.org' }).getByRole('link').click();
    await page.getByRole('heading', { level: 1, name: first.subject }).waitFor();
    await expect(page.getByTestId('header-subject').textContent()).resolves.toBe(first.subject);
    await expect(page.getByTestId('header-to').textContent()).resolves.toContain('lezer0@example.org');
    const unsubscribe = (await page.getByTestId('header-list-unsubscribe').textContent()) ?? '';
    expect(unsubscribe).toMatch(/^<.+>/);
    const full = await core.call('sending.testMailbox.get', { id: first.id });
    expect(unsubscribe).toBe(full.headers.find((h) => h.key.toLowerCase() === 'list-unsubscribe')!.value);
    const frame = page.getByTestId('message-frame');
    await expect(frame.getAttribute('sandbox')).resolves.toBe('');
    await expect(frame.getAttribute('srcdoc')).resolves.toContain('<html');
    await screenshot(page, 'sending-message');
  }, 120_000);

  it('shows the SMTP settings with the memory-only password notice and tests the test mailbox connection', async () => {
    const s = (session = await openApp(browser));
    const { page } = s;
    await page.evaluate(`window.location.hash = '#/settings?section=smtp'`);
    const form = page.getByTestId('smtp-form');
    await form.getByText('Nu in gebruik: het testpostvak').waitFor();
    await form.getByLabel('Mailserver').fill('smtp.office365.com');
    await form.getByLabel('Soort account').selectOption('custom');
    await form.getByLabel('Per minuut').fill('30');
    await form.getByText(/alleen in het geheugen/).waitFor();
    await screenshot(page, 'sending-settings');
    await form.getByRole('button', { name: 'Verbinding testen' }).click();
    await form.getByTestId('smtp-test-result').waitFor();
  }, 60_000);

  it('reports failed recipients with the server\'s reason and sends again to just those', async () => {
    smtp = new TestSmtpServer({
      rcpt: (address) => (address.startsWith('lezer1@') ? { code: 550, message: '5.1.1 Mailbox does not exist' }
        : address.startsWith('lezer3@') ? { code: 550, message: 'Mailbox unavailable' } : null),
    });
    const port = await smtp.start();
    const s = (session = await openApp(browser));
    const { page, core } = s;
    const w = await sendableWorld(core.registry, core.ctx.sqlite, 6, { short: true });
    await core.call('sending.settings.save', {
      host: '127.0.0.1', port, security: 'none', senderName: 'Programmasecretariaat', senderEmail: 'nieuwsbrief@example.org', profile: 'relay',
    });

    await page.evaluate(`window.location.hash = '#/newsletters/${w.editionId}'`);
    await page.getByTestId('send-edition').click();
    const dialog = page.getByRole('dialog', { name: /verzenden/ });
    await expect.poll(() => dialog.getByTestId('send-mailbox').getAttribute('data-mailbox')).toBe('smtp');
    await expect(dialog.getByText('Testpostvak: niets is echt verstuurd').count()).resolves.toBe(0);
    await dialog.getByRole('button', { name: 'Verzenden' }).click();
    await page.waitForURL(/#\/sending\/\d+$/);
    await page.getByRole('heading', { level: 1 }).locator('[data-status="done"]').waitFor({ timeout: 30_000 });
    await expect(page.getByTestId('count-sent').textContent()).resolves.toBe('4');
    await expect(page.getByTestId('count-failed').textContent()).resolves.toBe('2');
    const failed = page.locator('[data-report="failed"]');
    await failed.getByText('lezer1@example.org').waitFor();
    await failed.getByText(/5\.1\.1 Mailbox does not exist/).first().waitFor();
    await expect(page.getByTestId('test-mailbox-banner').count()).resolves.toBe(0);
    await screenshot(page, 'sending-report-failed');

    // A follow-up job to the refused address (still refused by the server); the hard bounce does not exist, so it is left out.
    await page.getByRole('button', { name: 'Opnieuw naar mislukte' }).click();
    await page.getByText(/vervolg op verzending/).waitFor();
    await page.getByRole('heading', { level: 1 }).locator('[data-status="done"]').waitFor({ timeout: 30_000 });
    await expect(page.getByTestId('progress-text').textContent()).resolves.toBe('1 van 1 verwerkt');
    expect(smtp.received).toHaveLength(4);
  }, 90_000);

  it('pauses on a refused login, says why in plain words, and resumes once the password is fixed', async () => {
    smtp = new TestSmtpServer({ auth: { user: 'secretariaat', pass: 'goed-wachtwoord' } });
    const port = await smtp.start();
    const s = (session = await openApp(browser));
    const { page, core } = s;
    const w = await sendableWorld(core.registry, core.ctx.sqlite, 5, { short: true });
    const account = { host: '127.0.0.1', port, security: 'none' as const, user: 'secretariaat', senderEmail: 'nieuwsbrief@example.org', profile: 'relay' as const };
    await core.call('sending.settings.save', { ...account, password: 'fout-wachtwoord' });
    const job = await core.call('sending.jobs.create', { editionId: w.editionId });

    await page.evaluate(`window.location.hash = '#/sending/${job.id}'`);
    await page.getByRole('heading', { level: 1 }).locator('[data-status="paused"]').waitFor({ timeout: 30_000 });
    const reason = page.getByTestId('pause-reason');
    await reason.getByText('Het verzenden is gestopt').waitFor();
    const paused = await core.call('sending.jobs.get', { id: job.id });
    expect(paused.pause).not.toBeNull();
    await reason.getByText(paused.pause!.message.nl).waitFor();
    await screenshot(page, 'sending-paused');

    await page.evaluate(`window.location.hash = '#/sending'`);
    await expect(page.locator(`[data-job="${job.id}"]`).getByTestId('pause-short').textContent()).resolves.toBe('aanmelding geweigerd');
    await page.evaluate(`window.location.hash = '#/sending/${job.id}'`);
    await reason.waitFor();

    await core.call('sending.settings.save', { ...account, password: 'goed-wachtwoord' });
    await page.getByRole('button', { name: 'Hervatten' }).click();
    await page.getByRole('heading', { level: 1 }).locator('[data-status="done"]').waitFor({ timeout: 30_000 });
    await expect(page.getByTestId('count-sent').textContent()).resolves.toBe('5');
    await expect(reason.count()).resolves.toBe(0);
    expect(smtp.received).toHaveLength(5);
  }, 90_000);

  it('asks for a missing password on the paused job and resumes with it', async () => {
    smtp = new TestSmtpServer({ auth: { user: 'secretariaat', pass: 'goed-wachtwoord' } });
    const port = await smtp.start();
    const s = (session = await openApp(browser));
    const { page, core } = s;
    const w = await sendableWorld(core.registry, core.ctx.sqlite, 3, { short: true });
    // As in browser mode after a restart: the account is saved, the password (kept in memory) is gone.
    await core.call('sending.settings.save', { host: '127.0.0.1', port, security: 'none', user: 'secretariaat', senderEmail: 'nieuwsbrief@example.org', profile: 'relay' });
    const job = await core.call('sending.jobs.create', { editionId: w.editionId });
    await page.evaluate(`window.location.hash = '#/sending/${job.id}'`);
    await page.getByRole('heading', { level: 1 }).locator('[data-status="paused"]').waitFor({ timeout: 30_000 });
    await page.getByTestId('pause-reason').getByText(/wachtwoord van het mailaccount ontbreekt/).waitFor();
    await page.getByTestId('resume-password').fill('goed-wachtwoord');
    await page.getByRole('button', { name: 'Wachtwoord gebruiken en hervatten' }).click();
    await page.getByRole('heading', { level: 1 }).locator('[data-status="done"]').waitFor({ timeout: 30_000 });
    expect(smtp.received).toHaveLength(3);
  }, 90_000);

  it('lets a person decide about recipients whose outcome is unknown', async () => {
    const s = (session = await openApp(browser));
    const { page, core } = s;
    const w = await sendableWorld(core.registry, core.ctx.sqlite, 4, { short: true });
    const job = await core.call('sending.jobs.create', { editionId: w.editionId });
    await expect.poll(async () => (await core.call('sending.jobs.get', { id: job.id })).status, { timeout: 20_000 }).toBe('done');
    // As after a crash in the middle of a delivery: two outcomes are unknown.
    core.ctx.sqlite.prepare(`UPDATE send_recipients SET state = 'uncertain', reason = 'interrupted', sent_at = NULL WHERE job_id = ? AND id IN (SELECT id FROM send_recipients WHERE job_id = ? ORDER BY id LIMIT 2)`).run(job.id, job.id);

    await page.evaluate(`window.location.hash = '#/sending/${job.id}'`);
    const uncertain = page.locator('[data-report="uncertain"]');
    await uncertain.getByText('lezer0@example.org').waitFor();
    await expect(page.getByTestId('count-uncertain').textContent()).resolves.toBe('2');
    // Said on the job, in the jobs list and on the start screen: done, but a decision is needed.
    await expect(page.getByRole('heading', { level: 1 }).getByTestId('decision-needed').textContent()).resolves.toBe('2 wachten op een beslissing');
    await expect(page.getByTestId('progress-text').textContent()).resolves.toContain('2 wachten op een beslissing');
    // Per person, with the time of the attempt; nothing happens without a confirmation.
    await expect(uncertain.locator('tbody tr').count()).resolves.toBe(2);
    await screenshot(page, 'sending-uncertain');
    await uncertain.getByRole('checkbox', { name: /Lezer0/ }).check();
    await uncertain.getByRole('button', { name: 'Markeren als verzonden (1)' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByText('1 ontvanger(s) worden als verzonden vastgelegd', { exact: false }).waitFor();
    await dialog.getByRole('button', { name: 'Annuleren' }).click();
    await expect(page.getByTestId('count-uncertain').textContent()).resolves.toBe('2');
    await uncertain.getByRole('button', { name: 'Markeren als verzonden (1)' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Bevestigen' }).click();
    await expect.poll(() => page.getByTestId('count-sent').textContent(), { timeout: 10_000 }).toBe('3');
    await expect(page.getByTestId('count-uncertain').textContent()).resolves.toBe('1');

    await page.evaluate(`window.location.hash = '#/sending'`);
    await page.locator(`[data-job="${job.id}"]`).getByTestId('decision-needed').waitFor();
    await page.evaluate(`window.location.hash = '#/'`);
    await page.getByTestId('sending-notices').getByText('1 ontvanger(s) wachten op een beslissing', { exact: false }).waitFor();

    await page.evaluate(`window.location.hash = '#/sending/${job.id}'`);
    await uncertain.getByTestId('select-all').check();
    await uncertain.getByRole('button', { name: 'Markeren als verzonden (1)' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Bevestigen' }).click();
    await expect.poll(() => page.getByTestId('count-sent').textContent(), { timeout: 10_000 }).toBe('4');
    await expect(page.getByTestId('count-uncertain').textContent()).resolves.toBe('0');
    await expect(uncertain.count()).resolves.toBe(0);
    await expect(page.getByTestId('decision-needed').count()).resolves.toBe(0);
  }, 60_000);
});
