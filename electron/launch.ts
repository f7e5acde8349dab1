import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { accessSync, constants, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

/**
 * Finding and starting Electron from plain Node (`npm start`). The electron package (v45) keeps its
 * binary outside npm: `index.js` reads `path.txt` and, when the binary is missing, runs
 * `install.js` synchronously with inherited output (a download from GitHub via @electron/get).
 * We never `require('electron')` here: that would block and print. Instead we read the same files
 * and, when needed, run `install.js` ourselves, silently and with a time limit.
 */

export const MAX_FETCH_MS = 20_000;

export interface FindElectronOptions {
  env?: NodeJS.ProcessEnv;
  /** Time limit for the download attempt; at most MAX_FETCH_MS. */
  timeoutMs?: number;
  /** The electron package folder; found through node_modules by default. */
  electronDir?: string;
}

function truthy(value: string | undefined): boolean {
  return value !== undefined && value !== '' && value !== '0' && value.toLowerCase() !== 'false';
}

export function electronPackageDir(): string | null {
  try {
    return path.dirname(createRequire(import.meta.url).resolve('electron/package.json'));
  } catch {
    return null;
  }
}

function isExecutableFile(file: string): boolean {
  try {
    if (!statSync(file).isFile()) return false;
    if (process.platform !== 'win32') accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function readText(file: string): string | null {
  try {
    return readFileSync(file, 'utf8').trim();
  } catch {
    return null;
  }
}

/** The binary the electron package would run, if it is already there (and of the right version). */
export function installedElectronBinary(electronDir: string, env: NodeJS.ProcessEnv = process.env): string | null {
  const relative = readText(path.join(electronDir, 'path.txt'));
  if (env.ELECTRON_OVERRIDE_DIST_PATH) {
    const candidate = path.join(env.ELECTRON_OVERRIDE_DIST_PATH, relative || 'electron');
    return isExecutableFile(candidate) ? candidate : null;
  }
  if (!relative || path.isAbsolute(relative) || relative.split(/[\\/]/).includes('..')) return null;
  let version: string | undefined;
  try {
    version = (JSON.parse(readFileSync(path.join(electronDir, 'package.json'), 'utf8')) as { version?: string }).version;
  } catch {
    return null;
  }
  const installed = readText(path.join(electronDir, 'dist', 'version'))?.replace(/^v/, '');
  if (!version || installed !== version) return null;
  const candidate = path.join(electronDir, 'dist', relative);
  return isExecutableFile(candidate) ? candidate : null;
}

function stop(child: ChildProcess): void {
  try {
    if (child.pid !== undefined && process.platform !== 'win32') process.kill(-child.pid, 'SIGKILL');
    else child.kill('SIGKILL');
  } catch {
    try {
      child.kill('SIGKILL');
    } catch {
      // already gone
    }
  }
}

/** Runs the package's own install.js without output; true when it finished successfully in time. */
function runInstaller(electronDir: string, env: NodeJS.ProcessEnv, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    let settled = false;
    const finish = (ok: boolean) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(ok);
    };
    let child: ChildProcess;
    try {
      const childEnv = { ...env };
      delete childEnv.ELECTRON_RUN_AS_NODE;
      child = spawn(process.execPath, [path.join(electronDir, 'install.js')], {
        cwd: electronDir,
        env: childEnv,
        stdio: 'ignore',
        detached: process.platform !== 'win32',
        windowsHide: true,
      });
    } catch {
      resolve(false);
      return;
    }
    const timer = setTimeout(() => {
      stop(child);
      finish(false);
    }, timeoutMs);
    child.once('error', () => finish(false));
    child.once('exit', (code) => finish(code === 0));
  });
}

/**
 * The path of a runnable Electron binary, or null. Uses an installed binary when present; otherwise
 * tries the package's download once (silently, at most 20 s) unless CI=true,
 * ELECTRON_SKIP_BINARY_DOWNLOAD is set, or SCHAKEL_NO_ELECTRON=1 (which also ignores an installed
 * binary). Never throws, never prints.
 */
export async function findElectronBinary(options: FindElectronOptions = {}): Promise<string | null> {
  const env = options.env ?? process.env;
  if (truthy(env.SCHAKEL_NO_ELECTRON)) return null;
  const electronDir = options.electronDir ?? electronPackageDir();
  if (!electronDir) return null;
  const installed = installedElectronBinary(electronDir, env);
  if (installed) return installed;
  if (truthy(env.CI) || truthy(env.ELECTRON_SKIP_BINARY_DOWNLOAD) || env.ELECTRON_OVERRIDE_DIST_PATH) return null;
  try {
    statSync(path.join(electronDir, 'install.js'));
  } catch {
    return null;
  }
  const timeoutMs = Math.max(0, Math.min(options.timeoutMs ?? MAX_FETCH_MS, MAX_FETCH_MS));
  const ok = await runInstaller(electronDir, env, timeoutMs);
  return ok ? installedElectronBinary(electronDir, env) : null;
}

/** Bundles main and preload (scripts/build-electron.mjs); true when it succeeded. */
export function buildElectronBundle(projectRoot: string): boolean {
  const result = spawnSync(process.execPath, [path.join(projectRoot, 'scripts', 'build-electron.mjs')], {
    cwd: projectRoot,
    stdio: 'inherit',
  });
  return result.status === 0;
}

export interface RunElectronOptions {
  binary: string;
  projectRoot: string;
  argv: string[];
  env?: NodeJS.ProcessEnv;
}

/** Starts the desktop app and resolves with its exit code; Ctrl-C and SIGTERM are passed on. */
export function runElectronApp(options: RunElectronOptions): Promise<number> {
  const env = { ...(options.env ?? process.env) };
  delete env.ELECTRON_RUN_AS_NODE;
  const main = path.join(options.projectRoot, 'dist', 'electron', 'main.cjs');
  return new Promise((resolve) => {
    const child = spawn(options.binary, [main, ...options.argv], { cwd: options.projectRoot, env, stdio: 'inherit' });
    const forward = (signal: NodeJS.Signals) => () => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    };
    const onInt = forward('SIGINT');
    const onTerm = forward('SIGTERM');
    process.on('SIGINT', onInt);
    process.on('SIGTERM', onTerm);
    let finished = false;
    const done = (code: number) => {
      if (finished) return;
      finished = true;
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
      resolve(code);
    };
    child.once('error', () => done(1));
    child.once('exit', (code, signal) => done(code ?? (signal === 'SIGINT' || signal === 'SIGTERM' ? 0 : 1)));
  });
}
