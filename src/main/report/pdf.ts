/**
 * The report as PDF through Chromium's print. `PdfPrinter` is the seam: headless (CLI, `veil
 * serve`) it is playwright-core driving the Chromium the platform resolver finds (VEIL_CHROMIUM,
 * the system's, or the bundled @sparticuz/chromium); the Electron shell
 * may pass its own (`webContents.printToPDF`) when it opens the backend. Nothing here imports electron.
 */
import { AppError } from '../../shared/contract/errors.ts';
import { resolveChromium, type ResolvedBrowser } from '../platform/browser.ts';

/** Prints one self-contained HTML page to PDF bytes. */
export type PdfPrinter = (html: string) => Promise<Uint8Array>;

export type BrowserLaunch = Pick<ResolvedBrowser, 'executablePath' | 'args' | 'env'>;

type PlaywrightCore = typeof import('playwright-core');

async function loadPlaywright(): Promise<PlaywrightCore> {
  try {
    return await import('playwright-core');
  } catch {
    throw new AppError('UNSUPPORTED', 'PDF printing needs the playwright-core package, which is not installed here. Write the HTML report instead (--out report.html) and print it from a browser.');
  }
}

/** The headless printer: A4, backgrounds on, margins for binding. */
export function chromiumPrinter(resolve: () => Promise<BrowserLaunch> = () => resolveChromium()): PdfPrinter {
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
