/**
 * Compare state: the runs table's filters and sort, the runs picked for a config diff (their
 * frozen configs fetched once each), and "only differences". Reads the run list from RunsState.
 */
import type { VeilApi } from '../../../shared/contract/api.ts';
import type { RunDetail, RunSummary } from '../../../shared/domain/run.ts';
import type { RunsState } from './runs.svelte.ts';

export type SortKey = 'name' | 'defense' | 'identification' | 'verification' | 'createdAt' | 'seed';

export class CompareState {
  dataset = $state<string>('');
  defense = $state<string>('');
  tag = $state<string>('');
  sort = $state<SortKey>('createdAt');
  descending = $state(true);
  picked = $state<string[]>([]);
  onlyDifferences = $state(true);
  details = $state<Record<string, RunDetail>>({});
  error = $state<string | null>(null);
  private readonly api: VeilApi;
  readonly runs: RunsState;

  constructor(api: VeilApi, runs: RunsState) {
    this.api = api;
    this.runs = runs;
  }

  get rows(): RunSummary[] {
    const keep = this.runs.list.filter(
      (r) => (!this.dataset || r.datasetId === this.dataset) && (!this.defense || r.defense === this.defense) && (!this.tag || r.tags.includes(this.tag)),
    );
    const value = (r: RunSummary): string | number => {
      if (this.sort === 'identification') return r.accuracy?.identification ?? -1;
      if (this.sort === 'verification') return r.accuracy?.verification ?? -1;
      return r[this.sort];
    };
    const dir = this.descending ? -1 : 1;
    return [...keep].sort((a, b) => (value(a) < value(b) ? -dir : value(a) > value(b) ? dir : 0));
  }

  get allTags(): string[] {
    return [...new Set(this.runs.list.flatMap((r) => r.tags))].sort();
  }

  sortBy(key: SortKey): void {
    if (this.sort === key) this.descending = !this.descending;
    else {
      this.sort = key;
      this.descending = key !== 'name' && key !== 'defense';
    }
  }

  /** Picks or unpicks a run for the diff (the two most recent picks are compared). */
  async toggle(id: string): Promise<void> {
    this.picked = this.picked.includes(id) ? this.picked.filter((x) => x !== id) : [...this.picked, id].slice(-2);
    if (!this.details[id]) {
      const r = await this.api.invoke('runs.show', { run: id });
      if (r.ok) this.details[id] = r.value;
      else this.error = r.error.message;
    }
  }
}
