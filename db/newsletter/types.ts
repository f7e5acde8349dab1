import type { Language } from '../shared/register';
import type { Bilingual, EditionStatus, EditionContent } from '../shared/newsletter';

export interface NewsletterSettingsView {
  senderName: string;
  senderEmail: string;
  postalAddress: string;
  privacyUrl: string;
  unsubscribeAddress: string;
  /** Settings the footer or the unsubscribe link still needs. */
  missing: ('senderName' | 'senderEmail' | 'postalAddress' | 'privacyUrl' | 'unsubscribeAddress')[];
}

export interface EditionSummary {
  id: number;
  number: number;
  date: string;
  title: Bilingual;
  status: EditionStatus;
  blockCount: number;
  listIds: number[];
  updatedAt: string;
  readyAt: string | null;
  sentAt: string | null;
  archivedAt: string | null;
}

export interface EditionDetail extends EditionSummary {
  revision: number;
  content: EditionContent;
  /** Sent editions can no longer change. */
  frozen: boolean;
  createdAt: string;
  /** Languages with a kept final rendering (sent editions). */
  archiveLanguages: Language[];
}

export interface EditionSaved {
  revision: number;
  status: EditionStatus;
  updatedAt: string;
}

export interface AudienceSummary {
  total: number;
  byLanguage: Record<Language, number>;
  byList: { listId: number; name: string; count: number }[];
}

export interface RecipientRow {
  personId: number;
  name: string;
  email: string;
  language: Language;
  organisationName: string | null;
  listId: number;
  listName: string;
}

export interface PreviewResult {
  language: Language;
  mode: 'mail' | 'web';
  subject: string;
  preheader: string;
  /** A complete HTML document; show it in a sandboxed frame without scripts. */
  html: string;
  text: string;
  /** Bytes of this HTML (Gmail clips above about 100 kB). */
  bytes: number;
  compileMs: number;
  /** The compiled edition came from the cache. */
  cached: boolean;
  recipient: { personId: number; name: string; language: Language; inAudience: boolean } | null;
}

export type ChecklistCheck =
  | 'audience' | 'footer' | 'unsubscribe' | 'subject' | 'preheader' | 'empty_blocks' | 'links' | 'images' | 'contacts'
  | 'merge_fields' | 'english' | 'size' | 'privacy';

export interface ChecklistItem {
  check: ChecklistCheck;
  severity: 'ok' | 'warning' | 'error';
  message: Bilingual;
  /** Where to go in the editor: a path in the edition content, e.g. blocks.2.text.en */
  path: string | null;
  blockIndex: number | null;
}

export interface ChecklistResult {
  /** No errors: the edition may be marked ready (warnings need to be accepted). */
  ok: boolean;
  errors: number;
  warnings: number;
  items: ChecklistItem[];
  recipients: { total: number; nl: number; en: number };
  /** Bytes of the HTML per language. */
  sizes: Record<Language, number>;
}
