/**
 * Electron entry: opens the headless backend, attaches the IPC transport, hardens the session,
 * and opens the studio window. All real work lives in the backend; this is a shell.
 */
import { app, BrowserWindow } from 'electron';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openBackend } from './ipc/backend.ts';
import { attachIpcTransport, forwardEventsTo } from './ipc/electron-transport.ts';
import { openWithSystem } from './app/open-path.ts';
import { applySessionSecurity, isTrustedSender } from './app/security.ts';
import { createStudioWindow, isOwnUrl, rendererUrl } from './app/window.ts';

const outDir = dirname(fileURLToPath(import.meta.url));

app.setName('Veil Studio');
app.enableSandbox();

void app.whenReady().then(() => {
  const backend = openBackend({ dataDir: process.env.VEIL_HOME ?? app.getPath('userData'), opener: openWithSystem });
  applySessionSecurity();
  const base = rendererUrl(outDir);
  attachIpcTransport(backend.router, (event) => isTrustedSender(event, (url) => isOwnUrl(url, base)));
  const open = (): void => forwardEventsTo(backend.bus, createStudioWindow(outDir).webContents);
  open();
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) open();
  });
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  app.on('will-quit', () => backend.close());
});
