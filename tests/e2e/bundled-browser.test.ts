import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { oneUsableIdentityFolder } from '../helpers/face-folder.ts';
import { launchBrowser, screenshotPath, startServe, type Served } from './browser.ts';

// Always on the Chromium bundled in @sparticuz/chromium, even where a system one exists, so the
// path a fresh machine takes stays tested everywhere.
describe('the studio in the bundled Chromium', () => {
  let served: Served;
  let browser: Browser;
  let source: string;
  let closeBrowser: () => Promise<void>;
  let page: Page;
  const folder = mkdtempSync(join(tmpdir(), 'veil-e2e-faces-'));

  beforeAll(async () => {
    await oneUsableIdentityFolder(folder);
    served = await startServe();
    ({ browser, source, close: closeBrowser } = await launchBrowser({ only: 'bundled' }));
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  });
  afterAll(async () => {
    await closeBrowser?.();
    await served?.stop();
    rmSync(folder, { recursive: true, force: true });
  });

  it('runs on the bundled build', async () => {
    expect(source).toBe('bundled');
    expect(browser.version()).toMatch(/^\d+\./);
  });

  it('lists the files and identities behind a failed import under the error', async () => {
    await page.goto(served.url);
    const form = page.getByRole('form', { name: 'Import a face folder' });
    await form.getByLabel('Folder on this computer').fill(folder);
    await form.getByLabel('Name').fill('one-usable');
    await form.getByRole('button', { name: 'Import' }).click();
    const alert = page.getByRole('alert');
    await expect.poll(() => alert.textContent(), { timeout: 10_000 }).toMatch(/see the report/); // the import answers in ~1 s under load: more than poll's 1 s default
    const items = await alert.getByRole('list', { name: 'Details' }).getByRole('listitem').allTextContents();
    expect(items).toEqual([
      'Files not used (2):',
      expect.stringMatching(/^bob\/2\.jpg: \S/),
      expect.stringMatching(/^carol\/1\.png: .*empty/i),
      'Identities left out (2):',
      'bob: 1 usable image(s); 2 are needed',
      'carol: 0 usable image(s); 2 are needed',
      'Duplicate files (1):',
      'carol/2.jpg: same content as alice/1.jpg',
    ]);
    await page.screenshot({ path: screenshotPath('import-error-details'), fullPage: true });
  });

  it('prints the page to PDF (the report path)', async () => {
    const pdf = await page.pdf({ format: 'A4' });
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    expect(pdf.length).toBeGreaterThan(1000);
  });
});
