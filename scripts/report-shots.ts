/**
 * Looks at an audit report as its reader would: a full-page screenshot of the HTML in the
 * Chromium the platform resolver finds, and (with `pdftoppm` from poppler-utils, if installed) one
 * PNG per page of the PDF. Usage: node scripts/report-shots.ts REPORT.html [REPORT.pdf] [--out DIR]
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { resolveChromium } from '../src/main/platform/browser.ts';

const args = process.argv.slice(2);
const outAt = args.indexOf('--out');
const out = resolve(outAt >= 0 ? args.splice(outAt, 2)[1] : 'test-results/report-shots');
const [html, pdf] = args;
if (!html) throw new Error('Usage: node scripts/report-shots.ts REPORT.html [REPORT.pdf] [--out DIR]');
mkdirSync(out, { recursive: true });
const found = await resolveChromium();
const browser = await chromium.launch({ executablePath: found.executablePath, args: found.args, env: { ...process.env, ...found.env } });
try {
  const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
  await page.goto(pathToFileURL(resolve(html)).href, { waitUntil: 'load' });
  const shot = join(out, `${basename(html, '.html')}-full.png`);
  await page.screenshot({ path: shot, fullPage: true });
  console.log(shot);
} finally {
  await browser.close();
}
if (pdf) {
  const prefix = join(out, basename(pdf, '.pdf'));
  try {
    execFileSync('pdftoppm', ['-png', '-r', '60', resolve(pdf), prefix]);
    console.log(`${prefix}-N.png (one per page)`);
  } catch {
    console.log('pdftoppm (poppler-utils) is not installed: the PDF pages were not rendered.');
  }
}
