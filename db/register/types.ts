import type { PilotRole, InteractionKind, Language, OrganisationKind, Domain } from '../shared/register';

export interface OrganisationSummary {
  id: number;
  name: string;
  kind: OrganisationKind;
  domain: Domain;
  region: string | null;
  municipality: string | null;
  peopleCount: number;
}

export interface OrganisationDetail extends OrganisationSummary {
  website: string | null;
  notes: string | null;
  people: PersonRow[];
  pilots: { id: number; name: string }[];
  interactions: InteractionEntry[];
}

export interface PersonRow {
  id: number;
  name: string;
  email: string | null;
  organisationId: number | null;
  organisationName: string | null;
  jobTitle: string | null;
  language: Language;
}

export interface PersonDetail {
  id: number;
  firstName: string;
  lastName: string;
  name: string;
  emails: { email: string; primary: boolean }[];
  phone: string | null;
  organisationId: number | null;
  organisationName: string | null;
  jobTitle: string | null;
  language: Language;
  tags: string[];
  notes: string | null;
  owner: string | null;
  power: number | null;
  interest: number | null;
  isDemo: boolean;
  pilots: { pilotId: number; name: string; role: PilotRole }[];
  interactions: InteractionEntry[];
  updatedAt: string;
}

export interface InteractionEntry {
  id: number;
  kind: InteractionKind;
  occurredOn: string;
  summary: string;
  people: { id: number; name: string }[];
  organisations: { id: number; name: string }[];
  pilots: { id: number; name: string }[];
}

export interface PilotSummary {
  id: number;
  slug: string;
  name: string;
  nameEn: string | null;
  region: string;
  municipalities: string;
  phase: string | null;
  contactName: string | null;
  peopleCount: number;
}

export interface PilotDetail extends PilotSummary {
  aim: string | null;
  results: string | null;
  nextSteps: string | null;
  organisations: OrganisationSummary[];
  people: (PersonRow & { role: PilotRole })[];
  interactions: InteractionEntry[];
}

export interface MapPoint {
  id: number;
  name: string;
  organisationName: string | null;
  power: number;
  interest: number;
}
