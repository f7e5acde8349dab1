import { seedDemo } from '../../db/store/seed';
import { appInfo, listThemeSessions, saveUiLanguage } from '../../db/register/app';
import { deleteInteraction, createInteraction } from '../../db/register/interactions';
import { deleteOrganisation, getOrganisation, listOrganisations, saveOrganisation } from '../../db/register/organisations';
import { deletePerson, exportPeopleCsv, getPerson, peopleFacets, savePerson, searchPeople } from '../../db/register/people';
import { getPilot, listPilots, mapPeople, savePilot, setPilotOrganisation, setPilotRole } from '../../db/register/pilots';
import type { registerContract } from '../commands/register.contract';
import type { Handlers } from '../commands/registry';

export const registerHandlers: Handlers<typeof registerContract> = {
  'app.info': ({ db, dataDir }) => appInfo(db, dataDir),
  'app.loadDemo': async ({ db }) => ({ added: await seedDemo(db) }),
  'settings.setLanguage': ({ db }, { language }) => saveUiLanguage(db, language),

  'organisations.list': ({ db }, input) => listOrganisations(db, input),
  'organisations.get': ({ db }, { id }) => getOrganisation(db, id),
  'organisations.save': async ({ db, now }, input) => ({ id: await saveOrganisation(db, input, now()) }),
  'organisations.delete': async ({ db }, { id }) => {
    await deleteOrganisation(db, id);
    return { deleted: true };
  },

  'people.search': ({ db }, input) => searchPeople(db, input),
  'people.get': ({ db }, { id }) => getPerson(db, id),
  'people.save': async ({ db, now }, input) => ({ id: await savePerson(db, input, now()) }),
  'people.delete': async ({ db }, { id }) => {
    await deletePerson(db, id);
    return { deleted: true };
  },
  'people.facets': ({ db }) => peopleFacets(db),
  'people.exportCsv': async ({ db, now }, input) => {
    const { csv, count } = await exportPeopleCsv(db, input);
    return { csv, count, fileName: `schakel-mensen-${now().toISOString().slice(0, 10)}.csv` };
  },

  'pilots.list': ({ db }) => listPilots(db),
  'pilots.get': ({ db }, { id }) => getPilot(db, id),
  'pilots.save': async ({ db, now }, input) => ({ id: await savePilot(db, input, now()) }),
  'pilots.setRole': async ({ db }, { pilotId, personId, role }) => {
    await setPilotRole(db, pilotId, personId, role);
    return { ok: true };
  },

  'pilots.setOrganisation': async ({ db }, { pilotId, organisationId, partner }) => {
    await setPilotOrganisation(db, pilotId, organisationId, partner);
    return { ok: true };
  },

  'themeSessions.list': ({ db }) => listThemeSessions(db),

  'interactions.create': async ({ db }, input) => ({ id: await createInteraction(db, input) }),
  'interactions.delete': async ({ db }, { id }) => {
    await deleteInteraction(db, id);
    return { deleted: true };
  },

  'map.people': ({ db }, input) => mapPeople(db, input),
};
