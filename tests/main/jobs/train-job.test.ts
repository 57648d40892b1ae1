import { describe, expect, it } from 'vitest';
import { resumeTraining, startTraining } from '../../../src/main/jobs/train-job.ts';
import type { TrainResult } from '../../../src/shared/domain/run.ts';
import { loadCheckpoint } from '../../../src/main/engine/train/checkpoint.ts';
import { tempBackend } from '../../helpers/temp.ts';

describe('training runs as jobs', () => {
  const b = tempBackend();
  const deps = { store: b.store, dataDir: b.dataDir, bus: b.bus };

  it('marks a run interrupted when its worker dies, and resumes it from the checkpoint to the end', async () => {
    await b.router.invoke('datasets.synth', { name: 'faces', identities: 8, perIdentity: 6, size: 32 });
    const crashing = { ...deps, workerUrl: new URL('../../fixtures/crashing-worker.ts', import.meta.url) };
    const request = { dataset: 'faces', defense: 'ppfr-fd' as const, profile: 'quick' as const, epochs: 3, seed: 2, accuracyBudget: 0.02, backbone: 'scratch' };
    await expect(b.jobs.run('train', 'crash', (job) => startTraining(crashing, request, job))).rejects.toThrow(/interrupted: resume it/);

    const [run] = b.store.runs.list();
    expect(run.status).toBe('interrupted');
    expect(b.store.runs.checkpoint(run.id)).toMatchObject({ epoch: 1, step: 0 });

    const result = await b.jobs.run('train', 'resume', (job) => resumeTraining(deps, run.id, job));
    expect(result).toMatchObject({ runId: run.id, status: 'done', epochs: 3, defense: 'ppfr-fd', backend: 'wasm' });
    const detail = b.store.runs.detail(run.id);
    expect(detail.status).toBe('done');
    expect(detail.metrics.find((m) => m.name === 'loss')!.points.map((p) => p.epoch)).toEqual([0, 1, 2]);
    expect(detail.config).toMatchObject({ defense: 'ppfr-fd', seed: 2, epochs: 3 });
    expect(detail.versions).toMatchObject({ tfjs: '4.22.0' });
  });

  it('cancels a run through jobs.cancel (run `cancelled`, job `cancelled`) and resumes it to the end', async () => {
    let jobId: string | null = null;
    const stop = b.bus.subscribe((e) => {
      if (e.event !== 'job.progress' || e.payload.kind !== 'train' || jobId || e.payload.done < 1) return;
      jobId = e.payload.id;
      void b.router.invoke('jobs.cancel', { jobId }).then((r) => expect(r).toEqual({ ok: true, value: { cancelled: true } }));
    });
    const trained = await b.router.invoke('runs.train', { dataset: 'faces', defense: 'ppfr-fd', profile: 'quick', epochs: 3, seed: 6, name: 'cancel-me', backbone: 'scratch' });
    stop();
    expect(trained).toMatchObject({ ok: false, error: { code: 'CANCELLED' } });
    const run = b.store.runs.resolve('cancel-me');
    expect(run.status).toBe('cancelled');
    expect(b.store.runs.checkpoint(run.id)).not.toBeNull();
    expect(b.jobs.list().find((j) => j.id === jobId)).toMatchObject({ kind: 'train', status: 'cancelled' });

    const resumed = await b.router.invoke('runs.resume', { run: 'cancel-me' });
    expect(resumed).toMatchObject({ ok: true, value: { runId: run.id, status: 'done', epochs: 3 } });
    expect(b.store.runs.resolve(run.id).status).toBe('done');
    expect(b.store.runs.detail(run.id).metrics.find((m) => m.name === 'loss')!.points.map((p) => p.epoch)).toEqual([0, 1, 2]);
  });

  it('refuses to resume a finished run', async () => {
    const [run] = b.store.runs.list();
    await expect(b.jobs.run('train', 'again', (job) => resumeTraining(deps, run.id, job))).rejects.toMatchObject({ code: 'CONFLICT' });
  });

  it('trains dp-sgd and records epsilon per epoch and in the result; the GroupNorm choice in the run', async () => {
    const r = await b.router.invoke('runs.train', { dataset: 'faces', defense: 'dp-sgd', profile: 'quick', epochs: 2, targetEpsilon: 50, backbone: 'scratch' });
    if (!r.ok) throw new Error(r.error.message);
    const v = r.value as TrainResult;
    expect(v.epsilon).toBeGreaterThan(0);
    expect(v.epsilon).toBeLessThanOrEqual(50);
    expect(v.policy).toBeNull();
    const detail = b.store.runs.detail(v.runId);
    expect(detail.metrics.find((m) => m.name === 'epsilon')!.points).toHaveLength(2);
    expect(detail.config).toMatchObject({ net: { norm: 'group' }, defence: { dp: { targetEpsilon: 50, norm: 'group' } } });
  });

  it('learns the channel selection with the masking network when asked, and freezes it with the run', async () => {
    const r = await b.router.invoke('runs.train', { dataset: 'faces', defense: 'ppfr-fd', profile: 'quick', epochs: 1, channelSelection: 'learned', backbone: 'scratch' });
    if (!r.ok) throw new Error(r.error.message);
    const ck = await loadCheckpoint(b.store.runs.checkpoint((r.value as TrainResult).runId)!.path);
    expect(ck.manifest.config.defence.channelSelection).toBe('learned');
    expect(ck.manifest.frontEnd!.kept).toHaveLength(36);
    expect(ck.manifest.frontEnd!.gates).toHaveLength(64);
  });

  it('refuses both a noise multiplier and a target epsilon', async () => {
    const r = await b.router.invoke('runs.train', { dataset: 'faces', defense: 'dp-sgd', noiseMultiplier: 1, targetEpsilon: 3, backbone: 'scratch' });
    expect(r).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
  });
});
