import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { ICachePlugin, TokenCacheContext } from '@azure/msal-node';

/**
 * Seals and opens secrets. Its shape is Electron's `safeStorage` (encryptString/decryptString), so
 * the desktop shell passes that object itself; elsewhere `aesGcmKeyStore` with a per-installation key.
 */
export interface KeyStore {
  encryptString(plain: string): Buffer;
  decryptString(sealed: Buffer): string;
}

/** Where the sealed token cache lives: a file next to the data, or memory (browser mode). */
export interface SealedStorage {
  read(): Buffer | null;
  write(sealed: Buffer): void;
  remove(): void;
}

const MAGIC = Buffer.from('SKMS1');

/** AES-256-GCM with a 32-byte key: `SKMS1 | iv(12) | tag(16) | ciphertext`. */
export function aesGcmKeyStore(key: Buffer): KeyStore {
  if (key.length !== 32) throw new Error('aesGcmKeyStore needs a 32-byte key');
  return {
    encryptString(plain) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return Buffer.concat([MAGIC, iv, cipher.getAuthTag(), body]);
    },
    decryptString(sealed) {
      if (sealed.length < MAGIC.length + 28 || !sealed.subarray(0, MAGIC.length).equals(MAGIC)) {
        throw new Error('Sealed data has an unknown format');
      }
      const iv = sealed.subarray(MAGIC.length, MAGIC.length + 12);
      const tag = sealed.subarray(MAGIC.length + 12, MAGIC.length + 28);
      const decipher = createDecipheriv('aes-256-gcm', key, iv);
      decipher.setAuthTag(tag);
      return Buffer.concat([decipher.update(sealed.subarray(MAGIC.length + 28)), decipher.final()]).toString('utf8');
    },
  };
}

/** A file written atomically (temp file + rename), mode 0600. */
export function fileSealedStorage(file: string): SealedStorage {
  return {
    read() {
      try {
        return readFileSync(file);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
        throw error;
      }
    },
    write(sealed) {
      mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
      const tmp = `${file}.${process.pid}.tmp`;
      writeFileSync(tmp, sealed, { mode: 0o600 });
      renameSync(tmp, file);
    },
    remove() {
      rmSync(file, { force: true });
    },
  };
}

/** Browser mode: the cache lives as long as the process; sign-in is needed per session. */
export function memorySealedStorage(): SealedStorage & { peek(): Buffer | null } {
  let data: Buffer | null = null;
  return {
    read: () => data,
    write: (sealed) => (data = Buffer.from(sealed)),
    remove: () => (data = null),
    peek: () => data,
  };
}

/**
 * MSAL cache plugin: the serialized cache is only ever stored sealed by the key store. A cache
 * that cannot be opened (another key, damaged file) counts as empty: the user signs in again.
 */
export function encryptedCachePlugin(
  keyStore: KeyStore,
  storage: SealedStorage,
  onUnreadable?: (error: unknown) => void,
): ICachePlugin {
  return {
    async beforeCacheAccess(context: TokenCacheContext) {
      const sealed = storage.read();
      if (!sealed) return;
      let json: string;
      try {
        json = keyStore.decryptString(sealed);
      } catch (error) {
        onUnreadable?.(error);
        return;
      }
      context.tokenCache.deserialize(json);
    },
    async afterCacheAccess(context: TokenCacheContext) {
      if (context.cacheHasChanged) storage.write(keyStore.encryptString(context.tokenCache.serialize()));
    },
  };
}
