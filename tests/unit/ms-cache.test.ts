import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TokenCacheContext } from '@azure/msal-node';
import { afterEach, describe, expect, it } from 'vitest';
import { aesGcmKeyStore, encryptedCachePlugin, fileSealedStorage } from '../../db/mail/microsoft/cache';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** Just the part of MSAL's cache context the plugin uses. */
function context(initial: string, changed: boolean) {
  let data = initial;
  return {
    get cacheHasChanged() {
      return changed;
    },
    tokenCache: { serialize: () => data, deserialize: (s: string) => void (data = s) },
    read: () => data,
  };
}

describe('sealed MSAL cache in a file', () => {
  it('writes only sealed bytes, mode 0600, atomically, and reads them back', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'schakel-mscache-'));
    dirs.push(dir);
    const file = path.join(dir, 'secrets', 'microsoft-cache.bin');
    const storage = fileSealedStorage(file);
    expect(storage.read()).toBeNull();
    const plugin = encryptedCachePlugin(aesGcmKeyStore(randomBytes(32)), storage);
    const key = randomBytes(32);
    const sealedPlugin = encryptedCachePlugin(aesGcmKeyStore(key), storage);

    const unchanged = context('{"Account":{}}', false);
    await plugin.afterCacheAccess(unchanged as unknown as TokenCacheContext);
    expect(storage.read()).toBeNull();

    const written = context('{"RefreshToken":{"k":{"secret":"0.Ageheim"}}}', true);
    await sealedPlugin.afterCacheAccess(written as unknown as TokenCacheContext);
    const onDisk = storage.read()!;
    expect(onDisk.toString('latin1')).not.toContain('geheim');
    if (process.platform !== 'win32') expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readdirSync(path.dirname(file))).toEqual(['microsoft-cache.bin']);

    const reopened = context('', false);
    await sealedPlugin.beforeCacheAccess(reopened as unknown as TokenCacheContext);
    expect(reopened.read()).toBe('{"RefreshToken":{"k":{"secret":"0.Ageheim"}}}');

    // Another installation's key: the cache counts as empty and the caller hears why.
    const problems: unknown[] = [];
    const foreign = context('', false);
    await encryptedCachePlugin(aesGcmKeyStore(randomBytes(32)), storage, (e) => problems.push(e)).beforeCacheAccess(foreign as unknown as TokenCacheContext);
    expect(foreign.read()).toBe('');
    expect(problems).toHaveLength(1);

    storage.remove();
    expect(storage.read()).toBeNull();
  });
});
