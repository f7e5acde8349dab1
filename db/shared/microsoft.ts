import { z } from 'zod';
import type { Messages } from './messages';

export const MS_PROVIDERS = ['password', 'microsoft'] as const;

export const MS_SEND_METHODS = ['smtp', 'graph'] as const;

export const MS_MAILBOX_METHODS = ['imap', 'graph'] as const;

export type MsProvider = (typeof MS_PROVIDERS)[number];

export type MsSendMethod = (typeof MS_SEND_METHODS)[number];

export type MsMailboxMethod = (typeof MS_MAILBOX_METHODS)[number];

export const microsoftSettingsInput = z.strictObject({
  /** Application (client) id of the app registration; '' falls back to SCHAKEL_MS_CLIENT_ID. */
  clientId: z.string().trim().max(100).optional(),
  /** Tenant id or domain; '' falls back to SCHAKEL_MS_TENANT, then `organizations`. */
  tenant: z.string().trim().max(253).optional(),
  sendProvider: z.enum(MS_PROVIDERS).optional(),
  sendMethod: z.enum(MS_SEND_METHODS).optional(),
  mailboxProvider: z.enum(MS_PROVIDERS).optional(),
  mailboxMethod: z.enum(MS_MAILBOX_METHODS).optional(),
});

export type MicrosoftSettingsInput = z.input<typeof microsoftSettingsInput>;

export interface MicrosoftSettings {
  clientId: string;
  tenant: string;
  sendProvider: MsProvider;
  sendMethod: MsSendMethod;
  mailboxProvider: MsProvider;
  mailboxMethod: MsMailboxMethod;
}

export interface MicrosoftStatus {
  settings: MicrosoftSettings;
  /** Client id and tenant as used (settings, else the environment). */
  effective: { clientId: string; tenant: string };
  configured: boolean;
  account: { username: string; name: string } | null;
  /** false in browser mode: the sign-in lasts as long as this session. */
  persistentCache: boolean;
  signIn: MicrosoftSignInState;
}

export interface MicrosoftSignInState {
  state: 'idle' | 'waiting' | 'done' | 'failed';
  /** The sign-in page while waiting (browser mode opens it in a new tab). */
  url: string | null;
  error: { code: string; message: Messages; detail: string } | null;
}

export interface MicrosoftTestResult {
  ok: boolean;
  message: Messages;
  code: string | null;
  detail: string | null;
}
