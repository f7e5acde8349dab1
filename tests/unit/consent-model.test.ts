import { readFileSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readOrCreateKey, SecretMissingError } from '../../db/store/secrets';
import {
  addMonths, isDate, replay, replaySuppression, requestDeadline, step, type ReplayEvent, type SubscriptionState,
} from '../../db/consent/consent-model';
import { AddressHasher } from '../../db/consent/suppression';
import { createHmac } from 'node:crypto';
import { tempDir } from '../helpers/core';
import { CONSENT_EVENT_TYPES } from '../../db/shared/consent';

const event = (listIds: number[]) =>
  fc.record({
    type: fc.constantFrom(...CONSENT_EVENT_TYPES),
    listId: fc.option(fc.constantFrom(...listIds), { nil: null }),
    purposeVersionId: fc.option(fc.integer({ min: 1, max: 5 }), { nil: null }),
    doubleOptIn: fc.boolean(),
  }).map((e) => ({ ...e, listId: ['suppressed', 'unsuppressed', 'erased'].includes(e.type) ? null : (e.listId ?? listIds[0]!) }));

const history = (listIds: number[] = [1, 2]) =>
  fc.array(event(listIds), { maxLength: 40 }).map((events) =>
    events.map((e, i): ReplayEvent => ({ ...e, id: i + 1, occurredAt: new Date(Date.UTC(2024, 0, 1) + i * 60_000).toISOString() })));

describe('replay', () => {
  it('depends only on this list\'s events and the person-wide ones, in id order', () => {
    fc.assert(fc.property(history(), fc.nat(), (events, seed) => {
      const shuffled = [...events].sort((a, b) => ((a.id * 7919 + seed) % 101) - ((b.id * 7919 + seed) % 101));
      expect(replay(shuffled, 1)).toEqual(replay(events, 1));
      const withoutOther = events.filter((e) => e.listId !== 2);
      expect(replay(withoutOther, 1)).toEqual(replay(events, 1));
    }));
  });

  it('ends unsubscribed after an unsubscribe or objection, and with nothing after an erasure', () => {
    fc.assert(fc.property(history(), fc.constantFrom('unsubscribed', 'objected', 'erased') as fc.Arbitrary<'unsubscribed' | 'objected' | 'erased'>, (events, type) => {
      const last: ReplayEvent = {
        id: events.length + 1, type, listId: type === 'erased' ? null : 1, purposeVersionId: null, doubleOptIn: false, occurredAt: '2025-01-01T00:00:00.000Z',
      };
      expect(replay([...events, last], 1)?.status ?? null).toBe(type === 'erased' ? null : 'unsubscribed');
    }));
  });

  it('is subscribed only after a sign-up that needed no confirmation or was confirmed, with no way out since', () => {
    fc.assert(fc.property(history(), (events) => {
      const state = replay(events, 1);
      const relevant = events.filter((e) => e.listId === 1 || e.listId === null);
      const lastExit = Math.max(0, ...relevant.filter((e) => ['unsubscribed', 'objected', 'erased'].includes(e.type)
        || (e.type === 'suppressed')).map((e) => e.id));
      const signUps = relevant.filter((e) => e.type === 'subscribed' && e.id > lastExit);
      if (state?.status === 'subscribed') {
        expect(signUps.length).toBeGreaterThan(0);
        const confirmedOrDirect = signUps.some((s) => !s.doubleOptIn || relevant.some((c) => c.type === 'confirmed' && c.id > s.id));
        expect(confirmedOrDirect).toBe(true);
        expect(state.purposeVersionId).toBe(signUps.at(-1)!.purposeVersionId);
      }
      if (state?.status === 'pending') expect(signUps.at(-1)?.doubleOptIn).toBe(true);
      if (!signUps.length && state) expect(state.status).toBe('unsubscribed');
    }));
  });

  it('step returns the same state object when nothing changes (the projection skips the write)', () => {
    const s: SubscriptionState = { status: 'unsubscribed', purposeVersionId: 1, lastEventId: 3, since: '2025-01-01T00:00:00.000Z' };
    const e: ReplayEvent = { id: 4, type: 'suppressed', listId: null, purposeVersionId: null, doubleOptIn: false, occurredAt: '2025-02-01T00:00:00.000Z' };
    expect(step(s, e)).toBe(s);
    expect(step(null, e)).toBeNull();
  });

  it('keeps the suppression of an address until fresh consent lifts it; erasure suppresses for good', () => {
    const at = '2025-01-01T00:00:00.000Z';
    expect(replaySuppression([{ id: 1, type: 'suppressed', reason: 'hard_bounce', occurredAt: at }])).toEqual({ reason: 'hard_bounce', since: at });
    expect(replaySuppression([{ id: 2, type: 'unsuppressed', reason: null, occurredAt: at }, { id: 1, type: 'suppressed', reason: 'complaint', occurredAt: at }])).toBeNull();
    expect(replaySuppression([{ id: 1, type: 'erased', reason: null, occurredAt: at }])?.reason).toBe('erased');
  });
});

describe('deadlines', () => {
  it('adds calendar months, ending on the last day of a shorter month', () => {
    expect(addMonths('2025-01-31', 1)).toBe('2025-02-28');
    expect(addMonths('2024-01-31', 1)).toBe('2024-02-29');
    expect(addMonths('2025-11-15', 3)).toBe('2026-02-15');
    expect(addMonths('2025-03-31', -1)).toBe('2025-02-28');
    expect(requestDeadline('2025-10-31', false)).toBe('2025-11-30');
    expect(requestDeadline('2025-10-31', true)).toBe('2026-01-31');
  });

  it('always gives a real date no more than the day of the month, and never goes backwards', () => {
    fc.assert(fc.property(fc.date({ min: new Date('2000-01-01'), max: new Date('2099-12-31'), noInvalidDate: true }), fc.integer({ min: 0, max: 36 }), (d, n) => {
      const from = d.toISOString().slice(0, 10);
      const to = addMonths(from, n);
      expect(isDate(to)).toBe(true);
      expect(to >= from).toBe(true);
      expect(Number(to.slice(8))).toBeLessThanOrEqual(Number(from.slice(8)));
    }));
  });
});

describe('address HMAC', () => {
  const hasher = new AddressHasher(Buffer.alloc(32, 7));

  it('normalises: trimmed, lower-case, Unicode NFC', () => {
    expect(hasher.hash('  Zoë@Example.ORG ')).toBe(hasher.hash('zoe\u0308@example.org'));
    expect(hasher.hash('a@example.org')).not.toBe(hasher.hash('b@example.org'));
    expect(hasher.hash('a@example.org')).not.toContain('example');
  });

  it('stores base64url HMAC-SHA256 of the normalised address, as existing suppression lists hold', () => {
    expect(new AddressHasher(Buffer.alloc(32, 9)).hash(' A@Example.org')).toBe('etyl80BQDfBEOUL9O6VWryJe4sG05wsraNcGDU-6i1I');
    fc.assert(fc.property(fc.uint8Array({ minLength: 32, maxLength: 100 }), fc.string({ unit: 'binary', maxLength: 300 }), (key, text) => {
      expect(new AddressHasher(Buffer.from(key)).hashNormalised(text)).toBe(createHmac('sha256', key).update(text, 'utf8').digest('base64url'));
    }), { numRuns: 300 });
  });

  it('matches an address against stored HMACs only when it is on the list', () => {
    const isSuppressed = hasher.matcher([hasher.hash('weg@example.org')]);
    expect(isSuppressed('weg@example.org')).toBe(true);
    expect(isSuppressed('blijf@example.org')).toBe(false);
  });

  it('depends on the installation key', () => {
    expect(new AddressHasher(Buffer.alloc(32, 8)).hash('a@example.org')).not.toBe(hasher.hash('a@example.org'));
    expect(new AddressHasher(Buffer.alloc(32, 8)).fingerprint).not.toBe(hasher.fingerprint);
  });
});

describe('the key file', () => {
  it('is created once with mode 0600 in secrets/, read back the same, and not recreated when creation is not allowed', () => {
    const dir = tempDir();
    try {
      expect(() => readOrCreateKey(dir, 'suppression.key', { create: false })).toThrow(SecretMissingError);
      const key = readOrCreateKey(dir, 'suppression.key', { create: true });
      const file = path.join(dir, 'secrets', 'suppression.key');
      expect(key).toHaveLength(32);
      expect(readFileSync(file, 'utf8').trim()).toBe(key.toString('hex'));
      if (process.platform !== 'win32') {
        expect(statSync(file).mode & 0o777).toBe(0o600);
        expect(statSync(path.dirname(file)).mode & 0o077).toBe(0);
      }
      expect(readOrCreateKey(dir, 'suppression.key', { create: true }).equals(key)).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('suppression matcher', () => {
  it('finds exactly the stored HMACs, also when only the 48-bit prefix matches', () => {
    const hasher = new AddressHasher(Buffer.alloc(32, 5));
    const stored = ['a@example.org', 'zoë@example.org'].map((e) => hasher.hash(e));
    const match = hasher.matcher(stored);
    expect(match('a@example.org')).toBe(true);
    expect(match('zoë@example.org')).toBe(true);
    expect(match('b@example.org')).toBe(false);
    // A stored value sharing the prefix but not the rest must not match.
    const lookalike = hasher.hash('c@example.org').slice(0, 8) + 'x'.repeat(35);
    expect(hasher.matcher([lookalike])('c@example.org')).toBe(false);
    fc.assert(fc.property(fc.array(fc.emailAddress(), { maxLength: 20 }), fc.emailAddress(), (emails, probe) => {
      const m = hasher.matcher(emails.map((e) => hasher.hashNormalised(e)));
      expect(m(probe)).toBe(emails.includes(probe));
    }));
  });
});
