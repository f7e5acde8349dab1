import type { Domain, ImportField, InteractionKind, Language, OrganisationKind, PilotRole } from './types';

// Runtime copies of the contract's enums (the renderer imports only types from the contract).
// `satisfies` keeps them in step: a value the contract does not know is a type error.
export const ORGANISATION_KIND_LIST = [
  'gemeente', 'politie', 'om', 'raad_kinderbescherming', 'jeugdbescherming', 'halt', 'school', 'jeugdzorg', 'kennispartner', 'overig',
] as const satisfies readonly OrganisationKind[];

export const DOMAIN_LIST = ['sociaal_domein', 'strafrechtketen', 'onderwijs', 'zorg', 'overig'] as const satisfies readonly Domain[];

export const LANGUAGE_LIST = ['nl', 'en'] as const satisfies readonly Language[];

export const PILOT_ROLE_LIST = ['contactpersoon', 'trekker', 'partner', 'deelnemer'] as const satisfies readonly PilotRole[];

export const INTERACTION_KIND_LIST = ['meeting', 'call', 'mail', 'event'] as const satisfies readonly InteractionKind[];

export const IMPORT_FIELD_LIST = [
  'firstName', 'lastName', 'fullName', 'email', 'email2', 'phone', 'organisation', 'organisationKind',
  'jobTitle', 'language', 'tags', 'notes', 'region', 'municipality', 'owner', 'power', 'interest',
] as const satisfies readonly ImportField[];

/** The usual domain of each kind of organisation, to prefill the form. */
export const DEFAULT_DOMAIN: Record<OrganisationKind, Domain> = {
  gemeente: 'sociaal_domein',
  politie: 'strafrechtketen',
  om: 'strafrechtketen',
  raad_kinderbescherming: 'strafrechtketen',
  jeugdbescherming: 'strafrechtketen',
  halt: 'strafrechtketen',
  school: 'onderwijs',
  jeugdzorg: 'zorg',
  kennispartner: 'overig',
  overig: 'overig',
};
