/**
 * E2E helpers: launch a headless Chromium found by the product's resolver (VEIL_CHROMIUM, the
 * system's, or the one bundled in @sparticuz/chromium) with playwright-core, start `veil serve`
 * as a real child process, and save screenshots under test-results/.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { resolveChromium, type BrowserSource } from '../../src/main/platform/browser.ts';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const SCREENSHOTS = join(ROOT, 'test-results', 'e2e');

/** playwright-core's launch() already runs Chromium on a fresh temporary profile (the --user-data-dir of DESIGN.md). */
export async function launchBrowser(opts: { only?: 'bundled' } = {}): Promise<{ browser: Browser; source: BrowserSource; close(): Promise<void> }> {
  const found = await resolveChromium(opts);
  const browser = await chromium.launch({ executablePath: found.executablePath, args: found.args, env: { ...process.env, ...found.env } });
  return {
    browser,
    source: found.source,
    close: () => browser.close(),
  };
}

export interface Served {
  url: string;
  origin: string;
  token: string;
  dataDir: string;
  stop(): Promise<void>;
}

/** Starts `veil serve --port 0` on a fresh data dir and waits for its `{url, token}` line. */
export async function startServe(): Promise<Served> {
  const dataDir = mkdtempSync(join(tmpdir(), 'veil-e2e-'));
  const child: ChildProcess = spawn(process.execPath, [join(ROOT, 'bin/veil.js'), 'serve', '--port', '0', '--data-dir', dataDir, '--json'], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (c) => (stderr += c));
  const line = await new Promise<string>((resolve, reject) => {
    const rl = createInterface({ input: child.stdout! });
    rl.once('line', resolve);
    child.once('exit', (code) => reject(new Error(`veil serve exited with ${code}: ${stderr}`)));
  });
  const { url, token } = JSON.parse(line) as { url: string; token: string };
  return {
    url,
    token,
    origin: new URL(url).origin,
    dataDir,
    stop: async () => {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export function screenshotPath(name: string): string {
  mkdirSync(SCREENSHOTS, { recursive: true });
  return join(SCREENSHOTS, `${name}.png`);
}
