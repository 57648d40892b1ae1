/**
 * Defence Lab state: the chosen dataset, image, kept-channel count, k and selection source, and
 * the pictures the engine computed for them. A newer request supersedes an older one (answers
 * that arrive late are dropped), so dragging a slider never shows stale pictures.
 */
import type { VeilApi } from '../../../shared/contract/api.ts';
import type { ImageInfo } from '../../../shared/domain/dataset.ts';
import type { LabPreviewResponse } from '../../../shared/domain/lab.ts';

export class LabState {
  dataset = $state<string | null>(null);
  image = $state<number | null>(null);
  keep = $state(36);
  k = $state(4);
  /** a run whose frozen front end to show, or null for energy selection on the dataset */
  run = $state<string | null>(null);
  result = $state<LabPreviewResponse | null>(null);
  loading = $state(false);
  error = $state<string | null>(null);
  /** the first images of the dataset, to pick from */
  choices = $state<ImageInfo[]>([]);
  private seq = 0;
  private readonly api: VeilApi;

  constructor(api: VeilApi) {
    this.api = api;
  }

  async load(): Promise<void> {
    if (!this.dataset) return;
    const mine = ++this.seq;
    this.loading = true;
    const r = await this.api.invoke('lab.preview', {
      dataset: this.dataset,
      keep: this.keep,
      k: this.k,
      ...(this.image !== null ? { image: this.image } : {}),
      ...(this.run ? { run: this.run } : {}),
    });
    if (mine !== this.seq) return;
    this.loading = false;
    if (!r.ok) {
      this.error = r.error.message;
      return;
    }
    this.error = null;
    this.result = r.value;
    this.image = r.value.imageId;
    if (r.value.selection.source === 'run') this.keep = r.value.keep;
  }

  pickDataset(id: string): void {
    this.dataset = id;
    this.image = null;
    this.run = null;
    this.result = null;
    this.choices = [];
    void this.load();
    void this.api.invoke('datasets.images', { dataset: id, offset: 0, limit: 40 }).then((r) => {
      if (r.ok && this.dataset === id) this.choices = r.value.images.filter((im) => im.split === 'train' || im.split === 'heldout');
    });
  }

  set(change: { keep?: number; k?: number; image?: number; run?: string | null }): void {
    Object.assign(this, change);
    void this.load();
  }
}
