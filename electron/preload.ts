import { contextBridge, ipcRenderer } from 'electron';
import { schakelBridge } from './bridge';

const api = schakelBridge(ipcRenderer);

contextBridge.exposeInMainWorld('schakel', api);

export type SchakelBridge = typeof api;
