export type SendJobKind = 'edition' | 'test';

export type ConfirmationStatus = 'sent' | 'failed' | 'confirmed' | 'expired';

export type SendJobStatus = 'scheduled' | 'due' | 'running' | 'paused' | 'cancelled' | 'done';

export type SendRecipientState = 'queued' | 'sending' | 'sent' | 'retry' | 'failed' | 'skipped' | 'uncertain' | 'cancelled';

export const SMTP_SECURITIES = ['tls', 'starttls', 'none'] as const;

export type SmtpSecurity = (typeof SMTP_SECURITIES)[number];

export const BACKUP_KINDS = ['auto', 'manual', 'safety', 'update'] as const;

/** auto: daily; manual: "backup now"; safety: before a restore; update: before a schema update. */
export type BackupKind = (typeof BACKUP_KINDS)[number];
