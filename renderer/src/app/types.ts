import type { InputOf } from '../../../electron/commands/contract';

// Enum types derived from the command contract (types only).
export type OrganisationKind = InputOf<'organisations.save'>['kind'];
export type Domain = InputOf<'organisations.save'>['domain'];
export type Language = NonNullable<InputOf<'people.save'>['language']>;
export type PilotRole = NonNullable<InputOf<'pilots.setRole'>['role']>;
export type InteractionKind = InputOf<'interactions.create'>['kind'];
export type SortKey = NonNullable<InputOf<'people.search'>['sort']>;
export type DuplicateMode = NonNullable<InputOf<'import.validate'>['duplicates']>;

export type {
  AppInfo,
  ImportField,
  ImportPreview,
  ImportProgress,
  ImportReport,
  ImportResult,
  InteractionEntry,
  MapPoint,
  OrganisationDetail,
  OrganisationSummary,
  PersonDetail,
  PersonRow,
  PilotDetail,
  PilotSummary,
} from '../../../electron/commands/contract';
