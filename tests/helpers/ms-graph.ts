import { randomBytes, randomUUID } from 'node:crypto';
import https from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { GRAPH_RESOURCE, type MsIdentity } from './ms-identity';
import type { TestCa } from './ms-tls';

/**
 * A local stand-in for the parts of Microsoft Graph v1.0 Schakel uses, over HTTPS on 127.0.0.1:
 * `POST /me/sendMail` with a base64 MIME body, mail folders (well-known names, `$filter` on
 * displayName, childFolders, creation), messages in a folder with `@odata.nextLink` paging,
 * `/messages/{id}/$value` and `/messages/{id}/move`. Bearer tokens are checked against the
 * identity stand-in (signature, expiry, audience, scope). Errors have Graph's documented shape.
 */

export interface GraphFolder {
  id: string;
  displayName: string;
  parentFolderId: string;
  wellKnownName: string | null;
}

export interface GraphMessage {
  id: string;
  folderId: string;
  mime: Buffer;
  receivedDateTime: string;
  internetMessageId: string | null;
}

export interface SentMail {
  user: string;
  mime: Buffer;
}

/** A scripted answer to sendMail: status, Graph error code and message, optional Retry-After (seconds). */
export interface GraphReply {
  status: number;
  code: string;
  message: string;
  retryAfter?: number;
}

interface Mailbox {
  root: GraphFolder;
  folders: GraphFolder[];
  messages: GraphMessage[];
}

const WELL_KNOWN: Record<string, string> = {
  inbox: 'Inbox',
  sentitems: 'Sent Items',
  deleteditems: 'Deleted Items',
  drafts: 'Drafts',
  junkemail: 'Junk Email',
  archive: 'Archive',
};

function graphId(): string {
  return `AAMkAG${randomBytes(30).toString('base64url')}`;
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

export class MsGraph {
  origin = '';
  /** Every message accepted by sendMail, as the MIME it received. */
  readonly sent: SentMail[] = [];
  /** Every request: method, path (without query) and the status answered. */
  readonly requests: { method: string; path: string; status: number }[] = [];
  /** Answers for the next sendMail calls, in order (then: accept). */
  readonly sendReplies: GraphReply[] = [];
  /** Users whose mailbox is not (or no longer) in Exchange Online: 404 MailboxNotEnabledForRESTAPI. */
  readonly withoutMailbox = new Set<string>();
  /** Page size when the client does not ask for one (Graph's default is 10). */
  defaultPageSize = 10;
  /** Largest page the stand-in gives, whatever `$top` asks (tests lower it to see paging). */
  maxPageSize = 1000;
  private server: https.Server | null = null;
  private readonly mailboxes = new Map<string, Mailbox>();

  constructor(private readonly options: { ca: TestCa; identity: MsIdentity }) {}

  /** `https://127.0.0.1:<port>/v1.0`: the base URL the Graph modules get in tests. */
  get baseUrl(): string {
    return `${this.origin}/v1.0`;
  }

  async start(): Promise<this> {
    const server = https.createServer({ key: this.options.ca.keyPem, cert: this.options.ca.certPem }, (req, res) => {
      this.handle(req, res).catch((error: unknown) => this.error(req, res, 500, 'generalException', String(error)));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.server = server;
    this.origin = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (!server) return;
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }

  mailbox(user: string): Mailbox {
    const key = user.toLowerCase();
    let box = this.mailboxes.get(key);
    if (!box) {
      const root: GraphFolder = { id: graphId(), displayName: 'Top of Information Store', parentFolderId: '', wellKnownName: 'msgfolderroot' };
      box = { root, folders: [], messages: [] };
      for (const [wk, name] of Object.entries(WELL_KNOWN)) {
        box.folders.push({ id: graphId(), displayName: name, parentFolderId: root.id, wellKnownName: wk });
      }
      this.mailboxes.set(key, box);
    }
    return box;
  }

  /** Folder by path of display names from the root (`Inbox/Verwerkt`); undefined when missing. */
  folder(user: string, pathText: string): GraphFolder | undefined {
    const box = this.mailbox(user);
    let parent = box.root.id;
    let found: GraphFolder | undefined;
    for (const part of pathText.split('/')) {
      found = box.folders.find((f) => f.parentFolderId === parent && f.displayName.toLowerCase() === part.toLowerCase());
      if (!found) return undefined;
      parent = found.id;
    }
    return found;
  }

  /** Puts a message in a folder (as if it arrived); returns its id. */
  deliver(user: string, folderPath: string, mime: Buffer | string, receivedAt = new Date()): string {
    const folder = this.folder(user, folderPath);
    if (!folder) throw new Error(`No folder ${folderPath}`);
    const raw = Buffer.from(mime);
    const mid = /^message-id:\s*(<[^>]+>)/im.exec(raw.toString('utf8').split(/\r?\n\r?\n/)[0] ?? '')?.[1] ?? null;
    const msg: GraphMessage = { id: graphId(), folderId: folder.id, mime: raw, receivedDateTime: receivedAt.toISOString(), internetMessageId: mid };
    this.mailbox(user).messages.push(msg);
    return msg.id;
  }

  messagesIn(user: string, folderPath: string): GraphMessage[] {
    const folder = this.folder(user, folderPath);
    return folder ? this.mailbox(user).messages.filter((m) => m.folderId === folder.id) : [];
  }

  private error(req: IncomingMessage, res: ServerResponse, status: number, code: string, message: string, headers: Record<string, string> = {}): void {
    this.requests.push({ method: req.method ?? '', path: new URL(req.url ?? '/', 'https://x').pathname, status });
    res.writeHead(status, { 'content-type': 'application/json', 'request-id': randomUUID(), ...headers });
    res.end(JSON.stringify({
      error: { code, message, innerError: { date: new Date().toISOString().slice(0, 19), 'request-id': randomUUID(), 'client-request-id': randomUUID() } },
    }));
  }

  private ok(req: IncomingMessage, res: ServerResponse, status: number, body?: unknown, contentType = 'application/json'): void {
    this.requests.push({ method: req.method ?? '', path: new URL(req.url ?? '/', 'https://x').pathname, status });
    res.writeHead(status, { 'content-type': contentType, 'request-id': randomUUID() });
    if (body === undefined) res.end();
    else res.end(Buffer.isBuffer(body) ? body : JSON.stringify(body));
  }

  /** The token's user when it is valid for Graph with one of `scopes`; otherwise answers 401/403 and returns null. */
  private async authorize(req: IncomingMessage, res: ServerResponse, scopes: string[]): Promise<string | null> {
    const header = req.headers.authorization ?? '';
    const token = /^Bearer (.+)$/.exec(header)?.[1];
    const unauthorized = (message: string) =>
      this.error(req, res, 401, 'InvalidAuthenticationToken', message, {
        'www-authenticate': `Bearer realm="", authorization_uri="${this.options.identity.authority}/oauth2/authorize", client_id="00000003-0000-0000-c000-000000000000"`,
      });
    if (!token) {
      unauthorized('Access token is empty.');
      return null;
    }
    let claims: Awaited<ReturnType<MsIdentity['verifyAccessToken']>>;
    try {
      claims = await this.options.identity.verifyAccessToken(token, GRAPH_RESOURCE);
    } catch (error) {
      const expired = (error as { code?: string }).code === 'ERR_JWT_EXPIRED';
      unauthorized(expired ? 'Lifetime validation failed, the token is expired.' : 'IDX14100: JWT is not well formed.');
      return null;
    }
    const granted = (claims.scp ?? '').split(' ');
    if (!scopes.some((s) => granted.includes(s))) {
      this.error(req, res, 403, 'ErrorAccessDenied', 'Access is denied. Check credentials and try again.');
      return null;
    }
    const user = String(claims.upn ?? '');
    if (this.withoutMailbox.has(user.toLowerCase())) {
      this.error(req, res, 404, 'MailboxNotEnabledForRESTAPI', 'The mailbox is either inactive, soft-deleted, or is hosted on-premise.');
      return null;
    }
    return user;
  }

  private resolveFolder(box: Mailbox, idOrName: string): GraphFolder | undefined {
    const wk = idOrName.toLowerCase();
    if (wk === 'msgfolderroot') return box.root;
    return box.folders.find((f) => f.id === idOrName || f.wellKnownName === wk);
  }

  private folderJson(box: Mailbox, f: GraphFolder) {
    return {
      id: f.id,
      displayName: f.displayName,
      parentFolderId: f.parentFolderId,
      childFolderCount: box.folders.filter((c) => c.parentFolderId === f.id).length,
      unreadItemCount: 0,
      totalItemCount: box.messages.filter((m) => m.folderId === f.id).length,
      isHidden: false,
    };
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.origin);
    const method = req.method ?? 'GET';
    const p = decodeURIComponent(url.pathname);
    let m: RegExpExecArray | null;

    if (method === 'POST' && p === '/v1.0/me/sendMail') {
      const user = await this.authorize(req, res, ['Mail.Send']);
      if (!user) return;
      const body = await readBody(req);
      const scripted = this.sendReplies.shift();
      if (scripted) {
        return this.error(req, res, scripted.status, scripted.code, scripted.message,
          scripted.retryAfter !== undefined ? { 'retry-after': String(scripted.retryAfter) } : {});
      }
      if (!/^text\/plain\b/i.test(req.headers['content-type'] ?? '')) {
        return this.error(req, res, 400, 'ErrorInvalidRequest', 'Cannot read the request body. Send MIME content as base64 with Content-Type text/plain.');
      }
      const text = body.toString('ascii').replace(/\s+/g, '');
      if (!text || !/^[A-Za-z0-9+/]+={0,2}$/.test(text)) {
        return this.error(req, res, 400, 'ErrorMimeContentInvalidBase64String', 'Invalid base64 string for MIME content.');
      }
      const mime = Buffer.from(text, 'base64');
      const head = mime.toString('utf8').split(/\r?\n\r?\n/)[0] ?? '';
      if (!/^(to|cc|bcc):\s*\S/im.test(head)) {
        return this.error(req, res, 400, 'ErrorInvalidRecipients', 'At least one recipient is not valid., Recipient is not resolved.');
      }
      this.sent.push({ user, mime });
      return this.ok(req, res, 202);
    }

    if (method === 'GET' && p === '/v1.0/me/mailFolders') {
      const user = await this.authorize(req, res, ['Mail.ReadWrite', 'Mail.Read']);
      if (!user) return;
      const box = this.mailbox(user);
      return this.ok(req, res, 200, { value: this.filterFolders(box, box.root.id, url) });
    }
    if ((m = /^\/v1\.0\/me\/mailFolders\/([^/]+)\/childFolders$/.exec(p))) {
      const user = await this.authorize(req, res, method === 'GET' ? ['Mail.ReadWrite', 'Mail.Read'] : ['Mail.ReadWrite']);
      if (!user) return;
      const box = this.mailbox(user);
      const parent = this.resolveFolder(box, m[1]!);
      if (!parent) return this.error(req, res, 404, 'ErrorItemNotFound', 'The specified object was not found in the store.');
      if (method === 'GET') return this.ok(req, res, 200, { value: this.filterFolders(box, parent.id, url) });
      if (method === 'POST') return this.createFolder(req, res, box, parent.id);
    }
    if (method === 'POST' && p === '/v1.0/me/mailFolders') {
      const user = await this.authorize(req, res, ['Mail.ReadWrite']);
      if (!user) return;
      const box = this.mailbox(user);
      return this.createFolder(req, res, box, box.root.id);
    }
    if (method === 'GET' && (m = /^\/v1\.0\/me\/mailFolders\/([^/]+)$/.exec(p))) {
      const user = await this.authorize(req, res, ['Mail.ReadWrite', 'Mail.Read']);
      if (!user) return;
      const box = this.mailbox(user);
      const f = this.resolveFolder(box, m[1]!);
      if (!f) return this.error(req, res, 404, 'ErrorItemNotFound', 'The specified object was not found in the store.');
      return this.ok(req, res, 200, this.folderJson(box, f));
    }
    if (method === 'GET' && (m = /^\/v1\.0\/me\/mailFolders\/([^/]+)\/messages$/.exec(p))) {
      const user = await this.authorize(req, res, ['Mail.ReadWrite', 'Mail.Read']);
      if (!user) return;
      const box = this.mailbox(user);
      const f = this.resolveFolder(box, m[1]!);
      if (!f) return this.error(req, res, 404, 'ErrorItemNotFound', 'The specified object was not found in the store.');
      const top = Math.min(Number(url.searchParams.get('$top') ?? this.defaultPageSize) || this.defaultPageSize, this.maxPageSize);
      const skip = Number(url.searchParams.get('$skip') ?? 0) || 0;
      const all = box.messages
        .filter((x) => x.folderId === f.id)
        .sort((a, b) => a.receivedDateTime.localeCompare(b.receivedDateTime));
      const page = all.slice(skip, skip + top);
      const body: Record<string, unknown> = {
        value: page.map((x) => ({
          id: x.id,
          receivedDateTime: x.receivedDateTime,
          internetMessageId: x.internetMessageId,
          parentFolderId: x.folderId,
        })),
      };
      if (skip + top < all.length) {
        const next = new URL(url);
        next.searchParams.set('$top', String(top));
        next.searchParams.set('$skip', String(skip + top));
        body['@odata.nextLink'] = next.toString();
      }
      return this.ok(req, res, 200, body);
    }
    if (method === 'GET' && (m = /^\/v1\.0\/me\/messages\/([^/]+)\/\$value$/.exec(p))) {
      const user = await this.authorize(req, res, ['Mail.ReadWrite', 'Mail.Read']);
      if (!user) return;
      const msg = this.mailbox(user).messages.find((x) => x.id === m![1]);
      if (!msg) return this.error(req, res, 404, 'ErrorItemNotFound', 'The specified object was not found in the store.');
      return this.ok(req, res, 200, msg.mime, 'message/rfc822');
    }
    if (method === 'POST' && (m = /^\/v1\.0\/me\/messages\/([^/]+)\/move$/.exec(p))) {
      const user = await this.authorize(req, res, ['Mail.ReadWrite']);
      if (!user) return;
      const box = this.mailbox(user);
      const msg = box.messages.find((x) => x.id === m![1]);
      if (!msg) return this.error(req, res, 404, 'ErrorItemNotFound', 'The specified object was not found in the store.');
      const { destinationId } = JSON.parse((await readBody(req)).toString('utf8') || '{}') as { destinationId?: string };
      const target = destinationId ? this.resolveFolder(box, destinationId) : undefined;
      if (!target) return this.error(req, res, 400, 'ErrorInvalidIdMalformed', 'Id is malformed.');
      msg.folderId = target.id;
      msg.id = graphId(); // Graph gives a moved message a new id.
      return this.ok(req, res, 201, { id: msg.id, parentFolderId: target.id, internetMessageId: msg.internetMessageId, receivedDateTime: msg.receivedDateTime });
    }
    this.error(req, res, 400, 'BadRequest', `Resource not found for the segment '${p.split('/').pop()}'.`);
  }

  private filterFolders(box: Mailbox, parentId: string, url: URL) {
    const filter = url.searchParams.get('$filter');
    let list = box.folders.filter((f) => f.parentFolderId === parentId);
    if (filter) {
      const name = /^displayName eq '((?:[^']|'')*)'$/.exec(filter.trim())?.[1]?.replace(/''/g, "'");
      if (name === undefined) return [];
      list = list.filter((f) => f.displayName.toLowerCase() === name.toLowerCase());
    }
    return list.map((f) => this.folderJson(box, f));
  }

  private async createFolder(req: IncomingMessage, res: ServerResponse, box: Mailbox, parentId: string): Promise<void> {
    const { displayName } = JSON.parse((await readBody(req)).toString('utf8') || '{}') as { displayName?: string };
    if (!displayName) return this.error(req, res, 400, 'ErrorInvalidRequest', 'The displayName property is required.');
    if (box.folders.some((f) => f.parentFolderId === parentId && f.displayName.toLowerCase() === displayName.toLowerCase())) {
      return this.error(req, res, 409, 'ErrorFolderExists', 'A folder with the specified name already exists.');
    }
    const folder: GraphFolder = { id: graphId(), displayName, parentFolderId: parentId, wellKnownName: null };
    box.folders.push(folder);
    this.ok(req, res, 201, this.folderJson(box, folder));
  }
}

export async function startGraph(options: { ca: TestCa; identity: MsIdentity }): Promise<MsGraph> {
  return new MsGraph(options).start();
}
