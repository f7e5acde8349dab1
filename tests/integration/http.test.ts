import { mkdirSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_BODY_BYTES, serveBrowserMode, type BrowserServer } from '../../electron/server/http';
import { createTestCore, tempDir, type TestCore } from '../helpers/core';

let core: TestCore;
let server: BrowserServer;

beforeAll(async () => {
  core = await createTestCore();
  const staticDir = tempDir('schakel-static-');
  mkdirSync(path.join(staticDir, 'assets'));
  writeFileSync(path.join(staticDir, 'index.html'), '<!doctype html><title>Schakel</title><div id="root">APP-SHELL</div>');
  writeFileSync(path.join(staticDir, 'assets', 'app.js'), 'console.log("APP-JS")');
  server = await serveBrowserMode({ registry: core.registry, staticDir });
});
afterAll(async () => {
  await server.close();
  await core.dispose();
});

interface Reply { status: number; body: string; headers: http.IncomingHttpHeaders }

function request(opts: { path: string; method?: string; headers?: Record<string, string>; body?: string | Buffer }): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: server.port, path: opts.path, method: opts.method ?? 'GET', headers: opts.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString(), headers: res.headers }));
    });
    req.on('error', reject);
    if (opts.body) req.write(opts.body);
    req.end();
  });
}

const invoke = (name: string, input: unknown, headers: Record<string, string> = {}) =>
  request({
    path: '/api/invoke', method: 'POST',
    headers: { 'content-type': 'application/json', 'x-schakel-token': server.token, ...headers },
    body: JSON.stringify({ name, input }),
  });

describe('browser-mode server', () => {
  it('binds to 127.0.0.1 and prints the token URL', () => {
    expect(server.url).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${server.port}/\\?token=[A-Za-z0-9_-]{20,}$`));
  });

  it('answers 401 without or with a wrong token, and leaks nothing', async () => {
    for (const p of ['/', '/index.html', '/assets/app.js', '/?token=wrong']) {
      const r = await request({ path: p });
      expect(r.status, p).toBe(401);
      expect(r.body).not.toContain('APP');
    }
    const api = await invoke('app.info', {}, { 'x-schakel-token': 'nope' });
    expect(api.status).toBe(401);
    expect(api.body).not.toContain('dataDir');
  });

  it('serves the app with the token and then by cookie', async () => {
    const first = await request({ path: `/?token=${server.token}` });
    expect(first.status).toBe(200);
    expect(first.body).toContain('APP-SHELL');
    expect(first.headers['content-security-policy']).toContain("script-src 'self'");
    const cookie = String(first.headers['set-cookie']).split(';')[0]!;
    expect(cookie).toContain(`schakel_${server.port}=`);
    const asset = await request({ path: '/assets/app.js', headers: { cookie } });
    expect(asset.status).toBe(200);
    expect(asset.body).toContain('APP-JS');
    expect((await request({ path: '/../../etc/passwd', headers: { cookie } })).body).not.toContain('root:');
  });

  it('refuses foreign Host and Origin headers (DNS rebinding, cross-site requests)', async () => {
    const host = await request({ path: `/?token=${server.token}`, headers: { host: `evil.example.com:${server.port}` } });
    expect(host.status).toBe(421);
    const origin = await invoke('app.info', {}, { origin: 'http://evil.example.com' });
    expect(origin.status).toBe(403);
    const ok = await invoke('app.info', {}, { origin: `http://127.0.0.1:${server.port}` });
    expect(ok.status).toBe(200);
  });

  it('runs commands and returns typed errors instead of crashing', async () => {
    const info = JSON.parse((await invoke('app.info', {})).body);
    expect(info).toMatchObject({ ok: true, value: { counts: { pilots: 4 } } });
    const unknown = JSON.parse((await invoke('nothing.here', {})).body);
    expect(unknown).toMatchObject({ ok: false, error: { code: 'unknown_command' } });
    const invalid = JSON.parse((await invoke('people.get', { id: 'x' })).body);
    expect(invalid).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    expect(invalid.error.message).toMatch(/^Ongeldige invoer/);
    const badJson = await request({ path: '/api/invoke', method: 'POST', headers: { 'content-type': 'application/json', 'x-schakel-token': server.token }, body: '{nope' });
    expect(badJson.status).toBe(400);
    const wrongType = await request({ path: '/api/invoke', method: 'POST', headers: { 'content-type': 'text/plain', 'x-schakel-token': server.token }, body: '{}' });
    expect(wrongType.status).toBe(415);
  });

  it('limits the request body size', async () => {
    const big = Buffer.alloc(MAX_BODY_BYTES + 1024, 0x61);
    const r = await request({
      path: '/api/invoke', method: 'POST',
      headers: { 'content-type': 'application/json', 'x-schakel-token': server.token }, body: big,
    }).catch((e) => ({ status: 413, body: String(e), headers: {} }));
    expect(r.status).toBe(413);
    expect((await invoke('app.info', {})).status).toBe(200);
  });
});
