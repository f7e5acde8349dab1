import { randomBytes } from 'node:crypto';
import { chmodSync, closeSync, mkdirSync, openSync, readFileSync, statSync, writeSync } from 'node:fs';
import path from 'node:path';

export const SECRETS_DIR = 'secrets';
export const SUPPRESSION_KEY_FILE = 'suppression.key';

export class SecretMissingError extends Error {
  constructor(readonly file: string) {
    super(`Secret file missing: ${file}`);
    this.name = 'SecretMissingError';
  }
}

export function secretPath(dataDir: string, name: string): string {
  return path.join(dataDir, SECRETS_DIR, name);
}

/**
 * Reads a 32-byte per-installation key from `<dataDir>/secrets/<name>` (hex text, mode 0600).
 * Creates it when absent and `create` is true; otherwise a missing file throws SecretMissingError.
 */
export function readOrCreateKey(dataDir: string, name: string, options: { create: boolean }): Buffer {
  const file = secretPath(dataDir, name);
  try {
    return readKey(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  if (!options.create) throw new SecretMissingError(file);
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  if (process.platform !== 'win32' && (statSync(path.dirname(file)).mode & 0o777) !== 0o700) chmodSync(path.dirname(file), 0o700);
  const key = randomBytes(32);
  let fd: number;
  try {
    fd = openSync(file, 'wx', 0o600);
  } catch (error) {
    // Created by someone else between our read and write: use theirs.
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return readKey(file);
    throw error;
  }
  try {
    writeSync(fd, `${key.toString('hex')}\n`);
  } finally {
    closeSync(fd);
  }
  restrict(file);
  return key;
}

function readKey(file: string): Buffer {
  const text = readFileSync(file, 'utf8').trim();
  if (!/^[0-9a-f]{64}$/i.test(text)) throw new Error(`Secret file is damaged: ${file}`);
  restrict(file);
  return Buffer.from(text, 'hex');
}

/** Keeps the file readable by its owner only (a no-op on Windows, where modes are not enforced). */
function restrict(file: string): void {
  if (process.platform === 'win32') return;
  if ((statSync(file).mode & 0o777) !== 0o600) chmodSync(file, 0o600);
}
