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
  seconds: number;
  timings: { label: string; seconds: number; measured: boolean; phases: { phase: string; seconds: number }[] }[];
}

interface Rerun {
  dataset: { id: string };
  runs: { runId: string; reused: boolean }[];
  attacks: { attackId: string; reused: boolean }[];
  timings: { label: string; measured: boolean }[];
  report: string;
}

describe('veil demo --quick and its report in Chromium', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'veil-demo-e2e-'));
  let demo: DemoJson;
  let progress: string;
  let browser: Browser;
  let closeBrowser: () => Promise<void>;
  let page: Page;
  const outside: string[] = [];

  beforeAll(async () => {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [join(ROOT, 'bin/veil.js'), 'demo', '--quick', '--json', '--data-dir', dataDir], { cwd: ROOT, maxBuffer: 16 << 20 });
    demo = JSON.parse(stdout) as DemoJson;
    progress = stderr;
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

  it('fits the window: no table wider than the page (the picture grids are one table per picture kind)', async () => {
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(1100);
    expect(await page.locator('section#reconstructions table.faces').count()).toBeGreaterThanOrEqual(2);
    expect(await page.locator('section#reconstructions table.faces th', { hasText: /^none$/ }).count()).toBeGreaterThanOrEqual(1);
  });

  it('flags every attack that is too weak on the undefended model, in the attack tables and the verdicts', async () => {
    const notes = await page.locator('section#attacks p.weak-attack').count();
    const caveats = await page.locator('li.verdict p.caveat').allInnerTexts();
    if (notes > 0) expect(caveats.some((c) => c.includes('too weak'))).toBe(true);
    else expect(caveats.every((c) => !c.includes('Not counted'))).toBe(true);
  });

  it('shows progress with the whole demo\'s ETA throughout, in a pipe (regression: silent after the first attack phase)', () => {
    const steps = progress.split('\n').filter((l) => /^demo \[\d+\/\d+\]/.test(l));
    const jobLines = progress.split('\n').filter((l) => / \| demo \[\d+\/\d+\] .* left$/.test(l));
    const stepsWithJobLines = new Set(jobLines.map((l) => / \| demo \[(\d+)\//.exec(l)![1]));
    const worked = steps.filter((l) => / (training|attack on) /.test(l)).map((l) => /^demo \[(\d+)\//.exec(l)![1]);
    expect(worked.length).toBeGreaterThan(4);
    for (const step of worked) expect(stepsWithJobLines.has(step), `step ${step} printed no progress line`).toBe(true);
    const attackPhases = new Set(jobLines.filter((l) => l.startsWith('Attack')).map((l) => l.split(':')[0]));
    expect(attackPhases.size).toBeGreaterThan(demo.attacks.length);
  });

  it('times every step, and the attacks\' phases (GAN prior, judge, ...)', () => {
    expect(demo.timings.length).toBeGreaterThan(demo.runs.length + demo.attacks.length);
    expect(demo.timings.every((t) => t.seconds >= 0)).toBe(true);
    const attacks = demo.timings.filter((t) => t.label.includes('attack on'));
    expect(attacks.filter((t) => t.phases.length > 0).length).toBeGreaterThanOrEqual(attacks.length / 2);
    // the first GAN attack trains the prior (a fresh data dir), the others load it
    expect(attacks.flatMap((t) => t.phases.map((p) => p.phase)).some((p) => /GAN prior/.test(p))).toBe(true);
  });

  it('reuses the dataset, the runs and the attacks on a second run, and rewrites the report', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, [join(ROOT, 'bin/veil.js'), 'demo', '--quick', '--json', '--data-dir', dataDir], { cwd: ROOT, maxBuffer: 16 << 20 });
    const again = JSON.parse(stdout) as Rerun;
    expect(again.dataset.id).toBe(demo.dataset.id);
    expect(again.runs.map((r) => r.runId)).toEqual(demo.runs.map((r) => r.runId));
    expect(again.runs.every((r) => r.reused)).toBe(true);
    expect(again.attacks.every((a) => a.reused)).toBe(true);
    expect(again.timings.filter((t) => / (training|attack on) /.test(` ${t.label} `)).every((t) => !t.measured)).toBe(true);
    expect(again.report).toBe(demo.report);
  }, 300_000);

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
