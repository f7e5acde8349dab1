import { StorageError } from '../../db/store/storage';
import type { backupContract } from '../commands/backup.contract';
import { CommandError } from '../../db/shared/errors';
import type { Handlers } from '../commands/registry';

async function asCommand<T>(fn: () => Promise<T> | T): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    if (error instanceof StorageError) throw new CommandError(error.code, error.messages);
    throw error;
  }
}

export const backupHandlers: Handlers<typeof backupContract> = {
  'backup.status': ({ services }) => services.backup.status(),
  'backup.list': ({ services }) => asCommand(() => services.backup.list()),
  'backup.inspect': ({ services }, { path }) => asCommand(() => services.backup.inspect(path)),
  'backup.now': ({ services }) =>
    asCommand(async () => services.backup.entryOf(await services.backup.backupNow('manual'))),
  'backup.restore': ({ services }, { path }) => asCommand(() => services.backup.restore(path)),
  'backup.setFolder': ({ services }, { folder }) => asCommand(() => services.backup.setFolder(folder)),
  'backup.setRetention': ({ services }, { days }) => asCommand(() => services.backup.setRetention(days)),
};
