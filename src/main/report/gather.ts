/**
 * Gathers a report's numbers from the store: the dataset, the finished runs asked for (or all of
 * a dataset's), the undefended reference, and the privacy measurements a `PrivacySource` supplies
 * (attacks and S scores). What nothing measured stays null and is listed in `notes`.
 */
import type { Versions } from '../../shared/contract/api.ts';
import { AppError } from '../../shared/contract/errors.ts';
import type { RunAccuracy, RunDetail, RunSummary } from '../../shared/domain/run.ts';
import { noneReferenceOf, type NoneReference } from '../jobs/compare.ts';
import type { Store } from '../store/store.ts';
import type { DefenceEntry, ReportData, ScoreCls } from './model.ts';

/** Privacy numbers of one run, as the evaluation measured them (null: not measured); `referenceRunId`: the undefended run it is measured against. */
export type RunPrivacy = Pick<DefenceEntry, 'attacks' | 's1' | 's2' | 's3' | 's4' | 'scorePp' | 'scorePpPartial' | 'scoreCls' | 'referenceRunId'>;

/** Where attacks and scores come from; lets the report grow with the evaluation without changing. */
export interface PrivacySource {
  /** the undefended run the comparison measures against, when the source decides it */
  reference?(runIds: string[]): string | null;
  privacy(runId: string): RunPrivacy | null;
  /** what the source cannot supply yet, in plain words */
  notes: string[];
}

export interface ReportSelection {
  runs?: string[];
  dataset?: string;
}

interface StoredResult {
  epochs?: number;
  policy?: { meanK: number } | null;
  epsilon?: number | null;
}

/** The fixed mixing k of a run's frozen config (`defence.mixing.k`), when it has one. */
export function fixedK(config: unknown): number | undefined {
  const k = (config as { defence?: { mixing?: { k?: number | string } | null } } | null)?.defence?.mixing?.k;
  return typeof k === 'number' ? k : undefined;
}

/** `freq-mixup k=3`: what tells two runs of one defence apart. */
export function defenceLabel(run: Pick<RunDetail, 'defense' | 'config'>): string {
  const k = fixedK(run.config);
  return k !== undefined && ['mixup', 'freq-mixup', 'instahide'].includes(run.defense) ? `${run.defense} k=${k}` : run.defense;
}

function selectRuns(store: Store, sel: ReportSelection): { datasetId: string; runs: RunDetail[] } {
  if (sel.runs?.length) {
    const runs = sel.runs.map((r) => store.runs.detail(r));
    const notDone = runs.find((r) => r.status !== 'done');
    if (notDone) throw new AppError('CONFLICT', `Run "${notDone.name}" is ${notDone.status}; a report covers finished runs. Finish or resume it first (veil train --resume ${notDone.name}).`);
    const datasets = new Set(runs.map((r) => r.datasetId));
    if (datasets.size > 1) throw new AppError('VALIDATION', 'These runs were trained on different datasets; a report covers one dataset. Pick runs of one dataset, or use --dataset D.');
    return { datasetId: runs[0].datasetId, runs };
  }
  if (!sel.dataset) throw new AppError('VALIDATION', 'Say what the report covers: --dataset D or --runs A,B,...');
  const dataset = store.datasets.resolve(sel.dataset);
  const runs = store.runs
    .list()
    .filter((r) => r.datasetId === dataset.id && r.status === 'done')
    .reverse()
    .map((r) => store.runs.detail(r.id));
  if (runs.length === 0) throw new AppError('NOT_FOUND', `Dataset "${dataset.name}" has no finished run to report on. Train one first: veil train --dataset ${dataset.name} --defense none.`);
  return { datasetId: dataset.id, runs };
}

/**
 * The undefended run each selected run is measured against: the source's, else the `none` run of
 * its dataset and seed trained the same way (compare.ts); never one trained another way.
 */
function referencesOf(store: Store, runs: RunDetail[], source: PrivacySource): Map<string, NoneReference> {
  return new Map(
    runs.map((r) => {
      const chosen = source.privacy(r.id)?.referenceRunId;
      return [r.id, chosen ? { run: store.runs.detail(chosen), note: null } : noneReferenceOf(store, store.runs.resolve(r.id))];
    }),
  );
}

function ratio(a: number | null | undefined, b: number | null | undefined): number | null {
  return typeof a === 'number' && typeof b === 'number' && b > 0 ? a / b : null;
}

/** Score_cls = accuracy(defended) / accuracy(none) (DESIGN.md 6), when the source does not supply it. */
export function scoreClsOf(own: RunAccuracy | null, ref: RunAccuracy | null): ScoreCls | null {
  if (!own || !ref) return null;
  return { identification: ratio(own.identification, ref.identification), verification: ratio(own.verification, ref.verification) };
}

function entryOf(store: Store, run: RunDetail, reference: RunSummary | null, source: PrivacySource): DefenceEntry {
  const result = (store.runs.result(run.id) ?? {}) as StoredResult;
  const p = source.privacy(run.id);
  const config = (run.config ?? {}) as { epochs?: number };
  return {
    runId: run.id,
    runName: run.name,
    defense: run.defense,
    label: defenceLabel(run),
    seed: run.seed,
    backend: run.backend,
    epochs: result.epochs ?? config.epochs ?? null,
    accuracy: run.accuracy,
    scoreCls: p?.scoreCls ?? scoreClsOf(run.accuracy, reference?.accuracy ?? null),
    referenceRunId: run.defense === 'none' ? null : (reference?.id ?? null),
    s1: p?.s1 ?? null,
    s2: p?.s2 ?? null,
    s3: p?.s3 ?? null,
    s4: p?.s4 ?? null,
    scorePp: p?.scorePp ?? null,
    scorePpPartial: p?.scorePpPartial ?? true,
    attacks: p?.attacks ?? [],
    meanK: result.policy?.meanK ?? null,
    epsilon: result.epsilon ?? null,
    versions: (run.versions ?? null) as Partial<Versions> | null,
  };
}

export type GatheredReport = Omit<ReportData, 'grids' | 'gridNote' | 'software' | 'createdAt'>;

export function gatherReport(store: Store, sel: ReportSelection, source: PrivacySource): GatheredReport {
  const { datasetId, runs } = selectRuns(store, sel);
  const dataset = store.datasets.detail(datasetId);
  const refs = referencesOf(store, runs, source);
  const chosen = source.reference?.(runs.map((r) => r.id));
  const reference = chosen ? store.runs.detail(chosen) : (runs.findLast((r) => r.defense === 'none') ?? [...refs.values()].find((x) => x.run)?.run ?? null);
  const refIds = new Set([reference?.id, ...[...refs.values()].map((x) => x.run?.id)].filter((id): id is string => !!id));
  const extra = [...refIds].filter((id) => !runs.some((r) => r.id === id)).map((id) => store.runs.detail(id));
  const all = [...extra, ...runs];
  const ordered = [...all].sort((a, b) => Number(b.defense === 'none') - Number(a.defense === 'none'));
  const notes = [...source.notes];
  const missing = [...refs.values()].flatMap((x) => (x.note ? [x.note] : []));
  // per run, what it lacks and what to train; the general note only when no run says more
  if (missing.length) notes.push(...missing);
  else if (!reference) notes.push('There is no finished undefended (`none`) run on this dataset, so no defence can be measured against one: accuracy costs, Score_cls and attack reductions are not stated. Train one with --defense none and the same seed.');
  for (const r of extra) notes.push(`The undefended run ${r.name} was added as the reference of the runs with seed ${r.seed}, though it was not asked for.`);
  return {
    title: `Face-data privacy audit: ${dataset.name}`,
    dataset,
    defences: ordered.map((r) => entryOf(store, r, refs.get(r.id)?.run ?? (r.defense === 'none' ? r : null), source)),
    referenceRunId: reference?.id ?? null,
    privateIdentities: dataset.splits.private,
    notes,
  };
}
