import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { app, BrowserWindow, dialog, ipcMain, protocol, safeStorage, session, shell, type WebContents } from 'electron';
import { SafeStoragePasswordStore } from '../db/mail/smtp';
import { startCore, type Core } from './core';
import {
  APP_ENTRY_URL,
  APP_SCHEME,
  DESKTOP_CONTENT_SECURITY_POLICY,
  appAssetPath,
  contentTypeFor,
  decideNavigation,
  isPermissionAllowed,
  isSafeExternalUrl,
  isTrustedSender,
  parseLaunchArgs,
  startupErrorMessage,
  windowOptions,
  withContentSecurityPolicy,
  type LaunchArgs,
} from './security';

const INVOKE_CHANNEL = 'schakel:invoke';
const rendererDir = path.join(__dirname, '..', 'renderer');
const preloadPath = path.join(__dirname, 'preload.cjs');

let core: Core | null = null;
let mainWindow: BrowserWindow | null = null;
let coreClosed = false;

function fail(error: unknown): void {
  dialog.showErrorBox('Schakel', startupErrorMessage(error));
  app.exit(1);
}

function openExternal(url: string): void {
  if (isSafeExternalUrl(url)) shell.openExternal(url).catch(() => {});
}

function guardContents(contents: WebContents): void {
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    openExternal(url);
    return { action: 'deny' };
  });
  contents.on('will-navigate', (event) => {
    const decision = decideNavigation(event.url, true);
    if (decision === 'allow') return;
    event.preventDefault();
    if (decision === 'open-external') openExternal(event.url);
  });
  contents.on('will-frame-navigate', (event) => {
    if (event.isMainFrame) return;
    const decision = decideNavigation(event.url, false);
    if (decision === 'allow') return;
    event.preventDefault();
    if (decision === 'open-external') openExternal(event.url);
  });
  contents.on('will-redirect', (event) => {
    if (decideNavigation(event.url, event.isMainFrame) !== 'allow') event.preventDefault();
  });
}

function createWindow(): void {
  mainWindow = new BrowserWindow(windowOptions(preloadPath, { packaged: app.isPackaged }));
  mainWindow.once('ready-to-show', () => mainWindow?.show());
  mainWindow.on('closed', () => {
    mainWindow = null;
  });
  mainWindow.loadURL(APP_ENTRY_URL).catch(fail);
}

async function ready(args: LaunchArgs, dataDir: string): Promise<void> {
  core = await startCore({
    dataDir,
    demo: args.demo,
    nativeBinding: process.env.SCHAKEL_SQLITE_BINDING || undefined,
    sending: { passwords: new SafeStoragePasswordStore(safeStorage, dataDir) },
    inbox: { passwords: new SafeStoragePasswordStore(safeStorage, dataDir, 'imap-password.bin') },
    microsoft: {
      // Without a real key store (Linux basic_text) the sign-in stays in memory, as in browser mode.
      keyStore: safeStorage.isEncryptionAvailable() && safeStorage.getSelectedStorageBackend?.() !== 'basic_text' ? safeStorage : undefined,
      openExternal: async (url) => openExternal(url),
    },
  });

  const ses = session.defaultSession;
  ses.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  ses.setPermissionCheckHandler((_contents, permission, requestingOrigin) =>
    isPermissionAllowed(permission, requestingOrigin),
  );
  ses.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: withContentSecurityPolicy(details.responseHeaders) });
  });

  protocol.handle(APP_SCHEME, async (request) => {
    const file = request.method === 'GET' || request.method === 'HEAD' ? appAssetPath(request.url, rendererDir) : null;
    if (!file) return new Response('Not found', { status: 404 });
    try {
      const body = await readFile(file);
      return new Response(request.method === 'HEAD' ? null : body, {
        headers: {
          'Content-Type': contentTypeFor(file),
          'Content-Security-Policy': DESKTOP_CONTENT_SECURITY_POLICY,
          'X-Content-Type-Options': 'nosniff',
        },
      });
    } catch {
      return new Response('Not found', { status: 404 });
    }
  });

  ipcMain.handle(INVOKE_CHANNEL, async (event, name: unknown, input: unknown, lang: unknown) => {
    let frameUrl: string | undefined;
    try {
      frameUrl = event.senderFrame?.url;
    } catch {
      frameUrl = undefined;
    }
    if (!isTrustedSender(frameUrl) || !core) {
      return { ok: false, error: { code: 'forbidden', message: 'Deze opdracht is niet toegestaan.' } };
    }
    return core.registry.invoke(name, input, lang === 'en' ? 'en' : 'nl');
  });

  createWindow();
}

function main(): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true } },
  ]);
  app.enableSandbox();

  let args: LaunchArgs;
  try {
    args = parseLaunchArgs(process.argv.slice(app.isPackaged ? 1 : 2), process.env);
  } catch (error) {
    fail(error);
    return;
  }
  const dataDir = path.resolve(args.dataDir ?? path.join(app.getPath('appData'), 'Schakel'));
  app.setName('Schakel');
  app.setPath('userData', dataDir);
  app.setPath('sessionData', path.join(dataDir, 'chromium'));

  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return;
  }
  app.on('second-instance', () => {
    if (!mainWindow) return;
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.focus();
  });
  app.on('web-contents-created', (_event, contents) => guardContents(contents));
  app.on('window-all-closed', () => app.quit());
  app.on('activate', () => {
    if (core && !mainWindow) createWindow();
  });
  app.on('will-quit', (event) => {
    if (!core || coreClosed) return;
    event.preventDefault();
    coreClosed = true;
    core
      .close()
      .catch(() => {})
      .finally(() => app.quit());
  });

  app.whenReady().then(() => ready(args, dataDir)).catch(fail);
}

main();
