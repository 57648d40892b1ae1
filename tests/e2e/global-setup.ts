/**
 * E2E setup: builds the renderer bundle once (electron-vite, no Electron binary needed) and checks
 * that Debian's Chromium is present, failing with the install command if it is not.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromiumPath } from './browser.ts';

export default function setup(): void {
  const root = fileURLToPath(new URL('../../', import.meta.url));
  execFileSync(process.execPath, [`${root}node_modules/electron-vite/bin/electron-vite.js`, 'build'], { cwd: root, stdio: 'pipe' });
  if (!existsSync(chromiumPath())) {
    throw new Error(`Chromium was not found at ${chromiumPath()}. Install it with \`sudo apt-get install -y chromium\` (Debian/Ubuntu) or point VEIL_CHROMIUM at a Chromium binary.`);
  }
}
