import type { Context } from '../store/context';
import type { Audience } from '../shared/newsletter';
import type { AddressHasher } from '../consent/suppression';
import { listMailingLists } from '../consent/consent';
import { createEdition, getArchive, getEdition, loadEdition, parseContent, setEditionStatus } from './editions';
import { filterRecipients, resolveAudience, summariseAudience } from './audience';
import { assertReady, UnsubscribeTokens, type NewsletterEnv } from './newsletter';

type CreateInput = Omit<Parameters<typeof createEdition>[1], 'defaultListIds'>;
type RecipientFilter = Parameters<typeof filterRecipients>[1];

/** The installation's newsletter key and the edition work that needs it, for one running core. */
export class NewsletterService {
  private tokensValue: UnsubscribeTokens | null = null;

  constructor(private readonly ctx: Context, private readonly consent: { hasher(): Promise<AddressHasher> }) {}

  /** Signs and verifies unsubscribe links (secrets/newsletter.key, created on first use). */
  get tokens(): UnsubscribeTokens {
    this.tokensValue ??= UnsubscribeTokens.forDataDir(this.ctx.dataDir);
    return this.tokensValue;
  }

  async env(): Promise<NewsletterEnv> {
    return { hasher: await this.consent.hasher(), tokens: this.tokens, dataDir: this.ctx.dataDir, now: this.ctx.now() };
  }

  /** A new edition, sent to every current mailing list unless changed. */
  async createEdition(input: CreateInput) {
    const lists = await listMailingLists(this.ctx.db);
    const id = await createEdition(this.ctx.db, { ...input, defaultListIds: lists.map((l) => l.id) }, this.ctx.now());
    return getEdition(this.ctx.db, id);
  }

  /** Marking an edition ready runs its checklist first (once, not again for an edition already sent). */
  async setStatus(id: number, status: Parameters<typeof setEditionStatus>[2], acceptWarnings = false) {
    if (status === 'ready') {
      const row = await loadEdition(this.ctx.db, id);
      if (row.status !== 'ready' && !row.sent_at) await assertReady(this.ctx.db, await this.env(), id, acceptWarnings);
    }
    await setEditionStatus(this.ctx.db, id, status, this.ctx.now());
    return getEdition(this.ctx.db, id);
  }

  private async audienceOf(input: { editionId?: number | null; audience?: Audience | null }): Promise<Audience> {
    if (input.audience) return input.audience;
    if (input.editionId) return parseContent(await loadEdition(this.ctx.db, input.editionId)).audience;
    return { listIds: [], organisationKinds: [], pilotIds: [], regions: [], tags: [] };
  }

  async audienceSummary(input: { editionId?: number | null; audience?: Audience | null }) {
    const audience = await this.audienceOf(input);
    return summariseAudience(this.ctx.db, await resolveAudience(this.ctx.db, await this.consent.hasher(), audience), audience);
  }

  async audienceRecipients(input: { editionId?: number | null; audience?: Audience | null }, filter: RecipientFilter) {
    const audience = await this.audienceOf(input);
    return filterRecipients(await resolveAudience(this.ctx.db, await this.consent.hasher(), audience), filter);
  }

  async archive(editionId: number, language: Parameters<typeof getArchive>[2]) {
    const a = await getArchive(this.ctx.db, editionId, language);
    return {
      editionId, language, subject: a.subject, preheader: a.preheader, html: a.web_html, text: a.text, createdAt: a.created_at,
    };
  }
}
