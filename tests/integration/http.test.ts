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

/** Streams a body larger than the limit and resolves with the server's answer (errors after it are ignored). */
function postTooLarge(declareLength: boolean): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const chunk = Buffer.alloc(1024 * 1024, 0x61);
    const total = MAX_BODY_BYTES + chunk.length;
    let answered = false;
    const headers: Record<string, string | number> = { 'content-type': 'application/json', 'x-schakel-token': server.token };
    if (declareLength) headers['content-length'] = total;
    const req = http.request({ host: '127.0.0.1', port: server.port, path: '/api/invoke', method: 'POST', headers }, (res) => {
      answered = true;
      const chunks: Buffer[] = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString(), headers: res.headers }));
      res.on('error', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString(), headers: res.headers }));
    });
    req.on('error', (error) => {
      if (!answered) reject(error);
    });
    let sent = 0;
    const pump = () => {
      while (!answered && sent < total) {
        sent += chunk.length;
        if (!req.write(chunk)) return void req.once('drain', pump);
      }
      if (!answered) req.end();
    };
    if (declareLength) req.flushHeaders();
    else pump();
  });
}

describe('browser-mode server', () => {
  it('binds to 127.0.0.1; its address carries no secret, a launch URL a one-time code', () => {
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/`);
    const launch = server.launchUrl();
    expect(launch).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${server.port}/\\?code=[A-Za-z0-9_-]{20,}$`));
    expect(launch).not.toContain(server.token);
    expect(server.launchUrl()).not.toBe(launch);
  });

  it('answers 401 without a code or cookie, with a wrong one, or with the token in the URL, and leaks nothing', async () => {
    for (const p of ['/', '/index.html', '/assets/app.js', '/?code=wrong', `/?token=${server.token}`]) {
      const r = await request({ path: p });
      expect(r.status, p).toBe(401);
      expect(r.body).not.toContain('APP');
    }
    const api = await invoke('app.info', {}, { 'x-schakel-token': 'nope' });
    expect(api.status).toBe(401);
    expect(api.body).not.toContain('dataDir');
  });

  it('exchanges a one-time code for a cookie with its own secret and hands the token over in the page only', async () => {
    const code = new URL(server.launchUrl()).search;
    const first = await request({ path: `/${code}` });
    expect(first.status).toBe(200);
    expect(first.body).toContain('APP-SHELL');
    expect(first.body).toContain(`<meta name="schakel-token" content="${server.token}" />`);
    expect(first.headers['content-security-policy']).toContain("script-src 'self'");
    const cookie = String(first.headers['set-cookie']).split(';')[0]!;
    expect(cookie).toMatch(new RegExp(`^schakel_${server.port}=[A-Za-z0-9_-]{20,}$`));
    expect(String(first.headers['set-cookie'])).not.toContain(server.token);
    expect(String(first.headers['set-cookie'])).toContain('HttpOnly');

    const asset = await request({ path: '/assets/app.js', headers: { cookie } });
    expect(asset.status).toBe(200);
    expect(asset.body).toContain('APP-JS');
    const again = await request({ path: '/', headers: { cookie } });
    expect(again.status).toBe(200);
    expect(again.body).toContain('APP-SHELL');
    expect(again.body, 'the cookie alone never yields the token').not.toContain(server.token);
    const cookieOnly = await request({
      path: '/api/invoke', method: 'POST', headers: { 'content-type': 'application/json', cookie }, body: JSON.stringify({ name: 'app.info', input: {} }),
    });
    expect(cookieOnly.status).toBe(401);
    expect((await request({ path: '/../../etc/passwd', headers: { cookie } })).body).not.toContain('root:');
  });

  it('refuses a code the second time and after it expired', async () => {
    const code = new URL(server.launchUrl()).search;
    expect((await request({ path: `/${code}` })).status).toBe(200);
    const second = await request({ path: `/${code}` });
    expect(second.status).toBe(401);
    expect(second.body).toContain('Deze link is al gebruikt of verlopen');
    expect(second.body).not.toContain(server.token);
    const expired = new URL(server.launchUrl({ ttlMs: 0 })).search;
    expect((await request({ path: `/${expired}` })).status).toBe(401);
  });

  it('refuses foreign Host and Origin headers (DNS rebinding, cross-site requests)', async () => {
    const host = await request({ path: '/' + new URL(server.launchUrl()).search, headers: { host: `evil.example.com:${server.port}` } });
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

  it('answers 413 to a body over the limit, declared or streamed, and keeps serving', async () => {
    for (const declared of [true, false]) {
      const r = await postTooLarge(declared);
      expect(r.status, declared ? 'declared length' : 'streamed').toBe(413);
      expect(r.body).toBe('Payload too large');
    }
    expect((await invoke('app.info', {})).status).toBe(200);
  });
});
