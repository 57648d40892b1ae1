/**
 * The main job end to end: `veil demo --quick` on a fresh data directory, then its audit report
 * opened in Chromium as the privacy officer would: every section there, every picture loaded,
 * no request leaving the file; a screenshot for people to look at.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { bundledSupported } from '../../src/main/platform/browser.ts';
import { SECTION_IDS } from '../../src/main/report/render/page.ts';
import { launchBrowser, ROOT, screenshotPath } from './browser.ts';

interface DemoJson {
  dataset: { id: string; name: string };
  runs: { runId: string; defense: string }[];
  attacks: { runId: string; kind: string }[];
  report: string;
  pdf: string | null;
  pdfError: string | null;
}

describe('veil demo --quick and its report in Chromium', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'veil-demo-e2e-'));
  let demo: DemoJson;
  let browser: Browser;
  let closeBrowser: () => Promise<void>;
  let page: Page;
  const outside: string[] = [];

  beforeAll(async () => {
    const { stdout } = await promisify(execFile)(process.execPath, [join(ROOT, 'bin/veil.js'), 'demo', '--quick', '--json', '--data-dir', dataDir], { cwd: ROOT, maxBuffer: 16 << 20 });
    demo = JSON.parse(stdout) as DemoJson;
    ({ browser, close: closeBrowser } = await launchBrowser());
    page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
    page.on('request', (r) => {
      if (!/^(data|file):/.test(r.url())) outside.push(r.url());
    });
    await page.goto(pathToFileURL(demo.report).href, { waitUntil: 'load' });
  }, 600_000);
  afterAll(async () => {
    await closeBrowser?.();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('trains the undefended reference and at least one defence, and writes an HTML report', () => {
    expect(demo.runs.map((r) => r.defense)).toEqual(expect.arrayContaining(['none', 'ppfr-fd']));
    expect(demo.report).toMatch(/\.html$/);
  });

  it('shows every section of the report', async () => {
    for (const id of SECTION_IDS) expect(await page.locator(`section#${id} h2`).isVisible(), id).toBe(true);
  });

  it('loads every picture (private faces and masked samples at least) and requests nothing outside the file', async () => {
    const widths = await page.$$eval('img', (imgs) => imgs.map((i) => (i as unknown as { naturalWidth: number }).naturalWidth));
    expect(widths.length).toBeGreaterThanOrEqual(2 * 6);
    expect(widths.every((w) => w > 0)).toBe(true);
    expect(outside).toEqual([]);
    await page.screenshot({ path: screenshotPath('report'), fullPage: true });
  });

  it('states one verdict per trained model', async () => {
    expect(await page.locator('li.verdict').count()).toBe(demo.runs.length);
  });

  it('prints the PDF (a Chromium always resolves on Linux x64: the bundled one), or says why not', () => {
    if (bundledSupported()) expect(demo.pdfError).toBeNull();
    if (demo.pdf) expect(readFileSync(demo.pdf).subarray(0, 5).toString()).toBe('%PDF-');
    else expect(demo.pdfError).toMatch(/Chromium/);
  });

  it('attacks every model with each attack kind this build runs, the undefended one included', () => {
    const attacked = new Set(demo.attacks.map((a) => a.runId));
    expect(demo.attacks.length).toBeGreaterThan(0);
    for (const r of demo.runs) expect(attacked.has(r.runId), r.defense).toBe(true);
  });
});
