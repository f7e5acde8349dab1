import { sql } from 'kysely';
import { inTransaction, type DbOrTx } from '../store/connection';
import { fold } from '../shared/text';
import { CommandError, notFound } from '../shared/errors';
import { interactionsFor } from './interactions';
import { refreshPersonSearchText, searchPeople } from './people';
import type { OrganisationKind, Domain } from '../shared/register';
import type { OrganisationDetail, OrganisationSummary } from './types';

export interface OrganisationInput {
  id?: number;
  name: string;
  kind: OrganisationKind;
  domain: Domain;
  region: string | null;
  municipality: string | null;
  website: string | null;
  notes: string | null;
}

export function organisationSearchText(o: { name: string; region?: string | null; municipality?: string | null }): string {
  return fold([o.name, o.region ?? '', o.municipality ?? ''].join(' '));
}

const peopleCount = sql<number>`(SELECT count(*) FROM people p WHERE p.organisation_id = organisations.id)`;

export async function listOrganisations(
  db: DbOrTx,
  f: { query?: string; kind?: OrganisationKind | null; domain?: Domain | null },
): Promise<OrganisationSummary[]> {
  let q = db.selectFrom('organisations').select(['id', 'name', 'kind', 'domain', 'region', 'municipality', peopleCount.as('people_count')]);
  for (const term of fold(f.query ?? '').split(' ').filter(Boolean)) {
    const escaped = term.replace(/[\\%_]/g, (c) => `\\${c}`);
    q = q.where(sql<boolean>`search_text LIKE ${`%${escaped}%`} ESCAPE '\\'`);
  }
  if (f.kind) q = q.where('kind', '=', f.kind);
  if (f.domain) q = q.where('domain', '=', f.domain);
  const rows = await q.orderBy(sql`name COLLATE NOCASE`).execute();
  return rows.map(({ people_count, ...r }) => ({ ...r, peopleCount: Number(people_count) }));
}

export async function getOrganisation(db: DbOrTx, id: number): Promise<OrganisationDetail> {
  const o = await db.selectFrom('organisations').selectAll().select(peopleCount.as('people_count')).where('id', '=', id).executeTakeFirst();
  if (!o) throw notFound({ nl: 'Organisatie', en: 'Organisation' });
  const [people, pilots, interactions] = await Promise.all([
    searchPeople(db, { organisationId: id, limit: 500 }),
    db.selectFrom('pilot_organisations').innerJoin('pilots', 'pilots.id', 'pilot_organisations.pilot_id')
      .select(['pilots.id', 'pilots.name']).where('organisation_id', '=', id).orderBy('pilots.name').execute(),
    interactionsFor(db, { organisationId: id }),
  ]);
  return {
    id: o.id, name: o.name, kind: o.kind, domain: o.domain, region: o.region, municipality: o.municipality,
    website: o.website, notes: o.notes, peopleCount: Number(o.people_count),
    people: people.rows, pilots, interactions,
  };
}

export async function saveOrganisation(db: DbOrTx, input: OrganisationInput, now: Date): Promise<number> {
  return inTransaction(db, async (trx) => {
    const clash = await trx.selectFrom('organisations').select('id')
      .where(sql<boolean>`lower(name) = lower(${input.name})`).where('id', '!=', input.id ?? -1).executeTakeFirst();
    if (clash) {
      throw new CommandError('organisation_exists', {
        nl: `Er is al een organisatie met de naam "${input.name}".`,
        en: `An organisation named "${input.name}" already exists.`,
      }, [{ path: 'name', message: { nl: 'Deze naam bestaat al.', en: 'This name already exists.' } }]);
    }
    const values = {
      name: input.name, kind: input.kind, domain: input.domain, region: input.region, municipality: input.municipality,
      website: input.website, notes: input.notes, search_text: organisationSearchText(input), updated_at: now.toISOString(),
    };
    if (input.id) {
      const before = await trx.selectFrom('organisations').select('name').where('id', '=', input.id).executeTakeFirst();
      if (!before) throw notFound({ nl: 'Organisatie', en: 'Organisation' });
      await trx.updateTable('organisations').set(values).where('id', '=', input.id).execute();
      if (before.name !== input.name) {
        const ids = await trx.selectFrom('people').select('id').where('organisation_id', '=', input.id).execute();
        await refreshPersonSearchText(trx, ids.map((r) => r.id));
      }
      return input.id;
    }
    const row = await trx.insertInto('organisations').values({ ...values, created_at: now.toISOString() }).returning('id').executeTakeFirstOrThrow();
    return row.id;
  });
}

export async function deleteOrganisation(db: DbOrTx, id: number): Promise<void> {
  return inTransaction(db, async (trx) => {
    const ids = await trx.selectFrom('people').select('id').where('organisation_id', '=', id).execute();
    const res = await trx.deleteFrom('organisations').where('id', '=', id).executeTakeFirst();
    if (!res.numDeletedRows) throw notFound({ nl: 'Organisatie', en: 'Organisation' });
    await refreshPersonSearchText(trx, ids.map((r) => r.id));
  });
}
