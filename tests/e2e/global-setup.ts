/**
 * E2E setup: builds the renderer bundle once (electron-vite, no Electron binary needed) and
 * resolves Chromium once (decompressing the bundled build if that is the one used), so the test
 * files start from a ready browser; it fails with what to do when no Chromium can be found.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { resolveChromium } from '../../src/main/platform/browser.ts';

export default async function setup(): Promise<void> {
  const root = fileURLToPath(new URL('../../', import.meta.url));
  execFileSync(process.execPath, [`${root}node_modules/electron-vite/bin/electron-vite.js`, 'build'], { cwd: root, stdio: 'pipe' });
  const found = await resolveChromium();
  process.stdout.write(`e2e: Chromium from ${found.source}: ${found.executablePath}\n`);
  if (found.source !== 'bundled') await resolveChromium({ only: 'bundled' });
}
