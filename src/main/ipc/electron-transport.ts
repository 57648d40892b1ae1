/**
 * The Electron IPC transport: one `veil:invoke` channel into the router, one `veil:event` channel
 * out. Only requests from the studio's own window frames are answered.
 */
import { ipcMain, type IpcMainInvokeEvent, type WebContents } from 'electron';
import { fail } from '../../shared/contract/errors.ts';
import type { EventBus } from '../jobs/event-bus.ts';
import type { Router } from './router.ts';

export const INVOKE_CHANNEL = 'veil:invoke';
export const EVENT_CHANNEL = 'veil:event';

/** Answers `veil:invoke` through the router; returns the detach function. */
export function attachIpcTransport(router: Router, isTrusted: (e: IpcMainInvokeEvent) => boolean): () => void {
  ipcMain.handle(INVOKE_CHANNEL, async (event, method: unknown, request: unknown) => {
    if (!isTrusted(event)) return fail('UNAUTHORIZED', 'IPC from an untrusted frame is refused.');
    return router.invoke(String(method), request);
  });
  return () => ipcMain.removeHandler(INVOKE_CHANNEL);
}

/** Pushes every bus event to one window's contents until it is destroyed. */
export function forwardEventsTo(bus: EventBus, wc: WebContents): void {
  const unsubscribe = bus.subscribe((envelope) => {
    if (!wc.isDestroyed()) wc.send(EVENT_CHANNEL, envelope);
  });
  wc.once('destroyed', unsubscribe);
}
