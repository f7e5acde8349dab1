import { spawn } from 'node:child_process';
import { chmodSync, existsSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { startCore } from './core';
import { hasDisplay } from './security';
import { serveBrowserMode } from './server/http';

/** A start-up problem the user can fix; its message is a plain Dutch sentence. */
export class LaunchError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LaunchError';
  }
}

export interface BrowserModeOptions {
  dataDir: string;
  staticDir: string;
  demo?: boolean;
  port?: number;
  /** Open the default browser (only done when a display is available). */
  open?: boolean;
  nativeBinding?: string;
  now?: () => Date;
  platform?: NodeJS.Platform;
  env?: NodeJS.ProcessEnv;
}

export interface BrowserModeHandle {
  /** The address without any secret. */
  url: string;
  port: number;
  token: string;
  dataDir: string;
  /** The private (0600) start page in the data folder; it always holds an unspent one-time code. */
  launchFile: string;
  /** A fresh one-time code URL that expires after `ttlMs` (for the terminal). */
  launchUrl(ttlMs?: number): string;
  /** Closes the server, then the core (database). Safe to call more than once. */
  close(): Promise<void>;
}

function portProblem(error: unknown, port: number | undefined): LaunchError | null {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  if (code === 'EADDRINUSE') {
    return new LaunchError(
      `Poort ${port} is al in gebruik; sluit het programma dat die poort gebruikt of kies een andere met --port.`,
    );
  }
  if (code === 'EACCES') {
    return new LaunchError(`Schakel mag poort ${port} niet gebruiken; kies een poort boven 1024 met --port.`);
  }
  return null;
}

export const LAUNCH_FILE = 'schakel-openen.html';
export const PRINTED_CODE_TTL_MS = 10 * 60_000;

/** A start page that forwards to a one-time code URL, readable by this user only. */
function writeLaunchFile(file: string, url: string): void {
  const html =
    '<!doctype html><meta charset="utf-8"><meta name="referrer" content="no-referrer">' +
    `<meta http-equiv="refresh" content="0;url=${url}"><title>Schakel</title>` +
    `<p><a href="${url}">Schakel openen / Open Schakel</a></p>\n`;
  writeFileSync(file, html, { mode: 0o600 });
  chmodSync(file, 0o600);
}

/**
 * Opens a URL or file in the default browser, detached; failures are ignored. Whatever is passed
 * here is visible in the process list: never a secret.
 */
export function openInBrowser(url: string, platform: NodeJS.Platform = process.platform, env: NodeJS.ProcessEnv = process.env): void {
  const [command, args, verbatim] =
    platform === 'win32'
      ? ['cmd', ['/d', '/s', '/c', `"start "" "${url}""`], true]
      : platform === 'darwin'
        ? ['open', [url], false]
        : ['xdg-open', [url], false];
  try {
    const child = spawn(command, args, {
      detached: true,
      stdio: 'ignore',
      windowsHide: true,
      windowsVerbatimArguments: verbatim,
      env,
    });
    child.on('error', () => {});
    child.unref();
  } catch {
    // No browser opener: the URL is printed anyway.
  }
}

/**
 * Browser mode: core + HTTP server on 127.0.0.1 with a per-launch token. Returns once it listens;
 * prints nothing (the caller prints the URL). A port in use or a missing renderer build becomes a
 * LaunchError with a Dutch message, and the database is closed again before it is thrown.
 */
export async function runBrowserMode(options: BrowserModeOptions): Promise<BrowserModeHandle> {
  const staticDir = path.resolve(options.staticDir);
  if (!existsSync(path.join(staticDir, 'index.html'))) {
    throw new LaunchError(
      `De schermen van Schakel zijn nog niet gebouwd (${path.join(staticDir, 'index.html')} ontbreekt); voer eerst "npm run build:renderer" uit.`,
    );
  }
  const dataDir = path.resolve(options.dataDir);
  const core = await startCore({ dataDir, demo: options.demo, nativeBinding: options.nativeBinding, now: options.now });
  let server: Awaited<ReturnType<typeof serveBrowserMode>>;
  try {
    server = await serveBrowserMode({ registry: core.registry, staticDir, port: options.port });
  } catch (error) {
    await core.close().catch(() => {});
    throw portProblem(error, options.port) ?? error;
  }
  const launchFile = path.join(dataDir, LAUNCH_FILE);
  let fileCode = '';
  const refreshLaunchFile = () => {
    const url = server.launchUrl();
    fileCode = new URL(url).searchParams.get('code') ?? '';
    writeLaunchFile(launchFile, url);
  };
  try {
    refreshLaunchFile();
  } catch (error) {
    await server.close().catch(() => {});
    await core.close().catch(() => {});
    throw error;
  }
  server.onCodeUsed = (code) => {
    if (code !== fileCode) return;
    try {
      refreshLaunchFile();
    } catch {
      // The printed URL still works; the file is rewritten at the next start.
    }
  };
  const platform = options.platform ?? process.platform;
  const env = options.env ?? process.env;
  if (options.open && hasDisplay(platform, env)) openInBrowser(pathToFileURL(launchFile).href, platform, env);

  let closing: Promise<void> | null = null;
  return {
    url: server.url,
    port: server.port,
    token: server.token,
    dataDir,
    launchFile,
    launchUrl: (ttlMs = PRINTED_CODE_TTL_MS) => server.launchUrl({ ttlMs }),
    close() {
      closing ??= (async () => {
        try {
          await server.close();
        } finally {
          rmSync(launchFile, { force: true });
          await core.close();
        }
      })();
      return closing;
    },
  };
}

export interface SignalTarget {
  on(signal: NodeJS.Signals, listener: () => void): unknown;
  off(signal: NodeJS.Signals, listener: () => void): unknown;
  exit(code?: number): never | void;
}

/**
 * Ctrl-C / SIGTERM: close cleanly and exit 0 (1 if closing failed). A second signal, or closing that
 * takes longer than `graceMs`, exits at once with 1. Returns a function that removes the handlers.
 */
export function closeOnSignals(
  close: () => Promise<void>,
  target: SignalTarget = process,
  graceMs = 10_000,
): () => void {
  let stopping = false;
  const onSignal = () => {
    if (stopping) {
      target.exit(1);
      return;
    }
    stopping = true;
    const timer = setTimeout(() => target.exit(1), graceMs);
    timer.unref?.();
    close().then(
      () => {
        clearTimeout(timer);
        target.exit(0);
      },
      () => {
        clearTimeout(timer);
        target.exit(1);
      },
    );
  };
  target.on('SIGINT', onSignal);
  target.on('SIGTERM', onSignal);
  return () => {
    target.off('SIGINT', onSignal);
    target.off('SIGTERM', onSignal);
  };
}
