import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { replay, replaySuppression, type ReplayEvent } from '../../db/consent/consent-model';
import { createTestCore, type TestCore } from '../helpers/core';
import type { SubscriptionStatus } from '../../db/shared/consent';

// Random sequences of staff actions against a real database: after every sequence, each
// subscription row must equal the replay of its ledger, and both must equal an independent model
// of what the actions mean.

let core: TestCore;
const listIds: number[] = [];
/** per list: whether sign-ups wait for a confirmation */
const doubleOptIn: boolean[] = [];
const ACTOR = 'Eigenschapstest';
const consent = { method: 'email', evidenceText: 'Mail met verzoek om aanmelding.' } as const;

beforeAll(async () => {
  core = await createTestCore();
  const specs = [
    { name: 'Lijst toestemming dubbel', lawfulBasis: 'consent', doubleOptIn: true },
    { name: 'Lijst toestemming enkel', lawfulBasis: 'consent', doubleOptIn: false },
    { name: 'Lijst partners', lawfulBasis: 'legitimate_interest', doubleOptIn: false },
  ] as const;
  for (const s of specs) {
    const { id } = await core.call('lists.save', { ...s, purposeText: `Doel van ${s.name}`, language: 'nl', actor: ACTOR });
    listIds.push(id);
    doubleOptIn.push(s.doubleOptIn);
  }
});
afterAll(async () => {
  await core.dispose();
});

type Action =
  | { kind: 'subscribe'; p: number; l: number; override: boolean }
  | { kind: 'confirm'; p: number; l: number }
  | { kind: 'unsubscribe'; p: number; l: number }
  | { kind: 'object'; p: number; l: number }
  | { kind: 'unsubscribeAll'; p: number }
  | { kind: 'bounce'; p: number };

const P = 2;
const L = 3;
const action: fc.Arbitrary<Action> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('subscribe' as const), p: fc.nat(P - 1), l: fc.nat(L - 1), override: fc.boolean() }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('confirm' as const), p: fc.nat(P - 1), l: fc.nat(L - 1) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('unsubscribe' as const), p: fc.nat(P - 1), l: fc.nat(L - 1) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('object' as const), p: fc.nat(P - 1), l: fc.nat(L - 1) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('unsubscribeAll' as const), p: fc.nat(P - 1) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('bounce' as const), p: fc.nat(P - 1) }) },
);

interface Model {
  status: (SubscriptionStatus | null)[][];
  suppressed: boolean[];
}

/** What each action means, written down independently of the services. Returns the expected error code. */
function apply(m: Model, a: Action): string | null {
  const row = m.status[a.p]!;
  switch (a.kind) {
    case 'subscribe': {
      if (m.suppressed[a.p] && !a.override) return 'suppressed';
      if (!m.suppressed[a.p] && (row[a.l] === 'pending' || row[a.l] === 'subscribed')) return 'already_subscribed';
      m.suppressed[a.p] = false;
      if (row[a.l] !== 'subscribed') row[a.l] = doubleOptIn[a.l] ? 'pending' : 'subscribed';
      return null;
    }
    case 'confirm':
      if (row[a.l] !== 'pending') return 'not_pending';
      row[a.l] = 'subscribed';
      return null;
    case 'unsubscribe':
      if (row[a.l] !== 'pending' && row[a.l] !== 'subscribed') return 'not_subscribed';
      row[a.l] = 'unsubscribed';
      return null;
    case 'object':
      row[a.l] = 'unsubscribed';
      return null;
    case 'unsubscribeAll':
    case 'bounce':
      for (let l = 0; l < L; l++) if (row[l] === 'pending' || row[l] === 'subscribed') row[l] = 'unsubscribed';
      m.suppressed[a.p] = true;
      return null;
  }
}

let run = 0;

describe('subscription status equals the replay of its ledger', () => {
  it('for many random sequences of actions', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(action, { minLength: 1, maxLength: 30 }), async (actions) => {
        run++;
        const people: number[] = [];
        for (let p = 0; p < P; p++) {
          const { id } = await core.call('people.save', {
            firstName: `Prop${p}`, lastName: `Run${run}`, emails: [{ email: `prop${p}.run${run}@example.org`, primary: true }],
          });
          people.push(id);
        }
        const model: Model = { status: people.map(() => listIds.map(() => null)), suppressed: people.map(() => false) };
        for (const a of actions) {
          const expected = apply(model, a);
          const personId = people[a.p]!;
          let code: string | null = null;
          try {
            switch (a.kind) {
              case 'subscribe':
                await core.call('consent.subscribe', {
                  personId, listId: listIds[a.l]!, actor: ACTOR, overrideSuppression: a.override, ...(a.override || a.l < 2 ? { consent } : {}),
                });
                break;
              case 'confirm':
                await core.call('consent.confirm', { personId, listId: listIds[a.l]!, actor: ACTOR });
                break;
              case 'unsubscribe':
                await core.call('consent.unsubscribe', { personId, listId: listIds[a.l]!, channel: 'email', actor: ACTOR });
                break;
              case 'object':
                await core.call('consent.unsubscribe', { personId, listId: listIds[a.l]!, channel: 'letter', objection: true, actor: ACTOR });
                break;
              case 'unsubscribeAll':
                await core.call('consent.unsubscribe', { personId, listId: null, channel: 'phone', actor: ACTOR });
                break;
              case 'bounce':
                await core.call('consent.suppress', { personId, reason: 'hard_bounce', actor: ACTOR });
                break;
            }
          } catch (error) {
            code = (error as { code?: string }).code ?? String(error);
          }
          expect(code, JSON.stringify(a)).toBe(expected);
        }

        for (const [p, personId] of people.entries()) {
          const events = (core.ctx.sqlite.prepare(
            'SELECT id, type, list_id, purpose_version_id, double_opt_in, occurred_at FROM consent_events WHERE person_id = ? ORDER BY id',
          ).all(personId) as { id: number; type: ReplayEvent['type']; list_id: number | null; purpose_version_id: number | null; double_opt_in: number; occurred_at: string }[])
            .map((e): ReplayEvent => ({
              id: e.id, type: e.type, listId: e.list_id, purposeVersionId: e.purpose_version_id, doubleOptIn: e.double_opt_in === 1, occurredAt: e.occurred_at,
            }));
          const rows = core.ctx.sqlite.prepare('SELECT list_id, status, purpose_version_id, last_event_id, since FROM subscriptions WHERE person_id = ?')
            .all(personId) as { list_id: number; status: SubscriptionStatus; purpose_version_id: number | null; last_event_id: number; since: string }[];
          for (const [l, listId] of listIds.entries()) {
            const replayed = replay(events, listId);
            const row = rows.find((r) => r.list_id === listId) ?? null;
            expect(row && { status: row.status, purposeVersionId: row.purpose_version_id, lastEventId: row.last_event_id, since: row.since }).toEqual(replayed);
            expect(replayed?.status ?? null).toBe(model.status[p]![l]);
            const may = await core.call('consent.mayMail', { personId, listId });
            expect(may.allowed).toBe(model.status[p]![l] === 'subscribed' && !model.suppressed[p]);
          }
          const c = await core.call('consent.person', { personId });
          expect(c.addresses[0]!.suppression !== null).toBe(model.suppressed[p]);
          // The suppression list is the replay of the events that carry the address's HMAC.
          const { email_hmac: hmac } = core.ctx.sqlite.prepare("SELECT email_hmac FROM consent_events WHERE person_id = ? AND email_hmac IS NOT NULL LIMIT 1")
            .get(personId) as { email_hmac: string } ?? { email_hmac: '' };
          if (hmac) {
            const byAddress = core.ctx.sqlite.prepare('SELECT id, type, reason, occurred_at AS occurredAt FROM consent_events WHERE email_hmac = ?').all(hmac) as Parameters<typeof replaySuppression>[0];
            const row = core.ctx.sqlite.prepare('SELECT reason, since FROM suppressions WHERE email_hmac = ?').get(hmac) ?? null;
            expect(row).toEqual(replaySuppression(byAddress));
          }
        }
        for (const [l, listId] of listIds.entries()) {
          const res = await core.call('consent.check', { listId, emails: people.map((_, p) => ` PROP${p}.Run${run}@example.org`) });
          expect(res.allowed).toBe(people.filter((_, p) => model.status[p]![l] === 'subscribed' && !model.suppressed[p]).length);
        }
      }),
      { numRuns: 120 },
    );
  });
});
