import type { BackupKind } from '../shared/status';
import type { Messages } from '../shared/messages';

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
