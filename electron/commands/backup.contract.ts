import { z } from 'zod';
import { command } from './spec';
import type { BackupEntry, BackupStatus, RestoreResult } from '../../db/store/backup-types';

const absolutePath = z
  .string()
  .trim()
  .min(1)
  .max(1000)
  .refine((p) => /^(\/|[A-Za-z]:[\\/]|\\\\)/.test(p), { message: 'Volledig pad nodig / full path required' });

export const backupContract = {
  'backup.status': command(z.strictObject({})).returns<BackupStatus>(),
  /** The backups in the backup folder, newest first, with date, size and counts. */
  'backup.list': command(z.strictObject({})).returns<BackupEntry[]>(),
  /** A file the user picked elsewhere: date, size, counts, and whether it can be restored. */
  'backup.inspect': command(z.strictObject({ path: absolutePath })).returns<BackupEntry>(),
  'backup.now': command(z.strictObject({})).returns<BackupEntry>(),
  /** Replaces the data with the backup; reload the UI afterwards. */
  'backup.restore': command(z.strictObject({ path: absolutePath })).returns<RestoreResult>(),
  /** null: back to `backups/` in the data folder. Existing backups move along. */
  'backup.setFolder': command(z.strictObject({ folder: absolutePath.nullable() })).returns<BackupStatus>(),
  'backup.setRetention': command(z.strictObject({ days: z.number().int().min(1).max(3650) })).returns<BackupStatus>(),
};

export type { BackupKind } from '../../db/shared/status';
export type { BackupCounts, BackupEntry, BackupStatus, RestoreResult } from '../../db/store/backup-types';
