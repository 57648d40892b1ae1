/**
 * Runs state: the run list (refreshed when the backend says runs changed) and starting a training
 * run. Progress arrives through job events (JobsState); the result lands in the list.
 */
import type { RequestOf, VeilApi } from '../../../shared/contract/api.ts';
import type { RunSummary } from '../../../shared/domain/run.ts';

export class RunsState {
  list = $state<RunSummary[]>([]);
  loaded = $state(false);
  error = $state<string | null>(null);
  training = $state(false);
  private readonly api: VeilApi;

  constructor(api: VeilApi) {
    this.api = api;
    api.on('runs.changed', () => void this.refresh());
  }

  async refresh(): Promise<void> {
    const r = await this.api.invoke('runs.list', {});
    if (r.ok) this.list = r.value.runs;
    else this.error = r.error.message;
    this.loaded = true;
  }

  async train(req: RequestOf<'runs.train'>): Promise<void> {
    this.training = true;
    this.error = null;
    try {
      const r = await this.api.invoke('runs.train', req);
      if (!r.ok && r.error.code !== 'CANCELLED') this.error = r.error.message;
      await this.refresh();
    } finally {
      this.training = false;
    }
  }
}
