/**
 * Datasets state: the list (refreshed when the backend says it changed), the selected dataset's
 * detail and thumbnails, and the create/import/delete actions. Views read it; only it calls the API.
 */
import type { ImportDatasetResponse, RequestOf, VeilApi } from '../../../shared/contract/api.ts';
import type { ErrorDetails } from '../../../shared/contract/errors.ts';
import type { DatasetDetail, DatasetSummary } from '../../../shared/domain/dataset.ts';

export class DatasetsState {
  list = $state<DatasetSummary[]>([]);
  loaded = $state(false);
  selected = $state<DatasetDetail | null>(null);
  error = $state<string | null>(null);
  /** the report behind the last failed create/import, listed under `error` */
  errorDetails = $state<ErrorDetails | null>(null);
  busy = $state(false);
  /** what the last import from this window kept and skipped */
  lastImport = $state<ImportDatasetResponse | null>(null);
  readonly api: VeilApi;

  constructor(api: VeilApi) {
    this.api = api;
    api.on('datasets.changed', () => void this.refresh());
  }

  async refresh(): Promise<void> {
    const r = await this.api.invoke('datasets.list', {});
    if (r.ok) {
      this.list = r.value.datasets;
      if (this.selected && !this.list.some((d) => d.id === this.selected?.id)) this.selected = null;
    } else this.error = r.error.message;
    this.loaded = true;
  }

  async select(id: string): Promise<void> {
    const detail = await this.api.invoke('datasets.show', { dataset: id });
    if (!detail.ok) return void (this.error = detail.error.message);
    this.selected = detail.value;
    this.error = null;
  }

  async synth(req: RequestOf<'datasets.synth'>): Promise<void> {
    await this.create(() => this.api.invoke('datasets.synth', req));
  }

  async import(req: RequestOf<'datasets.import'>): Promise<void> {
    this.lastImport = null;
    await this.create(async () => {
      const r = await this.api.invoke('datasets.import', req);
      if (r.ok) this.lastImport = r.value;
      return r;
    });
  }

  async remove(id: string): Promise<void> {
    const r = await this.api.invoke('datasets.delete', { dataset: id });
    if (!r.ok) this.error = r.error.message;
    await this.refresh();
  }

  private async create(call: () => ReturnType<VeilApi['invoke']>): Promise<void> {
    this.busy = true;
    this.error = null;
    this.errorDetails = null;
    try {
      const r = await call();
      if (!r.ok) {
        const cancelled = r.error.code === 'CANCELLED';
        this.error = cancelled ? null : r.error.message;
        this.errorDetails = cancelled ? null : (r.error.details ?? null);
      } else await this.select((r.value as DatasetSummary).id);
      await this.refresh();
    } finally {
      this.busy = false;
    }
  }
}
