import { z } from 'zod';
import { command } from './spec';
import { ORGANISATION_KINDS, DOMAINS, LANGUAGES, type Language, PILOT_ROLES, INTERACTION_KINDS } from '../../db/shared/register';
import type { OrganisationSummary, OrganisationDetail, PersonRow, PersonDetail, PilotSummary, PilotDetail, MapPoint } from '../../db/register/types';
import { singleLine } from '../../db/shared/messages';

const id = z.number().int().positive();
const optionalText = (max = 2000) =>
  z.string().trim().max(max).nullish().transform((v) => (v ? v : null));
const optionalLine = (max: number) => singleLine().max(max).nullish().transform((v) => (v ? v : null));
const score = z.number().int().min(1).max(5).nullish().transform((v) => v ?? null);
const httpsOrHttpUrl = z
  .string()
  .trim()
  .max(500)
  .refine((v) => v === '' || /^https?:\/\/[^\s]+\.[^\s]+$/i.test(v), { message: 'URL moet beginnen met https://' })
  .nullish()
  .transform((v) => (v ? v : null));

export const personFilters = z.strictObject({
  query: z.string().max(200).default(''),
  organisationKind: z.enum(ORGANISATION_KINDS).nullish(),
  organisationId: id.nullish(),
  pilotId: id.nullish(),
  tag: z.string().max(100).nullish(),
  region: z.string().max(100).nullish(),
  language: z.enum(LANGUAGES).nullish(),
});
export type PersonFilters = z.input<typeof personFilters>;

export const organisationInput = z.strictObject({
  id: id.optional(),
  name: singleLine().min(1).max(200),
  kind: z.enum(ORGANISATION_KINDS),
  domain: z.enum(DOMAINS),
  region: optionalLine(100),
  municipality: optionalLine(100),
  website: httpsOrHttpUrl,
  notes: optionalText(10000),
});

export const personInput = z.strictObject({
  id: id.optional(),
  firstName: singleLine().max(100).default(''),
  lastName: singleLine().max(100).default(''),
  emails: z
    .array(z.strictObject({ email: z.string().trim().max(254), primary: z.boolean().default(false) }))
    .max(10)
    .default([]),
  phone: optionalLine(40),
  organisationId: id.nullish().transform((v) => v ?? null),
  jobTitle: optionalLine(200),
  language: z.enum(LANGUAGES).default('nl'),
  tags: z.array(singleLine().min(1).max(60)).max(50).default([]),
  notes: optionalText(10000),
  owner: optionalLine(100),
  power: score,
  interest: score,
});

export const pilotInput = z.strictObject({
  id,
  name: singleLine().min(1).max(200),
  nameEn: optionalLine(200),
  region: singleLine().min(1).max(100),
  municipalities: singleLine().max(500).default(''),
  phase: optionalLine(200),
  aim: optionalText(5000),
  results: optionalText(5000),
  nextSteps: optionalText(5000),
  contactName: optionalLine(200),
});

export const interactionInput = z.strictObject({
  kind: z.enum(INTERACTION_KINDS),
  occurredOn: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  summary: z.string().trim().min(1).max(5000),
  personIds: z.array(id).max(500).default([]),
  organisationIds: z.array(id).max(500).default([]),
  pilotIds: z.array(id).max(20).default([]),
});

export interface AppInfo {
  version: string;
  dataDir: string;
  databaseFile: string;
  counts: { people: number; organisations: number; pilots: number; interactions: number };
  hasDemo: boolean;
  language: 'nl' | 'en';
}

export const registerContract = {
  'app.info': command(z.strictObject({})).returns<AppInfo>(),
  'app.loadDemo': command(z.strictObject({})).returns<{ added: number }>(),
  'settings.setLanguage': command(z.strictObject({ language: z.enum(LANGUAGES) })).returns<{ language: Language }>(),

  'organisations.list': command(
    z.strictObject({
      query: z.string().max(200).default(''),
      kind: z.enum(ORGANISATION_KINDS).nullish(),
      domain: z.enum(DOMAINS).nullish(),
    }),
  ).returns<OrganisationSummary[]>(),
  'organisations.get': command(z.strictObject({ id })).returns<OrganisationDetail>(),
  'organisations.save': command(organisationInput).returns<{ id: number }>(),
  'organisations.delete': command(z.strictObject({ id })).returns<{ deleted: true }>(),

  'people.search': command(
    personFilters.extend({
      sort: z.enum(['name', 'organisation', 'updated']).default('name'),
      offset: z.number().int().min(0).default(0),
      limit: z.number().int().min(1).max(500).default(100),
    }),
  ).returns<{ total: number; rows: PersonRow[] }>(),
  'people.get': command(z.strictObject({ id })).returns<PersonDetail>(),
  'people.save': command(personInput).returns<{ id: number }>(),
  'people.delete': command(z.strictObject({ id })).returns<{ deleted: true }>(),
  'people.facets': command(z.strictObject({})).returns<{ tags: string[]; regions: string[]; owners: string[] }>(),
  'people.exportCsv': command(personFilters).returns<{ fileName: string; csv: string; count: number }>(),

  'pilots.list': command(z.strictObject({})).returns<PilotSummary[]>(),
  'pilots.get': command(z.strictObject({ id })).returns<PilotDetail>(),
  'pilots.save': command(pilotInput).returns<{ id: number }>(),
  'pilots.setRole': command(
    z.strictObject({ pilotId: id, personId: id, role: z.enum(PILOT_ROLES).nullable() }),
  ).returns<{ ok: true }>(),

  /** Adds (partner: true) or removes a partner organisation of a pilot. */
  'pilots.setOrganisation': command(
    z.strictObject({ pilotId: id, organisationId: id, partner: z.boolean() }),
  ).returns<{ ok: true }>(),

  'themeSessions.list': command(z.strictObject({})).returns<{ id: number; name: string; nameEn: string; description: string | null }[]>(),

  'interactions.create': command(interactionInput).returns<{ id: number }>(),
  'interactions.delete': command(z.strictObject({ id })).returns<{ deleted: true }>(),

  'map.people': command(
    z.strictObject({ pilotId: id.nullish(), organisationKind: z.enum(ORGANISATION_KINDS).nullish() }),
  ).returns<MapPoint[]>(),
};

export type { OrganisationSummary, OrganisationDetail, PersonRow, PersonDetail, InteractionEntry, PilotSummary, PilotDetail, MapPoint } from '../../db/register/types';
