/**
 * Pages of a dataset's images (optionally one identity's) fetched on demand for a virtualised
 * grid: only the pages the user scrolls to are requested, each once.
 */
import type { VeilApi } from '../../../shared/contract/api.ts';
import type { ImageInfo } from '../../../shared/domain/dataset.ts';

const PAGE = 120;

export class ImagePages {
  total = $state(0);
  loaded = $state(false);
  error = $state<string | null>(null);
  items = $state<Record<number, ImageInfo>>({});
  private readonly requested = new Set<number>();
  private readonly api: VeilApi;
  readonly dataset: string;
  readonly label: number | null;

  constructor(api: VeilApi, dataset: string, label: number | null) {
    this.api = api;
    this.dataset = dataset;
    this.label = label;
    void this.fetch(0);
  }

  /** Makes sure images `from..to` (inclusive) are loaded or on their way. */
  ensure(from: number, to: number): void {
    for (let p = Math.floor(from / PAGE); p <= Math.floor(Math.max(from, to) / PAGE); p++) void this.fetch(p);
  }

  private async fetch(page: number): Promise<void> {
    if (this.requested.has(page)) return;
    this.requested.add(page);
    const r = await this.api.invoke('datasets.images', {
      dataset: this.dataset,
      offset: page * PAGE,
      limit: PAGE,
      ...(this.label === null ? {} : { label: this.label }),
    });
    if (!r.ok) {
      this.requested.delete(page);
      this.error = r.error.message;
      return;
    }
    this.total = r.value.total;
    r.value.images.forEach((im, i) => (this.items[page * PAGE + i] = im));
    this.loaded = true;
  }
}
