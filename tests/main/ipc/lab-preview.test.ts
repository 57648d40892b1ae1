import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { LabPreviewResponse } from '../../../src/shared/domain/lab.ts';
import { tempBackend } from '../../helpers/temp.ts';

describe('lab.preview (Defence Lab pictures from the engine worker)', () => {
  const b = tempBackend();

  async function preview(req: Record<string, unknown>): Promise<LabPreviewResponse> {
    const r = await b.router.invoke('lab.preview', { dataset: 'lab-faces', ...req });
    if (!r.ok) throw new Error(r.error.message);
    return r.value as LabPreviewResponse;
  }

  it('shows 64 channel maps of which exactly `keep` are kept, DC never among them', async () => {
    expect((await b.router.invoke('datasets.synth', { name: 'lab-faces', identities: 6, perIdentity: 5, size: 32 })).ok).toBe(true);
    const r = await preview({ keep: 20 });
    expect(r.channels).toHaveLength(64);
    expect(r.channels.filter((c) => c.kept)).toHaveLength(20);
    expect(r.channels[0].kept).toBe(false);
    expect(r.channels[0].map).toMatchObject({ width: 4, height: 4, channels: 1 });
    expect(Buffer.from(r.original.pixels, 'base64')).toHaveLength(32 * 32);
    expect(r.selection).toEqual({ source: 'dataset', trainImages: expect.any(Number) });
  });

  it('keeps the lowest-energy channels: every kept AC channel has less energy than every removed one', async () => {
    const r = await preview({ keep: 30 });
    const ac = r.channels.slice(1);
    const keptMax = Math.max(...ac.filter((c) => c.kept).map((c) => c.energy));
    const removedMin = Math.min(...ac.filter((c) => !c.kept).map((c) => c.energy));
    expect(keptMax).toBeLessThanOrEqual(removedMin);
  });

  it('mixes k = 2..6 faces with InstaHide weights (sum 1, none above 0.65), the chosen k first', async () => {
    const r = await preview({ k: 5 });
    expect(r.mixes.map((m) => m.k)).toEqual([5, 2, 3, 4, 6]);
    for (const m of r.mixes) {
      expect(m.sources).toHaveLength(m.k);
      expect(m.sources[0]).toBe(r.imageId);
      expect(m.weights.reduce((a, w) => a + w, 0)).toBeCloseTo(1, 5);
      expect(Math.max(...m.weights)).toBeLessThanOrEqual(0.65);
    }
    expect(new Set(r.sources.map((s) => s.id)).size).toBe(6);
  });

  it('answers a changed kept count within a second once the worker is warm', async () => {
    const started = performance.now();
    const r = await preview({ keep: 10 });
    expect(r.channels.filter((c) => c.kept)).toHaveLength(10);
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it("shows a run's frozen kept channels from its checkpoint's manifest alone, without reading the weights", async () => {
    const datasetId = b.store.datasets.resolve('lab-faces').id;
    b.store.runs.create({ id: 'run_fd', name: 'fd', datasetId, defense: 'ppfr-fd', seed: 1, config: {} });
    const dir = join(b.dataDir, 'runs', 'run_fd', 'checkpoint');
    mkdirSync(dir, { recursive: true });
    const frontEnd = { planes: 1, kept: [3, 17, 40], permutation: [2, 0, 1], mean: [0, 0, 0], std: [1, 1, 1], energy: Array.from({ length: 64 }, (_, i) => 64 - i), gates: null };
    writeFileSync(join(dir, 'checkpoint.json'), JSON.stringify({ format: 2, frontEnd })); // no weights.bin at all
    b.store.runs.setCheckpoint('run_fd', 1, 0, dir, 'hash');
    const r = await preview({ run: 'fd' });
    expect(r.channels.filter((c) => c.kept).map((c) => c.index)).toEqual([3, 17, 40]);
    expect(r.selection).toMatchObject({ source: 'run', runId: 'run_fd' });
  });

  it("reads a running run's checkpoint during its commit without touching the folders (the trainer's next rename must still succeed)", async () => {
    // between the commit's 'aside' and 'in': the previous version is renamed aside, the new one not yet in place
    const datasetId = b.store.datasets.resolve('lab-faces').id;
    b.store.runs.create({ id: 'run_live', name: 'live', datasetId, defense: 'ppfr-fd', seed: 1, config: {} });
    const dir = join(b.dataDir, 'runs', 'run_live', 'checkpoint');
    const previous = join(b.dataDir, 'runs', 'run_live', '.checkpoint.previous');
    mkdirSync(previous, { recursive: true });
    const frontEnd = { planes: 1, kept: [5, 9], permutation: [1, 0], mean: [0, 0], std: [1, 1], energy: Array.from({ length: 64 }, (_, i) => 64 - i), gates: null };
    writeFileSync(join(previous, 'checkpoint.json'), JSON.stringify({ format: 2, frontEnd }));
    b.store.runs.setCheckpoint('run_live', 1, 0, dir, 'hash');
    const r = await preview({ run: 'live' });
    expect(r.channels.filter((c) => c.kept).map((c) => c.index)).toEqual([5, 9]);
    // a reader that "recovered" the folder here would make the trainer's rename of its new version fail
    expect([existsSync(dir), existsSync(previous)]).toEqual([false, true]);
  });

  it('says which image is missing', async () => {
    const r = await b.router.invoke('lab.preview', { dataset: 'lab-faces', image: 999_999 });
    expect(r.ok ? null : r.error.code).toBe('NOT_FOUND');
  });
});
