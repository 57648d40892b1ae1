/**
 * Masked-set export job (DESIGN.md section 8): the run's private training images, masked by its
 * fitted front end, written by the engine worker into a staging folder beside the target; then
 * `manifest.json` (dataset, defence config, key fingerprint, seed, per-sample recipe, counts,
 * hashes) and one rename into place. Never half an export; `force` replaces a previous export,
 * and no other non-empty folder is ever replaced.
 */
import { createHash, randomBytes } from 'node:crypto';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { ExportResponse, ParsedRequestOf } from '../../shared/contract/api.ts';
import { AppError } from '../../shared/contract/errors.ts';
import { stageDirectory } from '../data/fs/atomic.ts';
import type { ExportItem } from '../engine/export/masked-export.ts';
import type { FromWorker } from '../engine/protocol.ts';
import type { Store } from '../store/store.ts';
import { runHold } from './delete-run.ts';
import { callEngine } from './engine-call.ts';
import type { JobContext } from './job-runner.ts';
import { privateClasses } from './train-data.ts';

export const MANIFEST_FORMAT = 'veil-masked-set/1';

/** Folder-safe identity names (the label keeps identities apart if two sanitise alike). */
function folderName(name: string, label: number): string {
  const safe = name.normalize('NFC').replace(/[\\/:*?"<>|\u0000-\u001f]/g, '_').slice(0, 80) || 'identity';
  return `${String(label).padStart(4, '0')}-${safe}`;
}

async function isNonEmptyDir(path: string): Promise<boolean> {
  try {
    return (await readdir(path)).length > 0;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    if ((err as NodeJS.ErrnoException).code === 'ENOTDIR') throw new AppError('VALIDATION', `${path} is a file. Choose a folder for the export.`);
    throw err;
  }
}

/** True when `dir` holds a studio export (its manifest.json is of MANIFEST_FORMAT): the only non-empty folder `force` replaces. */
async function holdsExport(dir: string): Promise<boolean> {
  try {
    return (JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8')) as { format?: unknown }).format === MANIFEST_FORMAT;
  } catch {
    return false;
  }
}

/** Refuses a destination the export may not replace: checked at the start, and again just before the final rename (the folder may have changed meanwhile). */
async function checkDestination(out: string, force: boolean): Promise<void> {
  if (!(await isNonEmptyDir(out))) return;
  // [ours] force replaces the whole folder, so only one this studio wrote: never a user's folder of other files
  if (!(await holdsExport(out))) throw new AppError('CONFLICT', `${out} is not empty and holds no studio export. Choose an empty or new folder (--force replaces only a previous export).`);
  if (!force) throw new AppError('CONFLICT', `${out} holds a previous export. Choose an empty folder, or pass --force to replace it.`);
}

/** A file-system refusal (permissions, read-only or full disk) as an IO error that says what to do. */
function cannotWrite(out: string, err: unknown): Error {
  const code = (err as NodeJS.ErrnoException).code;
  if (!code || err instanceof AppError) return err as Error;
  return new AppError('IO', `Cannot write the export to ${out} (${code}: ${(err as Error).message}). Choose a folder you can write to, with free space.`);
}

export async function exportMaskedSet(deps: { store: Store; dataDir: string }, req: ParsedRequestOf<'exports.create'>, ctx: JobContext): Promise<ExportResponse> {
  const run = deps.store.runs.resolve(req.run);
  ctx.hold(runHold(run.id)); // runs.delete refuses until the export ends
  if (run.status !== 'done') throw new AppError('CONFLICT', `Run "${run.name}" is ${run.status}; export a finished run.`);
  if (run.defense === 'none') throw new AppError('UNSUPPORTED', `Run "${run.name}" is undefended: there is nothing masked to export. Export a run trained with a defence (e.g. --defense ppfr-fd).`);
  if (run.defense === 'dp-sgd') {
    throw new AppError('UNSUPPORTED', `Run "${run.name}" is dp-sgd: its protection is in the model (clipped, noised gradients), not in the data, so it has no masked training set to export. Export a run trained with a masking defence (ppfr-fd, freq-mixup, adaptive, mixup, instahide).`);
  }
  const checkpoint = deps.store.runs.checkpoint(run.id);
  if (!checkpoint) throw new AppError('NOT_FOUND', `Run "${run.name}" has no checkpoint to export from.`);
  const out = resolve(req.out);
  await checkDestination(out, req.force);

  const dataset = deps.store.datasets.resolve(run.datasetId);
  const detail = deps.store.datasets.detail(dataset.id);
  const nameOf = new Map(detail.identityList.map((i) => [i.label, i.name]));
  const all = deps.store.datasets.images(dataset.id);
  const rows = all.filter((r) => r.split === 'train');
  const { labels: privateLabels, classOf } = privateClasses(all);
  const items: ExportItem[] = rows.map((r) => ({ row: r.cacheIndex, label: classOf.get(r.label)!, identity: folderName(nameOf.get(r.label) ?? 'identity', classOf.get(r.label)!) }));

  const stage = await stageDirectory(out).catch((err: unknown) => {
    throw cannotWrite(out, err);
  });
  try {
    const result = await callEngine<Extract<FromWorker, { type: 'exported' }>>({
      request: {
        type: 'export',
        request: { cacheFile: join(deps.dataDir, dataset.cacheFile), count: dataset.images, size: dataset.size, channels: dataset.channels, items, checkpointDir: checkpoint.path, outDir: stage.path, format: req.format },
      },
      signal: ctx.signal,
      onAbort: () => new AppError('CANCELLED', 'The export was cancelled; nothing was written.'),
      crashed: (err) => new AppError('INTERNAL', `The engine worker crashed during the export: ${err.message}`),
      exited: (code) => new AppError('INTERNAL', `The engine worker stopped during the export (exit code ${code}); nothing was written.`),
      onMessage: (msg, finish) => {
        if (msg.type === 'export-progress') ctx.progress(msg.done, msg.total);
        else if (msg.type === 'exported') finish(msg);
      },
    });
    const config = run.config as { seed?: number; frontEnd?: unknown };
    const fe = result.frontEnd;
    const mixing = result.config.defence?.mixing ?? null;
    const hashOfRow = new Map(rows.map((r) => [r.cacheIndex, r.hash]));
    const manifest = {
      format: MANIFEST_FORMAT,
      createdAt: new Date().toISOString(),
      dataset: { id: dataset.id, name: dataset.name, size: dataset.size, channels: dataset.channels, splitSeed: dataset.splitConfig.seed },
      run: { id: run.id, name: run.name, defense: run.defense, seed: run.seed },
      defence: {
        frontEnd: config.frontEnd ?? null,
        keptChannels: fe?.kept.length ?? null,
        planes: fe?.planes ?? null,
        domain: result.output.form,
        /** how the kept channels were chosen; the masking network's gates when learned */
        channelSelection: result.config.defence?.channelSelection ?? 'energy',
        gates: fe?.gates ?? null,
        mixing,
        // MixUp sets are a fresh draw [ours]: the trained policy (adaptive) or the fixed k, InstaHide
        // weights, partners within groups the size of a training group, seeded from the run's seed.
        draw: mixing ? 'fresh' : null,
        groupSize: mixing ? (result.config.workers > 1 ? Math.ceil(result.config.batch / 2) : result.config.batch) : null,
      },
      /** identifies the run's secret channel permutation without revealing it */
      keyFingerprint: fe ? createHash('sha256').update(JSON.stringify(fe.permutation)).digest('hex').slice(0, 16) : null,
      seed: run.seed,
      policyVersion: result.policyVersion,
      exportFormat: req.format,
      tensor:
        req.format === 'tensor'
          ? { dtype: 'float32', sampleShape: result.output.sampleShape, layout: 'NHWC', standardise: fe ? { mean: fe.mean, std: fe.std } : { mean: 127.5, std: 128 } }
          : null,
      identities: privateLabels.map((l, i) => ({ label: i, name: nameOf.get(l) ?? '' })),
      counts: { samples: result.output.samples.length, identities: privateLabels.length },
      samples: result.output.samples.map((s) => {
        const r = s.recipe;
        return {
          index: s.index,
          label: s.label,
          file: s.file,
          offset: s.offset,
          recipe: {
            kind: r.k > 1 ? 'mixed' : 'masked',
            k: r.k,
            sources: r.sources.map((src, i) => ({ imageHash: hashOfRow.get(items[src].row), label: items[src].label, weight: r.lambdas[i] })),
            labelWeights: r.labelWeights,
            signMaskSeed: r.signSeed,
            gain: r.gain ?? 1,
          },
        };
      }),
      files: result.output.files,
    };
    const text = JSON.stringify(manifest, null, 2);
    await writeFile(join(stage.path, 'manifest.json'), text);
    ctx.throwIfCancelled();
    await checkDestination(out, req.force);
    // another process (a CLI) may have deleted the run meanwhile: write nothing rather than an unrecorded folder
    if (!deps.store.runs.checkpoint(run.id)) throw new AppError('CONFLICT', `Run "${run.name}" was deleted during the export; nothing was written.`);
    await stage.commit().catch((err: unknown) => {
      throw cannotWrite(out, err);
    });
    const exportId = `ex_${randomBytes(5).toString('hex')}`;
    deps.store.runs.addExport({
      id: exportId,
      runId: run.id,
      datasetId: dataset.id,
      path: out,
      format: req.format,
      samples: manifest.counts.samples,
      manifestHash: createHash('sha256').update(text).digest('hex'),
      createdAt: manifest.createdAt,
    });
    return { exportId, path: out, format: req.format, samples: manifest.counts.samples, manifest: join(out, 'manifest.json') };
  } catch (err) {
    await stage.discard();
    throw err;
  }
}
