/**
 * Renderer entry: picks the API seam and mounts the studio.
 */
import { mount } from 'svelte';
import App from './App.svelte';
import { createApi } from './api/client.ts';
import { DatasetsState } from './state/datasets.svelte.ts';
import { JobsState } from './state/jobs.svelte.ts';
import { RunsState } from './state/runs.svelte.ts';
import './styles.css';

const api = createApi();
mount(App, {
  target: document.getElementById('app')!,
  props: { api, datasets: api ? new DatasetsState(api) : null, jobs: api ? new JobsState(api) : null, runs: api ? new RunsState(api) : null },
});
