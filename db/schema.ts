import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';

/** ISO-8601 UTC timestamp text, e.g. 2026-11-23T10:00:00.000Z */
type Timestamp = string;
type CreatedAt = ColumnType<Timestamp, Timestamp | undefined, never>;

export const ORGANISATION_KINDS = [
  'gemeente',
  'politie',
  'om',
  'raad_kinderbescherming',
  'jeugdbescherming',
  'halt',
  'school',
  'jeugdzorg',
  'kennispartner',
  'overig',
] as const;
export type OrganisationKind = (typeof ORGANISATION_KINDS)[number];

export const DOMAINS = ['sociaal_domein', 'strafrechtketen', 'onderwijs', 'zorg', 'overig'] as const;
export type Domain = (typeof DOMAINS)[number];

export const LANGUAGES = ['nl', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];

export const PILOT_ROLES = ['contactpersoon', 'trekker', 'partner', 'deelnemer'] as const;
export type PilotRole = (typeof PILOT_ROLES)[number];

export const INTERACTION_KINDS = ['meeting', 'call', 'mail', 'event'] as const;
export type InteractionKind = (typeof INTERACTION_KINDS)[number];

export interface OrganisationTable {
  id: Generated<number>;
  name: string;
  kind: OrganisationKind;
  domain: Domain;
  region: string | null;
  municipality: string | null;
  website: string | null;
  notes: string | null;
  /** lower-case, diacritics removed: for search */
  search_text: string;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export interface PersonTable {
  id: Generated<number>;
  first_name: string;
  last_name: string;
  phone: string | null;
  organisation_id: number | null;
  job_title: string | null;
  language: Language;
  notes: string | null;
  owner: string | null;
  power: number | null;
  interest: number | null;
  /** sort key: folded last name + first name */
  sort_key: string;
  /** folded name, e-mail addresses, organisation, job title, tags */
  search_text: string;
  is_demo: ColumnType<number, number | undefined, number>;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export interface PersonEmailTable {
  id: Generated<number>;
  person_id: number;
  email: string;
  /** normalised (trimmed, lower-case, NFC) for uniqueness */
  email_norm: string;
  is_primary: number;
}

export interface PersonTagTable {
  person_id: number;
  tag: string;
}

export interface PilotTable {
  id: Generated<number>;
  slug: string;
  name: string;
  name_en: string | null;
  region: string;
  municipalities: string;
  phase: string | null;
  aim: string | null;
  results: string | null;
  next_steps: string | null;
  /** public contact person, by name only */
  contact_name: string | null;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export interface PilotOrganisationTable {
  pilot_id: number;
  organisation_id: number;
}

export interface PilotPersonTable {
  pilot_id: number;
  person_id: number;
  role: PilotRole;
}

export interface ThemeSessionTable {
  id: Generated<number>;
  slug: string;
  name: string;
  name_en: string;
  description: string | null;
}

export interface InteractionTable {
  id: Generated<number>;
  kind: InteractionKind;
  occurred_on: string;
  summary: string;
  created_at: CreatedAt;
}

export interface InteractionPersonTable {
  interaction_id: number;
  person_id: number;
}
export interface InteractionOrganisationTable {
  interaction_id: number;
  organisation_id: number;
}
export interface InteractionPilotTable {
  interaction_id: number;
  pilot_id: number;
}

export interface SettingTable {
  key: string;
  value: string;
}

export interface Database {
  organisations: OrganisationTable;
  people: PersonTable;
  person_emails: PersonEmailTable;
  person_tags: PersonTagTable;
  pilots: PilotTable;
  pilot_organisations: PilotOrganisationTable;
  pilot_people: PilotPersonTable;
  theme_sessions: ThemeSessionTable;
  interactions: InteractionTable;
  interaction_people: InteractionPersonTable;
  interaction_organisations: InteractionOrganisationTable;
  interaction_pilots: InteractionPilotTable;
  settings: SettingTable;
}

export type Organisation = Selectable<OrganisationTable>;
export type NewOrganisation = Insertable<OrganisationTable>;
export type OrganisationUpdate = Updateable<OrganisationTable>;
export type Person = Selectable<PersonTable>;
export type NewPerson = Insertable<PersonTable>;
export type PersonUpdate = Updateable<PersonTable>;
export type PersonEmail = Selectable<PersonEmailTable>;
export type Pilot = Selectable<PilotTable>;
export type PilotUpdate = Updateable<PilotTable>;
export type Interaction = Selectable<InteractionTable>;
export type ThemeSession = Selectable<ThemeSessionTable>;
