import { z } from 'zod';
import { command, type Messages } from './spec';

export type BackupKind = 'auto' | 'manual' | 'safety' | 'update';

export interface BackupCounts {
  people: number;
  organisations: number;
  /** null: that data does not exist in this file (made before the feature). */
  subscribers: number | null;
  editions: number | null;
}

export interface BackupEntry {
  file: string;
  /** Absolute path; pass it to backup.restore. */
  path: string;
  /** auto: daily; manual: "backup now"; safety: before a restore; update: before a schema update. */
  kind: BackupKind;
  createdAt: string;
  sizeBytes: number;
  /** Deleted no later than this (retention); null for a file outside the backup folder. */
  expiresAt: string | null;
  counts: BackupCounts | null;
  /** older: restoring it updates it to this version; newer: cannot be restored by this version. */
  schema: 'current' | 'older' | 'newer' | 'foreign' | 'empty' | null;
  /** Why this file cannot be restored, if it cannot. */
  problem: Messages | null;
}

export interface BackupStatus {
  folder: string;
  defaultFolder: string;
  usesDefaultFolder: boolean;
  retentionDays: number;
  running: 'backup' | 'restore' | 'move' | null;
  count: number;
  lastBackup: { file: string; kind: BackupKind; createdAt: string } | null;
  /** The last automatic or manual backup that failed, until one succeeds. */
  lastFailure: { at: string; code: string; message: Messages } | null;
  nextAutoBackupAt: string | null;
}

export interface RestoreResult {
  restoredFrom: string;
  /** The backup of the data as they were just before the restore. */
  safetyBackup: BackupEntry;
  counts: BackupCounts;
  /** Schema updates applied to the restored data. */
  migrated: string[];
}

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
