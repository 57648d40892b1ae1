/**
 * The report as PDF through Chromium's print. `PdfPrinter` is the seam: headless (CLI, `veil
 * serve`) it is playwright-core driving the Chromium the browser resolver finds; the Electron shell
 * may pass its own (`webContents.printToPDF`) when it opens the backend. Nothing here imports electron.
 */
import { accessSync, constants } from 'node:fs';
import { AppError } from '../../shared/contract/errors.ts';

/** Prints one self-contained HTML page to PDF bytes. */
export type PdfPrinter = (html: string) => Promise<Uint8Array>;

export interface BrowserLaunch {
  executablePath: string;
  args: string[];
  env: Record<string, string>;
}

const HEADLESS_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

/** `VEIL_CHROMIUM`, else Debian's Chromium. TODO(#9): use the platform browser resolver once it lands. */
export async function findBrowser(): Promise<BrowserLaunch> {
  const path = process.env.VEIL_CHROMIUM ?? '/usr/bin/chromium';
  try {
    accessSync(path, constants.X_OK);
  } catch {
    throw new AppError('UNSUPPORTED', `No Chromium found at ${path} to print the PDF. Write the HTML report instead (--out report.html, it opens in any browser and prints from there), install Chromium, or set VEIL_CHROMIUM.`);
  }
  return { executablePath: path, args: HEADLESS_ARGS, env: {} };
}

type PlaywrightCore = typeof import('playwright-core');

async function loadPlaywright(): Promise<PlaywrightCore> {
  try {
    return await import('playwright-core');
  } catch {
    throw new AppError('UNSUPPORTED', 'PDF printing needs the playwright-core package, which is not installed here. Write the HTML report instead (--out report.html) and print it from a browser.');
  }
}

/** The headless printer: A4, backgrounds on, margins for binding. */
export function chromiumPrinter(resolve: () => Promise<BrowserLaunch> = findBrowser): PdfPrinter {
  return async (html) => {
    const [{ chromium }, launch] = await Promise.all([loadPlaywright(), resolve()]);
    const browser = await chromium.launch({ executablePath: launch.executablePath, args: launch.args, env: { ...process.env, ...launch.env } });
    try {
      const page = await browser.newPage();
      await page.setContent(html, { waitUntil: 'load' });
      const pdf = await page.pdf({ format: 'A4', printBackground: true, margin: { top: '16mm', bottom: '16mm', left: '14mm', right: '14mm' } });
      return new Uint8Array(pdf);
    } finally {
      await browser.close();
    }
  };
}
