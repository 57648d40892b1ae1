import { describe, expect, it } from 'vitest';
import { resumeTraining, startTraining } from '../../../src/main/jobs/train-job.ts';
import type { TrainResult } from '../../../src/shared/domain/run.ts';
import { tempBackend } from '../../helpers/temp.ts';

describe('training runs as jobs', () => {
  const b = tempBackend();
  const deps = { store: b.store, dataDir: b.dataDir, bus: b.bus };

  it('marks a run interrupted when its worker dies, and resumes it from the checkpoint to the end', async () => {
    await b.router.invoke('datasets.synth', { name: 'faces', identities: 8, perIdentity: 6, size: 32 });
    const crashing = { ...deps, workerUrl: new URL('../../fixtures/crashing-worker.ts', import.meta.url) };
    const request = { dataset: 'faces', defense: 'ppfr-fd' as const, profile: 'quick' as const, epochs: 3, seed: 2, accuracyBudget: 0.02 };
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

  it('refuses to resume a finished run', async () => {
    const [run] = b.store.runs.list();
    await expect(b.jobs.run('train', 'again', (job) => resumeTraining(deps, run.id, job))).rejects.toMatchObject({ code: 'CONFLICT' });
  });

  it('trains dp-sgd and records epsilon per epoch and in the result; the GroupNorm choice in the run', async () => {
    const r = await b.router.invoke('runs.train', { dataset: 'faces', defense: 'dp-sgd', profile: 'quick', epochs: 2, targetEpsilon: 50 });
    if (!r.ok) throw new Error(r.error.message);
    const v = r.value as TrainResult;
    expect(v.epsilon).toBeGreaterThan(0);
    expect(v.epsilon).toBeLessThanOrEqual(50);
    expect(v.policy).toBeNull();
    const detail = b.store.runs.detail(v.runId);
    expect(detail.metrics.find((m) => m.name === 'epsilon')!.points).toHaveLength(2);
    expect(detail.config).toMatchObject({ net: { norm: 'group' }, defence: { dp: { targetEpsilon: 50, norm: 'group' } } });
  });

  it('refuses both a noise multiplier and a target epsilon', async () => {
    const r = await b.router.invoke('runs.train', { dataset: 'faces', defense: 'dp-sgd', noiseMultiplier: 1, targetEpsilon: 3 });
    expect(r).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
  });
});
