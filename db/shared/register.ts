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

/** Dutch names of the kinds, as staff write them (CSV export and import). */
export const ORGANISATION_KIND_NAMES: Record<OrganisationKind, string> = {
  gemeente: 'Gemeente',
  politie: 'Politie',
  om: 'Openbaar Ministerie',
  raad_kinderbescherming: 'Raad voor de Kinderbescherming',
  jeugdbescherming: 'Jeugdbescherming',
  halt: 'HALT',
  school: 'School',
  jeugdzorg: 'Jeugdzorg',
  kennispartner: 'Kennispartner',
  overig: 'Overig',
};

export const DOMAINS = ['sociaal_domein', 'strafrechtketen', 'onderwijs', 'zorg', 'overig'] as const;

export type Domain = (typeof DOMAINS)[number];

export const LANGUAGES = ['nl', 'en'] as const;

export type Language = (typeof LANGUAGES)[number];

export const PILOT_ROLES = ['contactpersoon', 'trekker', 'partner', 'deelnemer'] as const;

export type PilotRole = (typeof PILOT_ROLES)[number];

export const INTERACTION_KINDS = ['meeting', 'call', 'mail', 'event'] as const;

export type InteractionKind = (typeof INTERACTION_KINDS)[number];
