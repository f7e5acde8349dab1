import { createHmac, createSecretKey, type KeyObject } from 'node:crypto';
import type { DbOrTx } from '../store/connection';
import { normaliseEmail } from '../shared/text';
import type { SuppressionReason } from '../shared/consent';

/** HMAC-SHA256 of normalised addresses with the installation's key: the suppression list never holds an address. */
export class AddressHasher {
  private readonly key: KeyObject;
  readonly fingerprint: string;

  constructor(key: Buffer) {
    if (key.length < 32) throw new Error('Suppression key too short');
    this.key = createSecretKey(key);
    this.fingerprint = createHmac('sha256', key).update('schakel:suppression-key-fingerprint').digest('hex').slice(0, 16);
  }

  /** For an address as typed: trimmed, Unicode NFC, lower-case first. */
  hash(address: string): string {
    return this.hashNormalised(normaliseEmail(address));
  }

  hashNormalised(normalised: string): string {
    return createHmac('sha256', this.key).update(normalised, 'utf8').digest('base64url');
  }

  /** A test for membership of a set of stored HMACs: for checking many addresses against the suppression list. */
  matcher(hmacs: Iterable<string>): (normalised: string) => boolean {
    const full = new Set(hmacs);
    return (normalised) => full.has(this.hashNormalised(normalised));
  }
}

export const KEY_FINGERPRINT_SETTING = 'consent.key_fingerprint';

export type KeyStatus = 'ok' | 'mismatch' | 'unset';

/** Compares the key with the fingerprint stored in the database; records it on first use. */
export async function verifyKeyFingerprint(db: DbOrTx, hasher: AddressHasher): Promise<KeyStatus> {
  const row = await db.selectFrom('settings').select('value').where('key', '=', KEY_FINGERPRINT_SETTING).executeTakeFirst();
  if (!row) {
    await db.insertInto('settings').values({ key: KEY_FINGERPRINT_SETTING, value: hasher.fingerprint }).onConflict((oc) => oc.doNothing()).execute();
    return 'unset';
  }
  return row.value === hasher.fingerprint ? 'ok' : 'mismatch';
}

export async function hasKeyFingerprint(db: DbOrTx): Promise<boolean> {
  return Boolean(await db.selectFrom('settings').select('value').where('key', '=', KEY_FINGERPRINT_SETTING).executeTakeFirst());
}

export interface Suppression {
  reason: SuppressionReason;
  since: string;
}

export async function suppressionsFor(db: DbOrTx, hmacs: readonly string[]): Promise<Map<string, Suppression>> {
  const out = new Map<string, Suppression>();
  const unique = [...new Set(hmacs)];
  for (let i = 0; i < unique.length; i += 500) {
    const rows = await db.selectFrom('suppressions').select(['email_hmac', 'reason', 'since'])
      .where('email_hmac', 'in', unique.slice(i, i + 500)).execute();
    for (const r of rows) out.set(r.email_hmac, { reason: r.reason, since: r.since });
  }
  return out;
}

/** Suppressed addresses among a list (e.g. the rows of an import), with their position. */
export async function screenAddresses(
  db: DbOrTx,
  hasher: AddressHasher,
  emails: readonly string[],
): Promise<{ index: number; email: string; reason: SuppressionReason; since: string }[]> {
  const all = await db.selectFrom('suppressions').select(['email_hmac', 'reason', 'since']).execute();
  if (!all.length) return [];
  const map = new Map(all.map((r) => [r.email_hmac, r]));
  const hits: { index: number; email: string; reason: SuppressionReason; since: string }[] = [];
  emails.forEach((email, index) => {
    if (!email.trim()) return;
    const hit = map.get(hasher.hash(email));
    if (hit) hits.push({ index, email, reason: hit.reason, since: hit.since });
  });
  return hits;
}
