import type { InvokeResult } from './commands/spec';
import type { UiLanguage } from '../db/shared/messages';

/**
 * The preload's API over the IPC channel it is given. Kept apart from preload.ts so the renderer can take its type
 * without loading Electron's (and with it Node's) type declarations.
 */
export function schakelBridge(ipc: { invoke(channel: string, ...args: unknown[]): Promise<unknown> }) {
  return {
    invoke: (name: string, input: unknown, lang: UiLanguage) => ipc.invoke('schakel:invoke', name, input, lang) as Promise<InvokeResult>,
  };
}

/** window.schakel as the preload exposes it. */
export type SchakelBridge = ReturnType<typeof schakelBridge>;
