/**
 * The typed API, written once: method name -> request and response types, and the schema that
 * validates each request. The Electron IPC transport, the HTTP bridge and the CLI all dispatch
 * through one router over this map; `VeilApi` is what the renderer's single API seam implements.
 */
import type { z } from 'zod';
import type { AttackDetail, AttackResult, AttackSummary, CompareResponse } from '../domain/attack.ts';
import type { DatasetDetail, DatasetSummary, ImageInfo } from '../domain/dataset.ts';
import type { JobInfo } from '../domain/job.ts';
import type { LabPreviewResponse } from '../domain/lab.ts';
import type { BackendName, RunDetail, RunSummary, TrainResult } from '../domain/run.ts';
import type { Result } from './errors.ts';
import type { EventMap, EventName } from './events.ts';
import * as s from './schemas.ts';

/** Software versions recorded with every run and shown in About. */
export interface Versions {
  studio: string;
  node: string;
  /** V8 inside Node or Electron: its wasm compiler decides engine speed (DESIGN.md section 3) */
  v8: string;
  tfjs: string;
  electron: string | null;
}

export interface AppInfoResponse {
  versions: Versions;
  /** absolute path of the data directory (SQLite file, caches, artifacts) */
  dataDir: string;
  /** engine backend the next run will use, when known */
  preferredBackend: BackendName | null;
}

export interface ListDatasetsResponse {
  datasets: DatasetSummary[];
}

export interface ImportDatasetResponse extends DatasetSummary {
  skipped: DatasetDetail['skipped'];
  ignored: DatasetDetail['ignored'];
  /** number of duplicate files found (content hash), each skipped after its first copy */
  duplicates: number;
  droppedIdentities: string[];
}

export interface ListImagesResponse {
  images: ImageInfo[];
  /** total number of images in the dataset */
  total: number;
}

export interface ListJobsResponse {
  jobs: JobInfo[];
}

export interface ListRunsResponse {
  runs: RunSummary[];
}

export interface ExportResponse {
  /** the export's id (`exports.list`, `files.open`); absent where a caller reused an earlier export's folder */
  exportId?: string;
  /** absolute path of the export folder */
  path: string;
  format: 'imagefolder' | 'tensor';
  samples: number;
  /** absolute path of the export's manifest.json */
  manifest: string;
}

/** An attack's sample images as the renderer shows them (never file paths). */
export interface AttackSamplesResponse {
  samples: {
    /** target class (0-based over the private identities); -1 for the overview */
    label: number;
    /** the identity's name in the dataset; null for the overview */
    identity: string | null;
    /** what the grid shows, e.g. `private|masked|reconstruction` (columns) */
    kind: string;
    /** PNG as a data: URL */
    image: string;
  }[];
}

/** One masked training-set export as listed, with what its manifest says. */
export interface ExportSummary {
  id: string;
  /** the run it was written from; null when that run was deleted since */
  runId: string | null;
  runName: string | null;
  path: string;
  format: 'imagefolder' | 'tensor';
  samples: number;
  createdAt: string;
  /** from the export's manifest.json; null when the folder or manifest is gone */
  manifest: {
    dataset: string;
    defense: string;
    seed: number;
    keptChannels: number;
    planes: number;
    keyFingerprint: string;
    policyVersion: string | null;
    identities: number;
    files: number;
  } | null;
}

export interface ListExportsResponse {
  exports: ExportSummary[];
}

/** A written audit report (CLI.md `report`: `path, runs`). */
export interface ReportResponse {
  reportId: string;
  /** absolute path of the written file */
  path: string;
  format: 'html' | 'pdf';
  /** ids of the runs the report covers (the undefended reference included) */
  runs: string[];
  /** absolute path of the PDF printed from the same build, when the request asked for one (`pdf`) */
  pdfPath?: string;
}

/** A written HTML report's page, for a browser tab (the studio in a browser cannot open files). */
export interface ReadReportResponse {
  reportId: string;
  path: string;
  /** the whole self-contained page */
  html: string;
}

/** How `files.open` showed the file or folder. */
export interface OpenFileResponse {
  /** absolute path of the recorded file or folder */
  path: string;
  /**
   * `os`: opened with the system's default app (Electron); `tab`: `url` opens it in a browser tab
   * (the HTTP bridge; HTML reports only); `none`: this transport cannot open it: show the path
   */
  opened: 'os' | 'tab' | 'none';
  /** a same-origin, one-time URL (`/reports/view?ticket=...`, valid 60 s) when `opened` is `tab` */
  url: string | null;
}

export interface ListReportsResponse {
  reports: { id: string; path: string; runs: string[]; createdAt: string }[];
}

export interface ListAttacksResponse {
  attacks: AttackSummary[];
}

/** The contract: each method's request (after defaults) and response. */
export interface ApiMethods {
  'app.info': { request: z.input<typeof s.empty>; response: AppInfoResponse };
  'datasets.list': { request: z.input<typeof s.empty>; response: ListDatasetsResponse };
  'datasets.show': { request: z.input<typeof s.datasetRef>; response: DatasetDetail };
  'datasets.synth': { request: z.input<typeof s.datasetsSynth>; response: DatasetSummary };
  'datasets.import': { request: z.input<typeof s.datasetsImport>; response: ImportDatasetResponse };
  'datasets.images': { request: z.input<typeof s.datasetsImages>; response: ListImagesResponse };
  'datasets.delete': { request: z.input<typeof s.datasetRef>; response: { deleted: string } };
  'jobs.list': { request: z.input<typeof s.empty>; response: ListJobsResponse };
  'jobs.cancel': { request: z.input<typeof s.jobRef>; response: { cancelled: boolean } };
  'runs.list': { request: z.input<typeof s.empty>; response: ListRunsResponse };
  'runs.show': { request: z.input<typeof s.runRef>; response: RunDetail };
  'runs.train': { request: z.input<typeof s.runsTrain>; response: TrainResult };
  'runs.resume': { request: z.input<typeof s.runRef>; response: TrainResult };
  'exports.create': { request: z.input<typeof s.exportsCreate>; response: ExportResponse };
  'reports.create': { request: z.input<typeof s.reportsCreate>; response: ReportResponse };
  'reports.list': { request: z.input<typeof s.empty>; response: ListReportsResponse };
  'reports.read': { request: z.input<typeof s.reportRef>; response: ReadReportResponse };
  'files.open': { request: z.input<typeof s.filesOpen>; response: OpenFileResponse };
  'attacks.start': { request: z.input<typeof s.attacksStart>; response: AttackResult };
  'attacks.resume': { request: z.input<typeof s.attackRef>; response: AttackResult };
  'attacks.list': { request: z.input<typeof s.attacksList>; response: ListAttacksResponse };
  'attacks.show': { request: z.input<typeof s.attackRef>; response: AttackDetail };
  'compare.runs': { request: z.input<typeof s.compareRuns>; response: CompareResponse };
  'compare.dataset': { request: z.input<typeof s.datasetRef>; response: CompareResponse };
  'runs.update': { request: z.input<typeof s.runsUpdate>; response: RunDetail };
  'runs.delete': { request: z.input<typeof s.runRef>; response: { deleted: string } };
  'lab.preview': { request: z.input<typeof s.labPreview>; response: LabPreviewResponse };
  'exports.list': { request: z.input<typeof s.empty>; response: ListExportsResponse };
  'attacks.samples': { request: z.input<typeof s.attacksSamples>; response: AttackSamplesResponse };
}

export type MethodName = keyof ApiMethods;
export type RequestOf<M extends MethodName> = ApiMethods[M]['request'];
export type ResponseOf<M extends MethodName> = ApiMethods[M]['response'];

/** One request schema per method; the map's keys are the set of known methods. */
export const requestSchemas = {
  'app.info': s.empty,
  'datasets.list': s.empty,
  'datasets.show': s.datasetRef,
  'datasets.synth': s.datasetsSynth,
  'datasets.import': s.datasetsImport,
  'datasets.images': s.datasetsImages,
  'datasets.delete': s.datasetRef,
  'jobs.list': s.empty,
  'jobs.cancel': s.jobRef,
  'runs.list': s.empty,
  'runs.show': s.runRef,
  'runs.train': s.runsTrain,
  'runs.resume': s.runRef,
  'exports.create': s.exportsCreate,
  'reports.create': s.reportsCreate,
  'reports.list': s.empty,
  'reports.read': s.reportRef,
  'files.open': s.filesOpen,
  'attacks.start': s.attacksStart,
  'attacks.resume': s.attackRef,
  'attacks.list': s.attacksList,
  'attacks.show': s.attackRef,
  'compare.runs': s.compareRuns,
  'compare.dataset': s.datasetRef,
  'runs.update': s.runsUpdate,
  'runs.delete': s.runRef,
  'lab.preview': s.labPreview,
  'exports.list': s.empty,
  'attacks.samples': s.attacksSamples,
} as const satisfies Record<MethodName, z.ZodType>;

/** The parsed (defaults applied) request a handler receives. */
export type ParsedRequestOf<M extends MethodName> = z.output<(typeof requestSchemas)[M]>;

export const METHOD_NAMES = Object.keys(requestSchemas) as MethodName[];

export function isMethodName(value: string): value is MethodName {
  return Object.prototype.hasOwnProperty.call(requestSchemas, value);
}

/** The single seam between views and the backend: Electron's preload and the HTTP client both implement it. */
export interface VeilApi {
  invoke<M extends MethodName>(method: M, request: RequestOf<M>): Promise<Result<ResponseOf<M>>>;
  /** Subscribes to pushed events; returns the unsubscribe function. */
  on<E extends EventName>(event: E, listener: (payload: EventMap[E]) => void): () => void;
}
