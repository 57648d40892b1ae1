/**
 * A stand-in for the `electron` module (whose binary cannot run here): the parts the shell and the
 * preload use, recording what they were given so tests can check the window options, the session
 * hooks, the navigation guards, the IPC handler and what the preload exposes.
 */
import { EventEmitter } from 'node:events';

type Handler = (...args: unknown[]) => unknown;

/** A webContents: events as an EventEmitter, plus the window-open handler it was given. */
export class FakeWebContents extends EventEmitter {
  windowOpenHandler: ((details: { url: string }) => { action: string }) | null = null;
  setWindowOpenHandler(h: (details: { url: string }) => { action: string }): void {
    this.windowOpenHandler = h;
  }
  isDestroyed(): boolean {
    return false;
  }
  send(): void {}
}

export const recorded = {
  windows: [] as { options: Record<string, unknown>; loaded: string[] }[],
  headersHook: null as Handler | null,
  permissionHandler: null as Handler | null,
  openedExternally: [] as string[],
  openedPaths: [] as string[],
  /** what the next shell.openPath answers ('' is success, as in Electron) */
  openPathAnswer: '',
  ipcHandlers: new Map<string, Handler>(),
  exposed: new Map<string, unknown>(),
  rendererInvokes: [] as unknown[][],
  rendererListeners: new Map<string, Set<Handler>>(),
  sandboxEnabled: false,
};

export class BrowserWindow extends EventEmitter {
  static getAllWindows(): BrowserWindow[] {
    return [];
  }
  readonly webContents = new FakeWebContents();
  private readonly record: { options: Record<string, unknown>; loaded: string[] };
  constructor(options: Record<string, unknown>) {
    super();
    this.record = { options, loaded: [] };
    recorded.windows.push(this.record);
  }
  loadURL(url: string): Promise<void> {
    this.record.loaded.push(url);
    return Promise.resolve();
  }
  show(): void {}
}

export const session = {
  defaultSession: {
    webRequest: { onHeadersReceived: (h: Handler) => void (recorded.headersHook = h) },
    setPermissionRequestHandler: (h: Handler) => void (recorded.permissionHandler = h),
  },
};

export const shell = {
  openExternal: (url: string) => void recorded.openedExternally.push(url),
  openPath: (path: string) => {
    recorded.openedPaths.push(path);
    return Promise.resolve(recorded.openPathAnswer);
  },
};

export const ipcMain = {
  handle: (channel: string, h: Handler) => void recorded.ipcHandlers.set(channel, h),
  removeHandler: (channel: string) => void recorded.ipcHandlers.delete(channel),
};

export const contextBridge = { exposeInMainWorld: (key: string, value: unknown) => void recorded.exposed.set(key, value) };

export const ipcRenderer = {
  invoke: (...args: unknown[]) => {
    recorded.rendererInvokes.push(args);
    return Promise.resolve({ ok: true, value: null });
  },
  on: (channel: string, h: Handler) => {
    const set = recorded.rendererListeners.get(channel) ?? new Set();
    set.add(h);
    recorded.rendererListeners.set(channel, set);
  },
  removeListener: (channel: string, h: Handler) => void recorded.rendererListeners.get(channel)?.delete(h),
};

export const app = {
  setName: () => {},
  enableSandbox: () => void (recorded.sandboxEnabled = true),
  /** never ready: importing the entry must not open a real backend */
  whenReady: () => new Promise<void>(() => {}),
  on: () => {},
  getPath: () => '/nonexistent',
};
