import type { MailboxMessage, MailboxReader } from '../mailbox';
import { GraphClient, GraphRequestError, type GraphClientOptions } from './graph-client';

/** Graph's well-known folder names, usable as the first part of a folder path. */
const WELL_KNOWN = new Set(['inbox', 'archive', 'sentitems', 'deleteditems', 'drafts', 'junkemail']);
const PAGE = 50;

interface FolderJson {
  id: string;
  displayName: string;
}

interface MessageJson {
  id: string;
  receivedDateTime?: string;
  internetMessageId?: string | null;
}

function odataString(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}

/**
 * The mailbox through Microsoft Graph: folders by path (`Inbox/Schakel/Verwerkt`), messages
 * oldest first with `@odata.nextLink` paging, each fetched as MIME (`$value`) and moved to the
 * processed folder, which is created when missing. Refusals that concern the account are thrown
 * as MicrosoftAuthError (sign in again, consent, no mailbox); others as GraphRequestError.
 */
export class GraphMailbox implements MailboxReader {
  private readonly client: GraphClient;
  private readonly folderIds = new Map<string, string>();

  constructor(options: GraphClientOptions) {
    this.client = new GraphClient(options);
  }

  async list(folder: string, options: { limit?: number } = {}): Promise<MailboxMessage[]> {
    const limit = options.limit ?? 500;
    const id = await this.folderId(folder, false);
    if (!id) throw new GraphRequestError(404, 'ErrorItemNotFound', `Folder not found: ${folder}`, null);
    const query = new URLSearchParams({
      $select: 'id,receivedDateTime,internetMessageId',
      $orderby: 'receivedDateTime asc',
      $top: String(Math.min(limit, PAGE)),
    });
    let next: string | null = `/me/mailFolders/${encodeURIComponent(id)}/messages?${query.toString()}`;
    const out: MailboxMessage[] = [];
    while (next && out.length < limit) {
      const page: { value: MessageJson[]; '@odata.nextLink'?: string } = await this.client.json('GET', next);
      for (const m of page.value) {
        if (out.length >= limit) break;
        out.push({
          id: m.id,
          messageId: m.internetMessageId ?? null,
          receivedAt: m.receivedDateTime ? new Date(m.receivedDateTime) : null,
          size: null,
        });
      }
      next = page['@odata.nextLink'] ?? null;
    }
    return out;
  }

  async fetchRaw(_folder: string, id: string): Promise<Buffer> {
    const response = await this.client.request('GET', `/me/messages/${encodeURIComponent(id)}/$value`);
    if (!response.ok) throw await this.client.failure(response);
    return Buffer.from(await response.arrayBuffer());
  }

  async move(_folder: string, id: string, target: string): Promise<string | null> {
    const destinationId = (await this.folderId(target, true))!;
    const moved = await this.client.json<MessageJson>('POST', `/me/messages/${encodeURIComponent(id)}/move`, { destinationId });
    return moved.id ?? null;
  }

  async close(): Promise<void> {}

  /** The folder's Graph id, found by path from the mailbox root; created level by level when `create`. */
  private async folderId(folderPath: string, create: boolean): Promise<string | null> {
    const parts = folderPath.split('/').map((p) => p.trim()).filter(Boolean);
    if (!parts.length) throw new Error('Empty folder path');
    let parentId: string | null = null;
    let walked = '';
    for (const [i, part] of parts.entries()) {
      walked = walked ? `${walked}/${part}` : part;
      const key = walked.toLowerCase();
      const cached = this.folderIds.get(key);
      if (cached) {
        parentId = cached;
        continue;
      }
      let id: string | null;
      if (i === 0 && WELL_KNOWN.has(part.toLowerCase())) {
        id = (await this.client.json<FolderJson>('GET', `/me/mailFolders/${part.toLowerCase()}`)).id;
      } else {
        id = await this.findChild(parentId, part);
        if (!id && create) id = await this.createChild(parentId, part);
      }
      if (!id) return null;
      this.folderIds.set(key, id);
      parentId = id;
    }
    return parentId;
  }

  private childrenPath(parentId: string | null): string {
    return parentId ? `/me/mailFolders/${encodeURIComponent(parentId)}/childFolders` : '/me/mailFolders';
  }

  private async findChild(parentId: string | null, name: string): Promise<string | null> {
    const q = new URLSearchParams({ $filter: `displayName eq ${odataString(name)}` });
    const found = await this.client.json<{ value: FolderJson[] }>('GET', `${this.childrenPath(parentId)}?${q.toString()}`);
    return found.value[0]?.id ?? null;
  }

  private async createChild(parentId: string | null, name: string): Promise<string> {
    try {
      return (await this.client.json<FolderJson>('POST', this.childrenPath(parentId), { displayName: name })).id;
    } catch (error) {
      // Created meanwhile (another round, another device): use that one.
      if (error instanceof GraphRequestError && error.graphCode === 'ErrorFolderExists') {
        const id = await this.findChild(parentId, name);
        if (id) return id;
      }
      throw error;
    }
  }
}
