import { EventEmitter } from 'node:events';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { closeOnSignals, LaunchError, runBrowserMode, type SignalTarget } from '../../electron/browser-mode';
import { findElectronBinary, installedElectronBinary, MAX_FETCH_MS } from '../../electron/launch';
import { defaultDataDir, hasDisplay, parseLaunchArgs } from '../../electron/security';

const temps: string[] = [];
function temp(prefix = 'schakel-launch-'): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  temps.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('parseLaunchArgs', () => {
  it('has sensible defaults', () => {
    expect(parseLaunchArgs([], {})).toEqual({ open: true, demo: false, forceBrowser: false });
  });

  it('reads every flag in both spellings', () => {
    expect(parseLaunchArgs(['--port', '8080', '--data-dir', '/tmp/d', '--no-open', '--demo', '--browser'], {})).toEqual({
      port: 8080,
      dataDir: '/tmp/d',
      open: false,
      demo: true,
      forceBrowser: true,
    });
    expect(parseLaunchArgs(['--port=1', '--data-dir=./gegevens met spatie'], {})).toMatchObject({
      port: 1,
      dataDir: './gegevens met spatie',
    });
    expect(parseLaunchArgs(['--port=65535'], {}).port).toBe(65535);
    expect(parseLaunchArgs(['--data-dir=a=b'], {}).dataDir).toBe('a=b');
  });

  it('lets the last occurrence win', () => {
    expect(parseLaunchArgs(['--port', '1000', '--port=2000'], {}).port).toBe(2000);
    expect(parseLaunchArgs(['--no-open', '--open'], {}).open).toBe(true);
  });

  it('takes SCHAKEL_DATA_DIR, but the flag wins', () => {
    expect(parseLaunchArgs([], { SCHAKEL_DATA_DIR: '/env/dir' }).dataDir).toBe('/env/dir');
    expect(parseLaunchArgs(['--data-dir', '/flag/dir'], { SCHAKEL_DATA_DIR: '/env/dir' }).dataDir).toBe('/flag/dir');
    expect(parseLaunchArgs([], { SCHAKEL_DATA_DIR: '' }).dataDir).toBeUndefined();
    expect(parseLaunchArgs([], { SCHAKEL_DATA_DIR: '   ' }).dataDir).toBeUndefined();
  });

  it('ignores arguments it does not know (Electron and the OS add their own)', () => {
    expect(parseLaunchArgs(['--dev', 'main.cjs', '-psn_0_12345', '--enable-logging', '--'], {})).toEqual({
      open: true,
      demo: false,
      forceBrowser: false,
    });
  });

  it.each([
    ['--port', 'abc'],
    ['--port', '0'],
    ['--port', '65536'],
    ['--port', '99999999'],
    ['--port', '-1'],
    ['--port', '80.5'],
    ['--port', '0x50'],
    ['--port', '1e3'],
    ['--port', ' 80'],
    ['--port=8080abc'],
    ['--port=-80'],
  ])('refuses an invalid port: %s %s', (...argv) => {
    expect(() => parseLaunchArgs(argv, {})).toThrow(/Ongeldige poort/);
  });

  it.each([[['--port']], [['--port=']], [['--port', '--demo']], [['--port', '']]])(
    'refuses --port without a number: %j',
    (argv) => {
      expect(() => parseLaunchArgs(argv, {})).toThrow(/Na --port hoort een poortnummer/);
    },
  );

  it.each([[['--data-dir']], [['--data-dir=']], [['--data-dir', '--no-open']]])('refuses --data-dir without a folder: %j', (argv) => {
    expect(() => parseLaunchArgs(argv, {})).toThrow(/Na --data-dir hoort een map/);
  });

  it('does not mistake a value for a flag', () => {
    expect(() => parseLaunchArgs(['--data-dir', '--browser'], {})).toThrow();
    expect(parseLaunchArgs(['--data-dir', '-x'], {}).dataDir).toBe('-x');
  });
});

describe('defaultDataDir', () => {
  it('uses %APPDATA% on Windows', () => {
    expect(defaultDataDir('win32', { APPDATA: 'C:\\Users\\jan\\AppData\\Roaming' }, 'C:\\Users\\jan')).toBe(
      'C:\\Users\\jan\\AppData\\Roaming\\Schakel',
    );
    expect(defaultDataDir('win32', {}, 'C:\\Users\\jan')).toBe('C:\\Users\\jan\\AppData\\Roaming\\Schakel');
    expect(defaultDataDir('win32', { APPDATA: 'relatief' }, 'C:\\Users\\jan')).toBe('C:\\Users\\jan\\AppData\\Roaming\\Schakel');
  });

  it('uses Application Support on macOS', () => {
    expect(defaultDataDir('darwin', { XDG_CONFIG_HOME: '/ignored' }, '/Users/jan')).toBe(
      '/Users/jan/Library/Application Support/Schakel',
    );
  });

  it('uses XDG_CONFIG_HOME or ~/.config on Linux', () => {
    expect(defaultDataDir('linux', {}, '/home/jan')).toBe('/home/jan/.config/Schakel');
    expect(defaultDataDir('linux', { XDG_CONFIG_HOME: '/data/config' }, '/home/jan')).toBe('/data/config/Schakel');
    expect(defaultDataDir('linux', { XDG_CONFIG_HOME: '' }, '/home/jan')).toBe('/home/jan/.config/Schakel');
    expect(defaultDataDir('linux', { XDG_CONFIG_HOME: 'relative/config' }, '/home/jan')).toBe('/home/jan/.config/Schakel');
    expect(defaultDataDir('freebsd', {}, '/home/jan')).toBe('/home/jan/.config/Schakel');
  });
});

describe('hasDisplay', () => {
  it('is always true on Windows and macOS, and needs X11 or Wayland elsewhere', () => {
    expect(hasDisplay('win32', {})).toBe(true);
    expect(hasDisplay('darwin', {})).toBe(true);
    expect(hasDisplay('linux', {})).toBe(false);
    expect(hasDisplay('linux', { DISPLAY: '' })).toBe(false);
    expect(hasDisplay('linux', { DISPLAY: ':0' })).toBe(true);
    expect(hasDisplay('linux', { WAYLAND_DISPLAY: 'wayland-0' })).toBe(true);
  });
});

describe('findElectronBinary', () => {
  const VERSION = '45.4.1';

  function fakeElectron(options: { installed?: boolean; installer?: string; version?: string } = {}): string {
    const dir = temp('schakel-electron-');
    writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'electron', version: VERSION }));
    if (options.installed) writeInstalled(dir, options.version ?? VERSION);
    if (options.installer !== undefined) writeFileSync(path.join(dir, 'install.js'), options.installer);
    return dir;
  }

  function writeInstalled(dir: string, version: string): string {
    mkdirSync(path.join(dir, 'dist'), { recursive: true });
    writeFileSync(path.join(dir, 'dist', 'version'), `v${version}`);
    writeFileSync(path.join(dir, 'path.txt'), 'electron');
    const binary = path.join(dir, 'dist', 'electron');
    writeFileSync(binary, '#!/bin/sh\nexit 0\n');
    chmodSync(binary, 0o755);
    return binary;
  }

  const installerThatInstalls = `
    const fs = require('fs'), path = require('path');
    console.log('Downloading Electron binary...'); console.error('noise');
    fs.mkdirSync(path.join(__dirname, 'dist'), { recursive: true });
    fs.writeFileSync(path.join(__dirname, 'dist', 'version'), 'v${VERSION}');
    const bin = path.join(__dirname, 'dist', 'electron');
    fs.writeFileSync(bin, '#!/bin/sh\\nexit 0\\n'); fs.chmodSync(bin, 0o755);
    fs.writeFileSync(path.join(__dirname, 'path.txt'), 'electron');
    fs.writeFileSync(path.join(__dirname, 'ran'), '1');
  `;

  it('returns an installed binary of the right version without fetching', async () => {
    const dir = fakeElectron({ installed: true, installer: 'require("fs").writeFileSync(__dirname + "/ran", "1")' });
    expect(await findElectronBinary({ electronDir: dir, env: {} })).toBe(path.join(dir, 'dist', 'electron'));
    expect(existsSync(path.join(dir, 'ran'))).toBe(false);
  });

  it('fetches through the package install.js when the binary is missing', async () => {
    const dir = fakeElectron({ installer: installerThatInstalls });
    expect(await findElectronBinary({ electronDir: dir, env: {} })).toBe(path.join(dir, 'dist', 'electron'));
    expect(existsSync(path.join(dir, 'ran'))).toBe(true);
  });

  it('fetches again when the installed binary has another version', async () => {
    const dir = fakeElectron({ installed: true, version: '44.0.0', installer: installerThatInstalls });
    expect(installedElectronBinary(dir, {})).toBeNull();
    expect(await findElectronBinary({ electronDir: dir, env: {} })).toBe(path.join(dir, 'dist', 'electron'));
  });

  it('does not try to fetch on CI, with ELECTRON_SKIP_BINARY_DOWNLOAD or SCHAKEL_NO_ELECTRON', async () => {
    for (const env of [{ CI: 'true' }, { ELECTRON_SKIP_BINARY_DOWNLOAD: '1' }, { SCHAKEL_NO_ELECTRON: '1' }]) {
      const dir = fakeElectron({ installer: installerThatInstalls });
      expect(await findElectronBinary({ electronDir: dir, env })).toBeNull();
      expect(existsSync(path.join(dir, 'ran'))).toBe(false);
    }
  });

  it('SCHAKEL_NO_ELECTRON=1 ignores even an installed binary; CI=true uses it', async () => {
    const dir = fakeElectron({ installed: true });
    expect(await findElectronBinary({ electronDir: dir, env: { SCHAKEL_NO_ELECTRON: '1' } })).toBeNull();
    expect(await findElectronBinary({ electronDir: dir, env: { CI: 'true' } })).toBe(path.join(dir, 'dist', 'electron'));
    expect(await findElectronBinary({ electronDir: dir, env: { CI: 'false', SCHAKEL_NO_ELECTRON: '0' } })).toBe(
      path.join(dir, 'dist', 'electron'),
    );
  });

  it('returns null when the download fails', async () => {
    const dir = fakeElectron({ installer: 'console.error("fetch failed"); process.exit(1);' });
    expect(await findElectronBinary({ electronDir: dir, env: {} })).toBeNull();
  });

  it('gives up on a hanging download within the time limit and kills it', async () => {
    const dir = fakeElectron({
      installer: 'require("fs").writeFileSync(__dirname + "/pid", String(process.pid)); setInterval(() => {}, 1000);',
    });
    const started = Date.now();
    expect(await findElectronBinary({ electronDir: dir, env: {}, timeoutMs: 1500 })).toBeNull();
    expect(Date.now() - started).toBeLessThan(5000);
    const pid = Number(readFileSync(path.join(dir, 'pid'), 'utf8'));
    await new Promise((r) => setTimeout(r, 200));
    expect(() => process.kill(pid, 0)).toThrow();
  });

  it('never waits longer than the maximum', () => {
    expect(MAX_FETCH_MS).toBeLessThanOrEqual(20_000);
  });

  it('refuses a path.txt that points outside dist', async () => {
    const dir = fakeElectron({ installed: true });
    writeFileSync(path.join(dir, 'path.txt'), '../../../bin/sh');
    expect(installedElectronBinary(dir, {})).toBeNull();
  });

  it('honours ELECTRON_OVERRIDE_DIST_PATH and never fetches with it', async () => {
    const dir = fakeElectron({ installer: installerThatInstalls });
    const override = temp('schakel-override-');
    const binary = path.join(override, 'electron');
    writeFileSync(binary, '#!/bin/sh\n');
    chmodSync(binary, 0o755);
    expect(await findElectronBinary({ electronDir: dir, env: { ELECTRON_OVERRIDE_DIST_PATH: override } })).toBe(binary);
    rmSync(binary);
    expect(await findElectronBinary({ electronDir: dir, env: { ELECTRON_OVERRIDE_DIST_PATH: override } })).toBeNull();
    expect(existsSync(path.join(dir, 'ran'))).toBe(false);
  });

  it('returns null, not an error, when the package folder is unusable', async () => {
    expect(await findElectronBinary({ electronDir: path.join(temp(), 'missing'), env: {} })).toBeNull();
  });
});

describe('closeOnSignals', () => {
  class FakeProcess extends EventEmitter implements SignalTarget {
    codes: number[] = [];
    exit(code?: number): void {
      this.codes.push(code ?? 0);
    }
  }

  it('closes once and exits 0 on Ctrl-C', async () => {
    const target = new FakeProcess();
    let closed = 0;
    closeOnSignals(async () => void closed++, target);
    target.emit('SIGINT');
    await new Promise((r) => setTimeout(r, 10));
    expect(closed).toBe(1);
    expect(target.codes).toEqual([0]);
  });

  it('exits 1 on a second signal while closing, and when closing fails', async () => {
    const slow = new FakeProcess();
    closeOnSignals(() => new Promise(() => {}), slow);
    slow.emit('SIGTERM');
    slow.emit('SIGINT');
    expect(slow.codes).toEqual([1]);

    const failing = new FakeProcess();
    closeOnSignals(() => Promise.reject(new Error('x')), failing);
    failing.emit('SIGTERM');
    await new Promise((r) => setTimeout(r, 10));
    expect(failing.codes).toEqual([1]);
  });

  it('exits 1 when closing takes longer than the grace period', async () => {
    const target = new FakeProcess();
    closeOnSignals(() => new Promise(() => {}), target, 20);
    target.emit('SIGINT');
    await new Promise((r) => setTimeout(r, 60));
    expect(target.codes).toEqual([1]);
  });

  it('can be removed', () => {
    const target = new FakeProcess();
    const remove = closeOnSignals(async () => {}, target);
    remove();
    expect(target.listenerCount('SIGINT')).toBe(0);
    expect(target.listenerCount('SIGTERM')).toBe(0);
  });
});

describe('runBrowserMode', () => {
  function staticDir(): string {
    const dir = temp('schakel-static-');
    writeFileSync(path.join(dir, 'index.html'), '<!doctype html><title>Schakel</title>');
    return dir;
  }

  it('serves the renderer and the commands behind the token, and closes cleanly', async () => {
    const dataDir = temp('schakel-data-');
    const handle = await runBrowserMode({ dataDir, staticDir: staticDir(), open: false });
    try {
      expect(handle.url).toBe(`http://127.0.0.1:${handle.port}/`);
      const launch = handle.launchUrl();
      expect(launch).not.toContain(handle.token);
      const page = await fetch(launch);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('<title>Schakel</title>');
      expect((await fetch(launch)).status).toBe(401);
      const call = await fetch(`http://127.0.0.1:${handle.port}/api/invoke`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'X-Schakel-Token': handle.token },
        body: JSON.stringify({ name: 'geen.opdracht', input: {}, lang: 'nl' }),
      });
      expect(await call.json()).toMatchObject({ ok: false, error: { code: 'unknown_command' } });
      expect((await fetch(`http://127.0.0.1:${handle.port}/`)).status).toBe(401);
    } finally {
      await handle.close();
      await handle.close();
    }
    expect(existsSync(path.join(dataDir, 'schakel.db'))).toBe(true);
    expect(existsSync(handle.launchFile)).toBe(false);
    await expect(fetch(handle.url)).rejects.toThrow();
  });

  it('opens the browser on a private start file: no token or code in the process arguments', async () => {
    const dataDir = temp('schakel-data-');
    const bin = temp('schakel-bin-');
    const argsFile = path.join(bin, 'args.txt');
    writeFileSync(path.join(bin, 'xdg-open'), `#!/bin/sh\nprintf '%s\\n' "$@" > "${argsFile}.tmp" && mv "${argsFile}.tmp" "${argsFile}"\n`);
    chmodSync(path.join(bin, 'xdg-open'), 0o755);
    const env = { ...process.env, DISPLAY: ':99', PATH: `${bin}:${process.env.PATH ?? ''}` };
    const handle = await runBrowserMode({ dataDir, staticDir: staticDir(), open: true, platform: 'linux', env });
    try {
      const deadline = Date.now() + 10_000;
      while (!existsSync(argsFile) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      const args = readFileSync(argsFile, 'utf8');
      expect(args.trim()).toBe(pathToFileURL(handle.launchFile).href);
      expect(args).not.toContain(handle.token);
      expect(args).not.toContain('code=');

      expect(statSync(handle.launchFile).mode & 0o777).toBe(0o600);
      const code = () => /url=(http:\/\/127\.0\.0\.1:\d+\/\?code=[A-Za-z0-9_-]+)/.exec(readFileSync(handle.launchFile, 'utf8'))![1]!;
      const first = code();
      expect(first).not.toContain(handle.token);
      const opened = await fetch(first);
      expect(opened.status).toBe(200);
      expect(await opened.text()).toContain(handle.token);
      expect((await fetch(first)).status, 'a code works once').toBe(401);
      const next = code();
      expect(next, 'the start file gets a fresh code').not.toBe(first);
      expect((await fetch(next)).status).toBe(200);
    } finally {
      await handle.close();
    }
  });

  it('explains in Dutch when the port is taken', async () => {
    const blocker = net.createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', () => r()));
    const port = (blocker.address() as net.AddressInfo).port;
    try {
      const attempt = runBrowserMode({ dataDir: temp('schakel-data-'), staticDir: staticDir(), port, open: false });
      await expect(attempt).rejects.toBeInstanceOf(LaunchError);
      await expect(attempt).rejects.toThrow(`Poort ${port} is al in gebruik`);
    } finally {
      await new Promise((r) => blocker.close(r));
    }
  });

  it('explains in Dutch when the renderer has not been built', async () => {
    const attempt = runBrowserMode({ dataDir: temp('schakel-data-'), staticDir: temp('schakel-empty-'), open: false });
    await expect(attempt).rejects.toBeInstanceOf(LaunchError);
    await expect(attempt).rejects.toThrow(/npm run build:renderer/);
  });
});
