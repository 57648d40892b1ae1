/**
 * The studio window: context isolation, sandbox, no Node integration, the preload's two-function
 * bridge, and the renderer loaded from the bundle (or the dev server under `electron-vite dev`).
 */
import { BrowserWindow } from 'electron';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { lockDownContents } from './security.ts';

export function rendererUrl(outDir: string): string {
  return process.env.ELECTRON_RENDERER_URL ?? pathToFileURL(join(outDir, '../renderer/index.html')).href;
}

export function isOwnUrl(url: string, base: string): boolean {
  try {
    const u = new URL(url);
    const b = new URL(base);
    return b.protocol === 'file:' ? u.protocol === 'file:' && u.pathname === b.pathname : u.origin === b.origin;
  } catch {
    return false;
  }
}

export function createStudioWindow(outDir: string): BrowserWindow {
  const win = new BrowserWindow({
    width: 1320,
    height: 860,
    minWidth: 960,
    minHeight: 600,
    title: 'Veil Studio',
    backgroundColor: '#0f1419',
    show: false,
    webPreferences: {
      preload: join(outDir, '../preload/index.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      spellcheck: false,
    },
  });
  const url = rendererUrl(outDir);
  lockDownContents(win.webContents, (target) => isOwnUrl(target, url));
  win.once('ready-to-show', () => win.show());
  void win.loadURL(url);
  return win;
}
