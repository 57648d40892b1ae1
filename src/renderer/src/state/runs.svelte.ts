/**
 * Runs state: the run list (refreshed when the backend says runs changed), the open run's detail,
 * live curves fed by pushed `runs.metrics` events (never polled), and the run actions: train,
 * resume, tags and notes, delete. Views read it; only it calls the API.
 */
import type { RequestOf, VeilApi } from '../../../shared/contract/api.ts';
import type { RunDetail, RunSummary } from '../../../shared/domain/run.ts';

/** The open defended run's undefended reference, as Compare and `veil compare` pick it (compare.dataset), or why there is none. */
export type RunReference = { forRun: string; name: string; identification: number | null } | { forRun: string; note: string };
import { applyEvent, emptyLive, fromSeries, type LiveRun } from './live-run.ts';

export class RunsState {
  list = $state<RunSummary[]>([]);
  loaded = $state(false);
  error = $state<string | null>(null);
  /** train requests whose run has not appeared yet: the form is busy only until then (runs are jobs) */
  starting = $state(0);
  openId = $state<string | null>(null);
  detail = $state<RunDetail | null>(null);
  live = $state<Record<string, LiveRun>>({});
  reference = $state<RunReference | null>(null);
  private readonly api: VeilApi;
  /** open the next new run that appears (the one this window just started) */
  private follow = false;
  /** one per train request in flight: ends its `starting` count once (its run appeared, or the call ended) */
  private readonly releases: (() => void)[] = [];

  constructor(api: VeilApi) {
    this.api = api;
    api.on('runs.changed', ({ runId }) => {
      if (!this.list.some((r) => r.id === runId)) {
        this.releases.shift()?.();
        if (this.follow) {
          this.follow = false;
          void this.open(runId);
        }
      }
      void this.refresh();
      if (runId === this.openId) void this.loadDetail(runId);
    });
    api.on('runs.metrics', (e) => {
      this.live[e.runId] = applyEvent(this.live[e.runId] ?? emptyLive(), e);
    });
  }

  async refresh(): Promise<void> {
    const r = await this.api.invoke('runs.list', {});
    if (r.ok) this.list = r.value.runs;
    else this.error = r.error.message;
    this.loaded = true;
  }

  /** Starts a training run; the call returns when the run ends, the view opens the new run at once. */
  async train(req: RequestOf<'runs.train'>): Promise<void> {
    const release = this.begin();
    this.error = null;
    this.follow = true;
    try {
      const r = await this.api.invoke('runs.train', req);
      if (!r.ok && r.error.code !== 'CANCELLED') this.error = r.error.message;
      await this.refresh();
    } finally {
      release();
    }
  }

  /** Counts a start until its run appears (`runs.changed`) or its call ends, whichever comes first. */
  private begin(): () => void {
    this.starting++;
    let done = false;
    const release = (): void => {
      if (done) return;
      done = true;
      this.starting--;
      const at = this.releases.indexOf(release);
      if (at >= 0) this.releases.splice(at, 1);
    };
    this.releases.push(release);
    return release;
  }

  async resume(id: string): Promise<void> {
    this.error = null;
    const r = await this.api.invoke('runs.resume', { run: id });
    if (!r.ok && r.error.code !== 'CANCELLED') this.error = r.error.message;
  }

  async open(id: string | null): Promise<void> {
    this.openId = id;
    this.detail = null;
    this.reference = null;
    if (id) await this.loadDetail(id);
  }

  private async loadDetail(id: string): Promise<void> {
    const r = await this.api.invoke('runs.show', { run: id });
    if (this.openId !== id) return;
    if (!r.ok) return void (this.error = r.error.message);
    this.detail = r.value;
    if (r.value.status === 'done' && r.value.defense !== 'none' && this.reference?.forRun !== id) void this.loadReference(r.value);
    const stored = fromSeries(r.value.metrics);
    const live = this.live[id];
    // Keep the step curve gathered from events; take the epoch series from the store.
    this.live[id] = live ? { ...live, epochs: stored.epochs, series: stored.series } : stored;
  }

  async save(id: string, change: { tags?: string[]; notes?: string }): Promise<boolean> {
    const r = await this.api.invoke('runs.update', { run: id, ...change });
    if (!r.ok) {
      this.error = r.error.message;
      return false;
    }
    if (this.openId === id) this.detail = r.value;
    return true;
  }

  async remove(id: string): Promise<void> {
    const r = await this.api.invoke('runs.delete', { run: id });
    if (!r.ok) return void (this.error = r.error.message);
    if (this.openId === id) await this.open(null);
    delete this.live[id];
    await this.refresh();
  }

  private async loadReference(run: RunDetail): Promise<void> {
    const r = await this.api.invoke('compare.dataset', { dataset: run.datasetId });
    if (this.openId !== run.id || !r.ok) return;
    const row = r.value.rows.find((x) => x.runId === run.id);
    const ref = row?.referenceRunId ? r.value.rows.find((x) => x.runId === row.referenceRunId) : null;
    this.reference = ref ? { forRun: run.id, name: ref.name, identification: ref.accuracy?.identification ?? null } : { forRun: run.id, note: row?.referenceNote ?? '' };
  }
}
