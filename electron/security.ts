import path from 'node:path';
import type { BrowserWindowConstructorOptions } from 'electron';
import { CONTENT_SECURITY_POLICY } from './server/http';

/**
 * Pure shell policy for the desktop app: which URLs are ours, which may leave the app, how the
 * window is locked down, how the command line is read. No Electron import (types only), so all of
 * it is unit-tested in plain Node.
 */

/** The renderer is served from `app://schakel/` (a privileged, standard, secure custom scheme). */
export const APP_SCHEME = 'app';
export const APP_HOST = 'schakel';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_ENTRY_URL = `${APP_ORIGIN}/index.html`;

/** Same policy as browser mode: script-src 'self', no inline script, no eval, no plugins. */
export const DESKTOP_CONTENT_SECURITY_POLICY = CONTENT_SECURITY_POLICY;

const MAX_EXTERNAL_URL_LENGTH = 4096;
// C0/C1 controls, space, backslash, and invisible/bidi characters that make a URL look like another.
const FORBIDDEN_URL_CHARS = /[\p{Cc} \\\u00ad\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/u;

function parseUrl(url: unknown): URL | null {
  if (typeof url !== 'string' || url.length === 0 || FORBIDDEN_URL_CHARS.test(url)) return null;
  try {
    return new URL(url);
  } catch {
    return null;
  }
}

function isLoopbackOrUnspecified(hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/\.$/, '');
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  if (host === '0.0.0.0' || host === '[::]' || host === '[::1]') return true;
  if (/^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host)) return true;
  return host.startsWith('[::ffff:') && /^\[::ffff:(7f|127\.|0:0|0\.0\.0\.0)/.test(host);
}

function isSafeWebUrl(raw: string, parsed: URL): boolean {
  // Only the plain form "scheme://authority…": the parser would silently accept "http:host" too.
  if (!raw.toLowerCase().startsWith(`${parsed.protocol}//`)) return false;
  const authority = raw.slice(parsed.protocol.length + 2).split(/[/?#]/, 1)[0] ?? '';
  if (authority === '' || authority.includes('@') || parsed.username !== '' || parsed.password !== '') return false;
  if (parsed.hostname === '' || isLoopbackOrUnspecified(parsed.hostname)) return false;
  return true;
}

const MAILTO_LOCAL = /^[A-Za-z0-9!#$&'*+=?^_`{|}~-]+(\.[A-Za-z0-9!#$&'*+=?^_`{|}~-]+)*$/;
const DOMAIN_LABEL = /^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;
const TOP_LEVEL_DOMAIN = /^([A-Za-z]{2,63}|xn--[A-Za-z0-9-]{1,59})$/;

/** One plain address: no display name, no list, no quoted or IP-literal forms. */
export function isPlainEmailAddress(address: string): boolean {
  if (address.length > 254) return false;
  const at = address.lastIndexOf('@');
  if (at <= 0 || address.indexOf('@') !== at) return false;
  const local = address.slice(0, at);
  const domain = address.slice(at + 1);
  if (local.length > 64 || !MAILTO_LOCAL.test(local)) return false;
  if (domain.length > 253) return false;
  const labels = domain.split('.');
  if (labels.length < 2 || !labels.every((label) => DOMAIN_LABEL.test(label))) return false;
  return TOP_LEVEL_DOMAIN.test(labels[labels.length - 1]!);
}

function decode(value: string): string | null {
  try {
    return decodeURIComponent(value);
  } catch {
    return null;
  }
}

/**
 * mailto: policy — exactly one plain recipient, and only `subject` and `body` as fields, each at
 * most once. Every other field (to, cc, bcc, from, reply-to, attach, in-reply-to, any header) is
 * refused, so a link cannot add hidden recipients or headers; the subject may not contain line
 * breaks, the body may (RFC 6068 encodes them as %0D%0A), but no other control characters.
 */
function isSafeMailto(raw: string, parsed: URL): boolean {
  if (!raw.toLowerCase().startsWith('mailto:') || raw.slice(7).startsWith('/')) return false;
  if (parsed.hash !== '' || raw.includes('#')) return false;
  const address = decode(parsed.pathname);
  if (address === null || !isPlainEmailAddress(address)) return false;
  const query = parsed.search.slice(1);
  if (query === '') return true;
  const seen = new Set<string>();
  for (const pair of query.split('&')) {
    const eq = pair.indexOf('=');
    if (eq <= 0) return false;
    const key = decode(pair.slice(0, eq))?.toLowerCase();
    const value = decode(pair.slice(eq + 1));
    if (key === undefined || value === null || seen.has(key)) return false;
    seen.add(key);
    if (key === 'subject') {
      if (/\p{Cc}/u.test(value)) return false;
    } else if (key === 'body') {
      if (/(?![\t\n\r])\p{Cc}/u.test(value)) return false;
    } else {
      return false;
    }
  }
  return true;
}

/**
 * Whether a URL may be handed to the operating system (shell.openExternal): http(s) to a real,
 * non-loopback host without credentials, or a single-recipient mailto. Everything else — including
 * javascript:, data:, file:, blob:, our own app: scheme and anything malformed — is refused.
 */
export function isSafeExternalUrl(url: string): boolean {
  if (typeof url !== 'string' || url.length > MAX_EXTERNAL_URL_LENGTH) return false;
  const parsed = parseUrl(url);
  if (!parsed) return false;
  switch (parsed.protocol) {
    case 'https:':
    case 'http:':
      return isSafeWebUrl(url, parsed);
    case 'mailto:':
      return isSafeMailto(url, parsed);
    default:
      return false;
  }
}

/** Whether a URL belongs to our own renderer: `app://schakel/…`, no credentials, no port. */
export function isAppUrl(url: string): boolean {
  const parsed = parseUrl(url);
  if (!parsed || parsed.protocol !== `${APP_SCHEME}:`) return false;
  if (!url.toLowerCase().startsWith(`${APP_SCHEME}://`)) return false;
  return (
    parsed.hostname.toLowerCase() === APP_HOST &&
    parsed.port === '' &&
    parsed.username === '' &&
    parsed.password === ''
  );
}

/** IPC sender check: only a frame showing our own renderer may invoke commands. */
export function isTrustedSender(frameUrl: string | undefined): boolean {
  return typeof frameUrl === 'string' && isAppUrl(frameUrl);
}

export type NavigationDecision = 'allow' | 'open-external' | 'block';

/**
 * What to do when a frame wants to navigate. The main frame stays on our renderer; a safe external
 * link goes to the system browser or mail program instead. Sub-frames (the newsletter preview) may
 * also show about:, blob: and data: documents, which the CSP's frame-src governs.
 */
export function decideNavigation(url: string, isMainFrame: boolean): NavigationDecision {
  if (isAppUrl(url)) return 'allow';
  if (!isMainFrame && /^(about:(blank|srcdoc)$|blob:app:\/\/schakel\/|data:)/i.test(url)) return 'allow';
  return isSafeExternalUrl(url) ? 'open-external' : 'block';
}

/** Permission checks: nothing, except writing to the clipboard from our own renderer. */
export function isPermissionAllowed(permission: string, requestingUrl: string): boolean {
  return permission === 'clipboard-sanitized-write' && isAppUrl(requestingUrl);
}

/**
 * BrowserWindow options: sandboxed, isolated, no Node, no webview, nothing experimental; DevTools
 * only in a development run (`app.isPackaged` false).
 */
export function windowOptions(preloadPath: string, { packaged }: { packaged: boolean }): BrowserWindowConstructorOptions {
  if (!path.isAbsolute(preloadPath)) throw new Error(`Preload path must be absolute: ${preloadPath}`);
  return {
    width: 1280,
    height: 860,
    minWidth: 900,
    minHeight: 600,
    show: false,
    title: 'Schakel',
    backgroundColor: '#ffffff',
    webPreferences: {
      preload: preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      experimentalFeatures: false,
      navigateOnDragDrop: false,
      safeDialogs: true,
      devTools: !packaged,
    },
  };
}

/** Response headers with our CSP, replacing any CSP header already present (in any casing). */
export function withContentSecurityPolicy(
  headers: Record<string, string | string[]> | undefined,
): Record<string, string[]> {
  const result: Record<string, string[]> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (name.toLowerCase() === 'content-security-policy') continue;
    result[name] = Array.isArray(value) ? value : [value];
  }
  result['Content-Security-Policy'] = [DESKTOP_CONTENT_SECURITY_POLICY];
  return result;
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
};

export function contentTypeFor(file: string): string {
  return CONTENT_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
}

/**
 * The file under `rootDir` an `app://schakel/…` request asks for, or null. Paths without an
 * extension get index.html (client-side routes); nothing outside `rootDir` is ever returned.
 */
export function appAssetPath(requestUrl: string, rootDir: string): string | null {
  if (!isAppUrl(requestUrl)) return null;
  const pathname = decode(new URL(requestUrl).pathname);
  if (pathname === null || pathname.includes('\u0000')) return null;
  let relative = pathname.replace(/\\/g, '/');
  if (relative === '' || relative === '/' || path.posix.extname(relative) === '') relative = '/index.html';
  const root = path.resolve(rootDir);
  const file = path.resolve(root, '.' + relative);
  return file.startsWith(root + path.sep) ? file : null;
}

export interface LaunchArgs {
  port?: number;
  dataDir?: string;
  open: boolean;
  demo: boolean;
  forceBrowser: boolean;
}

function parsePort(value: string): number {
  const port = /^\d{1,5}$/.test(value) ? Number(value) : NaN;
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new Error(`Ongeldige poort "${value}": gebruik een geheel getal van 1 tot en met 65535.`);
  }
  return port;
}

/**
 * Reads the command line. `--port N`/`--port=N`, `--data-dir D`/`--data-dir=D` (wins over
 * SCHAKEL_DATA_DIR), `--no-open`, `--demo`, `--browser`. Unknown arguments are ignored: Electron
 * and the OS add their own. A bad value throws an Error with a Dutch message.
 */
export function parseLaunchArgs(argv: string[], env: NodeJS.ProcessEnv): LaunchArgs {
  const result: LaunchArgs = { open: true, demo: false, forceBrowser: false };
  let dataDir: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const eq = arg.indexOf('=');
    const flag = arg.startsWith('--') && eq > 0 ? arg.slice(0, eq) : arg;
    const inline = arg.startsWith('--') && eq > 0 ? arg.slice(eq + 1) : undefined;
    const takeValue = (missing: string): string => {
      if (inline !== undefined) {
        if (inline === '') throw new Error(missing);
        return inline;
      }
      const next = argv[i + 1];
      if (next === undefined || next === '' || next.startsWith('--')) throw new Error(missing);
      i++;
      return next;
    };
    switch (flag) {
      case '--port':
        result.port = parsePort(takeValue('Na --port hoort een poortnummer, bijvoorbeeld --port 8080.'));
        break;
      case '--data-dir':
        dataDir = takeValue('Na --data-dir hoort een map, bijvoorbeeld --data-dir ./gegevens.');
        break;
      case '--no-open':
        result.open = false;
        break;
      case '--open':
        result.open = true;
        break;
      case '--demo':
        result.demo = true;
        break;
      case '--browser':
        result.forceBrowser = true;
        break;
      default:
        break;
    }
  }
  const fromEnv = env.SCHAKEL_DATA_DIR;
  if (dataDir !== undefined) result.dataDir = dataDir;
  else if (fromEnv !== undefined && fromEnv.trim() !== '') result.dataDir = fromEnv;
  return result;
}

/** The OS's per-user application data folder for Schakel (what Electron calls appData + name). */
export function defaultDataDir(platform: NodeJS.Platform | string, env: NodeJS.ProcessEnv, homedir: string): string {
  if (platform === 'win32') {
    const appData = env.APPDATA && path.win32.isAbsolute(env.APPDATA) ? env.APPDATA : path.win32.join(homedir, 'AppData', 'Roaming');
    return path.win32.join(appData, 'Schakel');
  }
  if (platform === 'darwin') return path.posix.join(homedir, 'Library', 'Application Support', 'Schakel');
  const xdg = env.XDG_CONFIG_HOME;
  const config = xdg && path.posix.isAbsolute(xdg) ? xdg : path.posix.join(homedir, '.config');
  return path.posix.join(config, 'Schakel');
}

/** Whether a window can be shown: always on Windows and macOS, on Linux/BSD only with X11 or Wayland. */
export function hasDisplay(platform: NodeJS.Platform | string, env: NodeJS.ProcessEnv): boolean {
  if (platform === 'win32' || platform === 'darwin') return true;
  return Boolean(env.DISPLAY || env.WAYLAND_DISPLAY);
}

/** A Dutch message for a failed desktop start, with a hint when SQLite was built for another runtime. */
export function startupErrorMessage(error: unknown): string {
  const detail = error instanceof Error ? error.message : String(error);
  if (/NODE_MODULE_VERSION|compiled against a different Node\.js version|better_sqlite3\.node/i.test(detail)) {
    return (
      'De SQLite-module is niet gebouwd voor Electron. Zet SCHAKEL_SQLITE_BINDING op het pad van een ' +
      `Electron-build van better_sqlite3.node, of start Schakel met --browser.\n\n${detail}`
    );
  }
  return `Schakel kon niet starten.\n\n${detail}`;
}
