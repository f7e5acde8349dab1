import { inTransaction, type DbOrTx } from '../store/connection';
import { CommandError, notFound } from '../shared/errors';
import type { InteractionKind } from '../shared/register';
import type { InteractionEntry } from './types';

export interface InteractionInput {
  kind: InteractionKind;
  occurredOn: string;
  summary: string;
  personIds: number[];
  organisationIds: number[];
  pilotIds: number[];
}

export async function createInteraction(db: DbOrTx, input: InteractionInput): Promise<number> {
  if (!input.personIds.length && !input.organisationIds.length && !input.pilotIds.length) {
    throw new CommandError('interaction_unlinked', {
      nl: 'Koppel het contactmoment aan minstens één persoon, organisatie of pilot.',
      en: 'Link the interaction to at least one person, organisation or pilot.',
    });
  }
  if (Number.isNaN(Date.parse(input.occurredOn))) {
    throw new CommandError('invalid_date', { nl: 'Ongeldige datum.', en: 'Invalid date.' });
  }
  return inTransaction(db, async (trx) => {
    const { id } = await trx
      .insertInto('interactions')
      .values({ kind: input.kind, occurred_on: input.occurredOn, summary: input.summary })
      .returning('id')
      .executeTakeFirstOrThrow();
    try {
      const people = [...new Set(input.personIds)];
      const orgs = [...new Set(input.organisationIds)];
      const pilots = [...new Set(input.pilotIds)];
      if (people.length) await trx.insertInto('interaction_people').values(people.map((person_id) => ({ interaction_id: id, person_id }))).execute();
      if (orgs.length) await trx.insertInto('interaction_organisations').values(orgs.map((organisation_id) => ({ interaction_id: id, organisation_id }))).execute();
      if (pilots.length) await trx.insertInto('interaction_pilots').values(pilots.map((pilot_id) => ({ interaction_id: id, pilot_id }))).execute();
    } catch (error) {
      if (String(error).includes('FOREIGN KEY')) {
        throw new CommandError('link_not_found', {
          nl: 'Een gekoppelde persoon, organisatie of pilot bestaat niet (meer).',
          en: 'A linked person, organisation or pilot no longer exists.',
        });
      }
      throw error;
    }
    return id;
  });
}

export async function deleteInteraction(db: DbOrTx, id: number): Promise<void> {
  const res = await db.deleteFrom('interactions').where('id', '=', id).executeTakeFirst();
  if (!res.numDeletedRows) throw notFound({ nl: 'Contactmoment', en: 'Interaction' });
}

/** The timeline of a person, organisation or pilot, newest first. */
export async function interactionsFor(
  db: DbOrTx,
  on: { personId?: number; organisationId?: number; pilotId?: number },
  limit = 200,
): Promise<InteractionEntry[]> {
  let q = db.selectFrom('interactions').selectAll();
  if (on.personId) q = q.where('id', 'in', (eb) => eb.selectFrom('interaction_people').select('interaction_id').where('person_id', '=', on.personId!));
  if (on.organisationId) {
    const orgId = on.organisationId;
    // An organisation's timeline also shows contacts with its people.
    q = q.where((eb) =>
      eb.or([
        eb('id', 'in', eb.selectFrom('interaction_organisations').select('interaction_id').where('organisation_id', '=', orgId)),
        eb('id', 'in', eb.selectFrom('interaction_people').innerJoin('people', 'people.id', 'interaction_people.person_id')
          .select('interaction_id').where('people.organisation_id', '=', orgId)),
      ]),
    );
  }
  if (on.pilotId) q = q.where('id', 'in', (eb) => eb.selectFrom('interaction_pilots').select('interaction_id').where('pilot_id', '=', on.pilotId!));
  const rows = await q.orderBy('occurred_on', 'desc').orderBy('id', 'desc').limit(limit).execute();
  if (!rows.length) return [];
  const ids = rows.map((r) => r.id);
  const [people, orgs, pilots] = await Promise.all([
    db.selectFrom('interaction_people').innerJoin('people', 'people.id', 'interaction_people.person_id')
      .select(['interaction_id', 'people.id', 'people.first_name', 'people.last_name']).where('interaction_id', 'in', ids).execute(),
    db.selectFrom('interaction_organisations').innerJoin('organisations', 'organisations.id', 'interaction_organisations.organisation_id')
      .select(['interaction_id', 'organisations.id', 'organisations.name']).where('interaction_id', 'in', ids).execute(),
    db.selectFrom('interaction_pilots').innerJoin('pilots', 'pilots.id', 'interaction_pilots.pilot_id')
      .select(['interaction_id', 'pilots.id', 'pilots.name']).where('interaction_id', 'in', ids).execute(),
  ]);
  return rows.map((r) => ({
    id: r.id,
    kind: r.kind,
    occurredOn: r.occurred_on,
    summary: r.summary,
    people: people.filter((p) => p.interaction_id === r.id).map((p) => ({ id: p.id, name: `${p.first_name} ${p.last_name}`.trim() })),
    organisations: orgs.filter((o) => o.interaction_id === r.id).map((o) => ({ id: o.id, name: o.name })),
    pilots: pilots.filter((p) => p.interaction_id === r.id).map((p) => ({ id: p.id, name: p.name })),
  }));
}
