import { StorageError } from '../../db/store/storage';
import { backupServiceOf } from '../../db/store/backup-service';
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
  'backup.status': (ctx) => backupServiceOf(ctx).status(),
  'backup.list': (ctx) => asCommand(() => backupServiceOf(ctx).list()),
  'backup.inspect': (ctx, { path }) => asCommand(() => backupServiceOf(ctx).inspect(path)),
  'backup.now': (ctx) =>
    asCommand(async () => {
      const service = backupServiceOf(ctx);
      return service.entryOf(await service.backupNow('manual'));
    }),
  'backup.restore': (ctx, { path }) => asCommand(() => backupServiceOf(ctx).restore(path)),
  'backup.setFolder': (ctx, { folder }) => asCommand(() => backupServiceOf(ctx).setFolder(folder)),
  'backup.setRetention': (ctx, { days }) => asCommand(() => backupServiceOf(ctx).setRetention(days)),
};
