/**
 * Headless Chromium under `LANG=C` reports `navigator.language` as "en-US@posix", which Intl rejects;
 * uPlot formats numbers with it at import time. Imported first by main.ts: falls back to "en-US"
 * only when the browser's own tag is invalid.
 */
try {
  new Intl.NumberFormat(navigator.language);
} catch {
  Object.defineProperty(navigator, 'language', { value: 'en-US', configurable: true });
}
