/**
 * The studio's state classes, created once over the one API seam and handed to the views.
 */
import type { VeilApi } from '../../../shared/contract/api.ts';
import { DatasetsState } from './datasets.svelte.ts';
import { ExportsState } from './exports.svelte.ts';
import { CompareState } from './compare.svelte.ts';
import { AttacksState } from './attacks.svelte.ts';
import { JobsState } from './jobs.svelte.ts';
import { LabState } from './lab.svelte.ts';
import { RunsState } from './runs.svelte.ts';

export interface Studio {
  api: VeilApi;
  datasets: DatasetsState;
  jobs: JobsState;
  runs: RunsState;
  lab: LabState;
  exports: ExportsState;
  compare: CompareState;
  attacks: AttacksState;
}

export function createStudio(api: VeilApi): Studio {
  const runs = new RunsState(api);
  return { api, datasets: new DatasetsState(api), jobs: new JobsState(api), runs, lab: new LabState(api), exports: new ExportsState(api), compare: new CompareState(api, runs), attacks: new AttacksState(api) };
}
