/**
 * Jobs state: running and recently finished jobs, fed by pushed `job.progress` events.
 */
import type { VeilApi } from '../../../shared/contract/api.ts';
import type { JobInfo } from '../../../shared/domain/job.ts';

export class JobsState {
  jobs = $state<JobInfo[]>([]);
  private readonly api: VeilApi;

  constructor(api: VeilApi) {
    this.api = api;
    api.on('job.progress', (job) => {
      const others = this.jobs.filter((j) => j.id !== job.id);
      this.jobs = job.status === 'running' ? [...others, job] : others;
    });
  }

  get running(): JobInfo[] {
    return this.jobs.filter((j) => j.status === 'running');
  }

  async cancel(jobId: string): Promise<void> {
    await this.api.invoke('jobs.cancel', { jobId });
  }
}
