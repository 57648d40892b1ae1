/**
 * Opening what the studio wrote (`files.open`, by id): in Electron the main process opens it with
 * the system's app; in a browser an HTML report opens in a new tab through a one-time link, and a
 * folder cannot open at all, so its path is shown to copy. The tab opener is injected (tests).
 */
import type { VeilApi } from '../../../shared/contract/api.ts';

/** `os`: opened by the system; `tab`: in a new tab; `blocked`: the browser refused the tab; `none`: show the path. */
export type OpenedHow = 'os' | 'tab' | 'blocked' | 'none';

export type OpenOutcome = { ok: true; path: string; how: OpenedHow } | { ok: false; message: string };

export class FileOpener {
  /** true in the Electron window: files and folders open with the system's apps */
  readonly desktop: boolean;
  private readonly api: VeilApi;
  private readonly openTab: (url: string) => boolean;

  /** `openTab` opens a same-origin URL in a new tab and says whether the browser allowed it (lib/open-tab.ts). */
  constructor(api: VeilApi, desktop: boolean, openTab: (url: string) => boolean) {
    this.api = api;
    this.desktop = desktop;
    this.openTab = openTab;
  }

  async open(kind: 'report' | 'export', id: string): Promise<OpenOutcome> {
    const r = await this.api.invoke('files.open', { kind, id });
    if (!r.ok) return { ok: false, message: r.error.message };
    const { path, opened, url } = r.value;
    if (opened === 'tab' && url) return { ok: true, path, how: this.openTab(url) ? 'tab' : 'blocked' };
    return { ok: true, path, how: opened === 'tab' ? 'none' : opened };
  }
}
