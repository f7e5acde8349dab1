import { z } from 'zod';
import { command } from './spec';
import type { Messages } from '../../db/shared/messages';
import { microsoftSettingsInput, type MicrosoftSettings } from '../../db/shared/microsoft';

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

export const microsoftContract = {
  'microsoft.status': command(z.strictObject({})).returns<MicrosoftStatus>(),
  'microsoft.settings.save': command(microsoftSettingsInput).returns<MicrosoftStatus>(),
  'microsoft.signIn.start': command(z.strictObject({})).returns<MicrosoftSignInState>(),
  /** Waits up to `timeoutMs` for the sign-in to end; call again while the state is 'waiting'. */
  'microsoft.signIn.wait': command(z.strictObject({ timeoutMs: z.number().int().min(0).max(30_000).default(10_000) })).returns<MicrosoftStatus>(),
  'microsoft.signIn.cancel': command(z.strictObject({})).returns<MicrosoftStatus>(),
  'microsoft.signOut': command(z.strictObject({})).returns<MicrosoftStatus>(),
  'microsoft.test': command(z.strictObject({ purpose: z.enum(['sending', 'mailbox']) })).returns<MicrosoftTestResult>(),
};

export { MS_PROVIDERS, MS_SEND_METHODS, MS_MAILBOX_METHODS, microsoftSettingsInput } from '../../db/shared/microsoft';
export type { MsProvider, MsSendMethod, MsMailboxMethod, MicrosoftSettingsInput, MicrosoftSettings } from '../../db/shared/microsoft';
