import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ExportResponse } from '../../../src/shared/contract/api.ts';
import type { TrainResult } from '../../../src/shared/domain/run.ts';
import { readPixelCache } from '../../../src/main/data/cache/pixel-cache.ts';
import { decodeNpy } from '../../../src/main/data/export/npy.ts';
import { selectBackend, tf } from '../../../src/main/engine/backend/select-backend.ts';
import { maskedCoefficients } from '../../../src/main/engine/masking/front-end.ts';
import { loadCheckpoint } from '../../../src/main/engine/train/checkpoint.ts';
import { tempBackend, tempDir } from '../../helpers/temp.ts';

describe('masked training-set export', () => {
  const b = tempBackend();
  const out = tempDir('veil-export-');
  let run: TrainResult;

  beforeAll(async () => {
    await b.router.invoke('datasets.synth', { name: 'faces', identities: 6, perIdentity: 5, size: 64 });
    const r = await b.router.invoke('runs.train', { dataset: 'faces', defense: 'ppfr-fd', profile: 'quick', epochs: 1, backbone: 'scratch' });
    if (!r.ok) throw new Error(r.error.message);
    run = r.value as TrainResult;
    const none = await b.router.invoke('runs.train', { dataset: 'faces', defense: 'none', profile: 'quick', epochs: 1, name: 'plain', backbone: 'scratch' });
    if (!none.ok) throw new Error(none.error.message);
  });

  it('exports an adaptive run\'s mixed samples with their recipes and the policy version, and its train result has the policy', async () => {
    // 3 epochs: 2 of warm-up with k = 2, then the policy picks k
    const progress: { phase: string; done: number; total: number }[] = [];
    const stop = b.bus.subscribe((e) => void (e.event === 'job.progress' && e.payload.kind === 'train' && progress.push({ phase: e.payload.phase ?? '', done: e.payload.done, total: e.payload.total })));
    const r = await b.router.invoke('runs.train', { dataset: 'faces', defense: 'adaptive', profile: 'quick', epochs: 3, name: 'adaptive', backbone: 'scratch' });
    stop();
    if (!r.ok) throw new Error(r.error.message);
    // the job's bar moves during the reference (its own phase), then the policy's epoch is a phase too
    const during = progress.filter((p) => p.phase.startsWith('training the k = 2 accuracy reference (1 epoch'));
    expect(during.some((p) => p.done > 0 && p.done === p.total)).toBe(true);
    expect(progress.some((p) => p.phase === 'training with the policy (from epoch 3 of 3)' && p.done > 0)).toBe(true);
    const v = r.value as TrainResult;
    expect(v.policy!.meanK).toBeGreaterThanOrEqual(2);
    expect(Object.keys(v.policy!.kHistogram)).toEqual(['2', '3', '4', '5', '6']);
    // acc_ref: the k = 2 reference forked after the warm-up, for the one epoch before the slice rejoins
    expect(v.accuracyReference).toMatchObject({ rule: 'k2-reference', from: 2, accuracy: [expect.any(Number)] });
    const names = new Set(b.store.runs.detail(v.runId).metrics.map((m) => m.name));
    for (const n of ['mu', 'reward', 'entropy', 'meanK', 'k2', 'k6', 'valAccuracy']) expect(names).toContain(n);
    const target = join(out, 'adaptive');
    const e = await b.router.invoke('exports.create', { run: 'adaptive', out: target, format: 'tensor' });
    if (!e.ok) throw new Error(e.error.message);
    const manifest = JSON.parse(readFileSync((e.value as ExportResponse).manifest, 'utf8'));
    expect(manifest.policyVersion).toBeGreaterThan(0);
    expect(manifest.defence).toMatchObject({ draw: 'fresh', domain: 'frequency', mixing: { k: 'policy', energy: 'unit' } });
    for (const s of manifest.samples) {
      expect(s.recipe.k).toBeGreaterThanOrEqual(2);
      expect(s.recipe.sources).toHaveLength(s.recipe.k);
      expect(s.recipe.sources.reduce((a: number, x: { weight: number }) => a + x.weight, 0)).toBeCloseTo(1, 6);
      expect(s.recipe.labelWeights.reduce((a: number, x: { weight: number }) => a + x.weight, 0)).toBeCloseTo(1, 6);
      expect(s.recipe.gain).toBeCloseTo(1 / Math.hypot(...s.recipe.sources.map((x: { weight: number }) => x.weight)), 6);
    }
  });

  it('refuses to export a dp-sgd run, saying its protection is in the model', async () => {
    const r = await b.router.invoke('runs.train', { dataset: 'faces', defense: 'dp-sgd', profile: 'quick', epochs: 1, name: 'dp', backbone: 'scratch' });
    if (!r.ok) throw new Error(r.error.message);
    const e = await b.router.invoke('exports.create', { run: 'dp', out: join(out, 'dp'), format: 'tensor' });
    expect(e).toMatchObject({ ok: false, error: { code: 'UNSUPPORTED' } });
    expect(JSON.stringify(e)).toContain('protection is in the model');
  });

  it('round-trips a tensor export: shapes, labels, hashes, and the masked coefficients themselves', async () => {
    const target = join(out, 'tensor');
    const r = await b.router.invoke('exports.create', { run: run.runId, out: target, format: 'tensor' });
    if (!r.ok) throw new Error(r.error.message);
    const value = r.value as ExportResponse;
    const manifest = JSON.parse(readFileSync(value.manifest, 'utf8'));
    const train = b.store.datasets.images(b.store.datasets.resolve('faces').id).filter((im) => im.split === 'train');
    expect(value.samples).toBe(train.length);
    expect(manifest.counts).toEqual({ samples: train.length, identities: b.store.datasets.resolve('faces').splits.private });
    for (const f of manifest.files) expect(createHash('sha256').update(readFileSync(join(target, f.path))).digest('hex')).toBe(f.sha256);

    const x = decodeNpy(readFileSync(join(target, 'shard-00000.x.npy')));
    const y = decodeNpy(readFileSync(join(target, 'shard-00000.y.npy')));
    expect(x.shape).toEqual([train.length, 8, 8, 36]);
    expect(Array.from(y.data)).toEqual(manifest.samples.map((s: { label: number }) => s.label));
    expect(manifest.samples.map((s: { recipe: { sources: { imageHash: string }[] } }) => s.recipe.sources[0].imageHash)).toEqual(train.map((t) => t.hash));

    // Recompute the masked coefficients independently from the cache and the run's checkpoint.
    await selectBackend('wasm');
    const ck = await loadCheckpoint(b.store.runs.checkpoint(run.runId)!.path);
    const ds = b.store.datasets.resolve('faces');
    const pixels = await readPixelCache(join(b.dataDir, ds.cacheFile), { count: ds.images, size: 64, channels: 1 });
    const first = train[0].cacheIndex;
    const expected = tf.tidy(() => maskedCoefficients(tf.tensor4d(Float32Array.from(pixels.subarray(first * 4096, (first + 1) * 4096)), [1, 64, 64, 1]), ck.manifest.frontEnd!).dataSync());
    const got = x.data.subarray(0, expected.length);
    expected.forEach((v, i) => expect(got[i]).toBeCloseTo(v, 3));
    expect(manifest.keyFingerprint).toMatch(/^[0-9a-f]{16}$/);
    expect(JSON.stringify(manifest)).not.toContain(JSON.stringify(ck.manifest.frontEnd!.permutation));
  });

  it('writes an imagefolder export with one PNG per sample in identity folders', async () => {
    const target = join(out, 'images');
    const r = await b.router.invoke('exports.create', { run: run.runId, out: target, format: 'imagefolder' });
    if (!r.ok) throw new Error(r.error.message);
    const folders = readdirSync(target).filter((f) => f !== 'manifest.json');
    const pngs = folders.flatMap((f) => readdirSync(join(target, f)));
    expect(pngs.length).toBe((r.value as ExportResponse).samples);
    expect(pngs.every((p) => p.endsWith('.png'))).toBe(true);
  });

  it('refuses a non-empty folder unless forced, and leaves it untouched', async () => {
    const target = join(out, 'busy');
    const r0 = await b.router.invoke('exports.create', { run: run.runId, out: target, format: 'tensor' });
    expect(r0.ok).toBe(true);
    writeFileSync(join(target, 'mine.txt'), 'keep me');
    const r = await b.router.invoke('exports.create', { run: run.runId, out: target, format: 'tensor' });
    expect(r).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
    expect(readFileSync(join(target, 'mine.txt'), 'utf8')).toBe('keep me');
    const forced = await b.router.invoke('exports.create', { run: run.runId, out: target, format: 'tensor', force: true });
    expect(forced.ok).toBe(true);
    expect(existsSync(join(target, 'mine.txt'))).toBe(false);
  });

  it('refuses, even when forced, to replace a non-empty folder that holds no export, and leaves its files (regression: force deleted any folder)', async () => {
    const target = join(out, 'documents');
    mkdirSync(target);
    writeFileSync(join(target, 'thesis.txt'), 'years of work');
    for (const force of [false, true]) {
      const r = await b.router.invoke('exports.create', { run: run.runId, out: target, format: 'tensor', force });
      expect(r).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
      expect(r.ok ? '' : r.error.message).toMatch(/holds no studio export/);
    }
    expect(readdirSync(target)).toEqual(['thesis.txt']);
    expect(readFileSync(join(target, 'thesis.txt'), 'utf8')).toBe('years of work');
  });

  /** Calls `act` once, when the engine reports the export's first progress (the export is under way). */
  const duringExport = <T>(act: () => T): Promise<T> =>
    new Promise((resolve) => {
      const stop = b.bus.subscribe((e) => {
        if (e.event === 'job.progress' && e.payload.kind === 'export' && e.payload.status === 'running' && e.payload.total > 0) resolve((stop(), act()));
      });
    });

  it('re-checks the folder before the final rename: files put there during the export are kept, even when forced (regression)', async () => {
    const target = join(out, 'filled-meanwhile');
    const filled = duringExport(() => {
      mkdirSync(target);
      writeFileSync(join(target, 'notes.txt'), 'written during the export');
    });
    const r = await b.router.invoke('exports.create', { run: run.runId, out: target, format: 'tensor', force: true });
    await filled;
    expect(r).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
    expect(r.ok ? '' : r.error.message).toMatch(/holds no studio export/);
    expect(readdirSync(target)).toEqual(['notes.txt']);
  });

  it('refuses to export an undefended run', async () => {
    const r = await b.router.invoke('exports.create', { run: 'plain', out: join(out, 'plain'), format: 'tensor' });
    expect(r).toMatchObject({ ok: false, error: { code: 'UNSUPPORTED' } });
    expect(existsSync(join(out, 'plain'))).toBe(false);
  });

  it('leaves no staging folder behind', () => {
    expect(readdirSync(out).filter((f) => f.startsWith('.'))).toEqual([]);
  });

  it('refuses runs.delete while the run is being exported, says to wait or cancel, and the export is recorded (regression: FK error, folder left unrecorded)', async () => {
    const target = join(out, 'kept-run');
    const deleting = duringExport(() => b.router.invoke('runs.delete', { run: run.runId }));
    const r = await b.router.invoke('exports.create', { run: run.runId, out: target, format: 'tensor' });
    const refused = await deleting;
    expect(refused).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
    expect(refused.ok ? '' : refused.error.message).toMatch(/Wait for it to finish or cancel it/);
    if (!r.ok) throw new Error(r.error.message);
    expect(b.store.runs.exports().find((e) => e.path === target)).toMatchObject({ runId: run.runId });
    // the export over, the run deletes
    expect(await b.router.invoke('runs.delete', { run: run.runId })).toMatchObject({ ok: true });
  });
});
