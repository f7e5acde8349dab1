import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createReadStream, existsSync, readFileSync, statSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Registry } from '../commands/registry';

export const MAX_BODY_BYTES = 48 * 1024 * 1024;
const HOST = '127.0.0.1';

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
};

export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob: https:",
  "font-src 'self'",
  "connect-src 'self'",
  "frame-src 'self' blob: data:",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

export interface BrowserServer {
  /** The address without any secret. */
  url: string;
  port: number;
  /** The API token: only ever sent in the X-Schakel-Token header. */
  token: string;
  /**
   * A fresh one-time code as an openable URL. Opening it once sets the page cookie (its own secret,
   * not the token) and hands the page the token inside the HTML; the code is then spent.
   */
  launchUrl(options?: { ttlMs?: number }): string;
  /** Called with each code once it has been spent. */
  onCodeUsed?: (code: string) => void;
  close(): Promise<void>;
}

export interface ServeOptions {
  registry: Registry;
  staticDir: string;
  port?: number;
  token?: string;
}

function tokenMatches(given: string | null | undefined, token: string): boolean {
  if (!given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

function cookieValue(header: string | undefined, name: string): string | null {
  if (!header) return null;
  for (const part of header.split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return v.join('=');
  }
  return null;
}

const escapeAttribute = (value: string) => value.replace(/[&"<>]/g, (c) => `&#${c.charCodeAt(0)};`);

/** index.html with the API token in a meta tag the renderer reads once and removes. */
function withToken(html: string, token: string): string {
  const meta = `<meta name="schakel-token" content="${escapeAttribute(token)}" />`;
  return /<head[^>]*>/i.test(html) ? html.replace(/<head[^>]*>/i, (head) => head + meta) : meta + html;
}

const SPENT_CODE = 'Deze link is al gebruikt of verlopen. Open Schakel opnieuw via de link in het startbestand of start Schakel opnieuw. / This link has been used or has expired. Open Schakel again through the start file, or restart it.';

function send(res: http.ServerResponse, status: number, body: string, type = 'text/plain; charset=utf-8'): void {
  res.writeHead(status, { 'Content-Type': type, 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}

/** Serves the renderer and the command endpoint on 127.0.0.1, guarded by a per-launch token. */
export async function serveBrowserMode(options: ServeOptions): Promise<BrowserServer> {
  const token = options.token ?? randomBytes(24).toString('base64url');
  // The cookie has its own secret: browsers send cookies to every port of 127.0.0.1.
  const cookieSecret = randomBytes(24).toString('base64url');
  const codes = new Map<string, number>();
  const staticRoot = path.resolve(options.staticDir);
  let port = 0;
  const cookieName = () => `schakel_${port}`;

  const server = http.createServer((req, res) => {
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'no-referrer');
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('Content-Security-Policy', CONTENT_SECURITY_POLICY);
    res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
    res.setHeader('X-Frame-Options', 'DENY');

    // DNS rebinding: only our own host names are answered.
    const allowedHosts = [`127.0.0.1:${port}`, `localhost:${port}`];
    if (!req.headers.host || !allowedHosts.includes(req.headers.host.toLowerCase())) {
      return send(res, 421, 'Misdirected request');
    }
    const origin = req.headers.origin;
    if (origin !== undefined && !allowedHosts.some((h) => origin === `http://${h}`)) {
      return send(res, 403, 'Forbidden');
    }

    const url = new URL(req.url ?? '/', `http://${req.headers.host}`);
    const code = url.searchParams.get('code');
    const headerToken = req.headers['x-schakel-token'];
    const cookie = cookieValue(req.headers.cookie, cookieName());

    if (url.pathname === '/api/invoke') {
      if (!tokenMatches(typeof headerToken === 'string' ? headerToken : null, token)) {
        return send(res, 401, 'Unauthorized');
      }
      if (req.method !== 'POST') return send(res, 405, 'Method not allowed');
      if (!(req.headers['content-type'] ?? '').startsWith('application/json')) {
        return send(res, 415, 'Unsupported media type');
      }
      const declared = Number(req.headers['content-length'] ?? 0);
      if (declared > MAX_BODY_BYTES) {
        res.setHeader('Connection', 'close');
        return send(res, 413, 'Payload too large');
      }
      const chunks: Buffer[] = [];
      let size = 0;
      let aborted = false;
      req.on('data', (chunk: Buffer) => {
        if (aborted) return;
        size += chunk.length;
        if (size > MAX_BODY_BYTES) {
          aborted = true;
          res.setHeader('Connection', 'close');
          send(res, 413, 'Payload too large');
          req.destroy();
          return;
        }
        chunks.push(chunk);
      });
      req.on('end', () => {
        if (aborted) return;
        let body: { name?: unknown; input?: unknown; lang?: unknown };
        try {
          body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
        } catch {
          return send(res, 400, JSON.stringify({ ok: false, error: { code: 'bad_json', message: 'Ongeldige JSON.' } }), 'application/json');
        }
        if (typeof body !== 'object' || body === null) return send(res, 400, 'Bad request');
        const lang = body.lang === 'en' ? 'en' : 'nl';
        options.registry.invoke(body.name, body.input, lang).then(
          (result) => send(res, 200, JSON.stringify(result), 'application/json; charset=utf-8'),
          () => send(res, 500, 'Internal error'),
        );
      });
      return;
    }

    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'Method not allowed');
    let launched = false;
    if (code !== null && req.method === 'GET') {
      const expires = codes.get(code);
      codes.delete(code);
      launched = expires !== undefined && expires > Date.now();
      if (launched) {
        res.setHeader('Set-Cookie', `${cookieName()}=${cookieSecret}; HttpOnly; SameSite=Strict; Path=/`);
        handle.onCodeUsed?.(code);
      }
    }
    const withCookie = tokenMatches(cookie, cookieSecret);
    if (!launched && !withCookie) return send(res, 401, code === null ? 'Unauthorized' : SPENT_CODE);

    let relative: string;
    try {
      relative = decodeURIComponent(url.pathname);
    } catch {
      return send(res, 400, 'Bad request');
    }
    if (relative === '/' || !path.extname(relative)) relative = '/index.html';
    const file = path.resolve(staticRoot, '.' + relative);
    if (!file.startsWith(staticRoot + path.sep) || !existsSync(file) || !statSync(file).isFile()) {
      return send(res, 404, 'Not found');
    }
    if (launched && path.extname(file) === '.html') {
      return send(res, 200, withToken(readFileSync(file, 'utf8'), token), MIME['.html']);
    }
    res.writeHead(200, { 'Content-Type': MIME[path.extname(file)] ?? 'application/octet-stream' });
    if (req.method === 'HEAD') return res.end();
    createReadStream(file).pipe(res);
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, HOST, () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  const handle: BrowserServer = {
    port,
    token,
    url: `http://${HOST}:${port}/`,
    launchUrl({ ttlMs = Number.POSITIVE_INFINITY } = {}) {
      const fresh = randomBytes(24).toString('base64url');
      codes.set(fresh, Date.now() + ttlMs);
      return `http://${HOST}:${port}/?code=${fresh}`;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  return handle;
}
