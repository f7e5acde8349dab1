import { readOrCreateKey, SecretMissingError, SUPPRESSION_KEY_FILE } from '../store/secrets';
import { CommandError } from '../shared/errors';
import type { Context } from '../store/context';
import { seedMailingLists } from './consent';
import { readJournal, reapplyJournal, syncJournal } from './journal';
import { requestSummary } from './avg-requests';
import { AddressHasher, hasKeyFingerprint, screenAddresses, verifyKeyFingerprint } from './suppression';

/** The installation's suppression key and the consent writes that go with it, for one running core. */
export class ConsentService {
  private cached: AddressHasher | null = null;

  constructor(private readonly ctx: Context) {}

  /** The installation's suppression key: created on first use, refused when it does not match the database. */
  async hasher(): Promise<AddressHasher> {
    if (this.cached) return this.cached;
    const { db, dataDir } = this.ctx;
    const known = await hasKeyFingerprint(db);
    let key: Buffer;
    try {
      key = readOrCreateKey(dataDir, SUPPRESSION_KEY_FILE, { create: !known });
    } catch (error) {
      if (error instanceof SecretMissingError) {
        throw new CommandError('suppression_key_missing', {
          nl: 'De sleutel van de afmeldlijst (secrets/suppression.key in de gegevensmap) ontbreekt. Zet hem terug uit de back-up; '
            + 'zonder die sleutel kan Schakel niet controleren wie is afgemeld, en verstuurt daarom niets.',
          en: 'The suppression list key (secrets/suppression.key in the data folder) is missing. Restore it from the backup; '
            + 'without it Schakel cannot check who unsubscribed, so it sends nothing.',
        });
      }
      throw error;
    }
    const hasher = new AddressHasher(key);
    if ((await verifyKeyFingerprint(db, hasher)) === 'mismatch') {
      throw new CommandError('suppression_key_mismatch', {
        nl: 'De sleutel van de afmeldlijst (secrets/suppression.key) hoort niet bij deze database. Zet de juiste sleutel terug uit de back-up.',
        en: 'The suppression list key (secrets/suppression.key) does not belong to this database. Restore the right key from the backup.',
      });
    }
    this.cached = hasher;
    return hasher;
  }

  async env(): Promise<{ hasher: AddressHasher; now: Date; dataDir: string }> {
    return { hasher: await this.hasher(), now: this.ctx.now(), dataDir: this.ctx.dataDir };
  }

  /** At start and after a restore: seed the default lists once, and apply the journal of ways out again (see journal.ts). */
  async prepare(): Promise<void> {
    this.cached = null;
    const { db, dataDir } = this.ctx;
    await seedMailingLists(db, this.ctx.now());
    if (!readJournal(dataDir).length) return;
    let hasher: AddressHasher;
    try {
      hasher = await this.hasher();
    } catch (error) {
      // Without the right key nothing is mailed at all (every check fails closed); the start screen says why.
      if (error instanceof CommandError) return;
      throw error;
    }
    await reapplyJournal(db, { hasher, now: this.ctx.now(), dataDir });
    await syncJournal(db, dataDir);
  }

  /** Runs a write and copies any new way out into the journal once it is committed. */
  async journalled<T>(write: (env: { hasher: AddressHasher; now: Date; dataDir: string }) => Promise<T>): Promise<T> {
    const result = await write(await this.env());
    await syncJournal(this.ctx.db, this.ctx.dataDir);
    return result;
  }

  async screen(emails: string[]) {
    return screenAddresses(this.ctx.db, await this.hasher(), emails);
  }

  /** The AVG overview: open requests, pending confirmations and whether the suppression key is usable. */
  async avgSummary() {
    let suppressionKey: 'ok' | 'missing' | 'mismatch' = 'ok';
    try {
      await this.hasher();
    } catch (error) {
      if (!(error instanceof CommandError)) throw error;
      suppressionKey = error.code === 'suppression_key_missing' ? 'missing' : 'mismatch';
    }
    const { db } = this.ctx;
    const pending = await db.selectFrom('subscriptions').select((eb) => eb.fn.countAll<number>().as('n')).where('status', '=', 'pending').executeTakeFirstOrThrow();
    return { ...(await requestSummary(db, this.ctx.now())), pendingConfirmations: Number(pending.n), suppressionKey };
  }
}
