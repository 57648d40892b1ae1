/**
 * Compare state: the runs table's filters and sort, the runs picked for a config diff (their
 * frozen configs fetched once each), and "only differences". Reads the run list from RunsState.
 */
import type { AttackSamplesResponse, VeilApi } from '../../../shared/contract/api.ts';
import type { AttackKind, CompareResponse } from '../../../shared/domain/attack.ts';
import type { RunDetail, RunSummary } from '../../../shared/domain/run.ts';
import type { FileOpener, OpenedHow } from './opener.ts';
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
  /** privacy and accuracy scores of one dataset's runs (compare.dataset) */
  scores = $state<CompareResponse | null>(null);
  scoresDataset = $state<string | null>(null);
  /** synced panels: one attack kind and one target identity across runs */
  panelKind = $state<AttackKind>('reconstruction');
  panelLabel = $state(0);
  /** the audit report last written from Compare: its id, path and how it was opened */
  report = $state<{ id: string; path: string; how: OpenedHow | null } | null>(null);
  reporting = $state(false);
  /** why writing or opening the report failed, and what to do */
  reportError = $state<string | null>(null);
  panels = $state<Record<string, AttackSamplesResponse['samples'][number] | null>>({});
  private readonly api: VeilApi;
  readonly runs: RunsState;
  readonly opener: FileOpener;

  constructor(api: VeilApi, runs: RunsState, opener: FileOpener) {
    this.api = api;
    this.runs = runs;
    this.opener = opener;
    const again = (): void => void (this.scoresDataset && this.loadScores(this.scoresDataset));
    api.on('attacks.changed', again);
    api.on('runs.changed', again);
  }

  /** The scatter needs one dataset with runs: the filtered one (null while it has none), else the newest run's. */
  get scatterDataset(): string | null {
    if (this.dataset) return this.runs.list.some((r) => r.datasetId === this.dataset) ? this.dataset : null;
    return this.runs.list[0]?.datasetId ?? null;
  }

  async loadScores(dataset: string): Promise<void> {
    this.scoresDataset = dataset;
    const r = await this.api.invoke('compare.dataset', { dataset });
    if (this.scoresDataset !== dataset) return;
    if (!r.ok) return void (this.error = r.error.message);
    this.scores = r.value;
    await this.loadPanels();
  }

  /** Loads the chosen identity's sample grid from each run's newest attack of the chosen kind. */
  async loadPanels(): Promise<void> {
    const rows = (this.scores?.rows ?? []).filter((r) => r.attacks[this.panelKind]);
    const kind = this.panelKind;
    const label = this.panelLabel;
    const entries = await Promise.all(
      rows.map(async (r) => {
        const res = await this.api.invoke('attacks.samples', { attack: r.attacks[kind]!.attackId, label });
        return [r.runId, res.ok ? (res.value.samples[0] ?? null) : null] as const;
      }),
    );
    if (kind === this.panelKind && label === this.panelLabel) this.panels = Object.fromEntries(entries);
  }

  /** Writes the audit report (HTML) for the scatter's dataset (reports.create), then opens it. */
  async writeReport(dataset: string): Promise<void> {
    this.reporting = true;
    this.report = null;
    this.reportError = null;
    const r = await this.api.invoke('reports.create', { dataset });
    this.reporting = false;
    if (!r.ok) return void (this.reportError = r.error.message);
    this.report = { id: r.value.reportId, path: r.value.path, how: null };
    await this.openReport();
  }

  /** Opens the last written report: with the system's app (Electron) or in a new tab (browser). */
  async openReport(): Promise<void> {
    if (!this.report) return;
    const id = this.report.id;
    const o = await this.opener.open('report', id);
    if (this.report?.id !== id) return;
    if (o.ok) this.report = { ...this.report, how: o.how };
    else this.reportError = o.message;
  }

  setPanel(change: { kind?: AttackKind; label?: number }): void {
    if (change.kind) this.panelKind = change.kind;
    if (change.label !== undefined) this.panelLabel = Math.max(0, change.label);
    void this.loadPanels();
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
