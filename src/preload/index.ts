/**
 * The preload bridge: exposes exactly two functions, `invoke` and `on`, over one channel each.
 * Runs sandboxed; no Node API crosses into the page.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import type { VeilApi } from '../shared/contract/api.ts';
import type { EventEnvelope } from '../shared/contract/events.ts';

const api: VeilApi = {
  invoke: (method, request) => ipcRenderer.invoke('veil:invoke', method, request),
  on: (event, listener) => {
    const wrapped = (_e: IpcRendererEvent, envelope: EventEnvelope): void => {
      if (envelope.event === event) listener(envelope.payload as Parameters<typeof listener>[0]);
    };
    ipcRenderer.on('veil:event', wrapped);
    return () => ipcRenderer.removeListener('veil:event', wrapped);
  },
};

contextBridge.exposeInMainWorld('api', api);
