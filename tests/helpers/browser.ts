import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Download, type Page } from 'playwright-core';
import type { BackupScheduleOptions } from '../../db/store/backup-service';
import { serveBrowserMode, type BrowserServer } from '../../electron/server/http';
import { createTestCore, type TestCore } from './core';
import { CHROMIUM as CHROMIUM_PACKAGE, requireSystem } from './system';

/** Built renderer; `npm test` builds it first (`npm run build:renderer`). */
export const STATIC_DIR = path.resolve('dist/renderer');
export const SCREENSHOT_DIR = path.resolve('tests/screenshots');

const CHROMIUM = CHROMIUM_PACKAGE.binary;
// Every file that imports this is a browser test: without Chromium it fails (or installs it), never skips.
requireSystem(CHROMIUM_PACKAGE);

export function launchBrowser(): Promise<Browser> {
  if (!existsSync(path.join(STATIC_DIR, 'index.html'))) {
    throw new Error('dist/renderer is missing: run `npm run build:renderer` (npm test does this) before the browser tests.');
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

export interface AppSession {
  core: TestCore;
  server: BrowserServer;
  context: BrowserContext;
  page: Page;
  /** Console errors and failed requests seen by the page. */
  problems: string[];
  close(): Promise<void>;
}

/** One test's own world: a fresh data folder, a browser-mode server on it, and a page opened with the token. */
export interface OpenAppOptions {
  demo?: boolean;
  viewport?: { width: number; height: number };
  /** The backend's clock (e.g. to let backups age). */
  now?: () => Date;
  /** Backup schedule options for startCore, e.g. { auto: false } so only the test makes backups. */
  backup?: BackupScheduleOptions;
}

export async function openApp(browser: Browser, options: OpenAppOptions = {}): Promise<AppSession> {
  // Passed as a variable: startCore takes `backup` even where createTestCore's own type does not list it.
  const coreOptions = { demo: options.demo, now: options.now, backup: options.backup };
  const core = await createTestCore(coreOptions);
  const server = await serveBrowserMode({ registry: core.registry, staticDir: STATIC_DIR });
  const context = await browser.newContext({
    viewport: options.viewport ?? { width: 1366, height: 860 },
    locale: 'nl-NL',
    acceptDownloads: true,
  });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') problems.push(`console: ${msg.text()}`);
  });
  page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));
  await page.goto(server.launchUrl());
  await page.getByRole('navigation').waitFor();
  return {
    core,
    server,
    context,
    page,
    problems,
    async close() {
      await context.close();
      await server.close();
      await core.dispose();
    },
  };
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const file = path.join(SCREENSHOT_DIR, `${name}.png`);
  // Let toasts and transitions settle so the picture shows the screen, not the animation.
  await page.waitForTimeout(150);
  await page.screenshot({ path: file, fullPage: false });
  return file;
}

/** The text of a download (HTML, JSON, CSV). */
export async function downloadText(download: Download): Promise<string> {
  const stream = await download.createReadStream();
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
