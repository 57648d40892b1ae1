/**
 * The report's pictures, as data: URIs: one training photo per private person (from the pixel
 * cache), what each defended model's masked training sample shows (rendered by the engine worker,
 * as an export would), and each attack's best reconstruction (files the attacks recorded).
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { AppError } from '../../shared/contract/errors.ts';
import { imageBytes, readPixelCache } from '../data/cache/pixel-cache.ts';
import type { ExportItem } from '../engine/export/masked-export.ts';
import type { FromWorker } from '../engine/protocol.ts';
import { callEngine } from '../jobs/engine-call.ts';
import { privateClasses } from '../jobs/train-data.ts';
import type { Store } from '../store/store.ts';
import type { DefenceEntry, GridImage, IdentityGrid } from './model.ts';
import { attackName } from './verdict.ts';

/** At most this many people get a row of pictures (the first private identities by label) [ours]. */
export const MAX_GRID_PEOPLE = 12;

/** One recorded attack picture of one private person (a grid of faces, as the attack wrote it). */
export interface AttackSample {
  /** attack kind (`reconstruction`, `whitebox`, ...) */
  kind: string;
  /** the person's class: 0-based over the dataset's private identities in label order */
  classIndex: number;
  /** the grid's columns, `|`-separated (e.g. `private|masked|reconstruction`); its first row is used */
  layout: string;
  /** absolute path of the PNG */
  path: string;
}

/** Gap between faces in attack grids (engine/attacks/sample-grid.ts). */
const GRID_GAP = 2;

/** The first row's reconstruction (else last) cell of an attack grid; the whole picture if it is not a grid of `size` faces. */
async function attackCell(s: AttackSample, size: number): Promise<Uint8Array> {
  const cols = s.layout.split('|');
  const col = cols.includes('reconstruction') ? cols.indexOf('reconstruction') : cols.length - 1;
  const meta = await sharp(s.path).metadata();
  const left = col * (size + GRID_GAP);
  if ((meta.width ?? 0) < left + size || (meta.height ?? 0) < size) return new Uint8Array(await readFile(s.path));
  return new Uint8Array(await sharp(s.path).extract({ left, top: 0, width: size, height: size }).png().toBuffer());
}

export interface GridDeps {
  store: Store;
  dataDir: string;
  signal: AbortSignal;
  /** recorded attack outputs of a run (empty until attacks exist) */
  samples(runId: string): AttackSample[];
}

export function pngDataUri(png: Uint8Array): string {
  return `data:image/png;base64,${Buffer.from(png).toString('base64')}`;
}

async function rawToPng(pixels: Uint8Array, size: number, channels: 1 | 3): Promise<Uint8Array> {
  return new Uint8Array(await sharp(pixels, { raw: { width: size, height: size, channels } }).png().toBuffer());
}

/** Masked samples of `items` for one defended run, in item order, rendered by the engine worker. */
async function maskedPictures(deps: GridDeps, entry: DefenceEntry, items: ExportItem[]): Promise<Uint8Array[]> {
  const run = deps.store.runs.resolve(entry.runId);
  const checkpoint = deps.store.runs.checkpoint(run.id);
  if (!checkpoint) return [];
  const dataset = deps.store.datasets.resolve(run.datasetId);
  const out = await mkdtemp(join(tmpdir(), 'veil-report-'));
  try {
    const result = await callEngine<Extract<FromWorker, { type: 'exported' }>>({
      request: { type: 'export', request: { cacheFile: join(deps.dataDir, dataset.cacheFile), count: dataset.images, size: dataset.size, channels: dataset.channels, items, checkpointDir: checkpoint.path, outDir: out, format: 'imagefolder' } },
      signal: deps.signal,
      onAbort: () => new AppError('CANCELLED', 'The report was cancelled; nothing was written.'),
      crashed: (err) => new AppError('INTERNAL', `The engine worker crashed while rendering masked samples for the report: ${err.message}`),
      exited: (code) => new AppError('INTERNAL', `The engine worker stopped while rendering masked samples for the report (exit code ${code}).`),
      onMessage: (msg, finish) => {
        if (msg.type === 'exported') finish(msg);
      },
    });
    const byIndex = [...result.output.samples].sort((a, b) => a.index - b.index);
    return Promise.all(byIndex.map(async (s) => new Uint8Array(await readFile(join(out, s.file)))));
  } finally {
    await rm(out, { recursive: true, force: true });
  }
}

export async function buildGrids(deps: GridDeps, datasetId: string, entries: DefenceEntry[]): Promise<{ grids: IdentityGrid[]; note: string | null }> {
  const dataset = deps.store.datasets.resolve(datasetId);
  const detail = deps.store.datasets.detail(datasetId);
  const rows = deps.store.datasets.images(datasetId);
  const privateIds = detail.identityList.filter((i) => i.split === 'private').sort((a, b) => a.label - b.label);
  const { classOf } = privateClasses(rows);
  const shown = privateIds.slice(0, MAX_GRID_PEOPLE);
  const firstTrain = shown.map((p) => rows.find((r) => r.label === p.label && r.split === 'train')).filter((r) => r !== undefined);
  if (firstTrain.length === 0) return { grids: [], note: 'This dataset has no private training images to show.' };
  const pixels = await readPixelCache(join(deps.dataDir, dataset.cacheFile), { count: dataset.images, size: dataset.size, channels: dataset.channels });
  const stride = imageBytes(dataset);
  const faces = await Promise.all(firstTrain.map((r) => rawToPng(pixels.slice(r.cacheIndex * stride, (r.cacheIndex + 1) * stride), dataset.size, dataset.channels)));
  const items: ExportItem[] = firstTrain.map((r, i) => ({ row: r.cacheIndex, label: i, identity: `p${String(i).padStart(3, '0')}` }));
  const perRun = new Map<string, { masked: Uint8Array[]; samples: AttackSample[] }>();
  for (const e of entries) {
    const masked = e.defense === 'none' ? [] : await maskedPictures(deps, e, items);
    perRun.set(e.runId, { masked, samples: deps.samples(e.runId) });
  }
  const grids: IdentityGrid[] = [];
  for (const [i, row] of firstTrain.entries()) {
    const person = shown.find((p) => p.label === row.label)!;
    const perDefence: IdentityGrid['perDefence'] = [];
    for (const e of entries) {
      const { masked, samples } = perRun.get(e.runId)!;
      const images: GridImage[] = [];
      if (masked[i]) images.push({ caption: 'masked sample', dataUri: pngDataUri(masked[i]) });
      for (const s of samples.filter((x) => x.classIndex === classOf.get(row.label))) images.push({ caption: attackName(s.kind).split(' ')[0], dataUri: pngDataUri(await attackCell(s, dataset.size)) });
      if (images.length) perDefence.push({ label: e.label, images });
    }
    grids.push({ identity: person.name, privateFace: { caption: person.name, dataUri: pngDataUri(faces[i]) }, perDefence });
  }
  const notes: string[] = [];
  if (privateIds.length > shown.length) notes.push(`The first ${shown.length} of ${privateIds.length} private people are shown.`);
  if (!entries.some((e) => deps.samples(e.runId).length)) notes.push('No attack has recorded reconstructions yet, so the grids show only the private photo and what each defence\'s masked training sample reveals.');
  return { grids, note: notes.length ? notes.join(' ') : null };
}
