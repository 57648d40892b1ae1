/**
 * Datasets state: the list (refreshed when the backend says it changed), the selected dataset's
 * detail and thumbnails, and the create/import/delete actions. Views read it; only it calls the API.
 */
import type { RequestOf, VeilApi } from '../../../shared/contract/api.ts';
import type { ErrorDetails } from '../../../shared/contract/errors.ts';
import type { DatasetDetail, DatasetSummary, ImageInfo } from '../../../shared/domain/dataset.ts';

export class DatasetsState {
  list = $state<DatasetSummary[]>([]);
  loaded = $state(false);
  selected = $state<DatasetDetail | null>(null);
  images = $state<ImageInfo[]>([]);
  error = $state<string | null>(null);
  /** the report behind the last failed create/import, listed under `error` */
  errorDetails = $state<ErrorDetails | null>(null);
  busy = $state(false);
  private readonly api: VeilApi;

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
    const [detail, images] = await Promise.all([
      this.api.invoke('datasets.show', { dataset: id }),
      this.api.invoke('datasets.images', { dataset: id, offset: 0, limit: 60 }),
    ]);
    if (!detail.ok) return void (this.error = detail.error.message);
    if (!images.ok) return void (this.error = images.error.message);
    this.selected = detail.value;
    this.images = images.value.images;
    this.error = null;
  }

  async synth(req: RequestOf<'datasets.synth'>): Promise<void> {
    await this.create(() => this.api.invoke('datasets.synth', req));
  }

  async import(req: RequestOf<'datasets.import'>): Promise<void> {
    await this.create(() => this.api.invoke('datasets.import', req));
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
