// At start-up a run or attack marked as ours (this pid) belongs to a dead process that had our pid (pids are reused: pid 1 in every container start).
import { cpSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openBackend } from '../../../src/main/ipc/backend.ts';
import { tempDir } from '../../helpers/temp.ts';

describe('opening a data folder', () => {
  it("marks a run and an attack left 'running' under this very pid interrupted at the folder's first opening (a reused pid), so they can be resumed or deleted", async () => {
    const before = tempDir();
    const b = openBackend({ dataDir: before });
    await b.router.invoke('datasets.synth', { name: 'faces', identities: 2, perIdentity: 2, size: 32 });
    b.store.runs.create({ id: 'run_x', name: 'x', datasetId: b.store.datasets.resolve('faces').id, defense: 'none', seed: 1, config: {} });
    b.store.runs.started('run_x', {}, 'wasm', {}); // owner: process.pid
    b.store.runs.finish('run_x', 'done', null);
    b.store.attacks.create({ id: 'atk_x', runId: 'run_x', kind: 'reconstruction', judge: 'pretrained', seed: 1, config: {} });
    b.store.runs.create({ id: 'run_y', name: 'y', datasetId: b.store.datasets.resolve('faces').id, defense: 'none', seed: 1, config: {} });
    b.store.runs.started('run_y', {}, 'wasm', {});
    b.close();
    // the same folder as a restarted process (which got our pid again) finds it
    const after = tempDir();
    cpSync(before, after, { recursive: true });
    const restarted = openBackend({ dataDir: after });
    expect(restarted.store.runs.resolve('run_y').status).toBe('interrupted');
    expect(restarted.store.attacks.detail('atk_x').status).toBe('interrupted');
    restarted.close();
  });

  it("removes a checkpoint's staging folder left under this very pid at the folder's first opening, and keeps this process's own later (regression: never cleaned)", async () => {
    const before = tempDir();
    const checkpoints = tempDir();
    const checkpoint = join(checkpoints, 'checkpoint');
    mkdirSync(checkpoint);
    const b = openBackend({ dataDir: before });
    await b.router.invoke('datasets.synth', { name: 'faces', identities: 2, perIdentity: 2, size: 32 });
    b.store.runs.create({ id: 'run_s', name: 's', datasetId: b.store.datasets.resolve('faces').id, defense: 'none', seed: 1, config: {} });
    b.store.runs.setCheckpoint('run_s', 1, 0, checkpoint, 'h');
    b.store.runs.finish('run_s', 'done', null);
    b.close();
    const stale = `.checkpoint.tmp-${process.pid}-00000000`;
    mkdirSync(join(checkpoints, stale)); // a save an earlier process with our pid never finished
    const after = tempDir();
    cpSync(before, after, { recursive: true });
    openBackend({ dataDir: after }).close();
    expect(readdirSync(checkpoints)).toEqual(['checkpoint']);
    // opened again, the folder's staging folders under our pid are this process's own saves
    mkdirSync(join(checkpoints, stale));
    openBackend({ dataDir: after }).close();
    expect(readdirSync(checkpoints).sort()).toEqual([stale, 'checkpoint']);
  });

  it('leaves the runs of this process alone when it opens the same folder again', async () => {
    const dir = tempDir();
    const b = openBackend({ dataDir: dir });
    await b.router.invoke('datasets.synth', { name: 'faces', identities: 2, perIdentity: 2, size: 32 });
    b.store.runs.create({ id: 'run_z', name: 'z', datasetId: b.store.datasets.resolve('faces').id, defense: 'none', seed: 1, config: {} });
    b.store.runs.started('run_z', {}, 'wasm', {});
    const again = openBackend({ dataDir: dir });
    expect(again.store.runs.resolve('run_z').status).toBe('running');
    again.close();
    b.close();
  });
});
