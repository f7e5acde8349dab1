import { z } from 'zod';
import { command } from './spec';
import { microsoftSettingsInput, type MicrosoftSignInState, type MicrosoftStatus, type MicrosoftTestResult } from '../../db/shared/microsoft';

export type { MicrosoftSignInState, MicrosoftStatus, MicrosoftTestResult } from '../../db/shared/microsoft';

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
