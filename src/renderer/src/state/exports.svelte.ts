/**
 * Export state: past exports (with their manifest summaries), the data directory (to suggest an
 * output folder), and writing a new masked training-set export. Progress arrives as job events.
 */
import type { ExportResponse, ExportSummary, RequestOf, VeilApi } from '../../../shared/contract/api.ts';

export class ExportsState {
  list = $state<ExportSummary[]>([]);
  loaded = $state(false);
  error = $state<string | null>(null);
  busy = $state(false);
  last = $state<ExportResponse | null>(null);
  dataDir = $state<string | null>(null);
  private readonly api: VeilApi;

  constructor(api: VeilApi) {
    this.api = api;
  }

  async refresh(): Promise<void> {
    const [list, info] = await Promise.all([this.api.invoke('exports.list', {}), this.dataDir ? null : this.api.invoke('app.info', {})]);
    if (list.ok) this.list = list.value.exports;
    else this.error = list.error.message;
    if (info?.ok) this.dataDir = info.value.dataDir;
    this.loaded = true;
  }

  async create(req: RequestOf<'exports.create'>): Promise<void> {
    this.busy = true;
    this.error = null;
    this.last = null;
    try {
      const r = await this.api.invoke('exports.create', req);
      if (r.ok) this.last = r.value;
      else if (r.error.code !== 'CANCELLED') this.error = r.error.message;
      await this.refresh();
    } finally {
      this.busy = false;
    }
  }
}
