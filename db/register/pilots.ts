import { sql } from 'kysely';
import type { DbOrTx } from '../store/connection';
import { CommandError, notFound } from '../shared/errors';
import { interactionsFor } from './interactions';
import { fullName } from './people';
import type { OrganisationKind, PilotRole } from '../shared/register';
import type { MapPoint, PilotDetail, PilotSummary } from './types';

const peopleCount = sql<number>`(SELECT count(*) FROM pilot_people pp WHERE pp.pilot_id = pilots.id)`;

function summary(p: {
  id: number; slug: string; name: string; name_en: string | null; region: string; municipalities: string;
  phase: string | null; contact_name: string | null; people_count: number;
}): PilotSummary {
  return {
    id: p.id, slug: p.slug, name: p.name, nameEn: p.name_en, region: p.region, municipalities: p.municipalities,
    phase: p.phase, contactName: p.contact_name, peopleCount: Number(p.people_count),
  };
}

export async function listPilots(db: DbOrTx): Promise<PilotSummary[]> {
  const rows = await db.selectFrom('pilots').selectAll().select(peopleCount.as('people_count')).orderBy('id').execute();
  return rows.map(summary);
}

export async function getPilot(db: DbOrTx, id: number): Promise<PilotDetail> {
  const p = await db.selectFrom('pilots').selectAll().select(peopleCount.as('people_count')).where('id', '=', id).executeTakeFirst();
  if (!p) throw notFound({ nl: 'Pilot', en: 'Pilot' });
  const [orgs, people, interactions] = await Promise.all([
    db.selectFrom('pilot_organisations').innerJoin('organisations', 'organisations.id', 'pilot_organisations.organisation_id')
      .select(['organisations.id', 'name', 'kind', 'domain', 'region', 'municipality',
        sql<number>`(SELECT count(*) FROM people x WHERE x.organisation_id = organisations.id)`.as('people_count')])
      .where('pilot_id', '=', id).orderBy('name').execute(),
    db.selectFrom('pilot_people').innerJoin('people', 'people.id', 'pilot_people.person_id')
      .leftJoin('organisations', 'organisations.id', 'people.organisation_id')
      .select(['people.id', 'people.first_name', 'people.last_name', 'people.organisation_id', 'organisations.name as organisation_name',
        'people.job_title', 'people.language', 'pilot_people.role',
        sql<string | null>`(SELECT email FROM person_emails pe WHERE pe.person_id = people.id AND pe.is_primary = 1)`.as('email')])
      .where('pilot_id', '=', id).orderBy('people.sort_key').execute(),
    interactionsFor(db, { pilotId: id }),
  ]);
  return {
    ...summary(p),
    aim: p.aim, results: p.results, nextSteps: p.next_steps,
    organisations: orgs.map(({ people_count, ...o }) => ({ ...o, peopleCount: Number(people_count) })),
    people: people.map((r) => ({
      id: r.id, name: fullName(r.first_name, r.last_name), email: r.email, organisationId: r.organisation_id,
      organisationName: r.organisation_name, jobTitle: r.job_title, language: r.language, role: r.role,
    })),
    interactions,
  };
}

export interface PilotInput {
  id: number; name: string; nameEn: string | null; region: string; municipalities: string; phase: string | null;
  aim: string | null; results: string | null; nextSteps: string | null; contactName: string | null;
}

export async function savePilot(db: DbOrTx, input: PilotInput, now: Date): Promise<number> {
  const res = await db.updateTable('pilots').set({
    name: input.name, name_en: input.nameEn, region: input.region, municipalities: input.municipalities, phase: input.phase,
    aim: input.aim, results: input.results, next_steps: input.nextSteps, contact_name: input.contactName, updated_at: now.toISOString(),
  }).where('id', '=', input.id).executeTakeFirst();
  if (!res.numUpdatedRows) throw notFound({ nl: 'Pilot', en: 'Pilot' });
  return input.id;
}

export async function setPilotRole(db: DbOrTx, pilotId: number, personId: number, role: PilotRole | null): Promise<void> {
  if (role === null) {
    await db.deleteFrom('pilot_people').where('pilot_id', '=', pilotId).where('person_id', '=', personId).execute();
    return;
  }
  try {
    await db.insertInto('pilot_people').values({ pilot_id: pilotId, person_id: personId, role })
      .onConflict((oc) => oc.columns(['pilot_id', 'person_id']).doUpdateSet({ role })).execute();
  } catch (error) {
    if (String(error).includes('FOREIGN KEY')) {
      throw new CommandError('not_found', { nl: 'Pilot of persoon niet gevonden.', en: 'Pilot or person not found.' });
    }
    throw error;
  }
}

/** Makes an organisation a partner of a pilot (idempotent), or ends the partnership. */
export async function setPilotOrganisation(db: DbOrTx, pilotId: number, organisationId: number, partner: boolean): Promise<void> {
  if (!partner) {
    await db.deleteFrom('pilot_organisations').where('pilot_id', '=', pilotId).where('organisation_id', '=', organisationId).execute();
    return;
  }
  try {
    await db.insertInto('pilot_organisations').values({ pilot_id: pilotId, organisation_id: organisationId })
      .onConflict((oc) => oc.doNothing()).execute();
  } catch (error) {
    if (String(error).includes('FOREIGN KEY')) {
      throw new CommandError('not_found', { nl: 'Pilot of organisatie niet gevonden.', en: 'Pilot or organisation not found.' });
    }
    throw error;
  }
}

export async function mapPeople(db: DbOrTx, f: { pilotId?: number | null; organisationKind?: OrganisationKind | null }): Promise<MapPoint[]> {
  let q = db.selectFrom('people').leftJoin('organisations', 'organisations.id', 'people.organisation_id')
    .select(['people.id', 'people.first_name', 'people.last_name', 'people.power', 'people.interest', 'organisations.name as organisation_name'])
    .where('people.power', 'is not', null).where('people.interest', 'is not', null);
  if (f.organisationKind) q = q.where('organisations.kind', '=', f.organisationKind);
  if (f.pilotId) {
    const pilotId = f.pilotId;
    q = q.where('people.id', 'in', (eb) => eb.selectFrom('pilot_people').select('person_id').where('pilot_id', '=', pilotId));
  }
  const rows = await q.orderBy('people.sort_key').limit(2000).execute();
  return rows.map((r) => ({
    id: r.id, name: fullName(r.first_name, r.last_name), organisationName: r.organisation_name, power: r.power!, interest: r.interest!,
  }));
}
