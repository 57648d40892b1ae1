/**
 * The renderer's one API seam: Electron's preload bridge (`window.api`) when present, else the
 * HTTP bridge client. Views and state classes get a `VeilApi` and never look further.
 */
import type { VeilApi } from '../../../shared/contract/api.ts';
import { HttpApi } from './http-client.ts';
import { takeToken } from './token.ts';

declare global {
  interface Window {
    api?: VeilApi;
  }
}

/** `onUnauthorized`: the HTTP bridge refused the page's token (it belongs to an earlier `veil serve`). */
export function createApi(onUnauthorized?: () => void): VeilApi | null {
  if (window.api) return window.api;
  const token = takeToken();
  return token ? new HttpApi(token, { onUnauthorized }) : null;
}

/** True in the Electron window (its preload put `window.api` there); false in a browser over `veil serve`. */
export function isDesktop(): boolean {
  return !!window.api;
}
