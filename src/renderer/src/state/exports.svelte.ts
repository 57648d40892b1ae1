/**
 * Export state: past exports (with their manifest summaries), the data directory (to suggest an
 * output folder), and writing a new masked training-set export. Progress arrives as job events.
 */
import type { ExportResponse, ExportSummary, RequestOf, VeilApi } from '../../../shared/contract/api.ts';
import type { FileOpener } from './opener.ts';

export class ExportsState {
  list = $state<ExportSummary[]>([]);
  loaded = $state(false);
  error = $state<string | null>(null);
  busy = $state(false);
  last = $state<ExportResponse | null>(null);
  dataDir = $state<string | null>(null);
  /** the export whose folder was last opened (Electron), for a short confirmation */
  openedId = $state<string | null>(null);
  private readonly api: VeilApi;
  readonly opener: FileOpener;

  constructor(api: VeilApi, opener: FileOpener) {
    this.api = api;
    this.opener = opener;
  }

  /** Opens an export's folder with the system's file manager (Electron only). */
  async openFolder(id: string): Promise<void> {
    this.error = null;
    const o = await this.opener.open('export', id);
    if (o.ok) this.openedId = o.how === 'os' ? id : null;
    else this.error = o.message;
  }

  async refresh(): Promise<void> {
    const [list] = await Promise.all([this.api.invoke('exports.list', {}), this.loadDataDir()]);
    if (list.ok) this.list = list.value.exports;
    else this.error = list.error.message;
    this.loaded = true;
  }

  private async loadDataDir(): Promise<string | null> {
    if (this.dataDir) return this.dataDir;
    const info = await this.api.invoke('app.info', {});
    if (info.ok) this.dataDir = info.value.dataDir;
    else this.error = info.error.message;
    return this.dataDir;
  }

  /** Writes an export; without `out`, into `exports/<run name>-<format>` of the data directory. */
  async create(req: Omit<RequestOf<'exports.create'>, 'out'> & { out?: string; runName: string }): Promise<void> {
    this.busy = true;
    this.error = null;
    this.last = null;
    try {
      const { runName, ...rest } = req;
      const home = rest.out ? null : await this.loadDataDir();
      if (!rest.out && !home) return;
      const dir = rest.out || `${home}/exports/${runName}-${rest.format ?? 'imagefolder'}`;
      const r = await this.api.invoke('exports.create', { ...rest, out: dir });
      if (r.ok) this.last = r.value;
      else if (r.error.code !== 'CANCELLED') this.error = r.error.message;
      await this.refresh();
    } finally {
      this.busy = false;
    }
  }
}
