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
import { openInTab } from '../lib/open-tab.ts';
import { FileOpener } from './opener.ts';
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
  /** opens reports and export folders the studio wrote (files.open) */
  opener: FileOpener;
}

/** `desktop`: the page runs in the Electron window (files open with the system's apps). */
export function createStudio(api: VeilApi, desktop: boolean): Studio {
  const runs = new RunsState(api);
  const opener = new FileOpener(api, desktop, openInTab);
  return { api, datasets: new DatasetsState(api), jobs: new JobsState(api), runs, lab: new LabState(api), exports: new ExportsState(api, opener), compare: new CompareState(api, runs, opener), attacks: new AttacksState(api), opener };
}
