import type { importContract } from '../commands/import.contract';
import type { Handlers } from '../commands/registry';
import { CommandError } from '../commands/errors';

const pending = (): never => {
  throw new CommandError('not_ready', { nl: 'Importeren is nog niet beschikbaar.', en: 'Import is not available yet.' });
};

export const importHandlers: Handlers<typeof importContract> = {
  'import.preview': pending,
  'import.validate': pending,
  'import.commit': pending,
  'import.progress': pending,
  'import.discard': pending,
};
