import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, screenshotPath, startServe, type Served } from './browser.ts';

describe('the studio in Chromium over veil serve', () => {
  let served: Served;
  let browser: Browser;
  let closeBrowser: () => Promise<void>;
  let page: Page;
  const consoleErrors: string[] = [];

  beforeAll(async () => {
    served = await startServe();
    ({ browser, close: closeBrowser } = await launchBrowser());
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    page.on('console', (m) => {
      // Chromium logs every non-2xx fetch; API errors the UI shows on purpose are not page errors.
      const expectedApiError = m.text().startsWith('Failed to load resource') && m.location().url.includes('/api/');
      if (m.type() === 'error' && !expectedApiError) consoleErrors.push(`${m.text()} (${m.location().url})`);
    });
    page.on('pageerror', (e) => consoleErrors.push(e.message));
  });
  afterAll(async () => {
    await closeBrowser?.();
    await served?.stop();
  });

  it('prints a loopback URL and a token', () => {
    expect(served.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/#token=.+/);
    expect(served.token.length).toBeGreaterThanOrEqual(16);
  });

  it('lists a dataset created through the API in the Datasets view', async () => {
    const res = await fetch(`${served.origin}/api/datasets.synth`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${served.token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ name: 'api-faces', identities: 12, perIdentity: 6, size: 64 }),
    });
    expect(((await res.json()) as { ok: boolean }).ok).toBe(true);

    await page.goto(served.url);
    await page.getByRole('heading', { name: 'Datasets', level: 1 }).waitFor();
    const row = page.getByRole('button', { name: /api-faces/ });
    await row.waitFor();
    expect(await row.textContent()).toMatch(/12 identities · 72 images/);
    expect(page.url()).not.toContain('token=');

    await row.click();
    await page.getByRole('img', { name: /person-001/ }).first().waitFor();
    await page.screenshot({ path: screenshotPath('datasets-view'), fullPage: true });
  });

  it('creates a synthetic dataset from the form and shows it without a reload', async () => {
    const form = page.getByRole('form', { name: 'Generate synthetic faces' });
    await form.getByLabel('Name').fill('ui-faces');
    await form.getByLabel('Identities').fill('6');
    await form.getByLabel('Images per identity').fill('4');
    await form.getByRole('button', { name: 'Generate' }).click();
    await page.getByRole('button', { name: /ui-faces/ }).waitFor();
    await page.getByRole('heading', { name: 'ui-faces', level: 2 }).waitFor();
    await page.screenshot({ path: screenshotPath('datasets-created-from-ui'), fullPage: true });
  });

  it('shows the import report error for a folder that does not exist', async () => {
    const form = page.getByRole('form', { name: 'Import a face folder' });
    await form.getByLabel('Folder on this computer').fill('/no/such/folder');
    await form.getByLabel('Name').fill('ghost');
    await form.getByRole('button', { name: 'Import' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toMatch(/does not exist/);
  });

  it('navigates to every section', async () => {
    for (const section of ['Defence Lab', 'Runs', 'Attacks', 'Compare', 'Export', 'Datasets']) {
      await page.getByRole('button', { name: section, exact: true }).click();
      await page.getByRole('heading', { name: section, level: 1 }).waitFor();
    }
  });

  it('lists a run trained through the API, with its accuracy, in the Runs view', async () => {
    const res = await fetch(`${served.origin}/api/runs.train`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${served.token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ dataset: 'api-faces', defense: 'ppfr-fd', profile: 'quick', epochs: 2, name: 'e2e-run', backbone: 'scratch' }),
    });
    const body = (await res.json()) as { ok: boolean; value: { accuracy: { identification: number } } };
    expect(body.ok).toBe(true);
    await page.getByRole('button', { name: 'Runs', exact: true }).click();
    const row = page.getByRole('row', { name: /e2e-run/ });
    await row.waitFor();
    expect(await row.textContent()).toMatch(/ppfr-fd.*done/);
    expect(await row.textContent()).toContain(`${(body.value.accuracy.identification * 100).toFixed(1)}%`);
    await page.screenshot({ path: screenshotPath('runs-view'), fullPage: true });
  });

  it('trains a run from the Runs view form and shows it when done', async () => {
    const form = page.getByRole('form', { name: 'Train a face model' });
    await form.getByLabel('Dataset').selectOption({ label: 'api-faces' });
    await form.getByLabel('Defence').selectOption('none');
    // the form's default backbone is the contract's: pretrained (this run fine-tunes mobileface)
    expect(await form.getByLabel('Backbone').inputValue()).toBe('pretrained');
    await form.getByRole('button', { name: 'Train' }).click();
    const row = page.getByRole('row', { name: /api-faces-none-s1/ });
    await row.waitFor({ timeout: 60_000 });
    await expect.poll(() => row.textContent(), { timeout: 60_000 }).toMatch(/done\s*\d+\.\d%/);
    await page.screenshot({ path: screenshotPath('runs-trained-from-ui'), fullPage: true });
  });

  it('renders without console errors or CSP violations', () => {
    expect(consoleErrors).toEqual([]);
  });

  it('refuses the page its API when opened without the token', async () => {
    const fresh = await browser.newPage();
    await fresh.goto(served.origin);
    await expect.poll(() => fresh.getByRole('alert').textContent()).toMatch(/veil serve/);
    await fresh.close();
  });
});
