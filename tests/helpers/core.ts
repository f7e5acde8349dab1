import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startCore, type Core, type CoreOptions } from '../../electron/core';
import type { CommandName, InputOf, OutputOf } from '../../electron/commands/contract';

export function tempDir(prefix = 'schakel-test-'): string {
  return mkdtempSync(path.join(os.tmpdir(), prefix));
}

export interface TestCore extends Core {
  dataDir: string;
  /** Invokes a command and returns its value; throws with the error message when it fails. */
  call<N extends CommandName>(name: N, input: InputOf<N>): Promise<OutputOf<N>>;
  dispose(): Promise<void>;
}

export async function createTestCore(options: Omit<CoreOptions, 'dataDir'> = {}): Promise<TestCore> {
  const dataDir = tempDir();
  const core = await startCore({ dataDir, ...options });
  return {
    ...core,
    dataDir,
    async call(name, input) {
      const result = await core.registry.invoke(name, input);
      if (!result.ok) throw Object.assign(new Error(result.error.message), { code: result.error.code, error: result.error });
      return result.value as never;
    },
    async dispose() {
      await core.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
