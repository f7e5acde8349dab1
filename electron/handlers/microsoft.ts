import type { microsoftContract } from '../commands/microsoft.contract';
import type { Handlers } from '../commands/registry';

export const microsoftHandlers: Handlers<typeof microsoftContract> = {
  'microsoft.status': ({ services }) => services.microsoft.status(),
  'microsoft.settings.save': ({ services }, input) => services.microsoft.saveSettings(input),
  'microsoft.signIn.start': ({ services }) => services.microsoft.startSignIn(),
  'microsoft.signIn.wait': ({ services }, input) => services.microsoft.waitSignIn(input.timeoutMs),
  'microsoft.signIn.cancel': ({ services }) => services.microsoft.cancelSignIn(),
  'microsoft.signOut': ({ services }) => services.microsoft.signOut(),
  'microsoft.test': ({ services }, input) => services.microsoft.test(input.purpose),
};
