import { contextBridge, ipcRenderer } from 'electron';
import type { InvokeResult } from './commands/spec';
import type { UiLanguage } from '../db/shared/messages';

const api = {
  invoke: (name: string, input: unknown, lang: UiLanguage): Promise<InvokeResult> =>
    ipcRenderer.invoke('schakel:invoke', name, input, lang),
};

contextBridge.exposeInMainWorld('schakel', api);

export type SchakelBridge = typeof api;
